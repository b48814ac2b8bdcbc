// One run of the guest: start x710-device, wait for its socket, start QEMU, talk
// to the guest's init on the control port, and stop everything again. A single
// poll() loop drives it (no sleeps), so the launcher adds almost nothing to the
// guest's own boot time.
//
// The order of events in a normal run:
//   device started -> x710.sock appears -> QEMU started -> QEMU connects to ctl.sock
//   -> guest: HELLO -> us: RUN/SHELL -> guest: output... -> guest: EXIT n
//   -> guest powers off, QEMU exits -> device sees the disconnect and exits.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "outcome.h"
#include "reporter.h"
#include "run_paths.h"
#include "signals.h"

namespace x710 {

// What a caller (the scenario runner) watches while a session runs. Every
// hook may end the session by returning an Outcome.
class SessionObserver {
 public:
  virtual ~SessionObserver() = default;
  virtual void on_console(std::string_view bytes) { (void)bytes; }
  virtual void on_guest_output(std::string_view text) { (void)text; }
  // The guest's init said HELLO and is about to get boot number `boot` (from 1).
  virtual std::optional<Outcome> on_hello(int boot) {
    (void)boot;
    return std::nullopt;
  }
  // After every wake-up, and at least every tick().
  virtual std::optional<Outcome> check() { return std::nullopt; }
  virtual std::chrono::milliseconds tick() const { return std::chrono::milliseconds(500); }
};

struct SessionConfig {
  explicit SessionConfig(RunPaths p) : paths(std::move(p)) {}

  RunPaths paths;
  std::vector<std::string> device_argv;  // empty: boot without the device
  std::vector<std::string> qemu_argv;
  std::optional<std::string> command;    // nullopt: interactive shell
  int max_boots = 1;
  std::chrono::milliseconds timeout{300'000};
  // How long x710-device may take to create its socket.
  std::chrono::milliseconds device_start_timeout{10'000};
  // Nothing on stdout and no guest INFO lines (the KVM probe, ./x710 run).
  bool quiet = false;
  SessionObserver* observer = nullptr;
};

// Never throws: host-side failures come back as Outcome::Kind::infrastructure.
Outcome run_boot_session(const SessionConfig& config, SignalEvents& signals,
                         Reporter& reporter);

}  // namespace x710
