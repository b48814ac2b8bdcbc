// The receive side of the port: a frame from the wire (the flood generator,
// later the slirp backend) is classified like the hardware's parser does,
// steered by RSS to a queue of the PF, and handed to that queue's ring.
// Port-level counters live here.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include <vector>

#include "firmware_state.h"
#include "lan_queues.h"
#include "rss.h"

namespace x710 {

struct PortRxStats {
  uint64_t frames = 0;            // delivered to some queue
  uint64_t bytes = 0;
  uint64_t no_descriptor = 0;     // the chosen queue had no buffer posted
  uint64_t queue_disabled = 0;    // the chosen queue is not enabled
  uint64_t oversize = 0;
};

class PacketPath {
 public:
  PacketPath(const RegisterFile& regs, LanQueues& lan, PortCounters& counters, const FirmwareState& fw);

  RxResult receive(std::span<const uint8_t> frame);
  // True when some receive queue can take frames: traffic sources idle
  // otherwise (the port is down as far as the driver is concerned).
  bool any_queue_enabled() const;

  const PortRxStats& stats() const { return stats_; }
  // Sees every frame that arrives from the wire, before steering (--pcap).
  void set_rx_tap(std::function<void(std::span<const uint8_t>)> tap) { tap_ = std::move(tap); }

 private:
  std::function<void(std::span<const uint8_t>)> tap_;
  LanQueues& lan_;
  PortCounters& counters_;
  const FirmwareState& fw_;
  std::vector<uint8_t> stripped_;  // a frame without its VLAN tag, reused
  Rss rss_;
  PortRxStats stats_;
};

}  // namespace x710
