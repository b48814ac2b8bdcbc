#include "run_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "environment.h"

namespace x710 {

RunDir::RunDir(const std::string& out_dir) {
  if (!out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) throw InfraError("cannot create --out " + out_dir + ": " + ec.message());
    path_ = std::filesystem::absolute(out_dir).lexically_normal().string();
    if (path_.size() > 1 && path_.back() == '/') path_.pop_back();
    return;
  }
  // Short paths on purpose: the sockets inside must fit in 107 bytes.
  std::string base = env::get("TMPDIR").value_or("/tmp");
  std::string pattern = base + "/x710-run-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw InfraError("cannot create a run directory in " + base + ": " + strerror(errno));
  }
  path_ = pattern;
  temporary_ = true;
}

RunDir::~RunDir() {
  if (temporary_ && !keep_) {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
}

}  // namespace x710
