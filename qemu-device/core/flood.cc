#include "flood.h"

#include <algorithm>
#include <cstring>

#include "byte_order.h"
#include "checksum.h"

namespace x710 {

namespace {

constexpr size_t kEth = 14, kIp = 20, kUdp = 8;
constexpr size_t kHeaders = kEth + kIp + kUdp;

}  // namespace

std::string FloodConfig::problem() const {
  if (frame_size < 60 || frame_size > 9018) {
    return "frame size " + std::to_string(frame_size) + " is outside 60..9018 bytes";
  }
  if (flows == 0 || flows > 65536) return "flows must be 1..65536, not " + std::to_string(flows);
  if (uint32_t{src_port} + flows - 1 > 65535) return "source ports " + std::to_string(src_port) + "+flows exceed 65535";
  return {};
}

FloodGenerator::FloodGenerator(const FloodConfig& config, const std::array<uint8_t, 6>& dst_mac,
                               uint64_t first_sequence)
    : config_(config), frame_(config.frame_size, 0), sequence_(first_sequence) {
  // The config has passed problem() (60 bytes at least), so the headers fit;
  // a config that did not is padded rather than trusted. (This also tells
  // GCC 12, which otherwise follows an empty-frame path into -Warray-bounds.)
  if (frame_.size() < kHeaders) frame_.resize(kHeaders);
  uint8_t* f = frame_.data();
  std::memcpy(f, dst_mac.data(), 6);
  std::memcpy(f + 6, config_.src_mac.data(), 6);
  store_be16(f + 12, 0x0800);
  uint8_t* ip = f + kEth;
  const uint16_t ip_len = static_cast<uint16_t>(config_.frame_size - kEth);
  ip[0] = 0x45;
  store_be16(ip + 2, ip_len);
  ip[6] = 0x40;  // don't fragment
  ip[8] = 0xFF;  // ttl, as in the field report's frame
  ip[9] = 17;    // UDP
  std::memcpy(ip + 12, config_.src_ip.data(), 4);
  std::memcpy(ip + 16, config_.dst_ip.data(), 4);
  store_be16(ip + 10, inet_fold_complement(inet_sum(ip, kIp)));
  uint8_t* udp = ip + kIp;
  const uint16_t udp_len = static_cast<uint16_t>(ip_len - kIp);
  store_be16(udp + 2, config_.dst_port);
  store_be16(udp + 4, udp_len);
  // The UDP checksum changes only with the source port and the signature;
  // the rest (pseudo-header, length, destination port) is summed once.
  uint32_t base = inet_sum(ip + 12, 8);  // addresses
  base += 17 + udp_len;               // protocol and UDP length (pseudo-header)
  base += config_.dst_port + udp_len; // UDP header fields that never change
  udp_sum_base_ = base;
}

std::array<uint8_t, 6> FloodGenerator::dst_mac() const {
  std::array<uint8_t, 6> mac;
  std::memcpy(mac.data(), frame_.data(), mac.size());
  return mac;
}

std::span<const uint8_t> FloodGenerator::next() {
  uint8_t* udp = frame_.data() + kEth + kIp;
  const uint16_t port = static_cast<uint16_t>(config_.src_port + flow_);
  store_be16(udp, port);
  FloodSignature sig{kFloodMagic, sequence_, flow_};
  std::memcpy(udp + kUdp, &sig, sizeof sig);
  // Payload beyond the signature stays zero, so it adds nothing to the sum.
  store_be16(udp + 6, 0);
  uint16_t sum = inet_fold_complement(inet_sum(udp + kUdp, sizeof sig, udp_sum_base_ + port));
  store_be16(udp + 6, sum == 0 ? 0xFFFF : sum);
  ++sequence_;
  flow_ = flow_ + 1 == config_.flows ? 0 : flow_ + 1;
  return frame_;
}

bool FloodGenerator::find_signature(std::span<const uint8_t> bytes, FloodSignature& out, size_t& offset) {
  for (size_t i = 0; i + sizeof(FloodSignature) <= bytes.size(); ++i) {
    uint32_t magic;
    std::memcpy(&magic, bytes.data() + i, 4);
    if (magic == kFloodMagic) {
      std::memcpy(&out, bytes.data() + i, sizeof out);
      offset = i;
      return true;
    }
  }
  return false;
}

void FloodPacer::reset(uint64_t pps, uint64_t now_ns) {
  pps_ = pps;
  last_ns_ = now_ns;
  credit_ = 0;
}

uint64_t FloodPacer::due(uint64_t now_ns, uint64_t max_burst) {
  if (now_ns <= last_ns_) return 0;
  const uint64_t elapsed = now_ns - last_ns_;
  last_ns_ = now_ns;
  if (pps_ == 0) return max_burst;
  constexpr uint64_t kNs = 1'000'000'000ull;
  // Credit in frame-nanoseconds keeps fractional frames between calls; the
  // cap means a stalled event loop does not release a burst of catch-up.
  using u128 = unsigned __int128;
  u128 credit = credit_ + u128{elapsed} * pps_;
  const u128 cap = u128{max_burst + 1} * kNs;
  if (credit > cap) credit = cap;
  const u128 whole = credit / kNs;
  const uint64_t frames = whole < max_burst ? static_cast<uint64_t>(whole) : max_burst;
  credit_ = credit - u128{frames} * kNs;
  return frames;
}

}  // namespace x710
