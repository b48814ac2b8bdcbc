// Puts the user's terminal in raw mode for the interactive guest shell, so every
// key (Ctrl-C, arrows, tab) goes to the guest, and puts it back when destroyed.
// Signals reach the launcher through a signalfd, never asynchronously, so the
// destructor runs on every exit path that C++ unwinding can see.
#pragma once

#include <termios.h>

namespace x710 {

class RawTerminal {
 public:
  // Does nothing if fd is not a terminal (stdin from a pipe or a file).
  explicit RawTerminal(int fd);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

  bool active() const { return active_; }
  void restore();

 private:
  int fd_;
  bool active_ = false;
  termios saved_{};
};

}  // namespace x710
