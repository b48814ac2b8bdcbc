#include "deadline_timer.h"

#include <glib-unix.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "log.h"

namespace x710 {

DeadlineTimer::DeadlineTimer(std::function<void()> expired, std::function<uint64_t()> next)
    : expired_(std::move(expired)), next_(std::move(next)) {
  fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd_ < 0) {
    X710_LOG(warn, "timerfd_create: %s; interrupt moderation falls back to the 1 ms tick", std::strerror(errno));
    return;
  }
  watch_ = g_unix_fd_add(fd_, G_IO_IN, on_ready, this);
}

DeadlineTimer::~DeadlineTimer() {
  if (watch_) g_source_remove(watch_);
  if (fd_ >= 0) ::close(fd_);
}

void DeadlineTimer::arm(uint64_t at_ns) {
  if (fd_ < 0 || at_ns == armed_) return;
  armed_ = at_ns;
  itimerspec spec{};  // all zero: disarm
  if (at_ns != UINT64_MAX) {
    // 0 would disarm: a deadline already passed fires at the next nanosecond.
    const uint64_t t = at_ns == 0 ? 1 : at_ns;
    spec.it_value.tv_sec = static_cast<time_t>(t / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(t % 1'000'000'000);
  }
  if (::timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
    X710_LOG(warn, "timerfd_settime: %s", std::strerror(errno));
  }
}

gboolean DeadlineTimer::on_ready(gint fd, GIOCondition, gpointer p) {
  auto* self = static_cast<DeadlineTimer*>(p);
  uint64_t expirations = 0;
  if (::read(fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN) {
    X710_LOG(warn, "timerfd read: %s", std::strerror(errno));
  }
  self->armed_ = UINT64_MAX;
  self->expired_();
  self->arm(self->next_());
  return G_SOURCE_CONTINUE;
}

}  // namespace x710
