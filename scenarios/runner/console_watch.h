// Reads the kernel console as it streams by and notices a kernel panic, so that a
// panicking guest ends the run in seconds with exit 255 even when the pvpanic
// driver is not loaded (then panic=-1 would only reboot it). Pure logic.
#pragma once

#include <string>
#include <string_view>

namespace x710 {

class ConsoleWatch {
 public:
  void feed(std::string_view bytes);

  // "Kernel panic - not syncing: ..." was printed.
  bool panicked() const { return !panic_line_.empty(); }
  const std::string& panic_line() const { return panic_line_; }
  // The kernel printed the last line of its panic report ("---[ end Kernel
  // panic"): the console tail is complete and the run can stop.
  bool panic_report_done() const { return panic_done_; }

 private:
  void on_line(std::string_view line);

  std::string partial_;
  std::string panic_line_;
  bool panic_done_ = false;
};

}  // namespace x710
