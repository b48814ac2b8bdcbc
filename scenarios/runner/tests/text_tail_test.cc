#include "text_tail.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

namespace x710 {
namespace {

TEST(TextTail, LastLines) {
  EXPECT_EQ(last_lines("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(last_lines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(last_lines("a\nb\n", 5), "a\nb\n");
  EXPECT_EQ(last_lines("", 3), "");
  EXPECT_EQ(last_lines("a\nb\n", 0), "");
}

TEST(TextTail, MissingFileIsEmpty) { EXPECT_EQ(file_tail("/nonexistent/x710/log", 3), ""); }

TEST(TextTail, MessageQuotesTheLog) {
  char path[] = "/tmp/x710-tail-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(with_log_tail("it failed", path), std::string("it failed (") + path + " is empty)");
  const std::string text = "one\ntwo\nthree\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  EXPECT_EQ(with_log_tail("it failed", path, 2),
            std::string("it failed; last lines of ") + path + ":\ntwo\nthree");
  unlink(path);
}

}  // namespace
}  // namespace x710
