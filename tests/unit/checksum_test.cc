// The shared Internet checksum (checksum.h) against RFC 1071's worked example
// and a plain word-by-word reference: odd lengths, unaligned starts, carries,
// folding, and the receiver's all-ones check.
#include "checksum.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace x710 {
namespace {

// The definition, one big-endian 16-bit word at a time with the end-around
// carry after every addition; an odd last byte is padded with zero.
uint16_t reference_sum(const uint8_t* p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i < n; i += 2) {
    s += (uint32_t{p[i]} << 8) | (i + 1 < n ? p[i + 1] : 0u);
    s = (s & 0xFFFF) + (s >> 16);
  }
  return static_cast<uint16_t>(s);
}

// A folded native-domain sum as the network-order value of its bytes.
uint16_t native_as_network(uint16_t folded) {
  uint8_t b[2];
  std::memcpy(b, &folded, 2);
  return static_cast<uint16_t>(b[0] << 8 | b[1]);
}

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// RFC 1071 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (big-endian words)
// and to f2dd as little-endian words: the same bytes dd f2 in memory.
TEST(Checksum, Rfc1071Example) {
  const uint8_t ex[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(inet_fold(inet_sum(ex, 8)), 0xddf2);
  EXPECT_EQ(inet_fold_complement(inet_sum(ex, 8)), static_cast<uint16_t>(~0xddf2));
  const uint16_t native = inet_fold(inet_sum_native(ex, 8));
  EXPECT_EQ(native_as_network(native), 0xddf2);
  // Unfolded, the RFC's intermediate: 2ddf0 before the carry is added back.
  uint32_t words = 0;
  for (int i = 0; i < 8; i += 2) words += static_cast<uint32_t>(ex[i] << 8 | ex[i + 1]);
  EXPECT_EQ(words, 0x2ddf0u);
  EXPECT_EQ(inet_fold(words), 0xddf2);
}

// Every length from 0 to 300 (the 32-, 8-, 4-, 2- and 1-byte steps in all
// combinations) at every start alignment, against the reference.
TEST(Checksum, LengthsAndAlignmentsMatchReference) {
  const auto buf = random_bytes(320, 1071);
  for (size_t start = 0; start < 8; ++start) {
    for (size_t n = 0; n <= 300; ++n) {
      const uint8_t* p = buf.data() + start;
      const uint16_t want = reference_sum(p, n);
      ASSERT_EQ(inet_fold(inet_sum(p, n)), want) << "start " << start << " len " << n;
      ASSERT_EQ(native_as_network(inet_fold(inet_sum_native(p, n))), want) << "start " << start << " len " << n;
    }
  }
}

TEST(Checksum, OddLengthPadsWithZero) {
  const uint8_t odd[3] = {0x12, 0x34, 0x56};
  const uint8_t padded[4] = {0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(inet_fold(inet_sum(odd, 3)), 0x1234 + 0x5600);
  EXPECT_EQ(inet_fold(inet_sum(odd, 3)), inet_fold(inet_sum(padded, 4)));
  EXPECT_EQ(inet_fold(inet_sum_native(odd, 3)), inet_fold(inet_sum_native(padded, 4)));
  const uint8_t one[1] = {0xAB};
  EXPECT_EQ(inet_fold(inet_sum(one, 1)), 0xAB00);
}

// A region summed in pieces that start at even offsets, the partial sums
// added, equals the whole: what the TSO path and the pseudo-header rely on.
TEST(Checksum, PiecesAddUp) {
  const auto buf = random_bytes(1500, 8200);
  const uint16_t whole = inet_fold(inet_sum_native(buf.data(), buf.size()));
  for (size_t cut : {0u, 2u, 8u, 20u, 34u, 998u, 1498u, 1500u}) {
    const uint64_t parts = inet_sum_native(buf.data(), cut) + inet_sum_native(buf.data() + cut, buf.size() - cut);
    EXPECT_EQ(inet_fold(parts), whole) << "cut " << cut;
    EXPECT_EQ(inet_fold(inet_sum_native(buf.data() + cut, buf.size() - cut, inet_sum_native(buf.data(), cut))), whole);
    EXPECT_EQ(inet_fold(inet_sum(buf.data() + cut, buf.size() - cut, inet_sum(buf.data(), cut))),
              native_as_network(whole));
  }
}

TEST(Checksum, Folding) {
  EXPECT_EQ(inet_fold(0), 0);                       // +0 stays +0: only all-zero data sums to it
  EXPECT_EQ(inet_fold(0xFFFF), 0xFFFF);             // -0
  EXPECT_EQ(inet_fold(0x10000), 1);                 // the end-around carry
  EXPECT_EQ(inet_fold(0x1FFFE), 0xFFFF);            // a carry that produces another
  EXPECT_EQ(inet_fold(0xFFFF0000u), 0xFFFF);
  EXPECT_EQ(inet_fold(0x123456789ABCDEF0ull), inet_fold(0x1234u + 0x5678u + 0x9ABCu + 0xDEF0u));
  EXPECT_EQ(inet_fold(~uint64_t{0}), 0xFFFF);        // 2^64 - 1 is a multiple of 0xFFFF, and not zero
  EXPECT_EQ(inet_fold_complement(0xFFFF), 0);
  EXPECT_EQ(inet_fold_complement(0), 0xFFFF);
  // inet_sum keeps its 32-bit partial sum with the carry out of bit 31 added back.
  const uint8_t ffff[2] = {0xFF, 0xFF};
  EXPECT_EQ(inet_sum(ffff, 2, 0xFFFFFFFFu), 0xFFFFu);
}

// Every word carries: 64 KiB of 0xFF (and one odd byte more) still folds
// to -0 with nothing lost in the wide accumulators.
TEST(Checksum, LongRunsOfOnes) {
  const std::vector<uint8_t> ones(65537, 0xFF);
  EXPECT_EQ(inet_fold(inet_sum_native(ones.data(), 65536)), 0xFFFF);
  EXPECT_EQ(inet_fold(inet_sum(ones.data(), 65536)), 0xFFFF);
  EXPECT_EQ(inet_fold(inet_sum(ones.data(), 65537)), reference_sum(ones.data(), 65537));
}

TEST(Checksum, Be16NativeIsTheFieldsBytes) {
  for (uint32_t v : {0x0000u, 0x0011u, 0x1100u, 0x1234u, 0xFFFFu}) {
    const uint8_t bytes[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    EXPECT_EQ(inet_be16_native(v), inet_sum_native(bytes, 2)) << std::hex << v;
  }
  EXPECT_EQ(inet_be16_native(0x12345), inet_be16_native(0x2345));  // a length's low 16 bits
}

// RFC 1071 1: data that carries its checksum sums to all ones (-0), and the
// checksum over it comes out 0. An IPv4 header, then random data with an
// odd length where the checksum sits at an even offset.
TEST(Checksum, DataWithItsChecksumSumsToAllOnes) {
  uint8_t ip[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                    0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  const uint16_t c = inet_fold_complement(inet_sum(ip, 20));
  EXPECT_EQ(c, 0xb861);
  ip[10] = static_cast<uint8_t>(c >> 8);
  ip[11] = static_cast<uint8_t>(c);
  EXPECT_TRUE(inet_check_ok(inet_sum_native(ip, 20)));
  EXPECT_TRUE(inet_check_ok(inet_sum(ip, 20)));
  EXPECT_EQ(inet_fold_complement(inet_sum(ip, 20)), 0);
  ip[15] ^= 1;
  EXPECT_FALSE(inet_check_ok(inet_sum_native(ip, 20)));

  for (size_t n : {3u, 9u, 61u, 1501u}) {
    auto data = random_bytes(n, static_cast<uint32_t>(n));
    data[0] = data[1] = 0;
    // The native complement stored natively is the field in network order.
    const uint16_t field = inet_fold_complement(inet_sum_native(data.data(), n));
    std::memcpy(data.data(), &field, 2);
    EXPECT_TRUE(inet_check_ok(inet_sum_native(data.data(), n))) << n;
    EXPECT_EQ(inet_fold_complement(inet_sum(data.data(), n)), 0) << n;
  }
}

}  // namespace
}  // namespace x710
