// Network-order (big-endian) fields in frames: guest data, so unaligned.
// Each access is one load or one store of the field's width, never a byte at
// a time: the receive parser and the checksum read headers back with wide
// loads, and a load that spans several pending narrower stores cannot be
// forwarded from them; it waits for the store queue to drain. The flood
// generator writes a frame's fields just before the receive path parses it,
// behind cold writes into guest memory: byte stores there cost a third of
// each frame's time (README, Benchmarks).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace x710 {

inline uint16_t load_be16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return std::endian::native == std::endian::little ? __builtin_bswap16(v) : v;
}

inline uint32_t load_be32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return std::endian::native == std::endian::little ? __builtin_bswap32(v) : v;
}

// Only the low 16 bits of `v` are stored.
inline void store_be16(uint8_t* p, uint32_t v) {
  uint16_t x = static_cast<uint16_t>(v);
  if constexpr (std::endian::native == std::endian::little) x = __builtin_bswap16(x);
  std::memcpy(p, &x, sizeof x);
}

inline void store_be32(uint8_t* p, uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  std::memcpy(p, &v, sizeof v);
}

}  // namespace x710
