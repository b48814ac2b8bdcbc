// The line framing the device and QMP clients share: lines split across
// reads or packed into one, the deadline, and a peer that goes away.
#include "unix_socket.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace x710 {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct SocketPair : ::testing::Test {
  int fds[2] = {-1, -1};
  void SetUp() override { ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0); }
  void TearDown() override {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
  void raw(const std::string& bytes) { ASSERT_EQ(::write(fds[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())); }
};

TEST_F(SocketPair, TwoLinesInOneReadComeOutOneByOne) {
  raw("{\"a\":1}\n{\"b\":2}\n");
  std::string buffer;
  EXPECT_EQ(read_line(fds[0], buffer, Clock::now() + 1s), "{\"a\":1}");
  EXPECT_EQ(read_line(fds[0], buffer, Clock::now() + 1s), "{\"b\":2}");
  EXPECT_EQ(buffer, "");
}

TEST_F(SocketPair, ALineSplitAcrossWritesIsJoined) {
  std::thread writer([this] {
    raw("{\"ok\":");
    std::this_thread::sleep_for(20ms);
    raw("true}\nrest");
  });
  std::string buffer;
  EXPECT_EQ(read_line(fds[0], buffer, Clock::now() + 5s), "{\"ok\":true}");
  writer.join();
  EXPECT_EQ(buffer, "rest") << "bytes after the line wait for the next call";
}

TEST_F(SocketPair, NoLineByTheDeadlineOrAClosedPeerGiveNothing) {
  raw("no newline yet");
  std::string buffer;
  EXPECT_FALSE(read_line(fds[0], buffer, Clock::now() + 50ms).has_value());
  ::close(fds[1]);
  fds[1] = -1;
  EXPECT_FALSE(read_line(fds[0], buffer, Clock::now() + 5s).has_value());
}

TEST_F(SocketPair, SendLineEndsTheMessageAndSurvivesAGonePeer) {
  ASSERT_TRUE(send_line(fds[1], "{\"op\":\"stats\"}"));
  std::string buffer;
  EXPECT_EQ(read_line(fds[0], buffer, Clock::now() + 1s), "{\"op\":\"stats\"}");
  ::close(fds[0]);
  fds[0] = -1;
  EXPECT_FALSE(send_line(fds[1], "x")) << "EPIPE, and no SIGPIPE kills the test";
}

}  // namespace
}  // namespace x710
