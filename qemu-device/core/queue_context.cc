#include "queue_context.h"

namespace x710 {

uint64_t context_bits(std::span<const uint8_t> bytes, unsigned lsb, unsigned width) {
  uint64_t value = 0;
  for (unsigned i = 0; i < width && i < 64; ++i) {
    const unsigned bit = lsb + i;
    if (bit / 8 >= bytes.size()) break;
    if ((bytes[bit / 8] >> (bit % 8)) & 1) value |= uint64_t{1} << i;
  }
  return value;
}

RxQueueContext decode_rx_context(std::span<const uint8_t> b) {
  RxQueueContext c;
  c.head = static_cast<uint16_t>(context_bits(b, 0, 13));
  c.base = context_bits(b, 32, 57) * 128;
  c.qlen = static_cast<uint16_t>(context_bits(b, 89, 13));
  c.dbuff = static_cast<uint16_t>(context_bits(b, 102, 7) * 128);
  c.hbuff = static_cast<uint16_t>(context_bits(b, 109, 5) * 64);
  c.dtype = static_cast<uint8_t>(context_bits(b, 114, 2));
  c.dsize_32 = context_bits(b, 116, 1);
  c.crcstrip = context_bits(b, 117, 1);
  c.l2tsel = context_bits(b, 119, 1);
  c.showiv = context_bits(b, 127, 1);
  c.rxmax = static_cast<uint16_t>(context_bits(b, 174, 14));
  c.lrxqthresh = static_cast<uint8_t>(context_bits(b, 198, 3));
  c.prefena = context_bits(b, 201, 1);
  return c;
}

TxQueueContext decode_tx_context(std::span<const uint8_t> b) {
  TxQueueContext c;
  c.head = static_cast<uint16_t>(context_bits(b, 0, 13));
  c.new_context = context_bits(b, 30, 1);
  c.base = context_bits(b, 32, 57) * 128;
  c.head_wb_ena = context_bits(b, 160, 1);
  c.qlen = static_cast<uint16_t>(context_bits(b, 161, 13));
  c.head_wb_addr = context_bits(b, 192, 64);
  c.rdylist = static_cast<uint16_t>(context_bits(b, 980, 10));
  return c;
}

std::string RxQueueContext::problem() const {
  if (qlen < 8 || qlen > 8160) return "ring length " + std::to_string(qlen) + " outside 8..8160";
  if (head >= qlen) return "head " + std::to_string(head) + " beyond ring length";
  if (dbuff == 0) return "data buffer size 0";
  if (dtype != 0) return "header split (dtype " + std::to_string(dtype) + ") not modelled";
  if (rxmax < 64) return "rxmax " + std::to_string(rxmax) + " below a minimum frame";
  return {};
}

std::string TxQueueContext::problem() const {
  if (qlen < 8 || qlen > 8160) return "ring length " + std::to_string(qlen) + " outside 8..8160";
  if (head >= qlen) return "head " + std::to_string(head) + " beyond ring length";
  return {};
}

}  // namespace x710
