#include "nvm.h"

namespace x710 {

namespace {
// OEM version block: the driver reads words p+0x83 / p+0x84 of the boot
// configuration block p and prints them as "nvm 6.01 0x8000xxxx 1.1876.0".
constexpr uint16_t kBootConfigBlock = 0x0100;
constexpr uint32_t kOemVersionHi = 0x83;
constexpr uint32_t kOemVersionLo = 0x84;
// EMP module and its LLDP configuration block, which DCB initialisation
// reads with three 0x0701 commands (_i40e_read_lldp_cfg): the module pointer,
// the block pointer inside the module, then the block at module + pointer +
// I40E_NVM_LLDP_CFG_PTR: {length, adminstatus, ...}. All below word 0x200.
constexpr uint16_t kEmpModule = 0x0120;
constexpr uint16_t kLldpBlock = 0x0010;  // relative to the module
constexpr uint16_t kLldpAdminStatusPort0 = 0x3;  // agent enabled for RX and TX
}  // namespace

Nvm::Nvm() : words_(kWords, 0) {
  words_[NVM_CONTROL_WORD] = 0x0040;  // bits [7:6] = 01b: "valid", else the EEPROM test fails
  words_[NVM_DEV_STARTER_VERSION] = 0x6001;  // printed as "nvm 6.01"
  words_[BOOT_CONFIG_PTR] = kBootConfigBlock;
  words_[kBootConfigBlock + kOemVersionHi] = 0x0107;
  words_[kBootConfigBlock + kOemVersionLo] = 0x5400;
  words_[EMP_MODULE_PTR] = kEmpModule;
  words_[kEmpModule + NVM_LLDP_CFG_PTR] = kLldpBlock;
  words_[kEmpModule + kLldpBlock + NVM_LLDP_CFG_PTR + 0] = 2;  // length: the admin status word
  words_[kEmpModule + kLldpBlock + NVM_LLDP_CFG_PTR + 1] = kLldpAdminStatusPort0;
  words_[NVM_WAKE_ON_LAN] = 0xFFFF;  // WoL disabled on every port
  words_[NVM_OEM_VER_BLOCK_PTR] = 0xFFFF;  // no OEM block: keep EETRACK as is
  words_[NVM_EETRACK_LO] = 0x35CF;
  words_[NVM_EETRACK_HI] = 0x8000;
  words_[VPD_PTR] = 0;
  words_[PCIE_ALT_AUTO_LOAD_PTR] = 0;
  words_[EMP_SR_SETTINGS_PTR] = 0;
  words_[SW_CHECKSUM_WORD] = driver_checksum();
}

bool Nvm::read_word(uint32_t address, uint16_t& out) const {
  if (address >= words_.size()) return false;
  out = words_[address];
  return true;
}

uint16_t Nvm::driver_checksum() const {
  // i40e_calc_nvm_checksum: sum every word except the checksum word itself and
  // the 512-word VPD and PCIe ALT modules their pointers name; the stored
  // checksum is 0xBABA minus that sum, modulo 2^16.
  constexpr uint32_t kModuleWords = 512;
  uint32_t vpd = words_[VPD_PTR];
  uint32_t alt = words_[PCIE_ALT_AUTO_LOAD_PTR];
  uint16_t sum = 0;
  for (uint32_t i = 0; i < words_.size(); ++i) {
    if (i == SW_CHECKSUM_WORD) continue;
    if (i >= vpd && i < vpd + kModuleWords) continue;
    if (i >= alt && i < alt + kModuleWords) continue;
    sum = static_cast<uint16_t>(sum + words_[i]);
  }
  return static_cast<uint16_t>(NVM_SUM - sum);
}

}  // namespace x710
