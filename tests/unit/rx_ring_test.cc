// Receive through the device core the way the driver sets it up
// (i40e_configure_rx_ring: context in HMC memory, buffers posted, tail
// written, then QRX_ENA): frame placement, write-back fields as
// i40e_clean_rx_irq reads them, multi-buffer frames, drops, interrupts.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "driver_steps.h"
#include "device.h"
#include "fake_guest_memory.h"
#include "registers.h"

namespace x710 {
namespace {

constexpr uint64_t kMem = 0x1000000;
constexpr uint64_t kHmc = kMem + 0x400000;
constexpr uint64_t kRxRing = kMem + 0x500000;
constexpr uint64_t kBuffers = kMem + 0x600000;
constexpr uint16_t kQlen = 32;
constexpr uint16_t kBuf = 1536;

struct RxFixture : ::testing::Test {
  test::FakeGuestMemory mem{kMem, 16 << 20};
  test::RecordingMsix msix;
  Device dev{DeviceConfig{}, mem, msix};

  void wr(uint32_t off, uint32_t v) { dev.mmio_write(off, v); }
  uint64_t buffer(uint32_t q, uint32_t i) const { return kBuffers + q * 0x100000 + i * 2048; }
  uint64_t slot(uint32_t q, uint32_t i) const { return kRxRing + q * 0x10000 + i * 16; }

  void setup(uint32_t q, uint16_t rxmax = kBuf, uint16_t dbuff = kBuf, unsigned vector = 1) {
    test::program_lan_hmc(dev, kHmc);
    test::write_rx_context(mem, kHmc, q, {.ring = kRxRing + q * 0x10000, .qlen = kQlen, .dbuff = dbuff, .rxmax = rxmax});
    wr(reg::QINT_RQCTL + 4 * q, reg::QINT_CTL_CAUSE_ENA | vector);
    wr(reg::PFINT_DYN_CTLN + 4 * (vector - 1), reg::PFINT_DYN_CTL_INTENA);
    // i40e_alloc_rx_buffers: every slot but one gets a buffer, then the tail.
    wr(reg::QRX_TAIL + 4 * q, 0);
    for (uint32_t i = 0; i < kQlen - 1; ++i) post(q, i);
    wr(reg::QRX_TAIL + 4 * q, kQlen - 1);
    wr(reg::QRX_ENA + 4 * q, reg::QENA_REQ);
    ASSERT_TRUE(dev.lan().rx(q).enabled);
  }
  void post(uint32_t q, uint32_t i) {
    uint64_t read_format[2] = {buffer(q, i), 0};
    mem.write(slot(q, i), read_format, sizeof read_format);
  }
  std::vector<uint8_t> frame(size_t n, uint8_t seed) {
    std::vector<uint8_t> f(n);
    std::iota(f.begin(), f.end(), seed);
    return f;
  }
  uint64_t qw1(uint32_t q, uint32_t i) { return mem.get<uint64_t>(slot(q, i) + 8); }
  static uint32_t length(uint64_t qw1) { return static_cast<uint32_t>((qw1 >> 38) & 0x3FFF); }
};

TEST_F(RxFixture, FrameLandsInBufferAndWriteBackReadsAsTheDriverExpects) {
  setup(0);
  RxFrameInfo info;
  info.ptype = 24;  // IPv4/UDP
  info.l3l4p = true;
  info.rss_valid = true;
  info.rss_hash = 0xCAFEF00D;
  const auto f = frame(60, 7);
  ASSERT_EQ(dev.lan().receive(0, f, info), RxResult::delivered);
  std::vector<uint8_t> got(60);
  mem.read(buffer(0, 0), got.data(), got.size());
  EXPECT_EQ(got, f);
  const uint64_t w = qw1(0, 0);
  EXPECT_EQ(length(w), 60u);   // the driver's completion test
  EXPECT_TRUE(w & 1);          // DD
  EXPECT_TRUE(w & 2);          // EOF
  EXPECT_TRUE(w & (1u << 3));  // L3L4P
  EXPECT_EQ((w >> 12) & 3, 3u);  // FLTSTAT: RSS hash valid
  EXPECT_EQ((w >> 30) & 0xFF, 24u);
  EXPECT_EQ((w >> 19) & 0xFF, 0u);  // no errors (RXE would make the driver drop it)
  EXPECT_EQ(w >> 63, 0u);           // not a programming status descriptor
  EXPECT_EQ(mem.get<uint64_t>(slot(0, 0)) >> 32, 0xCAFEF00Du);
  ASSERT_EQ(msix.vectors.size(), 1u);
  EXPECT_EQ(msix.vectors[0], 1u);
  EXPECT_EQ(dev.lan().rx(0).frames, 1u);
}

TEST_F(RxFixture, JumboFrameSpansBuffersWithEofOnTheLast) {
  setup(0, 9728, 3072);
  const auto f = frame(9000, 1);
  ASSERT_EQ(dev.lan().receive(0, f, RxFrameInfo{}), RxResult::delivered);
  EXPECT_EQ(length(qw1(0, 0)), 3072u);
  EXPECT_EQ(qw1(0, 0) & 2, 0u);
  EXPECT_EQ(length(qw1(0, 1)), 3072u);
  EXPECT_EQ(length(qw1(0, 2)), 9000u - 2 * 3072);
  EXPECT_TRUE(qw1(0, 2) & 2);
  std::vector<uint8_t> tail(9000 - 6144);
  mem.read(buffer(0, 2), tail.data(), tail.size());
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), f.begin() + 6144));
}

TEST_F(RxFixture, NeverWritesMoreThanTheBufferSizeOrAboveRxmax) {
  setup(0, kBuf, kBuf);
  mem.put<uint8_t>(buffer(0, 0) + kBuf, 0xEE);  // the byte after the buffer
  EXPECT_EQ(dev.lan().receive(0, frame(kBuf, 0), RxFrameInfo{}), RxResult::delivered);
  EXPECT_EQ(mem.get<uint8_t>(buffer(0, 0) + kBuf), 0xEE);
  EXPECT_EQ(dev.lan().receive(0, frame(kBuf + 1, 0), RxFrameInfo{}), RxResult::too_long);
  EXPECT_EQ(dev.lan().rx(0).oversize_drops, 1u);
}

TEST_F(RxFixture, EmptyRingDropsAndCountsThenRefillResumes) {
  setup(0);
  for (uint32_t i = 0; i < kQlen - 1; ++i) ASSERT_EQ(dev.lan().receive(0, frame(64, 0), RxFrameInfo{}), RxResult::delivered);
  EXPECT_EQ(dev.lan().receive(0, frame(64, 0), RxFrameInfo{}), RxResult::no_descriptor);
  EXPECT_EQ(dev.lan().rx(0).no_descriptor_drops, 1u);
  // The driver cleans and re-posts 8 buffers (wrapping), then bumps the tail.
  for (uint32_t k = 0; k < 8; ++k) post(0, (kQlen - 1 + k) % kQlen);
  wr(reg::QRX_TAIL, (kQlen - 1 + 8) % kQlen);
  EXPECT_EQ(dev.lan().receive(0, frame(64, 0), RxFrameInfo{}), RxResult::delivered);
  EXPECT_EQ(length(qw1(0, kQlen - 1)), 64u);  // slot 31, then wrap to 0
  EXPECT_EQ(dev.lan().receive(0, frame(65, 0), RxFrameInfo{}), RxResult::delivered);
  EXPECT_EQ(length(qw1(0, 0)), 65u);
}

TEST_F(RxFixture, CachedDescriptorsStayUsableAfterTheDriverRewritesTheRing) {
  // The hardware's descriptor cache holds buffer addresses it already
  // fetched: rewriting the ring memory does not take them back.
  dev.lan().set_rx_descriptor_cache(4);
  setup(0);
  EXPECT_EQ(dev.lan().rx(0).ring.cached(), 4u);
  const uint64_t original = buffer(0, 0);
  uint64_t moved[2] = {buffer(0, 20), 0};
  mem.write(slot(0, 0), moved, sizeof moved);
  ASSERT_EQ(dev.lan().receive(0, frame(64, 9), RxFrameInfo{}), RxResult::delivered);
  EXPECT_EQ(mem.get<uint8_t>(original), 9);
  EXPECT_EQ(mem.get<uint8_t>(buffer(0, 20)), 0);
}

TEST_F(RxFixture, PrefetchHintNamesAPostedBufferAFewFramesAhead) {
  // The hint is for a buffer the queue already holds (its cache), so it is
  // one the driver posted; it runs ahead of the frame being written, and at
  // the end of the posted buffers it names the last one, never beyond.
  dev.lan().set_rx_descriptor_cache(8);
  setup(0);
  for (uint32_t i = 0; i < kQlen - 1; ++i) {
    mem.prefetches.clear();
    ASSERT_EQ(dev.lan().receive(0, frame(64, 0), RxFrameInfo{}), RxResult::delivered);
    if (i + 1 == kQlen - 1) {
      EXPECT_TRUE(mem.prefetches.empty()) << "nothing is posted after the last buffer";
      continue;
    }
    ASSERT_EQ(mem.prefetches.size(), 1u) << "frame " << i;
    const uint32_t expected = std::min<uint32_t>(i + 1 + 4, kQlen - 2);
    EXPECT_EQ(mem.prefetches[0].gpa, buffer(0, expected)) << "frame " << i;
    EXPECT_EQ(mem.prefetches[0].len, 64u);
  }
}

TEST_F(RxFixture, InterruptWaitsForReenableAfterAutoMask) {
  setup(0);
  dev.lan().receive(0, frame(64, 0), RxFrameInfo{});
  dev.lan().receive(0, frame(64, 0), RxFrameInfo{});
  EXPECT_EQ(msix.vectors.size(), 1u);  // NAPI runs; INTENA is off
  wr(reg::PFINT_DYN_CTLN, reg::PFINT_DYN_CTL_INTENA | (3u << 3));
  EXPECT_EQ(msix.vectors.size(), 2u);  // the second frame was not lost
}

TEST_F(RxFixture, WildBufferStopsOnlyThatQueue) {
  setup(0);
  setup(1, kBuf, kBuf, 2);
  // Driver bug or attack: slot 1 points outside guest memory.
  dev.lan().set_rx_descriptor_cache(64);
  uint64_t wild[2] = {0xDEAD00000000ull, 0};
  mem.write(slot(0, 1), wild, sizeof wild);
  // Re-enable queue 0 so the cache is refetched with the wild slot.
  wr(reg::QRX_ENA, 0);
  wr(reg::QRX_ENA, reg::QENA_REQ);
  EXPECT_EQ(dev.lan().receive(0, frame(64, 0), RxFrameInfo{}), RxResult::delivered);
  EXPECT_EQ(dev.lan().receive(0, frame(64, 0), RxFrameInfo{}), RxResult::dma_error);
  EXPECT_TRUE(dev.lan().rx(0).failed);
  EXPECT_EQ(dev.lan().receive(1, frame(64, 0), RxFrameInfo{}), RxResult::delivered);
  // Tail beyond the ring also stops the queue.
  wr(reg::QRX_TAIL + 4, 5000);
  EXPECT_TRUE(dev.lan().rx(1).failed);
}

TEST_F(RxFixture, DisabledQueueDropsAndDisableForgetsTheCache) {
  setup(0);
  wr(reg::QRX_ENA, 0);
  EXPECT_EQ(dev.lan().rx(0).ring.cached(), 0u);
  EXPECT_EQ(dev.lan().receive(0, frame(64, 0), RxFrameInfo{}), RxResult::no_descriptor);
  EXPECT_EQ(dev.lan().receive(99, frame(64, 0), RxFrameInfo{}), RxResult::no_descriptor);
}

TEST(RxWriteBack, Fields) {
  RxFrameInfo info;
  info.ptype = 26;
  info.ip_error = true;
  info.l4_error = true;
  info.umbcast = 2;
  info.l2tag1_present = true;
  info.l2tag1 = 0x0123;
  const uint64_t w = rx_writeback_qword1(info, 1514, true);
  EXPECT_TRUE(w & (1u << 2));       // L2TAG1P
  EXPECT_TRUE(w & (1u << 22));      // IPE
  EXPECT_TRUE(w & (1u << 23));      // L4E
  EXPECT_EQ((w >> 9) & 3, 2u);      // broadcast
  EXPECT_EQ((w >> 38) & 0x3FFF, 1514u);
  EXPECT_EQ((rx_writeback_qword0(info) >> 16) & 0xFFFF, 0x0123u);
}

}  // namespace
}  // namespace x710
