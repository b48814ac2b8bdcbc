#include "outcome.h"

#include <signal.h>
#include <string.h>

namespace x710 {

int exit_code_for(const Outcome& outcome) {
  switch (outcome.kind) {
    case Outcome::Kind::guest_exit:
      // A shell status is 0..255 already; anything else is folded like the
      // kernel folds exit(2) arguments.
      return outcome.guest_status & 0xff;
    case Outcome::Kind::timeout:
      return exit_code::timeout;
    case Outcome::Kind::guest_died:
      return exit_code::guest_died;
    case Outcome::Kind::infrastructure:
      return exit_code::infrastructure;
    case Outcome::Kind::interrupted:
      return exit_code::interrupted;
    case Outcome::Kind::terminated:
      return exit_code::terminated;
    case Outcome::Kind::output_closed:
      return exit_code::output_closed;
  }
  return exit_code::infrastructure;
}

Outcome outcome_for_signal(int sig) {
  if (sig == SIGINT) return Outcome::failed(Outcome::Kind::interrupted, "interrupted");
  const char* name = sigabbrev_np(sig);
  return Outcome::failed(Outcome::Kind::terminated,
                         std::string("terminated by SIG") + (name ? name : "?"));
}

bool run_failed(const Outcome& outcome) {
  switch (outcome.kind) {
    case Outcome::Kind::timeout:
    case Outcome::Kind::guest_died:
    case Outcome::Kind::infrastructure:
      return true;
    default:
      return false;
  }
}

std::string exit_code_help() {
  return "Exit status:\n"
         "  N    the guest command's own exit status\n"
         "  124  timeout: the guest reported no EXIT within --timeout\n"
         "  125  infrastructure error: QEMU or the device failed to start, missing files\n"
         "  130  interrupted (Ctrl-C, or Ctrl-] in the interactive shell)\n"
         "  141  standard output was closed (e.g. piped into head), as with SIGPIPE\n"
         "  143  terminated by SIGTERM or SIGHUP\n"
         "  255  the guest died without reporting: kernel panic, QEMU exited,\n"
         "       unexpected power-off, or more reboots than --boots\n"
         "       (the last 40 console lines go to stderr)\n";
}

}  // namespace x710
