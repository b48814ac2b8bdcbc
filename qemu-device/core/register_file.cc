#include "register_file.h"

#include <algorithm>

namespace x710 {

namespace {
uint32_t block_end(const RegisterBlock& b) { return b.base + (b.count - 1) * b.stride + 4; }
}  // namespace

RegisterFile::RegisterFile() : words_(kSize / 4, 0) {}

bool RegisterFile::add(RegisterBlock block) {
  if (block.count == 0 || block.stride < 4 || block.base % 4 != 0 || block_end(block) > kSize) return false;
  // Strided blocks may interleave with others (PFINT_ITRN(k, i) is 2048k + 4i),
  // so overlap is checked element by element against the other blocks' ranges.
  for (uint32_t i = 0; i < block.count; ++i) {
    if (find(block.base + i * block.stride) != nullptr) return false;
  }
  auto pos = std::lower_bound(blocks_.begin(), blocks_.end(), block.base,
                              [](const RegisterBlock& b, uint32_t base) { return b.base < base; });
  blocks_.insert(pos, std::move(block));
  return true;
}

const RegisterBlock* RegisterFile::find(uint32_t offset, uint32_t* index) const {
  // Blocks are few (tens); the candidates are those starting at or before
  // offset. Walk back from the last such block: strided blocks can be long
  // and enclose others, so the nearest start is not always the owner.
  auto it = std::upper_bound(blocks_.begin(), blocks_.end(), offset,
                             [](uint32_t off, const RegisterBlock& b) { return off < b.base; });
  while (it != blocks_.begin()) {
    --it;
    const RegisterBlock& b = *it;
    if (offset < block_end(b)) {
      uint32_t delta = offset - b.base;
      if (delta % b.stride == 0) {
        if (index) *index = delta / b.stride;
        return &b;
      }
    }
  }
  return nullptr;
}

uint32_t RegisterFile::read(uint32_t offset) {
  if (offset % 4 != 0 || offset >= kSize) return 0;
  uint32_t& word = raw(offset);
  uint32_t index = 0;
  const RegisterBlock* b = find(offset, &index);
  if (!b) return word;
  uint32_t value = b->on_read ? b->on_read(index, word) : word;
  if (b->kind == RegKind::clear_on_read) word = 0;
  return value;
}

void RegisterFile::write(uint32_t offset, uint32_t value) {
  if (offset % 4 != 0 || offset >= kSize) return;
  uint32_t& word = raw(offset);
  uint32_t index = 0;
  const RegisterBlock* b = find(offset, &index);
  if (!b) {
    word = value;
    return;
  }
  uint32_t old = word;
  uint32_t next = value;
  switch (b->kind) {
    case RegKind::storage: next = value; break;
    case RegKind::read_only: next = old; break;
    case RegKind::write_1_clear: next = old & ~value; break;
    case RegKind::clear_on_read: next = old; break;  // written only by the device
  }
  word = b->on_write ? b->on_write(index, old, next) : next;
}

void RegisterFile::reset() {
  std::fill(words_.begin(), words_.end(), 0);
  for (const auto& b : blocks_) {
    for (uint32_t i = 0; i < b.count; ++i) words_[(b.base + i * b.stride) / 4] = b.reset_value;
  }
}

}  // namespace x710
