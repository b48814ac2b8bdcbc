#include "hmc.h"

#include <algorithm>

#include "guest_memory.h"
#include "log.h"
#include "register_file.h"
#include "registers.h"

namespace x710 {

namespace {
constexpr uint32_t SDDATALOW_VALID = 1u << 0;
constexpr uint32_t SDDATALOW_TYPE_DIRECT = 1u << 1;
constexpr uint32_t SDDATALOW_BPCOUNT_SHIFT = 2;
constexpr uint32_t SDDATALOW_BPCOUNT_MASK = 0x3FFu << 2;
constexpr uint32_t SDDATALOW_ADDR_MASK = 0xFFFFF000u;
constexpr uint64_t kPageSize = 4096;
}  // namespace

Hmc::Hmc(RegisterFile& regs, GuestMemory& memory) : regs_(regs), memory_(memory) {}

void Hmc::reset() { sds_.fill(SegmentDescriptor{}); }

void Hmc::on_sdcmd_write(uint32_t value) {
  const uint32_t index = value & 0xFFF;
  SegmentDescriptor& sd = sds_[index];
  if (value & reg::PFHMC_SDCMD_PMSDWR) {
    const uint32_t low = regs_.raw_value(reg::PFHMC_SDDATALOW);
    const uint32_t high = regs_.raw_value(reg::PFHMC_SDDATAHIGH);
    sd.valid = low & SDDATALOW_VALID;
    sd.direct = low & SDDATALOW_TYPE_DIRECT;
    sd.bp_count = (low & SDDATALOW_BPCOUNT_MASK) >> SDDATALOW_BPCOUNT_SHIFT;
    sd.address = (uint64_t{high} << 32) | (low & SDDATALOW_ADDR_MASK);
    X710_LOG(debug, "hmc: SD %u %s %s at 0x%llx", index, sd.valid ? "valid" : "invalid",
             sd.direct ? "direct" : "paged", static_cast<unsigned long long>(sd.address));
  } else {
    regs_.raw(reg::PFHMC_SDDATALOW) = static_cast<uint32_t>(sd.address & SDDATALOW_ADDR_MASK) |
                                      (sd.bp_count << SDDATALOW_BPCOUNT_SHIFT) |
                                      (sd.direct ? SDDATALOW_TYPE_DIRECT : 0) | (sd.valid ? SDDATALOW_VALID : 0);
    regs_.raw(reg::PFHMC_SDDATAHIGH) = static_cast<uint32_t>(sd.address >> 32);
  }
}

bool Hmc::translate(uint64_t fpm, uint64_t& gpa) const {
  const uint64_t sd_index = fpm / kSdSize;
  if (sd_index >= kMaxSd) return false;
  const SegmentDescriptor& sd = sds_[sd_index];
  if (!sd.valid) return false;
  const uint64_t offset = fpm % kSdSize;
  if (sd.direct) {
    gpa = sd.address + offset;
    return true;
  }
  // Paged: the SD points at a page of 512 64-bit page descriptors; PD bit0 is
  // valid, bits [63:12] the 4 KiB backing page (i40e_add_pd_table_entry).
  uint64_t pd = 0;
  if (!memory_.read(sd.address + (offset / kPageSize) * sizeof pd, &pd, sizeof pd)) return false;
  if (!(pd & 1)) return false;
  gpa = (pd & ~(kPageSize - 1)) + offset % kPageSize;
  return true;
}

bool Hmc::read_object(uint64_t fpm, void* dst, size_t len) const {
  auto* out = static_cast<uint8_t*>(dst);
  while (len > 0) {
    const size_t chunk = std::min<uint64_t>(len, kPageSize - fpm % kPageSize);
    uint64_t gpa = 0;
    if (!translate(fpm, gpa) || !memory_.read(gpa, out, chunk)) return false;
    fpm += chunk;
    out += chunk;
    len -= chunk;
  }
  return true;
}

uint64_t Hmc::tx_context_fpm(uint32_t pf_id, uint32_t queue) const {
  const uint64_t base = regs_.raw_value(reg::GLHMC_LANTXBASE + 4 * (pf_id % 16)) & 0xFFFFFF;
  return base * 512 + (uint64_t{queue} << kTxObjectLog2);
}

uint64_t Hmc::rx_context_fpm(uint32_t pf_id, uint32_t queue) const {
  const uint64_t base = regs_.raw_value(reg::GLHMC_LANRXBASE + 4 * (pf_id % 16)) & 0xFFFFFF;
  return base * 512 + (uint64_t{queue} << kRxObjectLog2);
}

}  // namespace x710
