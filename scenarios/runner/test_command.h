// `x710-cli test [meson test args...]`: the project's test suite, through meson.
#pragma once

#include <CLI/CLI.hpp>

#include <istream>

#include "command.h"

namespace x710 {

Command add_test_command(CLI::App& parent);

struct TestTally {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
};

// Counts the results in meson's meson-logs/testlog.json (one object a line).
TestTally tally_meson_log(std::istream& testlog);

// meson test -C BUILD_DIR --print-errorlogs ARGS...; pure, unit tested.
std::vector<std::string> meson_test_argv(const std::string& build_dir,
                                         const std::vector<std::string>& args);

}  // namespace x710
