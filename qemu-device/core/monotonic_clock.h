// The device's default time source: monotonic nanoseconds. Interrupt
// moderation and disable windows read it; tests substitute a fake clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace x710 {

inline uint64_t monotonic_ns() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

}  // namespace x710
