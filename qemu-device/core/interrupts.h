// Interrupt causes to MSI-X vectors (spec 8): PFINT_ICR0 for the misc vector
// 0 (admin queue, link, resets), QINT_RQCTL/TQCTL for queue causes, and the
// per-vector INTENA with auto-masking the driver's NAPI relies on.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace x710 {

class MsixSink;
class RegisterFile;

class Interrupts {
 public:
  Interrupts(RegisterFile& regs, MsixSink& sink, unsigned num_vectors);

  // Monotonic nanoseconds; tests substitute a fake clock.
  void set_clock(std::function<uint64_t()> now) { now_ = std::move(now); }
  // Delivers causes whose ITR interval has run out (called from the event
  // loop): interrupt moderation holds a vector's next interrupt until its
  // interval since the previous one has passed.
  void poll();
  // When poll() next has something to deliver (monotonic ns), or UINT64_MAX:
  // the transport arms a precise timer for it, so a held interrupt leaves when
  // its interval ends (2 us units) rather than on the next event-loop tick.
  uint64_t next_deadline_ns() const;

  // Sets cause bits in PFINT_ICR0 (with INTEVENT, without which the driver's
  // i40e_intr ignores the interrupt) and fires vector 0 if enabled.
  void raise_misc(uint32_t icr0_bits);
  // A queue wrote back: follow QINT_{R,T}QCTL(q) to its vector.
  void raise_queue(bool rx, uint32_t queue);

  // Register hooks; each returns the value to store.
  uint32_t on_dyn_ctl_write(unsigned vector, uint32_t old, uint32_t value);
  uint32_t on_icr0_ena_write(uint32_t value);

  bool intena(unsigned vector) const;
  bool pending(unsigned vector) const { return vector < pending_.size() && pending_[vector]; }
  uint64_t fired(unsigned vector) const { return vector < fired_.size() ? fired_[vector] : 0; }
  void reset();

 private:
  uint32_t dyn_ctl_offset(unsigned vector) const;
  void fire(unsigned vector, unsigned itr_index = kNoItr);
  uint64_t itr_interval_ns(unsigned vector, unsigned itr_index) const;
  static constexpr unsigned kNoItr = 3;  // ITR_INDX 3: no moderation
  void maybe_fire_misc();

  RegisterFile& regs_;
  MsixSink& sink_;
  unsigned num_vectors_;
  // A cause that arrived while its vector was masked by INTENA = 0; delivered
  // when the driver re-enables (after NAPI), so no wake-up is lost.
  std::vector<bool> pending_;
  std::vector<uint64_t> fired_;
  std::vector<uint64_t> last_fire_ns_;
  std::vector<uint8_t> pending_itr_;  // ITR index of the oldest pending cause
  std::function<uint64_t()> now_;
};

}  // namespace x710
