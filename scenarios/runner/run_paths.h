// The files of one run, all inside its run directory (--out, or a temp dir). One
// list so that the command builders, the session and the messages agree on names.
#pragma once

#include <string>

namespace x710 {

struct RunPaths {
  explicit RunPaths(std::string run_dir) : dir(std::move(run_dir)) {}

  std::string dir;
  std::string file(const char* name) const { return dir + "/" + name; }

  std::string console_log() const { return file("console.log"); }  // guest ttyS0
  std::string control_log() const { return file("control.log"); }  // guest ttyS1, raw
  std::string device_log() const { return file("device.log"); }    // x710-device
  std::string qemu_log() const { return file("qemu.log"); }        // QEMU's stderr
  std::string device_socket() const { return file("x710.sock"); }  // vfio-user
  std::string control_socket() const { return file("ctl.sock"); }  // ttyS1 <-> launcher
  std::string qmp_socket() const { return file("qmp.sock"); }      // for tools; unused here
  std::string device_control() const { return file("device.ctl"); }  // x710-device JSON control
};

}  // namespace x710
