// A precise one-shot timer on the glib loop (timerfd, CLOCK_MONOTONIC,
// absolute nanoseconds) for the device's next deadline: an ITR-held
// interrupt or the end of a disable window. The 1 ms tick would deliver those
// up to a millisecond late; hardware moderates in 2 us units.
#pragma once

#include <glib.h>

#include <cstdint>
#include <functional>

namespace x710 {

class DeadlineTimer {
 public:
  // `expired` runs on the loop when the armed time has come; then the timer
  // is armed again for `next()`.
  DeadlineTimer(std::function<void()> expired, std::function<uint64_t()> next);
  ~DeadlineTimer();
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Fires at `at_ns` (monotonic); UINT64_MAX disarms. A call with the time
  // already armed costs nothing (it comes after every MMIO batch).
  void arm(uint64_t at_ns);

 private:
  static gboolean on_ready(gint fd, GIOCondition, gpointer self);

  std::function<void()> expired_;
  std::function<uint64_t()> next_;
  int fd_ = -1;
  guint watch_ = 0;
  uint64_t armed_ = UINT64_MAX;
};

}  // namespace x710
