// Recognises kernel crash and memory-corruption reports on the guest's serial
// console (console.log) and titles them the way syzkaller does, e.g.
// "general protection fault in acct_collect". Pure logic: bytes in, reports out.
//
// The i40e race this test bed reproduces (the NIC keeps DMA-writing received
// frames into pages the guest already freed) shows up as any of: an oops in
// whatever code next uses the damaged memory (GPF, page fault, NULL pointer,
// kernel BUG, list corruption), or, with the debug options of
// shared/research/kernel-race.md section 4, a page-poisoning ("pagealloc:") or
// SLUB debug ("BUG <cache> (...): Poison overwritten") report.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace x710 {

struct CrashReport {
  std::string title;      // syzkaller style, e.g. "general protection fault in acct_collect"
  std::string kind;       // "gpf", "page-fault", "null-deref", "bug", "warning",
                          // "memory-corruption", "slab-corruption", "list-corruption",
                          // "bad-page", "stack-corruption", "panic", "oops"
  std::string excerpt;    // the report's lines (timestamps kept, \r removed), each
                          // ending in \n, from its first line to its end marker or
                          // at most kMaxReportLines lines
  size_t first_line = 0;  // 1-based line number in the console where it starts
};

struct OopsRule;  // one row of the table in crash_report.cc

// Streaming detector: feed the console bytes as they arrive, in any chunking,
// with \r\n or \n line ends.
class CrashDetector {
 public:
  static constexpr size_t kMaxReportLines = 80;
  static constexpr size_t kMaxLineLength = 4096;  // longer lines are cut

  void feed(std::string_view bytes);
  // End of the console: handles a last line without newline and closes an open
  // report (a report still waiting for its RIP line gets its title without " in FUNC").
  void finish();

  // The reports, in console order. A report shows up here as soon as its title is
  // known; for an oops the title may need the RIP or Call Trace lines after the
  // header, and until then the report is pending and not listed.
  const std::vector<CrashReport>& crashes() const { return crashes_; }
  // The first report has reached its end: "---[ end trace", "---[ end Kernel
  // panic", the end of its stack dump or its own last line, kMaxReportLines
  // lines, a new report, or finish().
  bool first_report_complete() const { return first_complete_; }
  // i40e "VSI seid N Rx ring M disable timeout" lines (also the Tx and XDP Tx
  // variants and the older "dissable" spelling): the race's trigger.
  size_t disable_timeouts() const { return disable_timeouts_; }

 private:
  // The report being collected; rule decides its title, kind and end.
  struct OpenReport {
    const OopsRule* rule = nullptr;
    CrashReport report;             // title holds the template until titled
    std::vector<std::string> captures;  // from the header line
    bool titled = false;            // listed in crashes_ (at index)
    size_t index = 0;
    size_t lines = 0;
    bool rip_seen = false;          // the first RIP line was looked at
    bool in_call_trace = false;
    bool saw_frame = false;         // a frame line after "Call Trace:"
  };

  void on_line(std::string_view line);
  bool try_start(std::string_view line, std::string_view body);
  void continue_report(std::string_view line, std::string_view body);
  void append(std::string_view line);
  void take_frame(std::string_view body);
  void give_title(std::string_view frame);
  void close_report();
  CrashReport& open_report();

  std::string partial_;
  size_t line_number_ = 0;
  std::optional<OpenReport> open_;
  std::vector<CrashReport> crashes_;
  size_t started_ = 0;  // reports started, titled or not
  bool first_complete_ = false;
  size_t disable_timeouts_ = 0;
};

// Whole-text convenience for tests and post-processing (feed + finish).
std::vector<CrashReport> detect_crashes(std::string_view console);

}  // namespace x710
