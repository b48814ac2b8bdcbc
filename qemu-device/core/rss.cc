#include "rss.h"

#include <cstring>

#include "register_file.h"
#include "registers.h"

namespace x710 {

namespace {

constexpr uint32_t kRegStride = 128;  // PFQF_HKEY(i), PFQF_HLUT(i), PFQF_HENA(i)

// The 32 key bits starting at key bit `bit` (bit 0 = MSB of key[0]).
uint32_t key_window(std::span<const uint8_t, kRssKeySize> key, size_t bit) {
  const size_t byte = bit / 8;
  uint64_t v = 0;
  for (size_t k = 0; k < 8; ++k) v = v << 8 | (byte + k < kRssKeySize ? key[byte + k] : 0u);
  return static_cast<uint32_t>(v >> (32 - bit % 8));
}

}  // namespace

uint32_t toeplitz_hash(std::span<const uint8_t, kRssKeySize> key, std::span<const uint8_t> input) {
  uint32_t result = 0;
  for (size_t i = 0; i < input.size() * 8; ++i) {
    if (input[i / 8] & (0x80u >> (i % 8))) result ^= key_window(key, i);
  }
  return result;
}

void ToeplitzTable::build(std::span<const uint8_t, kRssKeySize> key) {
  for (size_t pos = 0; pos < kMaxInput; ++pos) {
    uint32_t* row = table_[pos];
    row[0] = 0;
    // Each value is a smaller value plus its lowest set bit, which is input
    // bit 8 * pos + (7 - lowest).
    for (unsigned v = 1; v < 256; ++v) {
      const unsigned lowest = static_cast<unsigned>(__builtin_ctz(v));
      row[v] = row[v & (v - 1)] ^ key_window(key, 8 * pos + 7 - lowest);
    }
  }
}

Rss::Rss(const RegisterFile& regs) : regs_(regs), table_(std::make_unique<ToeplitzTable>()) {}

namespace {
// Rss::hash_input's body, kept inline-able so that in classify() each case's
// constant length picks its unrolled ToeplitzTable::hash_fixed.
inline size_t input_set(const ParsedPacket& pkt, uint8_t* out) {
  // Fixed-size copies per case: this runs for every received frame.
  switch (pkt.pctype) {
    case pctype::NONF_IPV4_UDP:
    case pctype::NONF_IPV4_TCP:
    case pctype::NONF_IPV4_SCTP:
      std::memcpy(out, pkt.src_addr, 4);
      std::memcpy(out + 4, pkt.dst_addr, 4);
      std::memcpy(out + 8, pkt.ports, 4);
      return 12;
    case pctype::NONF_IPV4_OTHER:
    case pctype::FRAG_IPV4:
      std::memcpy(out, pkt.src_addr, 4);
      std::memcpy(out + 4, pkt.dst_addr, 4);
      return 8;
    case pctype::NONF_IPV6_UDP:
    case pctype::NONF_IPV6_TCP:
    case pctype::NONF_IPV6_SCTP:
      std::memcpy(out, pkt.src_addr, 16);
      std::memcpy(out + 16, pkt.dst_addr, 16);
      std::memcpy(out + 32, pkt.ports, 4);
      return 36;
    case pctype::NONF_IPV6_OTHER:
    case pctype::FRAG_IPV6:
      std::memcpy(out, pkt.src_addr, 16);
      std::memcpy(out + 16, pkt.dst_addr, 16);
      return 32;
    default:  // L2 payload: the last ethertype
      out[0] = static_cast<uint8_t>(pkt.ethertype >> 8);
      out[1] = static_cast<uint8_t>(pkt.ethertype);
      return 2;
  }
}
}  // namespace

size_t Rss::hash_input(const ParsedPacket& pkt, std::span<uint8_t, ToeplitzTable::kMaxInput> buf) {
  return input_set(pkt, buf.data());
}

// inline: classify() calls it for every frame.
inline bool Rss::key_changed() const {
  // Compare-on-use: 13 register reads per frame are cheaper than a hook the
  // register map would have to wire up, and cannot miss a raw() write (nor a
  // register file reset). One branch on the OR of all differences.
  uint32_t changed = key_valid_ ? 0 : 1;
#pragma GCC unroll 13
  for (size_t i = 0; i < key_words_.size(); ++i) {
    changed |= regs_.raw_value(reg::PFQF_HKEY + kRegStride * static_cast<uint32_t>(i)) ^ key_words_[i];
  }
  return changed != 0;
}

void Rss::rebuild_key_table() const {
  for (size_t i = 0; i < key_words_.size(); ++i) {
    key_words_[i] = regs_.raw_value(reg::PFQF_HKEY + kRegStride * static_cast<uint32_t>(i));
  }
  std::array<uint8_t, kRssKeySize> key;
  for (size_t i = 0; i < kRssKeySize; ++i) key[i] = static_cast<uint8_t>(key_words_[i / 4] >> (8 * (i % 4)));
  table_->build(key);
  key_valid_ = true;
}

Rss::Result Rss::classify(const ParsedPacket& pkt) const {
  const uint64_t hena = regs_.raw_value(reg::PFQF_HENA) |
                        static_cast<uint64_t>(regs_.raw_value(reg::PFQF_HENA + kRegStride)) << 32;
  if (pkt.pctype >= 64 || !((hena >> pkt.pctype) & 1)) return {};

  if (key_changed()) [[unlikely]] rebuild_key_table();
  std::array<uint8_t, ToeplitzTable::kMaxInput> input;
  const size_t len = input_set(pkt, input.data());
  const uint32_t hash = table_->hash({input.data(), len});

  const uint32_t lut_size = (regs_.raw_value(reg::PFQF_CTL_0) & kCtl0HashLutSize512) ? 512 : 128;
  const uint32_t index = hash & (lut_size - 1);
  const uint32_t word = regs_.raw_value(reg::PFQF_HLUT + kRegStride * (index / 4));
  const auto queue = static_cast<uint16_t>((word >> (8 * (index % 4))) & kLutEntryMask);
  return {.hash = hash, .queue = queue, .hashed = true};
}

}  // namespace x710
