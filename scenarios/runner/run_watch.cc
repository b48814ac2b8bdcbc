#include "run_watch.h"

#include <fcntl.h>

#include <cstdio>
#include <thread>

#include "device_client.h"
#include "fd_io.h"
#include "guest_script.h"
#include "qmp_client.h"

namespace x710 {

namespace {

using std::chrono::milliseconds;

// Once a crash report starts, the run waits this long at most for its end
// (the stack dump), so report.json holds the whole report.
constexpr milliseconds kCrashReportWait{4000};
constexpr milliseconds kDeviceSampleEvery{1000};
constexpr milliseconds kProgressEvery{5000};

double seconds_between(RunWatch::Clock::time_point a, RunWatch::Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

}  // namespace

RunWatch::RunWatch(const Scenario& scenario, const RunPaths& paths, const Reporter& reporter)
    : scenario_(scenario), paths_(paths), reporter_(reporter), next_progress_(Clock::now() + kProgressEvery) {
  guest_log_.reset(::open(paths.file("guest.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
}

double RunWatch::elapsed_s() const { return seconds_between(start_, Clock::now()); }

void RunWatch::on_console(std::string_view bytes) {
  last_activity_ = Clock::now();
  detector_.feed(bytes);
  if (kernel_version_.empty()) {
    // "Linux version 6.1.0-57-amd64 (debian-kernel@...) ..." from the first boot.
    for (char c : bytes) {
      if (c != '\n') {
        if (console_line_.size() < 512) console_line_ += c;
        continue;
      }
      const size_t at = console_line_.find("Linux version ");
      if (at != std::string::npos) {
        const std::string rest = console_line_.substr(at + 14);
        kernel_version_ = rest.substr(0, rest.find(' '));
      }
      console_line_.clear();
      if (!kernel_version_.empty()) break;
    }
  }
  note_crashes();
}

void RunWatch::note_crashes() {
  const auto& found = detector_.crashes();
  // A report is listed as soon as its title is known; its excerpt grows
  // until its end, so the copies are refreshed on every call.
  size_t from_console = 0;
  for (SeenCrash& seen : crashes_) {
    if (!seen.from_console) continue;
    if (from_console < found.size()) seen.report = found[from_console];
    ++from_console;
  }
  while (from_console < found.size()) {
    SeenCrash seen{found[from_console++], std::max(boot_, 1), elapsed_s()};
    crashes_.push_back(seen);
    if (!crash_) {
      crash_ = seen;
      crash_stop_at_ = Clock::now() + kCrashReportWait;
      reporter_.say("[" + fixed(seen.at_s, 0) + " s] boot " + std::to_string(seen.boot) + ": crash: " +
                    seen.report.title);
    }
  }
  if (crash_ && crash_->from_console && !crashes_.empty()) crash_->report = crashes_.front().report;
}

void RunWatch::on_guest_output(std::string_view text) {
  last_activity_ = Clock::now();
  if (guest_log_) write_all(guest_log_.get(), text);
  for (char c : text) {
    if (c == '\n') {
      on_output_line(output_partial_);
      output_partial_.clear();
    } else if (c != '\r' && output_partial_.size() < 4096) {
      output_partial_ += c;
    }
  }
}

void RunWatch::on_output_line(const std::string& line) {
  StepLine s;
  if (!parse_step_line(line, s)) return;
  switch (s.kind) {
    case StepLine::Kind::step:
      step_ = std::to_string(s.index) + "/" + std::to_string(s.total) + " " + s.text.substr(0, s.text.find(" (uptime"));
      break;
    case StepLine::Kind::reboot:
      reboot_requested_ = true;
      poll_device();
      break;
    case StepLine::Kind::done:
      done_ = true;
      poll_device();
      break;
    case StepLine::Kind::failed:
      failed_ = s.text;
      reporter_.say("[" + fixed(elapsed_s(), 0) + " s] boot " + std::to_string(s.boot) + ": step " + step_ +
                    " failed: " + s.text);
      break;
    default:
      break;
  }
}

std::optional<Outcome> RunWatch::on_hello(int boot) {
  last_activity_ = Clock::now();
  if (crash_) return Outcome::failed(Outcome::Kind::guest_died, "the guest crashed: " + crash_->report.title);
  if (boot > 1 && !reboot_requested_) {
    // The guest came back up without asking: a triple fault or a panic that
    // printed nothing we know. That is a crash too, only without a report.
    CrashReport reset;
    reset.title = "guest reset without a crash report";
    reset.kind = "reset";
    crash_ = SeenCrash{reset, boot_, elapsed_s(), /*from_console=*/false};
    crashes_.push_back(*crash_);
    reporter_.say("[" + fixed(crash_->at_s, 0) + " s] boot " + std::to_string(boot_) +
                  ": the guest reset itself without a crash report");
    return Outcome::failed(Outcome::Kind::guest_died, "the guest reset itself during boot " + std::to_string(boot_));
  }
  reboot_requested_ = false;
  boot_ = boot;
  step_.clear();
  reporter_.say("[" + fixed(elapsed_s(), 0) + " s] boot " + std::to_string(boot) + "/" +
                std::to_string(scenario_.boots) + " started");
  return std::nullopt;
}

std::optional<Outcome> RunWatch::check() {
  const auto now = Clock::now();
  if (now >= next_sample_) poll_device();
  if (now >= next_progress_) {
    print_progress();
    next_progress_ = now + kProgressEvery;
  }
  if (crash_ && crash_stop_at_ && (detector_.first_report_complete() || now >= *crash_stop_at_)) {
    poll_device();  // the last figures, while the device still runs
    return Outcome::failed(Outcome::Kind::guest_died, "the guest crashed: " + crash_->report.title);
  }
  const auto silent = std::chrono::duration<double>(now - last_activity_).count();
  if (!crash_ && silent >= scenario_.hang_timeout_s) {
    poll_device();
    if (auto loop = capture_hang_state()) {
      // Not a hang but a crash the console could not show (qmp_client.h).
      char hex[32];
      std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(loop->cr2));
      CrashReport report;
      report.title = "silent hang after a kernel page fault";
      report.kind = "silent-fault";
      report.excerpt = "no console output for " + fixed(silent, 0) + " s; CPU#" + std::to_string(loop->cpu) +
                       " runs in kernel mode and its last page fault was on kernel address " + hex + "\n" +
                       hang_registers_;
      // It died when the console went quiet, not when we noticed.
      crash_ = SeenCrash{report, std::max(boot_, 1), seconds_between(start_, last_activity_), /*from_console=*/false};
      crashes_.push_back(*crash_);
      reporter_.say("[" + fixed(elapsed_s(), 0) + " s] boot " + std::to_string(crash_->boot) +
                    ": crash: silent hang after a kernel page fault on " + hex + " (console silent since " +
                    fixed(crash_->at_s, 1) + " s)");
      return Outcome::failed(Outcome::Kind::guest_died, "the guest crashed: " + report.title);
    }
    hung_ = true;
    return Outcome::failed(Outcome::Kind::timeout, "no console or guest output for " +
                                                       fixed(scenario_.hang_timeout_s, 0) + " s during boot " +
                                                       std::to_string(boot_) + (step_.empty() ? "" : ", step " + step_));
  }
  return std::nullopt;
}

// A silent guest is often a kernel that faulted on memory the
// late writes damaged (seen here: RIP in the page fault path, RSP on an
// exception stack, CR2 a direct-map address): QEMU still knows where each vCPU
// is. Two samples a second apart; the full dumps go to hang-registers.txt, a
// line per vCPU to report.json.
std::optional<VcpuState> RunWatch::capture_hang_state() {
  const auto first = qmp_human_command(paths_.qmp_socket(), "info registers -a");
  if (!first) return std::nullopt;
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto second = qmp_human_command(paths_.qmp_socket(), "info registers -a");
  const std::string& last = second ? *second : *first;
  UniqueFd file(::open(paths_.file("hang-registers.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (file) write_all(file.get(), *first + "\n----- one second later -----\n" + last);
  hang_registers_ = summarize_registers(last);
  reporter_.say("guest silent; its vCPUs:\n" + hang_registers_);
  if (!second) return std::nullopt;
  return kernel_fault_loop(parse_registers(*first), parse_registers(*second));
}

void RunWatch::poll_device() {
  const auto now = Clock::now();
  next_sample_ = now + kDeviceSampleEvery;
  const auto reply = device_request(paths_.device_control(), {{"op", "stats"}});
  if (!reply || !reply->value("ok", false)) return;
  const nlohmann::json& port = (*reply)["port"];
  const nlohmann::json& race = (*reply)["race"];
  const uint64_t rx = port.value("rx_frames", uint64_t{0});
  // A PF reset (every probe) starts the port counters again: add what came
  // since, not the difference.
  const uint64_t delta = rx >= last_rx_raw_ ? rx - last_rx_raw_ : rx;
  if (tally_.seen) {
    const double dt = seconds_between(last_sample_, now);
    tally_.rx_pps = dt > 0 ? static_cast<double>(delta) / dt : 0;
  }
  tally_.rx_frames += delta;
  last_rx_raw_ = rx;
  last_sample_ = now;
  tally_.disable_requests = race.value("disable_requests", uint64_t{0});
  tally_.disables_cancelled = race.value("disables_cancelled", uint64_t{0});
  tally_.late_frames = race.value("late_frames", uint64_t{0});
  tally_.max_window_ns = race.value("max_window_ns", uint64_t{0});
  tally_.seen = true;
}

void RunWatch::print_progress() {
  std::string line = "[" + fixed(elapsed_s(), 0) + " s] " +
                     (boot_ == 0 ? std::string("booting") : "boot " + std::to_string(boot_)) + "/" +
                     std::to_string(scenario_.boots);
  if (!step_.empty()) line += "  step " + step_;
  if (tally_.seen) {
    line += "  rx " + fixed(tally_.rx_pps / 1000.0, 1) + " kpps";
    line += "  disable requests " + std::to_string(tally_.disable_requests);
    line += "  late writes " + std::to_string(tally_.late_frames);
  }
  line += "  disable timeouts " + std::to_string(detector_.disable_timeouts());
  reporter_.say(line);
}

void RunWatch::finish() {
  poll_device();
  detector_.finish();
  note_crashes();
}

}  // namespace x710
