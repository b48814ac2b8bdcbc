// DmaMemory, the transport's view of guest RAM: a DMA succeeds only inside
// one region QEMU mapped, and the receive path's prefetch hint never touches
// what does not resolve (the guest chooses the addresses).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "dma_memory.h"

namespace x710 {
namespace {

struct DmaFixture : ::testing::Test {
  std::vector<uint8_t> low = std::vector<uint8_t>(0x1000, 0);
  std::vector<uint8_t> high = std::vector<uint8_t>(0x2000, 0);
  DmaMemory mem;
  void SetUp() override {
    // Out of order, as QEMU may announce them; a ROM area without a file.
    mem.add_region(0x100000, high.size(), high.data());
    mem.add_region(0x0, low.size(), low.data());
    mem.add_region(0xC0000, 0x20000, nullptr);
  }
};

TEST_F(DmaFixture, ReadsAndWritesLandInTheRightRegion) {
  EXPECT_EQ(mem.region_count(), 2u);
  const uint32_t v = 0xA5A5F00D;
  ASSERT_TRUE(mem.write(0x100010, &v, sizeof v));
  uint32_t back = 0;
  ASSERT_TRUE(mem.read(0x100010, &back, sizeof back));
  EXPECT_EQ(back, v);
  EXPECT_EQ(std::memcmp(high.data() + 0x10, &v, sizeof v), 0);
  ASSERT_TRUE(mem.write(0xFFC, &v, sizeof v));  // the last bytes of the low region
  EXPECT_EQ(std::memcmp(low.data() + 0xFFC, &v, sizeof v), 0);
}

TEST_F(DmaFixture, AccessesOutsideOrAcrossRegionsFailAndTouchNothing) {
  const std::vector<uint8_t> before_low = low, before_high = high;
  const uint64_t v = ~0ull;
  EXPECT_FALSE(mem.write(0xFFC, &v, sizeof v)) << "runs off the end of the low region";
  EXPECT_FALSE(mem.write(0x1000, &v, sizeof v)) << "the gap between regions";
  EXPECT_FALSE(mem.write(0xC0000, &v, sizeof v)) << "a region without shared memory";
  EXPECT_FALSE(mem.write(0x101FFC, &v, sizeof v)) << "runs off the end of the high region";
  EXPECT_FALSE(mem.write(~0ull - 3, &v, sizeof v)) << "wraps around the address space";
  uint64_t r = 0;
  EXPECT_FALSE(mem.read(0xFFFFFFFF000ull, &r, sizeof r));
  EXPECT_EQ(low, before_low);
  EXPECT_EQ(high, before_high);
  mem.remove_region(0x100000);
  EXPECT_FALSE(mem.read(0x100010, &r, sizeof r)) << "an unmapped region is gone";
}

TEST_F(DmaFixture, PrefetchHintsAreHarmlessAnywhere) {
  // Guest-chosen addresses: mapped, unmapped, across regions, wrapping. The
  // hint changes nothing a later read could see.
  const std::vector<uint8_t> before_low = low, before_high = high;
  for (uint64_t gpa : {0x0ull, 0xFC0ull, 0x1000ull, 0xC0000ull, 0x100000ull, 0x101FC0ull, ~0ull - 63, ~0ull})
    for (size_t len : {size_t{0}, size_t{64}, size_t{2048}, ~size_t{0}}) mem.prefetch_for_write(gpa, len);
  EXPECT_EQ(low, before_low);
  EXPECT_EQ(high, before_high);
}

}  // namespace
}  // namespace x710
