// Base64 (RFC 4648, with padding): how the launcher ships a shell command to the
// guest on one protocol line, whatever quotes, newlines or bytes it contains.
#pragma once

#include <string>
#include <string_view>

namespace x710 {

std::string base64_encode(std::string_view bytes);

}  // namespace x710
