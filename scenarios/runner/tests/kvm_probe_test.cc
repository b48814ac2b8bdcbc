#include "kvm_probe.h"

#include <gtest/gtest.h>

namespace x710 {
namespace {

TEST(KvmProbeCache, EmptyCacheKnowsNothing) {
  EXPECT_FALSE(cached_kvm_verdict("", "boot1", "/q").has_value());
}

TEST(KvmProbeCache, RoundTripPerKey) {
  std::string cache = with_kvm_verdict("", "boot1", "/opt/qemu a/bin/qemu", false);
  cache = with_kvm_verdict(cache, "boot1", "/other/qemu", true);
  EXPECT_EQ(cached_kvm_verdict(cache, "boot1", "/opt/qemu a/bin/qemu"), false);
  EXPECT_EQ(cached_kvm_verdict(cache, "boot1", "/other/qemu"), true);
  EXPECT_FALSE(cached_kvm_verdict(cache, "boot2", "/other/qemu").has_value());
}

TEST(KvmProbeCache, NewVerdictReplacesOldAndForgetsOtherHostBoots) {
  std::string cache = "oldboot ok /q\nboot1 broken /q\n";
  cache = with_kvm_verdict(cache, "boot1", "/q", true);
  EXPECT_EQ(cache, "boot1 ok /q\n");
}

TEST(KvmProbe, ExplicitAccelNeverProbes) {
  Reporter reporter(false);
  bool probed = false;
  auto probe = [&]() -> std::optional<bool> {
    probed = true;
    return true;
  };
  EXPECT_EQ(choose_accel("tcg", "/q", probe, reporter), Accel::tcg);
  EXPECT_EQ(choose_accel("kvm", "/q", probe, reporter), Accel::kvm);
  EXPECT_FALSE(probed);
}

}  // namespace
}  // namespace x710
