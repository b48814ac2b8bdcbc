#include "outcome.h"

#include <gtest/gtest.h>
#include <signal.h>

namespace x710 {
namespace {

using Kind = Outcome::Kind;

TEST(Outcome, GuestStatusIsPassedThrough) {
  EXPECT_EQ(exit_code_for(Outcome::exited(0)), 0);
  EXPECT_EQ(exit_code_for(Outcome::exited(3)), 3);
  EXPECT_EQ(exit_code_for(Outcome::exited(256 + 1)), 1);
}

TEST(Outcome, FailureCodes) {
  EXPECT_EQ(exit_code_for(Outcome::failed(Kind::timeout, "")), 124);
  EXPECT_EQ(exit_code_for(Outcome::failed(Kind::infrastructure, "")), 125);
  EXPECT_EQ(exit_code_for(Outcome::failed(Kind::interrupted, "")), 130);
  EXPECT_EQ(exit_code_for(Outcome::failed(Kind::terminated, "")), 143);
  EXPECT_EQ(exit_code_for(Outcome::failed(Kind::output_closed, "")), 141);
  EXPECT_EQ(exit_code_for(Outcome::failed(Kind::guest_died, "")), 255);
}

TEST(Outcome, OnlyHostOrGuestFailuresKeepTheRunDirectory) {
  EXPECT_FALSE(run_failed(Outcome::exited(1)));
  EXPECT_FALSE(run_failed(Outcome::failed(Kind::interrupted, "")));
  EXPECT_TRUE(run_failed(Outcome::failed(Kind::timeout, "")));
  EXPECT_TRUE(run_failed(Outcome::failed(Kind::guest_died, "")));
  EXPECT_TRUE(run_failed(Outcome::failed(Kind::infrastructure, "")));
}

TEST(Outcome, Signals) {
  EXPECT_EQ(exit_code_for(outcome_for_signal(SIGINT)), 130);
  EXPECT_EQ(exit_code_for(outcome_for_signal(SIGTERM)), 143);
  EXPECT_EQ(outcome_for_signal(SIGHUP).message, "terminated by SIGHUP");
}

TEST(Outcome, HelpListsEveryCode) {
  const std::string help = exit_code_help();
  for (const char* code : {"124", "125", "130", "141", "143", "255"}) {
    EXPECT_NE(help.find(code), std::string::npos) << code;
  }
}

}  // namespace
}  // namespace x710
