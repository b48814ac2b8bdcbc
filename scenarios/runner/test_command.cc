#include "test_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "environment.h"
#include "outcome.h"
#include "reporter.h"

namespace x710 {

std::vector<std::string> meson_test_argv(const std::string& build_dir,
                                         const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"meson", "test", "-C", build_dir, "--print-errorlogs"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

Command add_test_command(CLI::App& parent) {
  CLI::App* test = parent.add_subcommand(
      "test", "Run the test suite: meson test -C $X710_BUILD_DIR --print-errorlogs [ARGS...]");
  // Everything after `test` belongs to meson (--suite unit, --list, test names).
  test->prefix_command();
  test->footer(
      "ARGS go to `meson test` as they are: --suite unit, --suite guest, --list, a test\n"
      "name, -v. The build directory is $X710_BUILD_DIR, else $X710_ROOT/build.");
  return {test, [test] {
            Reporter reporter(false);
            try {
              const auto argv = meson_test_argv(env::build_dir(), test->remaining());
              std::vector<char*> c_argv;
              for (const auto& word : argv) c_argv.push_back(const_cast<char*>(word.c_str()));
              c_argv.push_back(nullptr);
              // exec, not spawn: meson's exit status and its signals are ours.
              execvp(c_argv[0], c_argv.data());
              reporter.say(std::string("error: cannot run meson: ") + strerror(errno));
            } catch (const InfraError& e) {
              reporter.say(std::string("error: ") + e.what());
            }
            return exit_code::infrastructure;
          }};
}

}  // namespace x710
