// x710-cli: the test bed's command line. ./x710 sets up the environment (X710_*
// variables) and execs this. Each subcommand lives in its own *_command.cc; this
// file only lists them.
#include <CLI/CLI.hpp>

#include <iostream>
#include <vector>

#include "bench_command.h"
#include "boot_command.h"
#include "command.h"
#include "ctl_command.h"
#include "run_command.h"
#include "test_command.h"

int main(int argc, char** argv) {
  CLI::App app{"x710-cli: boot a Debian guest on an emulated Intel X710 and run tests",
               "x710-cli"};
  app.require_subcommand(1);
  const std::vector<x710::Command> commands = {
      x710::add_reproduce_command(app),
      x710::add_run_command(app),
      x710::add_boot_command(app),
      x710::add_test_command(app),
      x710::add_ctl_command(app),
      x710::add_bench_command(app),
  };
  if (argc < 2) {  // plain `./x710`: show what there is
    std::cout << app.help();
    return 0;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (const auto& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return 0;
}
