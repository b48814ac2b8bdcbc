// The shadow RAM as the Linux driver checks it: i40e_diag_eeprom_test (control
// word), i40e_init_nvm (size from GLNVM_GENS.SR_SIZE) and
// i40e_validate_nvm_checksum / i40e_calc_nvm_checksum (i40e_nvm.c), with the
// checksum recomputed here independently of Nvm::driver_checksum.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "nvm.h"

namespace {

using x710::Nvm;

// i40e_type.h
constexpr uint32_t I40E_SR_NVM_CONTROL_WORD = 0x00;
constexpr uint32_t I40E_SR_VPD_PTR = 0x2F;
constexpr uint32_t I40E_SR_PCIE_ALT_AUTO_LOAD_PTR = 0x3E;
constexpr uint32_t I40E_SR_SW_CHECKSUM_WORD = 0x3F;
constexpr uint32_t I40E_SR_VPD_MODULE_MAX_SIZE = 1024;       // bytes
constexpr uint32_t I40E_SR_PCIE_ALT_MODULE_MAX_SIZE = 1024;  // bytes
constexpr uint32_t I40E_SR_SECTOR_SIZE_IN_WORDS = 0x800;
constexpr uint32_t I40E_SR_WORDS_IN_1KB = 512;
constexpr uint16_t I40E_SR_SW_CHECKSUM_BASE = 0xBABA;
constexpr uint16_t I40E_SR_CONTROL_WORD_1_SHIFT = 0x06;
constexpr uint16_t I40E_SR_CONTROL_WORD_1_MASK = 0x03 << I40E_SR_CONTROL_WORD_1_SHIFT;

// The driver reads the shadow RAM a sector (0x800 words) at a time; a word
// it cannot read fails the whole check.
std::vector<uint16_t> dump(const Nvm& nvm, uint32_t sr_size_words) {
  std::vector<uint16_t> words(sr_size_words, 0);
  for (uint32_t sector = 0; sector < sr_size_words; sector += I40E_SR_SECTOR_SIZE_IN_WORDS) {
    for (uint32_t i = sector; i < sector + I40E_SR_SECTOR_SIZE_IN_WORDS && i < sr_size_words; ++i) {
      EXPECT_TRUE(nvm.read_word(i, words[i])) << "word 0x" << std::hex << i;
    }
  }
  return words;
}

// i40e_calc_nvm_checksum over an image: the VPD and PCIe-ALT pointers are
// taken as plain word addresses (not masked, no 4 KiB-sector form), and the
// modules they point at are skipped for their maximum size in bytes / 2,
// i.e. 512 words each; the checksum word itself is skipped too. 16-bit
// wrap-around sum; checksum = 0xBABA - sum.
uint16_t calc_checksum(const std::vector<uint16_t>& sr) {
  const uint32_t vpd_module = sr.at(I40E_SR_VPD_PTR);
  const uint32_t pcie_alt_module = sr.at(I40E_SR_PCIE_ALT_AUTO_LOAD_PTR);
  uint16_t checksum_local = 0;
  for (uint32_t i = 0; i < sr.size(); ++i) {
    if (i == I40E_SR_SW_CHECKSUM_WORD) continue;
    if (i >= vpd_module && i < vpd_module + I40E_SR_VPD_MODULE_MAX_SIZE / 2) continue;
    if (i >= pcie_alt_module && i < pcie_alt_module + I40E_SR_PCIE_ALT_MODULE_MAX_SIZE / 2) continue;
    checksum_local = static_cast<uint16_t>(checksum_local + sr[i]);
  }
  return static_cast<uint16_t>(I40E_SR_SW_CHECKSUM_BASE - checksum_local);
}

// i40e_init_nvm: sr_size = BIT(GLNVM_GENS.SR_SIZE) * I40E_SR_WORDS_IN_1KB.
uint32_t driver_sr_size_words() { return (1u << Nvm::kSrSizeField) * I40E_SR_WORDS_IN_1KB; }

TEST(NvmTest, SizeMatchesSrSizeField2) {
  Nvm nvm;
  EXPECT_EQ(Nvm::kSrSizeField, 2u);
  EXPECT_EQ(driver_sr_size_words(), 2048u);
  EXPECT_EQ(nvm.size_words(), driver_sr_size_words());
  uint16_t w = 0x1234;
  EXPECT_TRUE(nvm.read_word(nvm.size_words() - 1, w));
  EXPECT_FALSE(nvm.read_word(nvm.size_words(), w));
  EXPECT_FALSE(nvm.read_word(0xFFFFFFFFu, w));
}

TEST(NvmTest, ControlWordMarksTheNvmValid) {
  // i40e_diag_eeprom_test: bits [7:6] == 01b, or the EEPROM test fails and
  // every open returns -EBUSY.
  Nvm nvm;
  uint16_t control = 0;
  ASSERT_TRUE(nvm.read_word(I40E_SR_NVM_CONTROL_WORD, control));
  EXPECT_EQ(control & I40E_SR_CONTROL_WORD_1_MASK, 1u << I40E_SR_CONTROL_WORD_1_SHIFT);
}

TEST(NvmTest, StoredChecksumIsWhatTheDriverComputes) {
  // i40e_validate_nvm_checksum: calculated == word 0x3F.
  Nvm nvm;
  const std::vector<uint16_t> sr = dump(nvm, driver_sr_size_words());
  EXPECT_EQ(sr[I40E_SR_SW_CHECKSUM_WORD], calc_checksum(sr));
  EXPECT_EQ(nvm.driver_checksum(), calc_checksum(sr));
}

TEST(NvmTest, ChecksumIsBabaWhenOnlyTheFirst512WordsHaveContent) {
  // Both module pointers 0: words [0, 0x200) are skipped, so with nothing
  // above them the checksum is the base value (spec 3.3).
  Nvm nvm;
  const std::vector<uint16_t> sr = dump(nvm, driver_sr_size_words());
  ASSERT_EQ(sr[I40E_SR_VPD_PTR], 0);
  ASSERT_EQ(sr[I40E_SR_PCIE_ALT_AUTO_LOAD_PTR], 0);
  bool high_words_zero = true;
  for (uint32_t i = 0x200; i < sr.size(); ++i) high_words_zero &= sr[i] == 0;
  if (high_words_zero) {
    EXPECT_EQ(sr[I40E_SR_SW_CHECKSUM_WORD], I40E_SR_SW_CHECKSUM_BASE);
  }
}

TEST(NvmTest, ChecksumRuleSkipsModulesByWordPointer) {
  // The rule itself on a synthetic image: content inside the skipped ranges
  // does not change the result; one word outside does.
  std::vector<uint16_t> sr(driver_sr_size_words(), 0);
  sr[I40E_SR_VPD_PTR] = 0x300;
  sr[I40E_SR_PCIE_ALT_AUTO_LOAD_PTR] = 0x580;
  sr[0x30] = 0x0001;
  const uint16_t base = calc_checksum(sr);
  EXPECT_EQ(base, static_cast<uint16_t>(0xBABA - (0x300 + 0x580 + 1)));
  std::vector<uint16_t> in_modules = sr;
  in_modules[0x300] = 0x1111;
  in_modules[0x4FF] = 0x2222;  // last VPD word: 0x300 + 512 - 1
  in_modules[0x580] = 0x3333;
  in_modules[0x77F] = 0x4444;  // last PCIe-ALT word
  in_modules[I40E_SR_SW_CHECKSUM_WORD] = 0x5555;
  EXPECT_EQ(calc_checksum(in_modules), base);
  std::vector<uint16_t> past = sr;
  past.at(0x500) = 0x0002;  // first word after the VPD module
  EXPECT_EQ(calc_checksum(past), static_cast<uint16_t>(base - 2));
}

TEST(NvmTest, WordsTheProbeReadsHaveTheirDocumentedValues) {
  Nvm nvm;
  uint16_t w = 0;
  ASSERT_TRUE(nvm.read_word(Nvm::NVM_OEM_VER_BLOCK_PTR, w));
  EXPECT_EQ(w, 0xFFFF);  // no OEM block: EETRACK is printed as is
  ASSERT_TRUE(nvm.read_word(Nvm::EMP_SR_SETTINGS_PTR, w));
  EXPECT_EQ(w, 0);  // total-port-shutdown and LLDP NVM areas absent
  uint16_t boot = 0;
  ASSERT_TRUE(nvm.read_word(Nvm::BOOT_CONFIG_PTR, boot));
  EXPECT_LT(uint32_t{boot} + 0x84, nvm.size_words());  // OEM version words are inside the shadow RAM
}

}  // namespace
