// The device's flood reaches the real driver: over 10 s the interface's
// rx_packets grows by at least 100000, every queue (one per vCPU, 2 here)
// receives, and i40e reports no Tx hang, reset, timeout or error. Meanwhile
// the device, asked through its control channel, offers the requested rate
// within 5% by its own clock, and counts every offered frame as delivered or
// dropped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "guest_run.h"

namespace x710::test {
namespace {

const char* kScript = R"SH(
ip link set eth0 up
i=0; while [ "$(cat /sys/class/net/eth0/operstate)" != up ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
before=$(cat /sys/class/net/eth0/statistics/rx_packets)
sleep 10
after=$(cat /sys/class/net/eth0/statistics/rx_packets)
echo "@@SECTION growth"; echo $((after - before))
echo "@@SECTION queues"; ethtool -S eth0 | grep -E '^ +rx-[0-9]+\.packets'
sleep 2  # the watchdog samples the statistics registers once a second
echo "@@SECTION port"; ethtool -S eth0 | grep -E '^ +port\.rx_unicast:' | sed 's/.*: //'
echo "@@SECTION problems"; dmesg | grep i40e | grep -i -E 'hang|reset|timeout|error|fail'
echo "@@SECTION end"
)SH";

constexpr uint64_t kPps = 30000;

// Two stats samples of the device a few seconds apart, taken while the
// guest's interface is up.
struct FloodSamples {
  nlohmann::json first, second;
};

FloodSamples sample_flood(const std::string& run_dir) {
  using nlohmann::json;
  FloodSamples s;
  // On a timeout the samples lack "flood" and the test says so.
  wait_for_rx_enabled(run_dir, std::chrono::seconds(120));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  s.first = json::parse(ctl(run_dir, R"({"op":"stats"})"), nullptr, false);
  std::this_thread::sleep_for(std::chrono::seconds(6));
  s.second = json::parse(ctl(run_dir, R"({"op":"stats"})"), nullptr, false);
  return s;
}

TEST(Flood, TenSecondsReachEveryQueueWithoutDriverComplaints) {
  char tmpl[] = "/tmp/x710-flood-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  FloodSamples samples;
  std::thread sampler([&] { samples = sample_flood(dir); });
  const GuestRun run = run_guest(kScript, {"--cpus", "2", "--device-arg=--flood-pps=" + std::to_string(kPps),
                                           "--out", dir, "--timeout", "300"});
  sampler.join();
  std::filesystem::remove_all(dir);
  ASSERT_EQ(run.exit_code, 0) << run.output;

  // The rate the device offered, by the clock it paces with. The guest's
  // speed does not enter: what it cannot take is counted as dropped.
  ASSERT_TRUE(samples.first.contains("flood") && samples.second.contains("flood"))
      << samples.first.dump() << "\n" << samples.second.dump();
  const auto& a = samples.first;
  const auto& b = samples.second;
  EXPECT_EQ(b["flood"]["pps"].get<uint64_t>(), kPps);
  const double seconds = static_cast<double>(b["now_ns"].get<uint64_t>() - a["now_ns"].get<uint64_t>()) / 1e9;
  const double offered = static_cast<double>(b["flood"]["offered"].get<uint64_t>() - a["flood"]["offered"].get<uint64_t>());
  ASSERT_GT(seconds, 3.0);
  std::printf("flood: %.0f frames/s offered over %.1f s by the device's clock (requested %llu)\n", offered / seconds,
              seconds, static_cast<unsigned long long>(kPps));
  EXPECT_NEAR(offered / seconds, static_cast<double>(kPps), 0.05 * kPps)
      << offered << " frames offered in " << seconds << " s";
  for (const auto* s : {&a, &b}) {
    const auto& f = (*s)["flood"];
    EXPECT_EQ(f["offered"].get<uint64_t>(), f["delivered"].get<uint64_t>() + f["dropped"].get<uint64_t>()) << f.dump();
  }

  ASSERT_TRUE(run.sections.count("end")) << run.output;
  const long growth = std::stol(run.section("growth"));
  EXPECT_GE(growth, 100000) << run.output;
  std::istringstream queues(run.section("queues"));
  std::string line;
  int n = 0;
  while (std::getline(queues, line)) {
    ++n;
    const long packets = std::stol(line.substr(line.find(':') + 1));
    EXPECT_GT(packets, 0) << line;
  }
  EXPECT_EQ(n, 2) << run.section("queues");
  // The statistics registers count what the device delivered: sampled after
  // the window, the port's unicast total covers at least the window's growth.
  const long port_unicast = std::stol(run.section("port"));
  EXPECT_GE(port_unicast, growth) << run.output;
  EXPECT_EQ(run.section("problems"), "") << run.section("problems");
}

}  // namespace
}  // namespace x710::test
