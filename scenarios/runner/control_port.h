// The guest's control port (its ttyS1): what the guest's init says and what the
// launcher answers. Pure logic, no I/O, so it is unit tested byte by byte.
//
// Guest -> host, each on its own line, starting with the marker "@@X710 ":
//   @@X710 HELLO <kernel-release> <netif-or-none>   init is up, waiting for orders
//   @@X710 INFO <text>                              a message from init
//   @@X710 EXIT <status>                            the command finished
// Host -> guest, one line answering each HELLO:
//   @@X710 RUN <boot-index> <base64(command)>       run this shell command
//   @@X710 SHELL <boot-index>                       start an interactive shell
// Every other byte from the guest is the command's output.
//
// The marker is recognised anywhere, not only at the start of a line: a command
// whose output does not end in a newline (`printf foo`) is directly followed by
// "@@X710 EXIT 0", and that must still end the run instead of waiting for the
// timeout. Bytes that might begin a marker are held back until the next byte tells;
// everything else is passed on as soon as it arrives (no line buffering), so the
// user sees output live.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace x710 {

inline constexpr std::string_view kMarker = "@@X710 ";

struct ControlEvent {
  enum class Kind {
    output,   // text: bytes of the command's output (or the shell's)
    hello,    // text: kernel release; netif: network interface or "none"
    info,     // text: message from init
    exit,     // status: the command's exit status
    unknown,  // text: a marker line with a verb or arguments we do not know
  };
  Kind kind = Kind::output;
  std::string text;
  std::string netif;
  int status = 0;

  bool operator==(const ControlEvent&) const = default;
};

class ControlPortParser {
 public:
  // strip_cr: drop a '\r' that comes right before '\n' in the output (guest ttys
  // in cooked mode send "\r\n"). Interactive shells want the '\r' kept, because the
  // local terminal is in raw mode and needs it.
  explicit ControlPortParser(bool strip_cr = true) : strip_cr_(strip_cr) {}
  void set_strip_cr(bool on) { strip_cr_ = on; }

  // Consume bytes as they arrive; returns the events they complete, in order.
  std::vector<ControlEvent> feed(std::string_view bytes);
  // The guest is gone: whatever was held back is output after all.
  std::vector<ControlEvent> finish();

 private:
  void take(char c);
  void plain(char c);
  void end_marker_line();
  void flush_output();

  bool strip_cr_;
  std::string held_prefix_;   // trailing bytes that match the start of kMarker
  bool held_cr_ = false;      // a '\r' waiting to see if '\n' follows
  bool in_marker_ = false;    // saw the whole marker, collecting its line
  std::string marker_line_;   // the line after the marker, up to '\n'
  std::string out_;           // output collected during one feed()
  std::vector<ControlEvent> events_;
};

// Parses the text after "@@X710 " (no newline). Never fails: bad lines are
// Kind::unknown.
ControlEvent parse_marker_line(std::string_view line);

// Host -> guest lines, newline included.
std::string run_line(int boot_index, std::string_view command);
std::string shell_line(int boot_index);

}  // namespace x710
