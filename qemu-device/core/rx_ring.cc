#include "rx_ring.h"

#include <algorithm>

#include "guest_memory.h"

namespace x710 {

namespace {
// RX write-back qword1 fields (i40e_type.h I40E_RX_DESC_STATUS_* etc.).
constexpr uint64_t RXD_DD = 1ull << 0;
constexpr uint64_t RXD_EOF = 1ull << 1;
constexpr uint64_t RXD_L2TAG1P = 1ull << 2;
constexpr uint64_t RXD_L3L4P = 1ull << 3;
constexpr unsigned RXD_UMBCAST_SHIFT = 9;
constexpr unsigned RXD_FLTSTAT_SHIFT = 12;
constexpr uint64_t RXD_FLTSTAT_RSS_HASH = 3;
constexpr uint64_t RXD_ERR_IPE = 1ull << 22;
constexpr uint64_t RXD_ERR_L4E = 1ull << 23;
constexpr unsigned RXD_PTYPE_SHIFT = 30;
constexpr unsigned RXD_LENGTH_SHIFT = 38;
constexpr uint64_t RXD_LENGTH_MASK = 0x3FFF;
constexpr unsigned kMaxBuffersPerFrame = 5;  // the driver's rxmax is at most 5 buffers
// How far ahead in the descriptor cache the buffer to be written is named to
// the memory (prefetch_for_write): far enough for a cache line to arrive
// from DRAM while a few frames are placed, near enough to stay in L1.
constexpr size_t kPrefetchAhead = 4;

// Internal helpers, so that deliver() inlines them; the exported
// rx_writeback_qword0/1 below wrap them for tests.
uint64_t writeback_qword0(const RxFrameInfo& info) {
  uint64_t qw0 = 0;
  if (info.l2tag1_present) qw0 |= uint64_t{info.l2tag1} << 16;
  if (info.rss_valid) qw0 |= uint64_t{info.rss_hash} << 32;
  return qw0;
}

// Everything in qword1 but the length and EOF: the same for every buffer of
// a frame, so deliver() builds it once.
uint64_t writeback_status(const RxFrameInfo& info) {
  // Status, ptype and errors matter on the last buffer only, but hardware
  // repeats them, and so do we.
  uint64_t qw1 = RXD_DD;
  if (info.l2tag1_present) qw1 |= RXD_L2TAG1P;
  if (info.l3l4p) qw1 |= RXD_L3L4P;
  qw1 |= uint64_t{info.umbcast & 3u} << RXD_UMBCAST_SHIFT;
  if (info.rss_valid) qw1 |= RXD_FLTSTAT_RSS_HASH << RXD_FLTSTAT_SHIFT;
  if (info.ip_error) qw1 |= RXD_ERR_IPE;
  if (info.l4_error) qw1 |= RXD_ERR_L4E;
  qw1 |= uint64_t{info.ptype} << RXD_PTYPE_SHIFT;
  return qw1;
}

uint64_t writeback_qword1(uint64_t status, uint32_t length, bool eof) {
  // Length != 0 is the driver's "done" test (i40e_clean_rx_irq); DD is set
  // too (in status).
  return status | (uint64_t{length & RXD_LENGTH_MASK} << RXD_LENGTH_SHIFT) | (eof ? RXD_EOF : 0);
}
}  // namespace

uint64_t rx_writeback_qword0(const RxFrameInfo& info) { return writeback_qword0(info); }

uint64_t rx_writeback_qword1(const RxFrameInfo& info, uint32_t length, bool eof) {
  return writeback_qword1(writeback_status(info), length, eof);
}

void RxDescriptorCache::grow() {
  std::vector<RxDescriptorSlot> bigger(slots_.empty() ? 64 : 2 * slots_.size());
  for (size_t i = 0; i < count_; ++i) bigger[i] = slots_[(head_ + i) & (slots_.size() - 1)];
  slots_ = std::move(bigger);
  head_ = 0;
}

void RxRing::start(const RxQueueContext& ctx, uint32_t cache_depth) {
  ctx_ = ctx;
  cache_depth_ = std::max<uint32_t>(1, cache_depth);
  next_fetch_ = ctx.qlen ? ctx.head % ctx.qlen : 0;
  tail_ = next_fetch_;
  cache_.clear();
}

void RxRing::stop() { cache_.clear(); }

// inline: deliver() calls it for every frame.
inline bool RxRing::fill_cache(GuestMemory& memory) {
  const unsigned size = ctx_.descriptor_size();
  const uint32_t room = cache_.size() < cache_depth_ ? cache_depth_ - static_cast<uint32_t>(cache_.size()) : 0;
  const uint32_t count = std::min(room, posted());
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t pkt_addr = 0;
    // Only qword0 (the packet buffer) matters: with dtype 0 there is no
    // header buffer, and qword1 may hold a stale hdr_addr (spec 7.1).
    if (!memory.read(ctx_.base + uint64_t{next_fetch_} * size, &pkt_addr, sizeof pkt_addr)) return false;
    cache_.push_back({next_fetch_, pkt_addr});
    next_fetch_ = next_fetch_ + 1 == ctx_.qlen ? 0 : next_fetch_ + 1;
  }
  return true;
}

bool RxRing::fetch(GuestMemory& memory) { return fill_cache(memory); }

RxResult RxRing::deliver(GuestMemory& memory, std::span<const uint8_t> frame, const RxFrameInfo& info) {
  if (frame.size() > ctx_.rxmax) return RxResult::too_long;
  // A frame that fits one buffer (nearly all) needs no division.
  size_t buffers = 1;
  if (frame.size() > ctx_.dbuff) {
    if (ctx_.dbuff == 0) return RxResult::too_long;  // no context allows it; never divide by it
    buffers = (frame.size() + ctx_.dbuff - 1) / ctx_.dbuff;
  }
  if (buffers > kMaxBuffersPerFrame) return RxResult::too_long;
  if (cache_.size() < buffers && !fill_cache(memory)) return RxResult::dma_error;
  if (cache_.size() < buffers) return RxResult::no_descriptor;
  const unsigned size = ctx_.descriptor_size();
  const uint64_t qw0 = writeback_qword0(info);
  const uint64_t status = writeback_status(info);
  size_t offset = 0;
  for (size_t i = 0; i < buffers; ++i) {
    const RxDescriptorSlot slot = cache_.front();
    cache_.pop_front();
    const size_t chunk = std::min<size_t>(ctx_.dbuff, frame.size() - offset);
    // Data first, then the descriptor: the driver reads the buffer once it
    // sees the write-back.
    if (chunk > 0 && !memory.write(slot.pkt_addr, frame.data() + offset, chunk)) return RxResult::dma_error;
    offset += chunk;
    const bool eof = i + 1 == buffers;
    // qword1 (with the length the driver polls on) is stored last, after
    // qword0 and, for 32-byte descriptors, the extended qwords.
    const uint64_t slot_addr = ctx_.base + uint64_t{slot.index} * size;
    if (i == 0) {
      last_buffer_gpa_ = slot.pkt_addr;
      last_descriptor_gpa_ = slot_addr;
    }
    const uint64_t qw1 = writeback_qword1(status, static_cast<uint32_t>(chunk), eof);
    const uint64_t ext[2] = {0, 0};
    if (!memory.write(slot_addr, &qw0, sizeof qw0)) return RxResult::dma_error;
    if (size == 32 && !memory.write(slot_addr + 16, ext, sizeof ext)) return RxResult::dma_error;
    if (!memory.write(slot_addr + 8, &qw1, sizeof qw1)) return RxResult::dma_error;
  }
  // Keep the cache warm for the next frame, as the prefetcher would.
  if (!fill_cache(memory)) return RxResult::dma_error;
  if (cache_.size() > 0) {
    const size_t ahead = std::min(kPrefetchAhead, cache_.size() - 1);
    memory.prefetch_for_write(cache_.at(ahead).pkt_addr, std::min<size_t>(frame.size(), ctx_.dbuff));
  }
  return RxResult::delivered;
}

}  // namespace x710
