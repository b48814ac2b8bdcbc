// Packs queue-context fields the way the driver's i40e_write_*_ctx helpers
// do (little endian, LSB first), independently of the device's decoder.
#pragma once

#include <cstddef>
#include <cstdint>

namespace x710::test {

inline void pack_bits(uint8_t* bytes, unsigned lsb, unsigned width, uint64_t value) {
  for (unsigned i = 0; i < width; ++i) {
    const unsigned bit = lsb + i;
    if ((value >> i) & 1) bytes[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
  }
}

}  // namespace x710::test
