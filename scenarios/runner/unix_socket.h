// The listening end of the control port: the launcher binds ctl.sock before QEMU
// starts, and QEMU connects to it as a chardev client.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "unique_fd.h"

namespace x710 {

// A non-blocking listening socket at PATH; throws InfraError (e.g. a path longer
// than the 107 bytes a UNIX socket address holds).
UniqueFd listen_unix(const std::string& path);
// A connected (blocking) client socket to PATH; an invalid fd when the path
// cannot be a socket address or nobody listens there (the callers treat an
// absent device or QEMU as normal).
UniqueFd connect_unix(const std::string& path);
// Line protocols (the device's control channel, QMP): one message per line.
// send_line appends the newline; false if the peer is gone (no SIGPIPE).
bool send_line(int fd, const std::string& message);
// The next line without its newline, from `buffer` (bytes already read and
// not yet consumed, kept between calls) or from the socket; nullopt at the
// deadline or when the peer closes first.
std::optional<std::string> read_line(int fd, std::string& buffer, std::chrono::steady_clock::time_point deadline);
// Accepts one connection (non-blocking); an invalid fd if none is pending.
UniqueFd accept_connection(int listen_fd);

// Throws InfraError if PATH cannot be a UNIX socket address.
void check_socket_path(const std::string& path);

}  // namespace x710
