#include "shell_quote.h"

#include <gtest/gtest.h>

namespace x710 {
namespace {

TEST(ShellQuote, PlainWordsStayPlain) {
  EXPECT_EQ(shell_quote("/usr/bin/qemu-system-x86_64"), "/usr/bin/qemu-system-x86_64");
  EXPECT_EQ(shell_quote("file,id=con,path=/tmp/x/console.log"),
            "file,id=con,path=/tmp/x/console.log");
}

TEST(ShellQuote, QuotesWhatTheShellWouldInterpret) {
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("console=ttyS0 panic=-1"), "'console=ttyS0 panic=-1'");
  EXPECT_EQ(shell_quote("{\"driver\":\"x\"}"), "'{\"driver\":\"x\"}'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}

TEST(ShellQuote, Join) { EXPECT_EQ(shell_join({"echo", "a b", "c"}), "echo 'a b' c"); }

}  // namespace
}  // namespace x710
