// The options of `x710-cli boot`, as given on the command line (not yet checked
// against the environment).
#pragma once

#include <string>
#include <vector>

namespace x710 {

struct BootOptions {
  std::string kernel;                   // empty: $X710_GUEST_DIR/vmlinuz
  std::string modules;                  // with kernel: its module tree (i40e.ko)
  std::string i40e;                     // an i40e.ko replacing the guest kernel's own
  std::string initrd;                   // empty: $X710_GUEST_DIR/initrd.img
  std::vector<std::string> append;      // extra kernel command line words
  std::string memory = "1G";
  int cpus = 2;
  std::string accel = "auto";           // auto | tcg | kvm
  int boots = 1;
  double timeout_seconds = 300;
  std::string out_dir;                  // empty: a temp dir
  bool keep = false;
  bool verbose = false;
  bool no_device = false;
  std::string mac;                      // empty: the device's default
  std::vector<std::string> device_args;
  std::vector<std::string> qemu_args;
  bool dry_run = false;
  std::vector<std::string> command;     // empty: interactive shell
};

}  // namespace x710
