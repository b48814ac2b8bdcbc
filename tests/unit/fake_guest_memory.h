// Guest memory for unit tests: one flat range [base, base + size). Reads and
// writes outside it fail, like unmapped DMA does in the real transport.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "guest_memory.h"
#include "msix_sink.h"

namespace x710::test {

class FakeGuestMemory : public GuestMemory {
 public:
  FakeGuestMemory(uint64_t base, size_t size) : base_(base), bytes_(size, 0) {}
  bool read(uint64_t gpa, void* dst, size_t len) override;
  bool write(uint64_t gpa, const void* src, size_t len) override;
  // Recorded, never acted on: tests check what the receive path names.
  void prefetch_for_write(uint64_t gpa, size_t len) override { prefetches.push_back({gpa, len}); }
  struct Prefetch {
    uint64_t gpa;
    size_t len;
  };
  std::vector<Prefetch> prefetches;

  template <typename T>
  T get(uint64_t gpa) {
    T v{};
    read(gpa, &v, sizeof v);
    return v;
  }
  template <typename T>
  void put(uint64_t gpa, const T& v) {
    write(gpa, &v, sizeof v);
  }
  uint64_t base() const { return base_; }
  size_t size() const { return bytes_.size(); }
  uint64_t writes() const { return writes_; }

 private:
  bool in_range(uint64_t gpa, size_t len) const {
    return gpa >= base_ && len <= bytes_.size() && gpa - base_ <= bytes_.size() - len;
  }
  uint64_t base_;
  std::vector<uint8_t> bytes_;
  uint64_t writes_ = 0;
};

class RecordingMsix : public MsixSink {
 public:
  void raise(unsigned vector) override { vectors.push_back(vector); }
  std::vector<unsigned> vectors;
};

}  // namespace x710::test
