// The whole device core driven the way the Linux driver drives it at probe
// and open: PF reset, NVM reads through SRCTL, the admin queue through MMIO,
// HMC and queue enable, transmit with head write-back, interrupts with
// auto-mask, link events on the ARQ, resets. Fake guest memory, no QEMU.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <thread>

#include "driver_steps.h"
#include "device.h"
#include "fake_guest_memory.h"
#include "registers.h"

namespace x710 {
namespace {

constexpr uint64_t kMem = 0x1000000;  // 16 MiB of "guest RAM" at 16 MiB
constexpr uint64_t kAtq = kMem + 0x0000;
constexpr uint64_t kArq = kMem + 0x2000;
constexpr uint64_t kArqBufs = kMem + 0x100000;
constexpr uint64_t kHmc = kMem + 0x400000;
constexpr uint64_t kTxRing = kMem + 0x500000;
constexpr uint64_t kFrames = kMem + 0x600000;
constexpr uint32_t kAqLen = 16;

struct DeviceFixture : ::testing::Test {
  test::FakeGuestMemory mem{kMem, 16 << 20};
  test::RecordingMsix msix;
  Device dev{DeviceConfig{}, mem, msix};

  uint32_t rd(uint32_t off) { return dev.mmio_read(off); }
  void wr(uint32_t off, uint32_t v) { dev.mmio_write(off, v); }

  // i40e_read_nvm_word_srctl.
  uint16_t nvm_word(uint32_t address) {
    EXPECT_TRUE(rd(reg::GLNVM_SRCTL) & reg::GLNVM_SRCTL_DONE);
    wr(reg::GLNVM_SRCTL, (address << reg::GLNVM_SRCTL_ADDR_SHIFT) | reg::GLNVM_SRCTL_START);
    EXPECT_TRUE(rd(reg::GLNVM_SRCTL) & reg::GLNVM_SRCTL_DONE);
    return static_cast<uint16_t>(rd(reg::GLNVM_SRDATA) >> 16);
  }

  // i40e_init_adminq via MMIO, in the driver's register order.
  void init_adminq() {
    wr(reg::PF_ATQH, 0);
    wr(reg::PF_ATQT, 0);
    wr(reg::PF_ATQLEN, kAqLen | reg::AQ_LEN_ENABLE);
    wr(reg::PF_ATQBAL, static_cast<uint32_t>(kAtq));
    wr(reg::PF_ATQBAH, 0);
    ASSERT_EQ(rd(reg::PF_ATQBAL), static_cast<uint32_t>(kAtq));
    for (uint32_t i = 0; i < kAqLen; ++i) {
      AdminDescriptor d{};
      d.flags = aq_flag::BUF | aq_flag::LB;
      d.datalen = 4096;
      d.param3 = static_cast<uint32_t>(kArqBufs + i * 4096);
      mem.put(kArq + i * 32, d);
    }
    wr(reg::PF_ARQH, 0);
    wr(reg::PF_ARQT, 0);
    wr(reg::PF_ARQLEN, kAqLen | reg::AQ_LEN_ENABLE);
    wr(reg::PF_ARQBAL, static_cast<uint32_t>(kArq));
    wr(reg::PF_ARQBAH, 0);
    wr(reg::PF_ARQT, kAqLen - 1);
  }

  AdminDescriptor send(AdminDescriptor d) {
    const uint32_t slot = rd(reg::PF_ATQT);
    mem.put(kAtq + slot * 32, d);
    wr(reg::PF_ATQT, (slot + 1) % kAqLen);
    EXPECT_EQ(rd(reg::PF_ATQH), (slot + 1) % kAqLen) << "command not completed synchronously";
    return mem.get<AdminDescriptor>(kAtq + slot * 32);
  }

  // i40e_configure_lan_hmc with a direct SD 0 and base 0 for TX queues.
  void setup_hmc() {
    wr(reg::GLHMC_LANTXCNT, 64);
    wr(reg::GLHMC_LANRXCNT, 64);
    test::program_lan_hmc(dev, kHmc);
  }

  // i40e_configure_tx_ring + i40e_vsi_configure_msix for queue q on vector v.
  void setup_tx_queue(uint32_t q, unsigned vector, uint16_t qlen = 64) {
    uint8_t ctx[128] = {};
    test::pack_bits(ctx, 30, 1, 1);
    test::pack_bits(ctx, 32, 57, (kTxRing + q * 0x10000) / 128);
    test::pack_bits(ctx, 160, 1, 1);
    test::pack_bits(ctx, 161, 13, qlen);
    test::pack_bits(ctx, 192, 64, kTxRing + q * 0x10000 + qlen * 16);
    mem.write(kHmc + q * 128, ctx, sizeof ctx);
    wr(reg::QTX_CTL + 4 * q, 2);
    wr(reg::QINT_TQCTL + 4 * q, reg::QINT_CTL_CAUSE_ENA | (1u << reg::QINT_CTL_ITR_INDX_SHIFT) | vector |
                                    (0x7FFu << reg::QINT_CTL_NEXTQ_INDX_SHIFT));
    wr(reg::PFINT_DYN_CTLN + 4 * (vector - 1), reg::PFINT_DYN_CTL_INTENA | reg::PFINT_DYN_CTL_CLEARPBA | (3u << 3));
    wr(reg::QTX_HEAD + 4 * q, 0);
    wr(reg::QTX_ENA + 4 * q, reg::QENA_REQ);
  }

  // One frame in one data descriptor with EOP|RS|ICRC (i40e_tx_map).
  void put_tx_frame(uint32_t q, uint32_t index, uint16_t size, uint8_t fill) {
    const uint64_t buf = kFrames + q * 0x10000 + index * 2048;
    std::vector<uint8_t> bytes(size, fill);
    mem.write(buf, bytes.data(), bytes.size());
    const uint64_t cmd = 0x001 | 0x002 | 0x004;
    uint64_t desc[2] = {buf, (cmd << 4) | (uint64_t{size} << 34)};
    mem.write(kTxRing + q * 0x10000 + index * 16, desc, sizeof desc);
  }
};

TEST_F(DeviceFixture, ProbeRegistersReadAsTheDriverRequires) {
  EXPECT_EQ(rd(reg::GLGEN_RSTAT) & 3, 0u);
  EXPECT_EQ(rd(reg::GLNVM_ULD) & 0x18, 0x18u);
  EXPECT_EQ(rd(reg::GL_FWSTS) & 0x00FF0000, 0u);
  EXPECT_TRUE(rd(reg::GLNVM_FLA) & reg::GLNVM_FLA_LOCKED);
  const uint32_t sr_size = (rd(reg::GLNVM_GENS) >> 5) & 7;
  EXPECT_GE(sr_size, 2u);
  EXPECT_LE(sr_size, 6u);
  EXPECT_EQ(rd(reg::GLHMC_LANTXOBJSZ), 7u);
  EXPECT_EQ(rd(reg::GLHMC_LANRXOBJSZ), 5u);
  EXPECT_GE(rd(reg::GLHMC_LANQMAX), dev.config().num_queue_pairs);
  const uint32_t cnf2 = rd(reg::GLPCI_CNF2);
  EXPECT_EQ((cnf2 >> 2) & 0x7FF, dev.config().num_msix_vectors - 1);
  EXPECT_LE((cnf2 >> 13) & 0x7FF, 514u);
  const uint32_t qalloc = rd(reg::PFLAN_QALLOC);
  EXPECT_TRUE(qalloc & (1u << 31));
  EXPECT_EQ(((qalloc >> 16) & 0x7FF) - (qalloc & 0x7FF) + 1, dev.config().num_queue_pairs);
  EXPECT_GE(rd(reg::PRTGL_SAH) >> 16, 0x2600u);
  EXPECT_NE((rd(reg::PRTTSYN_CTL0) >> 8) & 0xF, 0u) << "PTP would switch on for PF 0";
  // Read-only registers resist the guest.
  wr(reg::GLNVM_ULD, 0);
  EXPECT_EQ(rd(reg::GLNVM_ULD) & 0x18, 0x18u);
}

TEST_F(DeviceFixture, GlvfgenTimerAdvances) {
  const uint32_t a = rd(reg::GLVFGEN_TIMER);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_GT(rd(reg::GLVFGEN_TIMER) - a, 1000u);
}

TEST_F(DeviceFixture, PfSoftwareResetCompletesAtOnceAndForgetsState) {
  init_adminq();
  wr(0x5000, 1234);  // plain storage
  wr(reg::PFGEN_CTRL, rd(reg::PFGEN_CTRL) | reg::PFGEN_CTRL_PFSWR);
  EXPECT_EQ(rd(reg::PFGEN_CTRL) & reg::PFGEN_CTRL_PFSWR, 0u);
  EXPECT_EQ(dev.pf_resets(), 1u);
  EXPECT_EQ(rd(reg::PF_ATQLEN), 0u);
  EXPECT_EQ(rd(0x5000), 0u);
  EXPECT_TRUE(rd(reg::GLNVM_SRCTL) & reg::GLNVM_SRCTL_DONE);
  EXPECT_EQ(rd(reg::GLNVM_ULD) & 0x18, 0x18u);
}

TEST_F(DeviceFixture, NvmThroughSrctlPassesTheDriversChecksum) {
  const uint32_t words = 512u << ((rd(reg::GLNVM_GENS) >> 5) & 7);
  EXPECT_EQ((nvm_word(0) >> 6) & 3, 1u);
  // i40e_calc_nvm_checksum over the register port.
  const uint16_t vpd = nvm_word(0x2F), alt = nvm_word(0x3E);
  uint16_t sum = 0;
  for (uint32_t i = 0; i < words; ++i) {
    if (i == 0x3F) continue;
    if (i >= vpd && i < vpd + 512u) continue;
    if (i >= alt && i < alt + 512u) continue;
    sum = static_cast<uint16_t>(sum + nvm_word(i));
  }
  EXPECT_EQ(static_cast<uint16_t>(0xBABA - sum), nvm_word(0x3F));
  // A read beyond the shadow RAM returns something and keeps the port usable.
  nvm_word(0x7FFF);
  EXPECT_EQ(nvm_word(0x18), 0x6001);
}

TEST_F(DeviceFixture, AdminQueueThroughMmio) {
  init_adminq();
  AdminDescriptor d{};
  d.opcode = aq_op::get_version;
  AdminDescriptor r = send(d);
  EXPECT_EQ(r.retval, 0);
  EXPECT_EQ(r.u16_at(28), 1);
  EXPECT_TRUE(rd(reg::PF_ATQLEN) & reg::AQ_LEN_ENABLE);  // i40e_check_asq_alive
}

TEST_F(DeviceFixture, TransmitWritesHeadBackAndInterruptsWithAutoMask) {
  std::vector<std::vector<uint8_t>> sent;
  dev.lan().set_frame_sink([&](uint32_t, std::span<const uint8_t> f) { sent.emplace_back(f.begin(), f.end()); });
  setup_hmc();
  setup_tx_queue(0, 1);
  EXPECT_TRUE(rd(reg::QTX_ENA) & reg::QENA_STAT);
  put_tx_frame(0, 0, 42, 0xAB);  // short: the device pads to 60
  put_tx_frame(0, 1, 1514, 0xCD);
  wr(reg::QTX_TAIL, 2);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].size(), 60u);
  EXPECT_EQ(sent[0][41], 0xAB);
  EXPECT_EQ(sent[0][59], 0);
  EXPECT_EQ(sent[1].size(), 1514u);
  EXPECT_EQ(mem.get<uint32_t>(kTxRing + 64 * 16), 2u) << "head write-back";
  ASSERT_EQ(msix.vectors.size(), 1u);
  EXPECT_EQ(msix.vectors[0], 1u);
  // INTENA dropped: the next completion waits until the driver re-enables.
  put_tx_frame(0, 2, 100, 1);
  wr(reg::QTX_TAIL, 3);
  EXPECT_EQ(msix.vectors.size(), 1u);
  EXPECT_TRUE(dev.interrupts().pending(1));
  wr(reg::PFINT_DYN_CTLN, reg::PFINT_DYN_CTL_INTENA | reg::PFINT_DYN_CTL_CLEARPBA | (3u << 3));
  EXPECT_EQ(msix.vectors.size(), 2u);
  EXPECT_EQ(mem.get<uint32_t>(kTxRing + 64 * 16), 3u);
}

TEST_F(DeviceFixture, TransmitHeadStaysAtFrameBoundary) {
  setup_hmc();
  setup_tx_queue(0, 1);
  // A frame over two descriptors, only the first posted so far.
  const uint64_t buf = kFrames;
  uint64_t first[2] = {buf, (uint64_t{0x004} << 4) | (uint64_t{100} << 34)};
  mem.write(kTxRing, first, sizeof first);
  wr(reg::QTX_TAIL, 1);
  EXPECT_EQ(mem.get<uint32_t>(kTxRing + 64 * 16), 0u);
  uint64_t second[2] = {buf + 100, (uint64_t{0x007} << 4) | (uint64_t{50} << 34)};
  mem.write(kTxRing + 16, second, sizeof second);
  wr(reg::QTX_TAIL, 2);
  EXPECT_EQ(mem.get<uint32_t>(kTxRing + 64 * 16), 2u);
  EXPECT_EQ(dev.lan().tx(0).frames, 1u);
  EXPECT_EQ(dev.lan().tx(0).bytes, 150u);
}

TEST_F(DeviceFixture, WildTransmitDescriptorStopsOnlyThatQueue) {
  setup_hmc();
  setup_tx_queue(0, 1);
  setup_tx_queue(1, 2);
  uint64_t wild[2] = {0xDEAD0000000ull, (uint64_t{0x003} << 4) | (uint64_t{64} << 34)};
  mem.write(kTxRing, wild, sizeof wild);
  wr(reg::QTX_TAIL, 1);
  EXPECT_TRUE(dev.lan().tx(0).failed);
  put_tx_frame(1, 0, 64, 9);
  wr(reg::QTX_TAIL + 4, 1);
  EXPECT_EQ(dev.lan().tx(1).frames, 1u);
  // Tail beyond the ring.
  wr(reg::QTX_TAIL + 4, 4000);
  EXPECT_TRUE(dev.lan().tx(1).failed);
}

TEST_F(DeviceFixture, QueueEnableHandshakeAndBadContext) {
  setup_hmc();
  // RX queue 0 with an all-zero context: the handshake completes (so the
  // driver does not reset the PF over it) but the queue is flagged failed.
  wr(reg::QRX_TAIL, 63);  // latched while disabled
  wr(reg::QRX_ENA, reg::QENA_REQ);
  EXPECT_TRUE(rd(reg::QRX_ENA) & reg::QENA_STAT);
  EXPECT_TRUE(dev.lan().rx(0).failed);
  wr(reg::QRX_ENA, 0);
  EXPECT_EQ(rd(reg::QRX_ENA) & reg::QENA_STAT, 0u);
  // A good one.
  test::write_rx_context(mem, kHmc, 1, {.ring = kTxRing, .qlen = 64});
  wr(reg::QRX_ENA + 4, reg::QENA_REQ);
  EXPECT_TRUE(rd(reg::QRX_ENA + 4) & reg::QENA_STAT);
  EXPECT_TRUE(dev.lan().rx(1).enabled);
  EXPECT_EQ(dev.lan().rx(1).ctx.dbuff, 1536);
}

TEST_F(DeviceFixture, LinkEventReachesTheArqAndVectorZero) {
  init_adminq();
  // i40e_enable_misc_int_causes + i40e_irq_dynamic_enable_icr0.
  wr(reg::PFINT_ICR0_ENA, reg::PFINT_ICR0_ADMINQ | reg::PFINT_ICR0_LINK_STAT_CHANGE);
  wr(reg::PFINT_DYN_CTL0, reg::PFINT_DYN_CTL_INTENA | reg::PFINT_DYN_CTL_CLEARPBA | (3u << 3));
  // i40e_aq_get_link_info with LSE enable.
  AdminDescriptor d{};
  d.opcode = aq_op::get_link_status;
  d.set_u16(16, 0x0003);
  AdminDescriptor r = send(d);
  EXPECT_EQ(r.retval, 0);
  EXPECT_TRUE(r.byte_at(20) & 0x01) << "link up";
  dev.set_link(false);
  EXPECT_EQ(rd(reg::PF_ARQH), 1u);
  AdminDescriptor ev = mem.get<AdminDescriptor>(kArq);
  EXPECT_EQ(ev.opcode, aq_op::get_link_status);
  EXPECT_EQ(ev.byte_at(20) & 0x01, 0) << "event says link down";
  ASSERT_EQ(msix.vectors.size(), 1u);
  EXPECT_EQ(msix.vectors[0], 0u);
  const uint32_t icr0 = rd(reg::PFINT_ICR0);
  EXPECT_TRUE(icr0 & reg::PFINT_ICR0_INTEVENT);
  EXPECT_TRUE(icr0 & reg::PFINT_ICR0_ADMINQ);
  EXPECT_EQ(rd(reg::PFINT_ICR0), 0u) << "clear on read";
  // Masked with 0x0613 LINK_UPDOWN: no event.
  AdminDescriptor mask{};
  mask.opcode = aq_op::set_phy_int_mask;
  mask.set_u16(24, 0x0002);
  send(mask);
  dev.set_link(true);
  EXPECT_EQ(rd(reg::PF_ARQH), 1u);
}

TEST_F(DeviceFixture, SoftwareInterruptOnVectorZeroSetsSwint) {
  wr(reg::PFINT_ICR0_ENA, reg::PFINT_ICR0_SWINT);
  wr(reg::PFINT_DYN_CTL0, reg::PFINT_DYN_CTL_INTENA | reg::PFINT_DYN_CTL_SWINT_TRIG);
  ASSERT_EQ(msix.vectors.size(), 1u);
  EXPECT_TRUE(rd(reg::PFINT_ICR0) & reg::PFINT_ICR0_SWINT);
  // INTENA_MSK writes leave INTENA alone (auto-masked now: stays off).
  wr(reg::PFINT_DYN_CTL0, reg::PFINT_DYN_CTL_INTENA | reg::PFINT_DYN_CTL_INTENA_MSK);
  EXPECT_FALSE(dev.interrupts().intena(0));
}

TEST_F(DeviceFixture, CoreResetRaisesGrstAndStopsQueues) {
  setup_hmc();
  setup_tx_queue(0, 1);
  init_adminq();
  wr(reg::PFINT_ICR0_ENA, 1u << 20);
  wr(reg::PFINT_DYN_CTL0, reg::PFINT_DYN_CTL_INTENA);
  wr(reg::GLGEN_RTRIG, reg::GLGEN_RTRIG_CORER);
  EXPECT_EQ(rd(reg::GLGEN_RTRIG) & 1, 0u);
  EXPECT_EQ((rd(reg::GLGEN_RSTAT) >> 2) & 3, 1u);
  EXPECT_EQ(rd(reg::GLGEN_RSTAT) & 3, 0u);
  EXPECT_TRUE(rd(reg::PFINT_ICR0) & (1u << 20));
  EXPECT_FALSE(dev.lan().tx(0).enabled);
  EXPECT_EQ(rd(reg::PF_ATQLEN), 0u);
}

TEST_F(DeviceFixture, PowerOnResetIsLikeNew) {
  setup_hmc();
  setup_tx_queue(0, 1);
  dev.power_on_reset();
  EXPECT_FALSE(dev.lan().tx(0).enabled);
  EXPECT_EQ(rd(reg::QTX_ENA), 0u);
  EXPECT_FALSE(dev.interrupts().intena(1));
  EXPECT_EQ(rd(reg::GLNVM_ULD) & 0x18, 0x18u);
}

TEST_F(DeviceFixture, RandomGuestMmioNeverCrashes) {
  // Untrusted guest: random values into every modelled register and random
  // offsets across BAR0, with guest memory full of random bytes.
  std::mt19937_64 rng(12345);
  std::vector<uint8_t> noise(1 << 20);
  for (auto& b : noise) b = static_cast<uint8_t>(rng());
  for (uint64_t off = 0; off < mem.size(); off += noise.size()) mem.write(kMem + off, noise.data(), noise.size());
  const uint32_t hot[] = {reg::PF_ATQT, reg::PF_ATQLEN, reg::PF_ATQBAL, reg::PF_ATQH, reg::PF_ARQT, reg::PF_ARQLEN,
                          reg::PF_ARQBAL, reg::PFHMC_SDCMD, reg::PFHMC_SDDATALOW, reg::PFHMC_SDDATAHIGH,
                          reg::GLNVM_SRCTL, reg::PFINT_DYN_CTL0, reg::PFINT_ICR0_ENA, reg::GLHMC_LANTXBASE,
                          reg::GLHMC_LANRXBASE, reg::QTX_ENA, reg::QRX_ENA, reg::QTX_TAIL, reg::QRX_TAIL,
                          reg::PFINT_DYN_CTLN, reg::QINT_TQCTL, reg::QINT_RQCTL, reg::GLGEN_RTRIG};
  for (int i = 0; i < 200000; ++i) {
    uint32_t off;
    if (rng() % 2) {
      off = hot[rng() % std::size(hot)] + 4 * static_cast<uint32_t>(rng() % 80);
    } else {
      off = static_cast<uint32_t>(rng() % RegisterFile::kSize) & ~3u;
    }
    // Point some bases into guest memory so the engines really run.
    uint32_t value = static_cast<uint32_t>(rng());
    if (rng() % 3 == 0) value = static_cast<uint32_t>(kMem + (rng() % (16 << 20)));
    if (rng() % 4 == 0) {
      dev.mmio_read(off);
    } else {
      dev.mmio_write(off, value);
    }
    if (i % 50000 == 0) dev.set_link(i % 100000 == 0);
  }
  SUCCEED();
}

}  // namespace
}  // namespace x710

namespace x710 {
namespace {

// ITR moderation with a fake clock: after an interrupt, the vector's next
// one waits for the interval the driver programmed (PFINT_ITRN, 2 us units).
TEST_F(DeviceFixture, ItrHoldsTheNextInterruptForTheInterval) {
  uint64_t now = 1'000'000'000;
  dev.interrupts().set_clock([&now] { return now; });
  setup_hmc();
  setup_tx_queue(0, 1);  // TX cause on ITR index 1
  wr(reg::PFINT_ITRN + 2048 * 1 + 0, 25);  // 50 us, the driver's default
  put_tx_frame(0, 0, 64, 1);
  wr(reg::QTX_TAIL, 1);
  ASSERT_EQ(msix.vectors.size(), 1u);
  // NAPI re-enables 10 us later, and another completion arrives: held.
  now += 10'000;
  wr(reg::PFINT_DYN_CTLN, reg::PFINT_DYN_CTL_INTENA | (3u << 3));
  put_tx_frame(0, 1, 64, 1);
  wr(reg::QTX_TAIL, 2);
  EXPECT_EQ(msix.vectors.size(), 1u);
  // The transport's precise timer is armed for the end of the interval.
  EXPECT_EQ(dev.next_deadline_ns(), 1'000'000'000u + 50'000u);
  dev.poll();
  EXPECT_EQ(msix.vectors.size(), 1u) << "still inside the 50 us interval";
  now += 40'001;
  dev.poll();
  EXPECT_EQ(msix.vectors.size(), 2u) << "delivered once the interval passed";
  EXPECT_EQ(dev.next_deadline_ns(), UINT64_MAX) << "nothing held any more";
  // ITR index 3 (none) is not moderated.
  wr(reg::QINT_TQCTL, reg::QINT_CTL_CAUSE_ENA | (3u << reg::QINT_CTL_ITR_INDX_SHIFT) | 1 |
                          (0x7FFu << reg::QINT_CTL_NEXTQ_INDX_SHIFT));
  wr(reg::PFINT_DYN_CTLN, reg::PFINT_DYN_CTL_INTENA | (3u << 3));
  put_tx_frame(0, 2, 64, 1);
  wr(reg::QTX_TAIL, 3);
  EXPECT_EQ(msix.vectors.size(), 3u);
}

TEST_F(DeviceFixture, DynCtlWithItrIndexUpdatesTheInterval) {
  // i40e_buildreg_itr: INTENA | ITR_INDX k | INTERVAL.
  wr(reg::PFINT_DYN_CTLN + 4 * 2, reg::PFINT_DYN_CTL_INTENA | (0u << 3) | (62u << 5));
  EXPECT_EQ(dev.registers().raw_value(reg::PFINT_ITRN + 4 * 2), 62u);
  wr(reg::PFINT_DYN_CTLN + 4 * 2, reg::PFINT_DYN_CTL_INTENA | (1u << 3) | (7u << 5));
  EXPECT_EQ(dev.registers().raw_value(reg::PFINT_ITRN + 2048 + 4 * 2), 7u);
}

}  // namespace
}  // namespace x710

namespace x710 {
namespace {

// i40e_vlan_stripping_enable (0x0211, VLAN section, EMOD "strip both"): a
// tagged frame arrives without its tag, the TCI in L2TAG1 with L2TAG1P.
TEST_F(DeviceFixture, VlanStrippingFollowsTheVsiSetting) {
  init_adminq();
  setup_hmc();
  constexpr uint64_t kRing = kTxRing + 0x80000;  // an RX ring of 16
  test::write_rx_context(mem, kHmc, 0, {.ring = kRing, .qlen = 16});
  for (uint32_t i = 0; i < 16; ++i) mem.put<uint64_t>(kRing + i * 16, kFrames + i * 2048);
  wr(reg::QRX_TAIL, 15);
  wr(reg::QRX_ENA, reg::QENA_REQ);
  // A VLAN 42 frame: dst, src, 0x8100, TCI, then IPv4 ethertype.
  std::vector<uint8_t> frame(64, 0);
  std::memcpy(frame.data(), dev.config().mac.data(), 6);
  frame[12] = 0x81;
  frame[14] = 0x00;
  frame[15] = 42;
  frame[16] = 0x88;  // an L2 payload ethertype: no IP needed here
  frame[17] = 0xB5;
  // Default (probe, i40e_vlan_stripping_disable): EMOD nothing, tag kept.
  ASSERT_EQ(dev.packet_path().receive(frame), RxResult::delivered);
  EXPECT_EQ(mem.get<uint8_t>(kFrames + 12), 0x81);
  EXPECT_EQ((mem.get<uint64_t>(kRing + 8) >> 38) & 0x3FFF, 64u);
  // Open: update VSI with the VLAN section, port_vlan_flags = 0x03.
  const uint64_t buf = kMem + 0x300000;
  std::vector<uint8_t> props(128, 0);
  props[0] = 0x04;  // I40E_AQ_VSI_PROP_VLAN_VALID
  props[12] = 0x03;
  mem.write(buf, props.data(), props.size());
  AdminDescriptor d{};
  d.opcode = aq_op::update_vsi_parameters;
  d.flags = aq_flag::BUF | aq_flag::RD;
  d.datalen = 128;
  d.param3 = static_cast<uint32_t>(buf);
  d.set_u16(16, dev.firmware().main_vsi_seid);
  ASSERT_EQ(send(d).retval, 0);
  ASSERT_EQ(dev.packet_path().receive(frame), RxResult::delivered);
  EXPECT_EQ(mem.get<uint8_t>(kFrames + 2048 + 12), 0x88) << "tag removed";
  const uint64_t qw1 = mem.get<uint64_t>(kRing + 16 + 8);
  EXPECT_EQ((qw1 >> 38) & 0x3FFF, 60u);
  EXPECT_TRUE(qw1 & (1u << 2)) << "L2TAG1P";
  EXPECT_EQ((mem.get<uint64_t>(kRing + 16) >> 16) & 0xFFFF, 42u) << "TCI in L2TAG1";
}

}  // namespace
}  // namespace x710
