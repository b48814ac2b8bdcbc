// A user's own kernel: guest-images/build.sh packs it (and its i40e module
// tree, if i40e is not built in) with our /init into a guest directory.
#pragma once

#include <string>

namespace x710 {

// Runs `$X710_ROOT/guest-images/build.sh [--kernel KERNEL [--modules MODULES]]
// [--i40e I40E]` (the default kernel when KERNEL is empty), letting its
// progress lines through to stderr; returns the directory it printed. Throws
// InfraError with build.sh's own message on failure.
std::string build_user_guest(const std::string& kernel, const std::string& modules, const std::string& i40e = {});

}  // namespace x710
