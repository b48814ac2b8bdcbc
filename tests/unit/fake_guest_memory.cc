#include "fake_guest_memory.h"

namespace x710::test {

bool FakeGuestMemory::read(uint64_t gpa, void* dst, size_t len) {
  if (!in_range(gpa, len)) return false;
  std::memcpy(dst, bytes_.data() + (gpa - base_), len);
  return true;
}

bool FakeGuestMemory::write(uint64_t gpa, const void* src, size_t len) {
  if (!in_range(gpa, len)) return false;
  std::memcpy(bytes_.data() + (gpa - base_), src, len);
  ++writes_;
  return true;
}

}  // namespace x710::test
