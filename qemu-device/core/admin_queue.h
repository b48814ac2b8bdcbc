// The admin queue engine: the ATQ (driver -> firmware commands) and the ARQ
// (firmware -> driver events), spec 4.1 to 4.4. It moves descriptors and
// indirect buffers between guest memory and the handlers in admin_commands.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "admin_commands.h"
#include "admin_descriptor.h"

namespace x710 {

class GuestMemory;
class RegisterFile;

class AdminQueue {
 public:
  // I40E_MAX_AQ_BUF_SIZE: the driver never posts a larger indirect buffer.
  static constexpr uint16_t kMaxBuffer = 4096;

  AdminQueue(RegisterFile& regs, GuestMemory& memory, AdminCommandContext ctx);

  // PF_ATQT doorbell: run every descriptor from ATQH up to ATQT, in order,
  // synchronously. The driver polls ATQH == its next_to_use for 250 ms, and a
  // synchronous answer inside the MMIO write keeps probe fast.
  void process_atq();

  // Posts one event on the ARQ (opcode, params in desc, payload into the
  // driver's buffer). False when the ARQ is disabled or has no free slot
  // (then ARQOVFL is set, as on hardware).
  bool post_event(const AdminDescriptor& event, std::span<const uint8_t> payload = {});

  // Called after each posted event: raises the ADMINQ interrupt cause.
  std::function<void()> on_event_posted;

  uint64_t commands_processed() const { return commands_; }

 private:
  bool run_one(uint64_t ring_base, uint32_t index);

  RegisterFile& regs_;
  GuestMemory& memory_;
  AdminCommandContext ctx_;
  uint64_t commands_ = 0;
  bool logged_bad_ring_ = false;
};

}  // namespace x710
