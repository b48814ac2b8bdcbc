#include "control_port.h"

#include <charconv>
#include <utility>

#include "base64.h"

namespace x710 {

namespace {

// A marker line longer than this is not one of ours: give it back as output
// instead of holding an unbounded amount of the command's output.
constexpr size_t kMaxMarkerLine = 4096;

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) words.push_back(s.substr(i, j - i));
    i = j;
  }
  return words;
}

bool parse_int(std::string_view s, int& value) {
  if (s.empty()) return false;
  auto [end, err] = std::from_chars(s.data(), s.data() + s.size(), value);
  return err == std::errc() && end == s.data() + s.size();
}

}  // namespace

ControlEvent parse_marker_line(std::string_view line) {
  ControlEvent ev;
  ev.kind = ControlEvent::Kind::unknown;
  ev.text = std::string(line);
  const auto words = split_words(line);
  if (words.empty()) return ev;
  const std::string_view verb = words[0];
  if (verb == "HELLO" && (words.size() == 2 || words.size() == 3)) {
    ev.kind = ControlEvent::Kind::hello;
    ev.text = std::string(words[1]);
    ev.netif = words.size() == 3 ? std::string(words[2]) : "none";
  } else if (verb == "INFO") {
    ev.kind = ControlEvent::Kind::info;
    // The text is everything after "INFO ", spaces kept.
    const size_t at = line.find("INFO") + 4;
    ev.text = std::string(line.substr(at < line.size() ? at + 1 : line.size()));
  } else if (verb == "EXIT" && words.size() == 2 && parse_int(words[1], ev.status)) {
    ev.kind = ControlEvent::Kind::exit;
    ev.text.clear();
  }
  return ev;
}

std::vector<ControlEvent> ControlPortParser::feed(std::string_view bytes) {
  for (char c : bytes) take(c);
  flush_output();
  return std::exchange(events_, {});
}

std::vector<ControlEvent> ControlPortParser::finish() {
  if (in_marker_) {
    // The guest vanished mid-marker: if the line is complete enough, honour it
    // (an EXIT without its newline is still an EXIT), else it was output.
    end_marker_line();
  }
  for (char c : std::exchange(held_prefix_, {})) out_ += c;
  if (held_cr_) out_ += '\r';
  held_cr_ = false;
  flush_output();
  return std::exchange(events_, {});
}

void ControlPortParser::take(char c) {
  if (in_marker_) {
    if (c == '\n') {
      end_marker_line();
    } else {
      marker_line_ += c;
      if (marker_line_.size() > kMaxMarkerLine) {
        // Not a marker after all: replay it as output.
        in_marker_ = false;
        const std::string replay = std::string(kMarker) + std::exchange(marker_line_, {});
        for (char r : replay) plain(r);
      }
    }
    return;
  }
  // Does the tail of what we hold, plus c, still begin the marker? Bytes that
  // can no longer begin it are output; "@@@X710 " needs this sliding check.
  held_prefix_ += c;
  size_t drop = 0;
  while (drop < held_prefix_.size() &&
         !kMarker.starts_with(std::string_view(held_prefix_).substr(drop))) {
    ++drop;
  }
  for (size_t i = 0; i < drop; ++i) plain(held_prefix_[i]);
  held_prefix_.erase(0, drop);
  if (held_prefix_.size() == kMarker.size()) {
    held_prefix_.clear();
    if (held_cr_) out_ += '\r';  // a lone '\r' before a marker is output
    held_cr_ = false;
    in_marker_ = true;
    marker_line_.clear();
  }
}

void ControlPortParser::plain(char c) {
  if (strip_cr_) {
    if (held_cr_) {
      held_cr_ = false;
      if (c != '\n') out_ += '\r';
    }
    if (c == '\r') {
      held_cr_ = true;
      return;
    }
  }
  out_ += c;
}

void ControlPortParser::end_marker_line() {
  in_marker_ = false;
  std::string line = std::exchange(marker_line_, {});
  if (!line.empty() && line.back() == '\r') line.pop_back();
  flush_output();
  events_.push_back(parse_marker_line(line));
}

void ControlPortParser::flush_output() {
  if (out_.empty()) return;
  ControlEvent ev;
  ev.kind = ControlEvent::Kind::output;
  ev.text = std::exchange(out_, {});
  events_.push_back(std::move(ev));
}

std::string run_line(int boot_index, std::string_view command) {
  return std::string(kMarker) + "RUN " + std::to_string(boot_index) + " " +
         base64_encode(command) + "\n";
}

std::string shell_line(int boot_index) {
  return std::string(kMarker) + "SHELL " + std::to_string(boot_index) + "\n";
}

}  // namespace x710
