// The flood generator's frames as a receiver checks them (RFC 1071 sums
// computed independently here), its signature, flows, and the pacer's rate.
#include <gtest/gtest.h>

#include <set>

#include "flood.h"

namespace x710 {
namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// Ones-complement sum check: a correct header/segment sums to 0xFFFF.
uint16_t ones_sum(const std::vector<uint8_t>& bytes) {
  uint32_t s = 0;
  for (size_t i = 0; i < bytes.size(); i += 2) s += (bytes[i] << 8) | (i + 1 < bytes.size() ? bytes[i + 1] : 0);
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return static_cast<uint16_t>(s);
}

const std::array<uint8_t, 6> kOurMac{0x02, 0x00, 0x71, 0x00, 0x00, 0x01};

TEST(Flood, DefaultFrameIsTheFieldReportsUdpFrame) {
  FloodGenerator gen(FloodConfig{}, kOurMac);
  auto f = gen.next();
  ASSERT_EQ(f.size(), 60u);  // 64 bytes on the wire with the FCS
  EXPECT_TRUE(std::equal(kOurMac.begin(), kOurMac.end(), f.begin()));
  EXPECT_EQ(be16(&f[12]), 0x0800);
  const uint8_t* ip = &f[14];
  EXPECT_EQ(ip[0], 0x45);
  EXPECT_EQ(be16(ip + 2), 46);  // tot_len 46, as decoded from the crashed vma
  EXPECT_EQ(ip[9], 17);
  EXPECT_EQ(ip[12], 1);
  EXPECT_EQ(ip[15], 3);         // 1.1.1.3
  EXPECT_EQ(ip[18], 100);
  EXPECT_EQ(ip[19], 201);       // 1.1.100.201
  const uint8_t* udp = ip + 20;
  EXPECT_EQ(be16(udp), 39660);
  EXPECT_EQ(be16(udp + 2), 80);
  EXPECT_EQ(be16(udp + 4), 26);
}

TEST(Flood, ChecksumsAreValidForEveryFlowAndSize) {
  for (uint32_t size : {60u, 61u, 128u, 1514u, 9018u}) {
    FloodConfig cfg;
    cfg.frame_size = size;
    cfg.flows = 7;
    FloodGenerator gen(cfg, kOurMac);
    for (int i = 0; i < 20; ++i) {
      auto f = gen.next();
      ASSERT_EQ(f.size(), size);
      std::vector<uint8_t> ip(f.begin() + 14, f.begin() + 34);
      EXPECT_EQ(ones_sum(ip), 0xFFFF) << "IPv4 header, size " << size;
      // UDP: pseudo-header + UDP header + payload.
      const size_t udp_len = size - 34;
      std::vector<uint8_t> pseudo(f.begin() + 26, f.begin() + 34);  // addresses
      pseudo.insert(pseudo.end(), {0, 17, static_cast<uint8_t>(udp_len >> 8), static_cast<uint8_t>(udp_len)});
      pseudo.insert(pseudo.end(), f.begin() + 34, f.end());
      EXPECT_EQ(ones_sum(pseudo), 0xFFFF) << "UDP, size " << size << " frame " << i;
    }
  }
}

TEST(Flood, SignatureCarriesSequenceAndFlowAndIsFindable) {
  FloodConfig cfg;
  cfg.flows = 3;
  FloodGenerator gen(cfg, kOurMac);
  std::set<uint16_t> ports;
  for (uint64_t i = 0; i < 6; ++i) {
    auto f = gen.next();
    ports.insert(be16(&f[34]));
    FloodSignature sig;
    size_t at = 0;
    ASSERT_TRUE(FloodGenerator::find_signature(f, sig, at));
    EXPECT_EQ(at, 42u);
    EXPECT_EQ(sig.sequence, i);
    EXPECT_EQ(sig.flow, i % 3);
  }
  EXPECT_EQ(ports, (std::set<uint16_t>{39660, 39661, 39662}));
  // In a page of "guest memory", at the offset the field report saw (0xC0).
  std::vector<uint8_t> page(4096, 0xAA);
  auto f = gen.next();
  std::copy(f.begin(), f.end(), page.begin() + 0xC0);
  FloodSignature sig;
  size_t at = 0;
  ASSERT_TRUE(FloodGenerator::find_signature(page, sig, at));
  EXPECT_EQ(at, 0xC0u + 42);
  EXPECT_EQ(sig.sequence, 6u);
  std::vector<uint8_t> clean(4096, 0xAA);
  EXPECT_FALSE(FloodGenerator::find_signature(clean, sig, at));
}

TEST(Flood, BadSettingsAreNamed) {
  FloodConfig cfg;
  cfg.frame_size = 59;
  EXPECT_NE(cfg.problem().find("frame size 59"), std::string::npos);
  cfg.frame_size = 9019;
  EXPECT_NE(cfg.problem(), "");
  cfg.frame_size = 60;
  cfg.flows = 0;
  EXPECT_NE(cfg.problem().find("flows"), std::string::npos);
  cfg.flows = 30000;  // 39660 + 30000 > 65535
  EXPECT_NE(cfg.problem().find("ports"), std::string::npos);
  cfg.flows = 64;
  EXPECT_EQ(cfg.problem(), "");
}

TEST(FloodPacer, DeliversTheRateOverASecondOfMillisecondTicks) {
  for (uint64_t pps : {1000ull, 33333ull, 1'000'000ull, 14'880'952ull}) {
    FloodPacer pacer;
    pacer.reset(pps, 0);
    uint64_t total = 0;
    for (uint64_t t = 1; t <= 1000; ++t) total += pacer.due(t * 1'000'000, 1u << 30);
    EXPECT_NEAR(static_cast<double>(total), static_cast<double>(pps), pps * 0.001 + 1) << pps;
  }
}

TEST(FloodPacer, StallDoesNotBurstBeyondTheCap) {
  FloodPacer pacer;
  pacer.reset(1'000'000, 0);
  EXPECT_EQ(pacer.due(10'000'000'000ull, 512), 512u);  // 10 s stall: at most one burst
  EXPECT_LE(pacer.due(10'000'001'000ull, 512), 2u);
  EXPECT_EQ(pacer.due(5, 512), 0u);  // time going backwards owes nothing
}

TEST(FloodPacer, ZeroMeansAsFastAsAllowed) {
  FloodPacer pacer;
  pacer.reset(0, 0);
  EXPECT_EQ(pacer.due(1, 256), 256u);
}

}  // namespace
}  // namespace x710
