#include "console_watch.h"

namespace x710 {

void ConsoleWatch::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n') {
      on_line(partial_);
      partial_.clear();
    } else if (c != '\r' && partial_.size() < 4096) {
      partial_ += c;
    }
  }
}

void ConsoleWatch::on_line(std::string_view line) {
  // Lines may carry a "[   12.345678] " timestamp prefix; search, don't match.
  if (!panicked()) {
    const size_t at = line.find("Kernel panic - not syncing");
    if (at != std::string_view::npos) panic_line_ = std::string(line.substr(at));
  } else if (line.find("---[ end Kernel panic") != std::string_view::npos) {
    panic_done_ = true;
  }
}

}  // namespace x710
