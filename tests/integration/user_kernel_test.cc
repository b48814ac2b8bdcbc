// `boot --kernel bzImage --modules DIR`: a kernel the user built, with i40e
// as a module in their module tree. The test makes such a pair from the
// default guest (its original bzImage, and i40e.ko unpacked from its
// initramfs into a lib/modules tree), so the whole user path runs:
// guest-images/build.sh packing, boot, probe.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "guest_run.h"

namespace x710::test {
namespace {

namespace fs = std::filesystem;

std::string read_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(UserKernel, BzImageWithModuleTreeProbesTheCard) {
  const char* guest = std::getenv("X710_GUEST_DIR");
  ASSERT_NE(guest, nullptr) << "run through ./x710 test";
  const fs::path bzimage = fs::path(guest) / "bzImage";
  ASSERT_TRUE(fs::exists(bzimage)) << bzimage;
  const std::string release = read_line(fs::path(guest) / "kernel-release");

  char tmpl[] = "/tmp/x710-user-kernel-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const fs::path tree = tmpl;
  ASSERT_TRUE(unpack_guest_initrd(tree.string(), "lib/modules/*"));
  const fs::path modules = tree / "lib" / "modules" / release;
  ASSERT_TRUE(fs::exists(modules)) << modules;

  const GuestRun run = run_guest(
      "uname -r; basename \"$(readlink /sys/class/net/eth0/device/driver)\"; cat /sys/class/net/eth0/address",
      {"--kernel", bzimage.string(), "--modules", modules.string(), "--timeout", "300"});
  fs::remove_all(tree);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find(release), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("i40e\n"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("02:00:71:00:00:01"), std::string::npos) << run.output;
}

TEST(UserKernel, MissingModuleTreeIsAClearError) {
  const char* guest = std::getenv("X710_GUEST_DIR");
  ASSERT_NE(guest, nullptr);
  char tmpl[] = "/tmp/x710-empty-modules-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const GuestRun run =
      run_guest("true", {"--kernel", (fs::path(guest) / "bzImage").string(), "--modules", tmpl});
  fs::remove(tmpl);
  EXPECT_EQ(run.exit_code, 125) << "a module tree without i40e.ko is the user's input error, not a guest result";
}

}  // namespace
}  // namespace x710::test
