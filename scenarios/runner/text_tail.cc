#include "text_tail.h"

#include <fstream>
#include <sstream>

namespace x710 {

std::string last_lines(std::string_view text, size_t count) {
  if (count == 0) return "";
  size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;  // a final newline ends a line, starts none
  size_t start = end;
  size_t lines = 0;
  while (start > 0) {
    if (text[start - 1] == '\n' && ++lines == count) break;
    --start;
  }
  return std::string(text.substr(start));
}

std::string file_tail(const std::string& path, size_t count) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  const std::streamoff size = in.tellg();
  const std::streamoff window = 1 << 20;
  in.seekg(size > window ? size - window : 0);
  std::ostringstream text;
  text << in.rdbuf();
  return last_lines(text.str(), count);
}

std::string with_log_tail(const std::string& message, const std::string& path, size_t count) {
  std::string tail = file_tail(path, count);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  if (tail.empty()) return message + " (" + path + " is empty)";
  return message + "; last lines of " + path + ":\n" + tail;
}

}  // namespace x710
