#include "tx_offload.h"

#include <cstring>

#include "byte_order.h"
#include "checksum.h"
#include "packet_parse.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace x710 {

namespace {

// ---- Internet checksum (checksum.h), in the native domain ----

// Copies n bytes from src to dst (unless kCopy is false) and returns their
// native-domain partial sum: one pass over the source for a TSO payload.
// The SSE2 loop takes whole 64-byte blocks; the rest, and everything
// without SSE2, goes through the shared inet_sum_native. kCopy false is a
// plain sum that keeps the vector loop for long L4 regions.
template <bool kCopy>
uint64_t copy_sum(uint8_t* dst, const uint8_t* src, size_t n) {
  uint64_t acc = 0;
#if defined(__SSE2__)
  // 32-bit words zero-extended into 64-bit lanes: no overflow to care about.
  const __m128i z = _mm_setzero_si128();
  __m128i a0 = z, a1 = z, a2 = z, a3 = z;
  while (n >= 64) {
    const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16));
    const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 32));
    const __m128i v3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 48));
    if constexpr (kCopy) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), v0);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16), v1);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 32), v2);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 48), v3);
      dst += 64;
    }
    a0 = _mm_add_epi64(a0, _mm_add_epi64(_mm_unpacklo_epi32(v0, z), _mm_unpackhi_epi32(v0, z)));
    a1 = _mm_add_epi64(a1, _mm_add_epi64(_mm_unpacklo_epi32(v1, z), _mm_unpackhi_epi32(v1, z)));
    a2 = _mm_add_epi64(a2, _mm_add_epi64(_mm_unpacklo_epi32(v2, z), _mm_unpackhi_epi32(v2, z)));
    a3 = _mm_add_epi64(a3, _mm_add_epi64(_mm_unpacklo_epi32(v3, z), _mm_unpackhi_epi32(v3, z)));
    src += 64;
    n -= 64;
  }
  const __m128i t = _mm_add_epi64(_mm_add_epi64(a0, a1), _mm_add_epi64(a2, a3));
  uint64_t lanes[2];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(lanes), t);
  acc = lanes[0] + lanes[1];
#endif
  if constexpr (kCopy) std::memcpy(dst, src, n);
  return inet_sum_native(src, n, acc);
}

// Stores ~fold(sum) at p (network order). UDP: a result of 0 goes out as
// 0xFFFF (0 means "no checksum", RFC 768).
void store_checksum(uint8_t* p, uint64_t sum, bool udp) {
  uint16_t c = inet_fold_complement(sum);
  if (udp && c == 0) c = 0xFFFF;
  std::memcpy(p, &c, sizeof c);
}

void ipv4_header_checksum(uint8_t* ip, size_t len) {
  ip[10] = 0;
  ip[11] = 0;
  store_checksum(ip + 10, inet_sum_native(ip, len), false);
}

// ---- CRC32c (Castagnoli, reflected polynomial 0x82F63B78), slicing by 8 ----

// ---- the packet layout the descriptors describe ----

struct Layout {
  bool offloads = false;  // anything beyond tags and padding
  // Outer IP header of a tunnel (context EXT_IP != 0).
  bool tunnel = false;
  uint32_t oip_off = 0, oip_len = 0;
  bool oip_v4 = false, oip_csum = false;
  bool oudp = false;  // UDP tunnel: the outer UDP header starts right after the outer IP header
  uint32_t oudp_off = 0;
  bool oudp_csum = false;  // L4T_CS
  // The (inner) IP header IIPT/IPLEN describe.
  bool ip = false;
  uint32_t ip_off = 0, ip_len = 0;
  bool ip_v4 = false, ip_csum = false;
  // The (inner) L4 header L4T/L4LEN describe.
  uint16_t l4t = txd::kCmdL4tNone;
  uint32_t l4_off = 0, l4_len = 0;
  // TSO
  bool tso = false;
  uint32_t hdr_len = 0, mss = 0, tso_len = 0;
};

bool ip_version_is(const uint8_t* frame, uint32_t off, bool v4) { return (frame[off] >> 4) == (v4 ? 4 : 6); }

TxOffloadError describe(std::span<const uint8_t> frame, const TxOffloadRequest& req, Layout& L) {
  const size_t size = frame.size();
  if (size < TxOffload::kMinDriverFrame) return TxOffloadError::frame_too_short;
  if (req.cmd & txd::kCmdFcoet) return TxOffloadError::fcoe_requested;

  const uint16_t iipt = req.cmd & txd::kCmdIiptMask;
  const uint16_t l4t = req.cmd & txd::kCmdL4tMask;
  const uint32_t ext_ip = req.has_context ? (req.tunneling & txd::kTunExtIpMask) : txd::kTunExtIpNone;
  L.tso = req.tso();
  L.offloads = iipt != txd::kCmdIiptNonIp || l4t != txd::kCmdL4tNone || L.tso || ext_ip != txd::kTunExtIpNone;
  if (!L.offloads) return size > TxOffload::kMaxFrame ? TxOffloadError::frame_too_long : TxOffloadError::none;

  // Every offload locates the IP header through MACLEN; VLAN insertion goes
  // after the MAC addresses, so it must at least span an Ethernet header.
  const uint32_t maclen = req.maclen_bytes();
  if (maclen < 14) return TxOffloadError::maclen_too_short;

  uint32_t ip_off = maclen;
  if (ext_ip != txd::kTunExtIpNone) {
    L.tunnel = true;
    L.oip_off = maclen;
    L.oip_len = ((req.tunneling >> txd::kTunExtIplenShift) & 0x7F) * 4;
    L.oip_v4 = ext_ip == txd::kTunExtIpIpv4 || ext_ip == txd::kTunExtIpIpv4NoCsum;
    L.oip_csum = ext_ip == txd::kTunExtIpIpv4;
    const uint32_t natt = (req.tunneling >> txd::kTunNattShift) & 0x3;
    const uint32_t natlen = ((req.tunneling >> txd::kTunNatlenShift) & 0x7F) * 2;
    if (L.oip_len < (L.oip_v4 ? 20u : 40u)) return TxOffloadError::tunnel_invalid;
    if (natt == 3) return TxOffloadError::tunnel_invalid;
    if (natt == txd::kTunNattUdp && natlen < 8) return TxOffloadError::tunnel_invalid;
    if (natt == txd::kTunNattGre && natlen < 4) return TxOffloadError::tunnel_invalid;
    L.oudp = natt == txd::kTunNattUdp;
    L.oudp_off = L.oip_off + L.oip_len;
    L.oudp_csum = L.oudp && (req.tunneling & txd::kTunL4tCs);
    ip_off = L.oip_off + L.oip_len + natlen;
    if (size_t{L.oip_off} + L.oip_len + natlen > size) return TxOffloadError::headers_beyond_frame;
    if (!ip_version_is(frame.data(), L.oip_off, L.oip_v4)) return TxOffloadError::ip_version_mismatch;
  }

  if (iipt == txd::kCmdIiptNonIp) {
    if (l4t != txd::kCmdL4tNone || L.tso) return TxOffloadError::l4_without_ip;
  } else {
    L.ip = true;
    L.ip_off = ip_off;
    L.ip_len = req.iplen_bytes();
    L.ip_v4 = iipt != txd::kCmdIiptIpv6;
    L.ip_csum = iipt == txd::kCmdIiptIpv4Csum;
    if (L.ip_len < (L.ip_v4 ? 20u : 40u)) return TxOffloadError::iplen_invalid;
    if (size_t{L.ip_off} + L.ip_len > size) return TxOffloadError::headers_beyond_frame;
    if (!ip_version_is(frame.data(), L.ip_off, L.ip_v4)) return TxOffloadError::ip_version_mismatch;
  }

  L.l4t = l4t;
  if (l4t != txd::kCmdL4tNone) {
    L.l4_off = L.ip_off + L.ip_len;
    L.l4_len = req.l4len_bytes();
    const uint32_t min_l4 = l4t == txd::kCmdL4tTcp ? 20 : l4t == txd::kCmdL4tUdp ? 8 : 12;
    if (L.l4_len < min_l4) return TxOffloadError::l4len_invalid;
    if (size_t{L.l4_off} + L.l4_len > size) return TxOffloadError::headers_beyond_frame;
  }

  if (!L.tso) return size > TxOffload::kMaxFrame ? TxOffloadError::frame_too_long : TxOffloadError::none;

  if (l4t != txd::kCmdL4tTcp && l4t != txd::kCmdL4tUdp) return TxOffloadError::tso_bad_l4;
  L.hdr_len = L.l4_off + L.l4_len;
  L.mss = req.mss();
  L.tso_len = req.tso_len();
  if (L.mss < TxOffload::kMinMss || size_t{L.hdr_len} + L.mss > TxOffload::kMaxFrame) return TxOffloadError::tso_bad_mss;
  if (L.tso_len == 0 || size_t{L.hdr_len} + L.tso_len != size) return TxOffloadError::tso_len_mismatch;
  return TxOffloadError::none;
}

// Checksum offsets inside the L4 header.
constexpr uint32_t kTcpCsum = 16;
constexpr uint32_t kUdpCsum = 6;
constexpr uint32_t kSctpCsum = 8;

// The checksums of one frame laid out as `L` says, `len` bytes at `f`
// (without inserted tags). With TSO the L4 (and outer UDP) checksum fields
// hold the pseudo-header sum without the length, which is added here.
// [tail_from, len) is already summed into tail_sum (tail_from == len: nothing
// is); tail_from sits at an even distance from every checksummed region.
void fill_checksums(uint8_t* f, size_t len, const Layout& L, size_t tail_from, uint64_t tail_sum) {
  if (L.l4t == txd::kCmdL4tSctp) {
    uint8_t* c = f + L.l4_off + kSctpCsum;
    std::memset(c, 0, 4);
    const uint32_t crc = crc32c(std::span<const uint8_t>(f + L.l4_off, len - L.l4_off));
    // Little-endian on the wire, as the kernel's sctp_compute_cksum stores it.
    c[0] = static_cast<uint8_t>(crc);
    c[1] = static_cast<uint8_t>(crc >> 8);
    c[2] = static_cast<uint8_t>(crc >> 16);
    c[3] = static_cast<uint8_t>(crc >> 24);
  } else if (L.l4t != txd::kCmdL4tNone) {
    const bool udp = L.l4t == txd::kCmdL4tUdp;
    const uint32_t l4_bytes = static_cast<uint32_t>(len - L.l4_off);
    uint64_t sum = copy_sum<false>(nullptr, f + L.l4_off, tail_from - L.l4_off) + tail_sum;
    if (L.tso) sum += inet_be16_native(l4_bytes);
    store_checksum(f + L.l4_off + (udp ? kUdpCsum : kTcpCsum), sum, udp);
  }
  if (L.ip && L.ip_v4 && L.ip_csum) ipv4_header_checksum(f + L.ip_off, L.ip_len);
  if (L.oudp_csum) {
    // Covers the inner headers, so it comes after them.
    const uint32_t bytes = static_cast<uint32_t>(len - L.oudp_off);
    uint64_t sum = copy_sum<false>(nullptr, f + L.oudp_off, tail_from - L.oudp_off) + tail_sum;
    if (L.tso) sum += inet_be16_native(bytes);
    store_checksum(f + L.oudp_off + kUdpCsum, sum, true);
  }
  if (L.tunnel && L.oip_v4 && L.oip_csum) ipv4_header_checksum(f + L.oip_off, L.oip_len);
}

}  // namespace

const char* tx_offload_error_string(TxOffloadError e) {
  switch (e) {
    case TxOffloadError::none: return "ok";
    case TxOffloadError::frame_too_short: return "frame shorter than 17 bytes";
    case TxOffloadError::frame_too_long: return "frame longer than the maximum frame size";
    case TxOffloadError::maclen_too_short: return "MACLEN shorter than an Ethernet header";
    case TxOffloadError::iplen_invalid: return "IPLEN shorter than the IP header";
    case TxOffloadError::l4len_invalid: return "L4LEN shorter than the L4 header";
    case TxOffloadError::headers_beyond_frame: return "header lengths run past the end of the frame";
    case TxOffloadError::l4_without_ip: return "L4 checksum or TSO requested on a non-IP packet";
    case TxOffloadError::ip_version_mismatch: return "IP version in the frame disagrees with IIPT/EXT_IP";
    case TxOffloadError::fcoe_requested: return "FCoE offload requested";
    case TxOffloadError::tso_bad_l4: return "TSO requested for neither TCP nor UDP";
    case TxOffloadError::tso_bad_mss: return "TSO MSS out of range";
    case TxOffloadError::tso_len_mismatch: return "TSO_LEN disagrees with the frame length";
    case TxOffloadError::tunnel_invalid: return "invalid tunneling parameters";
  }
  return "unknown";
}

TxOffloadRequest TxOffloadRequest::from_descriptors(uint64_t data_qw1, const uint64_t* context_qw) {
  TxOffloadRequest r;
  r.cmd = static_cast<uint16_t>((data_qw1 >> txd::kCmdShift) & txd::kCmdMask);
  r.offset = static_cast<uint32_t>((data_qw1 >> txd::kOffsetShift) & txd::kOffsetMask);
  r.l2tag1 = static_cast<uint16_t>(data_qw1 >> txd::kL2Tag1Shift);
  if (context_qw) {
    r.has_context = true;
    r.tunneling = static_cast<uint32_t>(context_qw[0]);
    r.l2tag2 = static_cast<uint16_t>(context_qw[0] >> 32);
    r.ctx_qw1 = context_qw[1];
  }
  return r;
}

TxOffload::TxOffload() : scratch_(kMaxFrame + 8, 0) {}

TxOffloadResult TxOffload::process(std::span<const uint8_t> frame, const TxOffloadRequest& req,
                                   const TsoFlagMasks& masks, TxFrameCallback emit) {
  TxOffloadResult res;
  Layout L;
  res.error = describe(frame, req, L);
  if (!res.ok()) return res;

  // Tags go right after the destination and source MAC addresses: L2TAG2
  // (outer, S-tag) first when the context descriptor asks for it, then
  // L2TAG1 (802.1Q). Offsets in the descriptors are those of the frame
  // without them.
  uint8_t tag_bytes[8];
  size_t tags = 0;
  if (req.has_context && ((req.ctx_qw1 >> txd::kCtxCmdShift) & txd::kCtxCmdIl2tag2)) {
    store_be16(tag_bytes + tags, kTpidStag);
    store_be16(tag_bytes + tags + 2, req.l2tag2);
    tags += 4;
  }
  if (req.cmd & txd::kCmdIl2tag1) {
    store_be16(tag_bytes + tags, kTpidCtag);
    store_be16(tag_bytes + tags + 2, req.l2tag1);
    tags += 4;
  }

  uint8_t* const out = scratch_.data();
  uint8_t* const f = out + tags;  // the frame as the descriptors describe it
  const uint8_t* const in = frame.data();

  // Tags and padding, then out to the caller. f[0..12) are the MAC addresses
  // copied with the frame; they move in front of the tags.
  auto finish = [&](size_t len) {
    if (tags) {
      std::memcpy(out, in, 12);
      std::memcpy(out + 12, tag_bytes, tags);
    }
    size_t wire = len + tags;
    if (wire < kMinWireFrame) {
      std::memset(out + wire, 0, kMinWireFrame - wire);
      wire = kMinWireFrame;
    }
    ++res.frames;
    res.bytes += wire;
    emit(std::span<const uint8_t>(out, wire));
  };

  if (!L.tso) {
    std::memcpy(f, in, frame.size());
    if (L.offloads) fill_checksums(f, frame.size(), L, frame.size(), 0);
    finish(frame.size());
    return res;
  }

  // Segmentation. Every segment is the header template (the first hdr_len
  // bytes of the frame) followed by up to MSS bytes of payload.
  const uint32_t nseg = (L.tso_len + L.mss - 1) / L.mss;
  const bool tcp = L.l4t == txd::kCmdL4tTcp;
  const uint16_t ip_id = L.ip_v4 ? load_be16(in + L.ip_off + 4) : 0;
  const uint16_t oip_id = L.tunnel && L.oip_v4 ? load_be16(in + L.oip_off + 4) : 0;
  const uint32_t seq = tcp ? load_be32(in + L.l4_off + 4) : 0;
  const uint16_t flags = tcp ? static_cast<uint16_t>(((in[L.l4_off + 12] & 0x0F) << 8) | in[L.l4_off + 13]) : 0;
  const uint16_t clear_first = masks.first & TsoFlagMasks::kMask;
  const uint16_t clear_middle = masks.middle & TsoFlagMasks::kMask;
  const uint16_t clear_last = masks.last & TsoFlagMasks::kMask;

  for (uint32_t i = 0; i < nseg; ++i) {
    const uint32_t done = i * L.mss;
    const uint32_t pay = L.tso_len - done < L.mss ? L.tso_len - done : L.mss;
    const size_t len = size_t{L.hdr_len} + pay;
    std::memcpy(f, in, L.hdr_len);
    const uint64_t pay_sum = copy_sum<true>(f + L.hdr_len, in + L.hdr_len + done, pay);

    if (L.tunnel) {
      uint8_t* oip = f + L.oip_off;
      if (L.oip_v4) {
        store_be16(oip + 2, static_cast<uint32_t>(len - L.oip_off));
        store_be16(oip + 4, static_cast<uint16_t>(oip_id + i));
      } else {
        store_be16(oip + 4, static_cast<uint32_t>(len - L.oip_off - 40));
      }
      if (L.oudp) store_be16(f + L.oudp_off + 4, static_cast<uint32_t>(len - L.oudp_off));
    }
    uint8_t* ip = f + L.ip_off;
    if (L.ip_v4) {
      store_be16(ip + 2, static_cast<uint32_t>(len - L.ip_off));
      store_be16(ip + 4, static_cast<uint16_t>(ip_id + i));
    } else {
      store_be16(ip + 4, static_cast<uint32_t>(len - L.ip_off - 40));
    }
    uint8_t* l4 = f + L.l4_off;
    if (tcp) {
      store_be32(l4 + 4, seq + done);
      uint16_t clear;
      if (nseg == 1)
        clear = clear_first & clear_last;  // both first and last: only what both remove
      else if (i == 0)
        clear = clear_first;
      else if (i + 1 == nseg)
        clear = clear_last;
      else
        clear = clear_middle;
      const uint16_t fl = flags & static_cast<uint16_t>(~clear);
      l4[12] = static_cast<uint8_t>((l4[12] & 0xF0) | ((fl >> 8) & 0x0F));
      l4[13] = static_cast<uint8_t>(fl);
    } else {
      store_be16(l4 + 4, static_cast<uint32_t>(len - L.l4_off));
    }
    fill_checksums(f, len, L, L.hdr_len, pay_sum);
    finish(len);
  }
  return res;
}

}  // namespace x710
