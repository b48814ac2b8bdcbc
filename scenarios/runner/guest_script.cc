#include "guest_script.h"

#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace x710 {

namespace {

// Seconds as the guest's sleep and awk read them.
std::string secs(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  std::string text = buf;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string step_call(const GuestStep& s) {
  using A = GuestStep::Action;
  std::string call = std::string("x710_step ") + step_action_name(s.action);
  switch (s.action) {
    case A::wait_traffic: return call + " " + std::to_string(s.packets) + " " + secs(s.seconds);
    case A::down_up: return call + " " + std::to_string(s.count) + " " + secs(s.pause_seconds);
    case A::mtu:
    case A::channels: return call + " " + std::to_string(s.value);
    case A::churn: return call + " " + secs(s.seconds) + " " + std::to_string(s.parallel);
    case A::sleep: return call + " " + secs(s.seconds);
    case A::up:
    case A::down:
    case A::reload:
    case A::reboot: return call;
  }
  return call;
}

}  // namespace

std::string guest_script(const Scenario& scenario) {
  std::ostringstream out;
  // A --initrd of the user's own, or one from an older build.sh, lacks it.
  out << "[ -r /usr/lib/x710/steps.sh ] || { echo 'x710-step 1 failed: this initramfs has no "
         "/usr/lib/x710/steps.sh (see guest-images/README.md)'; exit 3; }\n";
  out << ". /usr/lib/x710/steps.sh\n";
  out << "x710_steps_begin " << scenario.steps.size() << " " << scenario.boots << "\n";
  for (const GuestStep& step : scenario.steps) out << step_call(step) << "\n";
  out << "x710_steps_end\n";
  const std::string text = out.str();
  // base64 grows it by 4/3; RUN and the boot index take a few more bytes.
  if ((text.size() + 2) / 3 * 4 + 32 > 4000) {
    throw std::invalid_argument(scenario.path + ": " + std::to_string(scenario.steps.size()) +
                                " steps make a guest command too long for the control port; use fewer steps");
  }
  return text;
}

bool parse_step_line(const std::string& line, StepLine& out) {
  const std::string prefix = "x710-step ";
  const size_t at = line.find(prefix);
  if (at == std::string::npos) return false;
  std::istringstream words(line.substr(at + prefix.size()));
  StepLine s;
  std::string what;
  if (!(words >> s.boot >> what)) return false;
  std::string rest;
  std::getline(words, rest);
  if (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
  if (what == "begin") {
    s.kind = StepLine::Kind::begin;
  } else if (what == "reboot") {
    s.kind = StepLine::Kind::reboot;
  } else if (what == "done") {
    s.kind = StepLine::Kind::done;
  } else if (what == "failed:") {
    s.kind = StepLine::Kind::failed;
  } else if (std::sscanf(what.c_str(), "%d/%d", &s.index, &s.total) == 2) {
    s.kind = StepLine::Kind::step;
  } else {
    s.kind = StepLine::Kind::other;
  }
  s.text = rest;
  out = s;
  return true;
}

}  // namespace x710
