#include "device_launch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "environment.h"
#include "fd_io.h"
#include "shell_quote.h"
#include "text_tail.h"
#include "unique_fd.h"
#include "unix_socket.h"

namespace x710 {

namespace {

using Clock = std::chrono::steady_clock;

bool is_socket(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

int millis_until(Clock::time_point when) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(when - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left + 1, 0, 24 * 3600 * 1000));
}

}  // namespace

DeviceLaunch launch_device(const std::vector<std::string>& argv, const RunPaths& paths,
                           std::chrono::milliseconds socket_timeout,
                           Clock::time_point run_deadline, SignalEvents& signals,
                           const Reporter& reporter) {
  const std::string socket = paths.device_socket();
  check_socket_path(socket);
  ::unlink(socket.c_str());  // left over from an earlier run in the same --out

  // Watch the directory before the device starts: then the socket cannot appear
  // unnoticed between a check and the wait.
  UniqueFd notify(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!notify || inotify_add_watch(notify.get(), paths.dir.c_str(), IN_CREATE | IN_MOVED_TO) < 0) {
    throw InfraError("cannot watch " + paths.dir + ": " + strerror(errno));
  }
  UniqueFd log(open_log_file(paths.device_log()));
  reporter.progress("starting the device: " + shell_join(argv));

  DeviceLaunch launch;
  launch.device = Child::spawn({argv, log.get(), log.get()});
  const auto give_up = std::min(Clock::now() + socket_timeout, run_deadline);
  while (!is_socket(socket)) {
    pollfd fds[3] = {{notify.get(), POLLIN, 0},
                     {launch.device.pidfd(), POLLIN, 0},
                     {signals.fd(), POLLIN, 0}};
    const int n = ::poll(fds, 3, millis_until(give_up));
    if (n < 0 && errno != EINTR) throw InfraError(std::string("poll: ") + strerror(errno));
    if (fds[2].revents) {
      launch.failure = outcome_for_signal(signals.take());
      return launch;
    }
    if (is_socket(socket)) break;
    if (fds[1].revents && launch.device.exited()) {
      launch.failure = Outcome::failed(
          Outcome::Kind::infrastructure,
          with_log_tail("x710-device " + launch.device.describe_exit() +
                            " before creating its socket",
                        paths.device_log()));
      return launch;
    }
    if (n == 0) {
      if (Clock::now() >= run_deadline) {
        launch.failure = Outcome::failed(Outcome::Kind::timeout,
                                         "timed out waiting for x710-device's socket");
      } else {
        launch.failure = Outcome::failed(
            Outcome::Kind::infrastructure,
            with_log_tail("x710-device did not create " + socket + " within " +
                              seconds_text(socket_timeout),
                          paths.device_log()));
      }
      return launch;
    }
    std::string drained;  // the events only wake us; the stat() above decides
    while (read_some(notify.get(), drained) == ReadResult::data) drained.clear();
  }
  reporter.progress("device socket is ready");
  return launch;
}

}  // namespace x710
