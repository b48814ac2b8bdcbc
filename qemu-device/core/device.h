// The X710 physical function: register file, reset, NVM, admin queue,
// HMC, LAN queues and interrupts wired together. No vfio-user here: the
// transport feeds MMIO accesses in and supplies guest memory and MSI-X.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>

#include "admin_queue.h"
#include "firmware_state.h"
#include "hmc.h"
#include "interrupts.h"
#include "lan_queues.h"
#include "nvm.h"
#include "packet_path.h"
#include "register_file.h"

namespace x710 {

class GuestMemory;
class MsixSink;

struct DeviceConfig {
  std::array<uint8_t, 6> mac{0x02, 0x00, 0x71, 0x00, 0x00, 0x01};
  uint32_t num_queue_pairs = 64;
  // MSI-X table entries: vector 0 (misc) plus queue vectors (spec 2, 13).
  uint32_t num_msix_vectors = 129;
  uint32_t pf_id = 0;
  uint32_t rx_descriptor_cache = 64;  // --rx-desc-cache
  RxDisableModel rx_disable;          // --rx-disable-latency
};

class Device {
 public:
  static constexpr uint16_t kVendorId = 0x8086;
  static constexpr uint16_t kDeviceId = 0x1572;  // I40E_DEV_ID_SFP_XL710: X710 for 10GbE SFP+
  static constexpr uint8_t kRevision = 0x01;     // >= 1, or the driver warns "pre-production"
  static constexpr uint16_t kSubsystemVendorId = 0x8086;
  static constexpr uint16_t kSubsystemId = 0x0007;  // X710-2
  static constexpr uint32_t kBar0Size = RegisterFile::kSize;

  Device(const DeviceConfig& config, GuestMemory& memory, MsixSink& msix);

  // 32-bit BAR0 accesses; the transport splits 64-bit ones (stat counters).
  uint32_t mmio_read(uint32_t offset);
  void mmio_write(uint32_t offset, uint32_t value);

  // Device reset from the VMM (guest reboot, FLR): back to power-on state.
  void power_on_reset();
  // Time-driven work (interrupts held by ITR moderation); the transport
  // calls it from its event loop.
  // When poll() next has work: a held interrupt's ITR interval or a disable
  // window ending (monotonic ns; UINT64_MAX: nothing scheduled).
  uint64_t next_deadline_ns() const { return std::min(irq_.next_deadline_ns(), lan_.next_deadline_ns()); }
  void poll() {
    irq_.poll();
    lan_.poll();
  }
  // Monotonic nanoseconds for ITR and disable windows; tests use a fake.
  void set_clock(const std::function<uint64_t()>& now) {
    irq_.set_clock(now);
    lan_.set_clock(now);
  }

  // Physical link up/down; posts the link-status event the driver asked for.
  void set_link(bool up);

  const DeviceConfig& config() const { return config_; }
  const FirmwareState& firmware() const { return fw_; }
  RegisterFile& registers() { return regs_; }
  LanQueues& lan() { return lan_; }
  RaceMonitor& race_monitor() { return race_; }
  PacketPath& packet_path() { return path_; }
  const PortCounters& port_counters() const { return counters_; }
  Interrupts& interrupts() { return irq_; }
  AdminQueue& admin_queue() { return aq_; }
  uint64_t pf_resets() const { return pf_resets_; }

 private:
  void build_register_map();
  void pf_software_reset();
  void core_reset(uint32_t rtrig);
  uint32_t on_srctl_write(uint32_t value);
  void reset_state();

  DeviceConfig config_;
  GuestMemory& memory_;
  FirmwareState fw_;
  RegisterFile regs_;
  Nvm nvm_;
  Hmc hmc_;
  Interrupts irq_;
  RaceMonitor race_;  // before lan_: the queues report to it until they are gone
  LanQueues lan_;
  PortCounters counters_;
  PacketPath path_;
  AdminQueue aq_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  uint64_t pf_resets_ = 0;
};

}  // namespace x710
