// `x710-cli ctl`: send JSON requests to a running x710-device's control
// channel (the run directory's device.ctl) and print the replies.
#pragma once

#include <CLI/CLI.hpp>

#include "command.h"

namespace x710 {

Command add_ctl_command(CLI::App& parent);

}  // namespace x710
