// Follows a file that another process (QEMU) appends to, like `tail -f`, but as an
// fd for poll(): inotify says "modified", read_new() returns the new bytes. This is
// how the launcher sees the kernel console live without owning it.
#pragma once

#include <string>

#include "unique_fd.h"

namespace x710 {

class FileFollower {
 public:
  // Creates the file empty (QEMU later truncates it again, which is harmless: we
  // start reading at offset 0) and starts watching it. Throws InfraError.
  explicit FileFollower(const std::string& path);

  int event_fd() const { return notify_.get(); }  // poll() it for POLLIN
  // Consumes pending notifications and returns what was appended since last time.
  std::string read_new();

 private:
  UniqueFd file_;
  UniqueFd notify_;
};

}  // namespace x710
