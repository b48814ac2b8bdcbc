// Receive-side scaling as the X710 PF does it (spec 4.8; drv:i40e_pf_config_rss,
// i40e_config_rss_reg): if PFQF_HENA enables the frame's packet classifier
// type, a Toeplitz hash over that type's input set (addresses, then ports,
// in network byte order) indexes the PF lookup table PFQF_HLUT, whose entry
// is the receive queue. The hash goes into the write-back with FLTSTAT = 3.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "packet_parse.h"

namespace x710 {

class RegisterFile;

// I40E_HKEY_ARRAY_SIZE: PFQF_HKEY(0..12), key byte 4i + j in bits [8j+7:8j]
// of HKEY(i), because the driver stores its u8 seed[] through a u32 pointer.
inline constexpr size_t kRssKeySize = 52;
// I40E_HLUT_ARRAY_SIZE: PFQF_HLUT(0..127), entry 4i + j in bits [8j+7:8j].
inline constexpr size_t kRssLutEntries = 512;

// Reference Toeplitz hash, one input bit at a time: input bit i (most
// significant bit of byte 0 first) selects the 32 key bits starting at key
// bit i. Key bits past the 52 bytes count as zero (inputs over 48 bytes).
uint32_t toeplitz_hash(std::span<const uint8_t, kRssKeySize> key, std::span<const uint8_t> input);

// The same hash from per-key tables: for each input byte position, the XOR
// of key windows selected by each of the 256 byte values. One lookup per
// input byte instead of eight shifts and XORs.
class ToeplitzTable {
 public:
  static constexpr size_t kMaxInput = 36;  // IPv6 source + destination + ports

  void build(std::span<const uint8_t, kRssKeySize> key);
  // input.size() <= kMaxInput; longer inputs are cut there. Inline: the
  // receive path calls it with the constant lengths of Rss::hash_input.
  uint32_t hash(std::span<const uint8_t> input) const {
    switch (input.size()) {
      case 12: return hash_fixed<12>(input.data());  // IPv4 with ports
      case 8: return hash_fixed<8>(input.data());    // IPv4 other, fragments
      case 36: return hash_fixed<36>(input.data());  // IPv6 with ports
      case 32: return hash_fixed<32>(input.data());  // IPv6 other, fragments
      case 2: return hash_fixed<2>(input.data());    // L2 payload: the ethertype
      default: break;
    }
    const size_t n = input.size() < kMaxInput ? input.size() : kMaxInput;
    uint32_t h = 0;
    for (size_t i = 0; i < n; ++i) h ^= table_[i][input[i]];
    return h;
  }

 private:
  // A length known at compile time unrolls into independent lookups.
  template <size_t N>
  uint32_t hash_fixed(const uint8_t* input) const {
    static_assert(N <= kMaxInput);
    uint32_t h = 0;
#pragma GCC unroll 36
    for (size_t i = 0; i < N; ++i) h ^= table_[i][input[i]];
    return h;
  }

  uint32_t table_[kMaxInput][256] = {};
};

class Rss {
 public:
  // PFQF_CTL_0.HASHLUTSIZE: 0 = 128 entries, 1 = 512 (set by i40e_pf_config_rss
  // when the RSS capability reports a 512-entry table).
  static constexpr uint32_t kCtl0HashLutSize512 = 1u << 16;
  // LUT entries are 6 bits wide: the RSS capability's entry width
  // (rss_table_entry_width = 6, rss_size_max = 64).
  static constexpr uint8_t kLutEntryMask = 0x3F;

  // 8 bytes, so it comes back in one register (a 12-byte layout cost a
  // store-forwarding stall per frame).
  struct Result {
    uint32_t hash = 0;
    // The LUT entry: a queue index within the PF's LAN VSI. Unhashed frames
    // go to queue 0. The caller still has to drop or redirect entries
    // beyond the enabled queues.
    uint16_t queue = 0;
    bool hashed = false;  // FLTSTAT = 3 and the hash in qword0 [63:32]
  };

  // Reads PFQF_HENA, PFQF_CTL_0, PFQF_HKEY and PFQF_HLUT from the register
  // file on every classify (device-side reads, no hooks): the driver writes
  // them by MMIO and by admin command 0x0207 and never tells us.
  explicit Rss(const RegisterFile& regs);

  // Not thread-safe: the key table is rebuilt lazily when PFQF_HKEY changes.
  // One Rss per receive thread.
  Result classify(const ParsedPacket& pkt) const;

  // The bytes the hardware hashes for the frame's pctype (default input sets,
  // GLQF_HASH_INSET not modelled): IP source, IP destination, then for
  // TCP/UDP/SCTP source and destination port; the ethertype for L2 payload.
  // Returns the length written into buf.
  static size_t hash_input(const ParsedPacket& pkt, std::span<uint8_t, ToeplitzTable::kMaxInput> buf);

 private:
  // The key in PFQF_HKEY differs from the one table_ was built from.
  bool key_changed() const;
  void rebuild_key_table() const;

  const RegisterFile& regs_;
  mutable std::array<uint32_t, kRssKeySize / 4> key_words_{};
  mutable bool key_valid_ = false;
  std::unique_ptr<ToeplitzTable> table_;  // 36 KiB: kept off the Device object
};

}  // namespace x710
