#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "environment.h"

namespace x710 {

namespace {

// Debian 12's <sys/pidfd.h> lacks extern "C", so C++ cannot link its
// declarations; the raw system calls are all we need.
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
int signal_pidfd(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(char* const* argv, int out_fd, int err_fd, pid_t parent,
                             int report_fd) {
  // The launcher blocks signals to read them from a signalfd; the blocked mask and
  // ignored dispositions survive exec, so undo them for the child.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);

  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the launcher died before prctl took effect

  const int null_fd = open("/dev/null", O_RDWR);
  if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
  if (out_fd >= 0) dup2(out_fd, STDOUT_FILENO);
  if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);

  execvp(argv[0], argv);
  // Tell the parent why; the pipe is close-on-exec, so success closes it silently.
  const int err = errno;
  (void)!write(report_fd, &err, sizeof err);
  _exit(127);
}

}  // namespace

Child Child::spawn(const Spec& spec) {
  if (spec.argv.empty()) throw InfraError("internal: empty command line");
  std::vector<char*> argv;
  for (const auto& word : spec.argv) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) throw InfraError(std::string("pipe: ") + strerror(errno));
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(report[0]);
    close(report[1]);
    throw InfraError(std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) exec_child(argv.data(), spec.stdout_fd, spec.stderr_fd, parent, report[1]);

  close(report[1]);
  Child child;
  child.pid_ = pid;
  // Either exec succeeded (EOF) or the child sent its errno.
  int exec_errno = 0;
  ssize_t n;
  do n = read(report[0], &exec_errno, sizeof exec_errno);
  while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == sizeof exec_errno) {
    child.wait_for(std::chrono::milliseconds(-1));
    throw InfraError("cannot run " + spec.argv[0] + ": " + strerror(exec_errno));
  }
  child.pidfd_ = open_pidfd(pid);
  if (child.pidfd_ < 0) throw InfraError(std::string("pidfd_open: ") + strerror(errno));
  return child;
}

Child::Child(Child&& other) noexcept { *this = std::move(other); }

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    release();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::exchange(other.pidfd_, -1);
    reaped_ = other.reaped_;
    wait_status_ = other.wait_status_;
  }
  return *this;
}

Child::~Child() { release(); }

void Child::release() {
  if (pid_ > 0 && !exited()) {
    kill(pid_, SIGKILL);
    wait_for(std::chrono::milliseconds(-1));
  }
  if (pidfd_ >= 0) close(pidfd_);
  pid_ = -1;
  pidfd_ = -1;
  reaped_ = false;
}

bool Child::exited() {
  if (pid_ <= 0 || reaped_) return reaped_;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    wait_status_ = status;
  }
  return reaped_;
}

int Child::exit_status() const {
  if (WIFEXITED(wait_status_)) return WEXITSTATUS(wait_status_);
  if (WIFSIGNALED(wait_status_)) return 128 + WTERMSIG(wait_status_);
  return -1;
}

std::string Child::describe_exit() const {
  if (WIFEXITED(wait_status_)) return "exited with status " + std::to_string(WEXITSTATUS(wait_status_));
  if (WIFSIGNALED(wait_status_)) {
    const int sig = WTERMSIG(wait_status_);
    const char* name = sigabbrev_np(sig);
    return "killed by signal " + std::to_string(sig) + (name ? std::string(" (SIG") + name + ")" : "");
  }
  return "ended";
}

bool Child::wait_for(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return true;
  if (pidfd_ < 0) {
    // Only during spawn(), before the pidfd exists: a blocking reap is fine.
    int status = 0;
    if (waitpid(pid_, &status, 0) == pid_) {
      reaped_ = true;
      wait_status_ = status;
    }
    return reaped_;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited()) {
    int ms = -1;
    if (timeout.count() >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      ms = static_cast<int>(left.count());
    }
    pollfd p = {pidfd_, POLLIN, 0};
    if (poll(&p, 1, ms) < 0 && errno != EINTR) return exited();
  }
  return true;
}

void Child::send_signal(int sig) {
  if (pid_ > 0 && !exited()) signal_pidfd(pidfd_, sig);
}

void Child::stop(int sig, std::chrono::milliseconds grace) {
  if (pid_ <= 0 || exited()) return;
  send_signal(sig);
  if (!wait_for(grace)) {
    send_signal(SIGKILL);
    wait_for(std::chrono::milliseconds(-1));
  }
}

}  // namespace x710
