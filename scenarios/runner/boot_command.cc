#include "boot_command.h"

#include <cctype>
#include <memory>

#include "boot_run.h"
#include "memory_size.h"
#include "outcome.h"

namespace x710 {

namespace {

bool valid_mac(const std::string& mac) {
  if (mac.size() != 17) return false;
  for (size_t i = 0; i < mac.size(); ++i) {
    const bool colon = i % 3 == 2;
    if (colon ? mac[i] != ':' : !std::isxdigit(static_cast<unsigned char>(mac[i]))) return false;
  }
  return true;
}

// CLI11's PositiveNumber prints the range up to DBL_MAX in full; say it plainly.
CLI::Validator positive() {
  return CLI::Validator(
      [](std::string& value) {
        double number = 0;
        return CLI::detail::lexical_cast(value, number) && number > 0
                   ? std::string()
                   : "must be a positive number: " + value;
      },
      "");
}

void register_options(CLI::App& boot, BootOptions& o) {
  auto* kernel = boot.add_option("--kernel", o.kernel,
                                 "Your kernel (bzImage or vmlinux) instead of the default guest's; "
                                 "packed with our /init by guest-images/build.sh")
                     ->check(CLI::Validator(CLI::ExistingFile).description(""))
                     ->type_name("FILE");
  boot.add_option("--modules", o.modules,
                  "Module tree for --kernel (lib/modules/RELEASE or a dir holding it) with i40e.ko; "
                  "omit when i40e is built in")
      ->check(CLI::Validator(CLI::ExistingDirectory).description(""))
      ->needs(kernel)
      ->type_name("DIR");
  auto* initrd = boot.add_option("--initrd", o.initrd, "Initramfs instead of the default guest's")
                     ->check(CLI::Validator(CLI::ExistingFile).description(""))
                     ->type_name("FILE");
  boot.add_option("--i40e", o.i40e,
                  "An i40e.ko (e.g. your patched driver) instead of the guest kernel's own; built against that "
                  "kernel (the default guest's, or --kernel with --modules)")
      ->check(CLI::Validator(CLI::ExistingFile).description(""))
      ->excludes(initrd)
      ->type_name("FILE");
  boot.add_option("--append", o.append, "Extra kernel command line (repeatable)")
      ->allow_extra_args(false)
      ->type_name("STR");
  boot.add_option("--memory", o.memory, "Guest RAM, as for QEMU's -m (1G, 512M)")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& size) {
            return parse_memory_size(size) ? std::string() : "not a size in MiB: " + size;
          },
          ""))
      ->type_name("SIZE");
  boot.add_option("--cpus", o.cpus, "Guest CPUs")
      ->capture_default_str()
      ->check(positive())
      ->type_name("N");
  boot.add_option("--accel", o.accel, "auto: KVM if it boots guests here, else TCG")
      ->capture_default_str()
      ->check(CLI::Validator(CLI::IsMember({"auto", "tcg", "kvm"})).description(""))
      ->type_name("auto|tcg|kvm");
  boot.add_option("--boots", o.boots,
                  "Boots allowed: a command that reboots the guest (reboot -f) gets the "
                  "same command again, with X710_BOOT=2, 3, ...")
      ->capture_default_str()
      ->check(positive())
      ->type_name("N");
  boot.add_option("--timeout", o.timeout_seconds, "Seconds for the whole run")
      ->capture_default_str()
      ->check(positive())
      ->type_name("SECONDS");
  boot.add_option("--out", o.out_dir,
                  "Run directory (console.log, device.log, qemu.log, control.log, sockets); "
                  "default: a temp dir, removed unless the run fails or --keep")
      ->type_name("DIR");
  boot.add_flag("--keep", o.keep, "Keep the temp run directory and print its path");
  boot.add_flag("-v,--verbose", o.verbose, "Show progress and stream the kernel console to stderr");
  boot.add_flag("--no-device", o.no_device, "Boot without the X710 (baseline for timing)");
  boot.add_option("--mac", o.mac, "The X710's MAC address (xx:xx:xx:xx:xx:xx)")
      ->check(CLI::Validator(
          [](std::string& mac) { return valid_mac(mac) ? std::string() : "bad MAC: " + mac; },
          ""))
      ->type_name("MAC");
  boot.add_option("--device-arg", o.device_args,
                  "Extra x710-device argument (repeatable; --device-arg=-x for dashes)")
      ->allow_extra_args(false)
      ->type_name("ARG");
  boot.add_option("--qemu-arg", o.qemu_args,
                  "Extra QEMU argument, appended last (repeatable; --qemu-arg=-x for dashes)")
      ->allow_extra_args(false)
      ->type_name("ARG");
  boot.add_flag("--dry-run", o.dry_run, "Print the device and QEMU command lines and exit");
  boot.add_option("CMD", o.command,
                  "Shell command to run in the guest, after --; none: interactive shell")
      ->type_name("");
}

}  // namespace

Command add_boot_command(CLI::App& parent) {
  auto options = std::make_shared<BootOptions>();
  CLI::App* boot = parent.add_subcommand(
      "boot", "Boot the guest with the emulated X710 attached and run CMD in it");
  register_options(*boot, *options);
  boot->footer(
      "Without CMD: an interactive shell on the guest's control port (Ctrl-] quits).\n"
      "Launcher messages go to stderr; stdout carries only the command's output.\n\n" +
      exit_code_help());
  return {boot, [options] { return run_boot(*options); }};
}

}  // namespace x710
