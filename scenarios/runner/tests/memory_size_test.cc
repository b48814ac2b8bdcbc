#include "memory_size.h"

#include <gtest/gtest.h>

namespace x710 {
namespace {

TEST(MemorySize, Suffixes) {
  EXPECT_EQ(parse_memory_size("1G"), 1ull << 30);
  EXPECT_EQ(parse_memory_size("1g"), 1ull << 30);
  EXPECT_EQ(parse_memory_size("512M"), 512ull << 20);
  EXPECT_EQ(parse_memory_size("2GiB"), 2ull << 30);
  EXPECT_EQ(parse_memory_size("1T"), 1ull << 40);
  EXPECT_EQ(parse_memory_size("2048K"), 2ull << 20);
}

TEST(MemorySize, BareNumberIsMiBLikeQemu) { EXPECT_EQ(parse_memory_size("2048"), 2048ull << 20); }

TEST(MemorySize, Rejects) {
  for (const char* bad : {"", "G", "0", "1X", "1.5G", "-1G", "1GG", "100K", " 1G"}) {
    EXPECT_FALSE(parse_memory_size(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace x710
