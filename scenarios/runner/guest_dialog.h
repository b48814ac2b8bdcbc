// What the launcher answers to each HELLO, and how it counts boots. Pure logic.
//
// Every HELLO is a boot: the first is boot 1. A guest whose command reboots it
// (`reboot -f`, so no EXIT) says HELLO again and gets the same order with the next
// index, so a scenario can act differently per boot ($X710_BOOT in the guest).
// More HELLOs than --boots allows means the guest is rebooting on its own (a panic
// with panic=-1, a watchdog, a command that reboots forever): the run fails.
#pragma once

#include <optional>
#include <string>

namespace x710 {

class GuestDialog {
 public:
  // command: the shell command to run; nullopt means an interactive shell.
  GuestDialog(std::optional<std::string> command, int max_boots)
      : command_(std::move(command)), max_boots_(max_boots) {}

  struct Answer {
    std::string line;   // to send to the guest; empty when error is set
    std::string error;  // the run must stop: guest rebooted too often
  };
  Answer on_hello();

  int boot_index() const { return boot_index_; }
  bool interactive() const { return !command_.has_value(); }

 private:
  std::optional<std::string> command_;
  int max_boots_;
  int boot_index_ = 0;
};

}  // namespace x710
