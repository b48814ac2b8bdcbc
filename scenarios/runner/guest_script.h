// A scenario's steps as the shell command the guest's init runs on every boot:
// it sources guest-images/steps.sh (packed into the initramfs) and calls one
// function per step. Kept short on purpose: the command travels base64-encoded
// on one line of the control port, and a tty line holds at most 4095 bytes.
#pragma once

#include <string>

#include "scenario.h"

namespace x710 {

// Throws std::invalid_argument if the command would not fit on one line.
std::string guest_script(const Scenario& scenario);

// The progress lines steps.sh prints ("x710-step BOOT N/TOTAL ACTION ...",
// "x710-step BOOT reboot ...", "x710-step BOOT failed: WHY").
struct StepLine {
  enum class Kind { begin, step, reboot, done, failed, other };
  Kind kind = Kind::other;
  int boot = 0;
  int index = 0;
  int total = 0;
  std::string text;  // the action and its arguments, or why it failed
};
// False for lines that are not steps.sh's.
bool parse_step_line(const std::string& line, StepLine& out);

}  // namespace x710
