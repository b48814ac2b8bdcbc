#include "reporter.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "fd_io.h"

namespace x710 {

void Reporter::line(std::string_view prefix, std::string_view message) const {
  std::string text(prefix);
  text += message;
  text += raw_terminal_ ? "\r\n" : "\n";
  write_all(STDERR_FILENO, text);
}

void Reporter::say(std::string_view message) const { line("x710: ", message); }

void Reporter::progress(std::string_view message) const {
  if (!verbose_) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "x710 [%7.3f]: ", seconds);
  line(stamp, message);
}

void Reporter::guest_info(std::string_view message) const { line("x710 guest: ", message); }

std::string seconds_text(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

void Reporter::raw(std::string_view text) const { write_all(STDERR_FILENO, text); }

}  // namespace x710
