// Watches one scenario run while the boot session drives it (SessionObserver):
// the console for crash reports (crash_report.h) and silence (a hang), the
// guest's step lines (steps.sh) for progress and for reboots it asked for, and
// the device's control channel for the race counters. Prints the progress line
// and decides when the run has seen enough.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "boot_session.h"
#include "crash_report.h"
#include "qmp_client.h"
#include "reporter.h"
#include "run_paths.h"
#include "scenario.h"
#include "unique_fd.h"

namespace x710 {

struct SeenCrash {
  CrashReport report;
  int boot = 0;
  double at_s = 0;  // seconds since the run started
  bool from_console = true;  // false: a reset or a silent fault, seen otherwise
};

// What the device said last, summed over device resets where needed.
struct DeviceTally {
  uint64_t rx_frames = 0;
  uint64_t disable_requests = 0;
  uint64_t disables_cancelled = 0;
  uint64_t late_frames = 0;
  uint64_t max_window_ns = 0;
  double rx_pps = 0;  // over the last sample interval
  bool seen = false;  // at least one answer
};

class RunWatch : public SessionObserver {
 public:
  using Clock = std::chrono::steady_clock;

  RunWatch(const Scenario& scenario, const RunPaths& paths, const Reporter& reporter);

  void on_console(std::string_view bytes) override;
  void on_guest_output(std::string_view text) override;
  std::optional<Outcome> on_hello(int boot) override;
  std::optional<Outcome> check() override;
  std::chrono::milliseconds tick() const override { return std::chrono::milliseconds(250); }

  // After the session: read the rest of the console, ask nothing more.
  void finish();

  const std::optional<SeenCrash>& crash() const { return crash_; }
  const std::vector<SeenCrash>& all_crashes() const { return crashes_; }
  bool hung() const { return hung_; }
  int boots_started() const { return boot_; }
  bool all_steps_done() const { return done_; }
  const std::string& failed_step() const { return failed_; }
  const std::string& kernel_version() const { return kernel_version_; }
  size_t disable_timeouts() const { return detector_.disable_timeouts(); }
  const DeviceTally& device() const { return tally_; }
  // Where the vCPUs were when the guest went silent (one line each), from QEMU.
  const std::string& hang_registers() const { return hang_registers_; }
  double elapsed_s() const;

 private:
  void note_crashes();
  void poll_device();
  std::optional<VcpuState> capture_hang_state();
  void print_progress();
  void on_output_line(const std::string& line);

  const Scenario& scenario_;
  const RunPaths& paths_;
  const Reporter& reporter_;
  const Clock::time_point start_ = Clock::now();

  CrashDetector detector_;
  std::string console_line_;  // for "Linux version"
  std::string kernel_version_;
  std::optional<SeenCrash> crash_;
  std::vector<SeenCrash> crashes_;
  std::optional<Clock::time_point> crash_stop_at_;

  UniqueFd guest_log_;
  std::string output_partial_;
  Clock::time_point last_activity_ = Clock::now();
  bool hung_ = false;
  int boot_ = 0;
  bool reboot_requested_ = false;
  bool done_ = false;
  std::string failed_;
  std::string step_;  // "3/5 down_up 1 0"
  std::string hang_registers_;

  DeviceTally tally_;
  uint64_t last_rx_raw_ = 0;
  Clock::time_point last_sample_;
  Clock::time_point next_sample_ = Clock::now();
  Clock::time_point next_progress_;
};

}  // namespace x710
