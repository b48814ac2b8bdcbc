#include "guest_run.h"

#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace x710::test {

std::string GuestRun::section(const std::string& name) const {
  auto it = sections.find(name);
  return it == sections.end() ? std::string{} : it->second;
}

GuestRun run_guest(const std::string& script, const std::vector<std::string>& extra_args) {
  const char* cli = std::getenv("X710_CLI");
  if (cli == nullptr) throw std::runtime_error("X710_CLI is not set: run the suite through ./x710 test");
  std::vector<std::string> args = {cli, "boot"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  args.push_back("--");
  args.push_back(script);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid;
  if (posix_spawn(&pid, cli, &actions, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error(std::string("cannot start ") + cli);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  GuestRun run;
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof buf)) > 0) run.output.append(buf, static_cast<size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

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
