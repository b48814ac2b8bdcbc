#include "file_follower.h"

#include <fcntl.h>
#include <sys/inotify.h>

#include <cerrno>
#include <cstring>

#include "environment.h"
#include "fd_io.h"

namespace x710 {

FileFollower::FileFollower(const std::string& path) {
  UniqueFd create(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!create) throw InfraError("cannot create " + path + ": " + strerror(errno));
  file_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  notify_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!file_ || !notify_ || inotify_add_watch(notify_.get(), path.c_str(), IN_MODIFY) < 0) {
    throw InfraError("cannot follow " + path + ": " + strerror(errno));
  }
}

std::string FileFollower::read_new() {
  // Drain the notifications first: data written after this point raises a new one.
  std::string events;
  while (read_some(notify_.get(), events) == ReadResult::data) events.clear();
  std::string bytes;
  while (read_some(file_.get(), bytes) == ReadResult::data) {
  }
  return bytes;
}

}  // namespace x710
