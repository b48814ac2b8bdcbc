// A scenario: one repeatable reproduction attempt, read from a TOML file under
// scenarios/ (see scenarios/README.md for the format). It says how the device
// misbehaves, what traffic it offers, what the guest does on every boot, which
// kernel command line to add, and which verdict the run should end with.
//
// This header is the data model only; scenario_file.h reads it from TOML and
// applies `--set key=value` overrides, and guest_script.h turns the steps into
// the shell script the guest's init runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace x710 {

// The single answer of a run (`./x710 run`).
enum class Verdict {
  reproduced,  // the guest's console showed a crash or a corruption report
  clean,       // every boot ran its steps to the end without one
  hang,        // the console made no progress within the hang timeout
  error,       // the device, QEMU or the set-up failed: nothing is known
};
const char* verdict_name(Verdict v);
std::optional<Verdict> parse_verdict(const std::string& text);  // "reproduced", ...

// One thing the guest does, in order, on every boot.
struct GuestStep {
  enum class Action {
    up,            // ip link set IF up (and wait for the carrier)
    wait_traffic,  // until rx_packets grew by `packets`, at most `seconds`
    down,          // ip link set IF down
    down_up,       // `count` times: down, `pause_seconds`, up (the field report's boot script)
    mtu,           // ip link set IF mtu `value`
    channels,      // ethtool -L IF combined `value`
    reload,        // rmmod i40e; insmod i40e.ko; find the interface again
    churn,         // `seconds` of short-lived processes, `parallel` at a time (a booting system)
    sleep,         // sleep `seconds`
    reboot,        // reboot -f: the next boot starts (only as the last step)
  };
  Action action = Action::up;
  uint64_t packets = 0;        // wait_traffic
  double seconds = 30;         // wait_traffic (limit, default 30), churn, sleep
  double pause_seconds = 0;    // down_up: between down and up
  uint32_t count = 1;          // down_up
  uint32_t value = 0;          // mtu, channels
  uint32_t parallel = 4;       // churn
  int line = 0;                // where it was defined, for messages
};
const char* step_action_name(GuestStep::Action a);

// The x710-device knobs a scenario may set; each maps to one device option.
struct DeviceKnobs {
  std::string rx_disable_latency = "0";     // --rx-disable-latency (latency_model.h syntax)
  std::string tx_disable_latency = "0";     // --tx-disable-latency
  uint64_t disable_seed = 1;                // --disable-seed (random latency forms)
  bool rx_enable_cancels_disable = true;    // false: --rx-enable-keeps-disable
  uint32_t rx_desc_cache = 64;              // --rx-desc-cache
  uint32_t queues = 0;                      // --queues; 0: the device's default
};

// The device's flood (--flood-pps/--flood-size/--flood-flows).
struct Traffic {
  uint64_t pps = 0;          // 0: no flood at all (not "as fast as possible" here:
                             // a scenario asks for that with pps = "unlimited")
  bool unlimited = false;    // --flood-pps=0
  uint32_t size = 64;        // bytes on the wire, 60..9018 without FCS handled by the device
  uint32_t flows = 64;
};

struct Scenario {
  std::string name;          // file name without .toml
  std::string path;          // the file it came from
  std::string description;
  Verdict expect = Verdict::clean;
  uint32_t boots = 1;              // boots to run before the verdict is "clean"
  double boot_timeout_s = 180;     // one boot, HELLO to the end of its steps
  double hang_timeout_s = 60;      // console silent this long: "hang"
  // Guest.
  std::vector<std::string> append;  // extra kernel command line words
  std::string memory = "1G";
  uint32_t cpus = 2;
  DeviceKnobs device;
  Traffic traffic;
  std::vector<GuestStep> steps;
};

}  // namespace x710
