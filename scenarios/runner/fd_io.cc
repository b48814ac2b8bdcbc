#include "fd_io.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "environment.h"

namespace x710 {

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno == EAGAIN) {
      pollfd p = {fd, POLLOUT, 0};
      poll(&p, 1, -1);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return false;
    }
  }
  return true;
}

ReadResult read_some(int fd, std::string& into) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
      return ReadResult::data;
    }
    if (n == 0) return ReadResult::eof;
    if (errno == EINTR) continue;
    return errno == EAGAIN ? ReadResult::again : ReadResult::error;
  }
}

int open_log_file(const std::string& path) {
  // O_APPEND: a child that also opens the file itself (the device's --log-file)
  // then interleaves with its redirected stderr instead of overwriting it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw InfraError("cannot create " + path + ": " + strerror(errno));
  return fd;
}

}  // namespace x710
