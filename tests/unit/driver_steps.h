// The driver's set-up steps that many device tests repeat, written once:
// the direct HMC segment (i40e_configure_lan_hmc) and an RX queue context as
// i40e_configure_rx_ring packs it (i40e_hmc_rxq_ce_info bit positions).
#pragma once

#include <cstdint>

#include "context_packer.h"
#include "device.h"
#include "guest_memory.h"
#include "registers.h"

namespace x710::test {

// TX contexts at FPM 0, RX contexts from 16 * 512 (64 TX objects of 128
// bytes), one direct SD (index 0) backed by guest memory at `hmc`.
inline constexpr uint32_t kRxContextBase512 = 16;

inline void program_lan_hmc(Device& dev, uint64_t hmc) {
  dev.mmio_write(reg::GLHMC_LANTXBASE, 0);
  dev.mmio_write(reg::GLHMC_LANRXBASE, kRxContextBase512);
  dev.mmio_write(reg::PFHMC_SDDATAHIGH, static_cast<uint32_t>(hmc >> 32));
  // Address, BPCOUNT 512, TYPE direct, VALID (I40E_SET_PF_SD_ENTRY).
  dev.mmio_write(reg::PFHMC_SDDATALOW, static_cast<uint32_t>(hmc & 0xFFFFF000u) | (512u << 2) | 2u | 1u);
  dev.mmio_write(reg::PFHMC_SDCMD, reg::PFHMC_SDCMD_PMSDWR | 0);
}

struct RxContextFields {
  uint64_t ring = 0;        // 128-byte aligned
  uint16_t qlen = 64;
  uint16_t dbuff = 1536;    // bytes, a multiple of 128
  uint16_t rxmax = 1536;
  bool l2tsel = true;
  bool crcstrip = true;
};

inline void write_rx_context(GuestMemory& mem, uint64_t hmc, uint32_t queue, const RxContextFields& f) {
  uint8_t ctx[32] = {};
  pack_bits(ctx, 32, 57, f.ring / 128);
  pack_bits(ctx, 89, 13, f.qlen);
  pack_bits(ctx, 102, 7, f.dbuff / 128);
  pack_bits(ctx, 117, 1, f.crcstrip);
  pack_bits(ctx, 119, 1, f.l2tsel);
  pack_bits(ctx, 174, 14, f.rxmax);
  mem.write(hmc + kRxContextBase512 * 512 + uint64_t{queue} * 32, ctx, sizeof ctx);
}

struct TxContextFields {
  uint64_t ring = 0;  // 128-byte aligned
  uint16_t qlen = 64;
};

// i40e_configure_tx_ring: new context, base, qlen, head write-back right
// after the ring (TX contexts are 128 bytes at FPM 0).
inline void write_tx_context(GuestMemory& mem, uint64_t hmc, uint32_t queue, const TxContextFields& f) {
  uint8_t ctx[128] = {};
  pack_bits(ctx, 30, 1, 1);
  pack_bits(ctx, 32, 57, f.ring / 128);
  pack_bits(ctx, 160, 1, 1);
  pack_bits(ctx, 161, 13, f.qlen);
  pack_bits(ctx, 192, 64, f.ring + uint64_t{f.qlen} * 16);
  mem.write(hmc + uint64_t{queue} * 128, ctx, sizeof ctx);
}

}  // namespace x710::test
