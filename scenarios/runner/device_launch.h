// Starting x710-device: spawn it, then wait (inotify, no polling sleeps) until its
// vfio-user socket exists, so QEMU can be started the moment the device is ready.
//
// The device's side of the contract: it creates the listening socket at --socket
// (bind + listen) and keeps running until QEMU disconnects; if it cannot start it
// exits non-zero and says why in its log. Its stdout and stderr also go to
// device.log.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "outcome.h"
#include "process.h"
#include "reporter.h"
#include "run_paths.h"
#include "signals.h"

namespace x710 {

struct DeviceLaunch {
  Child device;                   // the process, whatever happened (for cleanup)
  std::optional<Outcome> failure; // set when the socket never appeared
};

// Gives up after `socket_timeout`, or at `run_deadline` (then a timeout outcome),
// or on a signal. Throws InfraError if the device cannot be started at all.
DeviceLaunch launch_device(const std::vector<std::string>& argv, const RunPaths& paths,
                           std::chrono::milliseconds socket_timeout,
                           std::chrono::steady_clock::time_point run_deadline,
                           SignalEvents& signals, const Reporter& reporter);

}  // namespace x710
