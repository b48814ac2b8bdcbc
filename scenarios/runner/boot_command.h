// `x710-cli boot [options] [-- CMD...]`: boot the guest with the emulated X710,
// run CMD in it (or a shell), print its output, exit with its status.
#pragma once

#include <CLI/CLI.hpp>

#include "command.h"

namespace x710 {

// Defines the subcommand, its options and --help; running it is run_boot().
Command add_boot_command(CLI::App& parent);

}  // namespace x710
