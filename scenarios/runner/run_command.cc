#include "run_command.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "boot_plan.h"
#include "boot_run.h"
#include "boot_session.h"
#include "environment.h"
#include "fd_io.h"
#include "guest_script.h"
#include "run_dir.h"
#include "run_report.h"
#include "run_watch.h"
#include "scenario_file.h"

namespace x710 {

namespace {

namespace run_exit {
constexpr int as_expected = 0;
constexpr int not_as_expected = 1;
constexpr int error = 2;
}  // namespace run_exit

struct RunOptions {
  std::string scenario;
  std::vector<std::string> sets;
  std::string kernel;
  std::string modules;
  std::string i40e;
  std::optional<uint32_t> boots;
  std::optional<uint64_t> seed;
  std::string out_dir;
  std::string accel = "auto";
  bool verbose = false;
  uint32_t repeat = 1;
};

struct OnceResult {
  int exit_code = 2;
  std::optional<nlohmann::json> report;  // none when the run never started
};

// First line of `PROGRAM --version`, for report.json.
std::string version_of(const std::string& program) {
  const std::string command = "'" + program + "' --version 2>/dev/null";
  std::FILE* p = ::popen(command.c_str(), "r");
  if (!p) return "";
  char buf[256] = {};
  const bool got = std::fgets(buf, sizeof buf, p) != nullptr;
  ::pclose(p);
  std::string line = got ? buf : "";
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// runs/<scenario>-<UTC time> under the checkout: results are kept, in one
// place, and never mixed between runs.
std::string default_out_dir(const std::string& scenario) {
  const std::string root = env::get("X710_ROOT").value_or(".");
  ::mkdir((root + "/runs").c_str(), 0755);
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::gmtime(&now));
  std::string dir = root + "/runs/" + scenario + "-" + stamp;
  for (int n = 2; ::access(dir.c_str(), F_OK) == 0; ++n) {
    dir = root + "/runs/" + scenario + "-" + stamp + "-" + std::to_string(n);
  }
  return dir;
}

std::vector<std::string> device_args_for(const Scenario& s) {
  std::vector<std::string> a = {
      "--rx-disable-latency=" + s.device.rx_disable_latency,
      "--tx-disable-latency=" + s.device.tx_disable_latency,
      "--disable-seed=" + std::to_string(s.device.disable_seed),
      "--rx-desc-cache=" + std::to_string(s.device.rx_desc_cache),
  };
  if (!s.device.rx_enable_cancels_disable) a.push_back("--rx-enable-keeps-disable");
  if (s.device.queues != 0) a.push_back("--queues=" + std::to_string(s.device.queues));
  if (s.traffic.unlimited || s.traffic.pps != 0) {
    a.push_back("--flood-pps=" + std::to_string(s.traffic.unlimited ? 0 : s.traffic.pps));
    a.push_back("--flood-size=" + std::to_string(s.traffic.size));
    a.push_back("--flood-flows=" + std::to_string(s.traffic.flows));
  }
  return a;
}

Verdict judge(const Outcome& outcome, const RunWatch& watch, std::string& message) {
  message = outcome.message;
  if (watch.crash()) return Verdict::reproduced;
  switch (outcome.kind) {
    case Outcome::Kind::guest_exit:
      if (outcome.guest_status == 0 && watch.all_steps_done()) return Verdict::clean;
      message = !watch.failed_step().empty()
                    ? "a guest step failed: " + watch.failed_step()
                    : "the guest's steps ended with status " + std::to_string(outcome.guest_status);
      return Verdict::error;
    case Outcome::Kind::timeout:
      return Verdict::hang;
    default:
      return Verdict::error;
  }
}

OnceResult run_once(const RunOptions& o) {
  Reporter reporter(o.verbose);
  Scenario scenario;
  std::vector<std::string> overrides = o.sets;
  if (o.boots) overrides.push_back("boots=" + std::to_string(*o.boots));
  if (o.seed) overrides.push_back("device.disable_seed=" + std::to_string(*o.seed));
  try {
    const std::string root = env::get("X710_ROOT").value_or(".");
    scenario = load_scenario(find_scenario_file(o.scenario, root), overrides);
  } catch (const ScenarioError& e) {
    reporter.say(std::string("error: ") + e.what());
    return {run_exit::error, std::nullopt};
  }

  RunResult result;
  result.overrides = overrides;
  std::string command;
  try {
    command = guest_script(scenario);
  } catch (const std::invalid_argument& e) {
    reporter.say(std::string("error: ") + e.what());
    return {run_exit::error, std::nullopt};
  }

  BootOptions boot;
  boot.kernel = o.kernel;
  boot.modules = o.modules;
  boot.i40e = o.i40e;
  boot.append = scenario.append;
  boot.memory = scenario.memory;
  boot.cpus = static_cast<int>(scenario.cpus);
  boot.accel = o.accel;
  boot.boots = static_cast<int>(scenario.boots);
  boot.device_args = device_args_for(scenario);
  try {
    BootPlan plan = make_boot_plan(boot);
    SignalEvents signals;
    plan.qemu.accel = resolve_accel(o.accel, plan, signals, reporter);
    result.accel = accel_name(plan.qemu.accel);
    result.kernel = plan.qemu.kernel;
    result.i40e = o.i40e;

    RunDir dir(o.out_dir.empty() ? default_out_dir(scenario.name) : o.out_dir);
    result.run_dir = dir.path();
    SessionConfig config{RunPaths(dir.path())};
    plan.device->extra_args.push_back("--timeline=" + config.paths.file("timeline.jsonl"));
    config.qemu_argv = qemu_argv(plan.qemu, config.paths);
    config.device_argv = device_argv(*plan.device, config.paths);
    config.command = command;
    config.max_boots = boot.boots;
    config.timeout = std::chrono::milliseconds(
        static_cast<long long>((scenario.boot_timeout_s * scenario.boots + 30) * 1000));
    config.quiet = true;
    RunWatch watch(scenario, config.paths, reporter);
    config.observer = &watch;

    reporter.say("run " + scenario.name + ": " + scenario.description);
    reporter.say("  " + std::to_string(scenario.boots) + " boot(s), rx disable latency " +
                 scenario.device.rx_disable_latency + ", flood " +
                 (scenario.traffic.unlimited ? std::string("unlimited")
                  : scenario.traffic.pps ? std::to_string(scenario.traffic.pps) + " pps"
                                         : std::string("off")) +
                 ", " + result.accel + "; output in " + dir.path());
    if (!o.kernel.empty()) reporter.say("  kernel " + o.kernel);
    if (!o.i40e.empty()) reporter.say("  i40e.ko " + o.i40e + " (instead of the kernel's own)");
    const Outcome outcome = run_boot_session(config, signals, reporter);
    watch.finish();

    result.verdict = judge(outcome, watch, result.message);
    if (outcome.kind == Outcome::Kind::interrupted || outcome.kind == Outcome::Kind::terminated) {
      result.verdict = Verdict::error;
    }
    result.exit_code = result.verdict == Verdict::error        ? run_exit::error
                       : result.verdict == scenario.expect     ? run_exit::as_expected
                                                               : run_exit::not_as_expected;
    result.qemu_version = version_of(plan.qemu.qemu);
    result.device_version = version_of(plan.device->device);
    const TimelineTally timeline = read_timeline(config.paths.file("timeline.jsonl"));
    const nlohmann::json report = run_report(scenario, watch, result, timeline);
    std::ofstream(config.paths.file("report.json")) << report.dump(2) << "\n";
    reporter.raw(run_summary(report));
    return {result.exit_code, report};
  } catch (const StopRequested& stop) {
    reporter.say(stop.outcome.message);
    return {run_exit::error, std::nullopt};
  } catch (const InfraError& e) {
    reporter.say(std::string("error: ") + e.what());
    return {run_exit::error, std::nullopt};
  }
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// --repeat N: the same scenario N times (seed, seed+1, ...), one directory
// each under the output directory, then a table and summary.json.
int run_repeated(const RunOptions& o) {
  Reporter reporter(o.verbose);
  Scenario scenario;
  try {
    const std::string root = env::get("X710_ROOT").value_or(".");
    scenario = load_scenario(find_scenario_file(o.scenario, root), o.sets);
  } catch (const ScenarioError& e) {
    reporter.say(std::string("error: ") + e.what());
    return run_exit::error;
  }
  const std::string base = o.out_dir.empty() ? default_out_dir(scenario.name + "-x" + std::to_string(o.repeat))
                                             : o.out_dir;
  ::mkdir(base.c_str(), 0755);
  const uint64_t first_seed = o.seed.value_or(scenario.device.disable_seed);
  nlohmann::json runs = nlohmann::json::array();
  std::vector<double> crash_times;
  int as_expected = 0, reproduced = 0, errors = 0;
  std::string table = "  run  verdict      boots  first crash  title\n";
  for (uint32_t i = 1; i <= o.repeat; ++i) {
    RunOptions one = o;
    one.repeat = 1;
    one.seed = first_seed + i - 1;
    char name[16];
    std::snprintf(name, sizeof name, "run-%02u", i);
    one.out_dir = base + "/" + name;
    reporter.say("=== run " + std::to_string(i) + " of " + std::to_string(o.repeat) + " (seed " +
                 std::to_string(*one.seed) + ")");
    const OnceResult r = run_once(one);
    if (r.exit_code == run_exit::as_expected) ++as_expected;
    if (r.exit_code == run_exit::error) ++errors;
    nlohmann::json row = {{"run", i}, {"dir", one.out_dir}, {"exit_code", r.exit_code}};
    std::string verdict = "error", title, at = "-", boots = "-";
    if (r.report) {
      const nlohmann::json& rep = *r.report;
      verdict = rep["verdict"];
      boots = std::to_string(rep["boots"].get<int>());
      row["verdict"] = verdict;
      row["boots"] = rep["boots"];
      row["time_to_first_crash_s"] = rep["time_to_first_crash_s"];
      if (!rep["crashes"].empty()) {
        title = rep["crashes"][0]["title"];
        row["title"] = title;
      }
      if (rep["time_to_first_crash_s"].is_number()) {
        crash_times.push_back(rep["time_to_first_crash_s"].get<double>());
        at = fixed1(crash_times.back()) + " s";
      }
      if (verdict == "reproduced") ++reproduced;
    }
    runs.push_back(row);
    char line[512];
    std::snprintf(line, sizeof line, "  %3u  %-11s  %5s  %11s  %s\n", i, verdict.c_str(), boots.c_str(), at.c_str(),
                  title.c_str());
    table += line;
  }
  std::string summary = "reproduced in " + std::to_string(reproduced) + " of " + std::to_string(o.repeat) +
                        " runs; as expected (" + verdict_name(scenario.expect) + ") in " +
                        std::to_string(as_expected);
  if (!crash_times.empty()) {
    summary += "; time to first crash: median " + fixed1(median(crash_times)) + " s (min " +
               fixed1(*std::min_element(crash_times.begin(), crash_times.end())) + ", max " +
               fixed1(*std::max_element(crash_times.begin(), crash_times.end())) + ")";
  }
  reporter.raw("\n" + table + "\n  " + summary + "\n  details: " + base + "/summary.json\n");
  nlohmann::json out = {{"scenario", scenario.name},
                        {"expected", verdict_name(scenario.expect)},
                        {"runs", runs},
                        {"reproduced", reproduced},
                        {"as_expected", as_expected},
                        {"errors", errors},
                        {"median_time_to_first_crash_s", crash_times.empty() ? nlohmann::json(nullptr)
                                                                            : nlohmann::json(median(crash_times))},
                        {"summary", summary}};
  std::ofstream(base + "/summary.json") << out.dump(2) << "\n";
  if (errors > 0) return run_exit::error;
  return as_expected == static_cast<int>(o.repeat) ? run_exit::as_expected : run_exit::not_as_expected;
}

int run_scenario(const RunOptions& o) {
  if (o.repeat > 1) return run_repeated(o);
  return run_once(o).exit_code;
}

void add_common_options(CLI::App& app, RunOptions& o) {
  auto* kernel = app.add_option("--kernel", o.kernel, "Your kernel (bzImage or vmlinux) instead of the default guest's")
                     ->check(CLI::ExistingFile)
                     ->type_name("FILE");
  app.add_option("--modules", o.modules, "Module tree for --kernel, with i40e.ko")
      ->needs(kernel)
      ->check(CLI::ExistingDirectory)
      ->type_name("DIR");
  app.add_option("--i40e", o.i40e,
                 "An i40e.ko (e.g. your patched driver) instead of the guest kernel's own; built against that kernel")
      ->check(CLI::Validator(CLI::ExistingFile).description(""))
      ->type_name("FILE");
  app.add_option("--boots", o.boots, "Boots at most (overrides the scenario's `boots`)")->type_name("N");
  app.add_option("--seed", o.seed, "Seed of the random latency forms (device.disable_seed)")->type_name("N");
  app.add_option("--out", o.out_dir, "Output directory (default: runs/SCENARIO-TIME in the checkout)")
      ->type_name("DIR");
  app.add_option("--accel", o.accel, "auto: KVM if it boots guests here, else TCG")
      ->check(CLI::IsMember({"auto", "tcg", "kvm"}))
      ->capture_default_str();
  app.add_option("--repeat", o.repeat, "Run it N times (seeds SEED, SEED+1, ...) and print a table")
      ->check(CLI::Range(1, 1000))
      ->type_name("N");
  app.add_flag("-v,--verbose", o.verbose, "Launcher progress details");
}

const char* kRunFooter =
    "Verdicts: reproduced (a crash or corruption report on the console), clean (every boot\n"
    "ran its steps), hang (no console output within the scenario's hang_timeout), error.\n"
    "Exit status: 0 the verdict is the scenario's `expect`, 1 it is not, 2 error; with\n"
    "--repeat: 0 when every run met the expectation, 1 when one did not, 2 on an error.\n"
    "The output directory holds report.json, console.log, guest.log, device.log and\n"
    "timeline.jsonl (the device's race monitor). Scenarios: scenarios/*.toml.";

}  // namespace

Command add_run_command(CLI::App& parent) {
  static RunOptions o;
  CLI::App* run = parent.add_subcommand("run", "Run a scenario (scenarios/NAME.toml) and give its verdict");
  run->add_option("scenario", o.scenario, "Scenario name (field-report) or a .toml file")->required();
  run->add_option("--set", o.sets, "Override a scenario key: --set device.rx_disable_latency=500ms (repeatable)")
      ->type_name("KEY=VALUE");
  add_common_options(*run, o);
  run->footer(kRunFooter);
  return {run, [] { return run_scenario(o); }};
}

Command add_reproduce_command(CLI::App& parent) {
  static RunOptions o;
  CLI::App* rep = parent.add_subcommand(
      "reproduce", "Reproduce the field report's crash: run the field-report scenario");
  rep->add_option("--set", o.sets, "Override a scenario key (repeatable)")->type_name("KEY=VALUE");
  add_common_options(*rep, o);
  rep->footer(kRunFooter);
  return {rep, [] {
            o.scenario = "field-report";
            return run_scenario(o);
          }};
}

}  // namespace x710
