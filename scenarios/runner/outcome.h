// How a boot run ended, and the exit code x710-cli reports for it. Scripts and
// tests branch on these codes, so they are fixed here in one place and printed by
// `x710-cli boot --help`.
#pragma once

#include <string>

namespace x710 {

namespace exit_code {
inline constexpr int timeout = 124;         // no EXIT within --timeout (like timeout(1))
inline constexpr int infrastructure = 125;  // QEMU/device did not start, bad files
inline constexpr int interrupted = 130;     // Ctrl-C, or Ctrl-] in the shell
inline constexpr int output_closed = 141;   // our stdout's reader left (`| head`), like SIGPIPE
inline constexpr int terminated = 143;      // SIGTERM/SIGHUP to the launcher
inline constexpr int guest_died = 255;      // panic, QEMU exit, reboot loop
}  // namespace exit_code

struct Outcome {
  enum class Kind {
    guest_exit,      // the guest reported EXIT <status>
    timeout,         // --timeout elapsed first
    guest_died,      // the guest went away without EXIT (panic, poweroff, reboots)
    infrastructure,  // something on the host failed: nothing about the guest is known
    interrupted,     // the user stopped it (SIGINT, Ctrl-] in the shell)
    terminated,      // SIGTERM/SIGHUP
    output_closed,   // nobody reads our stdout any more: the run has no purpose left
  };
  Kind kind = Kind::infrastructure;
  int guest_status = 0;  // for guest_exit
  std::string message;   // why, for everything but guest_exit

  static Outcome exited(int status) { return {Kind::guest_exit, status, ""}; }
  static Outcome failed(Kind kind, std::string why) { return {kind, 0, std::move(why)}; }
};

int exit_code_for(const Outcome& outcome);

// SIGINT is an interrupt (130); SIGTERM and SIGHUP terminate (143).
Outcome outcome_for_signal(int sig);

// A run "failed" when its result says nothing about the command: then the run
// directory (logs, console) is worth keeping. A command that exits non-zero is a
// normal result, and so is a user's interrupt.
bool run_failed(const Outcome& outcome);

// The exit-code table for --help.
std::string exit_code_help();

}  // namespace x710
