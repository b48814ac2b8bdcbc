// From `boot` options plus the X710_* environment to concrete command lines:
// which kernel, which device, how much memory. Checks what can be checked before
// anything starts (files exist, variables set), so mistakes surface as one clear
// message instead of a QEMU error.
#pragma once

#include <optional>
#include <string>

#include "boot_options.h"
#include "qemu_command.h"

namespace x710 {

struct BootPlan {
  QemuPlan qemu;
  std::optional<DevicePlan> device;  // nullopt with --no-device
  std::optional<std::string> command; // nullopt: interactive shell
};

// Throws InfraError (missing variable or file).
BootPlan make_boot_plan(const BootOptions& options);

// The guest directory's kernel: `vmlinux` when it is there, else `vmlinuz`. QEMU
// boots an uncompressed ELF vmlinux through its PVH entry point, which skips the
// real-mode setup and the XZ decompression of a bzImage: under TCG that halves
// the boot (measured: 8.5 s -> 4.3 s to init's HELLO for Debian's 6.1 kernel).
std::string default_kernel(const std::string& guest_dir);

// The guest command line from the words after "--", joined like virtme-ng does:
// `boot -- uname -r` and `boot -- 'uname -r'` both run "uname -r".
std::optional<std::string> guest_command(const std::vector<std::string>& words);

}  // namespace x710
