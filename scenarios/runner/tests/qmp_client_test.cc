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
