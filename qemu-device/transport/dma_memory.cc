#include "dma_memory.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "log.h"

namespace x710 {

void DmaMemory::add_region(uint64_t iova, uint64_t length, void* vaddr) {
  if (vaddr == nullptr) {
    // QEMU also announces ROM areas (0xc0000, the BIOS) without a file; no
    // driver DMA goes there. RAM without one means the VM was started without
    // share=on, and every DMA will then fail with its own log line.
    X710_LOG(info, "DMA region 0x%llx (+0x%llx) comes without shared memory; device DMA there will fail%s",
             static_cast<unsigned long long>(iova), static_cast<unsigned long long>(length),
             warned_unmapped_ ? "" : " (guest RAM must be memory-backend-memfd,share=on)");
    warned_unmapped_ = true;
    return;
  }
  Region r{iova, length, static_cast<uint8_t*>(vaddr)};
  auto pos = std::lower_bound(regions_.begin(), regions_.end(), iova,
                              [](const Region& a, uint64_t v) { return a.iova < v; });
  regions_.insert(pos, r);
  X710_LOG(debug, "DMA region 0x%llx +0x%llx mapped", static_cast<unsigned long long>(iova),
           static_cast<unsigned long long>(length));
}

void DmaMemory::remove_region(uint64_t iova) {
  std::erase_if(regions_, [iova](const Region& r) { return r.iova == iova; });
}

uint8_t* DmaMemory::host_pointer(uint64_t gpa, size_t len) {
  auto it = std::upper_bound(regions_.begin(), regions_.end(), gpa,
                             [](uint64_t v, const Region& a) { return v < a.iova; });
  if (it == regions_.begin()) return nullptr;
  --it;
  const uint64_t off = gpa - it->iova;
  if (off >= it->length || len > it->length - off) return nullptr;
  return it->vaddr + off;
}

bool DmaMemory::read(uint64_t gpa, void* dst, size_t len) {
  if (len == 0) return true;
  uint8_t* p = host_pointer(gpa, len);
  if (!p) return false;
  std::memcpy(dst, p, len);
  // Descriptor reads must not be satisfied before the guest's stores that
  // preceded its doorbell write; the doorbell arrives over a socket, so a
  // compiler barrier is what remains to keep.
  std::atomic_thread_fence(std::memory_order_acquire);
  return true;
}

bool DmaMemory::write(uint64_t gpa, const void* src, size_t len) {
  if (len == 0) return true;
  uint8_t* p = host_pointer(gpa, len);
  if (!p) return false;
  std::atomic_thread_fence(std::memory_order_release);
  std::memcpy(p, src, len);
  return true;
}

void DmaMemory::prefetch_for_write(uint64_t gpa, size_t len) {
  // Only addresses that resolve: a hint must not touch unmapped memory.
  // At most the first two cache lines, which is all a small frame needs.
  uint8_t* p = host_pointer(gpa, len);
  if (!p) return;
  __builtin_prefetch(p, 1, 3);
  if (len > 64) __builtin_prefetch(p + 64, 1, 3);
}

}  // namespace x710
