// The traffic generator inside the device: minimum-size UDP frames like the
// field report's (1.1.1.3 -> 1.1.100.201, 64 bytes on the wire), at a chosen
// rate, over many flows so RSS spreads them. Every frame carries a signature
// and a sequence number, so bytes later found in guest memory (a corrupted
// kernel object) can be traced to the exact frame and moment.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace x710 {

struct FloodConfig {
  uint64_t pps = 0;          // frames per second; 0 = as fast as descriptors allow
  uint32_t frame_size = 60;  // bytes without FCS (64 on the wire); 60..9018
  uint32_t flows = 64;       // distinct source ports, consecutive from src_port
  std::array<uint8_t, 6> src_mac{0x00, 0x90, 0x0b, 0xca, 0x7d, 0x7d};
  std::array<uint8_t, 4> src_ip{1, 1, 1, 3};
  std::array<uint8_t, 4> dst_ip{1, 1, 100, 201};
  uint16_t src_port = 39660;
  uint16_t dst_port = 80;

  // Empty when usable; otherwise which setting is wrong and why.
  std::string problem() const;
};

// Payload layout after the UDP header (little endian): magic, sequence
// number, flow. A 60-byte frame has 18 payload bytes; these take 16.
inline constexpr uint32_t kFloodMagic = 0x3031'3778;  // "x710" in memory order
struct FloodSignature {
  uint32_t magic;
  uint64_t sequence;
  uint32_t flow;
} __attribute__((packed));
static_assert(sizeof(FloodSignature) == 16);

class FloodGenerator {
 public:
  // `first_sequence`: where numbering starts, so a flood reshaped at run time
  // (another size or flow count) keeps its sequence numbers unique.
  FloodGenerator(const FloodConfig& config, const std::array<uint8_t, 6>& dst_mac, uint64_t first_sequence = 0);

  // Builds the next frame (flows round-robin) into an internal buffer that
  // stays valid until the next call; IPv4 and UDP checksums are correct.
  std::span<const uint8_t> next();
  uint64_t sequence() const { return sequence_; }
  const FloodConfig& config() const { return config_; }
  std::array<uint8_t, 6> dst_mac() const;

  // Finds a flood frame signature in a byte range (for tracing corruption).
  static bool find_signature(std::span<const uint8_t> bytes, FloodSignature& out, size_t& offset);

 private:
  FloodConfig config_;
  std::vector<uint8_t> frame_;
  uint64_t sequence_ = 0;
  uint32_t flow_ = 0;
  uint32_t udp_sum_base_ = 0;  // UDP checksum over everything but the varying fields
};

// How many frames are due at time `now_ns` for a rate of `pps`: a token
// bucket that never owes more than `max_burst` (so a stalled event loop does
// not release a flood of catch-up frames).
class FloodPacer {
 public:
  void reset(uint64_t pps, uint64_t now_ns);
  uint64_t due(uint64_t now_ns, uint64_t max_burst);

 private:
  uint64_t pps_ = 0;
  uint64_t last_ns_ = 0;
  unsigned __int128 credit_ = 0;  // frames * 1e9, to keep fractions
};

}  // namespace x710
