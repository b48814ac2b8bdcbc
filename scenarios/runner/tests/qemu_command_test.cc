#include "qemu_command.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace x710 {
namespace {

// The word after `flag` (first occurrence), or "" if absent.
std::string after(const std::vector<std::string>& argv, const std::string& flag, int nth = 0) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == flag && nth-- == 0) return argv[i + 1];
  }
  return "";
}

bool contains(const std::vector<std::string>& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}

QemuPlan sample_plan() {
  QemuPlan plan;
  plan.qemu = "/opt/qemu/bin/qemu-system-x86_64";
  plan.firmware_dirs = {"/usr/share/seabios", "/usr/share/qemu"};
  plan.kernel = "/g/vmlinuz";
  plan.initrd = "/g/initrd.img";
  plan.memory_bytes = 1ull << 30;
  plan.cpus = 2;
  return plan;
}

TEST(QemuCommand, SharedMemoryOfTheSameSizeAsRam) {
  const auto argv = qemu_argv(sample_plan(), RunPaths("/run"));
  EXPECT_EQ(argv[0], "/opt/qemu/bin/qemu-system-x86_64");
  EXPECT_EQ(after(argv, "-machine"), "pc,accel=tcg,memory-backend=mem");
  EXPECT_EQ(after(argv, "-object"), "memory-backend-memfd,id=mem,size=1073741824,share=on");
  EXPECT_EQ(after(argv, "-m"), "1024M");
  EXPECT_EQ(after(argv, "-smp"), "2");
  EXPECT_EQ(after(argv, "-cpu"), "max");
}

TEST(QemuCommand, KvmUsesTheHostCpu) {
  QemuPlan plan = sample_plan();
  plan.accel = Accel::kvm;
  const auto argv = qemu_argv(plan, RunPaths("/run"));
  EXPECT_EQ(after(argv, "-machine"), "pc,accel=kvm,memory-backend=mem");
  EXPECT_EQ(after(argv, "-cpu"), "host");
}

TEST(QemuCommand, FirmwareKernelAndCommandLine) {
  QemuPlan plan = sample_plan();
  plan.extra_append = {"i40e.debug=1", "quiet"};
  const auto argv = qemu_argv(plan, RunPaths("/run"));
  EXPECT_EQ(after(argv, "-L", 0), "/usr/share/seabios");
  EXPECT_EQ(after(argv, "-L", 1), "/usr/share/qemu");
  EXPECT_EQ(after(argv, "-kernel"), "/g/vmlinuz");
  EXPECT_EQ(after(argv, "-initrd"), "/g/initrd.img");
  EXPECT_EQ(after(argv, "-append"), "console=ttyS0 panic=-1 cryptomgr.notests i40e.debug=1 quiet");
  EXPECT_TRUE(contains(argv, "-nodefaults"));
  EXPECT_FALSE(contains(argv, "-no-reboot"));  // --boots needs guest reboots
}

TEST(QemuCommand, ConsoleIsTtyS0AndControlPortTtyS1) {
  const auto argv = qemu_argv(sample_plan(), RunPaths("/run"));
  EXPECT_EQ(after(argv, "-chardev", 0), "file,id=con,path=/run/console.log");
  EXPECT_EQ(after(argv, "-serial", 0), "chardev:con");
  EXPECT_EQ(after(argv, "-chardev", 1), "socket,id=ctl,path=/run/ctl.sock,server=off");
  EXPECT_EQ(after(argv, "-serial", 1), "chardev:ctl");
  EXPECT_EQ(after(argv, "-chardev", 2), "socket,id=qmp,path=/run/qmp.sock,server=on,wait=off");
}

TEST(QemuCommand, CommasInPathsAreEscapedForQemu) {
  const auto argv = qemu_argv(sample_plan(), RunPaths("/a,b"));
  EXPECT_EQ(after(argv, "-chardev", 0), "file,id=con,path=/a,,b/console.log");
}

TEST(QemuCommand, DeviceAndPanicHandling) {
  const auto argv = qemu_argv(sample_plan(), RunPaths("/run"));
  EXPECT_EQ(after(argv, "-device", 0),
            R"({"driver":"vfio-user-pci","socket":{"path":"/run/x710.sock","type":"unix"}})");
  EXPECT_EQ(after(argv, "-device", 1), "pvpanic");
  EXPECT_EQ(after(argv, "-action"), "panic=none");
}

TEST(QemuCommand, NoDeviceBaselineAndExtraArgsLast) {
  QemuPlan plan = sample_plan();
  plan.with_device = false;
  plan.extra_args = {"-s", "-S"};
  const auto argv = qemu_argv(plan, RunPaths("/run"));
  EXPECT_EQ(after(argv, "-device", 0), "pvpanic");
  EXPECT_EQ(argv[argv.size() - 2], "-s");
  EXPECT_EQ(argv.back(), "-S");
}

TEST(QemuCommand, KernelCommandLineDefaults) {
  EXPECT_EQ(kernel_command_line({}), "console=ttyS0 panic=-1 cryptomgr.notests");
}

TEST(DeviceCommand, SocketLogMacAndExtraArgs) {
  DevicePlan plan{"/b/x710-device", "52:54:00:12:34:56", {"--trace"}};
  EXPECT_EQ(device_argv(plan, RunPaths("/run")),
            (std::vector<std::string>{"/b/x710-device", "--socket", "/run/x710.sock",
                                      "--log-file", "/run/device.log", "--control",
                                      "/run/device.ctl", "--mac",
                                      "52:54:00:12:34:56", "--trace"}));
  plan.mac.clear();
  EXPECT_FALSE(contains(device_argv(plan, RunPaths("/run")), "--mac"));
}

}  // namespace
}  // namespace x710
