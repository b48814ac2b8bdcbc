// LAN queue contexts as the driver packs them into HMC memory
// (i40e_hmc_rxq_ce_info / i40e_hmc_txq_ce_info; spec 5.3, 5.4).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace x710 {

inline constexpr size_t kRxContextBytes = 32;
inline constexpr size_t kTxContextBytes = 128;

// Little-endian, LSB-first bit field of up to 64 bits at `lsb`.
uint64_t context_bits(std::span<const uint8_t> bytes, unsigned lsb, unsigned width);

struct RxQueueContext {
  uint16_t head = 0;
  uint64_t base = 0;      // ring bus address (the context holds it / 128)
  uint16_t qlen = 0;      // descriptors
  uint16_t dbuff = 0;     // data buffer size in bytes (the context holds 128-byte units)
  uint16_t hbuff = 0;     // header buffer size in bytes (64-byte units)
  uint8_t dtype = 0;      // 0 = no header split
  bool dsize_32 = false;  // 32-byte descriptors; Linux 6.1/6.12 use 16 bytes
  bool crcstrip = false;
  bool l2tsel = false;
  bool showiv = false;
  uint16_t rxmax = 0;     // largest frame in bytes
  uint8_t lrxqthresh = 0;
  bool prefena = false;

  // Empty when the context can drive a queue; otherwise why not. Hardware
  // flags such a queue as an error; so does the device.
  std::string problem() const;
  unsigned descriptor_size() const { return dsize_32 ? 32 : 16; }
};

struct TxQueueContext {
  uint16_t head = 0;
  bool new_context = false;
  uint64_t base = 0;  // ring bus address
  uint16_t qlen = 0;
  bool head_wb_ena = false;
  uint64_t head_wb_addr = 0;
  uint16_t rdylist = 0;

  std::string problem() const;
};

RxQueueContext decode_rx_context(std::span<const uint8_t> bytes);
TxQueueContext decode_tx_context(std::span<const uint8_t> bytes);

}  // namespace x710
