#include "qemu_command.h"

#include <nlohmann/json.hpp>

namespace x710 {

namespace {

// QEMU splits option values at commas; a literal comma in a path is written ",,".
std::string opt_escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    out += c;
    if (c == ',') out += ',';
  }
  return out;
}

}  // namespace

std::string_view accel_name(Accel accel) { return accel == Accel::kvm ? "kvm" : "tcg"; }

std::string kernel_command_line(const std::vector<std::string>& extra) {
  // console=ttyS0: kernel messages go to console.log (ttyS1 is the control port).
  // panic=-1: a panicking guest reboots at once instead of hanging; pvpanic and the
  //   console watch usually catch the panic before that, the reboot is the backstop.
  // cryptomgr.notests: the crypto self-tests cost ~0.3 s of every TCG boot and test
  //   nothing this test bed is about. No "quiet": the whole boot log stays in
  //   console.log for whoever debugs a run.
  std::string line = "console=ttyS0 panic=-1 cryptomgr.notests";
  for (const auto& word : extra) line += " " + word;
  return line;
}

std::vector<std::string> qemu_argv(const QemuPlan& plan, const RunPaths& paths) {
  const std::string mem_bytes = std::to_string(plan.memory_bytes);
  const std::string mem_mib = std::to_string(plan.memory_bytes >> 20) + "M";
  std::vector<std::string> argv = {plan.qemu};
  auto add = [&argv](std::initializer_list<std::string> words) {
    argv.insert(argv.end(), words.begin(), words.end());
  };

  // Guest RAM must be a shareable memfd: the vfio-user device process maps it to
  // do DMA. memory-backend= ties the machine's RAM to that object.
  add({"-machine", "pc,accel=" + std::string(accel_name(plan.accel)) + ",memory-backend=mem",
       "-object", "memory-backend-memfd,id=mem,size=" + mem_bytes + ",share=on",
       "-m", mem_mib,
       "-smp", std::to_string(plan.cpus),
       "-cpu", plan.accel == Accel::kvm ? "host" : "max"});
  // Nothing but what we ask for: no default NIC, VGA, config files or window.
  add({"-nodefaults", "-no-user-config", "-display", "none"});
  for (const auto& dir : plan.firmware_dirs) add({"-L", dir});
  add({"-kernel", plan.kernel, "-initrd", plan.initrd,
       "-append", kernel_command_line(plan.extra_append)});

  // ttyS0: the kernel console, written straight to a file by QEMU so that the log
  // survives whatever happens to the launcher.
  add({"-chardev", "file,id=con,path=" + opt_escape(paths.console_log()),
       "-serial", "chardev:con"});
  // ttyS1: the control port. The launcher listens on ctl.sock before QEMU starts and
  // QEMU connects as a client, so there is no window where either side waits for
  // the other to appear.
  add({"-chardev", "socket,id=ctl,path=" + opt_escape(paths.control_socket()) + ",server=off",
       "-serial", "chardev:ctl"});
  // QMP for tools that want to poke the running VM (the launcher does not need it).
  // The long form of -qmp unix:PATH,server=on,wait=off, because only -chardev
  // takes an escaped path.
  add({"-chardev",
       "socket,id=qmp,path=" + opt_escape(paths.qmp_socket()) + ",server=on,wait=off",
       "-mon", "chardev=qmp,mode=control"});

  if (plan.with_device) {
    // JSON syntax because the socket is a nested struct; built with a JSON library
    // so any path survives quoting.
    const nlohmann::json device = {
        {"driver", "vfio-user-pci"},
        {"socket", {{"type", "unix"}, {"path", paths.device_socket()}}},
    };
    add({"-device", device.dump()});
  }

  // pvpanic: the guest kernel reports its panic to QEMU as a QMP event
  // (GUEST_PANICKED) for tools watching qmp.sock. QEMU does nothing else: with
  // exit-failure it quit before the kernel had flushed the panic report to the
  // console (a double fault's "Kernel panic" line was lost that way), and the
  // launcher reads the report from the console anyway.
  add({"-device", "pvpanic", "-action", "panic=none"});
  // No -no-reboot: a command may `reboot -f` on purpose (--boots).

  argv.insert(argv.end(), plan.extra_args.begin(), plan.extra_args.end());
  return argv;
}

std::vector<std::string> device_argv(const DevicePlan& plan, const RunPaths& paths) {
  std::vector<std::string> argv = {plan.device, "--socket", paths.device_socket(),
                                   "--log-file", paths.device_log(), "--control", paths.device_control()};
  if (!plan.mac.empty()) {
    argv.push_back("--mac");
    argv.push_back(plan.mac);
  }
  argv.insert(argv.end(), plan.extra_args.begin(), plan.extra_args.end());
  return argv;
}

}  // namespace x710
