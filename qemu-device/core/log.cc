#include "log.h"

#include <chrono>
#include <ctime>

namespace x710 {

bool parse_log_level(std::string_view text, LogLevel& out) {
  static constexpr std::pair<std::string_view, LogLevel> names[] = {
      {"error", LogLevel::error}, {"warn", LogLevel::warn}, {"info", LogLevel::info},
      {"debug", LogLevel::debug}, {"trace", LogLevel::trace}};
  for (const auto& [name, level] : names) {
    if (text == name) {
      out = level;
      return true;
    }
  }
  return false;
}

void Log::set_level(LogLevel level) { level_ = level; }
LogLevel Log::level() { return level_; }
void Log::set_sink(std::FILE* sink) { sink_ = sink; }

void Log::write(LogLevel level, const char* fmt, ...) {
  static constexpr const char* tags[] = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
  std::FILE* out = sink_ ? sink_ : stderr;
  // Monotonic seconds since the device started: lines can be lined up with the
  // guest console's timestamps by the difference of the two start times.
  static const auto start = std::chrono::steady_clock::now();
  double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(out, "[%10.6f] %-5s ", t, tags[static_cast<int>(level)]);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(out, fmt, ap);
  va_end(ap);
  std::fputc('\n', out);
  std::fflush(out);
}

}  // namespace x710
