// Frames from the wire through classification and RSS into the queues the
// driver enabled, and the flood source on top: rate, idling while no queue
// is enabled, drops when the ring is full.
#include <gtest/gtest.h>

#include "driver_steps.h"
#include "device.h"
#include "fake_guest_memory.h"
#include "flood_source.h"
#include "registers.h"

namespace x710 {
namespace {

constexpr uint64_t kMem = 0x1000000;
constexpr uint64_t kHmc = kMem + 0x400000;
constexpr uint64_t kRings = kMem + 0x500000;
constexpr uint64_t kBuffers = kMem + 0x700000;
constexpr uint16_t kQlen = 64;

struct PathFixture : ::testing::Test {
  test::FakeGuestMemory mem{kMem, 16 << 20};
  test::RecordingMsix msix;
  Device dev{DeviceConfig{}, mem, msix};
  void wr(uint32_t off, uint32_t v) { dev.mmio_write(off, v); }

  void enable_queues(uint32_t n) {
    test::program_lan_hmc(dev, kHmc);
    for (uint32_t q = 0; q < n; ++q) {
      test::write_rx_context(mem, kHmc, q, {.ring = kRings + q * 0x2000, .qlen = kQlen});
      for (uint32_t i = 0; i < kQlen; ++i) mem.put<uint64_t>(kRings + q * 0x2000 + i * 16, kBuffers + (q * kQlen + i) * 2048);
      wr(reg::QRX_TAIL + 4 * q, kQlen - 1);
      wr(reg::QRX_ENA + 4 * q, reg::QENA_REQ);
    }
  }

  // i40e_pf_config_rss / i40e_config_rss_reg: key, LUT i % n, HENA, 512 LUT.
  void program_rss(uint32_t n) {
    for (uint32_t i = 0; i < 13; ++i) wr(reg::PFQF_HKEY + 128 * i, 0x6d5a56da + i * 0x01010101);
    for (uint32_t i = 0; i < 128; ++i) {
      uint32_t v = 0;
      for (uint32_t j = 0; j < 4; ++j) v |= ((4 * i + j) % n) << (8 * j);
      wr(reg::PFQF_HLUT + 128 * i, v);
    }
    // I40E_DEFAULT_RSS_HENA covers the IPv4/IPv6 TCP/UDP/other pctypes.
    wr(reg::PFQF_HENA, 0xFFFFFFFF);
    wr(reg::PFQF_HENA + 128, 0xFFFFFFFF);
    wr(reg::PFQF_CTL_0, 1u << 16);
  }
};

TEST_F(PathFixture, RssSpreadsFloodFlowsOverEveryQueue) {
  enable_queues(4);
  program_rss(4);
  FloodConfig cfg;
  cfg.flows = 64;
  FloodGenerator gen(cfg, dev.config().mac);
  for (int i = 0; i < 200; ++i) {
    const RxResult r = dev.packet_path().receive(gen.next());
    ASSERT_TRUE(r == RxResult::delivered || r == RxResult::no_descriptor);
  }
  for (uint32_t q = 0; q < 4; ++q) EXPECT_GT(dev.lan().rx(q).frames, 0u) << "queue " << q;
  // The write-back carries the UDP ptype, a checked checksum and the hash.
  const uint64_t qw1 = mem.get<uint64_t>(kRings + 8);
  EXPECT_EQ((qw1 >> 30) & 0xFF, 24u);
  EXPECT_TRUE(qw1 & (1u << 3));
  EXPECT_EQ((qw1 >> 12) & 3, 3u);
  EXPECT_EQ(dev.packet_path().stats().frames + dev.packet_path().stats().no_descriptor, 200u);
}

TEST_F(PathFixture, FramesForADisabledQueueAreCountedNotDelivered) {
  enable_queues(1);
  program_rss(2);  // the LUT names queue 1 too, which is not enabled
  FloodGenerator gen(FloodConfig{}, dev.config().mac);
  for (int i = 0; i < 64; ++i) dev.packet_path().receive(gen.next());
  EXPECT_GT(dev.packet_path().stats().queue_disabled, 0u);
  EXPECT_GT(dev.lan().rx(0).frames, 0u);
}

TEST_F(PathFixture, FloodSourceIdlesUntilAQueueIsEnabledThenKeepsTheRate) {
  FloodConfig cfg;
  cfg.pps = 10000;
  FloodSource flood(dev.packet_path(), cfg, dev.config().mac);
  for (uint64_t t = 1; t <= 100; ++t) flood.tick(t * 1'000'000);
  EXPECT_EQ(flood.stats().offered, 0u) << "no queue enabled: nothing offered";
  enable_queues(2);
  program_rss(2);
  // 100 ms at 10 kpps = 1000 frames; rings of 64 fill up, so most drop.
  for (uint64_t t = 101; t <= 201; ++t) flood.tick(t * 1'000'000);
  EXPECT_NEAR(static_cast<double>(flood.stats().offered), 1000.0, 15.0);
  EXPECT_EQ(flood.stats().delivered, 2u * (kQlen - 1));
  EXPECT_EQ(flood.stats().offered, flood.stats().delivered + flood.stats().dropped);
}

TEST_F(PathFixture, FloodAsFastAsDescriptorsAllowStopsAtAFullRing) {
  enable_queues(1);
  program_rss(1);
  FloodConfig cfg;
  cfg.pps = 0;
  FloodSource flood(dev.packet_path(), cfg, dev.config().mac);
  flood.tick(1);
  flood.tick(2);
  EXPECT_EQ(flood.stats().delivered, kQlen - 1u);
  EXPECT_EQ(flood.stats().dropped, 1u);
}

}  // namespace
}  // namespace x710

namespace x710 {
namespace {

uint64_t read48(Device& dev, uint32_t low) {
  // i40e_stat_update48: one 64-bit read, which the transport splits low/high.
  return dev.mmio_read(low) | (uint64_t{dev.mmio_read(low + 4)} << 32);
}

TEST_F(PathFixture, StatisticsRegistersCountWhatTheDeviceDid) {
  enable_queues(2);
  program_rss(2);
  FloodGenerator gen(FloodConfig{}, dev.config().mac);
  for (int i = 0; i < 50; ++i) dev.packet_path().receive(gen.next());
  const uint64_t delivered = dev.lan().rx(0).frames + dev.lan().rx(1).frames;
  ASSERT_GT(delivered, 0u);
  EXPECT_EQ(read48(dev, 0x003005A0), delivered);       // GLPRT_UPRC: unicast received
  EXPECT_EQ(read48(dev, 0x00300000), delivered * 64);  // GLPRT_GORC: octets with FCS
  EXPECT_EQ(read48(dev, 0x00300480), delivered);       // GLPRT_PRC64
  EXPECT_EQ(dev.mmio_read(0x00300600), 50 - delivered);  // GLPRT_RDPC: the rest were discarded
  EXPECT_EQ(read48(dev, 0x0036C000), delivered);       // GLV_UPRC of the main VSI (index 0)
  // Broadcast and multicast by destination address.
  auto f = gen.next();
  std::vector<uint8_t> bcast(f.begin(), f.end());
  std::fill(bcast.begin(), bcast.begin() + 6, 0xFF);
  const uint64_t before = read48(dev, 0x003005E0);
  if (dev.packet_path().receive(bcast) == RxResult::delivered) {
    EXPECT_EQ(read48(dev, 0x003005E0), before + 1);
  }
  // Guest writes cannot change a counter.
  dev.mmio_write(0x003005A0, 0);
  EXPECT_EQ(read48(dev, 0x003005A0), delivered);
}

}  // namespace
}  // namespace x710
