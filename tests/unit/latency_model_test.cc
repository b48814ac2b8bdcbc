// The disable latency models: parsing with errors that name the value,
// fixed/uniform/normal/exponential draws (seeded, so reproducible), and the
// load-dependent form that makes a heavy flood stop slowly.
#include <gtest/gtest.h>

#include <numeric>

#include "driver_steps.h"
#include "fake_guest_memory.h"
#include "latency_model.h"

namespace x710 {
namespace {

constexpr uint64_t kMs = 1'000'000;

LatencyModel parsed(const std::string& text) {
  LatencyModel m;
  std::string error;
  EXPECT_TRUE(LatencyModel::parse(text, m, error)) << text << ": " << error;
  return m;
}

TEST(LatencyModel, Forms) {
  EXPECT_EQ(parsed("0").a_ns, 0u);
  EXPECT_TRUE(parsed("0").is_zero());
  EXPECT_EQ(parsed("1s").a_ns, 1000 * kMs);
  EXPECT_EQ(parsed("50ms").a_ns, 50 * kMs);
  EXPECT_EQ(parsed("250us").a_ns, 250'000u);
  EXPECT_EQ(parsed("uniform:100ms:1s").kind, LatencyModel::Kind::uniform);
  EXPECT_EQ(parsed("normal:500ms:100ms").b_ns, 100 * kMs);
  EXPECT_EQ(parsed("exp:300ms").kind, LatencyModel::Kind::exponential);
  EXPECT_EQ(parsed("load:1ms:5ms").b_ns, 5 * kMs);
  EXPECT_EQ(parsed("uniform:100ms:1s").describe(), "uniform 100ms..1s");
}

TEST(LatencyModel, ErrorsNameTheValue) {
  for (const char* bad : {"", "fast", "1 s", "-5ms", "10", "uniform:1s", "uniform:1s:100ms", "exp:0",
                          "normal:1s", "load:1ms", "gamma:1s:1s", "2h"}) {
    LatencyModel m;
    std::string error;
    EXPECT_FALSE(LatencyModel::parse(bad, m, error)) << bad;
    EXPECT_NE(error.find(std::string("'") + bad + "'"), std::string::npos) << error;
  }
}

TEST(LatencyModel, RandomFormsStayInRangeAndRepeatWithTheSeed) {
  const LatencyModel u = parsed("uniform:100ms:1s");
  std::mt19937_64 a(7), b(7);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = u.draw(a, 0);
    EXPECT_GE(x, 100 * kMs);
    EXPECT_LE(x, 1000 * kMs);
    EXPECT_EQ(x, u.draw(b, 0)) << "same seed, same sequence";
  }
  const LatencyModel e = parsed("exp:300ms");
  std::mt19937_64 r(1);
  double sum = 0;
  for (int i = 0; i < 20000; ++i) sum += static_cast<double>(e.draw(r, 0));
  EXPECT_NEAR(sum / 20000 / kMs, 300.0, 15.0);
  const LatencyModel n = parsed("normal:10ms:100ms");  // wide: negatives clamp at 0
  for (int i = 0; i < 1000; ++i) EXPECT_LE(n.draw(r, 0), 3600'000 * kMs);
}

TEST(LatencyModel, LoadDependentGrowsWithTheRate) {
  const LatencyModel l = parsed("load:1ms:5ms");
  std::mt19937_64 r(1);
  EXPECT_EQ(l.draw(r, 0), 1 * kMs);
  EXPECT_EQ(l.draw(r, 5000), 26 * kMs);      // gentle: below the driver's 50 ms
  EXPECT_EQ(l.draw(r, 200000), 1001 * kMs);  // heavy: about the field report's 1 s
}

// Through the device: the rate a queue carried picks the window.
TEST(LatencyModel, DeviceUsesTheQueuesOfferedRate) {
  test::FakeGuestMemory mem(0x1000000, 16 << 20);
  test::RecordingMsix msix;
  DeviceConfig config;
  config.rx_disable.latency = parsed("load:1ms:5ms");
  Device dev(config, mem, msix);
  uint64_t now = 1'000 * kMs;
  dev.set_clock([&now] { return now; });
  test::program_lan_hmc(dev, 0x1400000);
  test::write_rx_context(mem, 0x1400000, 0, {.ring = 0x1500000, .qlen = 64});
  for (uint32_t i = 0; i < 64; ++i) mem.put<uint64_t>(0x1500000 + i * 16, 0x1600000 + i * 2048);
  dev.mmio_write(reg::QRX_TAIL, 63);
  dev.mmio_write(reg::QRX_ENA, reg::QENA_REQ);
  std::vector<uint8_t> frame(60, 1);
  // 20 frames per ms for 300 ms: 20,000 frames/s offered.
  dev.poll();
  for (int ms = 0; ms < 300; ++ms) {
    for (int i = 0; i < 20; ++i) dev.lan().receive(0, frame, RxFrameInfo{});
    now += kMs;
    dev.poll();
  }
  dev.mmio_write(reg::QRX_ENA, 0);
  EXPECT_TRUE(dev.lan().rx(0).draining);
  EXPECT_NEAR(static_cast<double>(dev.lan().rx(0).window_ns) / kMs, 101.0, 2.0);  // 1 + 5 * 20
}

}  // namespace
}  // namespace x710
