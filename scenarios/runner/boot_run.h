// What `x710-cli boot` does once its options are parsed: resolve the plan and the
// accelerator, make the run directory, run the session, report, clean up. Kept
// apart from the CLI definition so that future subcommands (run, bench, ...) can
// boot guests with options they build themselves.
#pragma once

#include "boot_options.h"
#include "outcome.h"
#include "boot_plan.h"
#include "reporter.h"
#include "signals.h"

namespace x710 {

// The user stopped the launcher while the KVM probe ran: no verdict, end the run.
struct StopRequested {
  Outcome outcome;
};

// --accel auto|tcg|kvm for this plan; `auto` may boot a throwaway KVM guest
// (cached). Throws StopRequested on Ctrl-C during the probe.
Accel resolve_accel(const std::string& requested, const BootPlan& plan, SignalEvents& signals,
                    Reporter& reporter);

// Returns the process exit code (see outcome.h).
int run_boot(const BootOptions& options);

}  // namespace x710
