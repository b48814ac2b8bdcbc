// `x710-cli bench [ARGS]`: the device benchmarks (tests/bench), with Google
// Benchmark's own arguments passed through. Figures, not pass/fail.
#pragma once

#include <CLI/CLI.hpp>

#include "command.h"

namespace x710 {

Command add_bench_command(CLI::App& parent);

}  // namespace x710
