#include "boot_plan.h"

#include <unistd.h>

#include "environment.h"
#include "memory_size.h"
#include "user_guest.h"

namespace x710 {

namespace {

// --dry-run only prints command lines, so it does not insist that files exist.
void check_readable(const std::string& path, const std::string& what, bool dry_run) {
  if (!dry_run && ::access(path.c_str(), R_OK) != 0) throw InfraError(what + " not found: " + path);
}

void check_executable(const std::string& path, const std::string& variable, bool dry_run,
                      const std::string& hint = "") {
  if (!dry_run && ::access(path.c_str(), X_OK) != 0) {
    throw InfraError(variable + " is not an executable: " + path + hint);
  }
}

}  // namespace

std::string default_kernel(const std::string& guest_dir) {
  const std::string vmlinux = guest_dir + "/vmlinux";
  if (::access(vmlinux.c_str(), R_OK) == 0) return vmlinux;
  return guest_dir + "/vmlinuz";
}

std::optional<std::string> guest_command(const std::vector<std::string>& words) {
  if (words.empty()) return std::nullopt;
  std::string command;
  for (const auto& word : words) {
    if (!command.empty()) command += ' ';
    command += word;
  }
  return command;
}

BootPlan make_boot_plan(const BootOptions& options) {
  BootPlan plan;
  QemuPlan& q = plan.qemu;
  q.qemu = env::qemu();
  check_executable(q.qemu, "X710_QEMU", options.dry_run);
  q.firmware_dirs = env::firmware_dirs();
  // Only look up the default guest when an override does not replace it. A
  // user kernel or i40e.ko without an explicit initrd gets our /init (and the
  // modules) packed by guest-images/build.sh.
  if ((!options.kernel.empty() || !options.i40e.empty()) && options.initrd.empty() && !options.dry_run) {
    const std::string dir = build_user_guest(options.kernel, options.modules, options.i40e);
    q.kernel = default_kernel(dir);
    q.initrd = dir + "/initrd.img";
  } else {
    q.kernel = options.kernel.empty() ? default_kernel(env::guest_dir()) : options.kernel;
    q.initrd = options.initrd.empty() ? env::guest_dir() + "/initrd.img" : options.initrd;
  }
  check_readable(q.kernel, "kernel", options.dry_run);
  check_readable(q.initrd, "initrd", options.dry_run);
  q.extra_append = options.append;
  // The CLI already rejected malformed sizes; value_or keeps this total.
  q.memory_bytes = parse_memory_size(options.memory).value_or(1ull << 30);
  q.cpus = options.cpus;
  q.with_device = !options.no_device;
  q.extra_args = options.qemu_args;

  if (!options.no_device) {
    DevicePlan device;
    device.device = env::device();
    check_executable(device.device, "X710_DEVICE", options.dry_run,
                     " (--no-device boots without it)");
    device.mac = options.mac;
    device.extra_args = options.device_args;
    plan.device = std::move(device);
  }
  plan.command = guest_command(options.command);
  return plan;
}

}  // namespace x710
