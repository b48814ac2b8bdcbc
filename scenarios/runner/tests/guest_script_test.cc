#include "guest_script.h"

#include <gtest/gtest.h>

namespace x710 {
namespace {

Scenario with_steps(std::vector<GuestStep> steps, uint32_t boots = 1) {
  Scenario s;
  s.path = "scenarios/t.toml";
  s.boots = boots;
  s.steps = std::move(steps);
  return s;
}

TEST(GuestScript, OneCallPerStepWithItsArguments) {
  GuestStep up;
  GuestStep wait{.action = GuestStep::Action::wait_traffic, .packets = 20000, .seconds = 30};
  GuestStep churn{.action = GuestStep::Action::churn, .seconds = 12.5, .parallel = 2};
  GuestStep bounce{.action = GuestStep::Action::down_up, .pause_seconds = 0.25, .count = 3};
  GuestStep mtu{.action = GuestStep::Action::mtu, .value = 9000};
  const std::string script = guest_script(with_steps({up, wait, churn, bounce, mtu}, 4));
  EXPECT_NE(script.find(". /usr/lib/x710/steps.sh\n"), std::string::npos);
  EXPECT_NE(script.find("x710_steps_begin 5 4\n"
                        "x710_step up\n"
                        "x710_step wait_traffic 20000 30\n"
                        "x710_step churn 12.5 2\n"
                        "x710_step down_up 3 0.25\n"
                        "x710_step mtu 9000\n"
                        "x710_steps_end\n"),
            std::string::npos)
      << script;
}

TEST(GuestScript, TooManyStepsForOneControlLineAreRefused) {
  std::vector<GuestStep> many(400, GuestStep{.action = GuestStep::Action::sleep, .seconds = 1});
  EXPECT_THROW(guest_script(with_steps(many)), std::invalid_argument);
}

TEST(GuestScript, StepLinesAreParsed) {
  StepLine s;
  ASSERT_TRUE(parse_step_line("[    7.48] x710-step 2 6/8 down_up 1 0 (uptime 7.43)", s));
  EXPECT_EQ(s.kind, StepLine::Kind::step);
  EXPECT_EQ(s.boot, 2);
  EXPECT_EQ(s.index, 6);
  EXPECT_EQ(s.total, 8);
  EXPECT_EQ(s.text, "down_up 1 0 (uptime 7.43)");
  ASSERT_TRUE(parse_step_line("x710-step 1 reboot (uptime 20.1)", s));
  EXPECT_EQ(s.kind, StepLine::Kind::reboot);
  ASSERT_TRUE(parse_step_line("x710-step 1 failed: eth0 has no carrier", s));
  EXPECT_EQ(s.kind, StepLine::Kind::failed);
  EXPECT_EQ(s.text, "eth0 has no carrier");
  ASSERT_TRUE(parse_step_line("x710-step 3 done (uptime 30.0)", s));
  EXPECT_EQ(s.kind, StepLine::Kind::done);
  EXPECT_FALSE(parse_step_line("i40e 0000:00:02.0: VSI seid 512 Rx ring 0 disable timeout", s));
}

}  // namespace
}  // namespace x710
