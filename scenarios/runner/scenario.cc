#include "scenario.h"

namespace x710 {

namespace {

constexpr Verdict kVerdicts[] = {Verdict::reproduced, Verdict::clean, Verdict::hang, Verdict::error};

}  // namespace

const char* verdict_name(Verdict v) {
  // A switch without default: the compiler warns when a verdict is added here
  // but not named.
  switch (v) {
    case Verdict::reproduced: return "reproduced";
    case Verdict::clean: return "clean";
    case Verdict::hang: return "hang";
    case Verdict::error: return "error";
  }
  return "?";
}

std::optional<Verdict> parse_verdict(const std::string& text) {
  for (Verdict v : kVerdicts) {
    if (text == verdict_name(v)) return v;
  }
  return std::nullopt;
}

const char* step_action_name(GuestStep::Action a) {
  // These are the `do = "..."` words of a scenario file.
  using A = GuestStep::Action;
  switch (a) {
    case A::up: return "up";
    case A::wait_traffic: return "wait_traffic";
    case A::down: return "down";
    case A::down_up: return "down_up";
    case A::mtu: return "mtu";
    case A::channels: return "channels";
    case A::reload: return "reload";
    case A::churn: return "churn";
    case A::sleep: return "sleep";
    case A::reboot: return "reboot";
  }
  return "?";
}

}  // namespace x710
