#include "boot_plan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_command.h"

#include <sstream>

namespace x710 {
namespace {

TEST(BootPlan, CommandWordsAreJoinedLikeVirtmeNg) {
  EXPECT_FALSE(guest_command({}).has_value());
  EXPECT_EQ(guest_command({"uname -r; exit 3"}), "uname -r; exit 3");
  EXPECT_EQ(guest_command({"uname", "-r"}), "uname -r");
}

TEST(TestCommand, MesonArgv) {
  EXPECT_EQ(meson_test_argv("/b", {"--suite", "unit"}),
            (std::vector<std::string>{"meson", "test", "-C", "/b", "--print-errorlogs", "--suite",
                                      "unit"}));
}

}  // namespace
}  // namespace x710

namespace x710 {
namespace {

TEST(BootPlan, DefaultKernelPrefersAnUncompressedVmlinux) {
  char dir[] = "/tmp/x710-plan-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string guest(dir);
  EXPECT_EQ(default_kernel(guest), guest + "/vmlinuz");
  std::ofstream(guest + "/vmlinux") << "ELF";
  EXPECT_EQ(default_kernel(guest), guest + "/vmlinux");
  std::filesystem::remove_all(guest);
}

}  // namespace
}  // namespace x710

namespace x710 {
namespace {

TEST(TestCommand, TalliesMesonResults) {
  std::istringstream log(
      R"({"name": "device-unit", "result": "OK"})"
      "\n"
      R"({"name": "guest-bringup", "result": "FAIL"})"
      "\n"
      R"({"name": "x", "result": "SKIP"})"
      "\n"
      R"({"name": "y", "result": "TIMEOUT"})"
      "\n"
      "not json\n"
      R"({"name": "z", "result": "EXPECTEDFAIL"})"
      "\n");
  const TestTally t = tally_meson_log(log);
  EXPECT_EQ(t.passed, 2);
  EXPECT_EQ(t.failed, 2);
  EXPECT_EQ(t.skipped, 1);
}

}  // namespace
}  // namespace x710
