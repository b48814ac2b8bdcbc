#include "crash_report.h"

#include <algorithm>
#include <regex>
#include <utility>

namespace x710 {

namespace {

// Where the function named in a title comes from.
enum class FrameFrom {
  kNone,    // the title names no function
  kHeader,  // a capture of the header line; without it, as kOops
  kOops,    // the first "RIP:" line after the header, or, if that names a
            // skipped helper (or no symbol), the first real Call Trace frame
};

// Where a report ends (besides kMaxReportLines, a new report and finish()).
enum class EndsAt {
  kEndMarker,   // "---[ end trace" (oops_end/__warn) or "---[ end Kernel panic" (panic)
  kMarker,      // a line starting with OopsRule::end_marker, kept in the excerpt
  kStackEnd,    // the end of its dump_stack(): "</TASK>", or the first line after
                // the frames that is no stack line (kernels before 5.x have no <TASK>)
  kHeaderLine,  // the report is its header line alone
};

}  // namespace

// One row of the table: a console message and the title syzkaller gives it.
struct OopsRule {
  std::string_view header;   // fast substring test, before the regex
  std::string_view pattern;  // regex searched in the line body; captures go to title
  std::string_view title;    // "{1}".."{9}": captures, "{frame}": the function
  std::string_view kind;
  FrameFrom frame = FrameFrom::kNone;
  int frame_capture = 0;     // for FrameFrom::kHeader
  EndsAt ends = EndsAt::kEndMarker;
  std::string_view end_marker = {};
  // A fault with its own register dump: it may cut short an open report that is
  // only a dump_stack() (a SLUB or page-state report), but never an oops.
  bool fault = false;
  // Printed because of an earlier report (panic_on_oops, "Fatal exception",
  // panic_on_warn): starts a report only if none came before.
  bool consequence = false;
};

namespace {

// First match wins, so the specific rows come before the general ones.
const OopsRule kOopsRules[] = {
    // arch/x86/kernel/traps.c, exc_general_protection() -> die_addr(). 4.14:
    // "general protection fault: 0000 [#1] SMP NOPTI"; 5.x adds ", probably for
    // non-canonical address 0x...", 6.9+ prefixes "Oops: ". The error code keeps
    // userspace "traps: prog[1] general protection fault ip:..." out.
    {.header = "general protection fault",
     .pattern = R"(general protection fault(, [^:]*)?: [0-9a-f]{4} \[#\d+\])",
     .title = "general protection fault in {frame}", .kind = "gpf",
     .frame = FrameFrom::kOops, .fault = true},
    // arch/x86/mm/fault.c, show_fault_oops(), 5.x/6.x wording.
    {.header = "BUG: unable to handle page fault",
     .pattern = R"(BUG: unable to handle page fault for address)",
     .title = "BUG: unable to handle page fault in {frame}", .kind = "page-fault",
     .frame = FrameFrom::kOops, .fault = true},
    // Same place, 4.x wording (followed by an "IP: func+0x.." line).
    {.header = "BUG: unable to handle kernel paging request",
     .pattern = R"(BUG: unable to handle kernel paging request)",
     .title = "BUG: unable to handle page fault in {frame}", .kind = "page-fault",
     .frame = FrameFrom::kOops, .fault = true},
    // show_fault_oops() for an address below PAGE_SIZE, 5.x/6.x wording.
    {.header = "BUG: kernel NULL pointer dereference",
     .pattern = R"(BUG: kernel NULL pointer dereference)",
     .title = "BUG: kernel NULL pointer dereference in {frame}", .kind = "null-deref",
     .frame = FrameFrom::kOops, .fault = true},
    // Same, 4.x wording.
    {.header = "BUG: unable to handle kernel NULL pointer dereference",
     .pattern = R"(BUG: unable to handle kernel NULL pointer dereference)",
     .title = "BUG: kernel NULL pointer dereference in {frame}", .kind = "null-deref",
     .frame = FrameFrom::kOops, .fault = true},
    // mm/pgtable-generic.c, pgd_clear_bad()/p4d_clear_bad()/pud_clear_bad()/
    // pmd_clear_bad(): a page-table entry with impossible bits, found while
    // walking (zap, fork); the kernel clears it and goes on, one line only.
    {.header = "mm/pgtable-generic.c",
     .pattern = R"(mm/pgtable-generic\.c:\d+: bad (pgd|p4d|pud|pmd))",
     .title = "BUG: bad {1} entry", .kind = "page-table-corruption",
     .ends = EndsAt::kHeaderLine},
    // arch/x86/kernel/traps.c, exc_double_fault(): "traps: PANIC: double fault,
    // error_code: 0x0", then die() and panic("Machine halted."). A kernel stack
    // overflow, or a fault whose handler faults again on damaged page tables.
    {.header = "PANIC: double fault",
     .pattern = R"(PANIC: double fault)",
     .title = "PANIC: double fault in {frame}", .kind = "double-fault",
     .frame = FrameFrom::kOops, .fault = true},
    // arch/x86/mm/fault.c, pgtable_bad(): a page table entry with reserved bits
    // set, "sh: Corrupted page table at address 7ffe..." then the walk and
    // "Bad pagetable: 000a [#1]" with the registers. Late DMA into a page that
    // became a page table shows up exactly like this.
    {.header = "Corrupted page table at address",
     .pattern = R"(Corrupted page table at address [0-9a-f]+)",
     .title = "Bad pagetable in {frame}", .kind = "page-table-corruption",
     .frame = FrameFrom::kOops, .fault = true},
    // lib/list_debug.c, __list_add_valid()/__list_del_entry_valid() (CONFIG_DEBUG_LIST):
    // the message comes before the BUG (BUG_ON_DATA_CORRUPTION) or WARNING it raises.
    {.header = "corruption",
     .pattern = R"(\blist_(add|del) corruption[.,])",
     .title = "BUG: corrupted list in {frame}", .kind = "list-corruption",
     .frame = FrameFrom::kOops, .fault = true},
    // Same checker when its message line was lost.
    {.header = "kernel BUG at lib/list_debug.c",
     .pattern = R"(kernel BUG at lib/list_debug\.c)",
     .title = "BUG: corrupted list in {frame}", .kind = "list-corruption",
     .frame = FrameFrom::kOops, .fault = true},
    // lib/bug.c, report_bug() for BUG()/BUG_ON(); "invalid opcode" and RIP follow.
    {.header = "kernel BUG at ",
     .pattern = R"(kernel BUG at \S+)",
     .title = "kernel BUG in {frame}", .kind = "bug",
     .frame = FrameFrom::kOops, .fault = true},
    // kernel/panic.c, __warn(): "WARNING: CPU: 1 PID: 42 at net/core/dev.c:123
    // func+0x12/0x34 [mod]"; before 4.x "WARNING: at file:line func+0x../0x..()".
    {.header = "WARNING: ",
     .pattern = R"(WARNING: (?:CPU: \d+ PID: \d+ )?at \S+(?: (?:\[<[0-9a-f]+>\] )?([A-Za-z_.$][\w.$]*)\+0x)?)",
     .title = "WARNING in {frame}", .kind = "warning",
     .frame = FrameFrom::kHeader, .frame_capture = 1, .fault = true},
    // kernel/watchdog.c, watchdog_timer_fn(): no end trace, the stack ends it.
    {.header = "BUG: soft lockup",
     .pattern = R"(BUG: soft lockup - CPU#\d+ stuck)",
     .title = "BUG: soft lockup in {frame}", .kind = "bug",
     .frame = FrameFrom::kOops, .ends = EndsAt::kStackEnd, .fault = true},
    // mm/page_poison.c, check_poison_mem() (page_poison=1): a freed page's 0xaa
    // fill changed before reuse; hex dump, dump_stack(), then dump_page()'s
    // "page dumped because: pagealloc: corrupted page details" (5.x+).
    {.header = "pagealloc: ",
     .pattern = R"(pagealloc: (memory corruption|single bit error))",
     .title = "pagealloc: {1}", .kind = "memory-corruption",
     .ends = EndsAt::kMarker, .end_marker = "page dumped because:"},
    // mm/slub.c, slab_bug() (slub_debug=FZP): "BUG vm_area_struct (Not tainted):
    // Poison overwritten" between "=====" rulers; the report ends with the
    // "FIX vm_area_struct: Restoring ..." line of slab_fix().
    {.header = "BUG ",
     .pattern = R"((?:^|[^\w])BUG ([^\s(]+) \((?:Not tainted|Tainted:[^)]*)\): (.*\S))",
     .title = "BUG: {2} in {1}", .kind = "slab-corruption",
     .ends = EndsAt::kMarker, .end_marker = "FIX "},
    // mm/page_alloc.c, bad_page(): dump_page(), modules, dump_stack().
    {.header = "BUG: Bad page ",
     .pattern = R"(BUG: Bad page (state|map|cache) in process)",
     .title = "BUG: Bad page {1}", .kind = "bad-page",
     .ends = EndsAt::kStackEnd},
    // kernel/fork.c, check_mm(): one line per counter.
    {.header = "BUG: Bad rss-counter state",
     .pattern = R"(BUG: Bad rss-counter state)",
     .title = "BUG: Bad rss-counter state", .kind = "bad-page",
     .ends = EndsAt::kHeaderLine},
    // kernel/panic.c, __stack_chk_fail() -> panic("stack-protector: Kernel stack is
    // corrupted in: %pB"); before "%pB" the caller was a bare address.
    {.header = "Kernel stack is corrupted in: ",
     .pattern = R"(Kernel stack is corrupted in: (?:([A-Za-z_.$][\w.$]*)\+0x)?)",
     .title = "kernel stack is corrupted in {frame}", .kind = "stack-corruption",
     .frame = FrameFrom::kHeader, .frame_capture = 1},
    // kernel/panic.c, panic(). Its closing "---[ end Kernel panic - not syncing:
    // ..." line contains the same words and is no new panic.
    {.header = "Kernel panic - not syncing",
     .pattern = R"(^(?!---\[ end ).*Kernel panic - not syncing: *(.*\S))",
     .title = "kernel panic: {1}", .kind = "panic", .consequence = true},
    // arch/x86/kernel/dumpstack.c, __die(): "Oops: 0000 [#1] SMP" with no better
    // header before it (the header was dropped, or an architecture without one).
    {.header = "Oops: ",
     .pattern = R"(Oops: [0-9a-f]{4} \[#\d+\])",
     .title = "Oops in {frame}", .kind = "oops",
     .frame = FrameFrom::kOops, .fault = true},
};

struct CompiledRule {
  const OopsRule* rule;
  std::regex pattern;
};

const std::vector<CompiledRule>& compiled_rules() {
  static const std::vector<CompiledRule> rules = [] {
    std::vector<CompiledRule> out;
    for (const OopsRule& rule : kOopsRules) {
      out.push_back({&rule, std::regex(rule.pattern.begin(), rule.pattern.end())});
    }
    return out;
  }();
  return rules;
}

// Functions that only carry out someone else's access: a title names their
// caller instead (a short cousin of syzkaller's skip list). "name*" is a prefix.
constexpr std::string_view kSkippedFrames[] = {
    // arch/x86/lib string and user-copy routines
    "memcpy", "__memcpy", "memcpy_erms", "memcpy_orig", "memmove", "__memmove",
    "memset", "__memset", "memset_erms", "memset_orig", "strlen", "strcmp", "strscpy",
    "copy_page", "rep_movs_alternative", "copy_user_*", "__copy_user_*",
    // lib/list_debug.c (CONFIG_DEBUG_LIST); 6.6 added the "_or_report" names
    "__list_add_valid*", "__list_del_entry_valid*",
    // slab entry points: the caller's object is the one of interest
    "__kmalloc*", "kmalloc*", "kmem_cache_alloc*", "kfree", "kmem_cache_free",
    // the reporting path itself: dump_stack(), panic(), WARN()/BUG() traps
    "dump_stack*", "show_stack", "panic", "__stack_chk_fail", "__warn", "warn_slowpath*",
    "report_bug", "handle_bug", "exc_invalid_op", "asm_exc_invalid_op", "do_error_trap",
    "do_invalid_op", "invalid_op",
};

bool skipped_frame(std::string_view func) {
  return std::any_of(std::begin(kSkippedFrames), std::end(kSkippedFrames),
                     [func](std::string_view skip) {
                       if (skip.ends_with('*')) return func.starts_with(skip.substr(0, skip.size() - 1));
                       return func == skip;
                     });
}

// "i40e_construct_skb.isra.0" -> "i40e_construct_skb": gcc clone suffixes, as syzkaller.
std::string strip_clone_suffixes(std::string func) {
  static const std::regex suffixes(R"((\.(cold|isra|constprop|part|llvm|lto_priv)(\.\d+)*)+$)");
  return std::regex_replace(func, suffixes, "");
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// "<4>" (a printk level, as /dev/kmsg or a raw console shows it).
size_t level_prefix(std::string_view s) {
  if (s.size() < 3 || s[0] != '<' || !is_digit(s[1])) return 0;
  size_t i = 1;
  while (i < s.size() && is_digit(s[i])) ++i;
  return i < s.size() && s[i] == '>' ? i + 1 : 0;
}

// "[   12.345678]" (printk time) or "[  T123]" / "[    C1]" (CONFIG_PRINTK_CALLER).
size_t bracket_prefix(std::string_view s) {
  if (s.empty() || s[0] != '[') return 0;
  const size_t close = s.find(']');
  if (close == std::string_view::npos || close > 24) return 0;
  std::string_view inside = trim(s.substr(1, close - 1));
  if (!inside.empty() && (inside[0] == 'T' || inside[0] == 'C')) inside.remove_prefix(1);
  if (inside.empty()) return 0;
  const bool time_or_id = std::all_of(inside.begin(), inside.end(),
                                      [](char c) { return is_digit(c) || c == '.'; });
  return time_or_id ? close + 1 : 0;
}

// The message text of a console line: without timestamp, level and caller id,
// and trimmed.
std::string_view message_body(std::string_view line) {
  for (;;) {
    line = trim(line);
    size_t skip = level_prefix(line);
    if (skip == 0) skip = bracket_prefix(line);
    if (skip == 0) return line;
    line.remove_prefix(skip);
  }
}

// Lines of the guest's /init (guest-images/init), which may quote anything.
bool from_guest_init(std::string_view body) { return body.starts_with("x710-init:"); }

// i40e_vsi_control_rx()/i40e_vsi_stop_rings(): "VSI seid 399 Rx ring 0 disable
// timeout", Tx and XDP Tx rings alike; old drivers spelled it "dissable".
bool is_disable_timeout(std::string_view body) {
  if (body.find("able timeout") == std::string_view::npos) return false;
  static const std::regex timeout(R"(\b(Rx|Tx|XDP Tx) ring \d+ dis+able timeout)");
  return std::regex_search(body.begin(), body.end(), timeout);
}

// A stack frame "[<ffffffff81234567>] ? func.isra.0+0x1c/0x80 [mod]" (the address
// only before 4.x). Returns the function, empty if the line is no frame;
// `unreliable` is set for "? " frames.
std::string parse_frame(std::string_view body, bool* unreliable) {
  static const std::regex frame(
      R"(^(?:\[<[0-9a-f]+>\]\s+)?(\? )?([A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+/0x[0-9a-f]+)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(body.begin(), body.end(), m, frame)) return "";
  *unreliable = m[1].matched;
  return m[2].str();
}

// "RIP: 0010:func+0x5c/0x1a0" (4.x+), "RIP: 0010:[<ffffffff8110c2fc>]  [<ffffffff8110c2fc>]
// func+0x5c/0x1a0" (3.x), "RIP: func+0x5c/0x1a0", "IP: func+0x5c/0x1a0" (4.x page
// faults). Returns the function, empty for "RIP: 0010:0x0"; nullopt for no RIP line.
std::optional<std::string> parse_rip(std::string_view body) {
  if (!body.starts_with("RIP: ") && !body.starts_with("IP: ")) return std::nullopt;
  static const std::regex rip(
      R"(^R?IP: (?:[0-9a-f]{4}:)?(?:\[<[0-9a-f]+>\]\s+)*([A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+/0x)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(body.begin(), body.end(), m, rip)) return std::string();
  return m[1].str();
}

// Lines that belong to a stack dump: frames, IRQ/task markers, user registers.
bool is_stack_line(std::string_view body) {
  bool unreliable = false;
  if (!parse_frame(body, &unreliable).empty()) return true;
  if (body.starts_with('<') && body.ends_with('>')) return true;  // <IRQ>, </IRQ>, <TASK>
  if (body.starts_with("Code: ")) return true;
  static const std::regex reg(R"(^[A-Z][A-Z0-9]{1,3}: )");  // RIP: RSP: RAX: R10:
  return std::regex_search(body.begin(), body.end(), reg);
}

bool is_end_marker(std::string_view body) {
  return body.find("---[ end trace") != std::string_view::npos ||
         body.find("---[ end Kernel panic") != std::string_view::npos;
}

// Fills "{1}".."{9}" and "{frame}"; with no frame, " in {frame}" is dropped.
std::string format_title(std::string_view tmpl, const std::vector<std::string>& captures,
                         std::string_view frame) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl.substr(i).starts_with(" in {frame}") && frame.empty()) {
      i += std::string_view(" in {frame}").size() - 1;
    } else if (tmpl.substr(i).starts_with("{frame}")) {
      out += frame;
      i += std::string_view("{frame}").size() - 1;
    } else if (tmpl[i] == '{' && i + 2 < tmpl.size() && is_digit(tmpl[i + 1]) &&
               tmpl[i + 2] == '}') {
      const size_t n = tmpl[i + 1] - '0';
      if (n < captures.size()) out += trim(captures[n]);
      i += 2;
    } else {
      out += tmpl[i];
    }
  }
  return out;
}

// The first rule whose header line this is, with the regex captures.
const OopsRule* match_rule(std::string_view body, std::vector<std::string>* captures) {
  for (const CompiledRule& c : compiled_rules()) {
    if (body.find(c.rule->header) == std::string_view::npos) continue;
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_search(body.begin(), body.end(), m, c.pattern)) continue;
    captures->clear();
    for (const auto& group : m) captures->push_back(group.matched ? group.str() : "");
    return c.rule;
  }
  return nullptr;
}

}  // namespace

void CrashDetector::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n') {
      on_line(partial_);
      partial_.clear();
    } else if (c != '\r' && partial_.size() < kMaxLineLength) {
      partial_ += c;
    }
  }
}

void CrashDetector::finish() {
  if (!partial_.empty()) {
    on_line(partial_);
    partial_.clear();
  }
  if (open_) close_report();
}

void CrashDetector::on_line(std::string_view line) {
  ++line_number_;
  const std::string_view body = message_body(line);
  if (is_disable_timeout(body)) ++disable_timeouts_;
  if (!from_guest_init(body) && try_start(line, body)) return;
  if (open_) continue_report(line, body);
}

// Starts a report if this line is a header that may start one now.
bool CrashDetector::try_start(std::string_view line, std::string_view body) {
  std::vector<std::string> captures;
  const OopsRule* rule = match_rule(body, &captures);
  if (rule == nullptr) return false;
  if (open_) {
    // One report per oops; only a new fault cuts short a plain stack dump.
    if (open_->rule->ends == EndsAt::kEndMarker || !rule->fault) return false;
    close_report();
  }
  if (rule->consequence && started_ > 0) return false;

  ++started_;
  open_.emplace();
  open_->rule = rule;
  open_->captures = std::move(captures);
  open_->report.kind = rule->kind;
  open_->report.first_line = line_number_;
  append(line);

  const bool header_frame = rule->frame == FrameFrom::kHeader &&
                            !open_->captures[rule->frame_capture].empty();
  if (header_frame) {
    give_title(strip_clone_suffixes(open_->captures[rule->frame_capture]));
  } else if (rule->frame == FrameFrom::kNone) {
    give_title("");
  }
  if (rule->ends == EndsAt::kHeaderLine) close_report();
  return true;
}

void CrashDetector::continue_report(std::string_view line, std::string_view body) {
  const OopsRule& rule = *open_->rule;
  if (rule.ends == EndsAt::kStackEnd && open_->saw_frame && !is_stack_line(body)) {
    close_report();  // this line is past the stack dump
    return;
  }
  append(line);
  if (body.starts_with("Call Trace:")) open_->in_call_trace = true;
  if (!open_->titled) take_frame(body);

  bool unreliable = false;
  if (open_->in_call_trace && !parse_frame(body, &unreliable).empty()) open_->saw_frame = true;

  const bool ended =
      is_end_marker(body) ||
      (rule.ends == EndsAt::kMarker && body.starts_with(rule.end_marker)) ||
      (rule.ends == EndsAt::kStackEnd && body == "</TASK>") ||
      open_->lines >= kMaxReportLines;
  if (ended) close_report();
}

// Looks for the title's function in a line of a pending report.
void CrashDetector::take_frame(std::string_view body) {
  if (!open_->rip_seen) {
    if (std::optional<std::string> rip = parse_rip(body)) {
      open_->rip_seen = true;
      const std::string func = strip_clone_suffixes(*rip);
      if (!func.empty() && !skipped_frame(func)) give_title(func);
      return;
    }
  }
  if (!open_->in_call_trace) return;
  bool unreliable = false;
  const std::string func = strip_clone_suffixes(parse_frame(body, &unreliable));
  if (!func.empty() && !unreliable && !skipped_frame(func)) give_title(func);
}

void CrashDetector::give_title(std::string_view frame) {
  OpenReport& open = *open_;
  open.report.title = format_title(open.rule->title, open.captures, frame);
  open.titled = true;
  open.index = crashes_.size();
  crashes_.push_back(std::move(open.report));
}

CrashReport& CrashDetector::open_report() {
  return open_->titled ? crashes_[open_->index] : open_->report;
}

void CrashDetector::append(std::string_view line) {
  std::string& excerpt = open_report().excerpt;
  excerpt.append(line);
  excerpt += '\n';
  ++open_->lines;
}

void CrashDetector::close_report() {
  if (!open_->titled) give_title("");
  open_.reset();
  first_complete_ = true;
}

std::vector<CrashReport> detect_crashes(std::string_view console) {
  CrashDetector detector;
  detector.feed(console);
  detector.finish();
  return detector.crashes();
}

}  // namespace x710
