// Runs `x710-cli boot` (the same path as `./x710 boot`) with a guest shell
// script, and splits what the guest printed into named sections: lines
// "@@SECTION name" start a section. Integration tests assert on those.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace x710::test {

struct GuestRun {
  int exit_code = -1;
  std::string output;                              // the guest command's stdout
  std::map<std::string, std::string> sections;     // name -> text
  std::string section(const std::string& name) const;
};

// `extra_args` go before "--" (e.g. "--boots", "2"). The environment set by
// ./x710 (X710_CLI and friends) must be present; the run fails otherwise.
GuestRun run_guest(const std::string& script, const std::vector<std::string>& extra_args = {});

// Lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);

}  // namespace x710::test
