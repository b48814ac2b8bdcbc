// HMC segment descriptors programmed as I40E_SET_PF_SD_ENTRY does, and FPM
// address translation for direct and paged segments.
#include <gtest/gtest.h>

#include "fake_guest_memory.h"
#include "hmc.h"
#include "register_file.h"
#include "registers.h"

namespace x710 {
namespace {

constexpr uint64_t kBase = 0x100000;

// I40E_SET_PF_SD_ENTRY: SDDATAHIGH, SDDATALOW (address | BPCOUNT 512 |
// type | valid), then SDCMD with PMSDWR and the index.
void set_sd(RegisterFile& regs, Hmc& hmc, uint32_t index, uint64_t pa, bool direct) {
  regs.write(reg::PFHMC_SDDATAHIGH, static_cast<uint32_t>(pa >> 32));
  regs.write(reg::PFHMC_SDDATALOW,
             static_cast<uint32_t>(pa & 0xFFFFF000u) | (512u << 2) | (direct ? 2u : 0u) | 1u);
  hmc.on_sdcmd_write(reg::PFHMC_SDCMD_PMSDWR | index);
}

TEST(Hmc, DirectSegmentTranslatesLinearly) {
  RegisterFile regs;
  test::FakeGuestMemory mem(kBase, 1 << 20);
  Hmc hmc(regs, mem);
  set_sd(regs, hmc, 0, kBase + 0x10000, true);
  uint64_t gpa = 0;
  ASSERT_TRUE(hmc.translate(0x1234, gpa));
  EXPECT_EQ(gpa, kBase + 0x10000 + 0x1234);
  EXPECT_TRUE(hmc.sd(0).valid);
  EXPECT_TRUE(hmc.sd(0).direct);
  EXPECT_EQ(hmc.sd(0).bp_count, 512u);
  // The next 2 MiB segment has no SD.
  EXPECT_FALSE(hmc.translate(Hmc::kSdSize, gpa));
}

TEST(Hmc, PagedSegmentWalksPageDescriptors) {
  RegisterFile regs;
  test::FakeGuestMemory mem(kBase, 1 << 20);
  Hmc hmc(regs, mem);
  const uint64_t pd_page = kBase + 0x4000;
  set_sd(regs, hmc, 1, pd_page, false);
  // PD 3 of segment 1 -> a backing page, valid bit set (i40e_add_pd_table_entry).
  mem.put<uint64_t>(pd_page + 3 * 8, (kBase + 0x9000) | 1);
  uint64_t gpa = 0;
  ASSERT_TRUE(hmc.translate(Hmc::kSdSize + 3 * 4096 + 0x20, gpa));
  EXPECT_EQ(gpa, kBase + 0x9000 + 0x20);
  // PD 4 is not valid.
  EXPECT_FALSE(hmc.translate(Hmc::kSdSize + 4 * 4096, gpa));
}

TEST(Hmc, ReadObjectAcrossPagedBoundary) {
  RegisterFile regs;
  test::FakeGuestMemory mem(kBase, 1 << 20);
  Hmc hmc(regs, mem);
  const uint64_t pd_page = kBase;
  set_sd(regs, hmc, 0, pd_page, false);
  mem.put<uint64_t>(pd_page + 0, (kBase + 0x20000) | 1);
  mem.put<uint64_t>(pd_page + 8, (kBase + 0x50000) | 1);  // not contiguous
  mem.put<uint32_t>(kBase + 0x20000 + 4092, 0x11223344);
  mem.put<uint32_t>(kBase + 0x50000, 0x55667788);
  uint32_t both[2];
  ASSERT_TRUE(hmc.read_object(4092, both, sizeof both));
  EXPECT_EQ(both[0], 0x11223344u);
  EXPECT_EQ(both[1], 0x55667788u);
}

TEST(Hmc, ClearedOrWildEntriesFailCleanly) {
  RegisterFile regs;
  test::FakeGuestMemory mem(kBase, 1 << 20);
  Hmc hmc(regs, mem);
  set_sd(regs, hmc, 0, kBase, true);
  // I40E_CLEAR_PF_SD_ENTRY: valid bit off.
  regs.write(reg::PFHMC_SDDATAHIGH, 0);
  regs.write(reg::PFHMC_SDDATALOW, 2u);
  hmc.on_sdcmd_write(reg::PFHMC_SDCMD_PMSDWR | 0);
  uint64_t gpa;
  EXPECT_FALSE(hmc.translate(0, gpa));
  // A direct SD pointing outside guest memory translates, but reading fails.
  set_sd(regs, hmc, 0, 0xFFFFFFFF000ull, true);
  uint8_t buf[32];
  EXPECT_FALSE(hmc.read_object(0, buf, sizeof buf));
  // FPM addresses beyond the SD table.
  EXPECT_FALSE(hmc.translate(~0ull, gpa));
  // A paged SD whose PD page is outside memory.
  set_sd(regs, hmc, 2, 0x7FFFF000ull, false);
  EXPECT_FALSE(hmc.translate(2 * Hmc::kSdSize, gpa));
}

TEST(Hmc, SdcmdReadBackAndContextAddresses) {
  RegisterFile regs;
  test::FakeGuestMemory mem(kBase, 1 << 20);
  Hmc hmc(regs, mem);
  set_sd(regs, hmc, 5, 0x1'2345'6000ull, true);
  regs.write(reg::PFHMC_SDDATALOW, 0);
  regs.write(reg::PFHMC_SDDATAHIGH, 0);
  hmc.on_sdcmd_write(5);  // read
  EXPECT_EQ(regs.read(reg::PFHMC_SDDATAHIGH), 0x1u);
  EXPECT_EQ(regs.read(reg::PFHMC_SDDATALOW), 0x23456000u | (512u << 2) | 3u);
  // GLHMC_LANTXBASE/RXBASE are in 512-byte units (i40e_configure_lan_hmc).
  regs.write(reg::GLHMC_LANTXBASE, 0);
  regs.write(reg::GLHMC_LANRXBASE, 16);  // 64 TX queues * 128 bytes / 512
  EXPECT_EQ(hmc.tx_context_fpm(0, 3), 3u * 128);
  EXPECT_EQ(hmc.rx_context_fpm(0, 3), 16u * 512 + 3 * 32);
}

}  // namespace
}  // namespace x710
