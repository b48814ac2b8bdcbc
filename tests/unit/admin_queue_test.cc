// The ATQ/ARQ engine with the driver's ring protocol: descriptors in guest
// memory, doorbell on ATQT, completion when ATQH reaches the tail; ARQ
// events into the slots the driver posted (i40e_adminq.c).
#include <gtest/gtest.h>

#include "admin_queue.h"
#include "fake_guest_memory.h"
#include "firmware_state.h"
#include "nvm.h"
#include "register_file.h"
#include "registers.h"

namespace x710 {
namespace {

constexpr uint64_t kMem = 0x200000;
constexpr uint64_t kAtq = kMem;             // 32 descriptors
constexpr uint64_t kArq = kMem + 0x1000;    // 32 descriptors
constexpr uint64_t kBufs = kMem + 0x10000;  // 4 KiB per slot
constexpr uint32_t kLen = 32;

struct AqFixture : ::testing::Test {
  RegisterFile regs;
  test::FakeGuestMemory mem{kMem, 1 << 20};
  FirmwareState fw;
  Nvm nvm;
  AdminQueue aq{regs, mem, AdminCommandContext{fw, regs, nvm}};
  int events_raised = 0;

  void SetUp() override {
    aq.on_event_posted = [this] { ++events_raised; };
    // i40e_config_asq_regs order: head, tail, LEN|ENABLE, BAL, BAH.
    regs.raw(reg::PF_ATQH) = 0;
    regs.raw(reg::PF_ATQT) = 0;
    regs.raw(reg::PF_ATQLEN) = kLen | reg::AQ_LEN_ENABLE;
    regs.raw(reg::PF_ATQBAL) = static_cast<uint32_t>(kAtq);
    regs.raw(reg::PF_ATQBAH) = 0;
    regs.raw(reg::PF_ARQH) = 0;
    regs.raw(reg::PF_ARQLEN) = kLen | reg::AQ_LEN_ENABLE;
    regs.raw(reg::PF_ARQBAL) = static_cast<uint32_t>(kArq);
    regs.raw(reg::PF_ARQBAH) = 0;
    // i40e_alloc_arq_bufs: every slot armed with BUF|LB and a 4 KiB buffer.
    for (uint32_t i = 0; i < kLen; ++i) {
      AdminDescriptor d{};
      d.flags = aq_flag::BUF | aq_flag::LB;
      d.datalen = 4096;
      d.param2 = 0;
      d.param3 = static_cast<uint32_t>(kBufs + i * 4096);
      mem.put(kArq + i * 32, d);
    }
    regs.raw(reg::PF_ARQT) = kLen - 1;
  }

  // i40e_asq_send_command: fill at next_to_use, bump tail, process.
  AdminDescriptor send(AdminDescriptor d) {
    const uint32_t slot = regs.raw_value(reg::PF_ATQT);
    mem.put(kAtq + slot * 32, d);
    regs.raw(reg::PF_ATQT) = (slot + 1) % kLen;
    aq.process_atq();
    EXPECT_EQ(regs.raw_value(reg::PF_ATQH), (slot + 1) % kLen);
    return mem.get<AdminDescriptor>(kAtq + slot * 32);
  }
};

TEST_F(AqFixture, DirectCommandCompletesWithDdCmpAndHeadMoves) {
  AdminDescriptor d{};
  d.flags = aq_flag::SI;
  d.opcode = aq_op::get_version;
  d.cookie_high = 0xC0;
  d.cookie_low = 0x0C1E;
  AdminDescriptor r = send(d);
  EXPECT_TRUE(r.flags & aq_flag::DD);
  EXPECT_TRUE(r.flags & aq_flag::CMP);
  EXPECT_FALSE(r.flags & aq_flag::ERR);
  EXPECT_EQ(r.retval, 0);
  EXPECT_EQ(r.cookie_high, 0xC0u);  // cookies preserved
  EXPECT_EQ(r.cookie_low, 0x0C1Eu);
  EXPECT_EQ(r.u16_at(28), 1);  // api_major
  EXPECT_EQ(aq.commands_processed(), 1u);
}

TEST_F(AqFixture, UnknownOpcodeGetsEnosysWithErr) {
  AdminDescriptor d{};
  d.opcode = 0x7777;
  AdminDescriptor r = send(d);
  EXPECT_EQ(r.retval, static_cast<uint16_t>(AqStatus::RC_ENOSYS));
  EXPECT_TRUE(r.flags & aq_flag::ERR);
  EXPECT_TRUE(r.flags & aq_flag::DD);
}

TEST_F(AqFixture, IndirectReplyLandsInBufferBeforeCompletion) {
  const uint64_t buf = kMem + 0x80000;
  AdminDescriptor d{};
  d.flags = aq_flag::BUF | aq_flag::SI;
  d.opcode = aq_op::manage_mac_read;
  d.datalen = 24;
  d.param3 = static_cast<uint32_t>(buf);
  AdminDescriptor r = send(d);
  EXPECT_EQ(r.retval, 0);
  uint8_t mac[6];
  mem.read(buf, mac, 6);
  EXPECT_EQ(0, std::memcmp(mac, fw.mac.data(), 6));
}

TEST_F(AqFixture, SeveralCommandsAndWrapAround) {
  regs.raw(reg::PF_ATQH) = kLen - 2;
  regs.raw(reg::PF_ATQT) = kLen - 2;
  for (int i = 0; i < 4; ++i) {
    AdminDescriptor d{};
    d.opcode = aq_op::get_version;
    send(d);
  }
  EXPECT_EQ(regs.raw_value(reg::PF_ATQH), 2u);
}

TEST_F(AqFixture, BadRingIsCriticalNotACrash) {
  regs.raw(reg::PF_ATQBAL) = 0x10;  // not guest memory
  regs.raw(reg::PF_ATQT) = 1;
  aq.process_atq();
  EXPECT_TRUE(regs.raw_value(reg::PF_ATQLEN) & reg::AQ_LEN_CRIT);
  EXPECT_EQ(regs.raw_value(reg::PF_ATQH), 0u);
  // Tail beyond the ring length.
  regs.raw(reg::PF_ATQLEN) = kLen | reg::AQ_LEN_ENABLE;
  regs.raw(reg::PF_ATQBAL) = static_cast<uint32_t>(kAtq);
  regs.raw(reg::PF_ATQT) = 900;
  aq.process_atq();
  EXPECT_TRUE(regs.raw_value(reg::PF_ATQLEN) & reg::AQ_LEN_CRIT);
}

TEST_F(AqFixture, IndirectBufferOutsideMemoryOrTooLargeFailsTheCommandOnly) {
  AdminDescriptor d{};
  d.flags = aq_flag::BUF | aq_flag::RD;
  d.opcode = aq_op::add_macvlan;
  d.datalen = 16;
  d.param3 = 0x1000;  // outside
  AdminDescriptor r = send(d);
  EXPECT_EQ(r.retval, static_cast<uint16_t>(AqStatus::RC_EIO));
  d.datalen = 8192;  // above I40E_MAX_AQ_BUF_SIZE
  d.param3 = static_cast<uint32_t>(kMem + 0x80000);
  r = send(d);
  EXPECT_EQ(r.retval, static_cast<uint16_t>(AqStatus::RC_EINVAL));
  // The queue still works.
  AdminDescriptor v{};
  v.opcode = aq_op::get_version;
  EXPECT_EQ(send(v).retval, 0);
}

TEST_F(AqFixture, DisabledQueueIgnoresDoorbell) {
  regs.raw(reg::PF_ATQLEN) = kLen;  // ENABLE clear (i40e_shutdown_asq)
  regs.raw(reg::PF_ATQT) = 1;
  aq.process_atq();
  EXPECT_EQ(regs.raw_value(reg::PF_ATQH), 0u);
  EXPECT_EQ(aq.commands_processed(), 0u);
}

TEST_F(AqFixture, EventsGoIntoPostedSlotsUntilFull) {
  AdminDescriptor ev{};
  ev.opcode = aq_op::get_link_status;
  ev.set_byte(20, 0x01);  // link_info LINK_UP
  ASSERT_TRUE(aq.post_event(ev));
  EXPECT_EQ(events_raised, 1);
  EXPECT_EQ(regs.raw_value(reg::PF_ARQH), 1u);
  AdminDescriptor got = mem.get<AdminDescriptor>(kArq);
  EXPECT_EQ(got.opcode, aq_op::get_link_status);
  EXPECT_EQ(got.byte_at(20), 0x01);
  EXPECT_TRUE(got.flags & aq_flag::DD);

  // With payload: lands in that slot's buffer, datalen says how much.
  const uint8_t payload[5] = {1, 2, 3, 4, 5};
  ASSERT_TRUE(aq.post_event(ev, payload));
  got = mem.get<AdminDescriptor>(kArq + 32);
  EXPECT_EQ(got.datalen, 5);
  EXPECT_EQ(mem.get<uint8_t>(kBufs + 4096 + 4), 5);

  // Fill the rest: 31 free slots initially ([0, 31)), two used.
  for (int i = 0; i < 29; ++i) ASSERT_TRUE(aq.post_event(ev));
  EXPECT_FALSE(aq.post_event(ev));
  EXPECT_TRUE(regs.raw_value(reg::PF_ARQLEN) & reg::AQ_LEN_OVFL);
}

}  // namespace
}  // namespace x710
