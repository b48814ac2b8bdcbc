#include "scenario_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace x710 {
namespace {

constexpr const char* kFile = "scenarios/x.toml";

// The smallest valid scenario: 4 lines, so what a test appends starts on line 5.
const std::string kMinimal =
    "description = \"d\"\n"
    "expect = \"clean\"\n"
    "[[steps]]\n"
    "do = \"up\"\n";

// TOP before the minimal scenario (its lines start at 1), SECTIONS after it
// (they start at line 5): top-level keys must come before any table.
std::string doc(const std::string& top, const std::string& sections = "") { return top + kMinimal + sections; }

// The message TEXT fails with, or "(no error)".
std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    parse_scenario(text, kFile, sets);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

Scenario parse(const std::string& text, const std::vector<std::string>& sets = {}) {
  return parse_scenario(text, kFile, sets);
}

// --- A whole file --------------------------------------------------------------

TEST(ScenarioFile, EveryFieldRoundTrips) {
  const std::string text = R"(description = "the field report"
expect = "reproduced"
boots = 3
boot_timeout = "2m"
hang_timeout = 45
[guest]
append = ["page_poison=1", "slub_debug=FZP"]
memory = "2G"
cpus = 4
[device]
rx_disable_latency = "uniform:100ms:1s"
tx_disable_latency = "50ms"
disable_seed = 7
rx_enable_cancels_disable = false
rx_desc_cache = 128
queues = 8
[traffic]
pps = 60000
size = 1514
flows = 256
[[steps]]
do = "up"
[[steps]]
do = "wait_traffic"
packets = 1000
timeout = "10s"
[[steps]]
do = "down_up"
count = 5
pause = "250ms"
[[steps]]
do = "reboot"
)";
  const Scenario s = parse_scenario(text, "scenarios/field-report.toml");
  EXPECT_EQ(s.name, "field-report");
  EXPECT_EQ(s.path, "scenarios/field-report.toml");
  EXPECT_EQ(s.description, "the field report");
  EXPECT_EQ(s.expect, Verdict::reproduced);
  EXPECT_EQ(s.boots, 3u);
  EXPECT_DOUBLE_EQ(s.boot_timeout_s, 120);
  EXPECT_DOUBLE_EQ(s.hang_timeout_s, 45);
  EXPECT_EQ(s.append, (std::vector<std::string>{"page_poison=1", "slub_debug=FZP"}));
  EXPECT_EQ(s.memory, "2G");
  EXPECT_EQ(s.cpus, 4u);
  EXPECT_EQ(s.device.rx_disable_latency, "uniform:100ms:1s");
  EXPECT_EQ(s.device.tx_disable_latency, "50ms");
  EXPECT_EQ(s.device.disable_seed, 7u);
  EXPECT_FALSE(s.device.rx_enable_cancels_disable);
  EXPECT_EQ(s.device.rx_desc_cache, 128u);
  EXPECT_EQ(s.device.queues, 8u);
  EXPECT_EQ(s.traffic.pps, 60000u);
  EXPECT_FALSE(s.traffic.unlimited);
  EXPECT_EQ(s.traffic.size, 1514u);
  EXPECT_EQ(s.traffic.flows, 256u);
  ASSERT_EQ(s.steps.size(), 4u);
  EXPECT_EQ(s.steps[0].action, GuestStep::Action::up);
  EXPECT_EQ(s.steps[0].line, 21);
  EXPECT_EQ(s.steps[1].action, GuestStep::Action::wait_traffic);
  EXPECT_EQ(s.steps[1].packets, 1000u);
  EXPECT_DOUBLE_EQ(s.steps[1].seconds, 10);
  EXPECT_EQ(s.steps[1].line, 23);
  EXPECT_EQ(s.steps[2].action, GuestStep::Action::down_up);
  EXPECT_EQ(s.steps[2].count, 5u);
  EXPECT_DOUBLE_EQ(s.steps[2].pause_seconds, 0.25);
  EXPECT_EQ(s.steps[3].action, GuestStep::Action::reboot);
  EXPECT_EQ(s.steps[3].line, 31);
}

TEST(ScenarioFile, DefaultsMatchTheDataModel) {
  const Scenario s = parse(kMinimal);
  const Scenario model;
  EXPECT_EQ(s.name, "x");
  EXPECT_EQ(s.description, "d");
  EXPECT_EQ(s.expect, Verdict::clean);
  EXPECT_EQ(s.boots, 1u);
  EXPECT_DOUBLE_EQ(s.boot_timeout_s, 180);
  EXPECT_DOUBLE_EQ(s.hang_timeout_s, 60);
  EXPECT_TRUE(s.append.empty());
  EXPECT_EQ(s.memory, "1G");
  EXPECT_EQ(s.cpus, 2u);
  EXPECT_EQ(s.device.rx_disable_latency, "0");
  EXPECT_EQ(s.device.tx_disable_latency, "0");
  EXPECT_EQ(s.device.disable_seed, 1u);
  EXPECT_TRUE(s.device.rx_enable_cancels_disable);
  EXPECT_EQ(s.device.rx_desc_cache, 64u);
  EXPECT_EQ(s.device.queues, 0u);
  EXPECT_EQ(s.traffic.pps, 0u);  // no [traffic]: no flood
  EXPECT_FALSE(s.traffic.unlimited);
  EXPECT_EQ(s.traffic.size, model.traffic.size);
  EXPECT_EQ(s.traffic.flows, model.traffic.flows);
  ASSERT_EQ(s.steps.size(), 1u);
  EXPECT_EQ(s.steps[0].action, GuestStep::Action::up);
  EXPECT_EQ(s.steps[0].line, 3);
}

TEST(ScenarioFile, EmptySectionsKeepDefaults) {
  const Scenario s = parse(doc("", "[guest]\n[device]\n[traffic]\n"));
  EXPECT_EQ(s.cpus, 2u);
  EXPECT_EQ(s.device.rx_desc_cache, 64u);
  EXPECT_EQ(s.traffic.pps, 0u);
}

TEST(ScenarioFile, IntegersStandForTextWhereTextIsExpected) {
  const Scenario s = parse(doc("", "[guest]\nmemory = 2048\n[device]\nrx_disable_latency = 0\n"));
  EXPECT_EQ(s.memory, "2048");
  EXPECT_EQ(s.device.rx_disable_latency, "0");
}

TEST(ScenarioFile, PpsUnlimitedAndZero) {
  const Scenario unlimited = parse(doc("", "[traffic]\npps = \"unlimited\"\n"));
  EXPECT_TRUE(unlimited.traffic.unlimited);
  EXPECT_EQ(unlimited.traffic.pps, 0u);
  const Scenario none = parse(doc("", "[traffic]\npps = 0\nsize = 128\n"));
  EXPECT_FALSE(none.traffic.unlimited);
  EXPECT_EQ(none.traffic.pps, 0u);
  EXPECT_EQ(none.traffic.size, 128u);
  EXPECT_EQ(parse(doc("", "[traffic]\npps = 100000000\n")).traffic.pps, 100000000u);
}

// --- Error messages: where, which key, expected, found ---------------------------

TEST(ScenarioFile, SyntaxError) {
  const std::string e = error_of("description = \"d\"\nexpect = = 3\n");
  EXPECT_EQ(e.rfind("scenarios/x.toml: TOML syntax error at line 2, column ", 0), 0u) << e;
}

TEST(ScenarioFile, UnknownTopLevelKeyWithSuggestion) {
  EXPECT_EQ(error_of(doc("bots = 3\n")),
            "scenarios/x.toml:1:1: unknown key \"bots\" (known top-level keys: description, expect, boots, "
            "boot_timeout, hang_timeout, guest, device, traffic, steps); did you mean \"boots\"?");
}

TEST(ScenarioFile, UnknownKeyWithoutACloseOneSuggestsNothing) {
  EXPECT_EQ(error_of(doc("", "[guest]\nkernel = \"bzImage\"\n")),
            "scenarios/x.toml:6:1: unknown key \"guest.kernel\" (known keys in [guest]: append, memory, cpus)");
}

TEST(ScenarioFile, UnknownSectionKeyNamesTheSection) {
  EXPECT_EQ(error_of(doc("", "[device]\nqueue = 2\n")),
            "scenarios/x.toml:6:1: unknown key \"device.queue\" (known keys in [device]: rx_disable_latency, "
            "tx_disable_latency, disable_seed, rx_enable_cancels_disable, rx_desc_cache, queues); did you mean "
            "\"device.queues\"?");
}

TEST(ScenarioFile, FirstUnknownKeyInFileOrder) {
  // A table iterates its keys sorted; the message must still name the first
  // mistake in the file.
  EXPECT_EQ(error_of(doc("zzz = 1\naaa = 2\n")).rfind("scenarios/x.toml:1:1: unknown key \"zzz\"", 0), 0u);
}

TEST(ScenarioFile, LatencyErrorCarriesTheModelsReason) {
  const std::string e = error_of(doc("", "[device]\nrx_disable_latency = \"1x\"\n"));
  EXPECT_EQ(e.rfind("scenarios/x.toml:6:22: device.rx_disable_latency: \"1x\" is not a latency: latency '1x': ", 0), 0u)
      << e;
  EXPECT_NE(e.find("'1x' is not a duration"), std::string::npos) << e;
}

TEST(ScenarioFile, WrongTypeSaysWhatWasFound) {
  EXPECT_EQ(error_of(doc("", "[traffic]\npps = true\n")),
            "scenarios/x.toml:6:7: traffic.pps: expected an integer or \"unlimited\", found a boolean (true)");
  EXPECT_EQ(error_of(doc("", "[traffic]\npps = \"fast\"\n")),
            "scenarios/x.toml:6:7: traffic.pps: expected an integer or \"unlimited\", found \"fast\"");
  EXPECT_EQ(error_of(doc("", "[traffic]\npps = 100000001\n")),
            "scenarios/x.toml:6:7: traffic.pps: expected an integer in 0..100000000, found 100000001");
  EXPECT_EQ(error_of(doc("", "[device]\nrx_enable_cancels_disable = \"yes\"\n")),
            "scenarios/x.toml:6:29: device.rx_enable_cancels_disable: expected true or false, found \"yes\"");
  EXPECT_EQ(error_of(doc("", "[guest]\ncpus = 1.5\n")),
            "scenarios/x.toml:6:8: guest.cpus: expected an integer in 1..64, found a float (1.5)");
  EXPECT_EQ(error_of(doc("guest = 3\n")), "scenarios/x.toml:1:9: guest: expected a table ([guest]), found 3");
}

// One bad value per key: the message names the key and the allowed range.
TEST(ScenarioFile, RangesPerKey) {
  struct Case {
    std::string top, sections, message;
  };
  const Case cases[] = {
      {"boots = 0\n", "", "scenarios/x.toml:1:9: boots: expected an integer in 1..1000, found 0"},
      {"boots = 1001\n", "", "scenarios/x.toml:1:9: boots: expected an integer in 1..1000, found 1001"},
      {"boots = -1\n", "", "scenarios/x.toml:1:9: boots: expected an integer in 1..1000, found -1"},
      {"", "[guest]\ncpus = 65\n", "scenarios/x.toml:6:8: guest.cpus: expected an integer in 1..64, found 65"},
      {"", "[device]\ndisable_seed = -1\n",
       "scenarios/x.toml:6:16: device.disable_seed: expected an integer >= 0, found -1"},
      {"", "[device]\nrx_desc_cache = 513\n",
       "scenarios/x.toml:6:17: device.rx_desc_cache: expected an integer in 1..512, found 513"},
      {"", "[device]\nqueues = 65\n", "scenarios/x.toml:6:10: device.queues: expected an integer in 0..64, found 65"},
      {"", "[traffic]\nsize = 59\n", "scenarios/x.toml:6:8: traffic.size: expected an integer in 60..9018, found 59"},
      {"", "[traffic]\nsize = 9019\n",
       "scenarios/x.toml:6:8: traffic.size: expected an integer in 60..9018, found 9019"},
      {"", "[traffic]\nflows = 0\n", "scenarios/x.toml:6:9: traffic.flows: expected an integer in 1..65536, found 0"},
      {"", "[traffic]\nflows = 65537\n",
       "scenarios/x.toml:6:9: traffic.flows: expected an integer in 1..65536, found 65537"},
  };
  for (const Case& c : cases) EXPECT_EQ(error_of(doc(c.top, c.sections)), c.message);
}

TEST(ScenarioFile, RequiredTopLevelKeys) {
  EXPECT_EQ(error_of("expect = \"clean\"\n[[steps]]\ndo = \"up\"\n"),
            "scenarios/x.toml: missing required key \"description\"");
  EXPECT_EQ(error_of("description = \"d\"\n[[steps]]\ndo = \"up\"\n"),
            "scenarios/x.toml: missing required key \"expect\"");
  EXPECT_EQ(error_of("description = \"d\"\nexpect = \"clean\"\n"),
            "scenarios/x.toml: missing required key \"steps\" (at least one [[steps]] table, e.g. do = \"up\")");
  EXPECT_EQ(error_of("description = \"\"\nexpect = \"clean\"\n[[steps]]\ndo = \"up\"\n"),
            "scenarios/x.toml:1:15: description: expected a one-line summary of the scenario, found \"\"");
}

TEST(ScenarioFile, ExpectIsReproducedOrClean) {
  EXPECT_EQ(parse("expect = \"reproduced\"\ndescription = \"d\"\n[[steps]]\ndo = \"up\"\n").expect,
            Verdict::reproduced);
  EXPECT_EQ(error_of("expect = \"hang\"\ndescription = \"d\"\n[[steps]]\ndo = \"up\"\n"),
            "scenarios/x.toml:1:10: expect: expected \"reproduced\" or \"clean\", found \"hang\" (a run may end in a "
            "hang or an error, but a scenario cannot expect one)");
  EXPECT_EQ(error_of("expect = \"crash\"\ndescription = \"d\"\n[[steps]]\ndo = \"up\"\n"),
            "scenarios/x.toml:1:10: expect: expected \"reproduced\" or \"clean\", found \"crash\"");
}

TEST(ScenarioFile, Durations) {
  struct Case {
    std::string value;
    double seconds;
  };
  const Case cases[] = {{"\"1s\"", 1},       {"\"250ms\"", 0.25}, {"\"1.5s\"", 1.5}, {"\"2m\"", 120},
                        {"\"500us\"", 5e-4}, {"\"100ns\"", 1e-7}, {"\"30\"", 30},    {"90", 90},
                        {"0.5", 0.5},        {"\"0.25m\"", 15},   {"\"170s\"", 170}};
  for (const Case& c : cases) {
    EXPECT_DOUBLE_EQ(parse(doc("boot_timeout = " + c.value + "\nhang_timeout = \"1ns\"\n")).boot_timeout_s, c.seconds)
        << c.value;
  }
  const std::string expected =
      "expected a duration like \"90s\", \"250ms\", \"1.5s\", \"2m\" or a number of seconds, found ";
  for (const char* bad : {"\"1x\"", "\"1.s\"", "\".5s\"", "\"1e3s\"", "\"\"", "\"1 s\"", "\"s\"", "true", "[1]"}) {
    const std::string e = error_of(doc(std::string("boot_timeout = ") + bad + "\n"));
    EXPECT_EQ(e.rfind("scenarios/x.toml:1:16: boot_timeout: " + expected, 0), 0u) << e;
  }
  EXPECT_EQ(error_of(doc("boot_timeout = \"-1s\"\n")),
            "scenarios/x.toml:1:16: boot_timeout: a duration cannot be negative, found \"-1s\"");
  EXPECT_EQ(error_of(doc("boot_timeout = -5\n")),
            "scenarios/x.toml:1:16: boot_timeout: a duration cannot be negative, found -5");
  EXPECT_EQ(error_of(doc("boot_timeout = \"0\"\n")),
            "scenarios/x.toml:1:16: boot_timeout: expected a duration above 0, found \"0\"");
  EXPECT_EQ(error_of(doc("boot_timeout = inf\n")).rfind("scenarios/x.toml:1:16: boot_timeout: " + expected, 0), 0u);
}

TEST(ScenarioFile, HangTimeoutAtMostBootTimeout) {
  EXPECT_DOUBLE_EQ(parse(doc("boot_timeout = 60\nhang_timeout = 60\n")).hang_timeout_s, 60);
  EXPECT_EQ(error_of(doc("boot_timeout = \"2m\"\nhang_timeout = \"3m\"\n")),
            "scenarios/x.toml:2:16: hang_timeout: 180s is longer than boot_timeout (120s); it must be at most that");
  // With hang_timeout left at its default, the short boot_timeout is the mistake.
  EXPECT_EQ(error_of(doc("boot_timeout = 30\n")),
            "scenarios/x.toml:1:16: boot_timeout: 30s is shorter than hang_timeout (60s by default); set "
            "hang_timeout to at most that too");
}

TEST(ScenarioFile, AppendWords) {
  EXPECT_EQ(error_of(doc("", "[guest]\nappend = [\"a\", \"\"]\n")),
            "scenarios/x.toml:6:16: guest.append[2]: expected a kernel parameter, found \"\"");
  EXPECT_EQ(error_of(doc("", "[guest]\nappend = [\"a b\"]\n")),
            "scenarios/x.toml:6:11: guest.append[1]: expected one kernel parameter without blanks (write each as its "
            "own string), found \"a b\"");
  EXPECT_EQ(error_of(doc("", "[guest]\nappend = [1]\n")),
            "scenarios/x.toml:6:11: guest.append[1]: expected a string, found 1");
  EXPECT_EQ(error_of(doc("", "[guest]\nappend = \"page_poison=1\"\n")),
            "scenarios/x.toml:6:10: guest.append: expected an array of kernel parameters like [\"page_poison=1\"], "
            "found \"page_poison=1\"");
  EXPECT_TRUE(parse(doc("", "[guest]\nappend = []\n")).append.empty());
}

TEST(ScenarioFile, Memory) {
  EXPECT_EQ(parse(doc("", "[guest]\nmemory = \"512M\"\n")).memory, "512M");
  EXPECT_EQ(error_of(doc("", "[guest]\nmemory = \"1X\"\n")),
            "scenarios/x.toml:6:10: guest.memory: expected a memory size like \"1G\", \"512M\" or 2048 (MiB), found "
            "\"1X\"");
  EXPECT_EQ(error_of(doc("", "[guest]\nmemory = -1\n")),
            "scenarios/x.toml:6:10: guest.memory: expected a memory size like \"1G\", \"512M\" or 2048 (MiB), found "
            "-1");
}

// --- Steps -------------------------------------------------------------------------

// A scenario whose only step is STEP (lines 3.. of the file).
std::string with_step(const std::string& step) { return "description = \"d\"\nexpect = \"clean\"\n[[steps]]\n" + step; }

TEST(ScenarioFile, EveryActionWithItsKeys) {
  using A = GuestStep::Action;
  const std::string text = R"(description = "d"
expect = "clean"
[[steps]]
do = "up"
[[steps]]
do = "wait_traffic"
packets = 5000
[[steps]]
do = "wait_traffic"
packets = 1
timeout = 2.5
[[steps]]
do = "down"
[[steps]]
do = "down_up"
[[steps]]
do = "mtu"
value = 9000
[[steps]]
do = "channels"
value = 4
[[steps]]
do = "reload"
[[steps]]
do = "churn"
duration = "10s"
[[steps]]
do = "churn"
duration = 1
parallel = 16
[[steps]]
do = "sleep"
duration = "100ms"
[[steps]]
do = "sleep"
duration = 0
[[steps]]
do = "reboot"
)";
  const Scenario s = parse(text);
  ASSERT_EQ(s.steps.size(), 13u);
  const std::vector<GuestStep>& st = s.steps;
  EXPECT_EQ(st[0].action, A::up);
  EXPECT_EQ(st[1].action, A::wait_traffic);
  EXPECT_EQ(st[1].packets, 5000u);
  EXPECT_DOUBLE_EQ(st[1].seconds, 30);  // the default limit
  EXPECT_EQ(st[2].packets, 1u);
  EXPECT_DOUBLE_EQ(st[2].seconds, 2.5);
  EXPECT_EQ(st[3].action, A::down);
  EXPECT_EQ(st[4].action, A::down_up);
  EXPECT_EQ(st[4].count, 1u);
  EXPECT_DOUBLE_EQ(st[4].pause_seconds, 0);
  EXPECT_EQ(st[5].action, A::mtu);
  EXPECT_EQ(st[5].value, 9000u);
  EXPECT_EQ(st[6].action, A::channels);
  EXPECT_EQ(st[6].value, 4u);
  EXPECT_EQ(st[7].action, A::reload);
  EXPECT_EQ(st[8].action, A::churn);
  EXPECT_DOUBLE_EQ(st[8].seconds, 10);
  EXPECT_EQ(st[8].parallel, 4u);  // the default
  EXPECT_DOUBLE_EQ(st[9].seconds, 1);
  EXPECT_EQ(st[9].parallel, 16u);
  EXPECT_EQ(st[10].action, A::sleep);
  EXPECT_DOUBLE_EQ(st[10].seconds, 0.1);
  EXPECT_DOUBLE_EQ(st[11].seconds, 0);
  EXPECT_EQ(st[12].action, A::reboot);
  EXPECT_EQ(st[12].line, 37);
}

TEST(ScenarioFile, MissingStepKey) {
  EXPECT_EQ(error_of(kMinimal + "[[steps]]\ndo = \"mtu\"\n"),
            "scenarios/x.toml:5:1: steps[2] (do = \"mtu\"): missing key \"value\"");
  EXPECT_EQ(error_of(with_step("do = \"wait_traffic\"\n")),
            "scenarios/x.toml:3:1: steps[1] (do = \"wait_traffic\"): missing key \"packets\"");
  EXPECT_EQ(error_of(with_step("do = \"churn\"\n")),
            "scenarios/x.toml:3:1: steps[1] (do = \"churn\"): missing key \"duration\"");
  EXPECT_EQ(error_of(with_step("do = \"sleep\"\n")),
            "scenarios/x.toml:3:1: steps[1] (do = \"sleep\"): missing key \"duration\"");
  EXPECT_EQ(error_of(with_step("do = \"channels\"\n")),
            "scenarios/x.toml:3:1: steps[1] (do = \"channels\"): missing key \"value\"");
}

TEST(ScenarioFile, StepKeysOnlyThoseOfTheAction) {
  EXPECT_EQ(error_of(with_step("do = \"mtu\"\nvalue = 1500\ncount = 2\n")),
            "scenarios/x.toml:6:1: steps[1] (do = \"mtu\"): unknown key \"count\" (mtu takes: value)");
  EXPECT_EQ(error_of(with_step("do = \"down_up\"\ncounts = 2\n")),
            "scenarios/x.toml:5:1: steps[1] (do = \"down_up\"): unknown key \"counts\" (down_up takes: count, pause); "
            "did you mean \"count\"?");
  EXPECT_EQ(error_of(with_step("do = \"up\"\nvalue = 1\n")),
            "scenarios/x.toml:5:1: steps[1] (do = \"up\"): unknown key \"value\" (up takes no other keys)");
  EXPECT_EQ(error_of(with_step("do = \"reboot\"\ncount = 1\n")),
            "scenarios/x.toml:5:1: steps[1] (do = \"reboot\"): unknown key \"count\" (reboot takes no other keys)");
}

TEST(ScenarioFile, StepValues) {
  struct Case {
    std::string step, message;
  };
  const Case cases[] = {
      {"do = \"mtu\"\nvalue = 67\n", "scenarios/x.toml:5:9: steps[1].value: expected an integer in 68..9702, found 67"},
      {"do = \"mtu\"\nvalue = 9703\n",
       "scenarios/x.toml:5:9: steps[1].value: expected an integer in 68..9702, found 9703"},
      {"do = \"channels\"\nvalue = 65\n",
       "scenarios/x.toml:5:9: steps[1].value: expected an integer in 1..64, found 65"},
      {"do = \"down_up\"\ncount = 1001\n",
       "scenarios/x.toml:5:9: steps[1].count: expected an integer in 1..1000, found 1001"},
      {"do = \"down_up\"\npause = \"-1ms\"\n",
       "scenarios/x.toml:5:9: steps[1].pause: a duration cannot be negative, found \"-1ms\""},
      {"do = \"churn\"\nduration = 0\n",
       "scenarios/x.toml:5:12: steps[1].duration: expected a duration above 0, found 0"},
      {"do = \"churn\"\nduration = 1\nparallel = 0\n",
       "scenarios/x.toml:6:12: steps[1].parallel: expected an integer in 1..64, found 0"},
      {"do = \"wait_traffic\"\npackets = 0\n",
       "scenarios/x.toml:5:11: steps[1].packets: expected an integer >= 1, found 0"},
      {"do = \"wait_traffic\"\npackets = 1\ntimeout = 0\n",
       "scenarios/x.toml:6:11: steps[1].timeout: expected a duration above 0, found 0"},
  };
  for (const Case& c : cases) EXPECT_EQ(error_of(with_step(c.step)), c.message);
}

TEST(ScenarioFile, StepActionErrors) {
  EXPECT_EQ(error_of(with_step("do = \"upp\"\n")),
            "scenarios/x.toml:4:6: steps[1].do: expected an action, one of: up, wait_traffic, down, down_up, mtu, "
            "channels, reload, churn, sleep, reboot, found \"upp\"; did you mean \"up\"?");
  EXPECT_EQ(error_of(with_step("do = 3\n")),
            "scenarios/x.toml:4:6: steps[1].do: expected an action, one of: up, wait_traffic, down, down_up, mtu, "
            "channels, reload, churn, sleep, reboot, found 3");
  EXPECT_EQ(error_of(with_step("value = 3\n")),
            "scenarios/x.toml:3:1: steps[1]: missing key \"do\" (one of: up, wait_traffic, down, down_up, mtu, "
            "channels, reload, churn, sleep, reboot)");
}

TEST(ScenarioFile, StepsMustBeTables) {
  EXPECT_EQ(error_of("description = \"d\"\nexpect = \"clean\"\nsteps = []\n"),
            "scenarios/x.toml:3:9: steps: expected at least one [[steps]] table, found an empty array");
  EXPECT_EQ(error_of("description = \"d\"\nexpect = \"clean\"\nsteps = 1\n"),
            "scenarios/x.toml:3:9: steps: expected at least one [[steps]] table, found 1");
  EXPECT_EQ(error_of("description = \"d\"\nexpect = \"clean\"\nsteps = [\"up\"]\n"),
            "scenarios/x.toml:3:10: steps[1]: expected a table ([[steps]]), found \"up\"");
  // Inline tables are tables too.
  EXPECT_EQ(parse("description = \"d\"\nexpect = \"clean\"\nsteps = [{do = \"mtu\", value = 1500}]\n").steps[0].value,
            1500u);
}

TEST(ScenarioFile, RebootOnlyLast) {
  const std::string text = kMinimal + "[[steps]]\ndo = \"reboot\"\n[[steps]]\ndo = \"up\"\n";
  EXPECT_EQ(error_of(text), "scenarios/x.toml:5:1: steps[2]: \"reboot\" must be the last step (steps[3] follows it)");
}

// --- --set ----------------------------------------------------------------------------

TEST(ScenarioOverride, Number) {
  EXPECT_EQ(parse(kMinimal, {"boots=7"}).boots, 7u);
  EXPECT_EQ(parse(doc("boots = 2\n"), {"boots=7"}).boots, 7u);
}

TEST(ScenarioOverride, UnquotedTextAndDurations) {
  const Scenario s = parse(kMinimal, {"device.rx_disable_latency=500ms", "boot_timeout=1.5m", "hang_timeout=30",
                                      "expect=reproduced", "description=from the command line"});
  EXPECT_EQ(s.device.rx_disable_latency, "500ms");
  EXPECT_DOUBLE_EQ(s.boot_timeout_s, 90);
  EXPECT_DOUBLE_EQ(s.hang_timeout_s, 30);
  EXPECT_EQ(s.expect, Verdict::reproduced);
  EXPECT_EQ(s.description, "from the command line");
  EXPECT_EQ(parse(kMinimal, {"device.tx_disable_latency=uniform:1ms:2ms"}).device.tx_disable_latency,
            "uniform:1ms:2ms");
}

TEST(ScenarioOverride, TextKeysKeepWhatWasWritten) {
  // 2048 and 0 read as TOML integers; these keys hold text, so they stay text.
  const Scenario s = parse(kMinimal, {"guest.memory=2048", "device.rx_disable_latency=0", "description=42"});
  EXPECT_EQ(s.memory, "2048");
  EXPECT_EQ(s.device.rx_disable_latency, "0");
  EXPECT_EQ(s.description, "42");
  EXPECT_EQ(parse(kMinimal, {"description=\"quoted\""}).description, "quoted");
}

TEST(ScenarioOverride, ArrayAndBoolean) {
  const Scenario s =
      parse(doc("", "[guest]\nappend = [\"a=1\"]\n"),
            {"guest.append=[\"slub_debug=FZP\", \"page_poison=1\"]", "device.rx_enable_cancels_disable=false"});
  EXPECT_EQ(s.append, (std::vector<std::string>{"slub_debug=FZP", "page_poison=1"}));
  EXPECT_FALSE(s.device.rx_enable_cancels_disable);
}

TEST(ScenarioOverride, CreatesASectionTheFileLacks) {
  const Scenario s = parse(kMinimal, {"traffic.pps=unlimited", "traffic.flows=8"});
  EXPECT_TRUE(s.traffic.unlimited);
  EXPECT_EQ(s.traffic.flows, 8u);
}

TEST(ScenarioOverride, LaterWins) {
  EXPECT_EQ(parse(kMinimal, {"boots=2", "boots=5"}).boots, 5u);
  // An earlier bad value is replaced before anything is checked.
  EXPECT_EQ(parse(kMinimal, {"boots=0", "boots=5"}).boots, 5u);
}

TEST(ScenarioOverride, BadValueNamesTheSet) {
  const std::string e = error_of(kMinimal, {"device.rx_disable_latency=1x"});
  EXPECT_EQ(e.rfind("--set device.rx_disable_latency=1x: device.rx_disable_latency: \"1x\" is not a latency: ", 0), 0u)
      << e;
  EXPECT_EQ(error_of(kMinimal, {"boots=many"}),
            "--set boots=many: boots: expected an integer in 1..1000, found \"many\"");
  EXPECT_EQ(error_of(kMinimal, {"guest.append=[\"a b\"]"}),
            "--set guest.append=[\"a b\"]: guest.append[1]: expected one kernel parameter without blanks (write each "
            "as its own string), found \"a b\"");
  EXPECT_EQ(error_of(doc("boot_timeout = 90\n"), {"hang_timeout=100"}),
            "--set hang_timeout=100: hang_timeout: 100s is longer than boot_timeout (90s); it must be at most that");
  // The file's own values still point into the file.
  EXPECT_EQ(error_of(doc("boots = 0\n"), {"guest.cpus=3"}),
            "scenarios/x.toml:1:9: boots: expected an integer in 1..1000, found 0");
}

TEST(ScenarioOverride, UnknownKeys) {
  EXPECT_EQ(error_of(kMinimal, {"device.foo=1"}),
            "--set device.foo=1: unknown key \"device.foo\" (known keys in [device]: rx_disable_latency, "
            "tx_disable_latency, disable_seed, rx_enable_cancels_disable, rx_desc_cache, queues)");
  EXPECT_EQ(error_of(kMinimal, {"bots=3"}),
            "--set bots=3: unknown key \"bots\" (known top-level keys: description, expect, boots, boot_timeout, "
            "hang_timeout, guest, device, traffic, steps); did you mean \"boots\"?");
  const std::string typo = error_of(kMinimal, {"traffic.ppps=1"});
  EXPECT_EQ(typo.substr(typo.find(')')), "); did you mean \"traffic.pps\"?") << typo;
  EXPECT_EQ(error_of(kMinimal, {"device=1"}),
            "--set device=1: [device] is a table; set one of its keys: device.rx_disable_latency, "
            "device.tx_disable_latency, device.disable_seed, device.rx_enable_cancels_disable, device.rx_desc_cache, "
            "device.queues");
  EXPECT_EQ(error_of(kMinimal, {"boots.x=1"}),
            "--set boots.x=1: \"boots\" is not a table: set it as --set boots=VALUE");
}

TEST(ScenarioOverride, MissingEquals) {
  EXPECT_EQ(error_of(kMinimal, {"boots"}),
            "--set boots: expected KEY=VALUE, e.g. --set boots=3 or --set device.rx_disable_latency=500ms");
  EXPECT_EQ(error_of(kMinimal, {"=3"}),
            "--set =3: expected KEY=VALUE, e.g. --set boots=3 or --set device.rx_disable_latency=500ms");
}

TEST(ScenarioOverride, StepsRefused) {
  const std::string message =
      ": steps cannot be overridden; they are what the scenario is, so write a scenario file with the steps you want";
  EXPECT_EQ(error_of(kMinimal, {"steps=[]"}), "--set steps=[]" + message);
  EXPECT_EQ(error_of(kMinimal, {"steps[1].do=down"}), "--set steps[1].do=down" + message);
}

TEST(ScenarioOverride, EmptyValueIsEmptyText) {
  EXPECT_EQ(error_of(kMinimal, {"description="}),
            "--set description=: description: expected a one-line summary of the scenario, found \"\"");
}

// --- Files ------------------------------------------------------------------------------

class ScenarioFind : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/scenario-file-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    root_ = dir;
    std::filesystem::create_directory(root_ + "/scenarios");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void write(const std::string& relative, const std::string& text) { std::ofstream(root_ + "/" + relative) << text; }

  std::string root_;
};

TEST_F(ScenarioFind, ListsTomlFilesSorted) {
  write("scenarios/field-report.toml", kMinimal);
  write("scenarios/baseline.toml", kMinimal);
  write("scenarios/README.md", "not a scenario");
  std::filesystem::create_directory(root_ + "/scenarios/runner");
  EXPECT_EQ(list_scenarios(root_), (std::vector<std::string>{"baseline", "field-report"}));
  EXPECT_TRUE(list_scenarios(root_ + "/nowhere").empty());
}

TEST_F(ScenarioFind, NameOrPath) {
  write("scenarios/field-report.toml", kMinimal);
  write("other.toml", kMinimal);
  EXPECT_EQ(find_scenario_file("field-report", root_), root_ + "/scenarios/field-report.toml");
  EXPECT_EQ(find_scenario_file(root_ + "/other.toml", root_), root_ + "/other.toml");
}

TEST_F(ScenarioFind, NotFoundListsTheScenarios) {
  write("scenarios/field-report.toml", kMinimal);
  write("scenarios/baseline.toml", kMinimal);
  EXPECT_THROW(find_scenario_file("nope", root_), ScenarioError);
  try {
    find_scenario_file("field-reprot", root_);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "unknown scenario \"field-reprot\" (there is no " + root_ +
                                         "/scenarios/field-reprot.toml); the scenarios are: baseline, field-report; "
                                         "did you mean \"field-report\"?");
  }
  try {
    find_scenario_file("missing.toml", root_);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "scenario file missing.toml does not exist; the scenarios are: baseline, field-report");
  }
}

TEST_F(ScenarioFind, NotFoundWithNoScenarios) {
  try {
    find_scenario_file("x", root_);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "unknown scenario \"x\" (there is no " + root_ +
                                         "/scenarios/x.toml); there are no scenarios in " + root_ + "/scenarios");
  }
}

TEST_F(ScenarioFind, LoadNamesTheScenarioAfterItsFile) {
  write("scenarios/field-report.toml", doc("boots = 4\n"));
  const std::string path = find_scenario_file("field-report", root_);
  const Scenario s = load_scenario(path, {"boots=9"});
  EXPECT_EQ(s.name, "field-report");
  EXPECT_EQ(s.path, path);
  EXPECT_EQ(s.boots, 9u);
}

TEST_F(ScenarioFind, LoadErrorsNameThePath) {
  write("scenarios/bad.toml", doc("bots = 4\n"));
  try {
    load_scenario(root_ + "/scenarios/bad.toml");
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(root_ + "/scenarios/bad.toml:1:1: unknown key \"bots\"", 0), 0u) << e.what();
  }
  try {
    load_scenario(root_ + "/scenarios/none.toml");
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              root_ + "/scenarios/none.toml: cannot read the scenario: No such file or directory");
  }
}

// --- Names ----------------------------------------------------------------------------------

TEST(ScenarioNames, VerdictsRoundTrip) {
  for (Verdict v : {Verdict::reproduced, Verdict::clean, Verdict::hang, Verdict::error}) {
    EXPECT_EQ(parse_verdict(verdict_name(v)), v);
  }
  EXPECT_STREQ(verdict_name(Verdict::reproduced), "reproduced");
  EXPECT_STREQ(verdict_name(Verdict::hang), "hang");
  EXPECT_EQ(parse_verdict("Clean"), std::nullopt);
  EXPECT_EQ(parse_verdict(""), std::nullopt);
}

TEST(ScenarioNames, StepActions) {
  EXPECT_STREQ(step_action_name(GuestStep::Action::wait_traffic), "wait_traffic");
  EXPECT_STREQ(step_action_name(GuestStep::Action::down_up), "down_up");
  EXPECT_STREQ(step_action_name(GuestStep::Action::reboot), "reboot");
}

}  // namespace
}  // namespace x710
