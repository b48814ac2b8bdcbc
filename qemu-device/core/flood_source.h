// Drives the flood generator into the packet path at the configured rate.
// The transport calls tick() from its event loop; frames are offered only
// while some receive queue is enabled, so the flood follows the guest across
// reboots and driver reloads without piling up drops while the port is idle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "flood.h"
#include "packet_path.h"

namespace x710 {

struct FloodStats {
  uint64_t offered = 0;    // frames generated while a queue was enabled
  uint64_t delivered = 0;
  uint64_t dropped = 0;    // no descriptor, queue disabled or too long
};

class FloodSource {
 public:
  // Per tick at most this many frames: bounds the time one tick holds the
  // event loop (MMIO from QEMU waits meanwhile).
  static constexpr uint64_t kMaxBurst = 4096;

  FloodSource(PacketPath& path, const FloodConfig& config, const std::array<uint8_t, 6>& dst_mac);

  void tick(uint64_t now_ns);
  void set_rate(uint64_t pps, uint64_t now_ns);
  // Another frame size or flow count from the next frame on (the control
  // channel's "flood" request); the sequence numbers carry on. Returns what
  // is wrong (FloodConfig::problem) and changes nothing if the shape is not
  // usable.
  std::string set_shape(uint32_t frame_size, uint32_t flows);
  uint64_t pps() const { return pps_; }  // 0: as fast as descriptors allow
  const FloodStats& stats() const { return stats_; }
  const FloodGenerator& generator() const { return gen_; }

 private:
  PacketPath& path_;
  FloodGenerator gen_;
  FloodPacer pacer_;
  uint64_t pps_;
  bool idle_ = true;
  FloodStats stats_;
};

}  // namespace x710
