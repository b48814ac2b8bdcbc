// The last lines of a log file, for error messages (the console tail when the guest
// died, device.log when the device failed to start).
#pragma once

#include <string>
#include <string_view>

namespace x710 {

// The last `count` lines of `text` (the final line may lack its newline).
std::string last_lines(std::string_view text, size_t count);
// Same, for a file; empty if it cannot be read. Reads at most the last 1 MiB.
std::string file_tail(const std::string& path, size_t count);

// "MESSAGE; last lines of PATH:\n..." (or "MESSAGE (PATH is empty)"): error
// messages quote the log of whatever failed.
std::string with_log_tail(const std::string& message, const std::string& path,
                          size_t count = 20);

}  // namespace x710
