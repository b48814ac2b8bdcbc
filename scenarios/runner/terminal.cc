#include "terminal.h"

#include <unistd.h>

namespace x710 {

RawTerminal::RawTerminal(int fd) : fd_(fd) {
  if (!isatty(fd_) || tcgetattr(fd_, &saved_) != 0) return;
  termios raw = saved_;
  cfmakeraw(&raw);
  if (tcsetattr(fd_, TCSAFLUSH, &raw) == 0) active_ = true;
}

RawTerminal::~RawTerminal() { restore(); }

void RawTerminal::restore() {
  if (!active_) return;
  tcsetattr(fd_, TCSAFLUSH, &saved_);
  active_ = false;
}

}  // namespace x710
