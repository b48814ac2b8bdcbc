#include "environment.h"

#include <cstdlib>

namespace x710::env {

std::optional<std::string> get(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string require(const char* name) {
  if (auto value = get(name)) return *value;
  throw InfraError(std::string(name) +
                   " is not set; run x710-cli through ./x710, which sets up the test bed "
                   "and exports it");
}

std::string qemu() { return require("X710_QEMU"); }
std::string device() { return require("X710_DEVICE"); }
std::string guest_dir() { return require("X710_GUEST_DIR"); }
std::string cache_dir() { return require("X710_CACHE"); }

std::vector<std::string> firmware_dirs() {
  const std::string all = require("X710_FIRMWARE");
  std::vector<std::string> dirs;
  size_t start = 0;
  while (start <= all.size()) {
    size_t end = all.find(':', start);
    if (end == std::string::npos) end = all.size();
    if (end > start) dirs.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return dirs;
}

std::string build_dir() {
  if (auto dir = get("X710_BUILD_DIR")) return *dir;
  return require("X710_ROOT") + "/build";
}

}  // namespace x710::env
