#include "packet_path.h"

#include "packet_parse.h"

namespace x710 {

PacketPath::PacketPath(const RegisterFile& regs, LanQueues& lan, PortCounters& counters, const FirmwareState& fw)
    : lan_(lan), counters_(counters), fw_(fw), rss_(regs) {
  stripped_.reserve(16384);
}

bool PacketPath::any_queue_enabled() const {
  for (uint32_t q = 0; q < lan_.num_queues(); ++q) {
    if (lan_.rx(q).enabled) return true;
  }
  return false;
}

RxResult PacketPath::receive(std::span<const uint8_t> frame) {
  if (tap_) tap_(frame);
  const ParsedPacket pkt = parse_packet(frame);
  const Rss::Result steer = rss_.classify(pkt);
  RxFrameInfo info;
  info.ptype = pkt.ptype;
  info.l3l4p = pkt.l3l4p;
  info.ip_error = pkt.ip_error;
  info.l4_error = pkt.l4_error;
  info.umbcast = pkt.umbcast;
  info.rss_valid = steer.hashed;
  info.rss_hash = steer.hash;
  // The main VSI's queues start at PF queue 0 (the queue map the driver
  // programs with 0x0211 is contiguous from 0), so a LUT entry is a PF queue.
  const uint32_t queue = steer.queue;
  if (queue >= lan_.num_queues() || !lan_.rx(queue).enabled) {
    ++stats_.queue_disabled;
    ++counters_.rx_discards;
    return RxResult::no_descriptor;
  }
  // VLAN stripping, as the driver sets it with 0x0211 (port_vlan_flags EMOD:
  // anything but "nothing", 0x18, strips; i40e_vlan_stripping_enable at open):
  // the outer 802.1Q/802.1ad tag leaves the frame and its TCI goes into
  // L2TAG1 of the write-back (l2tsel = 1 in the queue context).
  constexpr uint8_t kEmodMask = 0x18, kEmodNothing = 0x18;
  if (pkt.vlan_tags > 0 && (fw_.vsi.port_vlan_flags & kEmodMask) != kEmodNothing && frame.size() >= 18) {
    stripped_.assign(frame.begin(), frame.begin() + 12);
    stripped_.insert(stripped_.end(), frame.begin() + 16, frame.end());
    info.l2tag1_present = true;
    info.l2tag1 = pkt.vlan_tci;
    frame = stripped_;
  }
  const RxResult result = lan_.receive(queue, frame, info);
  switch (result) {
    case RxResult::delivered:
      ++stats_.frames;
      stats_.bytes += frame.size();
      counters_.count_rx(frame);
      break;
    case RxResult::no_descriptor:
      ++stats_.no_descriptor;
      ++counters_.rx_discards;
      break;
    case RxResult::too_long:
      ++stats_.oversize;
      ++counters_.rx_oversize;
      break;
    case RxResult::dma_error: break;  // the queue logged and stopped itself
  }
  return result;
}

}  // namespace x710
