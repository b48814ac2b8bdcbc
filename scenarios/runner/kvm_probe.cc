#include "kvm_probe.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "environment.h"

namespace x710 {

namespace {

struct CacheLine {
  std::string_view boot_id;
  std::string_view verdict;
  std::string_view qemu;  // the rest of the line: paths may hold spaces
};

std::optional<CacheLine> split_cache_line(std::string_view line) {
  const size_t a = line.find(' ');
  if (a == std::string_view::npos) return std::nullopt;
  const size_t b = line.find(' ', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  return CacheLine{line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)};
}

template <typename F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const size_t end = text.find('\n');
    f(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string host_boot_id() {
  std::string id = read_text("/proc/sys/kernel/random/boot_id");
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id.empty() ? "unknown-boot" : id;
}

}  // namespace

std::optional<bool> cached_kvm_verdict(std::string_view cache_text, std::string_view boot_id,
                                       std::string_view qemu) {
  std::optional<bool> verdict;
  for_each_line(cache_text, [&](std::string_view line) {
    const auto entry = split_cache_line(line);
    if (entry && entry->boot_id == boot_id && entry->qemu == qemu) {
      if (entry->verdict == "ok") verdict = true;
      if (entry->verdict == "broken") verdict = false;
    }
  });
  return verdict;
}

std::string with_kvm_verdict(std::string_view cache_text, std::string_view boot_id,
                             std::string_view qemu, bool works) {
  std::string out;
  for_each_line(cache_text, [&](std::string_view line) {
    const auto entry = split_cache_line(line);
    // Drop this key's old verdict, and lines of earlier host boots: they can never
    // match again and would only grow the file.
    if (!entry || entry->boot_id != boot_id || entry->qemu == qemu) return;
    out += line;
    out += '\n';
  });
  out += std::string(boot_id) + (works ? " ok " : " broken ") + std::string(qemu) + "\n";
  return out;
}

Accel choose_accel(const std::string& requested, const std::string& qemu,
                   const KvmProbe& probe, const Reporter& reporter, bool dry_run) {
  if (requested == "tcg") return Accel::tcg;
  if (requested == "kvm") return Accel::kvm;
  if (::access("/dev/kvm", R_OK | W_OK) != 0) return Accel::tcg;

  const std::string cache_dir = dry_run ? env::get("X710_CACHE").value_or("") : env::cache_dir();
  const std::string cache_file = cache_dir + "/kvm-probe";
  const std::string boot_id = host_boot_id();
  const std::string text = read_text(cache_file);
  if (auto verdict = cached_kvm_verdict(text, boot_id, qemu)) {
    if (!*verdict) reporter.progress("KVM known not to boot guests here (" + cache_file + "); TCG");
    return *verdict ? Accel::kvm : Accel::tcg;
  }
  if (dry_run) return Accel::kvm;

  reporter.progress("probing KVM once (boot a guest under KVM running `true`)");
  const std::optional<bool> works = probe();
  if (!works) {
    reporter.say("could not probe KVM; using TCG this time");
    return Accel::tcg;
  }
  std::ofstream(cache_file, std::ios::trunc) << with_kvm_verdict(text, boot_id, qemu, *works);
  if (!*works) {
    reporter.say("KVM guest did not boot here; using TCG (verdict cached in " + cache_file + ")");
    return Accel::tcg;
  }
  return Accel::kvm;
}

}  // namespace x710
