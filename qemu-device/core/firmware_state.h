// What the emulated firmware knows and reports through admin commands:
// identity, versions, capabilities, switch layout and link. The values are
// chosen so the Linux driver stays on its simple path (spec 4.7, 4.8, 13).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace x710 {

struct LinkState {
  bool up = true;
  uint8_t phy_type = 0x14;    // I40E_PHY_TYPE_10GBASE_SR
  uint8_t link_speed = 0x08;  // I40E_LINK_SPEED_10GB
  bool lse_enabled = false;   // link status events requested by 0x0607 flags
  uint16_t phy_int_mask = 0;  // from 0x0613; LINK_UPDOWN 0x0002 masks link events
};

// One MAC/VLAN perfect filter of the main VSI (0x0250 add, 0x0251 remove).
struct MacVlanFilter {
  std::array<uint8_t, 6> mac{};
  uint16_t vlan = 0;         // VLAN id [11:0]; meaningless when ignore_vlan
  bool ignore_vlan = false;  // I40E_AQC_MACVLAN_ADD_IGNORE_VLAN: any VLAN or none
  bool operator==(const MacVlanFilter&) const = default;
};

// What the driver programmed into the main VSI through the admin queue. The
// receive path may consult it; accepting every frame is also fine for the
// stack (spec 4.10).
struct VsiState {
  // Bounded: the guest chooses how many filters it adds. Past this many,
  // 0x0250 answers match_method 0xFF and ENOSPC, and the driver switches the
  // VSI to overflow promiscuous (i40e_aqc_add_filters), as with real firmware.
  static constexpr std::size_t kMaxMacFilters = 1024;
  std::vector<MacVlanFilter> mac_filters;
  uint16_t promisc_flags = 0;  // 0x0254 I40E_AQC_SET_VSI_PROMISC_* (0x01 UC, 0x02 MC, 0x04 BC, 0x10 VLAN)
  // 0x0211 VLAN section: mode [1:0] (3 = all), egress mode [4:3]
  // (0 = strip both into L2TAG1, 0x18 = leave tags in the frame).
  uint8_t port_vlan_flags = 0x1B;
  uint16_t pvid = 0;
};

struct FirmwareState {
  // get version (0x0001). api_major must be 1; fw >= 4.40 keeps probe on the
  // path without stop-LLDP / restart-autoneg. API 1.7 and no DCB capability.
  uint16_t fw_major = 6, fw_minor = 0;
  uint32_t fw_build = 0x0000b5a1;
  uint32_t rom_ver = 0x06000000;
  uint16_t api_major = 1, api_minor = 7;

  std::array<uint8_t, 6> mac{0x02, 0x00, 0x71, 0x00, 0x00, 0x01};

  // Capabilities (0x000A). Queue pairs and MSI-X vectors the PF may use.
  uint32_t num_queue_pairs = 64;
  uint32_t num_msix_vectors = 129;  // including vector 0 (misc)
  uint32_t num_vsis = 384;

  // Switch layout reported by 0x0200: one VSI element (spec 10.7).
  uint16_t main_vsi_seid = 512;
  uint16_t mac_seid = 2;
  uint16_t pf_seid = 16;
  uint16_t vsi_number = 0;

  LinkState link;

  // Held NVM resource (0x0008/0x0009); the driver takes it around NVM reads.
  bool nvm_owned = false;

  VsiState vsi;
};

}  // namespace x710
