#include "signals.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "environment.h"

namespace x710 {

SignalEvents::SignalEvents() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, &previous_);
  fd_.reset(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd_) throw InfraError(std::string("signalfd: ") + strerror(errno));
  // A reader of our stdout that goes away (`| head`) must not kill the launcher
  // before it has stopped QEMU; write() then fails with EPIPE instead.
  signal(SIGPIPE, SIG_IGN);
}

SignalEvents::~SignalEvents() {
  // A signal that came during the final cleanup was answered by that cleanup;
  // unblocked, it would kill the launcher before it returns its exit code.
  while (take() != 0) {
  }
  sigprocmask(SIG_SETMASK, &previous_, nullptr);
}

int SignalEvents::take() {
  signalfd_siginfo info;
  const ssize_t n = ::read(fd_.get(), &info, sizeof info);
  return n == sizeof info ? static_cast<int>(info.ssi_signo) : 0;
}

}  // namespace x710
