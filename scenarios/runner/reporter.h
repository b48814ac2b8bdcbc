// Everything the launcher itself says goes to stderr through here, so stdout stays
// the guest command's output and nothing else (scripts capture it). Quiet on
// success unless -v, like virtme-ng.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace x710 {

class Reporter {
 public:
  explicit Reporter(bool verbose) : verbose_(verbose) {}

  // Always shown: errors, warnings, the kept run directory.
  void say(std::string_view message) const;
  // Only with -v: progress, stamped with the seconds since the launcher started.
  void progress(std::string_view message) const;
  // A message from the guest's init (@@X710 INFO).
  void guest_info(std::string_view message) const;
  // Raw text to stderr (the live console with -v, log tails).
  void raw(std::string_view text) const;

  bool verbose() const { return verbose_; }
  // While the terminal is raw, a bare "\n" does not return the carriage.
  void set_raw_terminal(bool raw) { raw_terminal_ = raw; }

 private:
  void line(std::string_view prefix, std::string_view message) const;

  bool verbose_;
  bool raw_terminal_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// "2.5 s": durations in messages.
std::string seconds_text(std::chrono::milliseconds duration);

}  // namespace x710
