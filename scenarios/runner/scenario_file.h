// Reads a scenario (scenario.h) from a TOML file under scenarios/ and applies
// `--set key=value` overrides to it.
//
// The format, every key with its default and its allowed values:
//
//   description = "text"          # required
//   expect = "reproduced"         # required: reproduced | clean (a run may end in
//                                 # hang or error, but a scenario cannot expect them)
//   boots = 3                     # 1..1000, default 1
//   boot_timeout = "180s"         # duration, default 180s: the limit for one boot
//   hang_timeout = "60s"          # duration, default 60s: a console silent this long
//                                 # is a hang; at most boot_timeout
//   [guest]
//   append = ["page_poison=1"]    # kernel command line words: non-empty, no blanks
//   memory = "1G"                 # as QEMU's -m: "1G", "512M", 2048 (MiB); default 1G
//   cpus = 2                      # 1..64, default 2
//   [device]
//   rx_disable_latency = "1s"     # latency_model.h: "50ms", "uniform:100ms:1s", ...; default 0
//   tx_disable_latency = "0"      # same
//   disable_seed = 1              # integer >= 0, seeds the random latency forms
//   rx_enable_cancels_disable = true
//   rx_desc_cache = 64            # 1..512
//   queues = 2                    # 1..64, or 0 (the default): the device's own default
//   [traffic]                     # the device's flood; absent, or pps = 0: no flood
//   pps = 60000                   # 0..100000000, or "unlimited" (as fast as it can)
//   size = 64                     # bytes, 60..9018
//   flows = 64                    # 1..65536
//   [[steps]]                     # what the guest does on every boot, in order; at least one
//   do = "up"                     # the action, then only the keys it takes:
//     up, down, reload, reboot    #   none; "reboot" may only be the last step
//     wait_traffic                #   packets (>= 1, required), timeout (duration, default 30s)
//     down_up                     #   count (1..1000, default 1), pause (duration, default 0)
//     mtu                         #   value (68..9702, required)
//     channels                    #   value (1..64, required)
//     churn                       #   duration (> 0, required), parallel (1..64, default 4)
//     sleep                       #   duration (required)
//
// Durations are a string with a unit, ns, us, ms, s or m ("250ms", "1.5s",
// "2m"), or a plain number of seconds (90, 0.5). None may be negative; the
// timeouts and a churn's duration must be above 0.
//
// Overrides: `--set KEY=VALUE` with KEY a dotted path (boots, device.queues,
// traffic.pps, guest.append, ...; not steps). VALUE is read as a TOML value
// (3, true, ["a", "b"], "text"); when it is not one, or the key takes text
// (description, expect, guest.memory, the latencies), it is the text as
// written, so `--set device.rx_disable_latency=500ms` needs no quotes. They
// apply in order (a later one of the same key wins) before anything is checked,
// so an overridden value is checked like one from the file.
//
// Messages: every mistake is a ScenarioError saying where it is
// ("FILE:LINE:COLUMN", or "--set KEY=VALUE" for an overridden value), the
// key's full path ("device.rx_disable_latency", "steps[2].value"; steps count
// from 1 in file order), what was expected and what was found.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "scenario.h"

namespace x710 {

// Thrown for every user mistake; what() is the full message.
struct ScenarioError : std::runtime_error {
  using runtime_error::runtime_error;
};

// "field-report" -> ROOT/scenarios/field-report.toml; anything containing '/'
// or ending in .toml is a path. Throws ScenarioError naming what was asked
// for, and listing the scenarios under ROOT/scenarios, when there is no such
// file.
std::string find_scenario_file(const std::string& name_or_path, const std::string& root);

// Reads PATH, applies OVERRIDES ("key=value", in order), checks everything and
// returns the scenario; name is the file's stem, path is PATH.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});

// The same from TEXT; PATH names it in messages and gives the name.
Scenario parse_scenario(std::string_view text, const std::string& path, const std::vector<std::string>& overrides = {});

// The names (stems) of ROOT/scenarios/*.toml, sorted; empty if there is no such
// directory.
std::vector<std::string> list_scenarios(const std::string& root);

}  // namespace x710
