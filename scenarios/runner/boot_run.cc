#include "boot_run.h"

#include <unistd.h>

#include <chrono>

#include "boot_plan.h"
#include "boot_session.h"
#include "environment.h"
#include "fd_io.h"
#include "kvm_probe.h"
#include "outcome.h"
#include "reporter.h"
#include "run_dir.h"
#include "shell_quote.h"
#include "signals.h"
#include "text_tail.h"

namespace x710 {

namespace {

// How much console the user sees when the guest died without a word.
constexpr size_t kConsoleTailLines = 40;
constexpr std::chrono::seconds kKvmProbeTimeout{30};

std::vector<std::string> device_argv_for(const BootPlan& plan, const RunPaths& paths) {
  return plan.device ? device_argv(*plan.device, paths) : std::vector<std::string>{};
}

int dry_run(const BootOptions& options, BootPlan plan) {
  Reporter quiet(false);
  plan.qemu.accel = choose_accel(options.accel, plan.qemu.qemu, [] { return std::optional<bool>(); },
                                 quiet, /*dry_run=*/true);
  const RunPaths paths(options.out_dir.empty()
                           ? env::get("TMPDIR").value_or("/tmp") + "/x710-run-XXXXXX"
                           : options.out_dir);
  std::string text;
  if (plan.device) text += "# x710-device\n" + shell_join(device_argv(*plan.device, paths)) + "\n";
  text += "# QEMU\n" + shell_join(qemu_argv(plan.qemu, paths)) + "\n";
  write_all(STDOUT_FILENO, text);
  return 0;
}

// Boots a throwaway KVM guest running `true`: nullopt when there is no verdict
// (the probe itself could not run for a host reason).
std::optional<bool> probe_kvm(const BootPlan& plan, SignalEvents& signals, Reporter& reporter) {
  RunDir dir("");
  SessionConfig config{RunPaths(dir.path())};
  QemuPlan qemu = plan.qemu;
  qemu.accel = Accel::kvm;
  config.qemu_argv = qemu_argv(qemu, config.paths);
  config.device_argv = device_argv_for(plan, config.paths);
  config.command = "true";
  config.timeout = kKvmProbeTimeout;
  config.quiet = true;
  const Outcome outcome = run_boot_session(config, signals, reporter);
  switch (outcome.kind) {
    case Outcome::Kind::interrupted:
    case Outcome::Kind::terminated:
      throw StopRequested{outcome};
    case Outcome::Kind::infrastructure:
      reporter.progress("KVM probe could not run: " + outcome.message);
      return std::nullopt;
    default:
      reporter.progress("KVM probe: " + (outcome.message.empty() ? "guest exited" : outcome.message));
      return outcome.kind == Outcome::Kind::guest_exit && outcome.guest_status == 0;
  }
}

void report(const Outcome& outcome, RunDir& dir, const BootOptions& options,
            const Reporter& reporter) {
  switch (outcome.kind) {
    case Outcome::Kind::guest_exit:
      break;
    case Outcome::Kind::guest_died: {
      reporter.say(outcome.message);
      std::string tail = file_tail(RunPaths(dir.path()).console_log(), kConsoleTailLines);
      std::erase(tail, '\r');  // the serial console ends lines with "\r\n"
      reporter.say("last " + std::to_string(kConsoleTailLines) + " console lines:");
      reporter.raw(tail.empty() ? "(the console is empty)\n" : tail + "\n");
      break;
    }
    case Outcome::Kind::infrastructure:
      reporter.say("error: " + outcome.message);
      break;
    case Outcome::Kind::output_closed:
      break;  // like a command killed by SIGPIPE: silently
    default:
      reporter.say(outcome.message);
      break;
  }
  if (run_failed(outcome) || options.keep) dir.keep();
  if (dir.is_temporary() && dir.kept()) reporter.say("run directory kept: " + dir.path());
  else if (!dir.is_temporary() && run_failed(outcome)) reporter.say("logs in " + dir.path());
}

}  // namespace

Accel resolve_accel(const std::string& requested, const BootPlan& plan, SignalEvents& signals,
                    Reporter& reporter) {
  return choose_accel(requested, plan.qemu.qemu, [&] { return probe_kvm(plan, signals, reporter); }, reporter);
}

int run_boot(const BootOptions& options) {
  Reporter reporter(options.verbose);
  try {
    BootPlan plan = make_boot_plan(options);
    if (options.dry_run) return dry_run(options, std::move(plan));

    SignalEvents signals;
    plan.qemu.accel = resolve_accel(options.accel, plan, signals, reporter);
    reporter.progress("accelerator: " + std::string(accel_name(plan.qemu.accel)));

    RunDir dir(options.out_dir);
    SessionConfig config{RunPaths(dir.path())};
    config.qemu_argv = qemu_argv(plan.qemu, config.paths);
    config.device_argv = device_argv_for(plan, config.paths);
    config.command = plan.command;
    config.max_boots = options.boots;
    config.timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
    const Outcome outcome = run_boot_session(config, signals, reporter);
    report(outcome, dir, options, reporter);
    return exit_code_for(outcome);
  } catch (const StopRequested& stop) {
    reporter.say(stop.outcome.message);
    return exit_code_for(stop.outcome);
  } catch (const InfraError& e) {
    reporter.say(std::string("error: ") + e.what());
    return exit_code::infrastructure;
  }
}

}  // namespace x710
