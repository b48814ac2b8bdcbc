// `--i40e FILE`: a driver engineer's patched i40e.ko in place of the guest
// kernel's own, on the default guest. The test makes a module that differs
// observably from Debian's: Debian's i40e.ko (unpacked from the default
// guest's initramfs) with its signature taken off. The kernel loads such a
// module but marks it with taint E (unsigned), which Debian's signed module
// never gets, so the guest's /sys/module/i40e/taint shows whose driver runs.
// A module built for another kernel must be refused before any boot.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "guest_run.h"

namespace x710::test {
namespace {

namespace fs = std::filesystem;

std::vector<char> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, const std::vector<char>& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A signed module ends with the PKCS#7 signature, a 12-byte struct
// module_signature whose last 4 bytes are the signature's length (big
// endian), and the marker (scripts/sign-file.c). Returns the module without
// them, or nothing if it was not signed.
std::vector<char> without_signature(std::vector<char> ko) {
  static const std::string kMarker = "~Module signature appended~\n";
  if (ko.size() < kMarker.size() + 12 ||
      std::memcmp(ko.data() + ko.size() - kMarker.size(), kMarker.data(), kMarker.size()) != 0)
    return {};
  const unsigned char* info = reinterpret_cast<const unsigned char*>(ko.data()) + ko.size() - kMarker.size() - 12;
  const uint32_t sig_len = (uint32_t{info[8]} << 24) | (uint32_t{info[9]} << 16) | (uint32_t{info[10]} << 8) | info[11];
  const size_t trailer = kMarker.size() + 12 + sig_len;
  if (trailer > ko.size()) return {};
  ko.resize(ko.size() - trailer);
  return ko;
}

struct I40eOverride : ::testing::Test {
  fs::path dir;
  fs::path debian_ko;
  std::string release;

  void SetUp() override {
    const char* guest = std::getenv("X710_GUEST_DIR");
    ASSERT_NE(guest, nullptr) << "run through ./x710 test";
    std::ifstream rel(fs::path(guest) / "kernel-release");
    std::getline(rel, release);
    char tmpl[] = "/tmp/x710-i40e-override-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
    ASSERT_TRUE(unpack_guest_initrd(dir.string(), "*/i40e.ko"));
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.path().filename() == "i40e.ko") debian_ko = e.path();
    ASSERT_FALSE(debian_ko.empty()) << "no i40e.ko in the default guest's initramfs";
  }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(I40eOverride, TheGivenModuleIsTheOneTheGuestRuns) {
  const std::vector<char> unsigned_ko = without_signature(slurp(debian_ko));
  ASSERT_FALSE(unsigned_ko.empty()) << "Debian's i40e.ko was expected to be signed";
  const fs::path mine = dir / "i40e-unsigned.ko";
  spit(mine, unsigned_ko);

  const GuestRun run = run_guest(
      "echo \"@@SECTION taint\"; cat /sys/module/i40e/taint\n"
      "echo \"@@SECTION link\"; ip link set eth0 up; i=0\n"
      "while [ \"$(cat /sys/class/net/eth0/carrier)\" != 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done\n"
      "cat /sys/class/net/eth0/carrier",
      {"--i40e", mine.string(), "--timeout", "300"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.section("taint").find('E'), std::string::npos)
      << "the guest runs a signed i40e, so not the one given: " << run.output;
  EXPECT_EQ(run.section("link"), "1\n") << run.output;
}

TEST_F(I40eOverride, AModuleForAnotherKernelIsRefusedBeforeBooting) {
  std::vector<char> ko = slurp(debian_ko);
  const std::string from = "vermagic=" + release + " ";
  std::string other = release;
  other[0] = other[0] == '9' ? '8' : '9';  // same length: the .modinfo string keeps its place
  const std::string to = "vermagic=" + other + " ";
  auto at = std::search(ko.begin(), ko.end(), from.begin(), from.end());
  ASSERT_NE(at, ko.end()) << "no " << from << " in Debian's i40e.ko";
  std::copy(to.begin(), to.end(), at);
  const fs::path wrong = dir / "i40e-other-kernel.ko";
  spit(wrong, ko);

  // On the default guest, and with a kernel and module tree of the user's
  // (whose own i40e.ko the given one replaces).
  ASSERT_TRUE(unpack_guest_initrd(dir.string(), "lib/modules/*"));
  const std::string guest = std::getenv("X710_GUEST_DIR");
  for (const std::vector<std::string>& kernel :
       {std::vector<std::string>{},
        std::vector<std::string>{"--kernel", guest + "/bzImage", "--modules", (dir / "lib/modules").string()}}) {
    std::vector<std::string> args = {"boot"};
    args.insert(args.end(), kernel.begin(), kernel.end());
    args.insert(args.end(), {"--i40e", wrong.string(), "--", "true"});
    const CliRun run = run_cli(args);
    EXPECT_EQ(run.exit_code, 125) << "the user's input error, not a guest result: " << run.output;
    EXPECT_NE(run.output.find(wrong.string()), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("built for kernel " + other), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(release), std::string::npos) << run.output;
  }
}

}  // namespace
}  // namespace x710::test
