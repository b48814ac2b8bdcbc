#include "bench_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "environment.h"
#include "outcome.h"
#include "process.h"

namespace x710 {

namespace {

int run_core_benchmarks(const std::vector<std::string>& args) {
  Child::Spec spec;
  spec.argv = {env::build_dir() + "/tests/x710-bench"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  Child bench = Child::spawn(spec);
  bench.wait_for(std::chrono::hours(1));
  return bench.exit_status();
}

std::string self_path() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "x710-cli";
}

struct GuestRate {
  std::string rate = "?";  // frames/s the guest's rx_packets grew by over 5 s
  std::string mmio = "?";  // the device's MMIO timing line
  std::string read_ns = "?", write_ns = "?";  // x710-mmio-timing in the guest
  bool ok = false;
};

// One guest boot with the flood at `pps` (0: full speed): frames per second
// the guest really received over 5 s, and the device's MMIO timing from its
// log. With `time_mmio`, the guest then unloads i40e and times register reads
// and writes itself (guest-images/mmio-timing.c).
GuestRate measure_guest_rate(uint64_t pps, bool time_mmio) {
  GuestRate result;
  char tmpl[] = "/tmp/x710-bench-XXXXXX";
  if (!::mkdtemp(tmpl)) return result;
  const std::string dir = tmpl;
  const std::string out = dir + "/guest.txt";
  const std::string script =
      "ip link set eth0 up; sleep 2; a=$(cat /sys/class/net/eth0/statistics/rx_packets); sleep 5; "
      "b=$(cat /sys/class/net/eth0/statistics/rx_packets); echo rate=$(( (b - a) / 5 ))" +
      std::string(time_mmio ? "; rmmod i40e && x710-mmio-timing 2000" : "");
  Child::Spec spec;
  spec.argv = {self_path(), "boot", "--out", dir, "--device-arg=--flood-pps=" + std::to_string(pps), "--timeout", "180",
               "--", script};
  FILE* f = std::fopen(out.c_str(), "w");
  if (!f) return result;
  spec.stdout_fd = fileno(f);
  Child boot = Child::spawn(spec);
  std::fclose(f);
  boot.wait_for(std::chrono::minutes(4));
  std::ifstream text(out);
  std::string line;
  while (std::getline(text, line)) {
    if (line.rfind("rate=", 0) == 0) result.rate = line.substr(5);
    std::smatch m;
    static const std::regex timing(R"(^mmio read_ns=(\d+) write_ns=(\d+))");
    if (std::regex_search(line, m, timing)) {
      result.read_ns = m[1].str();
      result.write_ns = m[2].str();
    }
  }
  std::ifstream log(dir + "/device.log");
  const std::regex re("MMIO: .*back-to-back ones (\\d+) us apart \\(median\\), (\\d+) us \\(10th percentile\\)");
  while (std::getline(log, line)) {
    std::smatch m;
    if (std::regex_search(line, m, re)) result.mmio = m[1].str() + " us median, " + m[2].str() + " us 10th percentile";
  }
  const std::string rm = "rm -rf '" + dir + "'";
  if (std::system(rm.c_str()) != 0) std::fprintf(stderr, "x710 bench: could not remove %s\n", dir.c_str());
  result.ok = boot.exit_status() == 0 && result.rate != "?";
  return result;
}

// Two boots: the flood at full speed (throughput), then at a rate the guest
// keeps up with (how close the delivered rate comes to the requested one).
int run_guest_benchmark() {
  constexpr uint64_t kPacedPps = 30000;
  std::fprintf(stderr, "x710 bench: two guest boots for the end-to-end figures (about 30 s)\n");
  const GuestRate full = measure_guest_rate(0, false);
  const GuestRate paced = measure_guest_rate(kPacedPps, true);
  std::string accuracy = "?";
  if (paced.ok) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s frames/s (%.1f%% of the requested %llu)", paced.rate.c_str(),
                  100.0 * std::stod(paced.rate) / kPacedPps, static_cast<unsigned long long>(kPacedPps));
    accuracy = buf;
  }
  std::printf("\nEnd to end (one guest boot each, accel as ./x710 boot picks it):\n");
  std::printf("  %-58s %s frames/s\n", "64-byte flood delivered to the guest (rx_packets, 5 s)", full.rate.c_str());
  std::printf("  %-58s %s\n", "flood paced at 30000 frames/s, delivered (rx_packets, 5 s)", accuracy.c_str());
  std::printf("  %-58s %s ns\n", "guest MMIO register read, timed in the guest (i40e unloaded)", paced.read_ns.c_str());
  std::printf("  %-58s %s ns\n", "guest MMIO register write, timed in the guest", paced.write_ns.c_str());
  std::printf("  %-58s %s\n", "driver's MMIO at probe, gap between accesses (device log)", full.mmio.c_str());
  std::fflush(stdout);
  return full.ok && paced.ok && paced.read_ns != "?" ? 0 : 1;
}

}  // namespace

Command add_bench_command(CLI::App& parent) {
  CLI::App* bench = parent.add_subcommand(
      "bench",
      "Benchmarks: the device core (Google Benchmark; its ARGS pass through) and two guest boots for end-to-end "
      "figures (--core-only skips them)");
  bench->prefix_command();
  return {bench, [bench] {
            try {
              std::vector<std::string> args;
              bool core_only = false;
              for (const auto& a : bench->remaining()) {
                if (a == "--core-only") {
                  core_only = true;
                } else {
                  args.push_back(a);
                }
              }
              const int core = run_core_benchmarks(args);
              if (core != 0 || core_only) return core;
              return run_guest_benchmark();
            } catch (const InfraError& e) {
              std::fprintf(stderr, "x710 bench: %s\n", e.what());
            }
            return exit_code::infrastructure;
          }};
}

}  // namespace x710
