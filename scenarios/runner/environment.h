// The X710_* environment that ./x710 exports before it execs x710-cli: where QEMU,
// the firmware, the device and the default guest are. Looked up on demand, so that
// e.g. --no-device does not need X710_DEVICE; a missing one is an error that names
// the variable.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace x710 {

// A host-side problem that stops a run before the guest matters (exit 125).
struct InfraError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace env {

std::optional<std::string> get(const char* name);
// Throws InfraError "NAME is not set ..." when absent or empty.
std::string require(const char* name);

std::string qemu();                        // X710_QEMU
std::vector<std::string> firmware_dirs();  // X710_FIRMWARE, colon-separated
std::string device();                      // X710_DEVICE
std::string guest_dir();                   // X710_GUEST_DIR
std::string cache_dir();                   // X710_CACHE
std::string build_dir();                   // X710_BUILD_DIR, else $X710_ROOT/build

}  // namespace env
}  // namespace x710
