#include "boot_session.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "console_watch.h"
#include "control_port.h"
#include "device_launch.h"
#include "environment.h"
#include "fd_io.h"
#include "file_follower.h"
#include "guest_dialog.h"
#include "process.h"
#include "shell_quote.h"
#include "terminal.h"
#include "text_tail.h"
#include "unique_fd.h"
#include "unix_socket.h"

namespace x710 {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// After EXIT the guest's init powers off at once; QEMU follows within ~0.1 s.
// Past this, QEMU is asked to quit.
constexpr milliseconds kPowerOffGrace{3000};
// SIGTERM to SIGKILL, for QEMU and for the device.
constexpr milliseconds kStopGrace{3000};
// Once QEMU is gone, the device notices the disconnect and exits by itself.
constexpr milliseconds kDeviceExitGrace{3000};
// When the device is seen exiting while QEMU still runs, QEMU gets this long to
// exit too (it usually went first: guest powered off, panicked), so that the run
// is judged by what happened to the guest rather than by the order of wake-ups.
constexpr milliseconds kDeviceExitJudgeDelay{2000};
// After "Kernel panic - not syncing" the kernel still prints the call trace. With
// the pvpanic driver loaded QEMU exits right after it; without it (panic=-1) the
// guest silently resets. So the report is complete when the console has been quiet
// for a moment, and in any case after the cap.
constexpr milliseconds kPanicQuietTime{1000};
constexpr milliseconds kPanicReportCap{5000};

int millis_until(Clock::time_point when) {
  const auto left = std::chrono::duration_cast<milliseconds>(when - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left + 1, 0, 24 * 3600 * 1000));
}

class BootSession {
 public:
  BootSession(const SessionConfig& config, SignalEvents& signals, Reporter& reporter)
      : config_(config),
        signals_(signals),
        reporter_(reporter),
        dialog_(config.command, config.max_boots),
        deadline_(Clock::now() + config.timeout) {}

  Outcome run() {
    try {
      if (!config_.device_argv.empty()) start_device();
      if (!result_) start_qemu();
      while (!result_) wait_and_dispatch();
    } catch (const InfraError& e) {
      finish(Outcome::failed(Outcome::Kind::infrastructure, e.what()));
    }
    shut_down();
    return *result_;
  }

 private:
  // What woke poll() up.
  enum class Source { signal, qemu, device, ctl_listen, ctl, console, input };

  // ---- starting --------------------------------------------------------------

  void start_device() {
    DeviceLaunch launch = launch_device(config_.device_argv, config_.paths,
                                        config_.device_start_timeout, deadline_, signals_,
                                        reporter_);
    device_ = std::move(launch.device);
    if (launch.failure) finish(std::move(*launch.failure));
  }

  void start_qemu() {
    // The control port listens before QEMU exists, so QEMU's connect at start-up
    // always finds it: no retry, no race.
    ctl_listen_ = listen_unix(config_.paths.control_socket());
    check_socket_path(config_.paths.qmp_socket());
    console_.emplace(config_.paths.console_log());
    control_log_.reset(open_log_file(config_.paths.control_log()));
    UniqueFd log(open_log_file(config_.paths.qemu_log()));
    reporter_.progress("starting QEMU: " + shell_join(config_.qemu_argv));
    qemu_ = Child::spawn({config_.qemu_argv, log.get(), log.get()});
  }

  // ---- the event loop --------------------------------------------------------

  void wait_and_dispatch() {
    if (deadline_passed()) return;

    std::vector<pollfd> fds;
    std::vector<Source> sources;
    auto watch = [&](int fd, Source source) {
      fds.push_back({fd, POLLIN, 0});
      sources.push_back(source);
    };
    // Guest data first: an EXIT line must be read before the QEMU exit that
    // follows it is judged.
    if (ctl_ && !ctl_eof_) watch(ctl_.get(), Source::ctl);
    if (ctl_listen_) watch(ctl_listen_.get(), Source::ctl_listen);
    watch(console_->event_fd(), Source::console);
    if (shell_input_) watch(STDIN_FILENO, Source::input);
    if (!qemu_gone_) watch(qemu_.pidfd(), Source::qemu);
    if (device_.started() && !device_gone_at_) watch(device_.pidfd(), Source::device);
    watch(signals_.fd(), Source::signal);

    int wait = millis_until(next_deadline());
    if (config_.observer) wait = std::min<int>(wait, static_cast<int>(config_.observer->tick().count()));
    const int n = ::poll(fds.data(), fds.size(), wait);
    if (n < 0) {
      if (errno == EINTR) return;
      throw InfraError(std::string("poll: ") + strerror(errno));
    }
    for (size_t i = 0; i < fds.size() && !result_; ++i) {
      if (fds[i].revents == 0) continue;
      switch (sources[i]) {
        case Source::ctl: read_control(); break;
        case Source::ctl_listen: accept_control(); break;
        case Source::console: read_console(); break;
        case Source::input: forward_input(); break;
        case Source::qemu: on_qemu_exit(); break;
        case Source::device: on_device_exit(); break;
        case Source::signal: finish(outcome_for_signal(signals_.take())); break;
      }
    }
    if (config_.observer && !result_) {
      if (auto outcome = config_.observer->check()) finish(std::move(*outcome));
    }
  }

  Clock::time_point next_deadline() const {
    auto wake = deadline_;
    if (panic_deadline_) wake = std::min(wake, *panic_deadline_);
    if (device_gone_at_) wake = std::min(wake, *device_gone_at_ + kDeviceExitJudgeDelay);
    return wake;
  }

  // Ends the run when one of the deadlines has passed; true if it did.
  bool deadline_passed() {
    const auto now = Clock::now();
    if (now >= deadline_) {
      finish(Outcome::failed(
          Outcome::Kind::timeout,
          "no EXIT from the guest within " + seconds_text(config_.timeout) +
              (dialog_.boot_index() == 0 ? " (its init never said HELLO)" : "")));
    } else if (panic_deadline_ && now >= *panic_deadline_) {
      finish(panic_outcome());
    } else if (device_gone_at_ && now >= *device_gone_at_ + kDeviceExitJudgeDelay) {
      // The NIC under test vanished from under a running guest: nothing the
      // guest reports after this means much.
      finish(Outcome::failed(Outcome::Kind::guest_died,
                             with_log_tail("x710-device " + device_.describe_exit() +
                                               " while the guest was running",
                                           config_.paths.device_log())));
    }
    return result_.has_value();
  }

  void accept_control() {
    ctl_ = accept_connection(ctl_listen_.get());
    if (!ctl_) return;
    ctl_listen_.reset();  // one client only: QEMU
    reporter_.progress("QEMU connected to the control port");
  }

  // Returns false when there is nothing more to read right now.
  bool read_control() {
    std::string bytes;
    const ReadResult r = read_some(ctl_.get(), bytes);
    if (r == ReadResult::again) return false;
    if (r == ReadResult::data) {
      write_all(control_log_.get(), bytes);
      for (const auto& event : parser_.feed(bytes)) handle(event);
      return true;
    }
    ctl_eof_ = true;  // QEMU closed it: it is exiting
    for (const auto& event : parser_.finish()) handle(event);
    return false;
  }

  void read_console() {
    const std::string bytes = console_->read_new();
    if (bytes.empty()) return;
    console_seen_ = true;
    if (reporter_.verbose() && !config_.quiet) reporter_.raw(bytes);
    if (config_.observer) config_.observer->on_console(bytes);
    watch_.feed(bytes);
    if (watch_.panicked()) {
      const auto now = Clock::now();
      if (!panic_cap_) {
        reporter_.progress("kernel panic on the console");
        panic_cap_ = now + kPanicReportCap;
      }
      panic_deadline_ = std::min(*panic_cap_, now + kPanicQuietTime);
    }
    if (watch_.panic_report_done()) finish(panic_outcome());
  }

  void forward_input() {
    std::string bytes;
    const ReadResult r = read_some(STDIN_FILENO, bytes);
    if (r == ReadResult::again) return;
    if (r != ReadResult::data) {
      shell_input_ = false;  // stdin ended; the guest shell goes on until it exits
      return;
    }
    // Ctrl-] is the escape, as in telnet and virsh console.
    const size_t escape = bytes.find('\x1d');
    if (ctl_) write_all(ctl_.get(), std::string_view(bytes).substr(0, escape));
    if (escape != std::string::npos) {
      finish(Outcome::failed(Outcome::Kind::interrupted, "Ctrl-] pressed: guest stopped"));
    }
  }

  void on_device_exit() {
    if (!device_.exited()) return;
    device_gone_at_ = Clock::now();  // judged in deadline_passed(), unless QEMU ends first
    reporter_.progress("x710-device " + device_.describe_exit());
  }

  void on_qemu_exit() {
    if (!qemu_.exited()) return;
    qemu_gone_ = true;
    // Whatever the guest said last is still in the socket and the console file.
    while (ctl_ && !ctl_eof_ && read_control()) {
    }
    if (ctl_ && !ctl_eof_) {
      ctl_eof_ = true;
      for (const auto& event : parser_.finish()) handle(event);
    }
    read_console();
    if (result_) return;

    const std::string how = "QEMU " + qemu_.describe_exit();
    if (watch_.panicked()) {
      finish(panic_outcome());
    } else if (!console_seen_ && dialog_.boot_index() == 0) {
      // Not a single console byte: the guest never ran. QEMU's own complaint
      // (bad option, missing firmware, device refused) is in qemu.log.
      finish(Outcome::failed(Outcome::Kind::infrastructure,
                             with_log_tail(how + " before the guest started",
                                           config_.paths.qemu_log())));
    } else {
      std::string why = how + (dialog_.boot_index() == 0 ? " before the guest's init said HELLO"
                                                         : " before the guest reported EXIT");
      if (qemu_.exit_status() == 0) why += " (the guest powered off)";
      if (!file_tail(config_.paths.qemu_log(), 1).empty()) {
        why = with_log_tail(why, config_.paths.qemu_log());
      }
      finish(Outcome::failed(Outcome::Kind::guest_died, why));
    }
  }

  // ---- the guest's messages --------------------------------------------------

  void handle(const ControlEvent& event) {
    if (result_) return;
    switch (event.kind) {
      case ControlEvent::Kind::output:
        if (config_.observer) config_.observer->on_guest_output(event.text);
        if (!config_.quiet && !write_all(STDOUT_FILENO, event.text)) {
          finish(Outcome::failed(Outcome::Kind::output_closed, ""));
        }
        break;
      case ControlEvent::Kind::hello:
        on_hello(event);
        break;
      case ControlEvent::Kind::info:
        if (!config_.quiet) reporter_.guest_info(event.text);
        break;
      case ControlEvent::Kind::exit:
        reporter_.progress("guest command exited with status " + std::to_string(event.status));
        finish(Outcome::exited(event.status));
        break;
      case ControlEvent::Kind::unknown:
        reporter_.progress("ignoring unknown control line: " + event.text);
        break;
    }
  }

  void on_hello(const ControlEvent& hello) {
    if (watch_.panicked()) {  // it panicked and came back up: report the panic
      finish(panic_outcome());
      return;
    }
    if (config_.observer) {
      if (auto outcome = config_.observer->on_hello(dialog_.boot_index() + 1)) {
        finish(std::move(*outcome));
        return;
      }
    }
    const auto answer = dialog_.on_hello();
    if (!answer.error.empty()) {
      finish(Outcome::failed(Outcome::Kind::guest_died, answer.error));
      return;
    }
    reporter_.progress("boot " + std::to_string(dialog_.boot_index()) + ": guest up (kernel " +
                       hello.text + ", interface " + hello.netif + ")");
    write_all(ctl_.get(), answer.line);
    write_all(control_log_.get(), answer.line);
    if (dialog_.interactive() && !terminal_) start_shell();
  }

  void start_shell() {
    reporter_.say("shell on the guest; Ctrl-] quits");
    // The guest's tty echoes and sends "\r\n"; the local terminal, now raw, needs
    // both passed through untouched.
    parser_.set_strip_cr(false);
    terminal_.emplace(STDIN_FILENO);
    reporter_.set_raw_terminal(terminal_->active());
    shell_input_ = true;
  }

  // ---- ending ----------------------------------------------------------------

  Outcome panic_outcome() const {
    return Outcome::failed(Outcome::Kind::guest_died,
                           "the guest kernel panicked: " + watch_.panic_line());
  }

  void finish(Outcome outcome) {
    if (!result_) result_ = std::move(outcome);
  }

  void shut_down() {
    if (terminal_) {
      // Cut off mid-line in the guest shell (Ctrl-]): our messages start on a new line.
      if (terminal_->active() && result_->kind != Outcome::Kind::guest_exit) {
        write_all(STDOUT_FILENO, "\r\n");
      }
      terminal_->restore();
      reporter_.set_raw_terminal(false);
    }
    if (qemu_.started() && !qemu_gone_) {
      if (result_->kind == Outcome::Kind::guest_exit && !qemu_.wait_for(kPowerOffGrace)) {
        reporter_.progress("the guest did not power off after EXIT; stopping QEMU");
      }
      qemu_.stop(SIGTERM, kStopGrace);
      reporter_.progress("QEMU " + qemu_.describe_exit());
    }
    if (device_.started() && !device_gone_at_) {
      // Without a QEMU to serve, the device should already be on its way out.
      if (!qemu_.started() || !device_.wait_for(kDeviceExitGrace)) {
        if (qemu_.started()) reporter_.progress("x710-device still running; stopping it");
        device_.stop(SIGTERM, kStopGrace);
      }
      reporter_.progress("x710-device " + device_.describe_exit());
    }
    if (console_) {  // the last console lines, for -v
      const std::string rest = console_->read_new();
      if (reporter_.verbose() && !config_.quiet) reporter_.raw(rest);
    }
  }

  const SessionConfig& config_;
  SignalEvents& signals_;
  Reporter& reporter_;
  GuestDialog dialog_;
  ControlPortParser parser_;
  ConsoleWatch watch_;

  const Clock::time_point deadline_;                   // --timeout
  std::optional<Clock::time_point> panic_deadline_;    // stop waiting for the panic report
  std::optional<Clock::time_point> panic_cap_;
  std::optional<Clock::time_point> device_gone_at_;    // the device exited during the run

  Child device_;
  Child qemu_;
  bool qemu_gone_ = false;
  UniqueFd ctl_listen_;                  // until QEMU connects
  UniqueFd ctl_;                         // the control port, guest ttyS1
  bool ctl_eof_ = false;
  UniqueFd control_log_;                 // transcript of the control port
  std::optional<FileFollower> console_;  // guest ttyS0, via console.log
  bool console_seen_ = false;
  std::optional<RawTerminal> terminal_;  // interactive shell only
  bool shell_input_ = false;
  std::optional<Outcome> result_;
};

}  // namespace

Outcome run_boot_session(const SessionConfig& config, SignalEvents& signals,
                         Reporter& reporter) {
  return BootSession(config, signals, reporter).run();
}

}  // namespace x710
