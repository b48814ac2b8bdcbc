// SIGINT, SIGTERM and SIGHUP as readable events (signalfd) instead of handlers, so
// the event loop handles them like any other input and then runs the ordinary
// cleanup: stop QEMU and the device, restore the terminal, remove the temp dir.
#pragma once

#include <signal.h>

#include "unique_fd.h"

namespace x710 {

class SignalEvents {
 public:
  // Blocks the signals for the whole process (children unblock them again).
  SignalEvents();
  ~SignalEvents();
  SignalEvents(const SignalEvents&) = delete;
  SignalEvents& operator=(const SignalEvents&) = delete;

  int fd() const { return fd_.get(); }
  // The pending signal number, or 0.
  int take();

 private:
  sigset_t previous_{};
  UniqueFd fd_;
};

}  // namespace x710
