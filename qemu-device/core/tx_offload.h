// The X710's transmit offloads as a pure function of one packet: checksum
// insertion (IPv4 header, TCP, UDP, SCTP CRC32c), TCP and UDP segmentation
// (TSO, GSO_UDP_L4), VLAN tag insertion and padding to the Ethernet minimum.
//
// Input: the bytes of one packet as the data descriptors gathered them (all
// buffers up to EOP, concatenated), the CMD/OFFSET/L2TAG1 fields of its data
// descriptors, the optional context descriptor before them (spec 7.3, 7.4)
// and the three TCP flag masks of GLLAN_TSOMSK_F/M/L. Output: the wire
// frames, FCS not included, handed one at a time to a callback. Nothing is
// allocated per packet once the scratch buffer has grown to the largest frame.
//
// What the Linux driver hands us (drv 6.1/6.12 i40e_txrx.c, identical here):
//  - i40e_tx_map writes the same CMD (except EOP/RS on the last), OFFSET and
//    L2TAG1 into every data descriptor of a packet; the first one's fields
//    are the ones used.
//  - i40e_tx_enable_csum: MACLEN (2-byte units) = bytes before the IP header
//    (the outer one for tunnels), IPLEN (4-byte units) = IP header with IPv6
//    extension headers (the inner one for tunnels), L4LEN (4-byte units) =
//    TCP doff, 2 for UDP, 3 for SCTP. IIPT is IPV4 without TSO (the stack's
//    IP checksum is already right) and IPV4_CSUM with TSO.
//  - CHECKSUM_PARTIAL: the TCP/UDP checksum field holds the folded, not
//    complemented, pseudo-header sum including the L4 length.
//  - i40e_tso: IPv4 tot_len and check zeroed (IPv6 payload_len zeroed), for
//    the inner and the outer IP header; the L4 checksum field holds the
//    pseudo-header sum WITHOUT the length (csum_replace_by_diff of the length);
//    TSO_LEN = bytes after the headers, MSS = gso_size (>= 64:
//    i40e_features_check drops GSO below that).
//  - i40e_open writes GLLAN_TSOMSK_F = PSH|FIN (0x009), _M = PSH|FIN|CWR
//    (0x089), _L = CWR (0x080). Those values only make sense as "flags to
//    clear" in that segment (as a keep-mask they would strip ACK from every
//    segment); that is how they are applied here: flags &= ~mask.
//  - A single-segment TSO packet is both the first and the last segment: a
//    flag is cleared only if both the F and the L mask clear it, so with the
//    driver's masks the flags go out unchanged, as software GSO would send
//    them (no FIN lost, no CWR lost).
//
// Not acted on here: EOP/RS (the queue's business), ICRC (the output never
// carries an FCS), DUMMY (FDIR programming packets, for the queue to drop),
// TSYN (no timestamps), the switch bits. IL2TAG2 is inserted as an outer
// 802.1ad tag in front of the L2TAG1 one: an assumption, since the driver
// never requests it (cd_l2tag2 is always 0 in i40e_xmit_frame_ring). The
// tunnel fields (EXT_IP, EXT_IPLEN, NATT, NATLEN, L4T_CS) locate the inner
// headers; with TSO the outer IPv4 length, ID and (EXT_IP IPV4) checksum,
// the outer IPv6 payload length and the outer UDP length are redone per
// segment, and the outer UDP checksum too when L4T_CS asks for it (the
// driver sets that bit only on X722; on the X710 it uses GSO_PARTIAL).
//
// A packet the hardware would flag as a malicious-driver event (lengths that
// do not fit the frame, MSS out of range, ...) produces an error and no frame
// at all; nothing here reads or writes outside the input or the scratch
// buffer, and nothing throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace x710 {

// Data descriptor qword1 (cmd_type_offset_bsz) fields, spec 7.3.
namespace txd {
inline constexpr unsigned kCmdShift = 4;  // CMD [13:4]
inline constexpr uint64_t kCmdMask = 0x3FF;
inline constexpr unsigned kOffsetShift = 16;  // OFFSET [33:16]
inline constexpr uint64_t kOffsetMask = 0x3FFFF;
inline constexpr unsigned kL2Tag1Shift = 48;  // L2TAG1 [63:48]

inline constexpr uint16_t kCmdEop = 0x001;
inline constexpr uint16_t kCmdRs = 0x002;
inline constexpr uint16_t kCmdIcrc = 0x004;
inline constexpr uint16_t kCmdIl2tag1 = 0x008;
inline constexpr uint16_t kCmdDummy = 0x010;
inline constexpr uint16_t kCmdIiptMask = 0x060;
inline constexpr uint16_t kCmdIiptNonIp = 0x000;
inline constexpr uint16_t kCmdIiptIpv6 = 0x020;
inline constexpr uint16_t kCmdIiptIpv4 = 0x040;
inline constexpr uint16_t kCmdIiptIpv4Csum = 0x060;
inline constexpr uint16_t kCmdFcoet = 0x080;
inline constexpr uint16_t kCmdL4tMask = 0x300;
inline constexpr uint16_t kCmdL4tNone = 0x000;
inline constexpr uint16_t kCmdL4tTcp = 0x100;
inline constexpr uint16_t kCmdL4tSctp = 0x200;
inline constexpr uint16_t kCmdL4tUdp = 0x300;

// OFFSET subfields.
inline constexpr unsigned kMaclenShift = 0;  // 7 bits, 2-byte units
inline constexpr unsigned kIplenShift = 7;   // 7 bits, 4-byte units
inline constexpr unsigned kL4lenShift = 14;  // 4 bits, 4-byte units

// Context descriptor qword1 (type_cmd_tso_mss), spec 7.4.
inline constexpr unsigned kCtxCmdShift = 4;
inline constexpr uint64_t kCtxCmdTso = 0x01;
inline constexpr uint64_t kCtxCmdTsyn = 0x02;
inline constexpr uint64_t kCtxCmdIl2tag2 = 0x04;
inline constexpr unsigned kCtxTsoLenShift = 30;  // 18 bits
inline constexpr uint64_t kCtxTsoLenMask = 0x3FFFF;
inline constexpr unsigned kCtxMssShift = 50;  // 14 bits
inline constexpr uint64_t kCtxMssMask = 0x3FFF;

// Context descriptor qword0 [31:0] (tunneling params).
inline constexpr uint32_t kTunExtIpMask = 0x3;  // EXT_IP [1:0]
inline constexpr uint32_t kTunExtIpNone = 0x0;
inline constexpr uint32_t kTunExtIpIpv6 = 0x1;
inline constexpr uint32_t kTunExtIpIpv4NoCsum = 0x2;
inline constexpr uint32_t kTunExtIpIpv4 = 0x3;
inline constexpr unsigned kTunExtIplenShift = 2;  // 7 bits, 4-byte units
inline constexpr unsigned kTunNattShift = 9;      // 2 bits: 0 none, 1 UDP, 2 GRE
inline constexpr uint32_t kTunNattUdp = 1;
inline constexpr uint32_t kTunNattGre = 2;
inline constexpr unsigned kTunNatlenShift = 12;  // 7 bits, 2-byte units
inline constexpr uint32_t kTunL4tCs = 1u << 23;  // offload the outer UDP checksum
}  // namespace txd

// What the descriptors of one packet ask for.
struct TxOffloadRequest {
  uint16_t cmd = 0;     // data descriptor CMD (qword1 [13:4]) of the first data descriptor
  uint32_t offset = 0;  // data descriptor OFFSET (qword1 [33:16])
  uint16_t l2tag1 = 0;  // data descriptor L2TAG1 (qword1 [63:48]), inserted with IL2TAG1
  bool has_context = false;
  uint32_t tunneling = 0;  // context qword0 [31:0]
  uint16_t l2tag2 = 0;     // context qword0 [47:32], inserted with IL2TAG2
  uint64_t ctx_qw1 = 0;    // context qword1 (type_cmd_tso_mss)

  // From the raw qword1 of the first data descriptor and the packet's context
  // descriptor (both qwords, little-endian already decoded), if it had one.
  static TxOffloadRequest from_descriptors(uint64_t data_qw1, const uint64_t* context_qw = nullptr);

  bool tso() const { return has_context && ((ctx_qw1 >> txd::kCtxCmdShift) & txd::kCtxCmdTso); }
  uint32_t tso_len() const { return static_cast<uint32_t>((ctx_qw1 >> txd::kCtxTsoLenShift) & txd::kCtxTsoLenMask); }
  uint32_t mss() const { return static_cast<uint32_t>((ctx_qw1 >> txd::kCtxMssShift) & txd::kCtxMssMask); }
  uint32_t maclen_bytes() const { return ((offset >> txd::kMaclenShift) & 0x7F) * 2; }
  uint32_t iplen_bytes() const { return ((offset >> txd::kIplenShift) & 0x7F) * 4; }
  uint32_t l4len_bytes() const { return ((offset >> txd::kL4lenShift) & 0xF) * 4; }
};

// GLLAN_TSOMSK_F/M/L [11:0]: TCP flags (byte 13 of the header, plus NS and the
// reserved bits of byte 12 as bits 8..11) cleared in the first, middle and
// last segment of a TSO packet.
struct TsoFlagMasks {
  static constexpr uint32_t kRegFirst = 0x000442D8;   // GLLAN_TSOMSK_F
  static constexpr uint32_t kRegMiddle = 0x000442DC;  // GLLAN_TSOMSK_M
  static constexpr uint32_t kRegLast = 0x000442E0;    // GLLAN_TSOMSK_L
  static constexpr uint16_t kMask = 0x0FFF;

  uint16_t first = 0;
  uint16_t middle = 0;
  uint16_t last = 0;

  // What i40e_open writes (6.1 and 6.12): F = PSH|FIN, M = PSH|FIN|CWR, L = CWR.
  static constexpr TsoFlagMasks linux_i40e() { return {0x009, 0x089, 0x080}; }
};

// Why a packet was refused. The hardware would raise a malicious-driver event
// and send nothing; the caller logs the reason and drops the packet.
enum class TxOffloadError : uint8_t {
  none = 0,
  frame_too_short,       // under 17 bytes (I40E_MIN_TX_LEN: the hardware cannot send it)
  frame_too_long,        // a non-TSO frame over the maximum frame size
  maclen_too_short,      // an offload needs the IP header, MACLEN is under an Ethernet header (or 0)
  iplen_invalid,         // IPLEN 0 or shorter than the IP header of the IIPT type
  l4len_invalid,         // L4LEN shorter than the L4 header of the L4T type
  headers_beyond_frame,  // MACLEN + IPLEN + L4LEN (or the tunnel lengths) run past the frame
  l4_without_ip,         // an L4 checksum or TSO on IIPT "non-IP"
  ip_version_mismatch,   // IIPT (or EXT_IP) says IPv4/IPv6 and the header's version disagrees
  fcoe_requested,        // FCOET: FCoE offload is not modelled (the driver never sets it)
  tso_bad_l4,            // TSO with L4T other than TCP or UDP
  tso_bad_mss,           // MSS under 64, or headers + MSS over the maximum frame size
  tso_len_mismatch,      // TSO_LEN is 0 or not the frame length minus the headers
  tunnel_invalid,        // EXT_IPLEN/NATLEN/tunnel type inconsistent with the frame
};

const char* tx_offload_error_string(TxOffloadError e);

struct TxOffloadResult {
  TxOffloadError error = TxOffloadError::none;
  uint32_t frames = 0;  // frames handed to the callback
  uint64_t bytes = 0;   // their total length (after tag insertion and padding)

  bool ok() const { return error == TxOffloadError::none; }
  const char* reason() const { return tx_offload_error_string(error); }
};

// A non-owning reference to "void(std::span<const uint8_t> frame)". Valid
// while the callable it was made from lives (pass it straight to process()).
class TxFrameCallback {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, TxFrameCallback>>>
  TxFrameCallback(F&& f)  // NOLINT(google-explicit-constructor)
      : obj_(const_cast<void*>(static_cast<const void*>(&f))), call_(&invoke<std::remove_reference_t<F>>) {}

  void operator()(std::span<const uint8_t> frame) const { call_(obj_, frame); }

 private:
  template <typename F>
  static void invoke(void* obj, std::span<const uint8_t> frame) {
    (*static_cast<F*>(obj))(frame);
  }
  void* obj_;
  void (*call_)(void*, std::span<const uint8_t>);
};

class TxOffload {
 public:
  static constexpr size_t kMinDriverFrame = 17;   // I40E_MIN_TX_LEN
  static constexpr size_t kMinWireFrame = 60;     // Ethernet minimum without FCS
  static constexpr size_t kMaxFrame = 9728;       // I40E_MAX_RXBUFFER: largest frame / TSO segment
  static constexpr uint32_t kMinMss = 64;         // i40e_features_check
  static constexpr uint16_t kTpidCtag = 0x8100;   // L2TAG1
  static constexpr uint16_t kTpidStag = 0x88A8;   // L2TAG2 (assumed; the driver never inserts it)

  TxOffload();

  // Applies the offloads the descriptors ask for to `frame` and hands every
  // resulting wire frame to `emit`, in order. The frame bytes are not
  // modified. On error nothing is emitted.
  TxOffloadResult process(std::span<const uint8_t> frame, const TxOffloadRequest& req, const TsoFlagMasks& masks,
                          TxFrameCallback emit);

 private:
  std::vector<uint8_t> scratch_;
};

}  // namespace x710
