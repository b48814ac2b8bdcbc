// The receive disable window, the hardware behaviour behind the race: after
// the driver clears QENA_REQ the queue keeps writing frames into buffers it
// already holds (and descriptors the ring still offers) until the latency
// has passed; QENA_STAT stays set meanwhile. Fake clock, fake guest memory.
#include <gtest/gtest.h>

#include <numeric>

#include "driver_steps.h"
#include "device.h"
#include "fake_guest_memory.h"
#include "registers.h"

namespace x710 {
namespace {

constexpr uint64_t kMem = 0x1000000;
constexpr uint64_t kHmc = kMem + 0x400000;
constexpr uint64_t kRing = kMem + 0x500000;
constexpr uint64_t kOtherRing = kMem + 0x580000;
constexpr uint64_t kBuffers = kMem + 0x600000;
constexpr uint16_t kQlen = 64;
constexpr uint64_t kMs = 1'000'000;

DeviceConfig with_latency(uint64_t ns, bool cancels = true) {
  DeviceConfig c;
  c.rx_disable.latency.a_ns = ns;
  c.rx_disable.enable_cancels_disable = cancels;
  return c;
}

struct WindowFixture : ::testing::Test {
  test::FakeGuestMemory mem{kMem, 16 << 20};
  test::RecordingMsix msix;
  uint64_t now = 5'000 * kMs;
  std::unique_ptr<Device> dev;

  void make(const DeviceConfig& config) {
    dev = std::make_unique<Device>(config, mem, msix);
    dev->set_clock([this] { return now; });
    test::program_lan_hmc(*dev, kHmc);
  }
  void wr(uint32_t off, uint32_t v) { dev->mmio_write(off, v); }
  uint32_t rd(uint32_t off) { return dev->mmio_read(off); }

  // i40e_configure_rx_ring + buffers + tail, then i40e_control_rx_q(true).
  void open_queue(uint64_t ring) {
    test::write_rx_context(mem, kHmc, 0, {.ring = ring, .qlen = kQlen});
    for (uint32_t i = 0; i < kQlen; ++i) mem.put<uint64_t>(ring + i * 16, kBuffers + i * 2048);
    wr(reg::QRX_TAIL, 0);
    wr(reg::QRX_TAIL, kQlen - 1);
    wr(reg::QRX_ENA, reg::QENA_REQ);
    ASSERT_TRUE(rd(reg::QRX_ENA) & reg::QENA_STAT);
  }
  RxResult frame(uint8_t fill) {
    std::vector<uint8_t> f(60, fill);
    return dev->lan().receive(0, f, RxFrameInfo{});
  }
};

TEST_F(WindowFixture, WithoutLatencyTheQueueStopsAtOnce) {
  make(with_latency(0));
  open_queue(kRing);
  wr(reg::QRX_ENA, 0);
  EXPECT_EQ(rd(reg::QRX_ENA) & reg::QENA_STAT, 0u);
  EXPECT_EQ(frame(1), RxResult::no_descriptor);
}

TEST_F(WindowFixture, FramesKeepLandingUntilTheLatencyHasPassed) {
  make(with_latency(200 * kMs));
  std::vector<RaceEvent> late;
  dev->race_monitor().set_sink([&](const RaceEvent& e) {
    if (e.kind == RaceEvent::Kind::late_frame) late.push_back(e);
  });
  open_queue(kRing);
  ASSERT_EQ(frame(1), RxResult::delivered);
  // i40e_control_rx_q(false), then i40e_pf_rxq_wait polls STAT for ~0.2 ms.
  wr(reg::QRX_ENA, 0);
  EXPECT_EQ(dev->next_deadline_ns(), now + 200 * kMs) << "the window's end is the device's next deadline";
  now += 1 * kMs;
  EXPECT_TRUE(rd(reg::QRX_ENA) & reg::QENA_STAT) << "the driver sees 'disable timeout'";
  dev->poll();
  // 50 ms later the driver frees the buffers; the queue still writes.
  now += 60 * kMs;
  dev->poll();
  ASSERT_EQ(frame(0xAB), RxResult::delivered);
  EXPECT_EQ(mem.get<uint8_t>(kBuffers + 1 * 2048), 0xAB) << "written into the second buffer, now freed";
  EXPECT_EQ(dev->lan().rx(0).late_frames, 1u);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].queue, 0u);
  EXPECT_EQ(late[0].since_request_ns, 61 * kMs);
  EXPECT_EQ(late[0].buffer_gpa, kBuffers + 1 * 2048);
  EXPECT_EQ(late[0].descriptor_gpa, kRing + 1 * 16);
  // At the deadline the queue stops for good.
  now += 140 * kMs;
  dev->poll();
  EXPECT_EQ(rd(reg::QRX_ENA) & reg::QENA_STAT, 0u);
  EXPECT_EQ(frame(2), RxResult::no_descriptor);
  EXPECT_EQ(dev->lan().rx(0).disable_requests, 1u);
}

TEST_F(WindowFixture, LateWritesAreSpreadOverTheWholeWindow) {
  // A flood offers far more frames than the queue holds; a stopping queue
  // fills its buffers evenly over the window instead of in the first
  // microseconds, so some writes come after the driver's free at ~50 ms.
  make(with_latency(100 * kMs));
  open_queue(kRing);
  const uint32_t held = dev->lan().rx(0).ring.usable();
  ASSERT_EQ(held, kQlen - 1u);
  wr(reg::QRX_ENA, 0);
  auto offer = [&](int n) {
    for (int i = 0; i < n; ++i) frame(3);
    return dev->lan().rx(0).late_frames;
  };
  EXPECT_EQ(offer(1000), 1u) << "one frame at the start of the window";
  now += 50 * kMs;
  const uint64_t at_half = offer(1000);
  EXPECT_NEAR(static_cast<double>(at_half), held / 2.0 + 1, 1.0);
  now += 49 * kMs;
  const uint64_t near_end = offer(1000);
  EXPECT_GE(near_end, held * 98u / 100u);
  EXPECT_LE(near_end, held);
  EXPECT_GT(dev->lan().rx(0).no_descriptor_drops, 2000u) << "the rest overflowed";
}

TEST_F(WindowFixture, EnableInsideTheWindowCancelsAndKeepsTheOldContext) {
  make(with_latency(1000 * kMs));
  open_queue(kRing);
  wr(reg::QRX_ENA, 0);
  now += 80 * kMs;
  // ifconfig up: the driver writes a new context (another ring) and enables.
  // i40e_control_rx_q skips the write when STAT already matches, but a
  // driver that does write finds the queue never stopped.
  test::write_rx_context(mem, kHmc, 0, {.ring = kOtherRing, .qlen = kQlen});
  wr(reg::QRX_ENA, reg::QENA_REQ);
  EXPECT_TRUE(rd(reg::QRX_ENA) & reg::QENA_STAT);
  EXPECT_FALSE(dev->lan().rx(0).draining);
  EXPECT_EQ(dev->lan().rx(0).ring.context().base, kRing) << "old context kept";
  now += 2000 * kMs;
  dev->poll();
  EXPECT_TRUE(rd(reg::QRX_ENA) & reg::QENA_STAT) << "no longer disabling";
}

TEST_F(WindowFixture, AfterACancelTheOldRingKeepsReceivingAndEveryFrameIsLate) {
  // ifconfig down; ifconfig up under flood: the queue goes on with the ring
  // the driver freed at close, so its frames are late DMA until it stops.
  make(with_latency(1000 * kMs));
  open_queue(kRing);
  wr(reg::QRX_ENA, 0);
  now += 80 * kMs;
  test::write_rx_context(mem, kHmc, 0, {.ring = kOtherRing, .qlen = kQlen});
  wr(reg::QRX_ENA, reg::QENA_REQ);
  now += 5000 * kMs;
  dev->poll();
  ASSERT_EQ(frame(7), RxResult::delivered);
  EXPECT_EQ(mem.get<uint8_t>(kBuffers), 7) << "the old ring's first buffer";
  EXPECT_EQ(dev->lan().rx(0).late_frames, 1u);
  const RaceCounters& c = dev->race_monitor().counters();
  EXPECT_EQ(c.disable_requests, 1u);
  EXPECT_EQ(c.disables_cancelled, 1u);
  EXPECT_EQ(c.late_frames, 1u);
  EXPECT_EQ(c.max_window_ns, 5080 * kMs);
  // The next real disable (without latency now) ends it, and it is reported.
  wr(reg::QRX_ENA, reg::QENA_FAST_QDIS);
  EXPECT_EQ(rd(reg::QRX_ENA) & reg::QENA_STAT, 0u);
  EXPECT_EQ(dev->race_monitor().counters().windows_ended, 1u);
}

TEST_F(WindowFixture, TheMonitorListsRequestCancelAndStopInOrder) {
  make(with_latency(300 * kMs));
  std::vector<RaceEvent> events;
  dev->race_monitor().set_sink([&](const RaceEvent& e) { events.push_back(e); });
  open_queue(kRing);
  wr(reg::QRX_ENA, 0);
  now += 100 * kMs;
  ASSERT_EQ(frame(1), RxResult::delivered);
  now += 300 * kMs;
  dev->poll();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, RaceEvent::Kind::disable_request);
  EXPECT_EQ(events[0].latency_ns, 300 * kMs);
  EXPECT_EQ(events[0].descriptors, kQlen - 1u);
  EXPECT_EQ(events[1].kind, RaceEvent::Kind::late_frame);
  EXPECT_FALSE(events[1].flood) << "a frame of 0x01 bytes has no flood signature";
  EXPECT_EQ(events[2].kind, RaceEvent::Kind::queue_stopped);
  EXPECT_EQ(events[2].frames, 1u);
  EXPECT_EQ(events[2].since_request_ns, 400 * kMs);
  EXPECT_FALSE(events[2].forced);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].index, i);
  EXPECT_EQ(dev->race_monitor().since(1, 10).size(), 2u);
}

TEST_F(WindowFixture, AFrameAfterTheDeadlineFindsTheQueueStoppedEvenBeforePoll) {
  // The event loop may run its flood tick before the device's poll: the
  // deadline, not the poll, ends the window.
  make(with_latency(20 * kMs));
  open_queue(kRing);
  wr(reg::QRX_ENA, 0);
  now += 45 * kMs;  // no poll() in between
  EXPECT_EQ(frame(1), RxResult::no_descriptor);
  EXPECT_EQ(dev->lan().rx(0).late_frames, 0u);
  EXPECT_EQ(rd(reg::QRX_ENA) & reg::QENA_STAT, 0u);
  EXPECT_EQ(dev->race_monitor().counters().windows_ended, 1u);
}

TEST_F(WindowFixture, TheMonitorStopsListingLateFramesAtItsLimit) {
  make(with_latency(1000 * kMs));
  dev->race_monitor().set_late_frame_limit(3);
  open_queue(kRing);
  wr(reg::QRX_ENA, 0);
  now += 990 * kMs;  // late in the window: the pace allows nearly every held buffer
  for (int i = 0; i < 10; ++i) ASSERT_EQ(frame(2), RxResult::delivered);
  const RaceCounters& c = dev->race_monitor().counters();
  EXPECT_EQ(c.late_frames, 10u);
  EXPECT_EQ(c.late_frames_unlisted, 7u);
}

TEST_F(WindowFixture, TransmitLatencyKeepsQtxStatSetUntilTheDeadline) {
  DeviceConfig c;
  c.rx_disable.tx_latency.a_ns = 200 * kMs;
  make(c);
  test::write_tx_context(mem, kHmc, 0, {.ring = kOtherRing, .qlen = kQlen});
  wr(reg::QTX_ENA, reg::QENA_REQ);
  ASSERT_TRUE(rd(reg::QTX_ENA) & reg::QENA_STAT);
  wr(reg::QTX_ENA, 0);
  EXPECT_TRUE(rd(reg::QTX_ENA) & reg::QENA_STAT);
  now += 199 * kMs;
  dev->poll();
  EXPECT_TRUE(rd(reg::QTX_ENA) & reg::QENA_STAT);
  now += 2 * kMs;
  dev->poll();
  EXPECT_EQ(rd(reg::QTX_ENA) & reg::QENA_STAT, 0u);
}

TEST_F(WindowFixture, WithoutCancelTheReEnableStartsFresh) {
  make(with_latency(1000 * kMs, false));
  open_queue(kRing);
  wr(reg::QRX_ENA, 0);
  open_queue(kOtherRing);
  EXPECT_EQ(dev->lan().rx(0).ring.context().base, kOtherRing);
}

TEST_F(WindowFixture, FastQdisAndResetsEndTheWindowAtOnce) {
  make(with_latency(1000 * kMs));
  open_queue(kRing);
  wr(reg::QRX_ENA, reg::QENA_FAST_QDIS);
  EXPECT_EQ(rd(reg::QRX_ENA) & reg::QENA_STAT, 0u);
  open_queue(kRing);
  wr(reg::QRX_ENA, 0);
  ASSERT_TRUE(dev->lan().rx(0).draining);
  wr(reg::PFGEN_CTRL, reg::PFGEN_CTRL_PFSWR);
  EXPECT_FALSE(dev->lan().rx(0).draining);
  EXPECT_EQ(rd(reg::QRX_ENA), 0u);
}

}  // namespace
}  // namespace x710
