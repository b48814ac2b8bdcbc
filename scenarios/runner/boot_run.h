// What `x710-cli boot` does once its options are parsed: resolve the plan and the
// accelerator, make the run directory, run the session, report, clean up. Kept
// apart from the CLI definition so that future subcommands (run, bench, ...) can
// boot guests with options they build themselves.
#pragma once

#include "boot_options.h"

namespace x710 {

// Returns the process exit code (see outcome.h).
int run_boot(const BootOptions& options);

}  // namespace x710
