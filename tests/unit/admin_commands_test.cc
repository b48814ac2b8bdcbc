// Admin command handlers against requests built the way the Linux i40e
// driver (6.1 / 6.12) builds them (i40e_common.c: i40e_aq_*), with replies
// decoded the way the consuming driver function decodes them. Plus
// robustness: any params and buffer sizes, for every table entry.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "admin_commands.h"
#include "admin_descriptor.h"
#include "firmware_state.h"
#include "nvm.h"
#include "register_file.h"
#include "registers.h"

namespace {

using namespace x710;

// ---- What the driver puts into descriptors (i40e_adminq_cmd.h) ----
constexpr uint16_t I40E_AQ_FLAG_LB = 0x0200;
constexpr uint16_t I40E_AQ_FLAG_RD = 0x0400;
constexpr uint16_t I40E_AQ_FLAG_BUF = 0x1000;
constexpr uint16_t I40E_AQ_FLAG_SI = 0x2000;
constexpr uint16_t I40E_AQ_LARGE_BUF = 512;

constexpr uint16_t I40E_FW_API_VERSION_MAJOR = 1;
constexpr uint16_t I40E_AQ_CAP_ID_DCB = 0x0018;
constexpr uint16_t I40E_AQ_CAP_ID_VSI = 0x0017;
constexpr uint16_t I40E_AQ_CAP_ID_RSS = 0x0040;
constexpr uint16_t I40E_AQ_CAP_ID_RXQ = 0x0041;
constexpr uint16_t I40E_AQ_CAP_ID_TXQ = 0x0042;
constexpr uint16_t I40E_AQ_CAP_ID_MSIX = 0x0043;
constexpr uint16_t I40E_AQC_LAN_ADDR_VALID = 0x10;
constexpr uint16_t I40E_AQC_PORT_ADDR_VALID = 0x40;
constexpr uint8_t I40E_SWITCH_ELEMENT_TYPE_VSI = 19;
constexpr uint16_t I40E_AQ_VSI_PROP_VLAN_VALID = 0x0004;
constexpr uint16_t I40E_AQ_VSI_PROP_QUEUE_MAP_VALID = 0x0040;
constexpr uint8_t I40E_AQ_VSI_PVLAN_MODE_ALL = 0x03;
constexpr uint8_t I40E_AQ_VSI_PVLAN_EMOD_STR_BOTH = 0x00;
constexpr uint8_t I40E_AQ_VSI_PVLAN_EMOD_NOTHING = 0x18;
constexpr uint16_t I40E_AQ_VSI_QS_HANDLE_INVALID = 0xFFFF;
constexpr uint16_t I40E_AQC_MACVLAN_CMD_SEID_VALID = 0x8000;
constexpr uint16_t I40E_AQC_MACVLAN_ADD_PERFECT_MATCH = 0x0001;
constexpr uint16_t I40E_AQC_MACVLAN_ADD_IGNORE_VLAN = 0x0004;
constexpr uint16_t I40E_AQC_MACVLAN_ADD_USE_SHARED_MAC = 0x0010;
constexpr uint8_t I40E_AQC_MACVLAN_DEL_PERFECT_MATCH = 0x01;
constexpr uint8_t I40E_AQC_MACVLAN_DEL_IGNORE_VLAN = 0x08;
constexpr uint8_t I40E_AQC_MM_ERR_NO_RES = 0xFF;
constexpr uint16_t I40E_AQC_SET_VSI_PROMISC_UNICAST = 0x01;
constexpr uint16_t I40E_AQC_SET_VSI_PROMISC_MULTICAST = 0x02;
constexpr uint16_t I40E_AQC_SET_VSI_PROMISC_BROADCAST = 0x04;
constexpr uint16_t I40E_AQC_SET_VSI_PROMISC_RX_ONLY = 0x8000;
constexpr uint16_t I40E_AQC_ADD_CONTROL_PACKET_FLAGS_IGNORE_MAC = 0x0001;
constexpr uint16_t I40E_AQC_ADD_CONTROL_PACKET_FLAGS_DROP = 0x0002;
constexpr uint16_t I40E_AQC_ADD_CONTROL_PACKET_FLAGS_TX = 0x0008;
constexpr uint16_t I40E_AQ_PHY_REPORT_INITIAL_VALUES = 0x0002;
constexpr uint8_t I40E_AQ_PHY_ENABLE_LINK = 0x08;
constexpr uint8_t I40E_AQ_PHY_ENABLE_AN = 0x10;
constexpr uint8_t I40E_AQ_PHY_RESTART_AN = 0x02;
constexpr uint8_t I40E_AQ_PHY_LINK_ENABLE = 0x04;
constexpr uint16_t I40E_AQ_LSE_DISABLE = 0x2;
constexpr uint16_t I40E_AQ_LSE_ENABLE = 0x3;
constexpr uint16_t I40E_AQ_LSE_IS_ENABLED = 0x1;
constexpr uint8_t I40E_AQ_LINK_UP = 0x01;
constexpr uint8_t I40E_AQ_MEDIA_AVAILABLE = 0x40;
constexpr uint8_t I40E_AQ_AN_COMPLETED = 0x01;
constexpr uint8_t I40E_AQ_QUALIFIED_MODULE = 0x80;
constexpr uint8_t I40E_PHY_TYPE_10GBASE_SR = 0x14;
constexpr uint8_t I40E_LINK_SPEED_10GB = 0x08;
constexpr uint16_t I40E_AQ_EVENT_LINK_UPDOWN = 0x0002;
constexpr uint16_t I40E_AQ_EVENT_MEDIA_NA = 0x0004;
constexpr uint16_t I40E_AQ_EVENT_MODULE_QUAL_FAIL = 0x0100;
constexpr uint8_t I40E_AQ_NVM_LAST_CMD = 0x01;
constexpr uint16_t I40E_LLDPDU_SIZE = 1500;
constexpr uint8_t I40E_AQ_LLDP_MIB_LOCAL = 0x0;
constexpr uint8_t I40E_AQ_LLDP_MIB_REMOTE = 0x1;
constexpr uint32_t I40E_PRTGEN_CNF = 0x000B8120;
constexpr uint32_t I40E_PRTGEN_CNF_PORT_DIS_MASK = 0x1;

uint16_t rd16(const std::vector<uint8_t>& b, size_t off) {
  uint16_t v;
  std::memcpy(&v, b.data() + off, 2);
  return v;
}
uint32_t rd32(const std::vector<uint8_t>& b, size_t off) {
  uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}
void wr16(std::vector<uint8_t>& b, size_t off, uint16_t v) { std::memcpy(b.data() + off, &v, 2); }

// i40e_fill_default_direct_cmd_desc: zeroed descriptor, SI flag, opcode.
AdminDescriptor direct(uint16_t opcode) {
  AdminDescriptor d{};
  d.flags = I40E_AQ_FLAG_SI;
  d.opcode = opcode;
  return d;
}

// What the command functions add for an indirect buffer: BUF, LB above
// I40E_AQ_LARGE_BUF, RD for data to the device; i40e_asq_send_command then
// puts the buffer size into datalen and the DMA address into bytes 24..31.
constexpr uint32_t kAddrHigh = 0x00000001, kAddrLow = 0x2345f000;
AdminDescriptor indirect(uint16_t opcode, size_t size, bool rd) {
  AdminDescriptor d = direct(opcode);
  d.flags |= I40E_AQ_FLAG_BUF;
  if (size > I40E_AQ_LARGE_BUF) d.flags |= I40E_AQ_FLAG_LB;
  if (rd) d.flags |= I40E_AQ_FLAG_RD;
  d.datalen = static_cast<uint16_t>(size);
  d.param2 = kAddrHigh;
  d.param3 = kAddrLow;
  return d;
}

class AdminCommandsTest : public ::testing::Test {
 protected:
  FirmwareState fw;
  RegisterFile regs;
  Nvm nvm;
  AdminCommandContext ctx{fw, regs, nvm};

  // What the engine does with a handler: run it and return its reply.
  AdminReply run(AdminDescriptor& d, std::vector<uint8_t>& buf) {
    const AdminCommand* cmd = find_admin_command(d.opcode);
    EXPECT_NE(cmd, nullptr) << "opcode 0x" << std::hex << d.opcode;
    if (!cmd) return AdminReply{AqStatus::RC_ENOSYS, 0};
    return cmd->handler(ctx, d, std::span<uint8_t>(buf));
  }
  AdminReply run(AdminDescriptor& d) {
    std::vector<uint8_t> none;
    return run(d, none);
  }

  // i40e_aq_get_vsi_params for the main VSI; returns the completion seid.
  uint16_t main_vsi_seid_from_get_vsi_params() {
    AdminDescriptor d = indirect(aq_op::get_vsi_parameters, 128, false);
    d.set_u16(16, fw.main_vsi_seid);
    std::vector<uint8_t> info(128, 0);
    EXPECT_EQ(run(d, info).status, AqStatus::RC_OK);
    return d.u16_at(16);
  }

  // One element for i40e_aq_add_macvlan_v2, as i40e_aqc_add_filters fills it.
  static void add_element(std::vector<uint8_t>& list, std::array<uint8_t, 6> mac, uint16_t vlan, uint16_t flags) {
    std::vector<uint8_t> e(16, 0);
    std::memcpy(e.data(), mac.data(), 6);
    wr16(e, 6, vlan);
    if (mac[0] & 1) flags |= I40E_AQC_MACVLAN_ADD_USE_SHARED_MAC;  // i40e_prepare_add_macvlan
    wr16(e, 8, flags);
    wr16(e, 10, 0);
    e[12] = I40E_AQC_MM_ERR_NO_RES;  // pre-set by the driver
    list.insert(list.end(), e.begin(), e.end());
  }
  AdminReply add_macvlan(std::vector<uint8_t>& list, uint16_t seid) {
    AdminDescriptor d = indirect(aq_op::add_macvlan, list.size(), true);
    d.set_u16(16, static_cast<uint16_t>(list.size() / 16));
    d.set_u16(18, I40E_AQC_MACVLAN_CMD_SEID_VALID | seid);
    return run(d, list);
  }
  AdminReply remove_macvlan(std::vector<uint8_t>& list, uint16_t seid) {
    AdminDescriptor d = indirect(aq_op::remove_macvlan, list.size(), true);
    d.set_u16(16, static_cast<uint16_t>(list.size() / 16));
    d.set_u16(18, I40E_AQC_MACVLAN_CMD_SEID_VALID | seid);
    return run(d, list);
  }
  static std::vector<uint8_t> remove_element(std::array<uint8_t, 6> mac, uint16_t vlan, uint8_t flags) {
    std::vector<uint8_t> e(16, 0);
    std::memcpy(e.data(), mac.data(), 6);
    wr16(e, 6, vlan);
    e[8] = flags;
    e[12] = 0xAA;  // reply section: must be overwritten
    return e;
  }
};

// Every opcode the tests below exercise the way the driver sends it; the
// table must not contain anything else.
const std::set<uint16_t> kCoveredOpcodes = {
    0x0001, 0x0002, 0x0003, 0x0008, 0x0009, 0x000A, 0x0107, 0x0110, 0x0200, 0x0205, 0x0206, 0x0207, 0x0211,
    0x0212, 0x0243, 0x0250, 0x0251, 0x0254, 0x025A, 0x0303, 0x0400, 0x0408, 0x040A, 0x0413, 0x041C, 0x0600,
    0x0601, 0x0605, 0x0607, 0x0613, 0x0701, 0x0A00, 0x0A01, 0x0A05, 0x0A07, 0x0A08, 0x0B00, 0x0B01, 0xFF03,
};

TEST(AdminCommandTable, EveryEntryIsCoveredAndFindable) {
  std::set<uint16_t> seen;
  for (const AdminCommand& c : admin_command_table()) {
    EXPECT_TRUE(kCoveredOpcodes.count(c.opcode)) << "untested opcode 0x" << std::hex << c.opcode;
    EXPECT_TRUE(seen.insert(c.opcode).second) << "duplicate opcode 0x" << std::hex << c.opcode;
    ASSERT_NE(c.handler, nullptr);
    ASSERT_NE(c.name, nullptr);
    EXPECT_EQ(find_admin_command(c.opcode), &c);
  }
  EXPECT_EQ(seen, kCoveredOpcodes);
}

TEST(AdminCommandTable, UnknownOpcodesAreNotInTheTable) {
  // Left to the engine's ENOSYS: set PF context, device capabilities, add VSI,
  // set MAC config, loopback (6.12 only, feature toggle), RSS key/LUT (X722),
  // debug write, and values no driver uses.
  for (uint16_t op : {0x0000, 0x0004, 0x000B, 0x0108, 0x0210, 0x0230, 0x0252, 0x0407, 0x041B, 0x0603, 0x0618,
                      0x0702, 0x0703, 0x0801, 0x0B02, 0x0B03, 0x1001, 0xFF04, 0xFFFF}) {
    EXPECT_EQ(find_admin_command(op), nullptr) << "opcode 0x" << std::hex << op;
  }
}

// ---- 0x0001 get version: i40e_aq_get_firmware_version (i40e_init_adminq) ----
TEST_F(AdminCommandsTest, GetVersionReportsApiMajor1) {
  AdminDescriptor d = direct(aq_op::get_version);
  ASSERT_EQ(run(d).status, AqStatus::RC_OK);
  EXPECT_EQ(d.u32_at(16), fw.rom_ver);
  EXPECT_EQ(d.u32_at(20), fw.fw_build);
  EXPECT_EQ(d.u16_at(24), fw.fw_major);
  EXPECT_EQ(d.u16_at(26), fw.fw_minor);
  // i40e_init_adminq: api_major > I40E_FW_API_VERSION_MAJOR fails probe.
  EXPECT_EQ(d.u16_at(28), I40E_FW_API_VERSION_MAJOR);
  EXPECT_EQ(d.u16_at(30), fw.api_minor);
  // fw >= 4.40 keeps probe off the stop-LLDP / restart-AN / 0x0413 paths.
  EXPECT_TRUE(d.u16_at(24) > 4 || (d.u16_at(24) == 4 && d.u16_at(26) >= 40));
}

// ---- 0x0002 driver version: i40e_aq_send_driver_version ----
TEST_F(AdminCommandsTest, DriverVersionSucceeds) {
  const std::string version = "6.1.0-amd64";  // driver_string without the NUL
  std::vector<uint8_t> buf(version.begin(), version.end());
  AdminDescriptor d = indirect(aq_op::driver_version, buf.size(), true);
  d.set_byte(16, 1);
  d.set_byte(17, 2);
  d.set_byte(18, 3);
  d.set_byte(19, 4);
  EXPECT_EQ(run(d, buf).status, AqStatus::RC_OK);
}

// ---- 0x0003 queue shutdown: i40e_aq_queue_shutdown (i40e_shutdown_adminq) ----
TEST_F(AdminCommandsTest, QueueShutdownSucceedsAndDropsNvmOwnership) {
  fw.nvm_owned = true;
  AdminDescriptor d = direct(aq_op::queue_shutdown);
  d.set_u32(16, 0x1);  // I40E_AQ_DRIVER_UNLOADING
  EXPECT_EQ(run(d).status, AqStatus::RC_OK);
  EXPECT_FALSE(fw.nvm_owned);
}

// ---- 0x0008 / 0x0009: i40e_aq_request_resource / i40e_aq_release_resource ----
TEST_F(AdminCommandsTest, RequestNvmGrantsWithTimeout) {
  for (uint16_t access : {1, 2}) {  // I40E_RESOURCE_READ, I40E_RESOURCE_WRITE
    AdminDescriptor d = direct(aq_op::request_resource);
    d.set_u16(16, 1);  // I40E_NVM_RESOURCE_ID
    d.set_u16(18, access);
    d.set_u32(24, 0);  // sdp_number
    ASSERT_EQ(run(d).status, AqStatus::RC_OK);
    // i40e_acquire_nvm keeps the timeout as time_left (ms).
    EXPECT_GT(d.u32_at(20), 0u);
    EXPECT_TRUE(fw.nvm_owned);
  }
}

TEST_F(AdminCommandsTest, RequestUnknownResourceFails) {
  AdminDescriptor d = direct(aq_op::request_resource);
  d.set_u16(16, 7);
  d.set_u16(18, 1);
  EXPECT_NE(run(d).status, AqStatus::RC_OK);
  EXPECT_EQ(d.u32_at(20), 0u);  // no timeout: i40e_acquire_nvm does not poll
  EXPECT_FALSE(fw.nvm_owned);
}

TEST_F(AdminCommandsTest, ReleaseResourceAlwaysSucceeds) {
  // i40e_release_nvm (6.12) re-sends on any error: it must never fail.
  fw.nvm_owned = true;
  AdminDescriptor d = direct(aq_op::release_resource);
  d.set_u16(16, 1);
  d.set_u32(24, 0);
  EXPECT_EQ(run(d).status, AqStatus::RC_OK);
  EXPECT_FALSE(fw.nvm_owned);
  AdminDescriptor again = direct(aq_op::release_resource);  // the pre-emptive release
  again.set_u16(16, 1);
  EXPECT_EQ(run(again).status, AqStatus::RC_OK);
  AdminDescriptor odd = direct(aq_op::release_resource);
  odd.set_u16(16, 0xBEEF);
  odd.set_u32(24, 0xFFFFFFFF);
  EXPECT_EQ(run(odd).status, AqStatus::RC_OK);
}

// ---- 0x000A list function capabilities ----
struct ParsedCaps {
  bool rss = false, dcb = false;
  uint32_t rss_table_size = 0, rss_table_entry_width = 0;
  uint32_t num_rx_qp = 0, num_tx_qp = 0, base_queue = 0xFFFF, num_msix_vectors = 0, num_vsis = 0;
  std::set<uint16_t> ids;
};

// i40e_parse_discover_capabilities, for the ids this device reports.
ParsedCaps parse_caps(const std::vector<uint8_t>& buf, uint32_t cap_count) {
  ParsedCaps p;
  for (uint32_t i = 0; i < cap_count; ++i) {
    const size_t e = size_t{i} * 32;
    const uint16_t id = rd16(buf, e);
    const uint32_t number = rd32(buf, e + 4), logical_id = rd32(buf, e + 8), phys_id = rd32(buf, e + 12);
    p.ids.insert(id);
    switch (id) {
      case I40E_AQ_CAP_ID_VSI: p.num_vsis = number; break;
      case I40E_AQ_CAP_ID_DCB:
        if (number == 1) p.dcb = true;
        break;
      case I40E_AQ_CAP_ID_RSS:
        p.rss = true;
        p.rss_table_size = number;
        p.rss_table_entry_width = logical_id;
        break;
      case I40E_AQ_CAP_ID_RXQ:
        p.num_rx_qp = number;
        p.base_queue = phys_id;
        break;
      case I40E_AQ_CAP_ID_TXQ:
        p.num_tx_qp = number;
        p.base_queue = phys_id;
        break;
      case I40E_AQ_CAP_ID_MSIX: p.num_msix_vectors = number; break;
      default: break;
    }
  }
  return p;
}

TEST_F(AdminCommandsTest, CapabilitiesParseLikeTheDriver) {
  // i40e_get_capabilities: 40 elements of 32 bytes.
  std::vector<uint8_t> buf(40 * 32, 0);
  AdminDescriptor d = indirect(aq_op::list_func_capabilities, buf.size(), false);
  const AdminReply r = run(d, buf);
  ASSERT_EQ(r.status, AqStatus::RC_OK);
  const uint32_t count = d.u32_at(20);  // i40e_aq_discover_capabilities: cmd->count
  ASSERT_GT(count, 0u);
  ASSERT_LE(size_t{count} * 32, buf.size());
  EXPECT_EQ(r.datalen, count * 32);
  const ParsedCaps p = parse_caps(buf, count);
  EXPECT_TRUE(p.rss);
  EXPECT_EQ(p.rss_table_size, 512u);  // I40E_HASH_LUT_SIZE_512 (i40e_config_rss_reg)
  EXPECT_EQ(p.rss_table_entry_width, 6u);
  EXPECT_EQ(p.num_rx_qp, fw.num_queue_pairs);
  EXPECT_EQ(p.num_tx_qp, fw.num_queue_pairs);
  EXPECT_EQ(p.base_queue, 0u);
  EXPECT_EQ(p.num_msix_vectors, fw.num_msix_vectors);
  EXPECT_GE(p.num_vsis, 83u);  // I40E_MIN_VSI_ALLOC
  // DCB present with one TC: i40e_init_pf_dcb leaves DCBX to the firmware.
  EXPECT_TRUE(p.dcb);
  EXPECT_EQ(p.ids, (std::set<uint16_t>{I40E_AQ_CAP_ID_VSI, I40E_AQ_CAP_ID_RSS, I40E_AQ_CAP_ID_RXQ,
                                       I40E_AQ_CAP_ID_TXQ, I40E_AQ_CAP_ID_MSIX, I40E_AQ_CAP_ID_DCB}));
  // The buffer address in bytes 24..31 is the driver's; it is kept.
  EXPECT_EQ(d.param2, kAddrHigh);
  EXPECT_EQ(d.param3, kAddrLow);
}

TEST_F(AdminCommandsTest, CapabilitiesTooSmallAnswersEnomemWithNeededLength) {
  // i40e_get_capabilities retries with buf_len = data_size on ENOMEM.
  uint16_t buf_len = 64;
  AdminReply r;
  std::vector<uint8_t> buf;
  AdminDescriptor d{};
  for (int attempt = 0; attempt < 2; ++attempt) {
    buf.assign(buf_len, 0);
    d = indirect(aq_op::list_func_capabilities, buf.size(), false);
    r = run(d, buf);
    if (r.status != AqStatus::RC_ENOMEM) break;
    ASSERT_EQ(attempt, 0);
    ASSERT_GT(r.datalen, buf_len);
    buf_len = r.datalen;  // data_size = le16_to_cpu(desc.datalen)
  }
  ASSERT_EQ(r.status, AqStatus::RC_OK);
  EXPECT_EQ(parse_caps(buf, d.u32_at(20)).rss_table_size, 512u);
}

// ---- 0xFF03 debug read register (inside capability parsing) ----
TEST_F(AdminCommandsTest, DebugReadOfPrtgenCnfCountsFourEnabledPorts) {
  unsigned num_ports = 0;
  for (uint32_t i = 0; i < 4; ++i) {
    AdminDescriptor d = direct(aq_op::debug_read_reg);
    d.set_u32(20, I40E_PRTGEN_CNF + 4 * i);
    ASSERT_EQ(run(d).status, AqStatus::RC_OK);
    const uint64_t port_cfg = (uint64_t{d.u32_at(24)} << 32) | d.u32_at(28);
    if (!(port_cfg & I40E_PRTGEN_CNF_PORT_DIS_MASK)) ++num_ports;
  }
  EXPECT_EQ(num_ports, 4u);
  EXPECT_EQ(0u / num_ports + 1, 1u);  // partition_id for pf_id 0
}

TEST_F(AdminCommandsTest, DebugReadReturnsRegisterFileValue) {
  regs.write(I40E_PRTGEN_CNF + 8, 0x1);
  AdminDescriptor d = direct(aq_op::debug_read_reg);
  d.set_u32(20, I40E_PRTGEN_CNF + 8);
  ASSERT_EQ(run(d).status, AqStatus::RC_OK);
  EXPECT_EQ(d.u32_at(28), 1u);
  EXPECT_EQ(d.u32_at(24), 0u);
  for (uint32_t bad : {I40E_PRTGEN_CNF + 2, RegisterFile::kSize, 0xFFFFFFFCu}) {
    AdminDescriptor b = direct(aq_op::debug_read_reg);
    b.set_u32(20, bad);
    EXPECT_EQ(run(b).status, AqStatus::RC_EINVAL);
  }
}

// ---- 0x0107 manage MAC read: i40e_get_mac_addr / i40e_get_port_mac_addr ----
TEST_F(AdminCommandsTest, MacReadGivesValidUnicastLanAndPortMac) {
  std::vector<uint8_t> addrs(24, 0);
  AdminDescriptor d = direct(aq_op::manage_mac_read);
  d.flags |= I40E_AQ_FLAG_BUF;  // the driver adds only BUF
  d.datalen = 24;
  ASSERT_EQ(run(d, addrs).status, AqStatus::RC_OK);
  const uint16_t flags = d.u16_at(16);
  ASSERT_TRUE(flags & I40E_AQC_LAN_ADDR_VALID);
  ASSERT_TRUE(flags & I40E_AQC_PORT_ADDR_VALID);
  const std::array<uint8_t, 6> lan{addrs[0], addrs[1], addrs[2], addrs[3], addrs[4], addrs[5]};
  const std::array<uint8_t, 6> port{addrs[12], addrs[13], addrs[14], addrs[15], addrs[16], addrs[17]};
  EXPECT_EQ(lan, fw.mac);
  EXPECT_EQ(port, fw.mac);
  // is_valid_ether_addr: not multicast, not all zero.
  EXPECT_EQ(lan[0] & 1, 0);
  EXPECT_TRUE(std::any_of(lan.begin(), lan.end(), [](uint8_t b) { return b != 0; }));
}

TEST_F(AdminCommandsTest, MacReadWithShortBufferFails) {
  std::vector<uint8_t> small(23, 0);
  AdminDescriptor d = direct(aq_op::manage_mac_read);
  EXPECT_EQ(run(d, small).status, AqStatus::RC_EINVAL);
  EXPECT_EQ(d.u16_at(16) & I40E_AQC_LAN_ADDR_VALID, 0);
}

// ---- 0x0110 clear PXE mode: i40e_aq_clear_pxe_mode ----
TEST_F(AdminCommandsTest, ClearPxeModeSucceedsAndSetsRctl) {
  AdminDescriptor d = direct(aq_op::clear_pxe_mode);
  d.set_byte(16, 0x2);  // rx_cnt
  EXPECT_EQ(run(d).status, AqStatus::RC_OK);
  EXPECT_EQ(regs.raw_value(reg::GLLAN_RCTL_0), 1u);
}

// ---- 0x0200 get switch config: i40e_fetch_switch_configuration ----
TEST_F(AdminCommandsTest, SwitchConfigHasExactlyTheMainVsi) {
  uint16_t next_seid = 0;
  uint16_t mac_seid = 0, pf_seid = 0, main_vsi_seid = 0;
  int rounds = 0;
  do {
    std::vector<uint8_t> buf(I40E_AQ_LARGE_BUF, 0);
    AdminDescriptor d = indirect(aq_op::get_switch_config, buf.size(), false);
    d.set_u16(16, next_seid);
    ASSERT_EQ(run(d, buf).status, AqStatus::RC_OK);
    next_seid = d.u16_at(16);
    const uint16_t num_reported = rd16(buf, 0);
    EXPECT_EQ(num_reported, 1);
    EXPECT_EQ(rd16(buf, 2), 1);  // num_total
    for (uint16_t i = 0; i < num_reported; ++i) {
      const size_t e = 16 + 16 * size_t{i};
      // i40e_setup_pf_switch_element, VSI case with num_reported == 1.
      ASSERT_EQ(buf[e], I40E_SWITCH_ELEMENT_TYPE_VSI);
      main_vsi_seid = rd16(buf, e + 2);
      mac_seid = rd16(buf, e + 4);
      pf_seid = rd16(buf, e + 6);
    }
    EXPECT_EQ(d.param3, kAddrLow);
    ASSERT_LT(++rounds, 3);
  } while (next_seid != 0);
  EXPECT_EQ(main_vsi_seid, fw.main_vsi_seid);
  EXPECT_EQ(mac_seid, fw.mac_seid);
  EXPECT_EQ(pf_seid, fw.pf_seid);
  EXPECT_NE(main_vsi_seid, 0);  // 0x025A is not even sent for seid 0
}

// ---- 0x0205 set switch config: i40e_setup_pf_switch ----
TEST_F(AdminCommandsTest, SetSwitchConfigSucceeds) {
  AdminDescriptor d = direct(aq_op::set_switch_config);
  d.set_u16(16, 0);       // flags
  d.set_u16(18, 0x0001);  // valid_flags: I40E_AQ_SET_SWITCH_CFG_PROMISC
  d.set_u16(20, 0);       // switch_tag (API >= 1.7: 802.1ad capable)
  d.set_u16(22, 0);
  d.set_u16(24, 0);
  d.set_byte(26, 0);  // mode
  EXPECT_EQ(run(d).status, AqStatus::RC_OK);
}

// ---- 0x0206 / 0x0207: i40e_read_rx_ctl / i40e_write_rx_ctl ----
TEST_F(AdminCommandsTest, RxControlRegistersReadAndWriteTheRegisterFile) {
  // i40e_set_filter_control: read-modify-write of PFQF_CTL_0.
  regs.write(reg::PFQF_CTL_0, 0x00010000);
  AdminDescriptor rd = direct(aq_op::rx_ctl_read);
  rd.set_u32(20, reg::PFQF_CTL_0);
  ASSERT_EQ(run(rd).status, AqStatus::RC_OK);
  EXPECT_EQ(rd.u32_at(28), 0x00010000u);

  // i40e_pf_config_rss: PFQF_HENA(0/1) written through 0x0207.
  for (uint32_t i = 0; i < 2; ++i) {
    AdminDescriptor wr = direct(aq_op::rx_ctl_write);
    wr.set_u32(20, reg::PFQF_HENA + 128 * i);
    wr.set_u32(28, 0xABCD0000u + i);
    ASSERT_EQ(run(wr).status, AqStatus::RC_OK);
    EXPECT_EQ(regs.read(reg::PFQF_HENA + 128 * i), 0xABCD0000u + i);
    AdminDescriptor back = direct(aq_op::rx_ctl_read);
    back.set_u32(20, reg::PFQF_HENA + 128 * i);
    ASSERT_EQ(run(back).status, AqStatus::RC_OK);
    EXPECT_EQ(back.u32_at(28), 0xABCD0000u + i);
  }
}

TEST_F(AdminCommandsTest, RxControlWriteGoesThroughRegisterHooks) {
  // A read-only register keeps its value for guest writes; the AQ path is a
  // guest path too.
  RegisterBlock ro;
  ro.name = "ro";
  ro.base = 0x00245A00;
  ro.kind = RegKind::read_only;
  ro.reset_value = 7;
  ASSERT_TRUE(regs.add(ro));
  regs.reset();
  AdminDescriptor wr = direct(aq_op::rx_ctl_write);
  wr.set_u32(20, 0x00245A00);
  wr.set_u32(28, 99);
  ASSERT_EQ(run(wr).status, AqStatus::RC_OK);
  EXPECT_EQ(regs.raw_value(0x00245A00), 7u);
}

TEST_F(AdminCommandsTest, RxControlBadAddressesAreEinval) {
  for (uint32_t bad : {reg::PFQF_CTL_0 + 1, RegisterFile::kSize, 0xFFFFFFFFu}) {
    AdminDescriptor rd = direct(aq_op::rx_ctl_read);
    rd.set_u32(20, bad);
    EXPECT_EQ(run(rd).status, AqStatus::RC_EINVAL);
    AdminDescriptor wr = direct(aq_op::rx_ctl_write);
    wr.set_u32(20, bad);
    wr.set_u32(28, 1);
    EXPECT_EQ(run(wr).status, AqStatus::RC_EINVAL);
  }
}

// ---- 0x0212 get VSI params: i40e_aq_get_vsi_params (i40e_add_vsi, main VSI) ----
TEST_F(AdminCommandsTest, GetVsiParamsGivesSeidNumberAndQsHandle) {
  std::vector<uint8_t> info(128, 0xEE);
  AdminDescriptor d = indirect(aq_op::get_vsi_parameters, info.size(), false);
  d.set_u16(16, fw.main_vsi_seid);  // uplink_seid = vsi_ctx->seid
  ASSERT_EQ(run(d, info).status, AqStatus::RC_OK);
  EXPECT_EQ(d.u16_at(16), fw.main_vsi_seid);  // vsi_ctx->seid
  EXPECT_EQ(d.u16_at(18), fw.vsi_number);     // vsi_ctx->vsi_number
  EXPECT_GE(d.u16_at(20), 1);                 // vsis_allocated
  EXPECT_EQ(d.param2, kAddrHigh);
  // i40e_configure_tx_ring: rdylist = qs_handle[tc]; TC0 valid, 10 bits.
  const uint16_t qs0 = rd16(info, 96);
  EXPECT_NE(qs0, I40E_AQ_VSI_QS_HANDLE_INVALID);
  EXPECT_LT(qs0, 1024);
  for (unsigned tc = 1; tc < 8; ++tc) EXPECT_EQ(rd16(info, 96 + 2 * tc), I40E_AQ_VSI_QS_HANDLE_INVALID);
}

TEST_F(AdminCommandsTest, GetVsiParamsRejectsUnknownSeidAndShortBuffer) {
  std::vector<uint8_t> info(128, 0);
  AdminDescriptor d = indirect(aq_op::get_vsi_parameters, info.size(), false);
  d.set_u16(16, fw.main_vsi_seid + 1);
  EXPECT_NE(run(d, info).status, AqStatus::RC_OK);
  std::vector<uint8_t> small(127, 0);
  AdminDescriptor s = indirect(aq_op::get_vsi_parameters, small.size(), false);
  s.set_u16(16, fw.main_vsi_seid);
  EXPECT_EQ(run(s, small).status, AqStatus::RC_EINVAL);
}

// ---- 0x0211 update VSI: i40e_vsi_config_tc, i40e_vlan_stripping_* ----
TEST_F(AdminCommandsTest, UpdateVsiKeepsVlanMode) {
  const uint16_t seid = main_vsi_seid_from_get_vsi_params();
  // i40e_vsi_config_tc: queue map section only.
  std::vector<uint8_t> info(128, 0);
  wr16(info, 0, I40E_AQ_VSI_PROP_QUEUE_MAP_VALID);
  wr16(info, 62, 6u << 9);  // tc_mapping[0]: 64 queues from 0
  AdminDescriptor q = indirect(aq_op::update_vsi_parameters, info.size(), true);
  q.set_u16(16, seid);
  ASSERT_EQ(run(q, info).status, AqStatus::RC_OK);

  // i40e_vlan_stripping_disable at probe.
  std::vector<uint8_t> off(128, 0);
  wr16(off, 0, I40E_AQ_VSI_PROP_VLAN_VALID);
  off[12] = I40E_AQ_VSI_PVLAN_MODE_ALL | I40E_AQ_VSI_PVLAN_EMOD_NOTHING;
  AdminDescriptor d1 = indirect(aq_op::update_vsi_parameters, off.size(), true);
  d1.set_u16(16, seid);
  ASSERT_EQ(run(d1, off).status, AqStatus::RC_OK);
  EXPECT_EQ(fw.vsi.port_vlan_flags, 0x1B);

  // i40e_vlan_stripping_enable at open.
  std::vector<uint8_t> on(128, 0);
  wr16(on, 0, I40E_AQ_VSI_PROP_VLAN_VALID);
  on[12] = I40E_AQ_VSI_PVLAN_MODE_ALL | I40E_AQ_VSI_PVLAN_EMOD_STR_BOTH;
  AdminDescriptor d2 = indirect(aq_op::update_vsi_parameters, on.size(), true);
  d2.set_u16(16, seid);
  ASSERT_EQ(run(d2, on).status, AqStatus::RC_OK);
  EXPECT_EQ(fw.vsi.port_vlan_flags, 0x03);

  // And 0x0212 reports it back.
  std::vector<uint8_t> got(128, 0);
  AdminDescriptor g = indirect(aq_op::get_vsi_parameters, got.size(), false);
  g.set_u16(16, seid);
  ASSERT_EQ(run(g, got).status, AqStatus::RC_OK);
  EXPECT_EQ(got[12], 0x03);
}

// ---- 0x0400 VSI BW limit: i40e_set_bw_limit (i40e_vsi_config_tc) ----
TEST_F(AdminCommandsTest, VsiBwLimitSucceedsForMainVsi) {
  AdminDescriptor d = direct(aq_op::config_vsi_bw_limit);
  d.set_u16(16, main_vsi_seid_from_get_vsi_params());
  d.set_u16(20, 0);     // credit: no limit
  d.set_byte(24, 0);    // max_credit
  EXPECT_EQ(run(d).status, AqStatus::RC_OK);
  AdminDescriptor other = direct(aq_op::config_vsi_bw_limit);
  other.set_u16(16, 999);
  EXPECT_NE(run(other).status, AqStatus::RC_OK);
}

// ---- 0x0408 / 0x040A: i40e_vsi_get_bw_info ----
TEST_F(AdminCommandsTest, BwQueriesAgreeOnEnabledTcs) {
  const uint16_t seid = main_vsi_seid_from_get_vsi_params();
  std::vector<uint8_t> bw(0x40, 0);
  AdminDescriptor d1 = indirect(aq_op::query_vsi_bw_config, bw.size(), false);
  d1.set_u16(16, seid);
  ASSERT_EQ(run(d1, bw).status, AqStatus::RC_OK);
  std::vector<uint8_t> ets(0x20, 0);
  AdminDescriptor d2 = indirect(aq_op::query_vsi_ets_sla_config, ets.size(), false);
  d2.set_u16(16, seid);
  ASSERT_EQ(run(d2, ets).status, AqStatus::RC_OK);
  // "Enabled TCs mismatch from querying VSI BW info" otherwise.
  EXPECT_EQ(bw[0], ets[0]);
  EXPECT_EQ(bw[0], 0x01);
  EXPECT_EQ(rd16(bw, 36), 0);  // port_bw_limit -> vsi->bw_limit
  EXPECT_EQ(bw[40], 0);        // max_bw
  // The same TC0 queue set as the VSI parameters.
  std::vector<uint8_t> info(128, 0);
  AdminDescriptor g = indirect(aq_op::get_vsi_parameters, info.size(), false);
  g.set_u16(16, seid);
  ASSERT_EQ(run(g, info).status, AqStatus::RC_OK);
  EXPECT_EQ(rd16(bw, 16), rd16(info, 96));
  // tc_bw_max: 3 bits per TC, all zero.
  EXPECT_EQ(rd16(ets, 28) | rd16(ets, 30), 0);
}

TEST_F(AdminCommandsTest, BwQueriesRejectShortBuffers) {
  const uint16_t seid = fw.main_vsi_seid;
  std::vector<uint8_t> bw(0x3F, 0);
  AdminDescriptor d1 = indirect(aq_op::query_vsi_bw_config, bw.size(), false);
  d1.set_u16(16, seid);
  EXPECT_EQ(run(d1, bw).status, AqStatus::RC_EINVAL);
  std::vector<uint8_t> ets(0x1F, 0);
  AdminDescriptor d2 = indirect(aq_op::query_vsi_ets_sla_config, ets.size(), false);
  d2.set_u16(16, seid);
  EXPECT_EQ(run(d2, ets).status, AqStatus::RC_EINVAL);
}

// ---- 0x0251 remove MAC/VLAN: i40e_rm_default_mac_filter (probe) ----
TEST_F(AdminCommandsTest, RemoveDefaultMacFilterBothWaysSucceeds) {
  const uint16_t seid = main_vsi_seid_from_get_vsi_params();
  for (uint8_t flags : {I40E_AQC_MACVLAN_DEL_PERFECT_MATCH,
                        static_cast<uint8_t>(I40E_AQC_MACVLAN_DEL_PERFECT_MATCH | I40E_AQC_MACVLAN_DEL_IGNORE_VLAN)}) {
    std::vector<uint8_t> element = remove_element(fw.mac, 0, flags);
    const AdminReply r = remove_macvlan(element, seid);
    // i40e_aqc_del_filters tolerates OK and ENOENT.
    EXPECT_TRUE(r.status == AqStatus::RC_OK || r.status == AqStatus::RC_ENOENT);
    EXPECT_EQ(element[12], 0);  // error_code
  }
}

// ---- 0x0250 add MAC/VLAN: i40e_aqc_add_filters (service task) ----
TEST_F(AdminCommandsTest, AddMacvlanWritesBackMatchMethod) {
  const uint16_t seid = main_vsi_seid_from_get_vsi_params();
  std::vector<uint8_t> list;
  add_element(list, fw.mac, 0, I40E_AQC_MACVLAN_ADD_PERFECT_MATCH | I40E_AQC_MACVLAN_ADD_IGNORE_VLAN);
  add_element(list, {0x33, 0x33, 0x00, 0x00, 0x00, 0x01}, 0,
              I40E_AQC_MACVLAN_ADD_PERFECT_MATCH | I40E_AQC_MACVLAN_ADD_IGNORE_VLAN);
  add_element(list, {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}, 5, I40E_AQC_MACVLAN_ADD_PERFECT_MATCH);
  const AdminReply r = add_macvlan(list, seid);
  ASSERT_EQ(r.status, AqStatus::RC_OK);
  EXPECT_EQ(r.datalen, list.size());
  // i40e_update_filter_state: every element must have left 0xFF.
  for (size_t i = 0; i < list.size() / 16; ++i) EXPECT_NE(list[16 * i + 12], I40E_AQC_MM_ERR_NO_RES) << i;
  ASSERT_EQ(fw.vsi.mac_filters.size(), 3u);
  EXPECT_EQ(fw.vsi.mac_filters[0].mac, fw.mac);
  EXPECT_TRUE(fw.vsi.mac_filters[0].ignore_vlan);
  EXPECT_EQ(fw.vsi.mac_filters[2].vlan, 5);
  EXPECT_FALSE(fw.vsi.mac_filters[2].ignore_vlan);

  // Adding the same filter again is not a second entry.
  std::vector<uint8_t> again;
  add_element(again, fw.mac, 0, I40E_AQC_MACVLAN_ADD_PERFECT_MATCH | I40E_AQC_MACVLAN_ADD_IGNORE_VLAN);
  ASSERT_EQ(add_macvlan(again, seid).status, AqStatus::RC_OK);
  EXPECT_NE(again[12], I40E_AQC_MM_ERR_NO_RES);
  EXPECT_EQ(fw.vsi.mac_filters.size(), 3u);

  // Removing (i40e_aqc_del_filters) takes exactly the matching one.
  std::vector<uint8_t> del = remove_element({0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}, 5,
                                            I40E_AQC_MACVLAN_DEL_PERFECT_MATCH);
  ASSERT_EQ(remove_macvlan(del, seid).status, AqStatus::RC_OK);
  EXPECT_EQ(del[12], 0);
  EXPECT_EQ(fw.vsi.mac_filters.size(), 2u);
  std::vector<uint8_t> del2 = remove_element(fw.mac, 0, I40E_AQC_MACVLAN_DEL_PERFECT_MATCH |
                                                            I40E_AQC_MACVLAN_DEL_IGNORE_VLAN);
  ASSERT_EQ(remove_macvlan(del2, seid).status, AqStatus::RC_OK);
  EXPECT_EQ(fw.vsi.mac_filters.size(), 1u);
}

TEST_F(AdminCommandsTest, AddMacvlanBeyondCapacityLeavesNoResource) {
  const uint16_t seid = fw.main_vsi_seid;
  for (size_t i = 0; i < VsiState::kMaxMacFilters; ++i) {
    MacVlanFilter f;
    f.mac = {0x02, 0, 0, 0, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)};
    fw.vsi.mac_filters.push_back(f);
  }
  std::vector<uint8_t> list;
  add_element(list, {0x02, 0x11, 0x22, 0x33, 0x44, 0x55}, 0, I40E_AQC_MACVLAN_ADD_PERFECT_MATCH);
  const AdminReply r = add_macvlan(list, seid);
  EXPECT_EQ(r.status, AqStatus::RC_ENOSPC);
  EXPECT_EQ(list[12], I40E_AQC_MM_ERR_NO_RES);  // -> overflow promiscuous, as on hardware
  EXPECT_EQ(fw.vsi.mac_filters.size(), VsiState::kMaxMacFilters);
}

TEST_F(AdminCommandsTest, MacvlanRejectsBadSeidAndCounts) {
  std::vector<uint8_t> list;
  add_element(list, fw.mac, 0, I40E_AQC_MACVLAN_ADD_PERFECT_MATCH);
  AdminDescriptor no_valid = indirect(aq_op::add_macvlan, list.size(), true);
  no_valid.set_u16(16, 1);
  no_valid.set_u16(18, fw.main_vsi_seid);  // SEID_VALID missing
  EXPECT_EQ(run(no_valid, list).status, AqStatus::RC_EINVAL);
  AdminDescriptor too_many = indirect(aq_op::add_macvlan, list.size(), true);
  too_many.set_u16(16, 2);  // more elements than the buffer holds
  too_many.set_u16(18, I40E_AQC_MACVLAN_CMD_SEID_VALID | fw.main_vsi_seid);
  EXPECT_EQ(run(too_many, list).status, AqStatus::RC_EINVAL);
  EXPECT_EQ(list[12], I40E_AQC_MM_ERR_NO_RES);
  EXPECT_TRUE(fw.vsi.mac_filters.empty());
}

// ---- 0x0254 set VSI promiscuous modes: i40e_aq_set_vsi_* ----
TEST_F(AdminCommandsTest, PromiscuousModesFollowValidFlags) {
  const uint16_t seid = main_vsi_seid_from_get_vsi_params();
  // i40e_aq_set_vsi_broadcast(set_filter = true)
  AdminDescriptor bc = direct(aq_op::set_vsi_promiscuous_modes);
  bc.set_u16(16, I40E_AQC_SET_VSI_PROMISC_BROADCAST);
  bc.set_u16(18, I40E_AQC_SET_VSI_PROMISC_BROADCAST);
  bc.set_u16(20, seid);
  ASSERT_EQ(run(bc).status, AqStatus::RC_OK);
  EXPECT_EQ(fw.vsi.promisc_flags, I40E_AQC_SET_VSI_PROMISC_BROADCAST);
  // i40e_aq_set_vsi_unicast_promiscuous(set, rx_only) with API >= 1.5.
  AdminDescriptor uc = direct(aq_op::set_vsi_promiscuous_modes);
  uc.set_u16(16, I40E_AQC_SET_VSI_PROMISC_UNICAST | I40E_AQC_SET_VSI_PROMISC_RX_ONLY);
  uc.set_u16(18, I40E_AQC_SET_VSI_PROMISC_UNICAST | I40E_AQC_SET_VSI_PROMISC_RX_ONLY);
  uc.set_u16(20, seid);
  ASSERT_EQ(run(uc).status, AqStatus::RC_OK);
  // i40e_aq_set_vsi_multicast_promiscuous(set)
  AdminDescriptor mc = direct(aq_op::set_vsi_promiscuous_modes);
  mc.set_u16(16, I40E_AQC_SET_VSI_PROMISC_MULTICAST);
  mc.set_u16(18, I40E_AQC_SET_VSI_PROMISC_MULTICAST);
  mc.set_u16(20, seid);
  ASSERT_EQ(run(mc).status, AqStatus::RC_OK);
  EXPECT_EQ(fw.vsi.promisc_flags, I40E_AQC_SET_VSI_PROMISC_BROADCAST | I40E_AQC_SET_VSI_PROMISC_UNICAST |
                                      I40E_AQC_SET_VSI_PROMISC_RX_ONLY | I40E_AQC_SET_VSI_PROMISC_MULTICAST);
  // unicast off again
  AdminDescriptor uc_off = direct(aq_op::set_vsi_promiscuous_modes);
  uc_off.set_u16(16, 0);
  uc_off.set_u16(18, I40E_AQC_SET_VSI_PROMISC_UNICAST | I40E_AQC_SET_VSI_PROMISC_RX_ONLY);
  uc_off.set_u16(20, seid);
  ASSERT_EQ(run(uc_off).status, AqStatus::RC_OK);
  EXPECT_EQ(fw.vsi.promisc_flags, I40E_AQC_SET_VSI_PROMISC_BROADCAST | I40E_AQC_SET_VSI_PROMISC_MULTICAST);
}

// ---- 0x025A: i40e_add_filter_to_drop_tx_flow_control_frames ----
TEST_F(AdminCommandsTest, ControlPacketFilterForMainVsiSucceeds) {
  AdminDescriptor d = direct(aq_op::add_control_packet_filter);
  d.set_u16(28, 0);       // queue
  d.set_u16(22, 0x8808);  // etype
  d.set_u16(24, I40E_AQC_ADD_CONTROL_PACKET_FLAGS_IGNORE_MAC | I40E_AQC_ADD_CONTROL_PACKET_FLAGS_DROP |
                    I40E_AQC_ADD_CONTROL_PACKET_FLAGS_TX);
  d.set_u16(26, main_vsi_seid_from_get_vsi_params());
  EXPECT_EQ(run(d).status, AqStatus::RC_OK);
  AdminDescriptor other = direct(aq_op::add_control_packet_filter);
  other.set_u16(26, 3);
  EXPECT_NE(run(other).status, AqStatus::RC_OK);
}

// ---- 0x0303 set DCB parameters: probe, API >= 1.7 ----
TEST_F(AdminCommandsTest, SetDcbParametersIsNotEperm) {
  AdminDescriptor d = direct(aq_op::set_dcb_parameters);
  d.set_byte(16, 0x1);  // I40E_AQ_DCB_SET_AGENT
  d.set_byte(17, 0x1);  // I40E_DCB_VALID
  // i40e_init_pf_dcb reads asq_last_status after this: EPERM there would
  // mean "FW LLDP disabled".
  EXPECT_EQ(run(d).status, AqStatus::RC_OK);
}

// ---- 0x0600 get PHY abilities: i40e_force_link_state, probe ----
TEST_F(AdminCommandsTest, PhyAbilitiesAreNonZeroSoOpenDoesNotForceTheLink) {
  for (bool report_init : {true, false}) {
    std::vector<uint8_t> abilities(0x218, 0xCC);
    AdminDescriptor d = indirect(aq_op::get_phy_abilities, abilities.size(), false);
    if (report_init) d.param0 |= I40E_AQ_PHY_REPORT_INITIAL_VALUES;
    ASSERT_EQ(d.flags & I40E_AQ_FLAG_LB, I40E_AQ_FLAG_LB);
    const AdminReply r = run(d, abilities);
    ASSERT_EQ(r.status, AqStatus::RC_OK);
    EXPECT_EQ(r.datalen, 0x218);
    const uint32_t phy_type = rd32(abilities, 0);
    const uint8_t link_speed = abilities[4];
    // i40e_force_link_state returns early only with both non-zero.
    EXPECT_NE(phy_type, 0u);
    EXPECT_NE(link_speed, 0);
    EXPECT_EQ(phy_type, 1u << I40E_PHY_TYPE_10GBASE_SR);
    EXPECT_EQ(link_speed, I40E_LINK_SPEED_10GB);
    EXPECT_EQ(abilities[5] & (I40E_AQ_PHY_ENABLE_LINK | I40E_AQ_PHY_ENABLE_AN),
              I40E_AQ_PHY_ENABLE_LINK | I40E_AQ_PHY_ENABLE_AN);
    EXPECT_EQ(abilities[14], 0);  // fec_cfg_curr_mod_ext_info: no FEC flags
    EXPECT_EQ(abilities[0x217], 0);  // rest of the structure cleared
  }
}

TEST_F(AdminCommandsTest, PhyTypeBitmapsFollowTheDriversCapabilityBits) {
  // I40E_CAP_PHY_TYPE_25GBASE_SR = BIT_ULL(0x21 + I40E_PHY_TYPE_OFFSET): bit 34,
  // i.e. I40E_AQ_PHY_TYPE_EXT_25G_SR (0x04) in phy_type_ext / link_type_ext.
  fw.link.phy_type = 0x21;
  fw.link.link_speed = 0x40;  // I40E_LINK_SPEED_25GB
  std::vector<uint8_t> abilities(0x218, 0);
  AdminDescriptor d = indirect(aq_op::get_phy_abilities, abilities.size(), false);
  ASSERT_EQ(run(d, abilities).status, AqStatus::RC_OK);
  const uint64_t phy_types = rd32(abilities, 0) | (uint64_t{abilities[13]} << 32);
  EXPECT_EQ(phy_types, uint64_t{1} << 34);
  AdminDescriptor l = direct(aq_op::get_link_status);
  ASSERT_EQ(run(l).status, AqStatus::RC_OK);
  EXPECT_EQ(l.byte_at(18), 0x21);
  EXPECT_EQ(l.u32_at(27), 0u);
  EXPECT_EQ(l.byte_at(31), 0x04);
}

TEST_F(AdminCommandsTest, PhyAbilitiesShortBufferIsEinval) {
  std::vector<uint8_t> small(0x217, 0);
  AdminDescriptor d = indirect(aq_op::get_phy_abilities, small.size(), false);
  EXPECT_EQ(run(d, small).status, AqStatus::RC_EINVAL);
}

// ---- 0x0601 set PHY config / 0x0605 restart AN: i40e_force_link_state ----
TEST_F(AdminCommandsTest, SetPhyConfigAndRestartAnSucceedAndKeepTheLink) {
  for (bool is_up : {false, true}) {
    AdminDescriptor d = direct(aq_op::set_phy_config);
    d.set_u32(16, is_up ? 0xFFFFFFFFu : 0);  // phy_type: all types or none
    d.set_byte(20, I40E_LINK_SPEED_10GB);
    d.set_byte(21, I40E_AQ_PHY_ENABLE_LINK | I40E_AQ_PHY_ENABLE_AN);
    d.set_byte(29, is_up ? 0x3F : 0);  // phy_type_ext
    EXPECT_EQ(run(d).status, AqStatus::RC_OK);
    EXPECT_TRUE(fw.link.up);
    AdminDescriptor an = direct(aq_op::set_link_restart_an);
    an.set_byte(16, static_cast<uint8_t>(I40E_AQ_PHY_RESTART_AN | (is_up ? I40E_AQ_PHY_LINK_ENABLE : 0)));
    EXPECT_EQ(run(an).status, AqStatus::RC_OK);
    EXPECT_TRUE(fw.link.up);
  }
}

// ---- 0x0607 get link status: i40e_aq_get_link_info ----
TEST_F(AdminCommandsTest, LinkStatusReportsLinkUpAndEnablesLse) {
  AdminDescriptor d = direct(aq_op::get_link_status);
  d.set_u16(16, I40E_AQ_LSE_ENABLE);  // i40e_update_link_info: enable_lse = true
  ASSERT_EQ(run(d).status, AqStatus::RC_OK);
  EXPECT_TRUE(fw.link.lse_enabled);
  EXPECT_TRUE(d.u16_at(16) & I40E_AQ_LSE_IS_ENABLED);  // hw_link_info->lse_enable
  EXPECT_EQ(d.byte_at(18), I40E_PHY_TYPE_10GBASE_SR);
  EXPECT_EQ(d.byte_at(19), I40E_LINK_SPEED_10GB);
  const uint8_t link_info = d.byte_at(20);
  EXPECT_TRUE(link_info & I40E_AQ_LINK_UP);  // i40e_get_link_status: carrier
  EXPECT_TRUE(link_info & I40E_AQ_MEDIA_AVAILABLE);
  EXPECT_TRUE(d.byte_at(21) & I40E_AQ_AN_COMPLETED);
  EXPECT_TRUE(d.byte_at(21) & I40E_AQ_QUALIFIED_MODULE);
  EXPECT_EQ(d.byte_at(21) & 0x60, 0);  // no pause: fc.current_mode = NONE
  EXPECT_EQ(d.byte_at(23) & 0x07, 0);  // no loopback
  uint32_t link_type;  // API >= 1.7: phy_types from link_type[4]
  std::memcpy(&link_type, std::array<uint8_t, 4>{d.byte_at(27), d.byte_at(28), d.byte_at(29), d.byte_at(30)}.data(),
              4);
  EXPECT_EQ(link_type, 1u << I40E_PHY_TYPE_10GBASE_SR);
}

TEST_F(AdminCommandsTest, LinkStatusLseDisableAndNoChange) {
  fw.link.lse_enabled = true;
  AdminDescriptor d = direct(aq_op::get_link_status);
  d.set_u16(16, I40E_AQ_LSE_DISABLE);
  ASSERT_EQ(run(d).status, AqStatus::RC_OK);
  EXPECT_FALSE(fw.link.lse_enabled);
  EXPECT_FALSE(d.u16_at(16) & I40E_AQ_LSE_IS_ENABLED);
  // No bit 1 (as Device::set_link builds the event): LSE unchanged.
  fw.link.lse_enabled = true;
  AdminDescriptor ev{};
  ev.opcode = aq_op::get_link_status;
  ASSERT_EQ(run(ev).status, AqStatus::RC_OK);
  EXPECT_TRUE(fw.link.lse_enabled);
  EXPECT_TRUE(ev.u16_at(16) & I40E_AQ_LSE_IS_ENABLED);
}

TEST_F(AdminCommandsTest, LinkStatusWhenDownKeepsModuleQualified) {
  fw.link.up = false;
  AdminDescriptor d = direct(aq_op::get_link_status);
  d.set_u16(16, I40E_AQ_LSE_ENABLE);
  ASSERT_EQ(run(d).status, AqStatus::RC_OK);
  EXPECT_FALSE(d.byte_at(20) & I40E_AQ_LINK_UP);
  EXPECT_TRUE(d.byte_at(20) & I40E_AQ_MEDIA_AVAILABLE);
  // i40e_link_event: media available, no link, unqualified -> "unsupported SFP".
  EXPECT_TRUE(d.byte_at(21) & I40E_AQ_QUALIFIED_MODULE);
}

// ---- 0x0613 set PHY int mask: probe ----
TEST_F(AdminCommandsTest, PhyIntMaskIsStored) {
  AdminDescriptor d = direct(aq_op::set_phy_int_mask);
  const uint16_t mask =
      static_cast<uint16_t>(~(I40E_AQ_EVENT_LINK_UPDOWN | I40E_AQ_EVENT_MEDIA_NA | I40E_AQ_EVENT_MODULE_QUAL_FAIL));
  d.set_u16(24, mask);
  ASSERT_EQ(run(d).status, AqStatus::RC_OK);
  EXPECT_EQ(fw.link.phy_int_mask, mask);
  EXPECT_EQ(fw.link.phy_int_mask & I40E_AQ_EVENT_LINK_UPDOWN, 0);
}

// ---- 0x0701 NVM read: i40e_aq_read_nvm ----
AdminDescriptor nvm_read_desc(uint8_t module_pointer, uint32_t offset, uint16_t length, bool last) {
  AdminDescriptor d = direct(aq_op::nvm_read);
  if (last) d.set_byte(16, I40E_AQ_NVM_LAST_CMD);
  d.set_byte(17, module_pointer);
  d.set_u32(20, offset);
  d.set_u16(18, length);
  d.flags |= I40E_AQ_FLAG_BUF;
  if (length > I40E_AQ_LARGE_BUF) d.flags |= I40E_AQ_FLAG_LB;
  d.datalen = length;
  return d;
}

TEST_F(AdminCommandsTest, NvmReadFlatWords) {
  // i40e_read_nvm_aq: module 0, byte offset 2 * word, 2 * words bytes.
  std::vector<uint8_t> data(4, 0);
  AdminDescriptor d = nvm_read_desc(0, 2 * Nvm::NVM_EETRACK_LO, 4, true);
  const AdminReply r = run(d, data);
  ASSERT_EQ(r.status, AqStatus::RC_OK);
  EXPECT_EQ(r.datalen, 4);
  EXPECT_EQ(rd16(data, 0), 0x35CF);
  EXPECT_EQ(rd16(data, 2), 0x8000);
  std::vector<uint8_t> one(2, 0);
  AdminDescriptor w = nvm_read_desc(0, 2 * Nvm::NVM_DEV_STARTER_VERSION, 2, true);
  ASSERT_EQ(run(w, one).status, AqStatus::RC_OK);
  uint16_t expected = 0;
  ASSERT_TRUE(nvm.read_word(Nvm::NVM_DEV_STARTER_VERSION, expected));
  EXPECT_EQ(rd16(one, 0), expected);
  // An odd byte offset gives the high byte first.
  std::vector<uint8_t> b(1, 0);
  AdminDescriptor o = nvm_read_desc(0, 2 * Nvm::NVM_DEV_STARTER_VERSION + 1, 1, true);
  ASSERT_EQ(run(o, b).status, AqStatus::RC_OK);
  EXPECT_EQ(b[0], expected >> 8);
}

TEST_F(AdminCommandsTest, NvmReadThroughModulePointer) {
  // _i40e_read_lldp_cfg's second read: module = a pointer word, offset =
  // bytes from the module start (word pointer, I40E_PTR_TYPE clear).
  uint16_t block = 0;
  ASSERT_TRUE(nvm.read_word(Nvm::BOOT_CONFIG_PTR, block));
  ASSERT_EQ(block & 0x8000, 0);
  std::vector<uint8_t> data(4, 0);
  AdminDescriptor d = nvm_read_desc(Nvm::BOOT_CONFIG_PTR, 2 * 0x83, 4, true);
  ASSERT_EQ(run(d, data).status, AqStatus::RC_OK);
  uint16_t hi = 0, lo = 0;
  ASSERT_TRUE(nvm.read_word(block + 0x83, hi));
  ASSERT_TRUE(nvm.read_word(block + 0x84, lo));
  EXPECT_EQ(rd16(data, 0), hi);
  EXPECT_EQ(rd16(data, 2), lo);
}

TEST_F(AdminCommandsTest, LldpConfigReadsAsI40eReadLldpCfgDoes) {
  // i40e_read_lldp_cfg (DCB init with API < 1.8): control word (structured
  // image: I40E_SR_NVM_MAP_STRUCTURE_TYPE clear), then _i40e_read_lldp_cfg
  // with module I40E_EMP_MODULE_PTR (0x0F) and word offset 6.
  auto read = [this](uint8_t module, uint32_t offset, std::vector<uint8_t>& out) {
    AdminDescriptor d = nvm_read_desc(module, offset, static_cast<uint16_t>(out.size()), true);
    return run(d, out).status;
  };
  std::vector<uint8_t> w(2, 0);
  ASSERT_EQ(read(0, 0, w), AqStatus::RC_OK);
  EXPECT_EQ(rd16(w, 0) & (1u << 12), 0u);
  ASSERT_EQ(read(0, 0x0F * 2, w), AqStatus::RC_OK);
  const uint16_t mem = rd16(w, 0);
  ASSERT_EQ(mem & 0x8000, 0) << "word pointer";
  const uint32_t address = (0x7FFFu & mem) * 2;
  ASSERT_EQ(read(0x0F, 2 * 6, w), AqStatus::RC_OK);
  const uint32_t offset = (rd16(w, 0) + 6u) * 2;
  std::vector<uint8_t> vars(4, 0);  // struct i40e_lldp_variables: length, adminstatus
  ASSERT_EQ(read(0, address + offset, vars),
            AqStatus::RC_OK);
  // i40e_init_dcb: adminstatus >> (port * 4) & 0xF must be non-zero, or
  // DCB init "fails" and the driver logs it at probe.
  EXPECT_NE(rd16(vars, 2) & 0xF, 0);
}

TEST_F(AdminCommandsTest, LldpMibChangeEventSucceeds) {
  // i40e_aq_cfg_lldp_mib_change_event: the return value of i40e_init_dcb.
  AdminDescriptor d = direct(0x0A01);
  EXPECT_EQ(run(d).status, AqStatus::RC_OK);
}

TEST_F(AdminCommandsTest, NvmReadRejectsWhatTheShadowRamCannotServe) {
  std::vector<uint8_t> data(8, 0);
  // In offset the highest byte must be zeroed (i40e_aq_read_nvm).
  AdminDescriptor hi = nvm_read_desc(0, 0x01000000, 2, true);
  EXPECT_EQ(run(hi, data).status, AqStatus::RC_EINVAL);
  // Beyond the shadow RAM.
  AdminDescriptor past = nvm_read_desc(0, 2 * nvm.size_words() - 2, 4, true);
  EXPECT_EQ(run(past, data).status, AqStatus::RC_EINVAL);
  // Longer than the buffer.
  AdminDescriptor longer = nvm_read_desc(0, 0, 16, true);
  EXPECT_EQ(run(longer, data).status, AqStatus::RC_EINVAL);
  // A module pointer that is not initialised (word 0x1B is 0xFFFF).
  AdminDescriptor unset = nvm_read_desc(Nvm::NVM_OEM_VER_BLOCK_PTR, 0, 2, true);
  EXPECT_EQ(run(unset, data).status, AqStatus::RC_EINVAL);
}

// ---- 0x0A00 LLDP get MIB: i40e_get_fw_lldp_status ----
TEST_F(AdminCommandsTest, LldpGetMibReportsAgentEnabled) {
  std::vector<uint8_t> mib(I40E_LLDPDU_SIZE, 0x5A);
  AdminDescriptor d = indirect(aq_op::lldp_get_mib, mib.size(), false);
  d.set_byte(16, I40E_AQ_LLDP_MIB_LOCAL);  // bridge type nearest bridge (0)
  const AdminReply r = run(d, mib);
  // Success or ENOENT mean "FW LLDP is enabled"; EPERM would mean disabled.
  EXPECT_TRUE(r.status == AqStatus::RC_OK || r.status == AqStatus::RC_ENOENT);
  EXPECT_NE(r.status, AqStatus::RC_EPERM);
  EXPECT_TRUE(std::all_of(mib.begin(), mib.end(), [](uint8_t b) { return b == 0; }));
  EXPECT_EQ(d.param3, kAddrLow);

  std::vector<uint8_t> remote(I40E_LLDPDU_SIZE, 0);
  AdminDescriptor rd = indirect(aq_op::lldp_get_mib, remote.size(), false);
  rd.set_byte(16, I40E_AQ_LLDP_MIB_REMOTE);
  EXPECT_EQ(run(rd, remote).status, AqStatus::RC_ENOENT);
}

// ---- Link-down path without firmware DCB: i40e_hw_set_dcb_config ----
TEST_F(AdminCommandsTest, SetLocalMibAndResumePortTxSucceed) {
  std::vector<uint8_t> mib(64, 0);
  AdminDescriptor set = indirect(0x0A08, mib.size(), true);  // i40e_aq_set_lldp_mib
  set.set_byte(16, 0);
  set.set_u16(18, static_cast<uint16_t>(mib.size()));
  EXPECT_EQ(run(set, mib).status, AqStatus::RC_OK);
  AdminDescriptor resume = direct(0x041C);  // i40e_aq_resume_port_tx: must succeed
  EXPECT_EQ(run(resume).status, AqStatus::RC_OK);
}

// ---- Deliberate errors for conditional DCB / LLDP / tunnel commands ----
TEST_F(AdminCommandsTest, ConditionalCommandsAnswerNotSupported) {
  // 0x0413 ETS (FW < 4.40 only), 0x0A07 CEE config (DCBX done only; our
  // DCBX status is "not started"), 0x0A05 stop LLDP (FW < 4.3 / private
  // flag), 0x0B00 / 0x0B01 UDP tunnels: the driver only logs.
  for (uint16_t op : {0x0413, 0x0A05, 0x0A07, 0x0B00, 0x0B01}) {
    AdminDescriptor d = direct(op);
    EXPECT_EQ(run(d).status, AqStatus::RC_ENOSYS) << std::hex << op;
  }
  // 0x0243 (probe error path, for the main VSI): the firmware's elements stay.
  AdminDescriptor del = direct(0x0243);
  del.set_u16(16, fw.main_vsi_seid);
  EXPECT_NE(run(del).status, AqStatus::RC_OK);
  AdminDescriptor del_unknown = direct(0x0243);
  del_unknown.set_u16(16, 700);
  EXPECT_EQ(run(del_unknown).status, AqStatus::RC_ENOENT);
}

// ---- A probe-shaped sequence, in 6.1 order, ending with rmmod ----
TEST_F(AdminCommandsTest, ProbeOpenRemoveSequenceSucceeds) {
  auto ok = [&](AdminDescriptor d, std::vector<uint8_t> buf = {}) {
    const uint16_t op = d.opcode;
    EXPECT_EQ(run(d, buf).status, AqStatus::RC_OK) << "opcode 0x" << std::hex << op;
    return d;
  };
  ok(direct(aq_op::get_version));
  for (uint32_t word : {0x18u, 0x2Du, 0x2Eu}) {
    (void)word;
    AdminDescriptor req = direct(aq_op::request_resource);
    req.set_u16(16, 1);
    req.set_u16(18, 1);
    ok(req);
    AdminDescriptor rel = direct(aq_op::release_resource);
    rel.set_u16(16, 1);
    ok(rel);
  }
  AdminDescriptor pxe = direct(aq_op::clear_pxe_mode);
  pxe.set_byte(16, 2);
  ok(pxe);
  ok(indirect(aq_op::list_func_capabilities, 1280, false), std::vector<uint8_t>(1280));
  AdminDescriptor mac = direct(aq_op::manage_mac_read);
  mac.flags |= I40E_AQ_FLAG_BUF;
  ok(mac, std::vector<uint8_t>(24));
  AdminDescriptor mib = indirect(aq_op::lldp_get_mib, I40E_LLDPDU_SIZE, false);
  const AdminReply m = [&] {
    std::vector<uint8_t> b(I40E_LLDPDU_SIZE);
    return run(mib, b);
  }();
  EXPECT_NE(m.status, AqStatus::RC_EPERM);
  ok(direct(aq_op::set_dcb_parameters));
  ok(indirect(aq_op::get_switch_config, I40E_AQ_LARGE_BUF, false), std::vector<uint8_t>(I40E_AQ_LARGE_BUF));
  ok(direct(aq_op::set_switch_config));
  const uint16_t seid = main_vsi_seid_from_get_vsi_params();
  AdminDescriptor bw = direct(aq_op::config_vsi_bw_limit);
  bw.set_u16(16, seid);
  ok(bw);
  AdminDescriptor get_link = direct(aq_op::get_link_status);
  get_link.set_u16(16, I40E_AQ_LSE_ENABLE);
  const AdminDescriptor link = ok(get_link);
  EXPECT_TRUE(link.byte_at(20) & I40E_AQ_LINK_UP);
  ok(indirect(aq_op::get_phy_abilities, 0x218, false), std::vector<uint8_t>(0x218));
  for (uint32_t i = 0; i < 2; ++i) {  // rmmod: PFQF_HENA = 0
    AdminDescriptor w = direct(aq_op::rx_ctl_write);
    w.set_u32(20, reg::PFQF_HENA + 128 * i);
    ok(w);
  }
  AdminDescriptor shutdown = direct(aq_op::queue_shutdown);
  shutdown.set_u32(16, 1);
  ok(shutdown);
}

// ---- Robustness: any params, any buffer size, every table entry ----
TEST_F(AdminCommandsTest, EveryHandlerCopesWithZeroedDescriptorsAndOddBuffers) {
  for (const AdminCommand& c : admin_command_table()) {
    for (size_t size : {size_t{0}, size_t{1}, size_t{7}, size_t{4096}}) {
      AdminDescriptor d{};
      d.opcode = c.opcode;
      std::vector<uint8_t> buf(size, 0);
      AdminReply r{};
      EXPECT_NO_THROW(r = c.handler(ctx, d, std::span<uint8_t>(buf))) << c.name;
      EXPECT_LE(static_cast<unsigned>(r.status), 0xFFu) << c.name;
      EXPECT_EQ(buf.size(), size);
    }
  }
}

TEST_F(AdminCommandsTest, EveryHandlerCopesWithRandomParamsAndBuffers) {
  std::mt19937 rng(0x1572);
  std::uniform_int_distribution<int> byte(0, 255);
  for (const AdminCommand& c : admin_command_table()) {
    for (size_t size : {size_t{0}, size_t{1}, size_t{7}, size_t{16}, size_t{24}, size_t{32}, size_t{128},
                        size_t{0x217}, size_t{0x218}, size_t{4096}}) {
      for (int round = 0; round < 40; ++round) {
        AdminDescriptor d{};
        uint8_t raw[32];
        for (uint8_t& b : raw) b = static_cast<uint8_t>(byte(rng));
        std::memcpy(&d, raw, sizeof raw);
        d.opcode = c.opcode;
        // Half the time aim at the real VSI, so deeper paths run too.
        if (round % 2) {
          d.set_u16(16, static_cast<uint16_t>((round % 4 == 1 ? I40E_AQC_MACVLAN_CMD_SEID_VALID : 0) |
                                              fw.main_vsi_seid));
          d.set_u16(18, static_cast<uint16_t>(I40E_AQC_MACVLAN_CMD_SEID_VALID | fw.main_vsi_seid));
          d.set_u16(20, fw.main_vsi_seid);
          d.set_u16(26, fw.main_vsi_seid);
          if (round % 8 == 1) d.set_u16(16, static_cast<uint16_t>(byte(rng) % 8));
        }
        std::vector<uint8_t> buf(size);
        for (uint8_t& b : buf) b = static_cast<uint8_t>(byte(rng));
        AdminReply r{};
        EXPECT_NO_THROW(r = c.handler(ctx, d, std::span<uint8_t>(buf))) << c.name;
        EXPECT_LE(r.datalen, std::max<size_t>(size, 6 * 32)) << c.name;  // 6 caps: ENOMEM "needed" length
      }
    }
  }
  EXPECT_LE(fw.vsi.mac_filters.size(), VsiState::kMaxMacFilters);
}

}  // namespace
