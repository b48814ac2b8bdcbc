#include "guest_run.h"

#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace x710::test {

std::string GuestRun::section(const std::string& name) const {
  auto it = sections.find(name);
  return it == sections.end() ? std::string{} : it->second;
}

CliRun run_cli(std::vector<std::string> args, bool merge_stderr) {
  const char* cli = std::getenv("X710_CLI");
  if (cli == nullptr) throw std::runtime_error("X710_CLI is not set: run the suite through ./x710 test");
  args.insert(args.begin(), cli);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // Close-on-exec: tests spawn from two threads at once (a boot, and `ctl`
  // polls beside it), and a pipe end inherited by the other thread's child
  // would hold that reader's EOF until the child exits; for a boot, minutes.
  // The child's own end reaches it through dup2, which clears the flag.
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  if (merge_stderr) posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid;
  const int spawned = posix_spawn(&pid, cli, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (spawned != 0) {
    close(out[0]);
    throw std::runtime_error(std::string("cannot start ") + cli);
  }
  CliRun run;
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) run.output.append(buf, static_cast<size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

std::string ctl(const std::string& run_dir, const std::string& request) {
  // stderr joined so that a poll before the device is up prints nothing
  // into the test's log; the caller sees the reason instead of a reply.
  return run_cli({"ctl", "--run", run_dir, request}).output;
}

bool wait_for_rx_enabled(const std::string& run_dir, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ctl(run_dir, R"({"op":"stats"})").find("\"rx_enabled\":true") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

GuestRun run_guest(const std::string& script, const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {"boot"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  args.push_back("--");
  args.push_back(script);
  // The guest's output only: the launcher's progress lines stay on stderr.
  const CliRun cli = run_cli(args, /*merge_stderr=*/false);
  GuestRun run;
  run.exit_code = cli.exit_code;
  run.output = cli.output;

  std::istringstream lines(run.output);
  std::string line, current;
  while (std::getline(lines, line)) {
    if (line.rfind("@@SECTION ", 0) == 0) {
      current = line.substr(10);
      run.sections[current];
      continue;
    }
    if (!current.empty()) run.sections[current] += line + "\n";
  }
  return run;
}

bool unpack_guest_initrd(const std::string& into, const std::string& pattern) {
  const char* guest = std::getenv("X710_GUEST_DIR");
  if (guest == nullptr) return false;
  const std::string unpack = "cd '" + into + "' && cpio -idm --quiet '" + pattern + "' < '" + guest + "/initrd.img'";
  return std::system(unpack.c_str()) == 0;
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> found;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(needle) != std::string::npos) found.push_back(line);
  }
  return found;
}

}  // namespace x710::test
