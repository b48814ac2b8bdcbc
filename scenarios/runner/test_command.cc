#include "test_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>

#include "environment.h"
#include "outcome.h"
#include "process.h"
#include "reporter.h"

namespace x710 {

std::vector<std::string> meson_test_argv(const std::string& build_dir,
                                         const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"meson", "test", "-C", build_dir, "--print-errorlogs"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

TestTally tally_meson_log(std::istream& testlog) {
  // meson-logs/testlog.json: one JSON object per test, with "result" OK,
  // EXPECTEDFAIL, SKIP, FAIL, UNEXPECTEDPASS, TIMEOUT or ERROR.
  TestTally tally;
  std::string line;
  while (std::getline(testlog, line)) {
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    if (!entry.is_object() || !entry.contains("result") || !entry["result"].is_string()) continue;
    const std::string result = entry["result"];
    if (result == "OK" || result == "EXPECTEDFAIL") {
      ++tally.passed;
    } else if (result == "SKIP") {
      ++tally.skipped;
    } else {
      ++tally.failed;
    }
  }
  return tally;
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
              const std::string build_dir = env::build_dir();
              Child meson = Child::spawn({.argv = meson_test_argv(build_dir, test->remaining())});
              meson.wait_for(std::chrono::hours(24));
              // One plain closing line that CI systems read in any language.
              std::ifstream log(build_dir + "/meson-logs/testlog.json");
              const TestTally t = tally_meson_log(log);
              std::string closing = "tests: " + std::to_string(t.passed) + " passed, " +
                                    std::to_string(t.failed) + " failed";
              if (t.skipped) closing += ", " + std::to_string(t.skipped) + " skipped";
              std::printf("%s\n", closing.c_str());
              std::fflush(stdout);
              return meson.exit_status();
            } catch (const InfraError& e) {
              reporter.say(std::string("error: ") + e.what());
            }
            return exit_code::infrastructure;
          }};
}

}  // namespace x710
