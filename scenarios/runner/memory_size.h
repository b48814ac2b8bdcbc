// --memory SIZE, as QEMU's -m reads it ("1G", "512M", "2048" meaning MiB). Parsed
// here because the same amount appears twice on QEMU's command line, once for -m
// (MiB) and once for the shared memory backend (bytes), and a bare number means
// different things to the two.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace x710 {

// Bytes, or nullopt if SIZE is not a whole number of MiB with an optional
// K/M/G/T suffix (optionally followed by B or iB).
std::optional<uint64_t> parse_memory_size(std::string_view size);

}  // namespace x710
