// Quoting for printing command lines (--dry-run, -v) so that they can be pasted
// into a shell as they are. The launcher itself never runs a shell.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace x710 {

std::string shell_quote(std::string_view word);
std::string shell_join(const std::vector<std::string>& argv);

}  // namespace x710
