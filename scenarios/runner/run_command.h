// `x710-cli run SCENARIO` and `x710-cli reproduce`: boot the guest under a
// scenario (scenarios/*.toml) until the first crash or the last boot, and give
// one verdict: reproduced, clean, hang or error. Exit 0 when the verdict is the
// scenario's expectation, 1 when it is not, 2 on error.
#pragma once

#include <CLI/CLI.hpp>

#include "command.h"

namespace x710 {

Command add_run_command(CLI::App& parent);
Command add_reproduce_command(CLI::App& parent);

}  // namespace x710
