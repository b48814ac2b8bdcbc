// Guest RAM as QEMU shares it with us: each VFIO_USER_DMA_MAP region arrives
// with a file descriptor libvfio-user maps into our address space, so DMA is a
// bounds-checked memcpy. This is why the VM needs memory-backend-memfd with
// share=on.
#pragma once

#include <cstdint>
#include <vector>

#include "guest_memory.h"

namespace x710 {

class DmaMemory : public GuestMemory {
 public:
  void add_region(uint64_t iova, uint64_t length, void* vaddr);
  void remove_region(uint64_t iova);
  bool read(uint64_t gpa, void* dst, size_t len) override;
  bool write(uint64_t gpa, const void* src, size_t len) override;
  void prefetch_for_write(uint64_t gpa, size_t len) override;
  size_t region_count() const { return regions_.size(); }

 private:
  struct Region {
    uint64_t iova;
    uint64_t length;
    uint8_t* vaddr;
  };
  // Host pointer for [gpa, gpa+len) if it lies in one region, else nullptr.
  uint8_t* host_pointer(uint64_t gpa, size_t len);
  std::vector<Region> regions_;  // sorted by iova
  bool warned_unmapped_ = false;
};

}  // namespace x710
