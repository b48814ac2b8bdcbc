// Runs `x710-cli boot` (the same path as `./x710 boot`) with a guest shell
// script, and splits what the guest printed into named sections: lines
// "@@SECTION name" start a section. Integration tests assert on those.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace x710::test {

// One run of x710-cli (the binary ./x710 runs) with `args`, stdin from
// /dev/null; stderr joins stdout when `merge_stderr`, else it passes through.
struct CliRun {
  int exit_code = -1;
  std::string output;
};
CliRun run_cli(std::vector<std::string> args, bool merge_stderr = true);

// One control-channel request to the device of the boot whose run directory
// is `run_dir` (`x710-cli ctl --run DIR REQUEST`): its reply line, or the
// reason there is none (e.g. the device is not up yet).
std::string ctl(const std::string& run_dir, const std::string& request);

// Polls the device of `run_dir` until a receive queue is enabled (the guest
// brought the interface up) or `timeout` passes; false then. For tests that
// act on the device from a second thread while the boot runs.
bool wait_for_rx_enabled(const std::string& run_dir, std::chrono::seconds timeout);

struct GuestRun {
  int exit_code = -1;
  std::string output;                              // the guest command's stdout
  std::map<std::string, std::string> sections;     // name -> text
  std::string section(const std::string& name) const;
};

// `extra_args` go before "--" (e.g. "--boots", "2"). The environment set by
// ./x710 (X710_CLI and friends) must be present; the run fails otherwise.
GuestRun run_guest(const std::string& script, const std::vector<std::string>& extra_args = {});

// Unpacks the files of the default guest's initramfs ($X710_GUEST_DIR/initrd.img)
// that match the cpio `pattern` (e.g. "lib/modules/*") into `into`; false if
// the guest is not there or cpio fails.
bool unpack_guest_initrd(const std::string& into, const std::string& pattern);

// Lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);

}  // namespace x710::test
