// The device's flood reaches the real driver: over 10 s the interface's
// rx_packets grows by at least 100000, every queue (one per vCPU, 2 here)
// receives, and i40e reports no Tx hang, reset, timeout or error.
#include <gtest/gtest.h>

#include <sstream>

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

TEST(Flood, TenSecondsReachEveryQueueWithoutDriverComplaints) {
  const GuestRun run = run_guest(kScript, {"--cpus", "2", "--device-arg=--flood-pps=30000", "--timeout", "300"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
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
