// The scenarios end to end (`x710-cli run`, the same path as `./x710 run`):
// the real Debian 6.1 guest and its i40e driver against the device with a
// stop latency. The shortened reproduction is page-poison (field-report with
// page_poison=1): the kernel itself then reports the late writes at the next
// allocation of a corrupted free page, in 10 of 10 runs measured, whereas
// plain field-report's corruption ends in a silent hang about one run in ten,
// which would make this test flaky. The device's timeline must show why:
// flood frames written more than the driver's 50 ms after it asked the queue
// to stop. healthy-nic, the same run with a 20 ms latency, must stay clean.
// Bad scenario input must fail before a boot.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "guest_run.h"

namespace x710::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "x710-scenario-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("missing " + file.string());
  return json::parse(in);
}

std::vector<json> read_timeline(const fs::path& file) {
  std::vector<json> events;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) events.push_back(json::parse(line));
  return events;
}

TEST(Scenario, ShortenedPagePoisonReproducesTheCorruption) {
  TempDir out;
  // About one run in ten, a late write lands in a page after its poison check
  // (a new page table, say) and the guest kernel wedges without a word: the
  // verdict is then "hang". One more run is allowed for that case only;
  // "clean" or "error" fail at once.
  fs::path dir = out.path / "run";
  CliRun run = run_cli({"run", "page-poison", "--boots", "3", "--out", dir.string()});
  if (run.exit_code == 1 && read_json(dir / "report.json")["verdict"] == "hang") {
    dir = out.path / "run-again";
    run = run_cli({"run", "page-poison", "--boots", "3", "--seed", "2", "--out", dir.string()});
  }
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json report = read_json(dir / "report.json");
  EXPECT_EQ(report["verdict"], "reproduced");
  EXPECT_EQ(report["expected"], "reproduced");
  ASSERT_FALSE(report["crashes"].empty());
  // Usually page poisoning reports first ("pagealloc: memory corruption",
  // 15 of 15 measured runs); sometimes a late write into a page already
  // reused oopses first, or cuts the poisoning report short. Either way the
  // report comes with more than its first line.
  const json& crash = report["crashes"][0];
  EXPECT_FALSE(crash["title"].get<std::string>().empty());
  const std::string excerpt = crash["excerpt"].get<std::string>();
  if (crash["kind"] != "silent-fault" && crash["kind"] != "reset") {  // those have no console report
    EXPECT_GE(std::count(excerpt.begin(), excerpt.end(), '\n'), 2) << excerpt;
  }
  EXPECT_GT(report["time_to_first_crash_s"].get<double>(), 0);
  EXPECT_GT(report["guest"]["disable_timeouts"].get<int>(), 0) << "the driver gave up on a queue";
  EXPECT_GT(report["device"]["queue_disable_requests"].get<int>(), 0);
  EXPECT_GT(report["device"]["late_dma_frames"].get<int>(), 0);
  EXPECT_EQ(report["versions"]["kernel"], "6.1.0-57-amd64");

  // The mechanism, from the device's side: flood frames (traceable by their
  // sequence number) written into guest memory after the driver's ~50 ms
  // wait, i.e. after it freed the buffers.
  // (Frames from libslirp, an ARP reply say, can be late too; they carry no
  // sequence number. A frame's buffer_gpa may be 0: the queue fetched that
  // descriptor after i40e_clean_rx_ring had zeroed the ring, and real
  // hardware would DMA to address 0 too; its write-back still lands in the
  // freed ring, which is what page poisoning catches.)
  int flood_after_free = 0;
  for (const json& e : read_timeline(dir / "timeline.jsonl")) {
    if (e["event"] == "late_frame" && e["since_request_ns"].get<uint64_t>() > 60'000'000 && e.contains("seq")) {
      ++flood_after_free;
      EXPECT_GT(e["descriptor_gpa"].get<uint64_t>(), 0u) << e.dump();
    }
  }
  EXPECT_GT(flood_after_free, 0);
}

TEST(Scenario, HealthyNicStaysClean) {
  TempDir out;
  const CliRun run = run_cli({"run", "healthy-nic", "--boots", "2", "--out", (out.path / "run").string()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json report = read_json(out.path / "run" / "report.json");
  EXPECT_EQ(report["verdict"], "clean");
  EXPECT_TRUE(report["crashes"].empty()) << report["crashes"].dump();
  EXPECT_EQ(report["boots"], 2);
  EXPECT_GT(report["guest"]["disable_timeouts"].get<int>(), 0) << "the driver still polls only ~0.2 ms";
  // Every late write happened inside the driver's 50 ms: none after the free.
  for (const json& e : read_timeline(out.path / "run" / "timeline.jsonl")) {
    if (e["event"] == "late_frame") {
      EXPECT_LT(e["since_request_ns"].get<uint64_t>(), 30'000'000u) << e.dump();
    }
  }
}

// Every guest step of steps.sh against the real driver, over two boots (the
// second after the scenario's reboot), with no stop latency: clean.
TEST(Scenario, EveryGuestStepWorksWithTheRealDriver) {
  TempDir out;
  const fs::path file = out.path / "every-step.toml";
  std::ofstream(file) << R"(description = "every guest step once"
expect = "clean"
boots = 2
[traffic]
pps = 5000
[[steps]]
do = "up"
[[steps]]
do = "wait_traffic"
packets = 1000
[[steps]]
do = "mtu"
value = 9000
[[steps]]
do = "channels"
value = 1
[[steps]]
do = "down"
[[steps]]
do = "reload"
[[steps]]
do = "up"
[[steps]]
do = "wait_traffic"
packets = 1000
[[steps]]
do = "churn"
duration = "2s"
parallel = 2
[[steps]]
do = "down_up"
count = 2
pause = "0.2s"
[[steps]]
do = "sleep"
duration = "1s"
[[steps]]
do = "reboot"
)";
  const CliRun run = run_cli({"run", file.string(), "--out", (out.path / "run").string()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json report = read_json(out.path / "run" / "report.json");
  EXPECT_EQ(report["verdict"], "clean");
  EXPECT_EQ(report["boots"], 2);
  std::ifstream guest(out.path / "run" / "guest.log");
  const std::string log((std::istreambuf_iterator<char>(guest)), std::istreambuf_iterator<char>());
  for (const char* step : {"x710-step 1 3/12 mtu 9000", "x710-step 1 4/12 channels 1", "x710-step 1 6/12 reload",
                           "x710-step 1 reboot", "x710-step 2 12/12 reboot", "x710-step 2 done"}) {
    EXPECT_NE(log.find(step), std::string::npos) << step << "\n" << log;
  }
  EXPECT_EQ(log.find("failed"), std::string::npos) << log;
}

TEST(Scenario, BadInputFailsBeforeBootingAndNamesTheProblem) {
  const CliRun unknown_key = run_cli({"run", "field-report", "--set", "device.rx_disable_latncy=1s"});
  EXPECT_EQ(unknown_key.exit_code, 2) << unknown_key.output;
  EXPECT_NE(unknown_key.output.find("rx_disable_latncy"), std::string::npos) << unknown_key.output;
  const CliRun bad_value = run_cli({"run", "field-report", "--set", "device.rx_disable_latency=1x"});
  EXPECT_EQ(bad_value.exit_code, 2) << bad_value.output;
  EXPECT_NE(bad_value.output.find("device.rx_disable_latency"), std::string::npos) << bad_value.output;
  const CliRun missing = run_cli({"run", "no-such-scenario"});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("field-report"), std::string::npos) << "lists what exists: " << missing.output;
}

}  // namespace
}  // namespace x710::test
