#include "console_watch.h"

#include <gtest/gtest.h>

namespace x710 {
namespace {

TEST(ConsoleWatch, QuietBootIsNoPanic) {
  ConsoleWatch watch;
  watch.feed("[    0.000000] Linux version 6.1.0\r\n[    1.0] Run /init as init process\r\n");
  EXPECT_FALSE(watch.panicked());
}

TEST(ConsoleWatch, PanicLineSplitAcrossChunks) {
  ConsoleWatch watch;
  watch.feed("[   12.3] Kernel pan");
  EXPECT_FALSE(watch.panicked());
  watch.feed("ic - not syncing: sysrq triggered crash\r\n");
  EXPECT_TRUE(watch.panicked());
  EXPECT_EQ(watch.panic_line(), "Kernel panic - not syncing: sysrq triggered crash");
  EXPECT_FALSE(watch.panic_report_done());
  watch.feed("[   12.4] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---\r\n");
  EXPECT_TRUE(watch.panic_report_done());
}

}  // namespace
}  // namespace x710
