// --pcap FILE: every frame the port receives (from the flood) and transmits
// (from the guest), in libpcap's classic format for Wireshark and tcpdump.
#pragma once

#include <cstdint>
#include <span>
#include <string>

struct pcap;
struct pcap_dumper;

namespace x710 {

class PcapWriter {
 public:
  PcapWriter() = default;
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // False, with the reason in `error`, when the file cannot be created.
  bool open(const std::string& path, std::string& error);
  void write(std::span<const uint8_t> frame);
  bool is_open() const { return dumper_ != nullptr; }
  uint64_t frames() const { return frames_; }

 private:
  pcap* handle_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
  uint64_t frames_ = 0;
};

}  // namespace x710
