// Child processes (QEMU, x710-device): start without a shell, watch for their exit
// with a pidfd (so the event loop can poll() it like any other fd), and stop them.
//
// Children never outlive the launcher: each gets PR_SET_PDEATHSIG=SIGKILL, so even
// a SIGKILLed launcher leaves no QEMU behind. They also run in their own process
// group, so a Ctrl-C on the terminal reaches only the launcher, which then stops
// them in order.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace x710 {

class Child {
 public:
  struct Spec {
    std::vector<std::string> argv;  // argv[0] is the program (searched in PATH if no '/')
    int stdout_fd = -1;             // -1: the launcher's own
    int stderr_fd = -1;             // -1: the launcher's own
    // stdin is always /dev/null: nothing we start reads it.
  };

  // Throws InfraError when the program cannot be started (the exec error included).
  static Child spawn(const Spec& spec);

  Child() = default;
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // A still-running child is killed and reaped: no zombies, no orphans.
  ~Child();

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Becomes readable when the process exits; -1 if not started.
  int pidfd() const { return pidfd_; }

  // Reaps the process if it has exited; true once it has. Never blocks.
  bool exited();
  // "exited with status N" or "killed by signal N (NAME)"; only after exited().
  std::string describe_exit() const;
  int exit_status() const;  // the status for a normal exit, 128+signal otherwise

  // Waits up to `timeout` for the process to exit by itself.
  bool wait_for(std::chrono::milliseconds timeout);
  void send_signal(int sig);
  // Sends `sig`, waits up to `grace`, then SIGKILL; returns after reaping it.
  void stop(int sig, std::chrono::milliseconds grace);

 private:
  void release();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  bool reaped_ = false;
  int wait_status_ = 0;
};

}  // namespace x710
