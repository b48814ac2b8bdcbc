// The emulated firmware's admin command handlers, as a table: opcode, name,
// handler. The admin queue engine (admin_queue.h) moves descriptors and
// buffers; handlers only decode the request and fill the reply, exactly as
// the Linux driver decodes it (spec 4.5 to 4.10, section 9).
#pragma once

#include <cstdint>
#include <span>

#include "admin_descriptor.h"
#include "firmware_state.h"

namespace x710 {

class RegisterFile;
class Nvm;

struct AdminCommandContext {
  FirmwareState& fw;
  RegisterFile& regs;  // 0x0206/0x0207 RX control registers, 0xFF03 debug read
  const Nvm& nvm;      // 0x0701 NVM read
};

struct AdminReply {
  AqStatus status = AqStatus::RC_OK;
  // Bytes of the indirect buffer that carry the reply; written into the
  // descriptor's datalen. Ignored for direct commands.
  uint16_t datalen = 0;
};

// `desc` is the request on entry and the reply on return (params are written
// in place; flags, retval and datalen are set by the engine from AdminReply).
// `buffer` is the indirect buffer (the guest's bytes when the driver sent data,
// zeros otherwise); its whole length is copied back to the guest.
using AdminHandler = AdminReply (*)(AdminCommandContext& ctx, AdminDescriptor& desc,
                                    std::span<uint8_t> buffer);

struct AdminCommand {
  uint16_t opcode;
  const char* name;
  AdminHandler handler;
};

std::span<const AdminCommand> admin_command_table();
// nullptr for opcodes the firmware does not implement (answered ENOSYS).
const AdminCommand* find_admin_command(uint16_t opcode);

// Opcodes (i40e_adminq_cmd.h names).
namespace aq_op {
inline constexpr uint16_t get_version = 0x0001;
inline constexpr uint16_t driver_version = 0x0002;
inline constexpr uint16_t queue_shutdown = 0x0003;
inline constexpr uint16_t request_resource = 0x0008;
inline constexpr uint16_t release_resource = 0x0009;
inline constexpr uint16_t list_func_capabilities = 0x000A;
inline constexpr uint16_t manage_mac_read = 0x0107;
inline constexpr uint16_t clear_pxe_mode = 0x0110;
inline constexpr uint16_t get_switch_config = 0x0200;
inline constexpr uint16_t set_switch_config = 0x0205;
inline constexpr uint16_t rx_ctl_read = 0x0206;
inline constexpr uint16_t rx_ctl_write = 0x0207;
inline constexpr uint16_t update_vsi_parameters = 0x0211;
inline constexpr uint16_t get_vsi_parameters = 0x0212;
inline constexpr uint16_t add_macvlan = 0x0250;
inline constexpr uint16_t remove_macvlan = 0x0251;
inline constexpr uint16_t set_vsi_promiscuous_modes = 0x0254;
inline constexpr uint16_t add_control_packet_filter = 0x025A;
inline constexpr uint16_t set_dcb_parameters = 0x0303;
inline constexpr uint16_t config_vsi_bw_limit = 0x0400;
inline constexpr uint16_t query_vsi_bw_config = 0x0408;
inline constexpr uint16_t query_vsi_ets_sla_config = 0x040A;
inline constexpr uint16_t get_phy_abilities = 0x0600;
inline constexpr uint16_t set_phy_config = 0x0601;
inline constexpr uint16_t set_link_restart_an = 0x0605;
inline constexpr uint16_t get_link_status = 0x0607;
inline constexpr uint16_t set_phy_int_mask = 0x0613;
inline constexpr uint16_t nvm_read = 0x0701;
inline constexpr uint16_t lldp_get_mib = 0x0A00;
inline constexpr uint16_t lldp_stop = 0x0A05;
inline constexpr uint16_t debug_read_reg = 0xFF03;
}  // namespace aq_op

}  // namespace x710
