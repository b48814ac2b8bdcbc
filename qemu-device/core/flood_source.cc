#include "flood_source.h"

namespace x710 {

FloodSource::FloodSource(PacketPath& path, const FloodConfig& config, const std::array<uint8_t, 6>& dst_mac)
    : path_(path), gen_(config, dst_mac), pps_(config.pps) {
  pacer_.reset(pps_, 0);
}

void FloodSource::set_rate(uint64_t pps, uint64_t now_ns) {
  pps_ = pps;
  pacer_.reset(pps_, now_ns);
}

std::string FloodSource::set_shape(uint32_t frame_size, uint32_t flows) {
  FloodConfig config = gen_.config();
  config.frame_size = frame_size;
  config.flows = flows;
  if (std::string why = config.problem(); !why.empty()) return why;
  gen_ = FloodGenerator(config, gen_.dst_mac(), gen_.sequence());
  return {};
}

void FloodSource::tick(uint64_t now_ns) {
  if (!path_.any_queue_enabled()) {
    idle_ = true;
    return;
  }
  if (idle_) {
    // Start counting time from now, not from when the port went idle.
    pacer_.reset(pps_, now_ns);
    idle_ = false;
    return;
  }
  const uint64_t due = pacer_.due(now_ns, kMaxBurst);
  for (uint64_t i = 0; i < due; ++i) {
    ++stats_.offered;
    const RxResult r = path_.receive(gen_.next());
    if (r == RxResult::delivered) {
      ++stats_.delivered;
    } else {
      ++stats_.dropped;
      // "As fast as descriptors allow": stop at the first full ring.
      if (pps_ == 0) break;
    }
  }
}

}  // namespace x710
