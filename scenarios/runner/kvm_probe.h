// --accel auto: use KVM when it works, TCG otherwise. "Works" cannot be read off
// /dev/kvm: on some hosts a KVM guest of this machine type hangs at boot. So the
// first auto run boots the guest once under KVM running `true` (30 s limit) and the
// verdict is cached per host boot and QEMU binary in $X710_CACHE/kvm-probe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "qemu_command.h"
#include "reporter.h"

namespace x710 {

// The cache file holds one line per key: "<boot-id> <ok|broken> <qemu-path>".
std::optional<bool> cached_kvm_verdict(std::string_view cache_text, std::string_view boot_id,
                                       std::string_view qemu);
// The cache text with this key's verdict set (other keys kept).
std::string with_kvm_verdict(std::string_view cache_text, std::string_view boot_id,
                             std::string_view qemu, bool works);

// Resolves --accel ("auto", "tcg" or "kvm") for the QEMU binary `qemu`. `probe`
// boots a KVM guest and says whether it reached EXIT 0 (nullopt: it could not
// tell, e.g. QEMU did not start; then TCG, nothing cached). It is called at most
// once, only for auto with a usable /dev/kvm and no verdict cached; only then is
// $X710_CACHE needed. dry_run: never probe, assume an unprobed KVM works.
using KvmProbe = std::function<std::optional<bool>()>;
Accel choose_accel(const std::string& requested, const std::string& qemu,
                   const KvmProbe& probe, const Reporter& reporter, bool dry_run = false);

}  // namespace x710
