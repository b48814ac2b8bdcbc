// Device-side speed, with no QEMU: the receive path (classify, RSS, ring,
// write-back, interrupt) into fake guest memory with 64-byte frames, its
// parts, and the transmit offload engine. Run by `./x710 bench`; figures,
// not pass/fail. The target for the receive path is 15 Mpps per core
// (above 10GbE line rate, 14.88 Mpps).
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "device.h"
#include "driver_steps.h"
#include "flood.h"
#include "guest_memory.h"
#include "log.h"
#include "msix_sink.h"
#include "packet_parse.h"
#include "registers.h"
#include "rss.h"
#include "tx_offload.h"

namespace x710 {
namespace {

// Flat guest memory with the same bounds checks as the real transport.
class BenchMemory : public GuestMemory {
 public:
  BenchMemory(uint64_t base, size_t size) : base_(base), bytes_(size) {}
  bool read(uint64_t gpa, void* dst, size_t len) override {
    if (gpa < base_ || gpa - base_ + len > bytes_.size()) return false;
    std::memcpy(dst, bytes_.data() + (gpa - base_), len);
    return true;
  }
  bool write(uint64_t gpa, const void* src, size_t len) override {
    if (gpa < base_ || gpa - base_ + len > bytes_.size()) return false;
    std::memcpy(bytes_.data() + (gpa - base_), src, len);
    return true;
  }
  void prefetch_for_write(uint64_t gpa, size_t len) override {
    if (!honour_prefetch || gpa < base_ || gpa - base_ + len > bytes_.size()) return;
    __builtin_prefetch(bytes_.data() + (gpa - base_), 1, 3);
  }
  uint8_t* at(uint64_t gpa) { return bytes_.data() + (gpa - base_); }
  bool honour_prefetch = true;  // false: what the hint buys, by contrast

 private:
  uint64_t base_;
  std::vector<uint8_t> bytes_;
};

class NullMsix : public MsixSink {
 public:
  void raise(unsigned) override { ++raised; }
  uint64_t raised = 0;
};

// Benchmarks build and reset many devices; their info lines are noise here.
const bool quiet_log = [] {
  Log::set_level(LogLevel::warn);
  return true;
}();

constexpr uint64_t kMem = 0x1000000;
constexpr uint64_t kHmc = kMem;
constexpr uint64_t kRings = kMem + 0x100000;
constexpr uint64_t kBuffers = kMem + 0x400000;
constexpr uint32_t kQueues = 4;
constexpr uint32_t kQlen = 4096;

// A device with kQueues receive queues enabled and RSS programmed the way
// the driver does it; refill() plays the driver re-posting every buffer.
struct RxSetup {
  BenchMemory mem{kMem, 24u << 20};  // HMC, rings at +1 MiB, 16 MiB of buffers at +4 MiB
  NullMsix msix;
  Device dev{DeviceConfig{}, mem, msix};

  RxSetup() {
    auto wr = [this](uint32_t off, uint32_t v) { dev.mmio_write(off, v); };
    test::program_lan_hmc(dev, kHmc);
    for (uint32_t i = 0; i < 13; ++i) wr(reg::PFQF_HKEY + 128 * i, 0x6d5a56da + i);
    for (uint32_t i = 0; i < 128; ++i) wr(reg::PFQF_HLUT + 128 * i, 0x03020100);
    wr(reg::PFQF_HENA, 0xFFFFFFFF);
    wr(reg::PFQF_HENA + 128, 0xFFFFFFFF);
    wr(reg::PFQF_CTL_0, 1u << 16);
    for (uint32_t q = 0; q < kQueues; ++q) {
      test::RxContextFields rx;  // 1536-byte buffers and frames, as before
      rx.ring = ring(q);
      rx.qlen = kQlen;
      test::write_rx_context(mem, kHmc, q, rx);
      wr(reg::QINT_RQCTL + 4 * q, reg::QINT_CTL_CAUSE_ENA | (q + 1));
      post_all(q);
      wr(reg::QRX_TAIL + 4 * q, kQlen - 1);
      wr(reg::QRX_ENA + 4 * q, reg::QENA_REQ);
    }
  }
  static uint64_t ring(uint32_t q) { return kRings + uint64_t{q} * kQlen * 16; }
  void post_all(uint32_t q) {
    for (uint32_t i = 0; i < kQlen; ++i) {
      uint64_t d[2] = {kBuffers + (uint64_t{q} * kQlen + i) % 8192 * 2048, 0};
      std::memcpy(mem.at(ring(q) + i * 16), d, 16);
    }
  }
  // The driver's refill: re-post the consumed half and move the tail on.
  void refill(uint32_t q) {
    const uint32_t tail = dev.registers().raw_value(reg::QRX_TAIL + 4 * q);
    const uint32_t next = (tail + kQlen / 2) % kQlen;
    post_all(q);
    dev.mmio_write(reg::QRX_TAIL + 4 * q, next);
    // NAPI re-enables the vector after its poll.
    dev.mmio_write(reg::PFINT_DYN_CTLN + 4 * q, reg::PFINT_DYN_CTL_INTENA);
  }
};

void BM_ReceivePath64B(benchmark::State& state) {
  RxSetup s;
  s.mem.honour_prefetch = state.range(0) != 0;
  FloodConfig cfg;
  cfg.flows = 256;
  FloodGenerator gen(cfg, s.dev.config().mac);
  uint64_t delivered = 0, n = 0;
  for (auto _ : state) {
    if (s.dev.packet_path().receive(gen.next()) == RxResult::delivered) ++delivered;
    if (++n % (kQlen / 2) == 0) {
      // The driver's work, not the device's: off the clock.
      state.PauseTiming();
      for (uint32_t q = 0; q < kQueues; ++q) s.refill(q);
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["delivered_fraction"] = n ? static_cast<double>(delivered) / static_cast<double>(n) : 0;
  state.counters["Mpps"] = benchmark::Counter(static_cast<double>(state.iterations()) / 1e6, benchmark::Counter::kIsRate);
}
// /1: the memory honours the receive path's prefetch hint, as DmaMemory
// does; /0: it ignores it (every buffer write misses the cache).
// Five repetitions each, reported as mean, median and spread: this figure
// moves with whatever else the host runs.
BENCHMARK(BM_ReceivePath64B)->ArgName("prefetch")->Arg(1)->Arg(0)->Repetitions(5)->ReportAggregatesOnly(true);

void BM_ParsePacket64B(benchmark::State& state) {
  FloodGenerator gen(FloodConfig{}, {2, 0, 0x71, 0, 0, 1});
  const auto frame = gen.next();
  std::vector<uint8_t> copy(frame.begin(), frame.end());
  for (auto _ : state) benchmark::DoNotOptimize(parse_packet(copy));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ParsePacket64B);

void BM_FloodFrame(benchmark::State& state) {
  FloodGenerator gen(FloodConfig{}, {2, 0, 0x71, 0, 0, 1});
  for (auto _ : state) benchmark::DoNotOptimize(gen.next().data());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_FloodFrame);

void BM_RegisterWrite(benchmark::State& state) {
  // The device-core share of one guest MMIO write (DYN_CTLN, the hottest
  // register under NAPI); the vfio-user round trip comes on top.
  RxSetup s;
  for (auto _ : state) s.dev.mmio_write(reg::PFINT_DYN_CTLN, reg::PFINT_DYN_CTL_INTENA | (3u << 3));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RegisterWrite);

}  // namespace
}  // namespace x710

BENCHMARK_MAIN();
