// The emulated firmware's admin command handlers (spec 4.5 to 4.10, 9): one
// small handler per opcode, in a table sorted by opcode. Layouts are those of
// the Linux driver's i40e_adminq_cmd.h (identical in 6.1 and 6.12); each
// handler answers the way the consuming driver function needs.
//
// The guest is untrusted: params are arbitrary and the indirect buffer may
// have any size, including zero. Every buffer access goes through the
// bounds-checked helpers below; a buffer smaller than the structure a command
// carries is answered EINVAL.
#include "admin_commands.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "log.h"
#include "nvm.h"
#include "register_file.h"
#include "registers.h"

namespace x710 {

namespace {

static_assert(std::endian::native == std::endian::little,
              "descriptor and buffer fields are little-endian and accessed in host order");

// ---- Driver constants (i40e_adminq_cmd.h / i40e_type.h names) ----

// Descriptor of 0x0107 manage MAC read.
constexpr uint16_t I40E_AQC_LAN_ADDR_VALID = 0x10;
constexpr uint16_t I40E_AQC_PORT_ADDR_VALID = 0x40;

// 0x0008 / 0x0009 resources.
constexpr uint16_t I40E_NVM_RESOURCE_ID = 1;
constexpr uint16_t I40E_RESOURCE_READ = 1;
constexpr uint16_t I40E_RESOURCE_WRITE = 2;

// 0x000A capability ids.
constexpr uint16_t I40E_AQ_CAP_ID_VSI = 0x0017;
constexpr uint16_t I40E_AQ_CAP_ID_DCB = 0x0018;
constexpr uint16_t I40E_AQ_CAP_ID_RSS = 0x0040;
constexpr uint16_t I40E_AQ_CAP_ID_RXQ = 0x0041;
constexpr uint16_t I40E_AQ_CAP_ID_TXQ = 0x0042;
constexpr uint16_t I40E_AQ_CAP_ID_MSIX = 0x0043;
constexpr size_t kCapElementSize = 32;  // struct i40e_aqc_list_capabilities_element_resp

// 0x0200 switch configuration.
constexpr uint8_t I40E_SWITCH_ELEMENT_TYPE_VSI = 19;
constexpr uint8_t I40E_AQ_CONN_TYPE_REGULAR = 1;
constexpr size_t kSwitchHeaderSize = 16;   // i40e_aqc_get_switch_config_header_resp
constexpr size_t kSwitchElementSize = 16;  // i40e_aqc_switch_config_element_resp

// 0x0210..0x0212 VSI properties (struct i40e_aqc_vsi_properties_data).
constexpr size_t kVsiPropertiesSize = 128;
constexpr uint16_t I40E_AQ_VSI_PROP_VLAN_VALID = 0x0004;
constexpr uint16_t I40E_AQ_VSI_QS_HANDLE_INVALID = 0xFFFF;

// 0x0250 / 0x0251 MAC/VLAN elements.
constexpr uint16_t I40E_AQC_MACVLAN_CMD_SEID_VALID = 0x8000;
constexpr uint16_t I40E_AQC_MACVLAN_ADD_IGNORE_VLAN = 0x0004;
constexpr uint8_t I40E_AQC_MACVLAN_DEL_IGNORE_VLAN = 0x08;
constexpr uint8_t I40E_AQC_MM_ERR_NO_RES = 0xFF;
constexpr size_t kMacVlanElementSize = 16;
constexpr uint16_t kVlanIdMask = 0x0FFF;

// 0x0408 / 0x040A scheduler queries.
constexpr size_t kQueryVsiBwSize = 0x40;      // i40e_aqc_query_vsi_bw_config_resp
constexpr size_t kQueryVsiEtsSlaSize = 0x20;  // i40e_aqc_query_vsi_ets_sla_config_resp
constexpr uint8_t kEnabledTcs = 0x01;         // TC0 only: no DCB capability

// 0x0600 / 0x0607 PHY and link.
constexpr size_t kPhyAbilitiesSize = 0x218;  // i40e_aq_get_phy_abilities_resp
constexpr uint8_t I40E_AQ_PHY_ENABLE_LINK = 0x08;
constexpr uint8_t I40E_AQ_PHY_ENABLE_AN = 0x10;
constexpr uint8_t I40E_MODULE_TYPE_SFP = 0x03;
constexpr uint16_t I40E_AQ_LSE_ENABLE = 0x3;   // request command_flags
constexpr uint16_t I40E_AQ_LSE_DISABLE = 0x2;  // request command_flags
constexpr uint16_t I40E_AQ_LSE_IS_ENABLED = 0x1;  // completion command_flags
constexpr uint8_t I40E_AQ_LINK_UP = 0x01;
constexpr uint8_t I40E_AQ_MEDIA_AVAILABLE = 0x40;
constexpr uint8_t I40E_AQ_AN_COMPLETED = 0x01;
constexpr uint8_t I40E_AQ_QUALIFIED_MODULE = 0x80;
constexpr uint8_t I40E_AQ_CONFIG_CRC_ENA = 0x04;
constexpr uint16_t kMaxFrameSize = 9728;  // I40E_MAX_RXBUFFER-sized jumbo frames

// 0x0701 NVM read.
constexpr uint16_t I40E_PTR_TYPE = 0x8000;  // module pointer in 4 KiB sectors, not words
constexpr uint16_t I40E_NVM_INVALID_PTR_VAL = 0x7FFF;
constexpr uint16_t I40E_NVM_INVALID_VAL = 0xFFFF;

// 0x0A00 LLDP MIB.
constexpr uint8_t I40E_AQ_LLDP_MIB_TYPE_MASK = 0x3;
constexpr uint8_t I40E_AQ_LLDP_MIB_REMOTE = 0x1;

// The queue set the scheduler gives the main VSI's TC0. The driver copies
// qs_handle[tc] into the TX queue context's rdylist (10 bits,
// i40e_configure_tx_ring); the emulated scheduler does not use it.
uint16_t main_vsi_qs_handle(const FirmwareState& fw) { return fw.vsi_number; }

// ---- Bounds-checked buffer access (little-endian) ----

// Also false for len 0: an empty span may have a null data(), which memcpy and
// memset must not see even for zero bytes.
bool fits(std::span<const uint8_t> buf, size_t off, size_t len) {
  return len > 0 && off <= buf.size() && len <= buf.size() - off;
}

void put8(std::span<uint8_t> buf, size_t off, uint8_t v) {
  if (fits(buf, off, 1)) buf[off] = v;
}
void put16(std::span<uint8_t> buf, size_t off, uint16_t v) {
  if (fits(buf, off, 2)) std::memcpy(buf.data() + off, &v, 2);
}
void put32(std::span<uint8_t> buf, size_t off, uint32_t v) {
  if (fits(buf, off, 4)) std::memcpy(buf.data() + off, &v, 4);
}
void put_bytes(std::span<uint8_t> buf, size_t off, const uint8_t* src, size_t len) {
  if (fits(buf, off, len)) std::memcpy(buf.data() + off, src, len);
}
uint8_t get8(std::span<const uint8_t> buf, size_t off) { return fits(buf, off, 1) ? buf[off] : 0; }
uint16_t get16(std::span<const uint8_t> buf, size_t off) {
  uint16_t v = 0;
  if (fits(buf, off, 2)) std::memcpy(&v, buf.data() + off, 2);
  return v;
}
void zero(std::span<uint8_t> buf, size_t off, size_t len) {
  if (fits(buf, off, len)) std::memset(buf.data() + off, 0, len);
}

// Direct completions reuse all of bytes 16..31; indirect ones only 16..23
// (24..31 hold the buffer address, which the driver's ring bookkeeping keeps).
void clear_direct_params(AdminDescriptor& d) {
  for (unsigned off = 16; off < 32; ++off) d.set_byte(off, 0);
}
void clear_indirect_params(AdminDescriptor& d) {
  for (unsigned off = 16; off < 24; ++off) d.set_byte(off, 0);
}

AdminReply ok(uint16_t datalen = 0) { return AdminReply{AqStatus::RC_OK, datalen}; }
AdminReply fail(AqStatus status, uint16_t datalen = 0) { return AdminReply{status, datalen}; }

uint16_t len16(size_t n) { return static_cast<uint16_t>(std::min<size_t>(n, UINT16_MAX)); }

bool is_main_vsi(const FirmwareState& fw, uint16_t seid) { return seid == fw.main_vsi_seid; }

// A register the firmware may touch for 0x0206/0x0207/0xFF03: any 4-aligned
// BAR0 offset.
bool valid_register(uint32_t address) { return address % 4 == 0 && address < RegisterFile::kSize; }

// The 64-bit phy type bitmap (hw->phy.phy_types, I40E_CAP_PHY_TYPE_*): bit
// = i40e_aq_phy_type, except the 25G types 0x1F..0x24 which sit one bit
// higher (I40E_PHY_TYPE_OFFSET). Bits 0..31 travel in phy_type / link_type,
// bits 32..39 in phy_type_ext / link_type_ext.
uint64_t phy_type_bitmap(uint8_t type) {
  if (type < 0x1F) return uint64_t{1} << type;
  if (type <= 0x24) return uint64_t{1} << (type + 1);
  if (type == 0x26 || type == 0x27) return uint64_t{1} << type;  // 2.5GBASE_T, 5GBASE_T
  return 0;
}
uint32_t phy_type_bits(uint8_t type) { return static_cast<uint32_t>(phy_type_bitmap(type)); }
uint8_t phy_type_ext_bits(uint8_t type) { return static_cast<uint8_t>(phy_type_bitmap(type) >> 32); }

// ---- 0x00xx: generic firmware commands ----

// i40e_aq_get_firmware_version (i40e_init_adminq): api_major must be 1, and the
// fw/api numbers select the driver's feature gates (spec 4.7).
AdminReply get_version(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  const FirmwareState& fw = ctx.fw;
  clear_direct_params(desc);
  desc.set_u32(16, fw.rom_ver);
  desc.set_u32(20, fw.fw_build);
  desc.set_u16(24, fw.fw_major);
  desc.set_u16(26, fw.fw_minor);
  desc.set_u16(28, fw.api_major);
  desc.set_u16(30, fw.api_minor);
  return ok();
}

// i40e_aq_send_driver_version (i40e_send_version): informational only.
AdminReply driver_version(AdminCommandContext&, AdminDescriptor& desc, std::span<uint8_t>) {
  X710_LOG(debug, "aq: driver version %u.%u.%u.%u", desc.byte_at(16), desc.byte_at(17), desc.byte_at(18),
           desc.byte_at(19));
  return ok();
}

// i40e_aq_queue_shutdown (i40e_shutdown_adminq, rmmod and reboot): the driver
// goes away, and with it any NVM ownership it held.
AdminReply queue_shutdown(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  X710_LOG(debug, "aq: queue shutdown%s", (desc.u32_at(16) & 0x1) ? " (driver unloading)" : "");
  ctx.fw.nvm_owned = false;
  return ok();
}

// i40e_aq_request_resource (i40e_acquire_nvm): taken around every NVM word read
// with API >= 1.5 and around the checksum pass; a failure during the checksum
// pass marks the EEPROM bad and every open fails. The completion's timeout
// (ms) is how long the driver may hold it. One PF means the only possible
// holder is the driver itself, so a repeated request is granted again rather
// than answered EBUSY (which would make i40e_acquire_nvm poll for 18 s).
AdminReply request_resource(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  const uint16_t resource = desc.u16_at(16);
  const uint16_t access = desc.u16_at(18);
  desc.set_u32(20, 0);
  if (resource != I40E_NVM_RESOURCE_ID || (access != I40E_RESOURCE_READ && access != I40E_RESOURCE_WRITE)) {
    X710_LOG(debug, "aq: request resource %u access %u: unknown", resource, access);
    return fail(AqStatus::RC_EINVAL);
  }
  ctx.fw.nvm_owned = true;
  desc.set_u32(20, access == I40E_RESOURCE_READ ? 3000 : 180000);
  return ok();
}

// i40e_aq_release_resource (i40e_release_nvm): must always succeed. drv 6.12
// re-sends it on any error (-EIO) up to 250,000 times after every locked NVM
// read (spec 4.5 row 3), so even an unknown resource is "released".
AdminReply release_resource(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  if (desc.u16_at(16) == I40E_NVM_RESOURCE_ID) ctx.fw.nvm_owned = false;
  return ok();
}

// i40e_aq_discover_capabilities / i40e_parse_discover_capabilities
// (i40e_get_capabilities): the element count is read from param1 (byte 20),
// not from datalen. RSS 512 entries of width 6 (the MMIO LUT writer only
// handles 512), RX/TX queue pairs from base queue 0, MSI-X vectors,
// guaranteed VSIs, and DCB with only TC0 enabled: like a real X710 whose
// firmware LLDP agent runs, the driver then leaves DCB to the firmware
// (DCB_CAP_DCBX_LLD_MANAGED, i40e_init_pf_dcb), prints no "DCB init failed"
// at probe, and a link flap does not quiesce the VSIs for a software DCB
// reconfiguration (i40e_link_event). Nothing else, so the driver stays off
// the FDIR, VMDq, SR-IOV, iWARP and multi-function paths (spec 4.8).
AdminReply list_func_capabilities(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  const FirmwareState& fw = ctx.fw;
  struct Cap {
    uint16_t id;
    uint32_t number, logical_id, phys_id;
  };
  const Cap caps[] = {
      {I40E_AQ_CAP_ID_VSI, fw.num_vsis, 0, 0},
      {I40E_AQ_CAP_ID_RSS, 512, 6, 0},
      {I40E_AQ_CAP_ID_RXQ, fw.num_queue_pairs, 0, 0},
      {I40E_AQ_CAP_ID_TXQ, fw.num_queue_pairs, 0, 0},
      {I40E_AQ_CAP_ID_MSIX, fw.num_msix_vectors, 0, 0},
      // number 1 = DCB present; logical_id = enabled TC map; phys_id = max TCs.
      {I40E_AQ_CAP_ID_DCB, 1, 0x1, 8},
  };
  constexpr size_t count = std::size(caps);
  constexpr size_t needed = count * kCapElementSize;
  clear_indirect_params(desc);
  if (buf.size() < needed) {
    // i40e_get_capabilities retries with a buffer of datalen bytes on ENOMEM.
    return fail(AqStatus::RC_ENOMEM, len16(needed));
  }
  zero(buf, 0, needed);
  for (size_t i = 0; i < count; ++i) {
    const size_t e = i * kCapElementSize;
    put16(buf, e + 0, caps[i].id);
    put8(buf, e + 2, 1);  // major_rev
    put32(buf, e + 4, caps[i].number);
    put32(buf, e + 8, caps[i].logical_id);
    put32(buf, e + 12, caps[i].phys_id);
  }
  desc.set_u32(20, count);
  return ok(len16(needed));
}

// ---- 0x01xx: MAC address, PXE ----

// i40e_aq_mac_address_read (i40e_get_mac_addr, i40e_get_port_mac_addr): the
// LAN MAC becomes the netdev address; a port MAC marked valid keeps probe from
// logging an invalid port address.
AdminReply manage_mac_read(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  constexpr size_t kSize = 24;  // struct i40e_aqc_mac_address_read_data
  desc.set_u16(16, 0);
  if (buf.size() < kSize) return fail(AqStatus::RC_EINVAL);
  zero(buf, 0, kSize);
  put_bytes(buf, 0, ctx.fw.mac.data(), 6);   // pf_lan_mac
  put_bytes(buf, 12, ctx.fw.mac.data(), 6);  // port_mac
  desc.set_u16(16, I40E_AQC_LAN_ADDR_VALID | I40E_AQC_PORT_ADDR_VALID);
  return ok(kSize);
}

// i40e_aq_clear_pxe_mode: the driver ignores the result and then sets
// GLLAN_RCTL_0.PXE_MODE itself; firmware leaving PXE mode does the same.
AdminReply clear_pxe_mode(AdminCommandContext& ctx, AdminDescriptor&, std::span<uint8_t>) {
  ctx.regs.raw(reg::GLLAN_RCTL_0) = 1;
  return ok();
}

// ---- 0x02xx: switch ----

// i40e_aq_get_switch_config (i40e_fetch_switch_configuration): exactly one VSI
// element, because i40e_setup_pf_switch_element only takes the main VSI,
// MAC and PF seids from a VSI element when num_reported == 1. The
// completion seid is the continuation point; 0 ends the driver's loop.
AdminReply get_switch_config(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  const FirmwareState& fw = ctx.fw;
  const uint16_t start_seid = desc.u16_at(16);
  desc.set_u16(16, 0);
  if (buf.size() < kSwitchHeaderSize + kSwitchElementSize) return fail(AqStatus::RC_EINVAL);
  const uint16_t reported = start_seid == 0 ? 1 : 0;  // a continuation has nothing left
  zero(buf, 0, kSwitchHeaderSize + kSwitchElementSize);
  put16(buf, 0, reported);  // num_reported
  put16(buf, 2, 1);         // num_total
  if (reported == 0) return ok(kSwitchHeaderSize);
  const size_t e = kSwitchHeaderSize;
  put8(buf, e + 0, I40E_SWITCH_ELEMENT_TYPE_VSI);
  put8(buf, e + 1, 1);  // revision
  put16(buf, e + 2, fw.main_vsi_seid);
  put16(buf, e + 4, fw.mac_seid);  // uplink: becomes pf->mac_seid
  put16(buf, e + 6, fw.pf_seid);   // downlink: becomes pf->pf_seid
  put8(buf, e + 11, I40E_AQ_CONN_TYPE_REGULAR);
  return ok(kSwitchHeaderSize + kSwitchElementSize);
}

// i40e_aq_set_switch_config (i40e_setup_pf_switch): promiscuous-port flag and
// 802.1ad tags (API >= 1.7). One port, no cloud filters: nothing to apply.
AdminReply set_switch_config(AdminCommandContext&, AdminDescriptor& desc, std::span<uint8_t>) {
  X710_LOG(debug, "aq: set switch config flags 0x%x valid 0x%x mode 0x%x", desc.u16_at(16), desc.u16_at(18),
           desc.byte_at(26));
  return ok();
}

// i40e_read_rx_ctl (i40e_set_filter_control, RSS set-up): PFQF_CTL_0,
// PFQF_HENA(0/1). Through the register file's guest view, so hooks apply just
// as for the MMIO fallback the driver would otherwise use.
AdminReply rx_ctl_read(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  const uint32_t address = desc.u32_at(20);
  desc.set_u32(28, 0);
  if (!valid_register(address)) {
    X710_LOG(debug, "aq: rx control read of bad address 0x%x", address);
    return fail(AqStatus::RC_EINVAL);
  }
  desc.set_u32(28, ctx.regs.read(address));
  return ok();
}

// i40e_write_rx_ctl: the same registers, also written with 0 at rmmod
// (PFQF_HENA). An error would make the driver fall back to MMIO.
AdminReply rx_ctl_write(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  const uint32_t address = desc.u32_at(20);
  if (!valid_register(address)) {
    X710_LOG(debug, "aq: rx control write of bad address 0x%x", address);
    return fail(AqStatus::RC_EINVAL);
  }
  ctx.regs.write(address, desc.u32_at(28));
  return ok();
}

// Completion shared by add/update/get VSI (i40e_aqc_add_get_update_vsi_completion);
// i40e_aq_get_vsi_params takes the VSI seid and number from here.
void put_vsi_completion(const FirmwareState& fw, AdminDescriptor& desc) {
  clear_indirect_params(desc);
  desc.set_u16(16, fw.main_vsi_seid);
  desc.set_u16(18, fw.vsi_number);
  desc.set_u16(20, 1);  // vsi_used
  desc.set_u16(22, static_cast<uint16_t>(fw.num_vsis > 0 ? fw.num_vsis - 1 : 0));  // vsi_free
}

// i40e_aq_update_vsi_params: queue map at probe (i40e_vsi_config_tc), VLAN
// mode (i40e_vlan_stripping_enable/disable). Only the VLAN mode is kept;
// the queue map is the driver's own business (RSS uses PFQF_HLUT).
AdminReply update_vsi_parameters(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  FirmwareState& fw = ctx.fw;
  const uint16_t seid = desc.u16_at(16);
  if (!is_main_vsi(fw, seid)) {
    X710_LOG(debug, "aq: update VSI for unknown seid %u", seid);
    return fail(AqStatus::RC_EINVAL);
  }
  if (buf.size() < kVsiPropertiesSize) return fail(AqStatus::RC_EINVAL);
  const uint16_t valid = get16(buf, 0);
  if (valid & I40E_AQ_VSI_PROP_VLAN_VALID) {
    fw.vsi.pvid = get16(buf, 8);
    fw.vsi.port_vlan_flags = get8(buf, 12);
  }
  put_vsi_completion(fw, desc);
  return ok();
}

// i40e_aq_get_vsi_params (i40e_add_vsi for the main VSI): must succeed or
// probe fails ("couldn't get PF vsi config"). The driver keeps the buffer
// as its VSI info and reads qs_handle[tc] from it for the TX contexts.
AdminReply get_vsi_parameters(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  const FirmwareState& fw = ctx.fw;
  const uint16_t seid = desc.u16_at(16);
  if (!is_main_vsi(fw, seid)) {
    X710_LOG(debug, "aq: get VSI parameters for unknown seid %u", seid);
    return fail(AqStatus::RC_EINVAL);
  }
  if (buf.size() < kVsiPropertiesSize) return fail(AqStatus::RC_EINVAL);
  zero(buf, 0, kVsiPropertiesSize);
  put16(buf, 8, fw.vsi.pvid);
  put8(buf, 12, fw.vsi.port_vlan_flags);
  for (unsigned tc = 0; tc < 8; ++tc) {
    put16(buf, 96 + 2 * tc, tc == 0 ? main_vsi_qs_handle(fw) : I40E_AQ_VSI_QS_HANDLE_INVALID);
  }
  put16(buf, 112, fw.vsi_number);  // stat_counter_idx: the GLV_* block i40e_update_eth_stats reads
  put_vsi_completion(fw, desc);
  return ok(kVsiPropertiesSize);
}

// i40e_aq_delete_element: only on probe's error path, for the main VSI whose
// TC set-up failed (result ignored). The firmware's own elements (main VSI,
// MAC, PF) stay; nothing else exists.
AdminReply delete_element(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  const FirmwareState& fw = ctx.fw;
  const uint16_t seid = desc.u16_at(16);
  if (seid == fw.main_vsi_seid || seid == fw.mac_seid || seid == fw.pf_seid) return fail(AqStatus::RC_EPERM);
  return fail(AqStatus::RC_ENOENT);
}

// Validates the i40e_aqc_macvlan command and returns the element count, or
// 0 when the request is unusable.
size_t macvlan_elements(const FirmwareState& fw, const AdminDescriptor& desc, std::span<const uint8_t> buf) {
  const uint16_t count = desc.u16_at(16);
  const uint16_t seid0 = desc.u16_at(18);
  if (!(seid0 & I40E_AQC_MACVLAN_CMD_SEID_VALID) || !is_main_vsi(fw, seid0 & ~I40E_AQC_MACVLAN_CMD_SEID_VALID)) {
    X710_LOG(debug, "aq: MAC/VLAN command for seid 0x%x", seid0);
    return 0;
  }
  if (count == 0 || size_t{count} * kMacVlanElementSize > buf.size()) {
    X710_LOG(debug, "aq: MAC/VLAN command with %u elements in a %zu-byte buffer", count, buf.size());
    return 0;
  }
  return count;
}

MacVlanFilter read_filter(std::span<const uint8_t> buf, size_t e, bool ignore_vlan) {
  MacVlanFilter f;
  for (size_t i = 0; i < 6; ++i) f.mac[i] = get8(buf, e + i);
  f.ignore_vlan = ignore_vlan;
  f.vlan = ignore_vlan ? 0 : static_cast<uint16_t>(get16(buf, e + 6) & kVlanIdMask);
  return f;
}

// Completion of add/remove MAC/VLAN (i40e_aqc_add_remove_macvlan_completion).
void put_macvlan_completion(const FirmwareState& fw, AdminDescriptor& desc) {
  clear_indirect_params(desc);
  const size_t used = fw.vsi.mac_filters.size();
  desc.set_u16(16, static_cast<uint16_t>(used));                             // perfect_mac_used
  desc.set_u16(18, static_cast<uint16_t>(VsiState::kMaxMacFilters - used));  // perfect_mac_free
}

// i40e_aq_add_macvlan_v2 (i40e_aqc_add_filters, service task): the driver
// pre-sets every element's match_method to I40E_AQC_MM_ERR_NO_RES and only
// looks at whether it changed (i40e_update_filter_state); an element left at
// 0xFF forces the VSI into overflow promiscuous mode with a warning.
AdminReply add_macvlan(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  FirmwareState& fw = ctx.fw;
  const size_t count = macvlan_elements(fw, desc, buf);
  if (count == 0) return fail(AqStatus::RC_EINVAL);
  bool out_of_space = false;
  for (size_t i = 0; i < count; ++i) {
    const size_t e = i * kMacVlanElementSize;
    const MacVlanFilter f = read_filter(buf, e, get16(buf, e + 8) & I40E_AQC_MACVLAN_ADD_IGNORE_VLAN);
    auto& list = fw.vsi.mac_filters;
    uint8_t match_method = 0;  // anything but I40E_AQC_MM_ERR_NO_RES means "added"
    if (std::find(list.begin(), list.end(), f) == list.end()) {
      if (list.size() < VsiState::kMaxMacFilters) {
        list.push_back(f);
      } else {
        match_method = I40E_AQC_MM_ERR_NO_RES;
        out_of_space = true;
      }
    }
    put8(buf, e + 12, match_method);
  }
  put_macvlan_completion(fw, desc);
  const uint16_t datalen = len16(count * kMacVlanElementSize);
  return out_of_space ? fail(AqStatus::RC_ENOSPC, datalen) : ok(datalen);
}

// i40e_aq_remove_macvlan(_v2) (i40e_rm_default_mac_filter, i40e_aqc_del_filters):
// the driver ignores per-element results; error_code 0 ("removed") for every
// element, whether or not it was present, keeps the two probe-time removals
// of the NVM default filter quiet.
AdminReply remove_macvlan(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  FirmwareState& fw = ctx.fw;
  const size_t count = macvlan_elements(fw, desc, buf);
  if (count == 0) return fail(AqStatus::RC_EINVAL);
  for (size_t i = 0; i < count; ++i) {
    const size_t e = i * kMacVlanElementSize;
    const MacVlanFilter f = read_filter(buf, e, get8(buf, e + 8) & I40E_AQC_MACVLAN_DEL_IGNORE_VLAN);
    auto& list = fw.vsi.mac_filters;
    list.erase(std::remove(list.begin(), list.end(), f), list.end());
    put8(buf, e + 12, 0);  // error_code
  }
  put_macvlan_completion(fw, desc);
  return ok(len16(count * kMacVlanElementSize));
}

// i40e_aq_set_vsi_{unicast,multicast}_promiscuous, _broadcast, _vlan_promisc
// and the *_on_vlan variants (i40e_sync_vsi_filters): bits in valid_flags are
// replaced by those in promiscuous_flags. Per-VLAN requests are kept VSI-wide,
// which can only let more frames in.
AdminReply set_vsi_promiscuous_modes(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  FirmwareState& fw = ctx.fw;
  const uint16_t flags = desc.u16_at(16);
  const uint16_t valid = desc.u16_at(18);
  const uint16_t seid = desc.u16_at(20);
  if (!is_main_vsi(fw, seid)) {
    X710_LOG(debug, "aq: set promiscuous modes for unknown seid %u", seid);
    return fail(AqStatus::RC_EINVAL);
  }
  fw.vsi.promisc_flags = static_cast<uint16_t>((fw.vsi.promisc_flags & ~valid) | (flags & valid));
  return ok();
}

// i40e_add_filter_to_drop_tx_flow_control_frames (probe): drop pause frames
// the VSIs would send. The driver passes no stats, so the completion counts
// are left zero.
AdminReply add_control_packet_filter(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  const uint16_t seid = desc.u16_at(26);
  clear_direct_params(desc);
  if (!is_main_vsi(ctx.fw, seid)) {
    X710_LOG(debug, "aq: control packet filter for unknown seid %u", seid);
    return fail(AqStatus::RC_EINVAL);
  }
  return ok();
}

// ---- 0x03xx / 0x04xx: DCB and TX scheduler ----

// i40e_aq_set_dcb_parameters (probe, API >= 1.7). Must not be EPERM: the next
// check in i40e_init_pf_dcb reads asq_last_status (still this command's,
// since i40e_init_dcb returns before sending anything without the DCB
// capability) and EPERM there means "FW LLDP disabled", which starts
// software DCB.
AdminReply set_dcb_parameters(AdminCommandContext&, AdminDescriptor&, std::span<uint8_t>) { return ok(); }

// i40e_aq_config_vsi_bw_limit (i40e_vsi_config_tc -> i40e_set_bw_limit): must
// succeed, or the main VSI's queue map is never built and probe fails.
AdminReply config_vsi_bw_limit(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  const uint16_t seid = desc.u16_at(16);
  if (!is_main_vsi(ctx.fw, seid)) {
    X710_LOG(debug, "aq: VSI BW limit for unknown seid %u", seid);
    return fail(AqStatus::RC_EINVAL);
  }
  return ok();
}

// i40e_aq_query_vsi_bw_config (i40e_vsi_get_bw_info): tc_valid_bits must
// equal the 0x040A answer, or the driver warns "Enabled TCs mismatch".
AdminReply query_vsi_bw_config(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  const FirmwareState& fw = ctx.fw;
  const uint16_t seid = desc.u16_at(16);
  if (!is_main_vsi(fw, seid)) return fail(AqStatus::RC_EINVAL);
  if (buf.size() < kQueryVsiBwSize) return fail(AqStatus::RC_EINVAL);
  zero(buf, 0, kQueryVsiBwSize);
  put8(buf, 0, kEnabledTcs);
  for (unsigned tc = 0; tc < 8; ++tc) {
    put16(buf, 16 + 2 * tc, tc == 0 ? main_vsi_qs_handle(fw) : I40E_AQ_VSI_QS_HANDLE_INVALID);
  }
  // port_bw_limit @36 and max_bw @40 stay 0: no limit.
  return ok(kQueryVsiBwSize);
}

// i40e_aq_query_vsi_ets_sla_config (i40e_vsi_get_bw_info): TC0 only, with one
// share credit and no limits.
AdminReply query_vsi_ets_sla_config(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  const uint16_t seid = desc.u16_at(16);
  if (!is_main_vsi(ctx.fw, seid)) return fail(AqStatus::RC_EINVAL);
  if (buf.size() < kQueryVsiEtsSlaSize) return fail(AqStatus::RC_EINVAL);
  zero(buf, 0, kQueryVsiEtsSlaSize);
  put8(buf, 0, kEnabledTcs);
  put8(buf, 4, 1);  // share_credits[0]
  return ok(kQueryVsiEtsSlaSize);
}

// i40e_aq_resume_port_tx (i40e_hw_set_dcb_config, reached from i40e_link_event
// on a link-down while DCB is not firmware-managed, i.e. after
// Device::set_link(false)): must succeed, or the driver schedules a PF reset
// and leaves every VSI quiesced until then (spec 4.6). TX is never paused.
AdminReply resume_port_tx(AdminCommandContext&, AdminDescriptor&, std::span<uint8_t>) { return ok(); }

// Deliberately unimplemented, answered ENOSYS (spec 4.6: an error is harmless):
//  0x0413 enable switching-component ETS: software DCB with FW < 4.40 only.
//  0x0A01 LLDP MIB change events, 0x0A07 CEE DCB config: DCB capability only,
//         which is not advertised.
//  0x0A05 stop LLDP: FW < 4.3 at probe, or the disable-fw-lldp private flag,
//         whose result i40e_set_priv_flags ignores; success would move the
//         driver to software DCB (0x0A08 / 0x041C).
//  0x0B00 / 0x0B01 UDP tunnel ports: the emulated parser knows no tunnels;
//         the driver only logs the failure.
AdminReply not_supported(AdminCommandContext&, AdminDescriptor&, std::span<uint8_t>) {
  return fail(AqStatus::RC_ENOSYS);
}

// ---- 0x06xx: PHY and link ----

// i40e_aq_get_phy_capabilities: at probe (requested speeds, "report initial
// values") and in i40e_force_link_state at open/close. phy_type and
// link_speed must both be non-zero, or every open goes through set PHY config
// and restart AN. The configuration is fixed, so "initial" and "current"
// values are the same.
AdminReply get_phy_abilities(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  const LinkState& link = ctx.fw.link;
  clear_indirect_params(desc);
  if (buf.size() < kPhyAbilitiesSize) return fail(AqStatus::RC_EINVAL);
  zero(buf, 0, kPhyAbilitiesSize);
  put32(buf, 0, phy_type_bits(link.phy_type));
  put8(buf, 4, link.link_speed);
  put8(buf, 5, I40E_AQ_PHY_ENABLE_LINK | I40E_AQ_PHY_ENABLE_AN);
  put8(buf, 13, phy_type_ext_bits(link.phy_type));
  // module_type[0]: the SFP+ cage of the default 10GBASE-SR link; ethtool's
  // module info looks at it (i40e_get_module_info).
  put8(buf, 20, I40E_MODULE_TYPE_SFP);
  return ok(kPhyAbilitiesSize);
}

// i40e_aq_set_phy_config (i40e_force_link_state, i40e_set_fc): must succeed or
// open fails. The link is deliberately kept as it is, whatever phy_type or
// the enable-link bit say: a link-down here would make i40e_link_event run
// software DCB (i40e_dcb_sw_default_config: 0x0A08, 0x041C), spec 9.
AdminReply set_phy_config(AdminCommandContext&, AdminDescriptor& desc, std::span<uint8_t>) {
  X710_LOG(debug, "aq: set PHY config phy_type 0x%08x speed 0x%02x abilities 0x%02x", desc.u32_at(16),
           desc.byte_at(20), desc.byte_at(21));
  return ok();
}

// i40e_aq_set_link_restart_an (i40e_force_link_state, FW < 4.33 probe):
// autonegotiation "completes" at once; the link stays as it is (see above).
AdminReply set_link_restart_an(AdminCommandContext&, AdminDescriptor& desc, std::span<uint8_t>) {
  X710_LOG(debug, "aq: restart AN, command 0x%02x", desc.byte_at(16));
  return ok();
}

// i40e_aq_get_link_info (i40e_update_link_info, i40e_link_event, and as the
// payload of the link status event): LINK_UP is the carrier; MEDIA_AVAILABLE
// makes the driver follow up with 0x0600; QUALIFIED_MODULE avoids the
// "unsupported SFP module" error when the link is down. command_flags
// I40E_AQ_LSE_ENABLE (0x3) / I40E_AQ_LSE_DISABLE (0x2) switch link status
// events; a request without bit 1 (e.g. 0, as Device::set_link builds the
// event) leaves them as they are. LSE_IS_ENABLED reports the result.
AdminReply get_link_status(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  LinkState& link = ctx.fw.link;
  const uint16_t command_flags = desc.u16_at(16);
  if ((command_flags & I40E_AQ_LSE_ENABLE) == I40E_AQ_LSE_ENABLE) {
    link.lse_enabled = true;
  } else if ((command_flags & I40E_AQ_LSE_ENABLE) == I40E_AQ_LSE_DISABLE) {
    link.lse_enabled = false;
  }
  clear_direct_params(desc);
  desc.set_u16(16, link.lse_enabled ? I40E_AQ_LSE_IS_ENABLED : 0);
  desc.set_byte(18, link.phy_type);
  desc.set_byte(19, link.up ? link.link_speed : 0);
  desc.set_byte(20, static_cast<uint8_t>(I40E_AQ_MEDIA_AVAILABLE | (link.up ? I40E_AQ_LINK_UP : 0)));
  desc.set_byte(21, static_cast<uint8_t>(I40E_AQ_QUALIFIED_MODULE | (link.up ? I40E_AQ_AN_COMPLETED : 0)));
  desc.set_u16(24, kMaxFrameSize);
  desc.set_byte(26, I40E_AQ_CONFIG_CRC_ENA);
  // API >= 1.7: link_type[4] is the phy type bitmap the driver stores in
  // hw->phy.phy_types (ethtool link modes), link_type_ext the upper bits.
  desc.set_u32(27, phy_type_bits(link.phy_type));
  desc.set_byte(31, phy_type_ext_bits(link.phy_type));
  return ok();
}

// i40e_aq_set_phy_int_mask (probe, rebuild): masked events are not posted;
// LINK_UPDOWN (0x0002) gates the link status event (Device::set_link).
AdminReply set_phy_int_mask(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  ctx.fw.link.phy_int_mask = desc.u16_at(24);
  return ok();
}

// ---- 0x07xx: NVM ----

// i40e_aq_read_nvm: sent for X710 only by the DCB/LLDP NVM readers
// (_i40e_read_lldp_cfg; not reached without the DCB capability) and by
// ethtool/NVM-update tools. module_pointer 0 reads the flat shadow RAM from
// byte `offset`; otherwise the shadow RAM word at module_pointer locates the
// module (in words, or in 4 KiB sectors with I40E_PTR_TYPE) and `offset` is
// bytes from its start. Only the shadow RAM exists here: reads beyond it are
// EINVAL. NVM ownership is not enforced (one PF; the driver always takes it).
AdminReply nvm_read(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t> buf) {
  const uint8_t module_pointer = desc.byte_at(17);
  const uint16_t length = desc.u16_at(18);
  const uint32_t offset = desc.u32_at(20);
  const uint64_t sr_bytes = uint64_t{ctx.nvm.size_words()} * 2;
  if ((offset & 0xFF000000u) || length == 0 || length > buf.size()) return fail(AqStatus::RC_EINVAL);
  uint64_t module_start = 0;
  if (module_pointer != 0) {
    uint16_t ptr = 0;
    if (!ctx.nvm.read_word(module_pointer, ptr) || ptr == I40E_NVM_INVALID_PTR_VAL || ptr == I40E_NVM_INVALID_VAL) {
      return fail(AqStatus::RC_EINVAL);
    }
    module_start = (ptr & I40E_PTR_TYPE) ? uint64_t{ptr & 0x7FFFu} * 4096 : uint64_t{ptr} * 2;
  }
  const uint64_t start = module_start + offset;
  if (start > sr_bytes || length > sr_bytes - start) {
    X710_LOG(debug, "aq: NVM read of %u bytes at 0x%llx beyond the shadow RAM", length,
             static_cast<unsigned long long>(start));
    return fail(AqStatus::RC_EINVAL);
  }
  for (uint32_t i = 0; i < length; ++i) {
    const uint64_t byte = start + i;
    uint16_t word = 0;
    ctx.nvm.read_word(static_cast<uint32_t>(byte / 2), word);
    put8(buf, i, static_cast<uint8_t>((byte & 1) ? word >> 8 : word));
  }
  return ok(length);
}

// ---- 0x0Axx: LLDP ----

// i40e_aq_get_lldp_mib (i40e_get_fw_lldp_status at probe): success or ENOENT
// both mean "FW LLDP is enabled"; EPERM would select software DCB. The local
// MIB is answered with success and an empty (zeroed) MIB, which 6.1 and 6.12
// never parse without the DCB capability. No link partner sends LLDPDUs, so
// the remote MIB is "not available" (ENOENT), as on real firmware.
AdminReply lldp_get_mib(AdminCommandContext&, AdminDescriptor& desc, std::span<uint8_t> buf) {
  const uint8_t type = desc.byte_at(16);
  clear_indirect_params(desc);
  desc.set_byte(16, type);
  zero(buf, 0, buf.size());
  if ((type & I40E_AQ_LLDP_MIB_TYPE_MASK) == I40E_AQ_LLDP_MIB_REMOTE) return fail(AqStatus::RC_ENOENT);
  return ok();  // local_len @18 and remote_len @20 stay 0
}

// i40e_aq_cfg_lldp_mib_change_event: the last step of i40e_init_dcb when
// the DCBX status is "not started" (no LLDP peer); its status is the result
// of DCB initialisation, so it must succeed. No MIB ever changes here, so
// enabling the event has nothing to remember.
AdminReply lldp_update_mib(AdminCommandContext&, AdminDescriptor&, std::span<uint8_t>) { return ok(); }

// i40e_aq_set_lldp_mib (i40e_set_dcb_config, same link-down path as 0x041C):
// the single-TC default configuration the driver computes; with one TC and
// no DCB there is nothing to apply. A failure would only be logged, but the
// path is quieter when it succeeds.
AdminReply lldp_set_local_mib(AdminCommandContext&, AdminDescriptor& desc, std::span<uint8_t>) {
  X710_LOG(debug, "aq: set local LLDP MIB type 0x%x length %u", desc.byte_at(16), desc.u16_at(18));
  return ok();
}

// ---- 0xFFxx: debug ----

// i40e_aq_debug_read_register (i40e_parse_discover_capabilities reads
// PRTGEN_CNF + 4i to count enabled ports; 0 = enabled, giving 4 ports and
// partition id 1). Read through the guest view of the register file.
AdminReply debug_read_reg(AdminCommandContext& ctx, AdminDescriptor& desc, std::span<uint8_t>) {
  const uint32_t address = desc.u32_at(20);
  desc.set_u32(24, 0);
  desc.set_u32(28, 0);
  if (!valid_register(address)) {
    X710_LOG(debug, "aq: debug read of bad address 0x%x", address);
    return fail(AqStatus::RC_EINVAL);
  }
  desc.set_u32(28, ctx.regs.read(address));  // value_low; value_high stays 0
  return ok();
}

// Sorted by opcode (checked below) for the binary search in find_admin_command.
constexpr AdminCommand kCommands[] = {
    {aq_op::get_version, "get_version", get_version},
    {aq_op::driver_version, "driver_version", driver_version},
    {aq_op::queue_shutdown, "queue_shutdown", queue_shutdown},
    {aq_op::request_resource, "request_resource", request_resource},
    {aq_op::release_resource, "release_resource", release_resource},
    {aq_op::list_func_capabilities, "list_func_capabilities", list_func_capabilities},
    {aq_op::manage_mac_read, "manage_mac_read", manage_mac_read},
    {aq_op::clear_pxe_mode, "clear_pxe_mode", clear_pxe_mode},
    {aq_op::get_switch_config, "get_switch_config", get_switch_config},
    {aq_op::set_switch_config, "set_switch_config", set_switch_config},
    {aq_op::rx_ctl_read, "rx_ctl_reg_read", rx_ctl_read},
    {aq_op::rx_ctl_write, "rx_ctl_reg_write", rx_ctl_write},
    {aq_op::update_vsi_parameters, "update_vsi_parameters", update_vsi_parameters},
    {aq_op::get_vsi_parameters, "get_vsi_parameters", get_vsi_parameters},
    {0x0243, "delete_element", delete_element},
    {aq_op::add_macvlan, "add_macvlan", add_macvlan},
    {aq_op::remove_macvlan, "remove_macvlan", remove_macvlan},
    {aq_op::set_vsi_promiscuous_modes, "set_vsi_promiscuous_modes", set_vsi_promiscuous_modes},
    {aq_op::add_control_packet_filter, "add_control_packet_filter", add_control_packet_filter},
    {aq_op::set_dcb_parameters, "set_dcb_parameters", set_dcb_parameters},
    {aq_op::config_vsi_bw_limit, "configure_vsi_bw_limit", config_vsi_bw_limit},
    {aq_op::query_vsi_bw_config, "query_vsi_bw_config", query_vsi_bw_config},
    {aq_op::query_vsi_ets_sla_config, "query_vsi_ets_sla_config", query_vsi_ets_sla_config},
    {0x0413, "enable_switching_comp_ets", not_supported},
    {0x041C, "resume_port_tx", resume_port_tx},
    {aq_op::get_phy_abilities, "get_phy_abilities", get_phy_abilities},
    {aq_op::set_phy_config, "set_phy_config", set_phy_config},
    {aq_op::set_link_restart_an, "set_link_restart_an", set_link_restart_an},
    {aq_op::get_link_status, "get_link_status", get_link_status},
    {aq_op::set_phy_int_mask, "set_phy_int_mask", set_phy_int_mask},
    {aq_op::nvm_read, "nvm_read", nvm_read},
    {aq_op::lldp_get_mib, "lldp_get_mib", lldp_get_mib},
    {0x0A01, "lldp_update_mib", lldp_update_mib},
    {aq_op::lldp_stop, "lldp_stop", not_supported},
    {0x0A07, "get_cee_dcb_cfg", not_supported},
    {0x0A08, "lldp_set_local_mib", lldp_set_local_mib},
    {0x0B00, "add_udp_tunnel", not_supported},
    {0x0B01, "del_udp_tunnel", not_supported},
    {aq_op::debug_read_reg, "debug_read_reg", debug_read_reg},
};

constexpr bool sorted_by_opcode() {
  for (size_t i = 1; i < std::size(kCommands); ++i) {
    if (kCommands[i - 1].opcode >= kCommands[i].opcode) return false;
  }
  return true;
}
static_assert(sorted_by_opcode(), "kCommands must be sorted by opcode without duplicates");

}  // namespace

std::span<const AdminCommand> admin_command_table() { return kCommands; }

const AdminCommand* find_admin_command(uint16_t opcode) {
  const auto* end = std::end(kCommands);
  const auto* it = std::lower_bound(std::begin(kCommands), end, opcode,
                                    [](const AdminCommand& c, uint16_t op) { return c.opcode < op; });
  return (it != end && it->opcode == opcode) ? it : nullptr;
}

}  // namespace x710
