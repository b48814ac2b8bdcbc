// Host Memory Cache: the segment descriptor (SD) table the driver programs
// through PFHMC_SDCMD/SDDATALOW/SDDATAHIGH, and translation of FPM addresses
// (object base + index * size) to guest physical addresses (spec 5.1, 5.2).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace x710 {

class GuestMemory;
class RegisterFile;

class Hmc {
 public:
  static constexpr uint32_t kMaxSd = 4096;  // SD index is 12 bits in PFHMC_SDCMD
  static constexpr uint64_t kSdSize = 2ull << 20;  // one SD covers 2 MiB of FPM space
  static constexpr uint32_t kTxObjectLog2 = 7;  // GLHMC_LANTXOBJSZ must be exactly 7
  static constexpr uint32_t kRxObjectLog2 = 5;  // GLHMC_LANRXOBJSZ must be exactly 5

  struct SegmentDescriptor {
    bool valid = false;
    bool direct = false;
    uint64_t address = 0;  // direct: backing memory; paged: the page of PDs
    uint32_t bp_count = 0;
  };

  Hmc(RegisterFile& regs, GuestMemory& memory);

  // PFHMC_SDCMD written: PMSDWR set stores SDDATALOW/HIGH into the entry;
  // clear reads the entry back into SDDATALOW/HIGH.
  void on_sdcmd_write(uint32_t value);

  // FPM address to guest physical address. False for an invalid SD or PD.
  bool translate(uint64_t fpm, uint64_t& gpa) const;
  // Reads an object byte by byte through translate() at page boundaries.
  bool read_object(uint64_t fpm, void* dst, size_t len) const;

  // FPM address of queue q's context, from GLHMC_LAN{TX,RX}BASE(pf_id).
  uint64_t tx_context_fpm(uint32_t pf_id, uint32_t queue) const;
  uint64_t rx_context_fpm(uint32_t pf_id, uint32_t queue) const;

  const SegmentDescriptor& sd(uint32_t index) const { return sds_[index % kMaxSd]; }
  void reset();

 private:
  RegisterFile& regs_;
  GuestMemory& memory_;
  std::array<SegmentDescriptor, kMaxSd> sds_{};
};

}  // namespace x710
