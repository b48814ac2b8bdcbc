// --hostfwd rules in QEMU's syntax, and the errors that name the bad part.
#include <gtest/gtest.h>

#include "slirp_backend.h"

namespace x710 {
namespace {

TEST(Hostfwd, QemuSyntax) {
  SlirpBackend::Forward f;
  std::string error;
  ASSERT_TRUE(SlirpBackend::parse_hostfwd("tcp::5555-:22", f, error)) << error;
  EXPECT_FALSE(f.udp);
  EXPECT_EQ(f.host_addr, "");
  EXPECT_EQ(f.host_port, 5555);
  EXPECT_EQ(f.guest_addr, "");
  EXPECT_EQ(f.guest_port, 22);
  ASSERT_TRUE(SlirpBackend::parse_hostfwd("udp:127.0.0.1:6000-10.0.2.15:7000", f, error)) << error;
  EXPECT_TRUE(f.udp);
  EXPECT_EQ(f.host_addr, "127.0.0.1");
  EXPECT_EQ(f.guest_addr, "10.0.2.15");
  EXPECT_EQ(f.guest_port, 7000);
}

TEST(Hostfwd, ErrorsNameTheRuleAndTheProblem) {
  SlirpBackend::Forward f;
  std::string error;
  for (const char* bad : {"", "tcp", "tcp:5555:22", "sctp::1-:2", "tcp::0-:22", "tcp::70000-:22", "tcp::x-:22",
                          "tcp:1.2.3:5555-:22", "tcp::5555-22"}) {
    EXPECT_FALSE(SlirpBackend::parse_hostfwd(bad, f, error)) << bad;
    EXPECT_NE(error.find(std::string("'") + bad + "'"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace x710
