// The Internet checksum (RFC 1071): the ones' complement sum of 16-bit
// words, for the receive parser's verdicts, the transmit checksum offload and
// the flood generator's frames.
//
// Header-only and always inlined: the parser calls these per received frame,
// mostly with a constant length (8- or 32-byte pseudo-header addresses, the
// 20-byte IPv4 header) that lets the loops unroll.
//
// Two value domains:
//  - native: the data summed as words in host byte order. The ones'
//    complement sum does not depend on byte order (RFC 1071 2.B), so a
//    folded native sum, stored in host order, is the checksum's bytes in
//    network order. No byte swap per word: this is what the fast paths use.
//  - network: 16-bit values as read from the wire (0x4500 for bytes 45 00),
//    which protocol constants and header fields are naturally written in.
// inet_be16_native() moves a network-domain value into the native domain.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace x710 {

namespace inet_detail {

inline constexpr bool kLittle = std::endian::native == std::endian::little;

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline uint16_t load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace inet_detail

// Native-domain partial sum of [p, p+n) added to `acc`, not folded. p must
// sit at an even offset of the checksummed region (the words pair up from
// its start); an odd n is padded with a zero byte (RFC 1071 4.1). 32-bit
// native words go into 64-bit accumulators: 2^16 == 1 (mod 2^16 - 1), so a
// 32-bit word counts as its two 16-bit halves and the carries are folded
// back once at the end; no carry is lost below 2^31 words. Four accumulators
// so the additions of a long region do not wait on one another.
[[gnu::always_inline]] inline uint64_t inet_sum_native(const uint8_t* p, size_t n, uint64_t acc = 0) {
  using namespace inet_detail;
  constexpr uint64_t lo = 0xFFFFFFFFull;
  uint64_t a0 = acc, a1 = 0, a2 = 0, a3 = 0;
  while (n >= 32) {
    const uint64_t w0 = load64(p), w1 = load64(p + 8), w2 = load64(p + 16), w3 = load64(p + 24);
    a0 += (w0 & lo) + (w0 >> 32);
    a1 += (w1 & lo) + (w1 >> 32);
    a2 += (w2 & lo) + (w2 >> 32);
    a3 += (w3 & lo) + (w3 >> 32);
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    const uint64_t w = load64(p);
    a0 += (w & lo) + (w >> 32);
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    a1 += load32(p);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    a2 += load16(p);
    p += 2;
    n -= 2;
  }
  if (n) a3 += kLittle ? uint64_t{p[0]} : uint64_t{p[0]} << 8;  // the byte is the high half of its word
  return a0 + a1 + a2 + a3;
}

// End-around carry: the 16-bit ones' complement sum of a partial sum of
// either domain (RFC 1071 "fold"). Not complemented. Any 64-bit value is
// accepted, so several partial sums may simply be added before folding.
[[gnu::always_inline]] inline uint16_t inet_fold(uint64_t s) {
  s = (s & 0xFFFFFFFFull) + (s >> 32);
  s = (s & 0xFFFFFFFFull) + (s >> 32);
  s = (s & 0xFFFF) + (s >> 16);
  s = (s & 0xFFFF) + (s >> 16);
  return static_cast<uint16_t>(s);
}

// A 16-bit field value in the network domain (a length, a protocol number)
// as the native word whose bytes in memory are its network-order encoding,
// for adding into a native sum. Only the low 16 bits of `v` count.
[[gnu::always_inline]] inline uint64_t inet_be16_native(uint32_t v) {
  const uint16_t x = static_cast<uint16_t>(v);
  return inet_detail::kLittle ? uint64_t{static_cast<uint16_t>((x >> 8) | (x << 8))} : uint64_t{x};
}

// Receiver's check (RFC 1071 1): data that includes its checksum field sums
// to all ones (-0) when the checksum is right.
[[gnu::always_inline]] inline bool inet_check_ok(uint64_t sum) { return inet_fold(sum) == 0xFFFF; }

// Network-domain sum of `data` added to `sum`: the 32-bit partial sum, not
// folded, for callers that add header fields as plain values.
[[gnu::always_inline]] inline uint32_t inet_sum(const uint8_t* data, size_t len, uint32_t sum = 0) {
  const uint16_t native = inet_fold(inet_sum_native(data, len));
  // The folded sum moves domains by swapping its bytes (RFC 1071 2.B), the
  // same swap inet_be16_native does the other way.
  const uint64_t s = uint64_t{sum} + inet_be16_native(native);
  return static_cast<uint32_t>((s & 0xFFFFFFFFull) + (s >> 32));
}

// Folded and complemented: the value a checksum field holds, in the domain
// the sum was taken in (RFC 1071 1: "the 1's complement of this sum").
[[gnu::always_inline]] inline uint16_t inet_fold_complement(uint64_t sum) {
  return static_cast<uint16_t>(~inet_fold(sum));
}

}  // namespace x710
