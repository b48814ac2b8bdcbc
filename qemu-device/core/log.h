// Device logging. The guest is untrusted, so everything it can provoke is logged
// (with a rate limit where a guest could flood us) instead of asserted.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <string>
#include <string_view>

namespace x710 {

enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3, trace = 4 };

// Parses "error|warn|info|debug|trace"; returns false for anything else.
bool parse_log_level(std::string_view text, LogLevel& out);

class Log {
 public:
  static void set_level(LogLevel level);
  static LogLevel level();
  // nullptr = stderr. The file is not owned.
  static void set_sink(std::FILE* sink);
  static bool enabled(LogLevel level) { return static_cast<int>(level) <= static_cast<int>(level_); }
  [[gnu::format(printf, 2, 3)]] static void write(LogLevel level, const char* fmt, ...);

 private:
  static inline LogLevel level_ = LogLevel::info;
  static inline std::FILE* sink_ = nullptr;
};

}  // namespace x710

#define X710_LOG(lvl, ...)                                                    \
  do {                                                                        \
    if (::x710::Log::enabled(::x710::LogLevel::lvl))                          \
      ::x710::Log::write(::x710::LogLevel::lvl, __VA_ARGS__);                 \
  } while (0)
