#include "crash_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace x710 {
namespace {

namespace fs = std::filesystem;

// One console log of tests/crash-corpus/ and what it must produce.
struct CorpusCase {
  std::string name;
  std::string log;
  std::string title;  // empty: no crash
  std::string kind;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// __FILE__ is relative to the build directory under meson, so try it as given,
// relative to the build root (two levels above scenarios/runner-unit), and under
// $X710_ROOT.
fs::path corpus_dir() {
  const fs::path here = fs::path(__FILE__).parent_path() / "crash-corpus";
  std::vector<fs::path> candidates = {here};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && here.is_relative()) candidates.push_back(exe.parent_path().parent_path() / here);
  if (const char* root = std::getenv("X710_ROOT")) {
    candidates.push_back(fs::path(root) / "scenarios/runner/tests/crash-corpus");
  }
  for (const fs::path& dir : candidates) {
    if (fs::is_directory(dir, ec)) return dir;
  }
  return {};
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    std::erase(line, '\r');
    lines.push_back(line);
  }
  return lines;
}

// Loads every NAME.log with its NAME.expected; a missing corpus is a failure.
const std::vector<CorpusCase>& corpus() {
  static const std::vector<CorpusCase> cases = [] {
    std::vector<CorpusCase> out;
    const fs::path dir = corpus_dir();
    if (dir.empty()) return out;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".log") continue;
      CorpusCase c;
      c.name = entry.path().stem().string();
      c.log = read_file(entry.path());
      fs::path expected = entry.path();
      expected.replace_extension(".expected");
      const std::vector<std::string> lines = split_lines(read_file(expected));
      if (lines.size() == 2) {
        c.title = lines[0];
        c.kind = lines[1];
      } else if (lines.size() != 1 || lines[0] != "none") {
        c.title = "<malformed or missing " + expected.filename().string() + ">";
      }
      out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(),
              [](const CorpusCase& a, const CorpusCase& b) { return a.name < b.name; });
    return out;
  }();
  return cases;
}

void expect_same(const std::vector<CrashReport>& got, const std::vector<CrashReport>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].title, want[i].title);
    EXPECT_EQ(got[i].kind, want[i].kind);
    EXPECT_EQ(got[i].first_line, want[i].first_line);
    EXPECT_EQ(got[i].excerpt, want[i].excerpt);
  }
}

std::vector<CrashReport> feed_in_chunks(const std::string& log, std::mt19937* rng,
                                        size_t max_chunk) {
  CrashDetector detector;
  std::uniform_int_distribution<size_t> size(1, max_chunk);
  for (size_t at = 0; at < log.size();) {
    const size_t n = std::min(size(*rng), log.size() - at);
    detector.feed(std::string_view(log).substr(at, n));
    at += n;
  }
  detector.finish();
  return detector.crashes();
}

TEST(CrashCorpus, IsPresentAndLarge) {
  ASSERT_FALSE(corpus_dir().empty())
      << "crash corpus not found next to " << __FILE__ << "; set X710_ROOT to the checkout";
  ASSERT_GE(corpus().size(), 20u);
  size_t crlf = 0, none = 0;
  for (const CorpusCase& c : corpus()) {
    EXPECT_FALSE(c.title.starts_with("<malformed")) << c.name << ": " << c.title;
    crlf += c.log.find("\r\n") != std::string::npos;
    none += c.title.empty();
  }
  EXPECT_GE(crlf, 3u);
  EXPECT_GE(none, 3u);
}

TEST(CrashCorpus, WholeTextGivesTheExpectedTitle) {
  ASSERT_FALSE(corpus().empty());
  for (const CorpusCase& c : corpus()) {
    SCOPED_TRACE(c.name);
    const std::vector<CrashReport> crashes = detect_crashes(c.log);
    if (c.title.empty()) {
      EXPECT_TRUE(crashes.empty()) << "unexpected: " << crashes.front().title;
      continue;
    }
    ASSERT_EQ(crashes.size(), 1u);
    const CrashReport& crash = crashes.front();
    EXPECT_EQ(crash.title, c.title);
    EXPECT_EQ(crash.kind, c.kind);
    // The excerpt starts with the header line, which is console line first_line.
    const std::vector<std::string> lines = split_lines(c.log);
    ASSERT_GE(crash.first_line, 1u);
    ASSERT_LE(crash.first_line, lines.size());
    EXPECT_TRUE(crash.excerpt.starts_with(lines[crash.first_line - 1] + "\n")) << crash.excerpt;
    EXPECT_EQ(crash.excerpt.find('\r'), std::string::npos);
    const size_t excerpt_lines = std::count(crash.excerpt.begin(), crash.excerpt.end(), '\n');
    EXPECT_LE(excerpt_lines, CrashDetector::kMaxReportLines);
  }
}

TEST(CrashCorpus, ByteByByteMatchesWholeText) {
  ASSERT_FALSE(corpus().empty());
  for (const CorpusCase& c : corpus()) {
    SCOPED_TRACE(c.name);
    CrashDetector detector;
    for (char byte : c.log) detector.feed(std::string_view(&byte, 1));
    detector.finish();
    expect_same(detector.crashes(), detect_crashes(c.log));
  }
}

TEST(CrashCorpus, RandomChunksMatchWholeText) {
  ASSERT_FALSE(corpus().empty());
  std::mt19937 rng(710);
  for (const CorpusCase& c : corpus()) {
    SCOPED_TRACE(c.name);
    const std::vector<CrashReport> whole = detect_crashes(c.log);
    for (size_t max_chunk : {3u, 17u, 64u, 509u, 4096u}) {
      SCOPED_TRACE(max_chunk);
      expect_same(feed_in_chunks(c.log, &rng, max_chunk), whole);
    }
  }
}

// Pieces of a 6.1 oops, for the streaming tests.
constexpr std::string_view kGpfHeader =
    "[   10.014932] general protection fault, probably for non-canonical address "
    "0x4500087d7dca0b: 0000 [#1] PREEMPT SMP NOPTI\r\n"
    "[   10.016207] CPU: 1 PID: 377 Comm: ip Not tainted 6.1.0-57-amd64 #1  Debian 6.1.192-1\r\n";
constexpr std::string_view kGpfRip = "[   10.018223] RIP: 0010:unlink_anon_vmas+0x6e/0x1c0\r\n";
constexpr std::string_view kGpfTrace =
    "[   10.028087] Call Trace:\r\n"
    "[   10.028374]  <TASK>\r\n"
    "[   10.031050]  free_pgtables+0xb1/0x1d0\r\n"
    "[   10.040363]  </TASK>\r\n";
constexpr std::string_view kEndTrace = "[   10.042071] ---[ end trace 0000000000000000 ]---\r\n";

TEST(CrashDetector, TitleIsPendingUntilTheRipLine) {
  CrashDetector detector;
  detector.feed(kGpfHeader);
  EXPECT_TRUE(detector.crashes().empty());
  detector.feed(kGpfRip.substr(0, 30));  // half a line decides nothing
  EXPECT_TRUE(detector.crashes().empty());
  detector.feed(kGpfRip.substr(30));
  ASSERT_EQ(detector.crashes().size(), 1u);
  EXPECT_EQ(detector.crashes()[0].title, "general protection fault in unlink_anon_vmas");
  EXPECT_EQ(detector.crashes()[0].first_line, 1u);
}

TEST(CrashDetector, SkippedRipWaitsForTheCallTrace) {
  CrashDetector detector;
  detector.feed(kGpfHeader);
  detector.feed("[   16.733445] RIP: 0010:memcpy_erms+0x6/0x10\n");
  EXPECT_TRUE(detector.crashes().empty());
  detector.feed("[   16.743342] Call Trace:\n[   16.745833]  ? memcpy_erms+0x6/0x10\n");
  EXPECT_TRUE(detector.crashes().empty());
  detector.feed("[   16.746238]  i40e_construct_skb.constprop.0.isra.0+0x10b/0x2b0 [i40e]\n");
  ASSERT_EQ(detector.crashes().size(), 1u);
  EXPECT_EQ(detector.crashes()[0].title, "general protection fault in i40e_construct_skb");
}

TEST(CrashDetector, RipLineFormats) {
  for (std::string_view rip : {"RIP: 0010:acct_collect+0x5c/0x1a0",
                               "RIP: 0010:[<ffffffff8110c2fc>]  [<ffffffff8110c2fc>] "
                               "acct_collect+0x5c/0x1a0",
                               "RIP: acct_collect+0x5c/0x1a0",
                               "RIP: 0010:acct_collect.cold+0x5c/0x1a0"}) {
    SCOPED_TRACE(rip);
    const std::string log = "general protection fault: 0000 [#1] SMP NOPTI\n[   24.995057] " +
                            std::string(rip) + "\n";
    const std::vector<CrashReport> crashes = detect_crashes(log);
    ASSERT_EQ(crashes.size(), 1u);
    EXPECT_EQ(crashes[0].title, "general protection fault in acct_collect");
  }
}

TEST(CrashDetector, FirstReportCompleteAtEndTrace) {
  CrashDetector detector;
  detector.feed(kGpfHeader);
  EXPECT_FALSE(detector.first_report_complete());
  detector.feed(kGpfRip);
  detector.feed(kGpfTrace);
  EXPECT_FALSE(detector.first_report_complete());
  ASSERT_EQ(detector.crashes().size(), 1u);
  detector.feed(kEndTrace);
  EXPECT_TRUE(detector.first_report_complete());
  // The panic that follows belongs to the oops: no second report, excerpt closed.
  detector.feed("[   10.052433] Kernel panic - not syncing: Fatal exception\r\n");
  detector.finish();
  ASSERT_EQ(detector.crashes().size(), 1u);
  const std::string& excerpt = detector.crashes()[0].excerpt;
  EXPECT_TRUE(excerpt.ends_with("---[ end trace 0000000000000000 ]---\n")) << excerpt;
  EXPECT_EQ(excerpt.find("Kernel panic"), std::string::npos);
}

TEST(CrashDetector, FirstReportCompleteAfterMaxLines) {
  CrashDetector detector;
  detector.feed(kGpfHeader);
  detector.feed(kGpfRip);
  for (size_t i = 3; i < CrashDetector::kMaxReportLines - 1; ++i) {  // 79 lines
    detector.feed("[   10.020000] R10: 0000000000000000 R11: 0000000000000000\n");
  }
  EXPECT_FALSE(detector.first_report_complete());
  detector.feed("[   10.020000] R10: 0000000000000000 R11: 0000000000000000\n");
  EXPECT_TRUE(detector.first_report_complete());
  detector.feed("[   10.030000] this line is not in the excerpt\n");
  ASSERT_EQ(detector.crashes().size(), 1u);
  const std::string& excerpt = detector.crashes()[0].excerpt;
  EXPECT_EQ(static_cast<size_t>(std::count(excerpt.begin(), excerpt.end(), '\n')),
            CrashDetector::kMaxReportLines);
}

TEST(CrashDetector, FinishClosesAPendingReport) {
  CrashDetector detector;
  detector.feed(kGpfHeader);
  detector.feed("[   10.018223] RIP: 0010:unlink_anon_vm");  // cut mid-line
  EXPECT_TRUE(detector.crashes().empty());
  EXPECT_FALSE(detector.first_report_complete());
  detector.finish();
  EXPECT_TRUE(detector.first_report_complete());
  ASSERT_EQ(detector.crashes().size(), 1u);
  // The cut RIP line has no "+0x../0x.." offset, so the title has no function.
  EXPECT_EQ(detector.crashes()[0].title, "general protection fault");
}

TEST(CrashDetector, FinishReadsALastLineWithoutNewline) {
  CrashDetector detector;
  detector.feed("[    1.000000] Kernel panic - not syncing: VFS: Unable to mount root fs");
  EXPECT_TRUE(detector.crashes().empty());
  detector.finish();
  ASSERT_EQ(detector.crashes().size(), 1u);
  EXPECT_EQ(detector.crashes()[0].title, "kernel panic: VFS: Unable to mount root fs");
  EXPECT_EQ(detector.crashes()[0].kind, "panic");
}

TEST(CrashDetector, StackDumpReportEndsAfterItsStack) {
  // 4.x style: no <TASK> markers, the first non-stack line ends a Bad page report.
  const std::string log =
      "[   61.2] BUG: Bad page map in process ifconfig  pte:4500002eca1f0000 pmd:14780a067\n"
      "[   61.3] Call Trace:\n"
      "[   61.4]  dump_stack+0x5c/0x85\n"
      "[   61.5]  print_bad_pte+0x1f7/0x270\n"
      "[   61.6] Disabling lock debugging due to kernel taint\n"
      "[   61.7] i40e 0000:07:00.3 eth9: NIC Link is Down\n";
  CrashDetector detector;
  detector.feed(log);
  EXPECT_TRUE(detector.first_report_complete());
  ASSERT_EQ(detector.crashes().size(), 1u);
  EXPECT_EQ(detector.crashes()[0].title, "BUG: Bad page map");
  EXPECT_EQ(std::count(detector.crashes()[0].excerpt.begin(),
                       detector.crashes()[0].excerpt.end(), '\n'),
            4);
}

TEST(CrashDetector, TwoOopsesGiveTwoReportsInOrder) {
  const CorpusCase* warning = nullptr;
  const CorpusCase* gpf = nullptr;
  for (const CorpusCase& c : corpus()) {
    if (c.name == "warning-netdev-watchdog-6.1") warning = &c;
    if (c.name == "gpf-memcpy-in-i40e-6.1") gpf = &c;
  }
  ASSERT_NE(warning, nullptr);
  ASSERT_NE(gpf, nullptr);
  const std::string log = warning->log + gpf->log;
  const std::vector<CrashReport> crashes = detect_crashes(log);
  ASSERT_EQ(crashes.size(), 2u);
  EXPECT_EQ(crashes[0].title, "WARNING in dev_watchdog");
  EXPECT_EQ(crashes[1].title, "general protection fault in i40e_construct_skb");
  EXPECT_LT(crashes[0].first_line, crashes[1].first_line);

  std::mt19937 rng(42);
  expect_same(feed_in_chunks(log, &rng, 100), crashes);
}

TEST(CrashDetector, OopsCutsShortASlabReport) {
  // A SLUB report whose FIX line never came, then an oops: two reports, and the
  // first one is complete once the second starts.
  const std::string log =
      "[   14.68] =============================================================================\n"
      "[   14.68] BUG vm_area_struct (Not tainted): Poison overwritten\n"
      "[   14.68] -----------------------------------------------------------------------------\n"
      "[   14.69] Object ffff9b4a85e3c0c0: 6b 6b 6b 6b 6b 6b 6b 6b 00 03 2d 59 10 3f 00 90\n";
  CrashDetector detector;
  detector.feed(log);
  ASSERT_EQ(detector.crashes().size(), 1u);
  EXPECT_EQ(detector.crashes()[0].title, "BUG: Poison overwritten in vm_area_struct");
  EXPECT_FALSE(detector.first_report_complete());
  detector.feed(kGpfHeader);
  EXPECT_TRUE(detector.first_report_complete());
  detector.feed(kGpfRip);
  ASSERT_EQ(detector.crashes().size(), 2u);
  EXPECT_EQ(detector.crashes()[1].kind, "gpf");
  EXPECT_EQ(detector.crashes()[1].first_line, 5u);
}

TEST(CrashDetector, LinesInsideAnOopsStartNoReport) {
  // A 4.x page fault carries an "Oops:" line and a later panic: one report.
  const std::vector<CrashReport> crashes = detect_crashes(
      "BUG: unable to handle kernel NULL pointer dereference at 0000000000000010\n"
      "IP: skb_release_data+0x6a/0x1a0\n"
      "Oops: 0000 [#1] SMP NOPTI\n"
      "kernel BUG at mm/slub.c:296!\n"
      "---[ end trace 0c0a4e5a7b15d2f3 ]---\n"
      "Kernel panic - not syncing: Fatal exception in interrupt\n");
  ASSERT_EQ(crashes.size(), 1u);
  EXPECT_EQ(crashes[0].title, "BUG: kernel NULL pointer dereference in skb_release_data");
  EXPECT_EQ(crashes[0].kind, "null-deref");
}

TEST(CrashDetector, PrefixesAreStripped) {
  for (std::string_view line :
       {"<4>[   12.345678] WARNING: CPU: 1 PID: 42 at net/core/dev.c:123 dev_foo+0x12/0x34\n",
        "[   12.345678] <4>WARNING: CPU: 1 PID: 42 at net/core/dev.c:123 dev_foo+0x12/0x34\n",
        "[   12.345678] [  T123] WARNING: CPU: 1 PID: 42 at net/core/dev.c:123 dev_foo+0x12/0x34\n",
        "[   12.345678] [    C1] WARNING: CPU: 1 PID: 42 at net/core/dev.c:123 dev_foo+0x12/0x34 "
        "[i40e]\n"}) {
    SCOPED_TRACE(line);
    const std::vector<CrashReport> crashes = detect_crashes(line);
    ASSERT_EQ(crashes.size(), 1u);
    EXPECT_EQ(crashes[0].title, "WARNING in dev_foo");
    EXPECT_EQ(crashes[0].kind, "warning");
  }
}

TEST(CrashDetector, LookAlikesAreNoCrash) {
  for (std::string_view line :
       {"[    1.0] x710-init: fatal: Kernel panic - not syncing: quoted by the host\n",
        "[    1.0] traps: a.out[7] general protection fault ip:401136 sp:7ffd error:0 in a.out\n",
        "[    1.0] a.out[7]: segfault at 0 ip 0000000000401136 sp 00007ffd error 6\n",
        "[    1.0] DEBUG kmalloc-64 (Not tainted): Poison overwritten\n",
        "[    1.0] WARNING: possible circular locking dependency detected\n",
        "[    1.0] x86/mm: Checked W+X mappings: passed, no W+X pages found.\n"}) {
    SCOPED_TRACE(line);
    EXPECT_TRUE(detect_crashes(line).empty());
  }
}

TEST(CrashDetector, CountsDisableTimeouts) {
  CrashDetector detector;
  const std::string log =
      "[   24.761472] i40e 0000:07:00.3: VSI seid 399 Rx ring 0 disable timeout\r\n"
      "[   24.906828] i40e 0000:07:00.2: VSI seid 398 Tx ring 3 disable timeout\r\n"
      "[   24.950000] i40e 0000:07:00.2: VSI seid 398 XDP Tx ring 1 disable timeout\n"
      "[   73.114202] i40e 0000:02:00.0: VSI seid 391 Rx ring 0 dissable timeout\n"
      "[   80.000000] i40e 0000:02:00.0: VSI seid 391 Rx ring 0 enable timeout\n"
      "[   81.000000] x710-init: counting disable timeouts\n"
      "[   82.000000] i40e 0000:02:00.0: VSI seid 391 Rx ring 7 disable timeout";
  for (char byte : log) detector.feed(std::string_view(&byte, 1));
  EXPECT_EQ(detector.disable_timeouts(), 4u);
  detector.finish();  // the last line had no newline
  EXPECT_EQ(detector.disable_timeouts(), 5u);
  EXPECT_TRUE(detector.crashes().empty());
}

TEST(CrashCorpus, DisableTimeoutsInTheCorpus) {
  const std::vector<std::pair<std::string, size_t>> expected = {
      {"none-disable-timeouts-4.14", 3},  // two Rx, one Tx; "enable timeout" is not one
      {"none-old-driver-dissable-3.16", 1},
      {"none-userspace-faults-6.1", 1},  // XDP Tx
      {"gpf-acct-collect-4.14", 2},
  };
  for (const auto& [name, count] : expected) {
    SCOPED_TRACE(name);
    const auto it = std::find_if(corpus().begin(), corpus().end(),
                                 [&](const CorpusCase& c) { return c.name == name; });
    ASSERT_NE(it, corpus().end());
    CrashDetector detector;
    detector.feed(it->log);
    detector.finish();
    EXPECT_EQ(detector.disable_timeouts(), count);
  }
}

}  // namespace
}  // namespace x710
