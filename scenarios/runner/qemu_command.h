// The two command lines of a run: x710-device's and QEMU's. Pure functions of the
// options, unit tested; --dry-run prints exactly what these return.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "run_paths.h"

namespace x710 {

enum class Accel { tcg, kvm };
std::string_view accel_name(Accel accel);

struct QemuPlan {
  std::string qemu;                        // qemu-system-x86_64 with vfio-user-pci
  std::vector<std::string> firmware_dirs;  // each becomes -L DIR
  std::string kernel;
  std::string initrd;
  std::vector<std::string> extra_append;   // --append, after ours
  uint64_t memory_bytes = 1ull << 30;
  int cpus = 2;
  Accel accel = Accel::tcg;
  bool with_device = true;                 // false: --no-device baseline
  std::vector<std::string> extra_args;     // --qemu-arg, appended last
};

struct DevicePlan {
  std::string device;                      // the x710-device binary
  std::string mac;                         // empty: the device's default
  std::vector<std::string> extra_args;     // --device-arg
};

// "console=ttyS0 panic=-1 ..." followed by the user's --append words.
std::string kernel_command_line(const std::vector<std::string>& extra);

std::vector<std::string> qemu_argv(const QemuPlan& plan, const RunPaths& paths);
std::vector<std::string> device_argv(const DevicePlan& plan, const RunPaths& paths);

}  // namespace x710
