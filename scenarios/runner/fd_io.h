// Small read/write helpers with the EINTR/EAGAIN handling written once.
#pragma once

#include <string>
#include <string_view>

namespace x710 {

// Writes everything, waiting (poll) when a non-blocking fd is full. False on error
// (e.g. EPIPE when the reader of our stdout went away).
bool write_all(int fd, std::string_view bytes);

enum class ReadResult { data, again, eof, error };
// One read() of up to 64 KiB, appended to `into`.
ReadResult read_some(int fd, std::string& into);

// Opens PATH for writing (created, emptied); throws InfraError on failure.
int open_log_file(const std::string& path);

}  // namespace x710
