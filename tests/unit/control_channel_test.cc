// The control channel's requests against the real device core and flood
// source (no socket: handle() is what the socket handler calls per line):
// stats with the pacing clock, the flood's rate, size and flows changed at
// run time, the cable, and errors that say what is wrong.
#include "control_channel.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "device.h"
#include "driver_steps.h"
#include "fake_guest_memory.h"
#include "flood_source.h"
#include "registers.h"

namespace x710 {
namespace {

using nlohmann::json;

constexpr uint64_t kMem = 0x1000000;
constexpr uint64_t kHmc = kMem + 0x400000;
constexpr uint64_t kRing = kMem + 0x500000;
constexpr uint64_t kBuffers = kMem + 0x600000;
constexpr uint16_t kQlen = 64;

struct ControlFixture : ::testing::Test {
  test::FakeGuestMemory mem{kMem, 16 << 20};
  test::RecordingMsix msix;
  Device dev{DeviceConfig{}, mem, msix};
  FloodSource flood{dev.packet_path(), FloodConfig{.pps = 1000}, dev.config().mac};
  ControlChannel control{dev, &flood};

  json ask(const std::string& request) { return json::parse(control.handle(request)); }

  // One receive queue enabled, as the driver leaves it after open.
  void enable_queue() {
    test::program_lan_hmc(dev, kHmc);
    test::write_rx_context(mem, kHmc, 0, {.ring = kRing, .qlen = kQlen});
    for (uint32_t i = 0; i < kQlen; ++i) mem.put<uint64_t>(kRing + i * 16, kBuffers + i * 2048);
    dev.mmio_write(reg::QRX_TAIL, kQlen - 1);
    dev.mmio_write(reg::QRX_ENA, reg::QENA_REQ);
  }
  // The frame in the buffer of ring slot i, as the flood wrote it.
  FloodSignature signature_in(uint32_t i, size_t& offset) {
    std::vector<uint8_t> bytes(2048);
    mem.read(kBuffers + i * 2048, bytes.data(), bytes.size());
    FloodSignature sig{};
    offset = 0;
    EXPECT_TRUE(FloodGenerator::find_signature(bytes, sig, offset)) << "slot " << i;
    return sig;
  }
  uint32_t length_in(uint32_t i) { return static_cast<uint32_t>((mem.get<uint64_t>(kRing + i * 16 + 8) >> 38) & 0x3FFF); }
};

TEST_F(ControlFixture, StatsCarryThePacingClockAndTheFloodShape) {
  const json a = ask(R"({"op":"stats"})");
  const json b = ask(R"({"op":"stats"})");
  ASSERT_TRUE(a["ok"].get<bool>()) << a.dump();
  EXPECT_LE(a["now_ns"].get<uint64_t>(), b["now_ns"].get<uint64_t>());
  EXPECT_EQ(a["flood"]["pps"], 1000);
  EXPECT_EQ(a["flood"]["size"], 60);
  EXPECT_EQ(a["flood"]["flows"], 64);
  EXPECT_EQ(a["link_up"], true);
}

TEST_F(ControlFixture, FloodSizeAndFlowsChangeAtRunTimeAndSequenceCarriesOn) {
  enable_queue();
  flood.tick(1);           // the port just became busy: the pacer starts counting
  flood.tick(10'000'001);  // 10 ms at 1000 pps
  const uint64_t before = flood.stats().delivered;
  ASSERT_EQ(before, 10u);
  const uint64_t next_sequence = flood.generator().sequence();

  const json reply = ask(R"({"op":"flood","size":1000,"flows":2})");
  ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
  EXPECT_EQ(reply["size"], 1000);
  EXPECT_EQ(reply["flows"], 2);
  EXPECT_EQ(reply["pps"], 1000) << "the rate stays when not given";

  flood.tick(12'000'001);  // 2 ms more: two frames
  ASSERT_EQ(flood.stats().delivered, before + 2);
  size_t offset = 0;
  const FloodSignature first = signature_in(static_cast<uint32_t>(before), offset);
  EXPECT_EQ(first.sequence, next_sequence) << "numbering carries on across the change";
  EXPECT_EQ(first.flow, 0u) << "flows restart at the new shape's first";
  EXPECT_EQ(length_in(static_cast<uint32_t>(before)), 1000u);
  EXPECT_EQ(signature_in(static_cast<uint32_t>(before + 1), offset).flow, 1u);
}

TEST_F(ControlFixture, FloodRateAloneChangesOnlyTheRate) {
  const json reply = ask(R"({"op":"flood","pps":250000})");
  ASSERT_TRUE(reply["ok"].get<bool>()) << reply.dump();
  EXPECT_EQ(flood.pps(), 250000u);
  EXPECT_EQ(flood.generator().config().frame_size, 60u);
}

TEST_F(ControlFixture, BadFloodRequestsNameTheProblemAndChangeNothing) {
  const auto error_of = [this](const std::string& request) {
    const json reply = ask(request);
    EXPECT_FALSE(reply["ok"].get<bool>()) << request;
    return reply.value("error", std::string());
  };
  EXPECT_NE(error_of(R"({"op":"flood","size":59})").find("frame size 59"), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"flood","size":9019,"pps":5})").find("9019"), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"flood","flows":0})").find("flows"), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"flood","pps":-1})").find("\"pps\""), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"flood","size":"big"})").find("\"size\""), std::string::npos);
  EXPECT_NE(error_of(R"({"op":"flood"})").find("at least one"), std::string::npos);
  EXPECT_EQ(flood.pps(), 1000u) << "a refused request changes nothing, not even a valid part of it";
  EXPECT_EQ(flood.generator().config().frame_size, 60u);
  EXPECT_EQ(flood.generator().config().flows, 64u);
}

TEST_F(ControlFixture, MalformedRequestsAndUnknownOpsAreErrors) {
  EXPECT_FALSE(ask("not json")["ok"].get<bool>());
  EXPECT_FALSE(ask("[1,2]")["ok"].get<bool>());
  EXPECT_FALSE(ask(R"({"nop":1})")["ok"].get<bool>());
  const json unknown = ask(R"({"op":"explode"})");
  EXPECT_NE(unknown["error"].get<std::string>().find("stats, flood, link, race"), std::string::npos);
}

TEST_F(ControlFixture, CableOutAndBackIn) {
  EXPECT_EQ(ask(R"({"op":"link","up":false})")["link_up"], false);
  EXPECT_FALSE(dev.firmware().link.up);
  EXPECT_EQ(ask(R"({"op":"link","up":true})")["link_up"], true);
  EXPECT_FALSE(ask(R"({"op":"link","up":"yes"})")["ok"].get<bool>());
}

TEST(ControlWithoutFlood, FloodRequestsSayHowToGetOne) {
  test::FakeGuestMemory mem{kMem, 1 << 20};
  test::RecordingMsix msix;
  Device dev{DeviceConfig{}, mem, msix};
  ControlChannel control{dev, nullptr};
  const json reply = json::parse(control.handle(R"({"op":"flood","pps":5})"));
  EXPECT_FALSE(reply["ok"].get<bool>());
  EXPECT_NE(reply["error"].get<std::string>().find("--flood-pps"), std::string::npos);
  EXPECT_FALSE(json::parse(control.handle(R"({"op":"stats"})")).contains("flood"));
}

}  // namespace
}  // namespace x710
