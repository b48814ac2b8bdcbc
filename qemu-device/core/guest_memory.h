// Guest physical memory as the device sees it through DMA. The core only uses
// this interface, so unit tests run against FakeGuestMemory and the vfio-user
// transport supplies the real mapping.
#pragma once

#include <cstddef>
#include <cstdint>

namespace x710 {

class GuestMemory {
 public:
  virtual ~GuestMemory() = default;
  // Both fail (return false, touch nothing) when any byte of [gpa, gpa+len) is
  // outside memory the guest has mapped for DMA. Guest-supplied addresses are
  // untrusted: callers log and fail the operation on false.
  virtual bool read(uint64_t gpa, void* dst, size_t len) = 0;
  virtual bool write(uint64_t gpa, const void* src, size_t len) = 0;
  // A hint that [gpa, gpa+len) will be written soon (the receive path names
  // the buffer of a descriptor a few frames ahead). Under a flood nearly every
  // buffer the driver posts is cold in the cache; a store that misses holds
  // up every later load that has to wait for the store queue, which showed as
  // half of each frame's time. Ignoring the hint is always correct.
  virtual void prefetch_for_write(uint64_t gpa, size_t len) {
    (void)gpa;
    (void)len;
  }
};

}  // namespace x710
