#include "control_port.h"

#include <gtest/gtest.h>

namespace x710 {
namespace {

using Kind = ControlEvent::Kind;

// Everything the parser printed as output, concatenated.
std::string output_of(const std::vector<ControlEvent>& events) {
  std::string out;
  for (const auto& e : events)
    if (e.kind == Kind::output) out += e.text;
  return out;
}

std::vector<ControlEvent> feed_bytewise(ControlPortParser& p, std::string_view bytes) {
  std::vector<ControlEvent> all;
  for (char c : bytes) {
    auto events = p.feed(std::string_view(&c, 1));
    all.insert(all.end(), events.begin(), events.end());
  }
  return all;
}

TEST(ControlPort, Hello) {
  ControlPortParser p;
  const auto events = p.feed("@@X710 HELLO 6.1.0-57-amd64 enp0s3\r\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::hello);
  EXPECT_EQ(events[0].text, "6.1.0-57-amd64");
  EXPECT_EQ(events[0].netif, "enp0s3");
}

TEST(ControlPort, HelloWithoutInterface) {
  const auto e = parse_marker_line("HELLO 6.1.0");
  EXPECT_EQ(e.kind, Kind::hello);
  EXPECT_EQ(e.netif, "none");
}

TEST(ControlPort, OutputThenExit) {
  ControlPortParser p;
  const auto events = p.feed("6.1.0-57-amd64\r\n@@X710 EXIT 3\r\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], (ControlEvent{Kind::output, "6.1.0-57-amd64\n", "", 0}));
  EXPECT_EQ(events[1].kind, Kind::exit);
  EXPECT_EQ(events[1].status, 3);
}

TEST(ControlPort, ExitRightAfterOutputWithoutNewline) {
  // `printf foo` leaves no newline; the EXIT must still be seen.
  ControlPortParser p;
  const auto events = p.feed("foo@@X710 EXIT 0\n");
  EXPECT_EQ(output_of(events), "foo");
  ASSERT_EQ(events.back().kind, Kind::exit);
  EXPECT_EQ(events.back().status, 0);
}

TEST(ControlPort, InfoKeepsItsSpaces) {
  ControlPortParser p;
  const auto events = p.feed("@@X710 INFO loading i40e:  done\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::info);
  EXPECT_EQ(events[0].text, "loading i40e:  done");
}

TEST(ControlPort, ByteByByteIsTheSameAsAllAtOnce) {
  const std::string stream =
      "@@X710 HELLO 6.1 eth0\r\nline one\r\n@@@X710 INFO x\r\nlast@@X710 EXIT 42\r\n";
  ControlPortParser whole;
  ControlPortParser bytewise;
  const auto a = whole.feed(stream);
  const auto b = feed_bytewise(bytewise, stream);
  EXPECT_EQ(output_of(a), "line one\n@last");
  EXPECT_EQ(output_of(b), output_of(a));
  ASSERT_EQ(b.back().kind, Kind::exit);
  EXPECT_EQ(b.back().status, 42);
}

TEST(ControlPort, OutputIsPassedOnWithoutWaitingForTheLineEnd) {
  ControlPortParser p;
  EXPECT_EQ(output_of(p.feed("progress: 10%")), "progress: 10%");
  EXPECT_EQ(output_of(p.feed(" 20%")), " 20%");
}

TEST(ControlPort, APossibleMarkerIsHeldUntilDecided) {
  ControlPortParser p;
  EXPECT_EQ(output_of(p.feed("mail me@@X7")), "mail me");
  EXPECT_EQ(output_of(p.feed("1 ok\n")), "@@X71 ok\n");
}

TEST(ControlPort, CrBeforeNewlineIsStrippedOtherCrKept) {
  ControlPortParser p;
  EXPECT_EQ(output_of(p.feed("a\r\nb\rc\r")), "a\nb\rc");
  EXPECT_EQ(output_of(p.feed("\n")), "\n");
}

TEST(ControlPort, ShellModeKeepsCarriageReturns) {
  ControlPortParser p(false);
  EXPECT_EQ(output_of(p.feed("# ls\r\nbin\r\n")), "# ls\r\nbin\r\n");
}

TEST(ControlPort, UnknownVerbIsNotOutput) {
  ControlPortParser p;
  const auto events = p.feed("@@X710 READY soon\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::unknown);
  EXPECT_EQ(events[0].text, "READY soon");
}

TEST(ControlPort, MalformedExitIsUnknown) {
  EXPECT_EQ(parse_marker_line("EXIT").kind, Kind::unknown);
  EXPECT_EQ(parse_marker_line("EXIT abc").kind, Kind::unknown);
  EXPECT_EQ(parse_marker_line("EXIT 1 2").kind, Kind::unknown);
  EXPECT_EQ(parse_marker_line("EXIT -1").status, -1);
}

TEST(ControlPort, FinishReleasesHeldBytesAndHonoursAnUnterminatedExit) {
  ControlPortParser p;
  EXPECT_EQ(output_of(p.feed("tail@@")), "tail");
  EXPECT_EQ(output_of(p.finish()), "@@");

  ControlPortParser q;
  q.feed("@@X710 EXIT 7");
  const auto events = q.finish();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::exit);
  EXPECT_EQ(events[0].status, 7);
}

TEST(ControlPort, OverlongMarkerLineIsReplayedAsOutput) {
  ControlPortParser p;
  const std::string junk(5000, 'x');
  const auto events = p.feed("@@X710 " + junk);
  EXPECT_EQ(output_of(events), "@@X710 " + junk);
}

TEST(ControlPort, HostLines) {
  EXPECT_EQ(run_line(1, "uname -r"), "@@X710 RUN 1 dW5hbWUgLXI=\n");
  EXPECT_EQ(shell_line(2), "@@X710 SHELL 2\n");
}

}  // namespace
}  // namespace x710
