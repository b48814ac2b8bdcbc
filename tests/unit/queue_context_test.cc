// Queue contexts packed the way i40e_set_lan_rx_queue_context /
// i40e_set_lan_tx_queue_context pack them (LSB first at the ce_info bit
// offsets), decoded by the device.
#include <gtest/gtest.h>

#include <array>

#include "context_packer.h"
#include "queue_context.h"

namespace x710 {
namespace {

template <size_t N>
void pack(std::array<uint8_t, N>& b, unsigned lsb, unsigned width, uint64_t value) {
  test::pack_bits(b.data(), lsb, width, value);
}

TEST(QueueContext, RxAsLinux61ProgramsIt) {
  // i40e_configure_rx_ring at MTU 1500 on x86: 512 descriptors, 1536-byte
  // buffers (dbuff 12), 16-byte descriptors, CRC strip, l2tsel, rxmax 1536.
  std::array<uint8_t, kRxContextBytes> b{};
  const uint64_t ring = 0x12345680ull;  // 128-byte aligned
  pack(b, 32, 57, ring / 128);
  pack(b, 89, 13, 512);
  pack(b, 102, 7, 12);
  pack(b, 117, 1, 1);
  pack(b, 119, 1, 1);
  pack(b, 174, 14, 1536);
  pack(b, 198, 3, 1);
  pack(b, 201, 1, 1);
  const RxQueueContext c = decode_rx_context(b);
  EXPECT_EQ(c.base, ring);
  EXPECT_EQ(c.qlen, 512);
  EXPECT_EQ(c.dbuff, 1536);
  EXPECT_FALSE(c.dsize_32);
  EXPECT_EQ(c.descriptor_size(), 16u);
  EXPECT_TRUE(c.crcstrip);
  EXPECT_TRUE(c.l2tsel);
  EXPECT_EQ(c.rxmax, 1536);
  EXPECT_EQ(c.lrxqthresh, 1);
  EXPECT_TRUE(c.prefena);
  EXPECT_EQ(c.head, 0);
  EXPECT_EQ(c.problem(), "");
}

TEST(QueueContext, RxHighAddressBitsSurvive) {
  std::array<uint8_t, kRxContextBytes> b{};
  const uint64_t ring = 0x00FF'FFFF'FFFF'FF80ull;  // 56 significant bits
  pack(b, 32, 57, ring / 128);
  pack(b, 89, 13, 8160);
  EXPECT_EQ(decode_rx_context(b).base, ring);
  EXPECT_EQ(decode_rx_context(b).qlen, 8160);
}

TEST(QueueContext, TxAsLinux61ProgramsIt) {
  // i40e_configure_tx_ring: new_context, base, qlen, head write-back right
  // after the ring, rdylist = qs_handle.
  std::array<uint8_t, kTxContextBytes> b{};
  const uint64_t ring = 0x7654'3200ull;
  pack(b, 30, 1, 1);
  pack(b, 32, 57, ring / 128);
  pack(b, 160, 1, 1);
  pack(b, 161, 13, 512);
  pack(b, 192, 64, ring + 512 * 16);
  pack(b, 980, 10, 0x123);
  const TxQueueContext c = decode_tx_context(b);
  EXPECT_TRUE(c.new_context);
  EXPECT_EQ(c.base, ring);
  EXPECT_EQ(c.qlen, 512);
  EXPECT_TRUE(c.head_wb_ena);
  EXPECT_EQ(c.head_wb_addr, ring + 512 * 16);
  EXPECT_EQ(c.rdylist, 0x123);
  EXPECT_EQ(c.problem(), "");
}

TEST(QueueContext, ImpossibleContextsAreReportedNotTrusted) {
  std::array<uint8_t, kRxContextBytes> rx{};
  EXPECT_NE(decode_rx_context(rx).problem(), "");  // all zero: no ring
  pack(rx, 89, 13, 512);
  EXPECT_NE(decode_rx_context(rx).problem(), "");  // no buffer size
  pack(rx, 102, 7, 12);
  pack(rx, 174, 14, 1536);
  pack(rx, 114, 2, 2);  // header split
  EXPECT_NE(decode_rx_context(rx).problem(), "");
  std::array<uint8_t, kTxContextBytes> tx{};
  pack(tx, 161, 13, 4);
  EXPECT_NE(decode_tx_context(tx).problem(), "");
  pack(tx, 161, 13, 8191);
  EXPECT_NE(decode_tx_context(tx).problem(), "");
}

TEST(QueueContext, ShortInputReadsAsZeroBeyondTheEnd) {
  std::array<uint8_t, 4> tiny{0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_EQ(context_bits(tiny, 0, 64), 0xFFFFFFFFull);
  EXPECT_EQ(context_bits(tiny, 200, 8), 0u);
}

}  // namespace
}  // namespace x710
