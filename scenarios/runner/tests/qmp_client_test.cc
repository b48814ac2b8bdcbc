#include "qmp_client.h"

#include <gtest/gtest.h>

namespace x710 {
namespace {

// The shape of QEMU 10.2's "info registers -a" for an x86-64 guest, cut down.
const char* kTwoCpus =
    "\r\nCPU#0\r\n"
    "RAX=0000000000000006 RBX=0000000000000006 RCX=0000000000000006 RDX=0000000000000006\r\n"
    "RIP=ffffffff81a48575 RFL=00000083 [--S---C] CPL=0 II=0 A20=1 SMM=0 HLT=0\r\n"
    "CR0=80050033 CR2=ffff88803e61fb80 CR3=000000000645a000 CR4=00750ef0\r\n"
    "\r\nCPU#1\r\n"
    "RIP=ffffffff81c0166e RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1\r\n"
    "CR0=80050033 CR2=00007f0139bcf011 CR3=0000000002a0e000 CR4=00750ef0\r\n";

TEST(QmpRegisters, OneLinePerCpuWithWhereItIsAndWhatFaulted) {
  EXPECT_EQ(summarize_registers(kTwoCpus),
            "CPU#0 RIP=ffffffff81a48575 CPL=0 HLT=0 CR2=ffff88803e61fb80\n"
            "CPU#1 RIP=ffffffff81c0166e CPL=0 HLT=1 CR2=00007f0139bcf011\n");
}

TEST(QmpRegisters, NothingRecognisableGivesNothing) {
  EXPECT_EQ(summarize_registers("unknown command"), "");
}

TEST(QmpRegisters, NoQemuNoAnswer) {
  EXPECT_FALSE(qmp_human_command("/nonexistent/qmp.sock", "info registers -a").has_value());
}

}  // namespace
}  // namespace x710

namespace x710 {
namespace {

const char* kLoopSecond =
    "CPU#0\r\nRIP=ffffffff81c01500 RFL=00000083 [--S---C] CPL=0 II=0 A20=1 SMM=0 HLT=0\r\n"
    "CR0=80050033 CR2=ffff88803e61fb80 CR3=000000000645a000 CR4=00750ef0\r\n"
    "CPU#1\r\nRIP=ffffffff81a5a170 RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=0\r\n"
    "CR0=80050033 CR2=000055d5679f4008 CR3=0000000002a0e000 CR4=00750ef0\r\n";

TEST(QmpRegisters, ParsedPerCpu) {
  const auto cpus = parse_registers(kTwoCpus);
  ASSERT_EQ(cpus.size(), 2u);
  EXPECT_EQ(cpus[0].cpu, 0);
  EXPECT_EQ(cpus[0].rip, 0xffffffff81a48575ull);
  EXPECT_EQ(cpus[0].cr2, 0xffff88803e61fb80ull);
  EXPECT_EQ(cpus[0].cpl, 0);
  EXPECT_FALSE(cpus[0].halted);
  EXPECT_EQ(cpus[1].cpu, 1);
  EXPECT_TRUE(cpus[1].halted);
}

TEST(QmpRegisters, ASilentKernelFaultIsAKernelAddressFaultInBothSamples) {
  const auto first = parse_registers(kTwoCpus);
  const auto second = parse_registers(kLoopSecond);
  const auto loop = kernel_fault_loop(first, second);
  ASSERT_TRUE(loop.has_value());
  EXPECT_EQ(loop->cpu, 0);
  EXPECT_EQ(loop->cr2, 0xffff88803e61fb80ull);
}

TEST(QmpRegisters, IdleOrUserFaultingGuestsAreNoSilentFault) {
  // CPU#1 is halted in the first sample and faults on a user address in the
  // second; CPU#0 faulted on a user address last in the second sample.
  const auto first = parse_registers(kTwoCpus);
  auto second = parse_registers(kLoopSecond);
  second[0].cr2 = 0x00007ffcae311eb0ull;
  EXPECT_FALSE(kernel_fault_loop(first, second).has_value());
  second[0].cr2 = 0xfffffe0000043ff8ull;  // another kernel address: still a silent fault
  EXPECT_TRUE(kernel_fault_loop(first, second).has_value());
  second[0].halted = true;
  EXPECT_FALSE(kernel_fault_loop(first, second).has_value());
  second[0].halted = false;
  second[0].cpl = 3;
  EXPECT_FALSE(kernel_fault_loop(first, second).has_value());
}

}  // namespace
}  // namespace x710
