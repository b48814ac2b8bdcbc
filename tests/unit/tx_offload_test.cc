// Transmit offloads (checksums, TSO, UDP segmentation, tag insertion,
// padding) against frames built the way the Linux stack and i40e_tso /
// i40e_tx_enable_csum leave them, checked with an independent RFC 1071
// verifier and a bitwise CRC32c.
#include "checksum.h"
#include "packet_parse.h"
#include "tx_offload.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace x710 {
namespace {

using Bytes = std::vector<uint8_t>;

// ---------------------------------------------------------------------------
// Linux's checksum arithmetic, emulated in the network-byte-order domain (the
// ones-complement sum is byte-order independent, so the 16-bit results are
// the same bytes the kernel leaves in the header).

uint32_t lx_csum_add(uint32_t a, uint32_t b) {
  const uint32_t r = a + b;
  return r + (r < b ? 1 : 0);
}
uint16_t lx_csum_fold(uint32_t s) {
  s = (s & 0xFFFF) + (s >> 16);
  s = (s & 0xFFFF) + (s >> 16);
  return static_cast<uint16_t>(~s);
}
uint32_t lx_words(const uint8_t* p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i < n; i += 2) s = lx_csum_add(s, (uint32_t{p[i]} << 8) | (i + 1 < n ? p[i + 1] : 0));
  return s;
}
// csum_tcpudp_nofold / csum_ipv6_magic without the final fold.
uint32_t lx_pseudo(const uint8_t* src, const uint8_t* dst, size_t addr_len, uint32_t len, uint8_t proto) {
  uint32_t s = lx_csum_add(lx_words(src, addr_len), lx_words(dst, addr_len));
  s = lx_csum_add(s, len >> 16);
  s = lx_csum_add(s, len & 0xFFFF);
  return lx_csum_add(s, proto);
}
// th->check = ~tcp_v4_check(len, saddr, daddr, 0) (also tcp_v6_check,
// udp4_hwcsum): the folded pseudo-header sum, not complemented.
uint16_t lx_partial_seed(const uint8_t* src, const uint8_t* dst, size_t addr_len, uint32_t len, uint8_t proto) {
  return static_cast<uint16_t>(~lx_csum_fold(lx_pseudo(src, dst, addr_len, len, proto)));
}
// csum_replace_by_diff(sum, (__force __wsum)htonl(paylen)) from i40e_tso.
uint16_t lx_replace_by_diff(uint16_t check, uint32_t diff) {
  return lx_csum_fold(lx_csum_add(diff, ~uint32_t{check}));
}

// ---------------------------------------------------------------------------
// The independent verifier: plain RFC 1071 over byte pairs.

uint16_t rfc1071_fold(const Bytes& data) {
  uint64_t s = 0;
  for (size_t i = 0; i < data.size(); i += 2)
    s += (uint32_t{data[i]} << 8) | (i + 1 < data.size() ? data[i + 1] : 0);
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return static_cast<uint16_t>(s);
}

// Pseudo-header (RFC 793 / RFC 8200 8.1) followed by the L4 bytes: a correct
// checksum makes the whole sum 0xFFFF.
bool l4_checksum_ok(const uint8_t* src, const uint8_t* dst, size_t addr_len, uint8_t proto, const uint8_t* l4,
                    size_t l4_len) {
  Bytes b(src, src + addr_len);
  b.insert(b.end(), dst, dst + addr_len);
  if (addr_len == 4) {
    b.push_back(0);
    b.push_back(proto);
    b.push_back(static_cast<uint8_t>(l4_len >> 8));
    b.push_back(static_cast<uint8_t>(l4_len));
  } else {
    b.push_back(static_cast<uint8_t>(l4_len >> 24));
    b.push_back(static_cast<uint8_t>(l4_len >> 16));
    b.push_back(static_cast<uint8_t>(l4_len >> 8));
    b.push_back(static_cast<uint8_t>(l4_len));
    b.push_back(0);
    b.push_back(0);
    b.push_back(0);
    b.push_back(proto);
  }
  b.insert(b.end(), l4, l4 + l4_len);
  return rfc1071_fold(b) == 0xFFFF;
}

bool ipv4_header_ok(const uint8_t* ip) { return rfc1071_fold(Bytes(ip, ip + (ip[0] & 0xF) * 4)) == 0xFFFF; }

uint32_t crc32c_bitwise(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) ? 0x82F63B78u : 0);
  }
  return ~c;
}

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t be32(const uint8_t* p) { return (uint32_t{be16(p)} << 16) | be16(p + 2); }
void wr16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void wr32(uint8_t* p, uint32_t v) {
  wr16(p, v >> 16);
  wr16(p + 2, v);
}

// ---------------------------------------------------------------------------
// Frames as the stack hands them to i40e_xmit_frame_ring.

constexpr uint8_t kTcp = 6, kUdp = 17, kSctp = 132;
constexpr uint8_t FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80;

const uint8_t kSrc4[4] = {10, 0, 0, 1};
const uint8_t kDst4[4] = {10, 0, 0, 2};
const uint8_t kSrc6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const uint8_t kDst6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

struct Spec {
  uint8_t proto = kTcp;
  bool v6 = false;
  size_t payload = 100;
  bool tso = false;
  uint32_t mss = 1448;
  uint8_t flags = ACK | PSH;
  uint32_t seq = 0x10000000;
  uint16_t ip_id = 0x1234;
  size_t tcp_options = 12;  // timestamps: doff 8
  bool sw_vlan = false;     // an 802.1Q header already in the frame (MACLEN 18)
};

struct Built {
  Spec spec;
  Bytes frame;
  Bytes payload;
  size_t ip_off = 0, l4_off = 0, l4_len = 0, hdr_len = 0;
  TxOffloadRequest req;
  uint64_t data_qw1 = 0;
  uint64_t ctx[2] = {0, 0};
};

uint64_t build_ctob(uint32_t cmd, uint32_t offset, uint32_t size, uint32_t tag) {
  return uint64_t{0} | (uint64_t{cmd} << 4) | (uint64_t{offset} << 16) | (uint64_t{size} << 34) |
         (uint64_t{tag} << 48);
}

Built build(const Spec& s) {
  Built b;
  b.spec = s;
  const size_t l2 = s.sw_vlan ? 18 : 14;
  const size_t ip_len = s.v6 ? 40 : 20;
  const size_t l4_len = s.proto == kTcp ? 20 + s.tcp_options : s.proto == kUdp ? 8 : 12;
  b.ip_off = l2;
  b.l4_off = l2 + ip_len;
  b.l4_len = l4_len;
  b.hdr_len = b.l4_off + l4_len;
  b.payload.resize(s.payload);
  for (size_t i = 0; i < s.payload; ++i) b.payload[i] = static_cast<uint8_t>(i * 7 + (i >> 8) + 3);
  b.frame.assign(b.hdr_len, 0);
  b.frame.insert(b.frame.end(), b.payload.begin(), b.payload.end());
  uint8_t* f = b.frame.data();

  const uint8_t dmac[6] = {0x02, 0, 0, 0, 0, 0x01}, smac[6] = {0x02, 0, 0, 0, 0, 0x02};
  std::memcpy(f, dmac, 6);
  std::memcpy(f + 6, smac, 6);
  const uint16_t ethertype = s.v6 ? 0x86DD : 0x0800;
  if (s.sw_vlan) {
    wr16(f + 12, 0x8100);
    wr16(f + 14, 0x0064);
    wr16(f + 16, ethertype);
  } else {
    wr16(f + 12, ethertype);
  }

  const uint32_t l4_total = static_cast<uint32_t>(l4_len + s.payload);
  uint8_t* ip = f + b.ip_off;
  if (!s.v6) {
    ip[0] = 0x45;
    wr16(ip + 2, 20 + l4_total);
    wr16(ip + 4, s.ip_id);
    wr16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = s.proto;
    std::memcpy(ip + 12, kSrc4, 4);
    std::memcpy(ip + 16, kDst4, 4);
    wr16(ip + 10, lx_csum_fold(lx_words(ip, 20)));  // ip_send_check
  } else {
    ip[0] = 0x60;
    wr16(ip + 4, l4_total);
    ip[6] = s.proto;
    ip[7] = 64;
    std::memcpy(ip + 8, kSrc6, 16);
    std::memcpy(ip + 24, kDst6, 16);
  }
  const uint8_t* src = s.v6 ? kSrc6 : kSrc4;
  const uint8_t* dst = s.v6 ? kDst6 : kDst4;
  const size_t alen = s.v6 ? 16 : 4;

  uint8_t* l4 = f + b.l4_off;
  wr16(l4, 40000);
  wr16(l4 + 2, 5201);
  size_t csum_at = 0;
  if (s.proto == kTcp) {
    wr32(l4 + 4, s.seq);
    wr32(l4 + 8, 0x11223344);
    l4[12] = static_cast<uint8_t>((l4_len / 4) << 4);
    l4[13] = s.flags;
    wr16(l4 + 14, 512);
    for (size_t i = 0; i < s.tcp_options; ++i) l4[20 + i] = i < 2 ? 1 : static_cast<uint8_t>(0xA0 + i);  // NOPs, data
    csum_at = 16;
  } else if (s.proto == kUdp) {
    wr16(l4 + 4, l4_total);
    csum_at = 6;
  } else {
    wr32(l4 + 4, 0xCAFEF00D);  // verification tag; checksum left 0 by the stack
  }
  if (s.proto != kSctp) wr16(l4 + csum_at, lx_partial_seed(src, dst, alen, l4_total, s.proto));

  uint32_t cmd = txd::kCmdIcrc;
  if (s.tso) {
    // i40e_tso: zero the IP lengths (and IPv4 check), take the L4 length out
    // of the pseudo-header sum.
    if (!s.v6) {
      wr16(ip + 2, 0);
      wr16(ip + 10, 0);
    } else {
      wr16(ip + 4, 0);
    }
    const uint32_t paylen = static_cast<uint32_t>(b.frame.size() - b.l4_off);
    wr16(l4 + csum_at, lx_replace_by_diff(be16(l4 + csum_at), paylen));
    const uint64_t tso_len = b.frame.size() - b.hdr_len;
    b.ctx[1] = 0x1 | (txd::kCtxCmdTso << txd::kCtxCmdShift) | (tso_len << txd::kCtxTsoLenShift) |
               (uint64_t{s.mss} << txd::kCtxMssShift);
  }
  // i40e_tx_enable_csum
  cmd |= s.v6 ? txd::kCmdIiptIpv6 : s.tso ? txd::kCmdIiptIpv4Csum : txd::kCmdIiptIpv4;
  cmd |= s.proto == kTcp ? txd::kCmdL4tTcp : s.proto == kUdp ? txd::kCmdL4tUdp : txd::kCmdL4tSctp;
  const uint32_t offset = static_cast<uint32_t>((l2 / 2) | ((ip_len / 4) << 7) | ((l4_len / 4) << 14));
  b.data_qw1 = build_ctob(cmd | txd::kCmdEop | txd::kCmdRs, offset, static_cast<uint32_t>(b.frame.size() & 0x3FFF), 0);
  b.req = TxOffloadRequest::from_descriptors(b.data_qw1, s.tso ? b.ctx : nullptr);
  return b;
}

struct Outcome {
  TxOffloadResult result;
  std::vector<Bytes> frames;
};

Outcome run(TxOffload& engine, const Bytes& frame, const TxOffloadRequest& req,
        const TsoFlagMasks& masks = TsoFlagMasks::linux_i40e()) {
  Outcome r;
  r.result = engine.process(frame, req, masks, [&](std::span<const uint8_t> f) { r.frames.emplace_back(f.begin(), f.end()); });
  return r;
}

// Checks every output segment of a TCP or UDP packet: lengths, IDs,
// sequence numbers, flags, checksums, padding, and that the payloads
// concatenate back to the original. `vlan` = the device inserted a tag.
void verify_segments(const Built& b, const Outcome& r, uint32_t expected_segments, bool vlan = false,
                     TsoFlagMasks masks = TsoFlagMasks::linux_i40e()) {
  const Spec& s = b.spec;
  ASSERT_TRUE(r.result.ok()) << r.result.reason();
  ASSERT_EQ(r.frames.size(), expected_segments);
  EXPECT_EQ(r.result.frames, expected_segments);
  const size_t shift = vlan ? 4 : 0;
  const uint8_t* src = s.v6 ? kSrc6 : kSrc4;
  const uint8_t* dst = s.v6 ? kDst6 : kDst4;
  const size_t alen = s.v6 ? 16 : 4;
  Bytes joined;
  uint64_t bytes = 0;
  for (size_t i = 0; i < r.frames.size(); ++i) {
    SCOPED_TRACE("segment " + std::to_string(i));
    const Bytes& out = r.frames[i];
    bytes += out.size();
    ASSERT_GE(out.size(), 60u);
    EXPECT_EQ(0, std::memcmp(out.data(), b.frame.data(), 12));
    if (vlan) {
      EXPECT_EQ(be16(out.data() + 12), 0x8100);
      EXPECT_EQ(be16(out.data() + 14), 0x0ABC);
    }
    const uint8_t* ip = out.data() + b.ip_off + shift;
    const uint8_t* l4 = out.data() + b.l4_off + shift;
    size_t l4_bytes;
    if (!s.v6) {
      ASSERT_EQ(ip[0], 0x45);
      l4_bytes = be16(ip + 2) - 20u;
      EXPECT_TRUE(ipv4_header_ok(ip));
      EXPECT_EQ(be16(ip + 4), static_cast<uint16_t>(s.ip_id + (s.tso ? i : 0)));
      EXPECT_EQ(be16(ip + 6), 0x4000);
    } else {
      ASSERT_EQ(ip[0] >> 4, 6);
      l4_bytes = be16(ip + 4);
    }
    ASSERT_LE(b.l4_off + shift + l4_bytes, out.size());
    // Exactly the headers and the payload, then zero padding up to 60.
    const size_t used = b.l4_off + shift + l4_bytes;
    EXPECT_EQ(out.size(), std::max<size_t>(used, 60));
    for (size_t k = used; k < out.size(); ++k) EXPECT_EQ(out[k], 0) << k;
    EXPECT_TRUE(l4_checksum_ok(src, dst, alen, s.proto, l4, l4_bytes));
    const size_t pay = l4_bytes - b.l4_len;
    if (s.tso && i + 1 < r.frames.size()) {
      EXPECT_EQ(pay, s.mss);
    }
    joined.insert(joined.end(), l4 + b.l4_len, l4 + b.l4_len + pay);
    if (s.proto == kTcp) {
      EXPECT_EQ(be32(l4 + 4), s.seq + static_cast<uint32_t>(i) * s.mss);
      EXPECT_EQ(be32(l4 + 8), 0x11223344u);
      EXPECT_EQ(l4[12] >> 4, b.l4_len / 4);
      uint16_t clear = 0;
      if (s.tso) {
        const bool first = i == 0, last = i + 1 == r.frames.size();
        clear = first && last ? (masks.first & masks.last) : first ? masks.first : last ? masks.last : masks.middle;
      }
      EXPECT_EQ(l4[13], s.flags & static_cast<uint8_t>(~clear)) << std::hex << int{l4[13]};
    } else {
      EXPECT_EQ(be16(l4 + 4), l4_bytes);
      EXPECT_NE(be16(l4 + 6), 0);
    }
  }
  EXPECT_EQ(joined, b.payload);
  EXPECT_EQ(r.result.bytes, bytes);
}

// ---------------------------------------------------------------------------

TEST(TxOffload, DriverSeedsTsoChecksumWithoutTheLength) {
  // What i40e_tso leaves in th->check: the pseudo-header sum of the
  // addresses and protocol only (so the device adds each segment's length).
  for (bool v6 : {false, true}) {
    Spec s;
    s.v6 = v6;
    s.tso = true;
    s.payload = 5000;
    const Built b = build(s);
    const uint8_t* src = v6 ? kSrc6 : kSrc4;
    const uint8_t* dst = v6 ? kDst6 : kDst4;
    const uint16_t without_len = static_cast<uint16_t>(~lx_csum_fold(lx_pseudo(src, dst, v6 ? 16 : 4, 0, kTcp)));
    EXPECT_EQ(be16(b.frame.data() + b.l4_off + 16), without_len) << "v6=" << v6;
  }
}

TEST(TxOffload, DecodesDescriptorsAsTheDriverWritesThem) {
  Spec s;
  s.tso = true;
  s.payload = 3000;
  s.mss = 1000;
  const Built b = build(s);
  const TxOffloadRequest& r = b.req;
  EXPECT_EQ(r.cmd & txd::kCmdIiptMask, txd::kCmdIiptIpv4Csum);
  EXPECT_EQ(r.cmd & txd::kCmdL4tMask, txd::kCmdL4tTcp);
  EXPECT_TRUE(r.cmd & txd::kCmdEop);
  EXPECT_EQ(r.maclen_bytes(), 14u);
  EXPECT_EQ(r.iplen_bytes(), 20u);
  EXPECT_EQ(r.l4len_bytes(), 32u);
  EXPECT_TRUE(r.has_context);
  EXPECT_TRUE(r.tso());
  EXPECT_EQ(r.tso_len(), 3000u);
  EXPECT_EQ(r.mss(), 1000u);
  const uint64_t qw1 = build_ctob(txd::kCmdIl2tag1, 0, 100, 0xBEEF);
  const uint64_t ctx[2] = {(uint64_t{0x4321} << 32) | 0x00ABCDEF, 0x1};
  const TxOffloadRequest t = TxOffloadRequest::from_descriptors(qw1, ctx);
  EXPECT_EQ(t.l2tag1, 0xBEEF);
  EXPECT_EQ(t.l2tag2, 0x4321);
  EXPECT_EQ(t.tunneling, 0x00ABCDEFu);
  EXPECT_FALSE(t.tso());
}

TEST(TxOffload, LinuxMasksAreWhatI40eOpenWrites) {
  // be32_to_cpu(TCP_FLAG_x) >> 16 gives the flag byte's bit: FIN 0x01, PSH 0x08, CWR 0x80.
  constexpr TsoFlagMasks m = TsoFlagMasks::linux_i40e();
  EXPECT_EQ(m.first, FIN | PSH);
  EXPECT_EQ(m.middle, FIN | PSH | CWR);
  EXPECT_EQ(m.last, CWR);
  EXPECT_EQ(TsoFlagMasks::kRegFirst, 0x000442D8u);
  EXPECT_EQ(TsoFlagMasks::kRegMiddle, 0x000442DCu);
  EXPECT_EQ(TsoFlagMasks::kRegLast, 0x000442E0u);
}

TEST(TxOffload, ChecksumPartialTcpIpv4) {
  TxOffload e;
  for (size_t payload : {0, 1, 10, 11, 1448, 8000}) {
    SCOPED_TRACE(payload);
    Spec s;
    s.payload = payload;
    const Built b = build(s);
    const Outcome r = run(e, b.frame, b.req);
    verify_segments(b, r, 1);
    // IIPT_IPV4 without TSO: the stack's IP header goes out untouched.
    EXPECT_EQ(0, std::memcmp(r.frames[0].data() + 14, b.frame.data() + 14, 20));
  }
}

TEST(TxOffload, ChecksumPartialTcpIpv6) {
  TxOffload e;
  for (size_t payload : {0, 3, 100, 1428, 9000}) {
    SCOPED_TRACE(payload);
    Spec s;
    s.v6 = true;
    s.payload = payload;
    const Built b = build(s);
    verify_segments(b, run(e, b.frame, b.req), 1);
  }
}

TEST(TxOffload, ChecksumPartialUdpIpv4AndIpv6) {
  TxOffload e;
  for (bool v6 : {false, true}) {
    for (size_t payload : {0, 1, 18, 1472}) {
      SCOPED_TRACE(std::to_string(v6) + "/" + std::to_string(payload));
      Spec s;
      s.proto = kUdp;
      s.v6 = v6;
      s.payload = payload;
      const Built b = build(s);
      verify_segments(b, run(e, b.frame, b.req), 1);
    }
  }
}

TEST(TxOffload, UdpZeroChecksumGoesOutAsAllOnes) {
  // Choose the last two payload bytes so that the data sums to 0xFFFF: the
  // complement is 0, which UDP must send as 0xFFFF.
  Spec s;
  s.proto = kUdp;
  s.payload = 20;
  Built b = build(s);
  const size_t last = b.frame.size() - 2;
  b.frame[last] = b.frame[last + 1] = 0;
  Bytes probe(kSrc4, kSrc4 + 4);
  probe.insert(probe.end(), kDst4, kDst4 + 4);
  const size_t l4_bytes = b.frame.size() - b.l4_off;
  for (uint8_t v : {uint8_t{0}, uint8_t{kUdp}, uint8_t{static_cast<uint8_t>(l4_bytes >> 8)}, uint8_t{static_cast<uint8_t>(l4_bytes)}})
    probe.push_back(v);
  Bytes l4(b.frame.begin() + b.l4_off, b.frame.end());
  l4[6] = l4[7] = 0;
  probe.insert(probe.end(), l4.begin(), l4.end());
  const uint16_t need = static_cast<uint16_t>(0xFFFF - rfc1071_fold(probe));
  wr16(b.frame.data() + last, need);
  b.payload.assign(b.frame.begin() + b.hdr_len, b.frame.end());
  TxOffload e;
  const Outcome r = run(e, b.frame, b.req);
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(be16(r.frames[0].data() + b.l4_off + 6), 0xFFFF);
  verify_segments(b, r, 1);
}

TEST(TxOffload, InetSumMatchesRfc1071) {
  // Every length up to a few SIMD blocks, from unaligned addresses too.
  std::mt19937 rng(1071);
  Bytes buf(400);
  for (auto& x : buf) x = static_cast<uint8_t>(rng());
  for (size_t start = 0; start < 8; ++start) {
    for (size_t n = 0; n + start <= buf.size(); ++n) {
      const Bytes d(buf.begin() + start, buf.begin() + start + n);
      const uint32_t s = inet_sum(buf.data() + start, n);
      EXPECT_EQ(static_cast<uint16_t>(~inet_fold_complement(s)), n ? rfc1071_fold(d) : 0) << start << "/" << n;
    }
  }
  // Known example (RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2).
  const uint8_t ex[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(inet_fold_complement(inet_sum(ex, 8)), static_cast<uint16_t>(~0xddf2));
}

TEST(TxOffload, Crc32cKnownAnswer) {
  const char* v = "123456789";
  EXPECT_EQ(crc32c(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(v), 9)), 0xE3069283u);
  Bytes zeros(32, 0);
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);  // RFC 3720 B.4
  std::mt19937 rng(7);
  for (size_t n : {0, 1, 7, 8, 9, 63, 64, 65, 1500}) {
    Bytes d(n);
    for (auto& x : d) x = static_cast<uint8_t>(rng());
    EXPECT_EQ(crc32c(std::span<const uint8_t>(d.data(), n)), crc32c_bitwise(d.data(), n)) << n;
  }
}

TEST(TxOffload, SctpCrc32c) {
  TxOffload e;
  for (bool v6 : {false, true}) {
    for (size_t payload : {16, 33, 1000}) {
      Spec s;
      s.proto = kSctp;
      s.v6 = v6;
      s.payload = payload;
      Built b = build(s);
      wr32(b.frame.data() + b.l4_off + 8, 0xDEADBEEF);  // whatever is there is ignored
      const Outcome r = run(e, b.frame, b.req);
      ASSERT_TRUE(r.result.ok()) << r.result.reason();
      ASSERT_EQ(r.frames.size(), 1u);
      Bytes sctp(r.frames[0].begin() + b.l4_off, r.frames[0].begin() + b.frame.size());
      const uint32_t stored = sctp[8] | (sctp[9] << 8) | (sctp[10] << 16) | (uint32_t{sctp[11]} << 24);
      std::memset(sctp.data() + 8, 0, 4);
      EXPECT_EQ(stored, crc32c_bitwise(sctp.data(), sctp.size()));
      // Everything else untouched.
      EXPECT_EQ(0, std::memcmp(r.frames[0].data(), b.frame.data(), b.l4_off + 8));
      EXPECT_EQ(0, std::memcmp(r.frames[0].data() + b.l4_off + 12, b.frame.data() + b.l4_off + 12,
                               b.frame.size() - b.l4_off - 12));
    }
  }
}

TEST(TxOffload, Ipv4HeaderChecksumOnlyWithIiptIpv4Csum) {
  Spec s;
  s.payload = 30;
  Built b = build(s);
  wr16(b.frame.data() + 14 + 10, 0xBAD0);
  TxOffload e;
  // IIPT_IPV4: left as it is.
  Outcome r = run(e, b.frame, b.req);
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(be16(r.frames[0].data() + 24), 0xBAD0);
  // IIPT_IPV4_CSUM: recomputed.
  TxOffloadRequest q = b.req;
  q.cmd = static_cast<uint16_t>((q.cmd & ~txd::kCmdIiptMask) | txd::kCmdIiptIpv4Csum);
  r = run(e, b.frame, q);
  ASSERT_TRUE(r.result.ok());
  EXPECT_TRUE(ipv4_header_ok(r.frames[0].data() + 14));
}

TEST(TxOffload, NoOffloadPassesThroughAndPads) {
  TxOffload e;
  Bytes f(42);
  for (size_t i = 0; i < f.size(); ++i) f[i] = static_cast<uint8_t>(i + 1);
  TxOffloadRequest q;
  q.cmd = txd::kCmdIcrc | txd::kCmdEop;
  Outcome r = run(e, f, q);
  ASSERT_TRUE(r.result.ok());
  ASSERT_EQ(r.frames.size(), 1u);
  ASSERT_EQ(r.frames[0].size(), 60u);
  EXPECT_EQ(0, std::memcmp(r.frames[0].data(), f.data(), 42));
  for (size_t i = 42; i < 60; ++i) EXPECT_EQ(r.frames[0][i], 0);
  EXPECT_EQ(r.result.bytes, 60u);
  // The driver's minimum (17) is accepted and padded; a 1514-byte frame is unchanged.
  f.resize(17);
  r = run(e, f, q);
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(r.frames[0].size(), 60u);
  f.assign(1514, 0x5A);
  r = run(e, f, q);
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(r.frames[0], f);
}

TEST(TxOffload, VlanTagInsertion) {
  TxOffload e;
  Spec s;
  s.payload = 200;
  Built b = build(s);
  TxOffloadRequest q = b.req;
  q.cmd |= txd::kCmdIl2tag1;
  q.l2tag1 = 0x0ABC;
  verify_segments(b, run(e, b.frame, q), 1, /*vlan=*/true);
  // Inserted before padding: a 42-byte frame becomes 46 + 14 zeros.
  Bytes small(42, 0x11);
  TxOffloadRequest p;
  p.cmd = txd::kCmdIl2tag1;
  p.l2tag1 = 0x2005;
  const Outcome r = run(e, small, p);
  ASSERT_EQ(r.frames.size(), 1u);
  ASSERT_EQ(r.frames[0].size(), 60u);
  EXPECT_EQ(be16(r.frames[0].data() + 12), 0x8100);
  EXPECT_EQ(be16(r.frames[0].data() + 14), 0x2005);
  EXPECT_EQ(r.frames[0][16], 0x11);
  EXPECT_EQ(r.frames[0][45], 0x11);
  EXPECT_EQ(r.frames[0][46], 0x00);
  // IL2TAG2 from a context descriptor: the outer (S) tag, before L2TAG1.
  p.has_context = true;
  p.l2tag2 = 0x0777;
  p.ctx_qw1 = 0x1 | (txd::kCtxCmdIl2tag2 << txd::kCtxCmdShift);
  const Outcome qq = run(e, small, p);
  ASSERT_EQ(qq.frames.size(), 1u);
  ASSERT_EQ(qq.frames[0].size(), 60u);
  EXPECT_EQ(be32(qq.frames[0].data() + 12), 0x88A80777u);
  EXPECT_EQ(be32(qq.frames[0].data() + 16), 0x81002005u);
  EXPECT_EQ(qq.frames[0][20], 0x11);
  EXPECT_EQ(qq.frames[0][49], 0x11);
}

TEST(TxOffload, SoftwareVlanHeaderInTheFrame) {
  // VLAN acceleration off: the tag is in the frame and MACLEN is 18.
  TxOffload e;
  for (bool tso : {false, true}) {
    Spec s;
    s.sw_vlan = true;
    s.tso = tso;
    s.payload = 4000;
    const Built b = build(s);
    verify_segments(b, run(e, b.frame, b.req), tso ? 3 : 1);
  }
}

TEST(TxOffload, TsoTcpIpv4SixtyFourKiB) {
  Spec s;
  s.tso = true;
  s.payload = 45 * 1448;
  s.flags = ACK | PSH | FIN | CWR | ECE;
  const Built b = build(s);
  TxOffload e;
  verify_segments(b, run(e, b.frame, b.req), 45);
}

TEST(TxOffload, TsoTcpIpv6) {
  Spec s;
  s.v6 = true;
  s.tso = true;
  s.mss = 1428;
  s.payload = 20000;
  s.flags = ACK | PSH | CWR;
  s.seq = 0xFFFFF000;  // wraps
  const Built b = build(s);
  TxOffload e;
  verify_segments(b, run(e, b.frame, b.req), 15);
}

TEST(TxOffload, TsoSegmentBoundaries) {
  TxOffload e;
  struct Case {
    size_t payload;
    uint32_t mss;
    uint32_t segs;
  };
  for (const Case c : {Case{2896, 1448, 2}, Case{2897, 1448, 3}, Case{1449, 1448, 2}, Case{5005, 1001, 5},
                       Case{5006, 1001, 6}, Case{1000, 64, 16}, Case{65, 64, 2}, Case{9000, 8948, 2}}) {
    for (bool v6 : {false, true}) {
      SCOPED_TRACE(std::to_string(c.payload) + "/" + std::to_string(c.mss) + (v6 ? " v6" : " v4"));
      Spec s;
      s.v6 = v6;
      s.tso = true;
      s.payload = c.payload;
      s.mss = c.mss;
      s.flags = ACK | PSH | FIN | CWR;
      s.ip_id = 0xFFFE;  // wraps
      const Built b = build(s);
      verify_segments(b, run(e, b.frame, b.req), c.segs);
    }
  }
}

TEST(TxOffload, TsoFlagsFirstMiddleLast) {
  Spec s;
  s.tso = true;
  s.payload = 3 * 1448;
  s.flags = ACK | PSH | FIN | CWR | ECE | URG;
  const Built b = build(s);
  TxOffload e;
  const Outcome r = run(e, b.frame, b.req);
  ASSERT_EQ(r.frames.size(), 3u);
  EXPECT_EQ(r.frames[0][b.l4_off + 13], ACK | CWR | ECE | URG);  // CWR only on the first
  EXPECT_EQ(r.frames[1][b.l4_off + 13], ACK | ECE | URG);
  EXPECT_EQ(r.frames[2][b.l4_off + 13], ACK | PSH | FIN | ECE | URG);  // FIN/PSH only on the last
  // Other masks (bits 8..11 are NS and the reserved bits of byte 12).
  const TsoFlagMasks m{0x100 | SYN, RST, URG};
  Built n = build(s);
  n.frame[n.l4_off + 12] |= 0x01;  // NS
  const Outcome q = run(e, n.frame, n.req, m);
  ASSERT_EQ(q.frames.size(), 3u);
  EXPECT_EQ(q.frames[0][n.l4_off + 12], 0x80);  // doff 8, NS cleared
  EXPECT_EQ(q.frames[1][n.l4_off + 12], 0x81);
  EXPECT_EQ(q.frames[2][n.l4_off + 13], ACK | PSH | FIN | CWR | ECE);
  for (const Bytes& f : q.frames) {
    const size_t l4_bytes = be16(f.data() + 16) - 20u;
    EXPECT_TRUE(l4_checksum_ok(kSrc4, kDst4, 4, kTcp, f.data() + n.l4_off, l4_bytes));
  }
}

TEST(TxOffload, TsoSingleSegmentKeepsFlagsBothMasksAgreeOn) {
  // One segment is first and last at once: only flags both masks clear are
  // cleared. With the driver's masks nothing is: FIN, PSH and CWR all stay.
  Spec s;
  s.tso = true;
  s.payload = 700;
  s.flags = ACK | PSH | FIN | CWR;
  const Built b = build(s);
  TxOffload e;
  const Outcome r = run(e, b.frame, b.req);
  verify_segments(b, r, 1);
  EXPECT_EQ(r.frames[0][b.l4_off + 13], ACK | PSH | FIN | CWR);
  const Outcome q = run(e, b.frame, b.req, TsoFlagMasks{FIN | CWR, 0, FIN | PSH});
  EXPECT_EQ(q.frames[0][b.l4_off + 13], ACK | PSH | CWR);
}

TEST(TxOffload, UdpSegmentation) {
  TxOffload e;
  for (bool v6 : {false, true}) {
    Spec s;
    s.proto = kUdp;
    s.v6 = v6;
    s.tso = true;
    s.mss = 1200;
    s.payload = 10 * 1200 + 77;
    const Built b = build(s);
    verify_segments(b, run(e, b.frame, b.req), 11);
  }
}

TEST(TxOffload, TsoWithVlanInsertion) {
  Spec s;
  s.tso = true;
  s.payload = 10000;
  Built b = build(s);
  TxOffloadRequest q = b.req;
  q.cmd |= txd::kCmdIl2tag1;
  q.l2tag1 = 0x0ABC;
  TxOffload e;
  verify_segments(b, run(e, b.frame, q), 7, /*vlan=*/true);
}

// VXLAN over IPv4: outer Ethernet, IPv4, UDP, VXLAN, inner Ethernet, IPv4, TCP.
struct Vxlan {
  Bytes frame, payload;
  TxOffloadRequest req;
};
constexpr size_t kVxOuterIp = 14, kVxUdp = 34, kVxInnerIp = 64, kVxTcp = 84, kVxHdr = 104;
const uint8_t kOuterSrc[4] = {192, 168, 1, 1}, kOuterDst[4] = {192, 168, 1, 2};

Vxlan build_vxlan(size_t payload, uint32_t mss, bool outer_csum) {
  Vxlan v;
  v.payload.resize(payload);
  for (size_t i = 0; i < payload; ++i) v.payload[i] = static_cast<uint8_t>(i ^ (i >> 9));
  v.frame.assign(kVxHdr, 0);
  v.frame.insert(v.frame.end(), v.payload.begin(), v.payload.end());
  uint8_t* f = v.frame.data();
  wr16(f + 12, 0x0800);
  uint8_t* oip = f + kVxOuterIp;
  oip[0] = 0x45;
  wr16(oip + 4, 0x0700);
  oip[8] = 64;
  oip[9] = kUdp;
  std::memcpy(oip + 12, kOuterSrc, 4);
  std::memcpy(oip + 16, kOuterDst, 4);
  uint8_t* udp = f + kVxUdp;
  wr16(udp, 50000);
  wr16(udp + 2, 4789);
  const uint32_t udp_len = static_cast<uint32_t>(v.frame.size() - kVxUdp);
  wr16(udp + 4, udp_len);
  f[kVxUdp + 8] = 0x08;  // VXLAN I flag
  f[kVxUdp + 8 + 6] = 0x42;
  wr16(f + kVxInnerIp - 2, 0x0800);  // inner ethertype
  uint8_t* ip = f + kVxInnerIp;
  ip[0] = 0x45;
  wr16(ip + 4, 0x0100);
  ip[8] = 64;
  ip[9] = kTcp;
  std::memcpy(ip + 12, kSrc4, 4);
  std::memcpy(ip + 16, kDst4, 4);
  uint8_t* tcp = f + kVxTcp;
  wr32(tcp + 4, 1000);
  tcp[12] = 0x50;
  tcp[13] = ACK | PSH;
  const uint32_t tcp_len = static_cast<uint32_t>(v.frame.size() - kVxTcp);
  wr16(tcp + 16, lx_replace_by_diff(lx_partial_seed(kSrc4, kDst4, 4, tcp_len, kTcp), tcp_len));
  uint32_t tunneling = txd::kTunExtIpIpv4 | (5u << txd::kTunExtIplenShift) | (txd::kTunNattUdp << txd::kTunNattShift) |
                       (15u << txd::kTunNatlenShift);
  if (outer_csum) {
    // UDP_TUNNEL_CSUM without GSO_PARTIAL (X722-style): len zeroed, length
    // taken out of the outer pseudo-header sum.
    wr16(udp + 4, 0);
    wr16(udp + 6, lx_replace_by_diff(lx_partial_seed(kOuterSrc, kOuterDst, 4, udp_len, kUdp), udp_len));
    tunneling |= txd::kTunL4tCs;
  }
  const uint32_t cmd = txd::kCmdIcrc | txd::kCmdEop | txd::kCmdIiptIpv4Csum | txd::kCmdL4tTcp;
  const uint32_t offset = 7 | (5 << 7) | (5 << 14);
  const uint64_t qw1 = build_ctob(cmd, offset, static_cast<uint32_t>(v.frame.size() & 0x3FFF), 0);
  const uint64_t ctx[2] = {tunneling, 0x1 | (txd::kCtxCmdTso << 4) | (uint64_t{payload} << 30) | (uint64_t{mss} << 50)};
  v.req = TxOffloadRequest::from_descriptors(qw1, ctx);
  return v;
}

TEST(TxOffload, TsoVxlanIpv4) {
  TxOffload e;
  for (bool outer_csum : {false, true}) {
    SCOPED_TRACE(outer_csum);
    const Vxlan v = build_vxlan(5000, 1400, outer_csum);
    const Outcome r = run(e, v.frame, v.req);
    ASSERT_TRUE(r.result.ok()) << r.result.reason();
    ASSERT_EQ(r.frames.size(), 4u);
    Bytes joined;
    for (size_t i = 0; i < r.frames.size(); ++i) {
      const Bytes& f = r.frames[i];
      const uint8_t* oip = f.data() + kVxOuterIp;
      EXPECT_EQ(be16(oip + 2), f.size() - 14);
      EXPECT_EQ(be16(oip + 4), 0x0700 + i);
      EXPECT_TRUE(ipv4_header_ok(oip));
      const uint8_t* udp = f.data() + kVxUdp;
      EXPECT_EQ(be16(udp + 4), f.size() - kVxUdp);
      if (outer_csum)
        EXPECT_TRUE(l4_checksum_ok(kOuterSrc, kOuterDst, 4, kUdp, udp, f.size() - kVxUdp));
      else
        EXPECT_EQ(be16(udp + 6), 0);
      EXPECT_EQ(f[kVxUdp + 14], 0x42);
      const uint8_t* ip = f.data() + kVxInnerIp;
      EXPECT_EQ(be16(ip + 2), f.size() - kVxInnerIp);
      EXPECT_EQ(be16(ip + 4), 0x0100 + i);
      EXPECT_TRUE(ipv4_header_ok(ip));
      const uint8_t* tcp = f.data() + kVxTcp;
      EXPECT_EQ(be32(tcp + 4), 1000 + 1400 * i);
      EXPECT_TRUE(l4_checksum_ok(kSrc4, kDst4, 4, kTcp, tcp, f.size() - kVxTcp));
      joined.insert(joined.end(), tcp + 20, f.data() + f.size());
    }
    EXPECT_EQ(joined, v.payload);
  }
}

// ---------------------------------------------------------------------------
// Malformed descriptors: an error, a reason, and no frame at all.

void expect_refused(TxOffload& e, const Bytes& frame, const TxOffloadRequest& q, TxOffloadError want) {
  const Outcome r = run(e, frame, q);
  EXPECT_EQ(r.result.error, want) << "got: " << r.result.reason();
  EXPECT_TRUE(r.frames.empty());
  EXPECT_EQ(r.result.frames, 0u);
  EXPECT_GT(std::strlen(r.result.reason()), 3u);
}

TxOffloadRequest with_offset(TxOffloadRequest q, uint32_t maclen_words, uint32_t iplen_dwords, uint32_t l4len_dwords) {
  q.offset = maclen_words | (iplen_dwords << 7) | (l4len_dwords << 14);
  return q;
}
TxOffloadRequest with_ctx(TxOffloadRequest q, uint64_t tso_len, uint64_t mss) {
  q.has_context = true;
  q.ctx_qw1 = 0x1 | (txd::kCtxCmdTso << 4) | (tso_len << 30) | (mss << 50);
  return q;
}

TEST(TxOffloadMalformed, Lengths) {
  TxOffload e;
  Spec s;
  s.payload = 100;
  const Built b = build(s);  // MACLEN 7 words, IPLEN 5 dwords, L4LEN 8 dwords
  expect_refused(e, Bytes(16, 0), TxOffloadRequest{}, TxOffloadError::frame_too_short);
  expect_refused(e, Bytes(), b.req, TxOffloadError::frame_too_short);
  expect_refused(e, Bytes(TxOffload::kMaxFrame + 1, 0), TxOffloadRequest{}, TxOffloadError::frame_too_long);
  Bytes big = b.frame;
  big.resize(TxOffload::kMaxFrame + 1);
  expect_refused(e, big, b.req, TxOffloadError::frame_too_long);
  expect_refused(e, b.frame, with_offset(b.req, 0, 5, 8), TxOffloadError::maclen_too_short);
  expect_refused(e, b.frame, with_offset(b.req, 6, 5, 8), TxOffloadError::maclen_too_short);
  expect_refused(e, b.frame, with_offset(b.req, 7, 0, 8), TxOffloadError::iplen_invalid);
  expect_refused(e, b.frame, with_offset(b.req, 7, 4, 8), TxOffloadError::iplen_invalid);
  expect_refused(e, b.frame, with_offset(b.req, 7, 5, 0), TxOffloadError::l4len_invalid);
  expect_refused(e, b.frame, with_offset(b.req, 7, 5, 4), TxOffloadError::l4len_invalid);
  expect_refused(e, b.frame, with_offset(b.req, 127, 5, 8), TxOffloadError::headers_beyond_frame);
  expect_refused(e, b.frame, with_offset(b.req, 7, 127, 8), TxOffloadError::headers_beyond_frame);
  Bytes cut(b.frame.begin(), b.frame.begin() + 60);  // TCP header runs past the end
  expect_refused(e, cut, b.req, TxOffloadError::headers_beyond_frame);
  // IPv6 needs 40 bytes of IPLEN.
  Spec s6 = s;
  s6.v6 = true;
  const Built b6 = build(s6);
  expect_refused(e, b6.frame, with_offset(b6.req, 7, 5, 8), TxOffloadError::iplen_invalid);
}

TEST(TxOffloadMalformed, NotIp) {
  TxOffload e;
  Spec s;
  const Built b = build(s);
  TxOffloadRequest q = b.req;
  q.cmd = static_cast<uint16_t>(q.cmd & ~txd::kCmdIiptMask);  // L4T TCP on "non-IP"
  expect_refused(e, b.frame, q, TxOffloadError::l4_without_ip);
  // An ARP frame with checksum offload: IIPT says IPv4, the frame is not.
  Bytes arp(60, 0);
  wr16(arp.data() + 12, 0x0806);
  arp[14] = 0x00;
  arp[15] = 0x01;
  expect_refused(e, arp, b.req, TxOffloadError::ip_version_mismatch);
  // IIPT IPv6 on an IPv4 packet.
  q = b.req;
  q.cmd = static_cast<uint16_t>((q.cmd & ~txd::kCmdIiptMask) | txd::kCmdIiptIpv6);
  expect_refused(e, b.frame, with_offset(q, 7, 10, 8), TxOffloadError::ip_version_mismatch);
  q = b.req;
  q.cmd |= txd::kCmdFcoet;
  expect_refused(e, b.frame, q, TxOffloadError::fcoe_requested);
  // TSO on a non-IP frame.
  q = with_ctx(TxOffloadRequest{}, b.frame.size() - b.hdr_len, 1448);
  q.offset = b.req.offset;
  q.cmd = txd::kCmdL4tTcp;
  expect_refused(e, b.frame, q, TxOffloadError::l4_without_ip);
}

TEST(TxOffloadMalformed, Tso) {
  TxOffload e;
  Spec s;
  s.tso = true;
  s.payload = 5000;
  const Built b = build(s);
  const uint64_t tso_len = 5000;
  expect_refused(e, b.frame, with_ctx(b.req, tso_len, 0), TxOffloadError::tso_bad_mss);
  expect_refused(e, b.frame, with_ctx(b.req, tso_len, 63), TxOffloadError::tso_bad_mss);
  expect_refused(e, b.frame, with_ctx(b.req, tso_len, 0x3FFF), TxOffloadError::tso_bad_mss);
  expect_refused(e, b.frame, with_ctx(b.req, tso_len, TxOffload::kMaxFrame - b.hdr_len + 1), TxOffloadError::tso_bad_mss);
  expect_refused(e, b.frame, with_ctx(b.req, 0, 1448), TxOffloadError::tso_len_mismatch);
  expect_refused(e, b.frame, with_ctx(b.req, tso_len + 1, 1448), TxOffloadError::tso_len_mismatch);
  expect_refused(e, b.frame, with_ctx(b.req, tso_len - 1, 1448), TxOffloadError::tso_len_mismatch);
  expect_refused(e, b.frame, with_ctx(b.req, 0x3FFFF, 1448), TxOffloadError::tso_len_mismatch);
  // L4LEN wrong makes TSO_LEN inconsistent.
  expect_refused(e, b.frame, with_offset(b.req, 7, 5, 5), TxOffloadError::tso_len_mismatch);
  TxOffloadRequest q = b.req;
  q.cmd = static_cast<uint16_t>((q.cmd & ~txd::kCmdL4tMask) | txd::kCmdL4tSctp);
  expect_refused(e, b.frame, q, TxOffloadError::tso_bad_l4);
  q.cmd = static_cast<uint16_t>(q.cmd & ~txd::kCmdL4tMask);
  expect_refused(e, b.frame, q, TxOffloadError::tso_bad_l4);
  // The largest legal MSS is accepted.
  const Outcome r = run(e, b.frame, with_ctx(b.req, tso_len, TxOffload::kMaxFrame - b.hdr_len));
  EXPECT_TRUE(r.result.ok());
  EXPECT_EQ(r.frames.size(), 1u);
}

TEST(TxOffloadMalformed, Tunnel) {
  TxOffload e;
  const Vxlan v = build_vxlan(3000, 1400, false);
  auto with_tunnel = [&](uint32_t t) {
    TxOffloadRequest q = v.req;
    q.tunneling = t;
    return q;
  };
  const uint32_t good = v.req.tunneling;
  expect_refused(e, v.frame, with_tunnel((good & ~(0x7Fu << 2)) | (4u << 2)), TxOffloadError::tunnel_invalid);
  expect_refused(e, v.frame, with_tunnel(good | (3u << 9)), TxOffloadError::tunnel_invalid);
  expect_refused(e, v.frame, with_tunnel((good & ~(0x7Fu << 12)) | (3u << 12)), TxOffloadError::tunnel_invalid);
  expect_refused(e, v.frame, with_tunnel((good & ~(0x7Fu << 12)) | (127u << 12)), TxOffloadError::ip_version_mismatch);
  const uint32_t no_ext = good & ~(3u | (0x7Fu << 2));
  expect_refused(e, v.frame, with_tunnel(no_ext | txd::kTunExtIpIpv6 | (10u << 2)), TxOffloadError::ip_version_mismatch);
  // EXT_IPLEN of 508 bytes runs past a short frame.
  const Vxlan small = build_vxlan(100, 1400, false);
  TxOffloadRequest q = small.req;
  q.tunneling = (good & ~(0x7Fu << 2)) | (127u << 2);
  expect_refused(e, small.frame, q, TxOffloadError::headers_beyond_frame);
  // A tunnel whose inner header lies past the end.
  q.tunneling = (good & ~(0x7Fu << 12)) | (127u << 12);
  expect_refused(e, small.frame, q, TxOffloadError::headers_beyond_frame);
}

// ---------------------------------------------------------------------------
// Random descriptors and frames: never a crash, never an out-of-bounds access
// (run under -fsanitize=address,undefined), outputs always well formed.

TEST(TxOffloadFuzz, RandomDescriptorsAndFrames) {
  std::mt19937_64 rng(0x710710);
  auto pick = [&](uint64_t n) { return n ? rng() % n : 0; };
  TxOffload e;
  size_t ok = 0, refused = 0, frames = 0, verified = 0;
  size_t by_error[32] = {};
  constexpr int kIterations = 100000;
  for (int it = 0; it < kIterations; ++it) {
    Bytes frame;
    TxOffloadRequest q;
    Built pristine;  // set when the packet is well formed and left alone
    bool check = false;
    if (pick(2)) {
      // A well-formed packet, then some of its fields spoiled.
      Spec s;
      const uint64_t kind = pick(3);
      s.proto = kind == 0 ? kTcp : kind == 1 ? kUdp : kSctp;
      s.v6 = pick(2);
      s.tso = s.proto != kSctp && pick(2);
      s.payload = pick(4) == 0 ? pick(20000) : pick(3000);
      s.mss = static_cast<uint32_t>(1 + pick(3000));
      s.flags = static_cast<uint8_t>(rng());
      s.tcp_options = 4 * pick(11);
      s.sw_vlan = pick(4) == 0;
      Built b = build(s);
      frame = std::move(b.frame);
      q = b.req;
      const uint64_t spoil = pick(10);
      if (spoil == 1) q.offset = static_cast<uint32_t>(pick(1u << 18));
      if (spoil == 2) q.cmd = static_cast<uint16_t>(pick(1u << 10));
      if (spoil == 3) q.ctx_qw1 ^= uint64_t{1} << pick(64);
      if (spoil == 4) frame.resize(pick(frame.size() + 100));
      if (spoil == 5) {
        q.has_context = true;
        q.tunneling = static_cast<uint32_t>(rng());
      }
      if (spoil == 6) frame[pick(frame.size())] ^= static_cast<uint8_t>(1 + pick(255));
      if (spoil == 7) q.cmd |= txd::kCmdIl2tag1;
      if (spoil >= 8 && s.proto != kSctp) {
        const bool valid = s.tso ? s.payload > 0 && s.mss >= TxOffload::kMinMss &&
                                       b.hdr_len + s.mss <= TxOffload::kMaxFrame
                                 : frame.size() <= TxOffload::kMaxFrame;
        if (valid) {
          check = true;
          b.frame = frame;
          pristine = std::move(b);
        }
      }
    } else {
      frame.resize(pick(4) == 0 ? pick(70000) : pick(400));
      for (auto& x : frame) x = static_cast<uint8_t>(rng());
      if (frame.size() > 14 && pick(2)) frame[14] = pick(2) ? 0x45 : 0x60;
      uint64_t ctx[2] = {rng(), rng()};
      if (pick(2)) {
        // Plausible TSO lengths for the random frame.
        const uint64_t hdr = pick(200);
        ctx[1] = (ctx[1] & ~(uint64_t{0x3FFFF} << 30)) | (((frame.size() - hdr) & 0x3FFFF) << 30);
      }
      q = TxOffloadRequest::from_descriptors(rng(), pick(2) ? ctx : nullptr);
      if (pick(10)) q.cmd = static_cast<uint16_t>(q.cmd & ~txd::kCmdFcoet);  // or it hides everything else
      if (pick(2)) q.offset = static_cast<uint32_t>(7 | (pick(16) << 7) | (pick(16) << 14));
    }
    TsoFlagMasks m{static_cast<uint16_t>(rng()), static_cast<uint16_t>(rng()), static_cast<uint16_t>(rng())};
    if (check) m = TsoFlagMasks::linux_i40e();
    size_t emitted = 0;
    uint64_t bytes = 0;
    bool sizes_ok = true;
    Outcome kept;
    const TxOffloadResult r = e.process(frame, q, m, [&](std::span<const uint8_t> f) {
      ++emitted;
      bytes += f.size();
      sizes_ok = sizes_ok && f.size() >= 60 && f.size() <= TxOffload::kMaxFrame + 8;
      if (check) kept.frames.emplace_back(f.begin(), f.end());
    });
    ++by_error[static_cast<size_t>(r.error) & 31];
    if (check) {
      SCOPED_TRACE("iteration " + std::to_string(it));
      kept.result = r;
      const Spec& s = pristine.spec;
      verify_segments(pristine, kept, s.tso ? static_cast<uint32_t>((s.payload + s.mss - 1) / s.mss) : 1);
      if (HasFatalFailure() || HasNonfatalFailure()) return;
      ++verified;
    }
    ASSERT_TRUE(sizes_ok) << "iteration " << it;
    ASSERT_EQ(r.frames, emitted) << "iteration " << it;
    ASSERT_EQ(r.bytes, bytes) << "iteration " << it;
    if (r.ok()) {
      ++ok;
      ASSERT_GE(emitted, 1u);
    } else {
      ++refused;
      ASSERT_EQ(emitted, 0u) << "iteration " << it;
    }
    frames += emitted;
  }
  std::printf("[ fuzz     ] %d packets: %zu sent as %zu frames (%zu fully verified), %zu refused\n", kIterations, ok,
              frames, verified, refused);
  for (size_t i = 1; i < 32; ++i)
    if (by_error[i]) std::printf("[ fuzz     ]   %6zu %s\n", by_error[i], tx_offload_error_string(static_cast<TxOffloadError>(i)));
  EXPECT_GT(ok, size_t{kIterations / 10});
  EXPECT_GT(refused, size_t{kIterations / 10});
  EXPECT_GT(verified, size_t{kIterations / 20});
}


}  // namespace
}  // namespace x710
