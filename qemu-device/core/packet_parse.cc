#include "packet_parse.h"

#include <array>
#include <bit>
#include <cstring>

#include "byte_order.h"
#include "checksum.h"

namespace x710 {

namespace {

constexpr uint16_t kEthIpv4 = 0x0800;
constexpr uint16_t kEthArp = 0x0806;
constexpr uint16_t kEthIpv6 = 0x86DD;
constexpr uint16_t kEth8021q = 0x8100;
constexpr uint16_t kEth8021ad = 0x88A8;
constexpr uint16_t kEthEapol = 0x888E;
constexpr uint16_t kEthLldp = 0x88CC;
constexpr uint16_t kEth1588 = 0x88F7;

constexpr uint8_t kProtoHopOpts = 0;
constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoRouting = 43;
constexpr uint8_t kProtoFragment = 44;
constexpr uint8_t kProtoIcmpv6 = 58;
constexpr uint8_t kProtoDstOpts = 60;
constexpr uint8_t kProtoSctp = 132;

constexpr uint8_t kIpv6OptPad1 = 0;
constexpr uint8_t kIpv6OptHomeAddress = 0xC9;
constexpr uint8_t kIpv6RoutingType2 = 2;  // mobile IPv6: the pseudo-header uses the home address
// Bound on the extension-header walk; a longer chain is classified IPv6
// other (PAY3), which makes no L4 claim.
constexpr int kMaxIpv6ExtHeaders = 8;

struct Crc32cTables {
  uint32_t t[8][256];
};

constexpr Crc32cTables make_crc32c_tables() {
  Crc32cTables r{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int b = 0; b < 8; ++b) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    r.t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (int k = 1; k < 8; ++k) r.t[k][i] = (r.t[k - 1][i] >> 8) ^ r.t[0][r.t[k - 1][i] & 0xFF];
  }
  return r;
}

constexpr Crc32cTables kCrc32c = make_crc32c_tables();

// Where the L4 header starts and what the checksum needs from the L3 header.
struct L4Input {
  uint8_t proto;
  const uint8_t* data;
  size_t len;       // upper-layer length: IPv4 total - IHL, IPv6 payload - extension headers
  size_t offset;    // of data in the frame
  uint64_t pseudo;  // native-domain sum of the pseudo-header addresses (checksum.h)
  bool ipv6;
  bool verify;  // false when the pseudo-header is not the one in the fixed header
};

// The whole pseudo-header (RFC 768, RFC 793 3.1, RFC 8200 8.1): the
// addresses, the protocol as the low byte of a zero-padded word, and the
// upper-layer length, all in the native domain.
inline uint64_t pseudo_sum(const L4Input& in, size_t len, uint8_t proto) {
  return in.pseudo + inet_be16_native(static_cast<uint32_t>(len)) + inet_be16_native(proto);
}

bool icmp_ok(const L4Input& in) {
  uint64_t acc = inet_sum_native(in.data, in.len);
  // ICMPv6 covers a pseudo-header (RFC 4443 2.3); ICMPv4 does not.
  if (in.ipv6) acc += pseudo_sum(in, in.len, kProtoIcmpv6);
  return inet_check_ok(acc);
}

bool sctp_ok(const L4Input& in) {
  // CRC32c over the whole SCTP packet with the checksum field as zero; the
  // field holds the CRC little-endian (RFC 4960 appendix B, Linux
  // sctp_compute_cksum).
  static constexpr uint8_t kZero[4] = {};
  uint32_t crc = crc32c({in.data, 8});
  crc = crc32c({kZero, 4}, crc);
  crc = crc32c({in.data + 12, in.len - 12}, crc);
  uint32_t stored = static_cast<uint32_t>(in.data[8]) | static_cast<uint32_t>(in.data[9]) << 8 |
                    static_cast<uint32_t>(in.data[10]) << 16 | static_cast<uint32_t>(in.data[11]) << 24;
  return crc == stored;
}

bool udp_ok(const L4Input& in) {
  uint16_t checksum = load_be16(in.data + 6);
  // A zero UDP checksum over IPv4 means "not computed" (RFC 768); over IPv6
  // it is invalid (RFC 8200 8.1: a computed zero is sent as 0xFFFF).
  if (checksum == 0) return !in.ipv6;
  size_t ulen = load_be16(in.data + 4);
  if (ulen < 8 || ulen > in.len) return false;
  return inet_check_ok(pseudo_sum(in, ulen, kProtoUdp) + inet_sum_native(in.data, ulen));
}

bool tcp_ok(const L4Input& in) {
  return inet_check_ok(pseudo_sum(in, in.len, kProtoTcp) + inet_sum_native(in.data, in.len));
}

// The L4 part of the ptype and its checksum verdict. An L4 header too short
// to hold its checksum leaves the frame L3-only (PAY3): a ptype that claims
// TCP/UDP/SCTP/ICMP with L3L4P and no L4E would tell the driver the
// checksum was verified.
void classify_l4(ParsedPacket& out, const L4Input& in) {
  const bool v6 = in.ipv6;
  size_t min_len = 0;
  switch (in.proto) {
    case kProtoTcp: min_len = 20; break;
    case kProtoUdp: min_len = 8; break;
    case kProtoSctp: min_len = 12; break;
    case kProtoIcmp: min_len = v6 ? 0 : 8; break;
    case kProtoIcmpv6: min_len = v6 ? 8 : 0; break;
    default: break;
  }
  if (min_len == 0 || in.len < min_len) return;

  out.l4_offset = static_cast<uint16_t>(in.offset);
  bool ok = true;
  switch (in.proto) {
    case kProtoTcp:
      out.l4 = L4Kind::tcp;
      out.ptype = v6 ? ptype::IPV6_TCP : ptype::IPV4_TCP;
      out.pctype = v6 ? pctype::NONF_IPV6_TCP : pctype::NONF_IPV4_TCP;
      if (in.verify) ok = tcp_ok(in);
      break;
    case kProtoUdp:
      out.l4 = L4Kind::udp;
      out.ptype = v6 ? ptype::IPV6_UDP : ptype::IPV4_UDP;
      out.pctype = v6 ? pctype::NONF_IPV6_UDP : pctype::NONF_IPV4_UDP;
      if (in.verify) ok = udp_ok(in);
      break;
    case kProtoSctp:
      out.l4 = L4Kind::sctp;
      out.ptype = v6 ? ptype::IPV6_SCTP : ptype::IPV4_SCTP;
      out.pctype = v6 ? pctype::NONF_IPV6_SCTP : pctype::NONF_IPV4_SCTP;
      ok = sctp_ok(in);  // no pseudo-header: always verifiable
      break;
    default:  // ICMP / ICMPv6: hashed as "other" (no ports)
      out.l4 = L4Kind::icmp;
      out.ptype = v6 ? ptype::IPV6_ICMP : ptype::IPV4_ICMP;
      if (in.verify) ok = icmp_ok(in);
      break;
  }
  if (out.l4 != L4Kind::icmp) std::memcpy(out.ports, in.data, 4);
  out.l4_error = !ok;
}

void parse_ipv4(ParsedPacket& out, const uint8_t* frame, size_t n, size_t off) {
  const size_t avail = n - off;
  if (avail < 20) return;
  const uint8_t* ip = frame + off;
  const size_t ihl = (ip[0] & 0x0Fu) * 4u;
  const size_t total = load_be16(ip + 2);
  // Not a header the hardware can parse: it stays an L2 frame.
  if ((ip[0] >> 4) != 4 || ihl < 20 || ihl > avail || total < ihl) return;

  out.l3 = L3Kind::ipv4;
  out.l3_offset = static_cast<uint16_t>(off);
  out.ptype = ptype::IPV4_PAY3;
  out.pctype = pctype::NONF_IPV4_OTHER;
  std::memcpy(out.src_addr, ip + 12, 4);
  std::memcpy(out.dst_addr, ip + 16, 4);
  out.l3l4p = true;
  // The usual 20-byte header as a constant length, so that sum unrolls.
  out.ip_error = !inet_check_ok(ihl == 20 ? inet_sum_native(ip, 20) : inet_sum_native(ip, ihl));

  if (load_be16(ip + 6) & 0x3FFFu) {  // MF set or a fragment offset: the L4 checksum spans fragments
    out.fragment = true;
    out.ptype = ptype::IPV4_FRAG;
    out.pctype = pctype::FRAG_IPV4;
    return;
  }
  if (total > avail) return;  // cut short: the L4 checksum cannot be checked

  L4Input in{ip[9], ip + ihl, total - ihl, off + ihl, inet_sum_native(ip + 12, 8), false, true};
  classify_l4(out, in);
}

// Destination options: a home address option (mobile IPv6) replaces the
// source in the pseudo-header.
bool has_home_address_option(const uint8_t* hdr, size_t len) {
  size_t i = 2;
  while (i < len) {
    if (hdr[i] == kIpv6OptPad1) {
      ++i;
      continue;
    }
    if (i + 1 >= len) return false;
    if (hdr[i] == kIpv6OptHomeAddress) return true;
    i += 2u + hdr[i + 1];
  }
  return false;
}

void parse_ipv6(ParsedPacket& out, const uint8_t* frame, size_t n, size_t off) {
  const size_t avail = n - off;
  if (avail < 40) return;
  const uint8_t* ip = frame + off;
  if ((ip[0] >> 4) != 6) return;

  out.l3 = L3Kind::ipv6;
  out.l3_offset = static_cast<uint16_t>(off);
  out.ptype = ptype::IPV6_PAY3;
  out.pctype = pctype::NONF_IPV6_OTHER;
  std::memcpy(out.src_addr, ip + 8, 16);
  std::memcpy(out.dst_addr, ip + 24, 16);
  out.l3l4p = true;  // IPv6 has no header checksum: nothing can be wrong at L3

  const size_t payload = load_be16(ip + 4);
  if (payload == 0 || payload > avail - 40) return;  // jumbogram or cut short: L3 only

  uint8_t next = ip[6];
  const uint8_t* p = ip + 40;
  size_t left = payload;
  size_t p_off = off + 40;
  for (int i = 0; i < kMaxIpv6ExtHeaders; ++i) {
    switch (next) {
      case kProtoHopOpts:
      case kProtoRouting:
      case kProtoDstOpts: {
        if (left < 8) return;
        const size_t len = (static_cast<size_t>(p[1]) + 1) * 8;
        if (len > left) return;
        // A routing header still to be processed makes the final destination,
        // not the header's, the pseudo-header address (RFC 8200 8.1).
        // Hardware flags type 2; any unfinished route is treated the same so
        // the driver is never told a checksum was verified against the wrong
        // address.
        if (next == kProtoRouting && (p[2] == kIpv6RoutingType2 || p[3] != 0)) out.ipv6exadd = true;
        if (next == kProtoDstOpts && has_home_address_option(p, len)) out.ipv6exadd = true;
        next = p[0];
        p += len;
        left -= len;
        p_off += len;
        break;
      }
      case kProtoFragment:
        if (left < 8) return;
        out.fragment = true;
        out.ptype = ptype::IPV6_FRAG;
        out.pctype = pctype::FRAG_IPV6;
        return;
      default: {
        L4Input in{next, p, left, p_off, inet_sum_native(ip + 8, 32), true, !out.ipv6exadd};
        classify_l4(out, in);
        return;
      }
    }
  }
}

}  // namespace

uint32_t crc32c(std::span<const uint8_t> data, uint32_t crc) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint32_t c = ~crc;
  if constexpr (std::endian::native == std::endian::little) {
    const auto& t = kCrc32c.t;
    while (n >= 8) {
      uint64_t v;
      std::memcpy(&v, p, 8);
      v ^= c;
      c = t[7][v & 0xFF] ^ t[6][(v >> 8) & 0xFF] ^ t[5][(v >> 16) & 0xFF] ^ t[4][(v >> 24) & 0xFF] ^
          t[3][(v >> 32) & 0xFF] ^ t[2][(v >> 40) & 0xFF] ^ t[1][(v >> 48) & 0xFF] ^ t[0][v >> 56];
      p += 8;
      n -= 8;
    }
  }
  while (n--) c = kCrc32c.t[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
  return ~c;
}

ParsedPacket parse_packet(std::span<const uint8_t> frame) {
  ParsedPacket out;
  const uint8_t* p = frame.data();
  // Longer than any Ethernet frame: classify the first 64 KiB, which keeps
  // every offset within the 16-bit fields.
  const size_t n = frame.size() < 0xFFFF ? frame.size() : 0xFFFF;

  if (n >= 6) {
    uint32_t head;
    uint16_t tail;
    std::memcpy(&head, p, 4);
    std::memcpy(&tail, p + 4, 2);
    if (head == 0xFFFFFFFFu && tail == 0xFFFF) {
      out.umbcast = kUmbcastBroadcast;
    } else if (p[0] & 1) {
      out.umbcast = kUmbcastMulticast;
    }
  }
  if (n < 14) return out;

  size_t off = 14;
  uint16_t type = load_be16(p + 12);
  while ((type == kEth8021q || type == kEth8021ad) && out.vlan_tags < 2 && off + 4 <= n) {
    const uint16_t tci = load_be16(p + off);
    if (out.vlan_tags == 0) {
      out.vlan_tci = tci;
    } else {
      out.inner_vlan_tci = tci;
    }
    ++out.vlan_tags;
    type = load_be16(p + off + 2);
    off += 4;
  }
  out.ethertype = type;

  switch (type) {
    case kEthIpv4: parse_ipv4(out, p, n, off); break;
    case kEthIpv6:
      parse_ipv6(out, p, n, off);
      // Nothing verified against the real pseudo-header: clear L3L4P as well,
      // so a write-back that leaves out IPV6EXADD still makes no checksum
      // claim (both drivers report CHECKSUM_NONE for either).
      if (out.ipv6exadd) out.l3l4p = false;
      break;
    case kEthArp: out.ptype = ptype::L2_ARP; break;
    case kEthLldp: out.ptype = ptype::L2_LLDP_PAY2; break;
    case kEth1588: out.ptype = ptype::L2_TIMESYNC_PAY2; break;
    case kEthEapol: out.ptype = ptype::L2_EAPOL_PAY2; break;
    default: break;
  }
  return out;
}

}  // namespace x710
