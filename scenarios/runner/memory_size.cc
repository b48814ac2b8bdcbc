#include "memory_size.h"

#include <cctype>
#include <charconv>

namespace x710 {

std::optional<uint64_t> parse_memory_size(std::string_view size) {
  uint64_t number = 0;
  auto [end, err] = std::from_chars(size.data(), size.data() + size.size(), number);
  if (err != std::errc() || end == size.data() || number == 0) return std::nullopt;
  std::string_view suffix(end, size.data() + size.size() - end);

  uint64_t unit = 1ull << 20;  // a bare number is MiB, as for QEMU's -m
  if (!suffix.empty()) {
    switch (std::toupper(static_cast<unsigned char>(suffix[0]))) {
      case 'K': unit = 1ull << 10; break;
      case 'M': unit = 1ull << 20; break;
      case 'G': unit = 1ull << 30; break;
      case 'T': unit = 1ull << 40; break;
      default: return std::nullopt;
    }
    suffix.remove_prefix(1);
    if (suffix == "B" || suffix == "b" || suffix == "iB" || suffix == "ib") suffix = {};
    if (!suffix.empty()) return std::nullopt;
  }
  if (number > (UINT64_MAX >> 1) / unit) return std::nullopt;
  const uint64_t bytes = number * unit;
  // -m takes MiB; refuse what it cannot express rather than round silently.
  if (bytes % (1ull << 20) != 0) return std::nullopt;
  return bytes;
}

}  // namespace x710
