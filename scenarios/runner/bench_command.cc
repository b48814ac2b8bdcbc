#include "bench_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "environment.h"
#include "outcome.h"

namespace x710 {

Command add_bench_command(CLI::App& parent) {
  CLI::App* bench = parent.add_subcommand(
      "bench", "Device benchmarks: receive path, parsing, register writes (Google Benchmark; ARGS pass through)");
  bench->prefix_command();
  return {bench, [bench] {
            try {
              std::vector<std::string> argv = {env::build_dir() + "/tests/x710-bench"};
              for (const auto& a : bench->remaining()) argv.push_back(a);
              std::vector<char*> c_argv;
              for (auto& a : argv) c_argv.push_back(a.data());
              c_argv.push_back(nullptr);
              execv(c_argv[0], c_argv.data());
              std::fprintf(stderr, "x710 bench: cannot run %s: %s\n", argv[0].c_str(), std::strerror(errno));
            } catch (const InfraError& e) {
              std::fprintf(stderr, "x710 bench: %s\n", e.what());
            }
            return exit_code::infrastructure;
          }};
}

}  // namespace x710
