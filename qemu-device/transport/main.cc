// x710-device: one emulated X710 physical function, served over vfio-user.
// Started by ./x710 (one process per device); usable by hand:
//   x710-device --socket /tmp/x710.sock
//   qemu-system-x86_64 ... -device '{"driver":"vfio-user-pci","socket":{"path":"/tmp/x710.sock","type":"unix"}}'
#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>
#include <span>
#include <vector>
#include <string>

#include "device.h"
#include "control_channel.h"
#include "dma_memory.h"
#include "flood_source.h"
#include "log.h"
#include "deadline_timer.h"
#include "race_timeline.h"
#include "pcap_writer.h"
#include "slirp_backend.h"
#include "vfio_user_server.h"

namespace {

bool parse_mac(const std::string& text, std::array<uint8_t, 6>& mac) {
  unsigned b[6];
  char tail;
  if (std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
    return false;
  for (int i = 0; i < 6; ++i) mac[i] = static_cast<uint8_t>(b[i]);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"x710-device: an emulated Intel X710 (8086:1572) served to QEMU over vfio-user"};
  app.set_version_flag("--version", "x710-device " X710_VERSION);
  std::string socket_path;
  std::string mac_text = "02:00:71:00:00:01";
  std::string level_text = "info";
  std::string log_file;
  std::string control_path;
  std::string pcap_path;
  std::vector<std::string> hostfwd;
  std::string rx_disable_latency = "0";
  std::string tx_disable_latency = "0";
  std::string timeline_path;
  bool keep_disable_on_enable = false;
  uint64_t disable_seed = 1;
  bool no_slirp = false;
  uint32_t queues = 64;
  uint32_t rx_desc_cache = 64;
  std::optional<uint64_t> flood_pps;
  x710::FloodConfig flood;
  app.add_option("--socket", socket_path, "UNIX socket to listen on for QEMU's vfio-user-pci")->required();
  app.add_option("--mac", mac_text, "port MAC address (default: a fixed locally administered one)")
      ->capture_default_str();
  app.add_option("--log-level", level_text, "error, warn, info, debug or trace (trace logs every register access)")
      ->capture_default_str();
  app.add_option("--log-file", log_file, "append the log here instead of stderr");
  app.add_option("--queues", queues, "LAN queue pairs offered to the PF")->capture_default_str()->check(
      CLI::Range(1, 384));
  app.add_option("--control", control_path, "UNIX socket for the JSON control channel (stats, flood rate, link)");
  app.add_option("--hostfwd", hostfwd, "forward a host port into the guest, QEMU syntax: tcp::5555-:22 (repeatable)");
  app.add_flag("--no-slirp", no_slirp, "no network behind the card: transmitted frames are dropped");
  app.add_option("--pcap", pcap_path, "write every received and transmitted frame to this pcap file");
  app.add_option("--rx-disable-latency", rx_disable_latency,
                 "after the driver clears QENA_REQ, a receive queue keeps working (and QENA_STAT stays set) "
                 "this long (the race: the driver frees its buffers after ~50 ms): 0, 50ms, 1s, "
                 "uniform:100ms:1s, normal:500ms:100ms, exp:300ms, load:1ms:5ms (+5 ms per 1000 frames/s)")
      ->capture_default_str();
  app.add_option("--tx-disable-latency", tx_disable_latency,
                 "the same for transmit queues (QTX_ENA): the queue keeps sending what its ring offers")
      ->capture_default_str();
  app.add_option("--disable-seed,--rx-disable-seed", disable_seed, "seed for the random latency forms")
      ->capture_default_str();
  app.add_option("--timeline", timeline_path,
                 "write the race monitor's events (disable requests, cancelled disables, queue stops, every "
                 "frame written after a disable request) to this file as JSON lines");
  app.add_flag("--rx-enable-keeps-disable", keep_disable_on_enable,
               "an enable request inside the disable window does not cancel it (default: it does, and the "
               "queue goes on with its old context)");
  app.add_option("--rx-desc-cache", rx_desc_cache, "receive descriptors each queue prefetches")
      ->capture_default_str()->check(CLI::Range(1, 512));
  auto* pps = app.add_option("--flood-pps", flood_pps,
                             "offer a flood of UDP frames at this rate while a receive queue is enabled "
                             "(0 = as fast as descriptors allow; default: no flood)");
  app.add_option("--flood-size", flood.frame_size, "flood frame size in bytes without FCS (60..9018)")
      ->capture_default_str()->check(CLI::Range(60, 9018))->needs(pps);
  app.add_option("--flood-flows", flood.flows, "distinct UDP flows (source ports), for RSS")
      ->capture_default_str()->check(CLI::Range(1, 25875))->needs(pps);
  CLI11_PARSE(app, argc, argv);

  x710::LogLevel level;
  if (!x710::parse_log_level(level_text, level)) {
    std::fprintf(stderr, "x710-device: --log-level: '%s' is not one of error, warn, info, debug, trace\n",
                 level_text.c_str());
    return 2;
  }
  x710::Log::set_level(level);
  // Closed last, after the objects below: their destructors still log
  // (libvfio-user's context teardown does), and a closed FILE* is freed memory.
  struct LogFile {
    std::FILE* file = nullptr;
    ~LogFile() {
      if (file == nullptr) return;
      x710::Log::set_sink(nullptr);
      std::fclose(file);
    }
  } log;
  if (!log_file.empty()) {
    log.file = std::fopen(log_file.c_str(), "a");
    if (!log.file) {
      std::perror(("x710-device: --log-file " + log_file).c_str());
      return 2;
    }
    x710::Log::set_sink(log.file);
  }

  x710::DeviceConfig config;
  if (!parse_mac(mac_text, config.mac) || (config.mac[0] & 1)) {
    std::fprintf(stderr, "x710-device: --mac: '%s' is not a unicast MAC address like 02:00:71:00:00:01\n",
                 mac_text.c_str());
    return 2;
  }
  config.num_queue_pairs = queues;
  config.rx_descriptor_cache = rx_desc_cache;
  if (std::string why; !x710::LatencyModel::parse(rx_disable_latency, config.rx_disable.latency, why)) {
    std::fprintf(stderr, "x710-device: --rx-disable-latency: %s\n", why.c_str());
    return 2;
  }
  if (std::string why; !x710::LatencyModel::parse(tx_disable_latency, config.rx_disable.tx_latency, why)) {
    std::fprintf(stderr, "x710-device: --tx-disable-latency: %s\n", why.c_str());
    return 2;
  }
  config.rx_disable.seed = disable_seed;
  config.rx_disable.enable_cancels_disable = !keep_disable_on_enable;
  if (flood_pps) {
    flood.pps = *flood_pps;
    if (const std::string why = flood.problem(); !why.empty()) {
      std::fprintf(stderr, "x710-device: flood: %s\n", why.c_str());
      return 2;
    }
  }

  x710::DmaMemory memory;
  x710::VfuMsix msix;
  x710::Device device(config, memory, msix);
  x710::TimelineFile timeline;
  if (!timeline_path.empty()) {
    if (std::string why; !timeline.open(timeline_path, why)) {
      std::fprintf(stderr, "x710-device: --timeline %s: %s\n", timeline_path.c_str(), why.c_str());
      return 2;
    }
    device.race_monitor().set_sink([&timeline](const x710::RaceEvent& e) { timeline.write(e); });
  }
  x710::PcapWriter pcap;
  if (!pcap_path.empty()) {
    std::string why;
    if (!pcap.open(pcap_path, why)) {
      std::fprintf(stderr, "x710-device: --pcap %s: %s\n", pcap_path.c_str(), why.c_str());
      return 2;
    }
    device.packet_path().set_rx_tap([&pcap](std::span<const uint8_t> f) { pcap.write(f); });
  }
  x710::SlirpBackend slirp(device.packet_path());
  if (!no_slirp) {
    std::string why;
    if (!slirp.start(hostfwd, why)) {
      std::fprintf(stderr, "x710-device: %s\n", why.c_str());
      return 2;
    }
  } else if (!hostfwd.empty()) {
    std::fprintf(stderr, "x710-device: --hostfwd needs slirp (drop --no-slirp)\n");
    return 2;
  }
  device.lan().set_frame_sink([&](uint32_t, std::span<const uint8_t> f) {
    if (pcap.is_open()) pcap.write(f);
    if (!no_slirp) slirp.transmit(f);
  });
  x710::VfioUserServer server(socket_path, device, memory, msix);
  std::optional<x710::FloodSource> flood_source;
  if (flood_pps) {
    flood_source.emplace(device.packet_path(), flood, config.mac);
    server.add_tick([&flood_source](uint64_t now) { flood_source->tick(now); });
  }
  server.add_tick([&device](uint64_t) { device.poll(); });
  x710::DeadlineTimer deadline([&device] { device.poll(); }, [&device] { return device.next_deadline_ns(); });
  server.set_after_dispatch([&] { deadline.arm(device.next_deadline_ns()); });
  if (timeline.is_open()) server.add_tick([&timeline](uint64_t now) { timeline.flush_if_due(now); });
  if (!no_slirp) server.add_tick([&slirp](uint64_t) { slirp.poll(); });
  x710::ControlChannel control(device, flood_source ? &*flood_source : nullptr);
  if (!control_path.empty() && !control.start(control_path)) return 1;
  if (!server.start()) return 1;
  return server.run();
}
