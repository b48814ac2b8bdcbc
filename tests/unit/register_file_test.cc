// Register map semantics: storage, read-only, write-1-to-clear,
// clear-on-read, hooks, strided blocks, reset values, overlap rejection.
#include <gtest/gtest.h>

#include "register_file.h"

namespace x710 {
namespace {

TEST(RegisterFile, UnlistedOffsetsAreStorage) {
  RegisterFile regs;
  regs.write(0x1234, 0xdeadbeef);
  EXPECT_EQ(regs.read(0x1234), 0xdeadbeefu);
}

TEST(RegisterFile, UnalignedAndOutOfRangeAccessesAreHarmless) {
  RegisterFile regs;
  regs.write(0x1235, 1);
  EXPECT_EQ(regs.read(0x1235), 0u);
  regs.write(RegisterFile::kSize, 1);
  EXPECT_EQ(regs.read(RegisterFile::kSize), 0u);
  regs.write(0xFFFFFFFC, 1);
  EXPECT_EQ(regs.read(0xFFFFFFFC), 0u);
}

TEST(RegisterFile, ReadOnlyIgnoresGuestWritesButKeepsResetValue) {
  RegisterFile regs;
  ASSERT_TRUE(regs.add({.name = "RO", .base = 0x100, .kind = RegKind::read_only, .reset_value = 0x18}));
  regs.reset();
  regs.write(0x100, 0);
  EXPECT_EQ(regs.read(0x100), 0x18u);
  regs.raw(0x100) = 7;  // the device itself may change it
  EXPECT_EQ(regs.read(0x100), 7u);
}

TEST(RegisterFile, WriteOneToClear) {
  RegisterFile regs;
  ASSERT_TRUE(regs.add({.name = "W1C", .base = 0x200, .kind = RegKind::write_1_clear}));
  regs.raw(0x200) = 0xF0;
  regs.write(0x200, 0x30);
  EXPECT_EQ(regs.read(0x200), 0xC0u);
}

TEST(RegisterFile, ClearOnRead) {
  RegisterFile regs;
  ASSERT_TRUE(regs.add({.name = "ICR", .base = 0x300, .kind = RegKind::clear_on_read}));
  regs.raw(0x300) = 0x41;
  EXPECT_EQ(regs.read(0x300), 0x41u);
  EXPECT_EQ(regs.read(0x300), 0u);
  regs.write(0x300, 0xFF);  // guest writes do not set causes
  EXPECT_EQ(regs.read(0x300), 0u);
}

TEST(RegisterFile, StridedBlockPassesIndexToHooks) {
  RegisterFile regs;
  uint32_t last_index = 99, last_old = 99, last_next = 99;
  ASSERT_TRUE(regs.add({.name = "Q", .base = 0x10000, .count = 8, .stride = 0x80,
                        .on_read = [](uint32_t i, uint32_t stored) { return stored + i; },
                        .on_write = [&](uint32_t i, uint32_t old, uint32_t next) {
                          last_index = i;
                          last_old = old;
                          last_next = next;
                          return next * 2;
                        }}));
  regs.write(0x10000 + 3 * 0x80, 5);
  EXPECT_EQ(last_index, 3u);
  EXPECT_EQ(last_old, 0u);
  EXPECT_EQ(last_next, 5u);
  EXPECT_EQ(regs.raw_value(0x10000 + 3 * 0x80), 10u);
  EXPECT_EQ(regs.read(0x10000 + 3 * 0x80), 13u);
  // Between the strided elements is plain storage.
  regs.write(0x10004, 42);
  EXPECT_EQ(last_index, 3u);
  EXPECT_EQ(regs.read(0x10004), 42u);
}

TEST(RegisterFile, InterleavedStridedBlocksDoNotCollide) {
  // PFINT_ITRN(k, i) style: three blocks 2048 bytes apart, stride 4.
  RegisterFile regs;
  for (uint32_t k = 0; k < 3; ++k) {
    ASSERT_TRUE(regs.add({.name = "ITRN", .base = 0x30000 + 2048 * k, .count = 512, .stride = 4,
                          .kind = RegKind::read_only, .reset_value = k + 1}));
  }
  regs.reset();
  EXPECT_EQ(regs.read(0x30000), 1u);
  EXPECT_EQ(regs.read(0x30000 + 2048 + 4), 2u);
  EXPECT_EQ(regs.read(0x30000 + 4096 + 2044), 3u);
}

TEST(RegisterFile, RejectsOverlapsAndBadBlocks) {
  RegisterFile regs;
  ASSERT_TRUE(regs.add({.name = "A", .base = 0x400, .count = 4}));
  EXPECT_FALSE(regs.add({.name = "B", .base = 0x408}));
  EXPECT_FALSE(regs.add({.name = "C", .base = 0x402}));
  EXPECT_FALSE(regs.add({.name = "D", .base = 0x500, .count = 0}));
  EXPECT_FALSE(regs.add({.name = "E", .base = RegisterFile::kSize - 4, .count = 2}));
  uint32_t index = 0;
  const RegisterBlock* b = regs.find(0x40C, &index);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->name, "A");
  EXPECT_EQ(index, 3u);
  EXPECT_EQ(regs.find(0x410), nullptr);
}

TEST(RegisterFile, ResetRestoresPowerOnValues) {
  RegisterFile regs;
  ASSERT_TRUE(regs.add({.name = "R", .base = 0x600, .reset_value = 0x80000000}));
  regs.write(0x600, 1);
  regs.write(0x700, 1);
  regs.reset();
  EXPECT_EQ(regs.read(0x600), 0x80000000u);
  EXPECT_EQ(regs.read(0x700), 0u);
}

}  // namespace
}  // namespace x710
