#include "pcap_writer.h"

#include <pcap/pcap.h>
#include <sys/time.h>

namespace x710 {

namespace {
constexpr int kSnapLen = 65535;
}

PcapWriter::~PcapWriter() {
  if (dumper_) pcap_dump_close(dumper_);
  if (handle_) pcap_close(handle_);
}

bool PcapWriter::open(const std::string& path, std::string& error) {
  handle_ = pcap_open_dead(DLT_EN10MB, kSnapLen);
  if (!handle_) {
    error = "libpcap could not create a capture handle";
    return false;
  }
  dumper_ = pcap_dump_open(handle_, path.c_str());
  if (!dumper_) {
    error = pcap_geterr(handle_);
    return false;
  }
  return true;
}

void PcapWriter::write(std::span<const uint8_t> frame) {
  if (!dumper_) return;
  pcap_pkthdr header{};
  gettimeofday(&header.ts, nullptr);
  header.caplen = static_cast<bpf_u_int32>(std::min<size_t>(frame.size(), kSnapLen));
  header.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, frame.data());
  ++frames_;
  // A run can end with SIGKILL; flush in batches so the file stays useful.
  if (frames_ % 256 == 0) pcap_dump_flush(dumper_);
}

}  // namespace x710
