// The run directory: logs and sockets of one run. --out DIR is the user's and is
// never removed; otherwise a fresh temp dir that is removed at the end unless the
// run failed or --keep was given (then its path is printed).
#pragma once

#include <string>

namespace x710 {

class RunDir {
 public:
  // out_dir empty: make a temp dir. Throws InfraError.
  explicit RunDir(const std::string& out_dir);
  ~RunDir();
  RunDir(const RunDir&) = delete;
  RunDir& operator=(const RunDir&) = delete;

  const std::string& path() const { return path_; }
  bool is_temporary() const { return temporary_; }
  void keep() { keep_ = true; }
  bool kept() const { return !temporary_ || keep_; }

 private:
  std::string path_;
  bool temporary_ = false;
  bool keep_ = false;
};

}  // namespace x710
