// BAR0 as a table of register blocks (offset range, stride, semantics, hooks)
// over flat storage. Anything not in the table is plain storage: the driver
// writes many registers it only expects to read back (spec section 3.1, end).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace x710 {

enum class RegKind {
  storage,        // reads back what was written
  read_only,      // guest writes ignored; the device sets the value with raw()
  write_1_clear,  // guest writes 1 to clear bits
  clear_on_read,  // reading returns the value and clears it (PFINT_ICR0)
};

struct RegisterBlock {
  std::string name;
  uint32_t base = 0;
  uint32_t count = 1;
  uint32_t stride = 4;
  RegKind kind = RegKind::storage;
  uint32_t reset_value = 0;
  // Called for a guest read; gets the stored value, returns what the guest sees.
  std::function<uint32_t(uint32_t index, uint32_t stored)> on_read;
  // Called for a guest write after the kind's rule produced `next` from `old`;
  // returns the value to store. Side effects (reset, doorbells) go here.
  std::function<uint32_t(uint32_t index, uint32_t old, uint32_t next)> on_write;
};

class RegisterFile {
 public:
  static constexpr uint32_t kSize = 8u << 20;  // BAR0: 8 MiB, as on a real X710

  RegisterFile();

  // Blocks must not overlap; add() rejects (returns false) an overlapping one.
  bool add(RegisterBlock block);

  // Guest accesses. Offsets are byte offsets; unaligned or out-of-range
  // accesses read 0 / are ignored (the transport logs them).
  uint32_t read(uint32_t offset);
  void write(uint32_t offset, uint32_t value);

  // Device-internal access, no hooks, no semantics.
  uint32_t& raw(uint32_t offset) { return words_[(offset % kSize) / 4]; }
  uint32_t raw_value(uint32_t offset) const { return words_[(offset % kSize) / 4]; }

  // Power-on state: all storage zero, then each block's reset value.
  void reset();

  // The block covering `offset` and the element index within it, or nullptr.
  const RegisterBlock* find(uint32_t offset, uint32_t* index = nullptr) const;

 private:
  std::vector<uint32_t> words_;
  std::vector<RegisterBlock> blocks_;  // sorted by base
};

}  // namespace x710
