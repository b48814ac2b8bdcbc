// `x710-cli test [meson test args...]`: the project's test suite, through meson.
#pragma once

#include <CLI/CLI.hpp>

#include "command.h"

namespace x710 {

Command add_test_command(CLI::App& parent);

// meson test -C BUILD_DIR --print-errorlogs ARGS...; pure, unit tested.
std::vector<std::string> meson_test_argv(const std::string& build_dir,
                                         const std::vector<std::string>& args);

}  // namespace x710
