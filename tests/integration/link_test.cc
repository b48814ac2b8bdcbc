// Pulling the cable through the control channel: the device posts the
// link-status event on the admin receive queue, and the driver reports the
// carrier down, then up again, within seconds.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "guest_run.h"

namespace x710::test {
namespace {

TEST(Link, CableOutAndBackThroughTheControlChannel) {
  char tmpl[] = "/tmp/x710-link-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  std::string down_reply, up_reply;
  std::thread operator_thread([&] {
    // Once the guest has the interface up (its queues are enabled); on a
    // timeout the guest's carrier checks below fail and say so.
    wait_for_rx_enabled(dir, std::chrono::seconds(120));
    std::this_thread::sleep_for(std::chrono::seconds(2));
    down_reply = ctl(dir, R"({"op":"link","up":false})");
    std::this_thread::sleep_for(std::chrono::seconds(3));
    up_reply = ctl(dir, R"({"op":"link","up":true})");
  });
  const char* script = R"SH(
ip link set eth0 up
wait_for() { i=0; while [ "$(cat /sys/class/net/eth0/carrier)" != "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; echo "carrier=$(cat /sys/class/net/eth0/carrier)"; }
echo "@@SECTION first"; wait_for 1
echo "@@SECTION down"; wait_for 0
echo "@@SECTION up"; wait_for 1
echo "@@SECTION log"; dmesg | grep -E 'NIC Link is (Up|Down)'
)SH";
  const GuestRun run = run_guest(script, {"--out", dir, "--timeout", "300"});
  operator_thread.join();
  std::filesystem::remove_all(dir);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(down_reply.find("\"link_up\":false"), std::string::npos) << down_reply;
  EXPECT_NE(up_reply.find("\"link_up\":true"), std::string::npos) << up_reply;
  EXPECT_EQ(run.section("first"), "carrier=1\n");
  EXPECT_EQ(run.section("down"), "carrier=0\n") << run.output;
  EXPECT_EQ(run.section("up"), "carrier=1\n") << run.output;
  EXPECT_NE(run.section("log").find("NIC Link is Down"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace x710::test
