// The receive side of one LAN queue: the descriptor cache the hardware
// prefetches into, frame placement into the driver's buffers, and the
// write-back the driver reads (spec 7.1, 7.2; i40e_clean_rx_irq).
//
// The cache matters for the race this test bed reproduces: descriptors the
// queue has already fetched stay usable by the hardware whatever the driver
// does to the ring afterwards.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "queue_context.h"

namespace x710 {

class GuestMemory;

// What the packet path learned about a frame, for the write-back.
struct RxFrameInfo {
  uint8_t ptype = 0;       // i40e hardware packet type (i40e_ptype_lookup)
  bool l3l4p = false;      // L3/L4 integrity checked
  bool ip_error = false;   // IPE: bad IPv4 header checksum
  bool l4_error = false;   // L4E: bad TCP/UDP/SCTP checksum
  uint8_t umbcast = 0;     // 0 unicast, 1 multicast, 2 broadcast
  bool rss_valid = false;  // FLTSTAT = 3, hash in qword0 [63:32]
  uint32_t rss_hash = 0;
  bool l2tag1_present = false;  // VLAN tag stripped into L2TAG1
  uint16_t l2tag1 = 0;
};

enum class RxResult {
  delivered,
  no_descriptor,  // ring (and cache) empty: dropped, as hardware does
  too_long,       // longer than rxmax
  dma_error,      // a buffer or the ring is outside guest memory: queue stops
};

struct RxDescriptorSlot {
  uint32_t index;     // ring slot it was fetched from (write-back goes there)
  uint64_t pkt_addr;  // the driver's buffer
};

// The prefetched descriptors, oldest first: a FIFO in a power-of-two ring
// that only grows (to the cache depth) and is reused. A std::deque here
// allocated and freed a block every 32 frames on the receive path.
class RxDescriptorCache {
 public:
  size_t size() const { return count_; }
  const RxDescriptorSlot& front() const { return slots_[head_]; }
  // The i-th oldest; i < size().
  const RxDescriptorSlot& at(size_t i) const { return slots_[(head_ + i) & (slots_.size() - 1)]; }
  void pop_front() {
    head_ = (head_ + 1) & (slots_.size() - 1);
    --count_;
  }
  void push_back(const RxDescriptorSlot& slot) {
    if (count_ == slots_.size()) grow();
    slots_[(head_ + count_) & (slots_.size() - 1)] = slot;
    ++count_;
  }
  void clear() { head_ = count_ = 0; }

 private:
  void grow();

  std::vector<RxDescriptorSlot> slots_;  // size 0 or a power of two
  size_t head_ = 0;
  size_t count_ = 0;
};

class RxRing {
 public:
  void start(const RxQueueContext& ctx, uint32_t cache_depth);
  void stop();

  // The driver's tail (QRX_TAIL): descriptors [next_fetch, tail) are posted.
  void set_tail(uint32_t tail) { tail_ = ctx_.qlen ? tail % ctx_.qlen : 0; }
  // Prefetches up to the cache depth from the posted part of the ring.
  // False on a DMA error (ring outside guest memory).
  bool fetch(GuestMemory& memory);
  // Places one frame (no FCS) into cached descriptors and writes them back.
  RxResult deliver(GuestMemory& memory, std::span<const uint8_t> frame, const RxFrameInfo& info);

  size_t cached() const { return cache_.size(); }
  // Descriptors the queue can still fill: cached plus posted beyond the cache.
  uint32_t usable() const { return static_cast<uint32_t>(cache_.size()) + posted(); }
  uint32_t next_fetch() const { return next_fetch_; }
  // Where the last delivered frame went: its first buffer and its first
  // descriptor's write-back (the race monitor traces late writes by these).
  uint64_t last_buffer_gpa() const { return last_buffer_gpa_; }
  uint64_t last_descriptor_gpa() const { return last_descriptor_gpa_; }
  const RxQueueContext& context() const { return ctx_; }

 private:
  bool fill_cache(GuestMemory& memory);  // fetch(), inlined into deliver()
  // Descriptors the ring offers beyond what is cached. Both indices are
  // below qlen (set_tail, start and fetch keep them so): a compare instead of
  // a division on every frame.
  uint32_t posted() const {
    if (ctx_.qlen == 0) return 0;
    return tail_ >= next_fetch_ ? tail_ - next_fetch_ : tail_ + ctx_.qlen - next_fetch_;
  }

  RxQueueContext ctx_{};
  uint32_t cache_depth_ = 64;
  uint32_t tail_ = 0;
  uint32_t next_fetch_ = 0;  // first ring slot not yet fetched
  RxDescriptorCache cache_;
  uint64_t last_buffer_gpa_ = 0;
  uint64_t last_descriptor_gpa_ = 0;
};

// The write-back qword1 for one descriptor (exposed for tests and for the
// descriptor-format documentation in one place).
uint64_t rx_writeback_qword1(const RxFrameInfo& info, uint32_t length, bool eof);
uint64_t rx_writeback_qword0(const RxFrameInfo& info);

}  // namespace x710
