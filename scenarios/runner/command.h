// A subcommand of x710-cli: its CLI11 node and what to run when it was given.
// Each subcommand lives in its own <name>_command.cc and owns its options, so
// main.cc only lists them.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace x710 {

struct Command {
  CLI::App* app;            // parsed() tells whether the user chose it
  std::function<int()> run; // returns the process exit code
};

}  // namespace x710
