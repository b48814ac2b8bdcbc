// The NVM shadow RAM the driver reads through GLNVM_SRCTL/SRDATA (spec 3.3):
// control word, versions, EETRACK, OEM version, and a checksum computed the
// way i40e_calc_nvm_checksum does, so i40e_validate_nvm_checksum passes.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace x710 {

class Nvm {
 public:
  // GLNVM_GENS.SR_SIZE = 2: 2^2 KiB = 2048 words, the smallest size the
  // driver's checksum loop accepts (spec 3.1); fewer MMIO reads at probe.
  static constexpr uint32_t kSrSizeField = 2;
  static constexpr uint32_t kWords = (1u << kSrSizeField) * 512;

  // Word offsets (i40e_type.h / i40e_nvm.c names).
  static constexpr uint32_t NVM_CONTROL_WORD = 0x00;
  static constexpr uint32_t EMP_MODULE_PTR = 0x0F;       // I40E_EMP_MODULE_PTR
  static constexpr uint32_t NVM_LLDP_CFG_PTR = 0x06;     // I40E_NVM_LLDP_CFG_PTR, in the EMP module
  static constexpr uint32_t BOOT_CONFIG_PTR = 0x17;
  static constexpr uint32_t NVM_DEV_STARTER_VERSION = 0x18;
  static constexpr uint32_t NVM_WAKE_ON_LAN = 0x19;
  static constexpr uint32_t NVM_OEM_VER_BLOCK_PTR = 0x1B;
  static constexpr uint32_t NVM_EETRACK_LO = 0x2D;
  static constexpr uint32_t NVM_EETRACK_HI = 0x2E;
  static constexpr uint32_t VPD_PTR = 0x2F;
  static constexpr uint32_t PCIE_ALT_AUTO_LOAD_PTR = 0x3E;
  static constexpr uint32_t SW_CHECKSUM_WORD = 0x3F;
  static constexpr uint32_t EMP_SR_SETTINGS_PTR = 0x48;
  static constexpr uint16_t NVM_SUM = 0xBABA;  // I40E_SR_SW_CHECKSUM_BASE

  Nvm();

  uint32_t size_words() const { return static_cast<uint32_t>(words_.size()); }
  // False (and out unchanged) for an address beyond the shadow RAM.
  bool read_word(uint32_t address, uint16_t& out) const;
  // The checksum as the driver computes it over the current contents.
  uint16_t driver_checksum() const;

 private:
  std::vector<uint16_t> words_;
};

}  // namespace x710
