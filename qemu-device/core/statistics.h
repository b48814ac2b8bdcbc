// The statistics registers the driver's watchdog reads every second
// (i40e_update_pf_stats for the port, i40e_update_eth_stats for the VSI):
// 48-bit counters as L/H register pairs, read with one 64-bit access (which
// the transport splits low-then-high) or two 32-bit ones. The counts are what
// the device really did, so ethtool -S agrees with the traffic.
#pragma once

#include <cstdint>
#include <span>

namespace x710 {

class RegisterFile;

struct EthCounters {
  uint64_t bytes = 0;
  uint64_t unicast = 0;
  uint64_t multicast = 0;
  uint64_t broadcast = 0;
};

struct PortCounters {
  EthCounters rx;  // frames delivered to a queue
  EthCounters tx;  // frames sent on the wire
  uint64_t rx_discards = 0;     // no descriptor, or the queue was not enabled
  uint64_t rx_oversize = 0;     // longer than the queue's rxmax
  uint64_t rx_size[7] = {};     // 64, 65-127, 128-255, 256-511, 512-1023, 1024-1522, 1523-9522
  uint64_t tx_size[7] = {};

  // Counts one frame (FCS excluded: sizes include 4 bytes for it, as the
  // hardware's buckets do).
  void count_rx(std::span<const uint8_t> frame);
  void count_tx(std::span<const uint8_t> frame);
};

// Adds the GLPRT_* (port 0) and GLV_* (VSI `vsi_stat_index`) register blocks.
void add_statistics_registers(RegisterFile& regs, const PortCounters& counters, uint32_t vsi_stat_index);

}  // namespace x710
