// How long a receive queue takes to stop after the driver asks
// (--rx-disable-latency). Real X710s under load took up to about 1 s; the
// driver gives up after about 50 ms. Forms:
//   0, 50ms, 1s              fixed
//   uniform:100ms:1s         uniform between the two
//   normal:500ms:100ms       mean and standard deviation (clamped at 0)
//   exp:300ms                exponential with that mean
//   load:1ms:5ms             1 ms plus 5 ms per 1000 frames/s the queue carried
//                            (a gentle flood stops fast, a heavy one slowly)
// Random forms draw from a generator seeded by --rx-disable-seed, so a run
// repeats exactly.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace x710 {

struct LatencyModel {
  enum class Kind { fixed, uniform, normal, exponential, load };
  Kind kind = Kind::fixed;
  uint64_t a_ns = 0;  // fixed value; uniform min; normal mean; exp mean; load base
  uint64_t b_ns = 0;  // uniform max; normal stddev; load ns per 1000 frames/s

  // Errors name the text and what is wrong with it.
  static bool parse(const std::string& text, LatencyModel& out, std::string& error);
  // One latency; `queue_pps` is the offered rate the queue carried.
  uint64_t draw(std::mt19937_64& rng, double queue_pps) const;
  bool is_zero() const { return kind == Kind::fixed && a_ns == 0; }
  std::string describe() const;
};

// "1s", "200ms", "50us", "10ns", "0": false for anything else.
bool parse_duration_ns(const std::string& text, uint64_t& ns);

}  // namespace x710
