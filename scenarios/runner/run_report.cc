#include "run_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace x710 {

using nlohmann::json;

namespace {

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// 1234567 -> "1.23 M"
std::string count_text(uint64_t n) {
  if (n >= 1'000'000) return fixed(static_cast<double>(n) / 1e6, 2) + " M";
  if (n >= 10'000) return fixed(static_cast<double>(n) / 1e3, 1) + " k";
  return std::to_string(n);
}

}  // namespace

TimelineTally read_timeline(const std::string& path) {
  TimelineTally t;
  std::ifstream in(path);
  if (!in) return t;
  t.present = true;
  std::string line;
  while (std::getline(in, line)) {
    const json e = json::parse(line, nullptr, false);
    if (e.is_discarded() || !e.is_object()) continue;  // a line cut by a crash of the device
    const std::string event = e.value("event", "");
    if (event == "disable_request" && e.value("dir", "") == "rx") ++t.rx_disable_requests;
    if (event == "disable_cancelled") ++t.disables_cancelled;
    if (event == "late_frame") ++t.late_frames;
    if (e.contains("since_request_ns") && e["since_request_ns"].is_number_unsigned())
      t.max_since_request_ns = std::max(t.max_since_request_ns, e["since_request_ns"].get<uint64_t>());
  }
  return t;
}

json run_report(const Scenario& scenario, const RunWatch& watch, const RunResult& result,
                const TimelineTally& timeline) {
  json crashes = json::array();
  for (const SeenCrash& c : watch.all_crashes()) {
    crashes.push_back({{"boot", c.boot},
                       {"at_s", std::round(c.at_s * 10) / 10},
                       {"title", c.report.title},
                       {"kind", c.report.kind},
                       {"console_line", c.report.first_line},
                       {"excerpt", c.report.excerpt}});
  }
  const DeviceTally& d = watch.device();
  // The device's own counters, read while it ran, and its timeline, written
  // until it exited: take the larger (the last stats sample may be a second old).
  const uint64_t late = std::max(d.late_frames, timeline.late_frames);
  const uint64_t requests = std::max<uint64_t>(d.disable_requests, timeline.rx_disable_requests);
  json device = {{"rx_frames", d.rx_frames},
                 {"queue_disable_requests", requests},
                 {"disables_cancelled", std::max(d.disables_cancelled, timeline.disables_cancelled)},
                 {"late_dma_frames", late},
                 {"longest_write_after_request_ms",
                  std::round(static_cast<double>(std::max(d.max_window_ns, timeline.max_since_request_ns)) / 1e5) / 10}};
  json report = {
      {"scenario", scenario.name},
      {"scenario_file", scenario.path},
      {"description", scenario.description},
      {"verdict", verdict_name(result.verdict)},
      {"expected", verdict_name(scenario.expect)},
      {"exit_code", result.exit_code},
      {"message", result.message},
      {"boots", watch.boots_started()},
      {"boots_planned", scenario.boots},
      {"elapsed_s", std::round(watch.elapsed_s() * 10) / 10},
      {"time_to_first_crash_s", watch.crash() ? json(std::round(watch.crash()->at_s * 10) / 10) : json(nullptr)},
      {"crashes", crashes},
      {"device", device},
      {"hang_vcpus", watch.hang_registers().empty() ? json(nullptr) : json(watch.hang_registers())},
      {"guest", {{"disable_timeouts", watch.disable_timeouts()},
                 {"failed_step", watch.failed_step().empty() ? json(nullptr) : json(watch.failed_step())}}},
      {"versions", {{"qemu", result.qemu_version},
                    {"kernel", watch.kernel_version()},
                    {"device", result.device_version}}},
      {"settings", {{"overrides", result.overrides},
                    {"kernel_file", result.kernel},
                    {"i40e_file", result.i40e.empty() ? json(nullptr) : json(result.i40e)},
                    {"append", scenario.append},
                    {"accel", result.accel},
                    {"rx_disable_latency", scenario.device.rx_disable_latency},
                    {"tx_disable_latency", scenario.device.tx_disable_latency},
                    {"disable_seed", scenario.device.disable_seed},
                    {"rx_enable_cancels_disable", scenario.device.rx_enable_cancels_disable},
                    {"flood_pps", scenario.traffic.unlimited ? json("unlimited") : json(scenario.traffic.pps)},
                    {"flood_size", scenario.traffic.size},
                    {"flood_flows", scenario.traffic.flows}}},
      {"files", {{"dir", result.run_dir},
                 {"console", "console.log"},
                 {"guest_output", "guest.log"},
                 {"device_log", "device.log"},
                 {"timeline", "timeline.jsonl"},
                 {"qemu_log", "qemu.log"}}},
  };
  return report;
}

std::string run_summary(const json& r) {
  std::string out;
  auto row = [&](const std::string& key, const std::string& value) {
    std::string k = key;
    k.resize(14, ' ');
    out += "  " + k + value + "\n";
  };
  row("scenario", r["scenario"].get<std::string>() + "  (" + r["scenario_file"].get<std::string>() + ")");
  std::string verdict = r["verdict"].get<std::string>() + "  (expected " + r["expected"].get<std::string>() + ")";
  if (!r["message"].get<std::string>().empty() && r["verdict"] != "reproduced") {
    verdict += ": " + r["message"].get<std::string>();
  }
  row("verdict", verdict);
  row("boots", std::to_string(r["boots"].get<int>()) + " of " + std::to_string(r["boots_planned"].get<int>()) +
                   " in " + fixed(r["elapsed_s"].get<double>(), 1) + " s");
  if (!r["crashes"].empty()) {
    const json& c = r["crashes"][0];
    row("first crash", c["title"].get<std::string>() + "  (boot " + std::to_string(c["boot"].get<int>()) + ", " +
                           fixed(c["at_s"].get<double>(), 1) + " s)");
  }
  const json& d = r["device"];
  row("device", count_text(d["rx_frames"].get<uint64_t>()) + " frames received, " +
                    std::to_string(d["queue_disable_requests"].get<uint64_t>()) + " queue disable requests (" +
                    std::to_string(d["disables_cancelled"].get<uint64_t>()) + " cancelled), " +
                    count_text(d["late_dma_frames"].get<uint64_t>()) + " frames written after a request (up to " +
                    fixed(d["longest_write_after_request_ms"].get<double>(), 0) + " ms after)");
  row("guest", std::to_string(r["guest"]["disable_timeouts"].get<size_t>()) + " i40e 'disable timeout' lines");
  row("report", r["files"]["dir"].get<std::string>() + "/report.json");
  return out;
}

}  // namespace x710
