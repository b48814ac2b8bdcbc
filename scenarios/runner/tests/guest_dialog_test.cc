#include "guest_dialog.h"

#include <gtest/gtest.h>

#include "control_port.h"

namespace x710 {
namespace {

TEST(GuestDialog, FirstHelloGetsTheCommandAsBootOne) {
  GuestDialog dialog("true", 1);
  const auto answer = dialog.on_hello();
  EXPECT_EQ(answer.error, "");
  EXPECT_EQ(answer.line, run_line(1, "true"));
  EXPECT_EQ(dialog.boot_index(), 1);
}

TEST(GuestDialog, ARebootGetsTheSameCommandWithTheNextIndex) {
  GuestDialog dialog("reboot -f", 2);
  dialog.on_hello();
  const auto answer = dialog.on_hello();
  EXPECT_EQ(answer.line, run_line(2, "reboot -f"));
}

TEST(GuestDialog, OneBootTooManyIsAnError) {
  GuestDialog dialog("reboot -f", 2);
  dialog.on_hello();
  dialog.on_hello();
  const auto answer = dialog.on_hello();
  EXPECT_EQ(answer.line, "");
  EXPECT_NE(answer.error.find("guest rebooted more than 2 times"), std::string::npos);
}

TEST(GuestDialog, WithOneBootAnyRebootIsAnError) {
  GuestDialog dialog("reboot -f", 1);
  dialog.on_hello();
  EXPECT_NE(dialog.on_hello().error.find("guest rebooted more than 1 times"), std::string::npos);
}

TEST(GuestDialog, NoCommandMeansShell) {
  GuestDialog dialog(std::nullopt, 1);
  EXPECT_TRUE(dialog.interactive());
  EXPECT_EQ(dialog.on_hello().line, shell_line(1));
}

}  // namespace
}  // namespace x710
