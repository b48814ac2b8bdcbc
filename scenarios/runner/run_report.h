// The result of `./x710 run`: report.json in the run directory (the fields are
// listed in scenarios/README.md) and the summary printed at the end.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_watch.h"
#include "scenario.h"

namespace x710 {

struct RunResult {
  Verdict verdict = Verdict::error;
  std::string message;  // why, for hang and error
  int exit_code = 2;
  std::vector<std::string> overrides;  // --set, --seed, --boots as given
  std::string run_dir;
  std::string accel;
  std::string qemu_version;
  std::string device_version;
  std::string kernel;  // the file booted
  std::string i40e;    // --i40e: the module that replaced the kernel's own
};

// Counts from the device's timeline.jsonl (complete even after the device
// exited): receive disable requests, cancelled disables, late frames listed.
struct TimelineTally {
  uint64_t rx_disable_requests = 0;
  uint64_t disables_cancelled = 0;
  uint64_t late_frames = 0;
  uint64_t max_since_request_ns = 0;
  bool present = false;
};
TimelineTally read_timeline(const std::string& path);

nlohmann::json run_report(const Scenario& scenario, const RunWatch& watch, const RunResult& result,
                          const TimelineTally& timeline);
// A few aligned lines for the terminal.
std::string run_summary(const nlohmann::json& report);

}  // namespace x710
