// RSS: the Toeplitz hash against Microsoft's published verification suite,
// the table form against the bitwise form, and the whole path through the
// registers programmed the way i40e_pf_config_rss / i40e_config_rss_reg do:
// key and LUT byte order, HENA selection, LUT size, queue spread.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "packet_parse.h"
#include "register_file.h"
#include "registers.h"
#include "rss.h"

namespace x710 {
namespace {

using Bytes = std::vector<uint8_t>;
using Key = std::array<uint8_t, kRssKeySize>;

// "Verifying the RSS Hash Calculation" (Microsoft): the 40-byte key; the
// X710's 52-byte key is that followed by zeros.
constexpr Key kMicrosoftKey = {0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
                               0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
                               0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};

struct V4Vector {
  std::array<uint8_t, 4> src;
  uint16_t sport;
  std::array<uint8_t, 4> dst;
  uint16_t dport;
  uint32_t ip_only;
  uint32_t with_ports;
};
constexpr V4Vector kV4[] = {
    {{66, 9, 149, 187}, 2794, {161, 142, 100, 80}, 1766, 0x323e8fc2, 0x51ccc178},
    {{199, 92, 111, 2}, 14230, {65, 69, 140, 83}, 4739, 0xd718262a, 0xc626b0ea},
    {{24, 19, 198, 95}, 12898, {12, 22, 207, 184}, 38024, 0xd2d0a5de, 0x5c2b394a},
    {{38, 27, 205, 30}, 48228, {209, 142, 163, 6}, 2217, 0x82989176, 0xafc7327f},
    {{153, 39, 163, 191}, 44251, {202, 188, 127, 2}, 1303, 0x5d1809c5, 0x10e828a2},
};

using Ip6 = std::array<uint8_t, 16>;
struct V6Vector {
  Ip6 src;
  uint16_t sport;
  Ip6 dst;
  uint16_t dport;
  uint32_t ip_only;
  uint32_t with_ports;
};
const V6Vector kV6[] = {
    // 3ffe:2501:200:1fff::7 -> 3ffe:2501:200:3::1
    {{0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x07},
     2794,
     {0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x01},
     1766,
     0x2cc18cd5,
     0x40207d3d},
    // 3ffe:501:8::260:97ff:fe40:efab -> ff02::1
    {{0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0x00, 0x00, 0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab},
     14230,
     {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01},
     4739,
     0x0f0c461c,
     0xdde51bbf},
    // 3ffe:1900:4545:3:200:f8ff:fe21:67cf -> fe80::200:f8ff:fe21:67cf
    {{0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf},
     44251,
     {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf},
     38024,
     0x4b61e985,
     0x02d1feef},
};

void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

template <size_t N>
void put(Bytes& b, const std::array<uint8_t, N>& a) {
  b.insert(b.end(), a.begin(), a.end());
}

Bytes tuple_v4(const V4Vector& v, bool ports) {
  Bytes b;
  put(b, v.src);
  put(b, v.dst);
  if (ports) {
    put16(b, v.sport);
    put16(b, v.dport);
  }
  return b;
}

Bytes tuple_v6(const V6Vector& v, bool ports) {
  Bytes b;
  put(b, v.src);
  put(b, v.dst);
  if (ports) {
    put16(b, v.sport);
    put16(b, v.dport);
  }
  return b;
}

// Frames just good enough for the parser (RSS does not look at checksums).
constexpr uint8_t kTcp = 6, kUdp = 17, kSctp = 132, kIcmp = 1, kGre = 47;

Bytes l4_header(uint8_t proto, uint16_t sport, uint16_t dport) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  b.resize(proto == kTcp ? 20 : proto == kSctp ? 12 : 8, 0);
  if (proto == kUdp) b[5] = 8;
  if (proto == kTcp) b[12] = 0x50;
  return b;
}

Bytes frame_v4(uint8_t proto, const std::array<uint8_t, 4>& src, uint16_t sport, const std::array<uint8_t, 4>& dst,
               uint16_t dport, uint16_t frag = 0) {
  Bytes l4 = l4_header(proto, sport, dport);
  Bytes f = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00};
  f.push_back(0x45);
  f.push_back(0);
  put16(f, static_cast<uint16_t>(20 + l4.size()));
  put16(f, 0);
  put16(f, frag);
  f.push_back(64);
  f.push_back(proto);
  put16(f, 0);
  put(f, src);
  put(f, dst);
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

Bytes frame_v6(uint8_t proto, const Ip6& src, uint16_t sport, const Ip6& dst, uint16_t dport) {
  Bytes l4 = l4_header(proto, sport, dport);
  Bytes f = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x86, 0xDD, 0x60, 0, 0, 0};
  put16(f, static_cast<uint16_t>(l4.size()));
  f.push_back(proto);
  f.push_back(64);
  put(f, src);
  put(f, dst);
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

// I40E_DEFAULT_RSS_HENA (i40e_txrx.h): what the 6.1 and 6.12 drivers OR into
// PFQF_HENA on an X710 (the _EXPANDED set is X722-only).
constexpr uint64_t bit(unsigned n) { return uint64_t{1} << n; }
constexpr uint64_t kDefaultHena = bit(pctype::NONF_IPV4_UDP) | bit(pctype::NONF_IPV4_SCTP) |
                                  bit(pctype::NONF_IPV4_TCP) | bit(pctype::NONF_IPV4_OTHER) |
                                  bit(pctype::FRAG_IPV4) | bit(pctype::NONF_IPV6_UDP) | bit(pctype::NONF_IPV6_TCP) |
                                  bit(pctype::NONF_IPV6_SCTP) | bit(pctype::NONF_IPV6_OTHER) |
                                  bit(pctype::FRAG_IPV6) | bit(pctype::L2_PAYLOAD);

void write_hena(RegisterFile& regs, uint64_t hena) {
  regs.write(reg::PFQF_HENA, static_cast<uint32_t>(hena));
  regs.write(reg::PFQF_HENA + 128, static_cast<uint32_t>(hena >> 32));
}

// i40e_config_rss_reg: the u8 seed[] and lut[] are written as the u32 words
// they are in memory (little-endian x86).
void write_key(RegisterFile& regs, const Key& seed) {
  for (uint32_t i = 0; i < kRssKeySize / 4; ++i) {
    uint32_t w;
    std::memcpy(&w, seed.data() + 4 * i, 4);
    regs.write(reg::PFQF_HKEY + 128 * i, w);
  }
}

void write_lut(RegisterFile& regs, const std::array<uint8_t, kRssLutEntries>& lut) {
  for (uint32_t i = 0; i < kRssLutEntries / 4; ++i) {
    uint32_t w;
    std::memcpy(&w, lut.data() + 4 * i, 4);
    regs.write(reg::PFQF_HLUT + 128 * i, w);
  }
}

// i40e_pf_config_rss on a PF whose RSS capability reports 512 entries:
// HENA |= default, HASHLUTSIZE = 512, lut[i] = i % rss_size (i40e_fill_rss_lut),
// then key and LUT through i40e_config_rss_reg.
void program_like_driver(RegisterFile& regs, const Key& seed, uint16_t rss_size) {
  uint64_t hena = regs.read(reg::PFQF_HENA) | uint64_t{regs.read(reg::PFQF_HENA + 128)} << 32;
  write_hena(regs, hena | kDefaultHena);
  regs.write(reg::PFQF_CTL_0, regs.read(reg::PFQF_CTL_0) | Rss::kCtl0HashLutSize512);
  std::array<uint8_t, kRssLutEntries> lut;
  for (size_t i = 0; i < lut.size(); ++i) lut[i] = static_cast<uint8_t>(i % rss_size);
  write_key(regs, seed);
  write_lut(regs, lut);
}

Key random_key(std::mt19937_64& rng) {
  Key k;
  for (auto& b : k) b = static_cast<uint8_t>(rng());
  return k;
}

// ---- The hash itself ----

TEST(Toeplitz, MicrosoftIpv4Vectors) {
  for (const V4Vector& v : kV4) {
    EXPECT_EQ(toeplitz_hash(kMicrosoftKey, tuple_v4(v, false)), v.ip_only);
    EXPECT_EQ(toeplitz_hash(kMicrosoftKey, tuple_v4(v, true)), v.with_ports);
  }
}

TEST(Toeplitz, MicrosoftIpv6Vectors) {
  for (const V6Vector& v : kV6) {
    EXPECT_EQ(toeplitz_hash(kMicrosoftKey, tuple_v6(v, false)), v.ip_only);
    EXPECT_EQ(toeplitz_hash(kMicrosoftKey, tuple_v6(v, true)), v.with_ports);
  }
}

TEST(Toeplitz, KeyBytesPast40DoNotReachInputsOf36Bytes) {
  Key key = kMicrosoftKey;
  for (size_t i = 40; i < kRssKeySize; ++i) key[i] = 0xFF;
  for (const V6Vector& v : kV6) EXPECT_EQ(toeplitz_hash(key, tuple_v6(v, true)), v.with_ports);
  for (const V4Vector& v : kV4) EXPECT_EQ(toeplitz_hash(key, tuple_v4(v, true)), v.with_ports);
  // ...but a 37-byte input does.
  Bytes longer = tuple_v6(kV6[0], true);
  longer.push_back(0x01);
  EXPECT_NE(toeplitz_hash(key, longer), toeplitz_hash(kMicrosoftKey, longer));
}

TEST(Toeplitz, TableMatchesBitwise) {
  std::mt19937_64 rng(52);
  ToeplitzTable table;
  for (int k = 0; k < 20; ++k) {
    Key key = k == 0 ? kMicrosoftKey : random_key(rng);
    table.build(key);
    for (int i = 0; i < 200; ++i) {
      Bytes in(rng() % (ToeplitzTable::kMaxInput + 1));
      for (auto& b : in) b = static_cast<uint8_t>(rng());
      ASSERT_EQ(table.hash(in), toeplitz_hash(key, in)) << "key " << k << " len " << in.size();
    }
  }
  table.build(kMicrosoftKey);
  EXPECT_EQ(table.hash(tuple_v4(kV4[0], true)), 0x51ccc178u);
}

// ---- Through the registers ----

class RssRegisters : public ::testing::Test {
 protected:
  RegisterFile regs;
  Rss rss{regs};
};

TEST_F(RssRegisters, MicrosoftVectorsEndToEnd) {
  program_like_driver(regs, kMicrosoftKey, 16);
  for (const V4Vector& v : kV4) {
    for (uint8_t proto : {kTcp, kUdp, kSctp}) {
      Rss::Result r = rss.classify(parse_packet(frame_v4(proto, v.src, v.sport, v.dst, v.dport)));
      EXPECT_TRUE(r.hashed);
      EXPECT_EQ(r.hash, v.with_ports) << int(proto);
      EXPECT_EQ(r.queue, (v.with_ports & 511) % 16);
    }
    // No ports: ICMP, unknown protocols and fragments hash the addresses only.
    for (uint8_t proto : {kIcmp, kGre}) {
      Rss::Result r = rss.classify(parse_packet(frame_v4(proto, v.src, v.sport, v.dst, v.dport)));
      EXPECT_TRUE(r.hashed);
      EXPECT_EQ(r.hash, v.ip_only) << int(proto);
    }
    Rss::Result frag = rss.classify(parse_packet(frame_v4(kUdp, v.src, v.sport, v.dst, v.dport, 0x2000)));
    EXPECT_TRUE(frag.hashed);
    EXPECT_EQ(frag.hash, v.ip_only);
  }
  for (const V6Vector& v : kV6) {
    for (uint8_t proto : {kTcp, kUdp, kSctp}) {
      Rss::Result r = rss.classify(parse_packet(frame_v6(proto, v.src, v.sport, v.dst, v.dport)));
      EXPECT_TRUE(r.hashed);
      EXPECT_EQ(r.hash, v.with_ports) << int(proto);
    }
    Rss::Result other = rss.classify(parse_packet(frame_v6(kGre, v.src, v.sport, v.dst, v.dport)));
    EXPECT_EQ(other.hash, v.ip_only);
  }
}

TEST_F(RssRegisters, NothingIsHashedBeforeTheDriverEnablesIt) {
  // Power-on: HENA = 0. Queue 0, no FLTSTAT.
  Rss::Result r = rss.classify(parse_packet(frame_v4(kUdp, kV4[0].src, 1, kV4[0].dst, 2)));
  EXPECT_FALSE(r.hashed);
  EXPECT_EQ(r.hash, 0u);
  EXPECT_EQ(r.queue, 0);
}

TEST_F(RssRegisters, HenaSelectsClassifierTypes) {
  program_like_driver(regs, kMicrosoftKey, 8);
  write_hena(regs, bit(pctype::NONF_IPV4_TCP));
  const auto& v = kV4[1];
  EXPECT_TRUE(rss.classify(parse_packet(frame_v4(kTcp, v.src, v.sport, v.dst, v.dport))).hashed);
  Rss::Result udp = rss.classify(parse_packet(frame_v4(kUdp, v.src, v.sport, v.dst, v.dport)));
  EXPECT_FALSE(udp.hashed);
  EXPECT_EQ(udp.queue, 0);
  EXPECT_FALSE(rss.classify(parse_packet(frame_v6(kTcp, kV6[0].src, 1, kV6[0].dst, 2))).hashed);

  // Bits in HENA(1) (pctypes 32..63): IPv6 TCP alone.
  write_hena(regs, bit(pctype::NONF_IPV6_TCP));
  EXPECT_TRUE(rss.classify(parse_packet(frame_v6(kTcp, kV6[0].src, 1, kV6[0].dst, 2))).hashed);
  EXPECT_FALSE(rss.classify(parse_packet(frame_v4(kTcp, v.src, v.sport, v.dst, v.dport))).hashed);

  // L2 payload (ARP here) is in the default set and hashes the ethertype.
  Bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 2, 0x08, 0x06};
  arp.resize(60, 0);
  write_hena(regs, 0);
  EXPECT_FALSE(rss.classify(parse_packet(arp)).hashed);
  write_hena(regs, kDefaultHena);
  Rss::Result a = rss.classify(parse_packet(arp));
  EXPECT_TRUE(a.hashed);
  const uint8_t ethertype[] = {0x08, 0x06};
  EXPECT_EQ(a.hash, toeplitz_hash(kMicrosoftKey, ethertype));
}

TEST_F(RssRegisters, DriverLutSpreadsFlowsOverEveryQueue) {
  std::mt19937_64 rng(1572);
  for (uint16_t queues : {1, 2, 3, 4, 6, 8, 16, 32, 64}) {
    regs.reset();
    program_like_driver(regs, random_key(rng), queues);  // netdev_rss_key_fill: a random key
    std::vector<unsigned> hits(64, 0);
    constexpr int kFlows = 20000;
    for (int i = 0; i < kFlows; ++i) {
      std::array<uint8_t, 4> src = {10, 1, static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng())};
      std::array<uint8_t, 4> dst = {192, 168, 0, static_cast<uint8_t>(1 + i % 4)};
      Rss::Result r = rss.classify(parse_packet(
          frame_v4(i % 2 ? kTcp : kUdp, src, static_cast<uint16_t>(rng()), dst, static_cast<uint16_t>(80 + i % 3))));
      ASSERT_TRUE(r.hashed);
      ASSERT_LT(r.queue, queues);
      ++hits[r.queue];
    }
    const double mean = double(kFlows) / queues;
    for (uint16_t q = 0; q < queues; ++q) {
      EXPECT_GT(hits[q], 0u) << queues << " queues, queue " << q;
      EXPECT_GT(hits[q], mean * 0.7) << queues << " queues, queue " << q;
      EXPECT_LT(hits[q], mean * 1.3) << queues << " queues, queue " << q;
    }
  }
}

TEST_F(RssRegisters, QueueIsTheLutEntryAtTheHashLowBits) {
  std::mt19937_64 rng(9);
  program_like_driver(regs, random_key(rng), 4);
  std::array<uint8_t, kRssLutEntries> lut;
  for (auto& e : lut) e = static_cast<uint8_t>(rng() % 64);
  write_lut(regs, lut);
  for (int i = 0; i < 5000; ++i) {
    std::array<uint8_t, 4> src = {172, 16, static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng())};
    Rss::Result r = rss.classify(parse_packet(frame_v4(kUdp, src, static_cast<uint16_t>(rng()), {10, 0, 0, 1}, 53)));
    ASSERT_EQ(r.queue, lut[r.hash & 511]);
  }
}

TEST_F(RssRegisters, HashLutSize128UsesTheFirst128Entries) {
  std::mt19937_64 rng(128);
  program_like_driver(regs, random_key(rng), 4);
  regs.write(reg::PFQF_CTL_0, regs.read(reg::PFQF_CTL_0) & ~Rss::kCtl0HashLutSize512);
  std::array<uint8_t, kRssLutEntries> lut;
  for (size_t i = 0; i < lut.size(); ++i) lut[i] = i < 128 ? static_cast<uint8_t>(i % 5) : 63;
  write_lut(regs, lut);
  for (int i = 0; i < 5000; ++i) {
    std::array<uint8_t, 4> src = {172, 16, static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng())};
    Rss::Result r = rss.classify(parse_packet(frame_v4(kTcp, src, static_cast<uint16_t>(rng()), {10, 0, 0, 1}, 22)));
    ASSERT_LT(r.queue, 5);
    ASSERT_EQ(r.queue, lut[r.hash & 127]);
  }
}

TEST_F(RssRegisters, LutEntriesAreSixBitsWide) {
  program_like_driver(regs, kMicrosoftKey, 1);
  std::array<uint8_t, kRssLutEntries> lut;
  lut.fill(0xC5);  // bits 7:6 are not part of the entry
  write_lut(regs, lut);
  EXPECT_EQ(rss.classify(parse_packet(frame_v4(kUdp, kV4[0].src, 1, kV4[0].dst, 2))).queue, 5);
}

TEST_F(RssRegisters, KeyChangesArePickedUp) {
  program_like_driver(regs, kMicrosoftKey, 8);
  const auto& v = kV4[2];
  Bytes f = frame_v4(kTcp, v.src, v.sport, v.dst, v.dport);
  EXPECT_EQ(rss.classify(parse_packet(f)).hash, v.with_ports);
  // ethtool -X hkey: the driver rewrites all 13 words; change one byte.
  Key other = kMicrosoftKey;
  other[5] ^= 0x10;
  write_key(regs, other);
  const uint32_t expected = toeplitz_hash(other, tuple_v4(v, true));
  EXPECT_NE(expected, v.with_ports);
  EXPECT_EQ(rss.classify(parse_packet(f)).hash, expected);
  // And back: also a change.
  write_key(regs, kMicrosoftKey);
  EXPECT_EQ(rss.classify(parse_packet(f)).hash, v.with_ports);
}

}  // namespace
}  // namespace x710
