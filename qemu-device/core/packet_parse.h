// Classifies a received Ethernet frame the way the X710's receive parser does:
// the hardware packet type and the checksum verdicts for the RX write-back
// (spec 7.2; drv:i40e_rx_checksum, i40e_rx_hash), the packet classifier type
// that PFQF_HENA selects on, and the addresses and ports RSS hashes (rss.h).
//
// The frame comes from the outside world, so any length and any content is
// accepted: the parser classifies as far as the headers are valid and never
// reads outside the span. No allocation.
#pragma once

#include <cstdint>
#include <span>

namespace x710 {

// Hardware packet types (descriptor qword1 [37:30]); the index into
// i40e_ptype_lookup (i40e_common.c, 6.1) and the libie table (6.12).
// Only the non-tunnelled ones: the device never reports tunnel types.
namespace ptype {
inline constexpr uint8_t L2_MAC_PAY2 = 1;       // any other Ethernet frame
inline constexpr uint8_t L2_TIMESYNC_PAY2 = 2;  // PTP over Ethernet, 0x88F7
inline constexpr uint8_t L2_LLDP_PAY2 = 6;      // 0x88CC
inline constexpr uint8_t L2_EAPOL_PAY2 = 10;    // 0x888E
inline constexpr uint8_t L2_ARP = 11;           // 0x0806
inline constexpr uint8_t IPV4_FRAG = 22;
inline constexpr uint8_t IPV4_PAY3 = 23;  // IPv4, no L4 the hardware knows (or unverifiable)
inline constexpr uint8_t IPV4_UDP = 24;
inline constexpr uint8_t IPV4_TCP = 26;
inline constexpr uint8_t IPV4_SCTP = 27;
inline constexpr uint8_t IPV4_ICMP = 28;
inline constexpr uint8_t IPV6_FRAG = 88;
inline constexpr uint8_t IPV6_PAY3 = 89;
inline constexpr uint8_t IPV6_UDP = 90;
inline constexpr uint8_t IPV6_TCP = 92;
inline constexpr uint8_t IPV6_SCTP = 93;
inline constexpr uint8_t IPV6_ICMP = 94;
}  // namespace ptype

// Packet classifier types: bit numbers in PFQF_HENA(0/1)
// (enum i40e_filter_pctype, i40e_type.h). 29/30/32 and 39/40/42 exist only on
// the X722; an X710 never produces them.
namespace pctype {
inline constexpr uint8_t NONF_IPV4_UDP = 31;
inline constexpr uint8_t NONF_IPV4_TCP = 33;
inline constexpr uint8_t NONF_IPV4_SCTP = 34;
inline constexpr uint8_t NONF_IPV4_OTHER = 35;
inline constexpr uint8_t FRAG_IPV4 = 36;
inline constexpr uint8_t NONF_IPV6_UDP = 41;
inline constexpr uint8_t NONF_IPV6_TCP = 43;
inline constexpr uint8_t NONF_IPV6_SCTP = 44;
inline constexpr uint8_t NONF_IPV6_OTHER = 45;
inline constexpr uint8_t FRAG_IPV6 = 46;
inline constexpr uint8_t L2_PAYLOAD = 63;
}  // namespace pctype

// Descriptor UMBCAST field (qword1 [10:9]).
inline constexpr uint8_t kUmbcastUnicast = 0;
inline constexpr uint8_t kUmbcastMulticast = 1;
inline constexpr uint8_t kUmbcastBroadcast = 2;

enum class L3Kind : uint8_t { none, ipv4, ipv6 };
enum class L4Kind : uint8_t { none, tcp, udp, sctp, icmp };

struct ParsedPacket {
  uint8_t ptype = ptype::L2_MAC_PAY2;
  uint8_t pctype = pctype::L2_PAYLOAD;
  L3Kind l3 = L3Kind::none;
  L4Kind l4 = L4Kind::none;  // none for fragments and for L4 headers cut short
  bool fragment = false;
  uint8_t umbcast = kUmbcastUnicast;

  // 802.1Q (0x8100) / 802.1ad (0x88A8) tags, outermost first, at most two.
  uint8_t vlan_tags = 0;
  uint16_t vlan_tci = 0;        // outermost tag: the one L2TAG1 stripping takes
  uint16_t inner_vlan_tci = 0;  // second tag (QinQ)
  uint16_t ethertype = 0;       // after the tags; < 0x0600 is an 802.3 length

  // Byte offsets into the frame; 0 when the layer is absent.
  uint16_t l3_offset = 0;
  uint16_t l4_offset = 0;

  // Write-back verdicts (drv:i40e_rx_checksum): L3L4P says the hardware
  // checked what the ptype names; IPE a bad IPv4 header checksum; L4E a bad
  // TCP/UDP/SCTP/ICMP checksum (ICMP too: the 6.12 driver reports
  // CHECKSUM_UNNECESSARY for ptype 28/94 when L3L4P is set and L4E is not).
  // IPV6EXADD: a type 2 routing header or home-address option changes the
  // pseudo-header, so no L4 verdict is given and the driver stays silent;
  // L3L4P is then clear too, so ignoring IPV6EXADD is still safe.
  bool l3l4p = false;
  bool ip_error = false;
  bool l4_error = false;
  bool ipv6exadd = false;

  // RSS input, in frame (network) byte order. IPv4 uses the first 4 bytes.
  uint8_t src_addr[16] = {};
  uint8_t dst_addr[16] = {};
  uint8_t ports[4] = {};  // source port, destination port (TCP/UDP/SCTP only)

  uint16_t src_port() const { return static_cast<uint16_t>(ports[0] << 8 | ports[1]); }
  uint16_t dst_port() const { return static_cast<uint16_t>(ports[2] << 8 | ports[3]); }
};

// Classifies one frame (destination MAC first, no FCS).
ParsedPacket parse_packet(std::span<const uint8_t> frame);

// CRC32c (Castagnoli, reflected, init and final xor ~0) as SCTP uses it;
// exposed for tests and for the TX offload path.
uint32_t crc32c(std::span<const uint8_t> data, uint32_t crc = 0);

}  // namespace x710
