// Frame classification for the RX write-back: every ptype the device
// reports, VLAN tags, checksum verdicts (IPE, L4E, UDP zero checksum),
// IPv6 extension headers, and hostile input: every truncation of every
// frame, bogus header lengths, and random bytes.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "packet_parse.h"

namespace x710 {
namespace {

using Bytes = std::vector<uint8_t>;
using Mac = std::array<uint8_t, 6>;

constexpr Mac kUnicastMac = {0x02, 0x00, 0x71, 0x00, 0x00, 0x01};
constexpr Mac kSourceMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}
void set16(Bytes& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }

// Test-side checksum, written independently of the parser: RFC 1071 word by word.
uint32_t sum16(const uint8_t* p, size_t n, uint32_t acc = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) acc += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2) acc += static_cast<uint32_t>(p[n - 1]) << 8;
  return acc;
}
uint16_t finish(uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
  return static_cast<uint16_t>(~acc);
}

// Test-side CRC32c, bit by bit.
uint32_t crc32c_bitwise(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFF;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int b = 0; b < 8; ++b) c = (c & 1) ? (c >> 1) ^ 0x82F63B78 : c >> 1;
  }
  return ~c;
}

constexpr uint8_t kTcp = 6, kUdp = 17, kSctp = 132, kIcmp = 1, kIcmpv6 = 58, kGre = 47;

Bytes udp(uint16_t sport, uint16_t dport, size_t payload = 18) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<uint16_t>(8 + payload));
  put16(b, 0);
  for (size_t i = 0; i < payload; ++i) b.push_back(static_cast<uint8_t>(i * 7 + 1));
  return b;
}
Bytes tcp(uint16_t sport, uint16_t dport, size_t payload = 6) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, 0x01020304);  // seq
  put32(b, 0);           // ack
  put16(b, 0x5002);      // data offset 5, SYN
  put16(b, 0xFFFF);      // window
  put16(b, 0);           // checksum
  put16(b, 0);           // urgent
  for (size_t i = 0; i < payload; ++i) b.push_back(static_cast<uint8_t>(i + 0x40));
  return b;
}
Bytes sctp(uint16_t sport, uint16_t dport) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, 0xCAFEF00D);  // verification tag
  put32(b, 0);           // checksum
  // One INIT-like chunk: type, flags, length 8, 4 bytes.
  put32(b, 0x01000008);
  put32(b, 0x11223344);
  return b;
}
Bytes icmp_echo(size_t payload = 8) {
  Bytes b = {8, 0, 0, 0, 0x12, 0x34, 0x00, 0x01};
  for (size_t i = 0; i < payload; ++i) b.push_back(static_cast<uint8_t>(i));
  return b;
}

// Fills the L4 checksum given the unfolded pseudo-header sum (without the
// protocol and length, which depend on the L4 bytes).
void fill_l4_checksum(uint8_t proto, Bytes& l4, uint32_t pseudo_addrs, bool ipv6) {
  const auto len = static_cast<uint32_t>(l4.size());
  switch (proto) {
    case kTcp: set16(l4, 16, finish(sum16(l4.data(), l4.size(), pseudo_addrs + kTcp + len))); break;
    case kUdp: {
      uint16_t c = finish(sum16(l4.data(), l4.size(), pseudo_addrs + kUdp + len));
      set16(l4, 6, c == 0 ? 0xFFFF : c);
      break;
    }
    case kIcmp: set16(l4, 2, finish(sum16(l4.data(), l4.size()))); break;
    case kIcmpv6: set16(l4, 2, finish(sum16(l4.data(), l4.size(), pseudo_addrs + kIcmpv6 + len))); break;
    case kSctp: {
      uint32_t crc = crc32c_bitwise(l4.data(), l4.size());
      for (int i = 0; i < 4; ++i) l4[8 + i] = static_cast<uint8_t>(crc >> (8 * i));
      break;
    }
    default: break;
  }
  (void)ipv6;
}

struct Ipv4Opts {
  std::array<uint8_t, 4> src{10, 0, 0, 1};
  std::array<uint8_t, 4> dst{10, 0, 0, 2};
  uint16_t frag = 0x4000;  // DF
  size_t option_words = 0;
  bool fill_l4 = true;
};

Bytes ipv4(uint8_t proto, Bytes l4, const Ipv4Opts& o = {}) {
  if (o.fill_l4) {
    uint32_t pseudo = sum16(o.src.data(), 4) + sum16(o.dst.data(), 4);
    fill_l4_checksum(proto, l4, pseudo, false);
  }
  Bytes b;
  const size_t ihl = 5 + o.option_words;
  b.push_back(static_cast<uint8_t>(0x40 | ihl));
  b.push_back(0);
  put16(b, static_cast<uint16_t>(ihl * 4 + l4.size()));
  put16(b, 0x1234);
  put16(b, o.frag);
  b.push_back(64);
  b.push_back(proto);
  put16(b, 0);
  b.insert(b.end(), o.src.begin(), o.src.end());
  b.insert(b.end(), o.dst.begin(), o.dst.end());
  for (size_t i = 0; i < o.option_words; ++i) put32(b, 0x01010101);  // NOPs
  set16(b, 10, finish(sum16(b.data(), b.size())));
  append(b, l4);
  return b;
}

using Ip6 = std::array<uint8_t, 16>;
constexpr Ip6 kIp6Src = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
constexpr Ip6 kIp6Dst = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};

// ext: extension headers already chained (first_next names the first one;
// the last one's next header is `proto`).
Bytes ipv6(uint8_t proto, Bytes l4, const Bytes& ext = {}, uint8_t first_next = 0xFF, bool fill_l4 = true) {
  if (fill_l4) {
    uint32_t pseudo = sum16(kIp6Src.data(), 16) + sum16(kIp6Dst.data(), 16);
    fill_l4_checksum(proto, l4, pseudo, true);
  }
  Bytes b;
  put32(b, 0x60000000);
  put16(b, static_cast<uint16_t>(ext.size() + l4.size()));
  b.push_back(ext.empty() ? proto : first_next);
  b.push_back(64);
  b.insert(b.end(), kIp6Src.begin(), kIp6Src.end());
  b.insert(b.end(), kIp6Dst.begin(), kIp6Dst.end());
  append(b, ext);
  append(b, l4);
  return b;
}

// An 8-byte extension header (hop-by-hop, destination options: PadN).
Bytes ext8(uint8_t next) { return {next, 0, 1, 4, 0, 0, 0, 0}; }

struct Tag {
  uint16_t tpid;
  uint16_t tci;
};

Bytes ether(uint16_t type, const Bytes& payload, const std::vector<Tag>& tags = {}, Mac dst = kUnicastMac) {
  Bytes b(dst.begin(), dst.end());
  b.insert(b.end(), kSourceMac.begin(), kSourceMac.end());
  for (const Tag& t : tags) {
    put16(b, t.tpid);
    put16(b, t.tci);
  }
  put16(b, type);
  append(b, payload);
  return b;
}

Bytes pad60(Bytes b) {
  if (b.size() < 60) b.resize(60, 0);
  return b;
}

ParsedPacket parse(const Bytes& b) { return parse_packet(b); }

void expect_clean(const ParsedPacket& p) {
  EXPECT_TRUE(p.l3l4p);
  EXPECT_FALSE(p.ip_error);
  EXPECT_FALSE(p.l4_error);
  EXPECT_FALSE(p.ipv6exadd);
}

// ---- L2 ----

TEST(PacketParse, ShortFramesAreL2Payload) {
  for (size_t len = 0; len < 14; ++len) {
    Bytes b(len, 0x00);
    ParsedPacket p = parse(b);
    EXPECT_EQ(p.ptype, ptype::L2_MAC_PAY2) << len;
    EXPECT_EQ(p.pctype, pctype::L2_PAYLOAD);
    EXPECT_EQ(p.l3, L3Kind::none);
    EXPECT_FALSE(p.l3l4p);
  }
}

TEST(PacketParse, UnicastMulticastBroadcast) {
  Bytes arp(28, 0);
  EXPECT_EQ(parse(ether(0x0806, arp)).umbcast, kUmbcastUnicast);
  EXPECT_EQ(parse(ether(0x0806, arp, {}, {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01})).umbcast, kUmbcastMulticast);
  EXPECT_EQ(parse(ether(0x86DD, arp, {}, {0x33, 0x33, 0x00, 0x00, 0x00, 0x01})).umbcast, kUmbcastMulticast);
  EXPECT_EQ(parse(ether(0x0806, arp, {}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff})).umbcast, kUmbcastBroadcast);
  // Broadcast needs all six bytes; a multicast bit with the rest not all ones is multicast.
  EXPECT_EQ(parse(ether(0x0806, arp, {}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe})).umbcast, kUmbcastMulticast);
  // Known from the destination MAC alone, even in a runt.
  EXPECT_EQ(parse(Bytes(6, 0xff)).umbcast, kUmbcastBroadcast);
}

TEST(PacketParse, L2Ptypes) {
  Bytes body(46, 0);
  struct Case {
    uint16_t type;
    uint8_t ptype;
  } cases[] = {
      {0x0806, ptype::L2_ARP},        {0x88CC, ptype::L2_LLDP_PAY2}, {0x88F7, ptype::L2_TIMESYNC_PAY2},
      {0x888E, ptype::L2_EAPOL_PAY2}, {0x9000, ptype::L2_MAC_PAY2},  {0x0030, ptype::L2_MAC_PAY2},  // 802.3 length
  };
  for (const Case& c : cases) {
    ParsedPacket p = parse(ether(c.type, body));
    EXPECT_EQ(p.ptype, c.ptype) << std::hex << c.type;
    EXPECT_EQ(p.pctype, pctype::L2_PAYLOAD);
    EXPECT_EQ(p.ethertype, c.type);
    EXPECT_EQ(p.l3, L3Kind::none);
    EXPECT_EQ(p.l3_offset, 0);
    EXPECT_FALSE(p.l3l4p);  // nothing checked: the driver reports CHECKSUM_NONE
  }
}

// ---- IPv4 ----

TEST(PacketParse, Ipv4Udp) {
  Ipv4Opts o;
  o.src = {192, 168, 1, 10};
  o.dst = {192, 168, 1, 20};
  Bytes f = ether(0x0800, ipv4(kUdp, udp(40000, 53), o));
  ParsedPacket p = parse(f);
  EXPECT_EQ(p.ptype, ptype::IPV4_UDP);
  EXPECT_EQ(p.pctype, pctype::NONF_IPV4_UDP);
  EXPECT_EQ(p.l3, L3Kind::ipv4);
  EXPECT_EQ(p.l4, L4Kind::udp);
  EXPECT_EQ(p.l3_offset, 14);
  EXPECT_EQ(p.l4_offset, 34);
  EXPECT_EQ(p.src_port(), 40000);
  EXPECT_EQ(p.dst_port(), 53);
  EXPECT_EQ(p.src_addr[0], 192);
  EXPECT_EQ(p.src_addr[3], 10);
  EXPECT_EQ(p.dst_addr[3], 20);
  EXPECT_EQ(p.vlan_tags, 0);
  EXPECT_FALSE(p.fragment);
  expect_clean(p);
}

TEST(PacketParse, Ipv4TcpWithOptions) {
  Ipv4Opts o;
  o.option_words = 3;
  ParsedPacket p = parse(ether(0x0800, ipv4(kTcp, tcp(12345, 80, 100), o)));
  EXPECT_EQ(p.ptype, ptype::IPV4_TCP);
  EXPECT_EQ(p.pctype, pctype::NONF_IPV4_TCP);
  EXPECT_EQ(p.l4_offset, 14 + 32);
  EXPECT_EQ(p.src_port(), 12345);
  EXPECT_EQ(p.dst_port(), 80);
  expect_clean(p);
}

TEST(PacketParse, Ipv4SctpChecksIts32BitCrc) {
  Bytes f = ether(0x0800, ipv4(kSctp, sctp(5000, 6000)));
  ParsedPacket p = parse(f);
  EXPECT_EQ(p.ptype, ptype::IPV4_SCTP);
  EXPECT_EQ(p.pctype, pctype::NONF_IPV4_SCTP);
  EXPECT_EQ(p.src_port(), 5000);
  EXPECT_EQ(p.dst_port(), 6000);
  expect_clean(p);
  f[f.size() - 1] ^= 0x40;  // payload damaged: both drivers would claim CHECKSUM_UNNECESSARY without L4E
  p = parse(f);
  EXPECT_TRUE(p.l3l4p);
  EXPECT_TRUE(p.l4_error);
}

TEST(PacketParse, Ipv4IcmpIsChecked) {
  Bytes f = ether(0x0800, ipv4(kIcmp, icmp_echo()));
  ParsedPacket p = parse(f);
  EXPECT_EQ(p.ptype, ptype::IPV4_ICMP);
  EXPECT_EQ(p.pctype, pctype::NONF_IPV4_OTHER);
  EXPECT_EQ(p.l4, L4Kind::icmp);
  EXPECT_EQ(p.src_port(), 0);  // no ports: hashed on addresses only
  expect_clean(p);
  // 6.12 reports CHECKSUM_UNNECESSARY for ICMP ptypes unless L4E is set.
  f.back() ^= 1;
  EXPECT_TRUE(parse(f).l4_error);
}

TEST(PacketParse, Ipv4OtherProtocolIsPay3) {
  ParsedPacket p = parse(ether(0x0800, ipv4(kGre, Bytes(24, 0x55))));
  EXPECT_EQ(p.ptype, ptype::IPV4_PAY3);
  EXPECT_EQ(p.pctype, pctype::NONF_IPV4_OTHER);
  EXPECT_EQ(p.l4, L4Kind::none);
  EXPECT_EQ(p.l4_offset, 0);
  expect_clean(p);
}

TEST(PacketParse, Ipv4Fragments) {
  for (uint16_t frag : {uint16_t{0x2000} /* MF, offset 0 */, uint16_t{0x0010} /* last, offset 128 */,
                        uint16_t{0x2001}}) {
    Ipv4Opts o;
    o.frag = frag;
    ParsedPacket p = parse(ether(0x0800, ipv4(kUdp, udp(1, 2), o)));
    EXPECT_EQ(p.ptype, ptype::IPV4_FRAG) << frag;
    EXPECT_EQ(p.pctype, pctype::FRAG_IPV4);
    EXPECT_TRUE(p.fragment);
    EXPECT_EQ(p.l4, L4Kind::none);
    EXPECT_EQ(p.src_port(), 0);  // a fragment is hashed on addresses only
    expect_clean(p);             // the header checksum is still checked
  }
}

TEST(PacketParse, BadIpv4HeaderChecksumSetsIpe) {
  Bytes f = ether(0x0800, ipv4(kUdp, udp(1, 2)));
  f[14 + 8] ^= 0x01;  // TTL changed, checksum not
  ParsedPacket p = parse(f);
  EXPECT_EQ(p.ptype, ptype::IPV4_UDP);
  EXPECT_TRUE(p.l3l4p);
  EXPECT_TRUE(p.ip_error);
  EXPECT_FALSE(p.l4_error);  // TTL is not in the pseudo-header
}

TEST(PacketParse, BadUdpAndTcpChecksumsSetL4e) {
  Bytes u = ether(0x0800, ipv4(kUdp, udp(1000, 2000)));
  u.back() ^= 0x80;
  ParsedPacket p = parse(u);
  EXPECT_EQ(p.ptype, ptype::IPV4_UDP);
  EXPECT_TRUE(p.l3l4p);
  EXPECT_FALSE(p.ip_error);
  EXPECT_TRUE(p.l4_error);

  Bytes t = ether(0x0800, ipv4(kTcp, tcp(1000, 2000)));
  t[14 + 20 + 4] ^= 0x01;  // sequence number
  p = parse(t);
  EXPECT_EQ(p.ptype, ptype::IPV4_TCP);
  EXPECT_TRUE(p.l4_error);

  // A changed address breaks the pseudo-header sum, not the IP header's own
  // (the header checksum is refreshed here).
  Bytes a = ether(0x0800, ipv4(kTcp, tcp(1000, 2000)));
  a[14 + 15] ^= 0x01;
  set16(a, 14 + 10, 0);
  set16(a, 14 + 10, finish(sum16(a.data() + 14, 20)));
  p = parse(a);
  EXPECT_FALSE(p.ip_error);
  EXPECT_TRUE(p.l4_error);
}

TEST(PacketParse, UdpZeroChecksumIsValidOverIpv4) {
  Ipv4Opts o;
  o.fill_l4 = false;
  ParsedPacket p = parse(ether(0x0800, ipv4(kUdp, udp(7, 9), o)));
  EXPECT_EQ(p.ptype, ptype::IPV4_UDP);
  expect_clean(p);
}

TEST(PacketParse, UdpLengthBeyondPayloadIsAnL4Error) {
  Bytes l4 = udp(7, 9, 10);
  Ipv4Opts o;
  Bytes ip = ipv4(kUdp, l4, o);
  set16(ip, 20 + 4, 200);  // UDP length larger than the IP payload
  ParsedPacket p = parse(ether(0x0800, ip));
  EXPECT_EQ(p.ptype, ptype::IPV4_UDP);
  EXPECT_TRUE(p.l4_error);
}

TEST(PacketParse, EthernetPaddingIsNotChecksummed) {
  // 42-byte UDP frame padded to the 60-byte minimum with non-zero junk.
  Bytes f = ether(0x0800, ipv4(kUdp, udp(1, 2, 0)));
  ASSERT_EQ(f.size(), 42u);
  f.resize(60, 0xEE);
  ParsedPacket p = parse(f);
  EXPECT_EQ(p.ptype, ptype::IPV4_UDP);
  expect_clean(p);
  Bytes t = pad60(ether(0x0800, ipv4(kTcp, tcp(1, 2, 0))));
  expect_clean(parse(t));
}

TEST(PacketParse, VlanTags) {
  Bytes f = ether(0x0800, ipv4(kUdp, udp(1, 2)), {{0x8100, 0x2064}});
  ParsedPacket p = parse(f);
  EXPECT_EQ(p.vlan_tags, 1);
  EXPECT_EQ(p.vlan_tci, 0x2064);
  EXPECT_EQ(p.ethertype, 0x0800);
  EXPECT_EQ(p.ptype, ptype::IPV4_UDP);
  EXPECT_EQ(p.l3_offset, 18);
  EXPECT_EQ(p.l4_offset, 38);
  expect_clean(p);

  ParsedPacket q = parse(ether(0x86DD, ipv6(kTcp, tcp(1, 2)), {{0x88A8, 0x0123}, {0x8100, 0x0456}}));
  EXPECT_EQ(q.vlan_tags, 2);
  EXPECT_EQ(q.vlan_tci, 0x0123);
  EXPECT_EQ(q.inner_vlan_tci, 0x0456);
  EXPECT_EQ(q.ptype, ptype::IPV6_TCP);
  EXPECT_EQ(q.l3_offset, 22);
  expect_clean(q);

  ParsedPacket arp = parse(ether(0x0806, Bytes(28, 0), {{0x8100, 7}}));
  EXPECT_EQ(arp.ptype, ptype::L2_ARP);
  EXPECT_EQ(arp.vlan_tci, 7);

  // A third tag is not parsed: the frame stays L2.
  ParsedPacket three = parse(ether(0x0800, ipv4(kUdp, udp(1, 2)), {{0x88A8, 1}, {0x8100, 2}, {0x8100, 3}}));
  EXPECT_EQ(three.vlan_tags, 2);
  EXPECT_EQ(three.ethertype, 0x8100);
  EXPECT_EQ(three.ptype, ptype::L2_MAC_PAY2);
}

TEST(PacketParse, BogusIpv4HeadersStayL2) {
  Bytes good = ether(0x0800, ipv4(kUdp, udp(1, 2)));
  auto with = [&](size_t at, uint8_t v) {
    Bytes b = good;
    b[at] = v;
    return parse(b);
  };
  EXPECT_EQ(with(14, 0x44).ptype, ptype::L2_MAC_PAY2);  // IHL 4
  EXPECT_EQ(with(14, 0x40).ptype, ptype::L2_MAC_PAY2);  // IHL 0
  EXPECT_EQ(with(14, 0x65).ptype, ptype::L2_MAC_PAY2);  // version 6 behind 0x0800
  EXPECT_EQ(with(14, 0x4F).ptype, ptype::L2_MAC_PAY2);  // IHL 60 bytes: past the 46 there are
  Bytes small = good;
  set16(small, 16, 19);  // total length below the header
  EXPECT_EQ(parse(small).ptype, ptype::L2_MAC_PAY2);
  EXPECT_FALSE(parse(small).l3l4p);
}

TEST(PacketParse, Ipv4LongerThanTheFrameIsL3Only) {
  Bytes f = ether(0x0800, ipv4(kUdp, udp(1, 2)));
  set16(f, 16, static_cast<uint16_t>(f.size()));  // claims more than is there
  set16(f, 24, 0);
  set16(f, 24, finish(sum16(f.data() + 14, 20)));
  ParsedPacket p = parse(f);
  EXPECT_EQ(p.ptype, ptype::IPV4_PAY3);
  EXPECT_EQ(p.l4, L4Kind::none);
  EXPECT_TRUE(p.l3l4p);
  EXPECT_FALSE(p.ip_error);
  EXPECT_FALSE(p.l4_error);
}

// ---- IPv6 ----

TEST(PacketParse, Ipv6Ptypes) {
  struct Case {
    uint8_t proto;
    Bytes l4;
    uint8_t ptype;
    uint8_t pctype;
    L4Kind l4kind;
  } cases[] = {
      {kUdp, udp(546, 547), ptype::IPV6_UDP, pctype::NONF_IPV6_UDP, L4Kind::udp},
      {kTcp, tcp(22, 50000), ptype::IPV6_TCP, pctype::NONF_IPV6_TCP, L4Kind::tcp},
      {kSctp, sctp(9, 10), ptype::IPV6_SCTP, pctype::NONF_IPV6_SCTP, L4Kind::sctp},
      {kIcmpv6, Bytes{128, 0, 0, 0, 0, 1, 0, 1, 'p', 'i', 'n', 'g'}, ptype::IPV6_ICMP, pctype::NONF_IPV6_OTHER,
       L4Kind::icmp},
      {kGre, Bytes(16, 1), ptype::IPV6_PAY3, pctype::NONF_IPV6_OTHER, L4Kind::none},
      {kIcmp, icmp_echo(), ptype::IPV6_PAY3, pctype::NONF_IPV6_OTHER, L4Kind::none},  // ICMPv4 inside IPv6
  };
  for (const Case& c : cases) {
    ParsedPacket p = parse(ether(0x86DD, ipv6(c.proto, c.l4)));
    EXPECT_EQ(p.ptype, c.ptype) << int(c.proto);
    EXPECT_EQ(p.pctype, c.pctype);
    EXPECT_EQ(p.l3, L3Kind::ipv6);
    EXPECT_EQ(p.l4, c.l4kind);
    EXPECT_EQ(p.l3_offset, 14);
    EXPECT_EQ(p.l4_offset, c.l4kind == L4Kind::none ? 0 : 54);
    EXPECT_EQ(0, std::memcmp(p.src_addr, kIp6Src.data(), 16));
    EXPECT_EQ(0, std::memcmp(p.dst_addr, kIp6Dst.data(), 16));
    expect_clean(p);
  }
  ParsedPacket t = parse(ether(0x86DD, ipv6(kTcp, tcp(22, 50000))));
  EXPECT_EQ(t.src_port(), 22);
  EXPECT_EQ(t.dst_port(), 50000);
}

TEST(PacketParse, Ipv6ChecksumErrors) {
  for (uint8_t proto : {kUdp, kTcp, kIcmpv6}) {
    Bytes l4 = proto == kUdp ? udp(1, 2) : proto == kTcp ? tcp(1, 2) : Bytes{128, 0, 0, 0, 0, 1, 0, 1};
    Bytes f = ether(0x86DD, ipv6(proto, l4));
    f.back() ^= 0x10;
    ParsedPacket p = parse(f);
    EXPECT_TRUE(p.l3l4p);
    EXPECT_TRUE(p.l4_error) << int(proto);
  }
}

TEST(PacketParse, Ipv6UdpZeroChecksumIsAnError) {
  // RFC 8200 8.1: IPv6 receivers discard UDP with a zero checksum.
  ParsedPacket p = parse(ether(0x86DD, ipv6(kUdp, udp(1, 2), {}, 0xFF, /*fill_l4=*/false)));
  EXPECT_EQ(p.ptype, ptype::IPV6_UDP);
  EXPECT_TRUE(p.l4_error);
}

TEST(PacketParse, Ipv6ExtensionHeadersAreWalked) {
  // Hop-by-hop, then destination options, then TCP.
  Bytes ext = ext8(60);
  append(ext, ext8(kTcp));
  ParsedPacket p = parse(ether(0x86DD, ipv6(kTcp, tcp(443, 1024), ext, 0)));
  EXPECT_EQ(p.ptype, ptype::IPV6_TCP);
  EXPECT_EQ(p.l4_offset, 14 + 40 + 16);
  EXPECT_EQ(p.src_port(), 443);
  expect_clean(p);

  // Fragment header: a fragment, whatever follows.
  Bytes frag = {kUdp, 0, 0x00, 0x01, 0, 0, 0, 42};
  ParsedPacket f = parse(ether(0x86DD, ipv6(kUdp, udp(1, 2), frag, 44)));
  EXPECT_EQ(f.ptype, ptype::IPV6_FRAG);
  EXPECT_EQ(f.pctype, pctype::FRAG_IPV6);
  EXPECT_TRUE(f.fragment);
  EXPECT_EQ(f.l4, L4Kind::none);

  // An extension header longer than the payload: IPv6 other.
  Bytes long_ext = {kTcp, 200, 0, 0, 0, 0, 0, 0};
  ParsedPacket l = parse(ether(0x86DD, ipv6(kTcp, tcp(1, 2), long_ext, 0)));
  EXPECT_EQ(l.ptype, ptype::IPV6_PAY3);
  EXPECT_EQ(l.l4, L4Kind::none);

  // ESP, AH, no-next-header: not walked.
  ParsedPacket esp = parse(ether(0x86DD, ipv6(50, Bytes(32, 9))));
  EXPECT_EQ(esp.ptype, ptype::IPV6_PAY3);
  ParsedPacket none = parse(ether(0x86DD, ipv6(59, Bytes{})));
  EXPECT_EQ(none.ptype, ptype::IPV6_PAY3);
}

TEST(PacketParse, Ipv6AlternateAddressHeadersSetExadd) {
  // Type 2 routing header (mobile IPv6): 24 bytes, one address.
  Bytes rh2 = {kTcp, 2, 2, 1, 0, 0, 0, 0};
  rh2.resize(24, 0xAB);
  ParsedPacket p = parse(ether(0x86DD, ipv6(kTcp, tcp(1, 2), rh2, 43, /*fill_l4=*/false)));
  EXPECT_EQ(p.ptype, ptype::IPV6_TCP);
  EXPECT_TRUE(p.ipv6exadd);
  EXPECT_FALSE(p.l3l4p);     // no checksum claim even if the caller drops IPV6EXADD
  EXPECT_FALSE(p.l4_error);  // not judged against the wrong pseudo-header

  // Home address option in destination options (option 0xC9, 16 bytes).
  Bytes hao = {kUdp, 2, 0x01, 0x00 /* PadN len 0 */, 0xC9, 16};
  hao.resize(24, 0xCD);
  ParsedPacket q = parse(ether(0x86DD, ipv6(kUdp, udp(1, 2), hao, 60, false)));
  EXPECT_EQ(q.ptype, ptype::IPV6_UDP);
  EXPECT_TRUE(q.ipv6exadd);

  // A finished type 0 route (segments left 0) changes nothing.
  Bytes rh0 = {kTcp, 2, 0, 0, 0, 0, 0, 0};
  rh0.resize(24, 0);
  ParsedPacket r = parse(ether(0x86DD, ipv6(kTcp, tcp(1, 2), rh0, 43)));
  EXPECT_FALSE(r.ipv6exadd);
  expect_clean(r);
}

TEST(PacketParse, Ipv6BogusHeaders) {
  Bytes good = ether(0x86DD, ipv6(kUdp, udp(1, 2)));
  Bytes v4 = good;
  v4[14] = 0x45;  // version 4 behind 0x86DD
  EXPECT_EQ(parse(v4).ptype, ptype::L2_MAC_PAY2);
  Bytes jumbo = good;
  set16(jumbo, 18, 0);  // payload length 0: jumbogram, not followed
  EXPECT_EQ(parse(jumbo).ptype, ptype::IPV6_PAY3);
  Bytes longer = good;
  set16(longer, 18, 1000);
  ParsedPacket p = parse(longer);
  EXPECT_EQ(p.ptype, ptype::IPV6_PAY3);
  EXPECT_FALSE(p.l4_error);
}

TEST(PacketParse, Crc32cKnownAnswer) {
  const char* text = "123456789";
  std::span<const uint8_t> s(reinterpret_cast<const uint8_t*>(text), 9);
  EXPECT_EQ(crc32c(s), 0xE3069283u);
  EXPECT_EQ(crc32c_bitwise(s.data(), s.size()), 0xE3069283u);
  // Chained calls equal one call, at every split.
  Bytes big(1000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 31 + 7);
  for (size_t split = 0; split <= big.size(); split += 37) {
    uint32_t c = crc32c({big.data(), split});
    c = crc32c({big.data() + split, big.size() - split}, c);
    EXPECT_EQ(c, crc32c_bitwise(big.data(), big.size()));
  }
}

// ---- Hostile input ----

std::vector<Bytes> catalog() {
  std::vector<Bytes> all;
  all.push_back(ether(0x0806, Bytes(28, 1)));
  all.push_back(ether(0x0800, ipv4(kUdp, udp(1, 2))));
  all.push_back(ether(0x0800, ipv4(kTcp, tcp(1, 2, 40))));
  all.push_back(ether(0x0800, ipv4(kSctp, sctp(1, 2))));
  all.push_back(ether(0x0800, ipv4(kIcmp, icmp_echo())));
  Ipv4Opts opts;
  opts.option_words = 10;
  all.push_back(ether(0x0800, ipv4(kTcp, tcp(1, 2), opts), {{0x8100, 5}}));
  Ipv4Opts frag;
  frag.frag = 0x2000;
  all.push_back(ether(0x0800, ipv4(kUdp, udp(1, 2), frag)));
  all.push_back(ether(0x86DD, ipv6(kUdp, udp(1, 2))));
  all.push_back(ether(0x86DD, ipv6(kTcp, tcp(1, 2)), {{0x88A8, 1}, {0x8100, 2}}));
  all.push_back(ether(0x86DD, ipv6(kSctp, sctp(1, 2))));
  all.push_back(ether(0x86DD, ipv6(kIcmpv6, Bytes{128, 0, 0, 0, 0, 1, 0, 1})));
  Bytes ext = ext8(60);
  append(ext, ext8(43));
  Bytes rh = {kTcp, 2, 2, 1, 0, 0, 0, 0};
  rh.resize(24, 0);
  append(ext, rh);
  all.push_back(ether(0x86DD, ipv6(kTcp, tcp(1, 2), ext, 0)));
  return all;
}

bool known_ptype(uint8_t t) {
  switch (t) {
    case ptype::L2_MAC_PAY2: case ptype::L2_TIMESYNC_PAY2: case ptype::L2_LLDP_PAY2: case ptype::L2_EAPOL_PAY2:
    case ptype::L2_ARP: case ptype::IPV4_FRAG: case ptype::IPV4_PAY3: case ptype::IPV4_UDP: case ptype::IPV4_TCP:
    case ptype::IPV4_SCTP: case ptype::IPV4_ICMP: case ptype::IPV6_FRAG: case ptype::IPV6_PAY3:
    case ptype::IPV6_UDP: case ptype::IPV6_TCP: case ptype::IPV6_SCTP: case ptype::IPV6_ICMP:
      return true;
    default:
      return false;
  }
}

// What must hold whatever the input.
void check_invariants(const ParsedPacket& p, size_t len) {
  ASSERT_TRUE(known_ptype(p.ptype)) << int(p.ptype);
  ASSERT_LE(p.vlan_tags, 2);
  if (p.l3 == L3Kind::none) {
    ASSERT_EQ(p.pctype, pctype::L2_PAYLOAD);
    ASSERT_FALSE(p.l3l4p || p.ip_error || p.l4_error || p.ipv6exadd);
    ASSERT_EQ(p.l4, L4Kind::none);
  } else {
    ASSERT_EQ(p.l3l4p, !p.ipv6exadd);
    ASSERT_LE(p.l3_offset + (p.l3 == L3Kind::ipv4 ? 20u : 40u), len);
    if (p.l3 == L3Kind::ipv6) {
      ASSERT_FALSE(p.ip_error);
    }
  }
  if (p.l4 == L4Kind::none) {
    ASSERT_FALSE(p.l4_error);
    ASSERT_EQ(p.l4_offset, 0);
  } else {
    ASSERT_FALSE(p.fragment);
    ASSERT_LE(p.l4_offset + 8u, len);
  }
}

TEST(PacketParse, EveryTruncationOfEveryFrame) {
  for (const Bytes& full : catalog()) {
    const ParsedPacket whole = parse(full);
    for (size_t len = 0; len <= full.size(); ++len) {
      Bytes cut(full.begin(), full.begin() + static_cast<long>(len));  // exact size: ASan sees overreads
      ParsedPacket p = parse(cut);
      check_invariants(p, len);
      if (len < full.size()) {
        // A cut frame never claims a verified L4 checksum.
        EXPECT_EQ(p.l4, L4Kind::none) << "len " << len << " of " << full.size();
      } else {
        EXPECT_EQ(p.ptype, whole.ptype);
      }
    }
  }
}

TEST(PacketParse, RandomBytesNeverCrash) {
  std::mt19937_64 rng(710);
  const std::vector<Bytes> seeds = catalog();
  std::vector<uint8_t> buf;
  size_t deep = 0;
  for (int i = 0; i < 100000; ++i) {
    const int kind = i % 3;
    size_t len;
    if (kind == 2) {
      // A valid frame with a few bytes flipped, sometimes cut or padded.
      buf = seeds[rng() % seeds.size()];
      for (int k = 0, flips = 1 + static_cast<int>(rng() % 4); k < flips; ++k) buf[rng() % buf.size()] = static_cast<uint8_t>(rng());
      if (rng() % 4 == 0) buf.resize(rng() % (buf.size() + 64), 0xA5);
      len = buf.size();
    } else {
      len = (rng() % 10 == 0) ? rng() % 9729 : rng() % 200;
      buf.resize(len);
      for (auto& b : buf) b = static_cast<uint8_t>(rng());
      if (kind == 1 && len >= 15) {
        // Steer into the IP parsers: an IP ethertype (maybe behind a tag) and the right version.
        static constexpr uint16_t kTypes[] = {0x0800, 0x86DD, 0x8100};
        uint16_t t = kTypes[rng() % 3];
        buf[12] = static_cast<uint8_t>(t >> 8);
        buf[13] = static_cast<uint8_t>(t);
        size_t l3 = 14;
        if (t == 0x8100 && len >= 19) {
          buf[16] = 0x08;
          buf[17] = 0x00;
          l3 = 18;
          t = 0x0800;
        }
        if (l3 < len) buf[l3] = static_cast<uint8_t>((t == 0x0800 ? 0x40 : 0x60) | (buf[l3] & 0x0F));
      }
    }
    Bytes exact(buf.begin(), buf.begin() + static_cast<long>(len));
    ParsedPacket p = parse(exact);
    check_invariants(p, len);
    if (::testing::Test::HasFatalFailure()) return;
    if (p.l3 != L3Kind::none) ++deep;
  }
  EXPECT_GT(deep, 10000u);  // the random frames did reach the IP parsers
}

TEST(PacketParse, HugeFramesAreClassifiedOnTheirFirst64KiB) {
  Bytes f = ether(0x0800, ipv4(kUdp, udp(1, 2)));
  f.resize(100000, 0);
  ParsedPacket p = parse(f);
  EXPECT_EQ(p.ptype, ptype::IPV4_UDP);
  expect_clean(p);
}

}  // namespace
}  // namespace x710
