#include "interrupts.h"

#include <algorithm>
#include <cstdint>

#include "log.h"
#include "monotonic_clock.h"
#include "msix_sink.h"
#include "register_file.h"
#include "registers.h"

namespace x710 {

Interrupts::Interrupts(RegisterFile& regs, MsixSink& sink, unsigned num_vectors)
    : regs_(regs),
      sink_(sink),
      num_vectors_(num_vectors),
      pending_(num_vectors),
      fired_(num_vectors),
      last_fire_ns_(num_vectors),
      pending_itr_(num_vectors, kNoItr),
      now_(monotonic_ns) {}

void Interrupts::reset() {
  std::fill(pending_.begin(), pending_.end(), false);
  std::fill(last_fire_ns_.begin(), last_fire_ns_.end(), 0);
  std::fill(pending_itr_.begin(), pending_itr_.end(), kNoItr);
}

uint64_t Interrupts::itr_interval_ns(unsigned vector, unsigned itr_index) const {
  if (itr_index >= kNoItr) return 0;
  // PFINT_ITR0(k) for the misc vector, PFINT_ITRN(k, v - 1) for queue
  // vectors; INTERVAL [11:0] in 2 us units (i40e_vsi_configure_msix writes
  // ITR/2, e.g. 25 for 50 us).
  const uint32_t off = vector == 0 ? reg::PFINT_ITR0 + 128 * itr_index
                                   : reg::PFINT_ITRN + 2048 * itr_index + 4 * (vector - 1);
  return uint64_t{regs_.raw_value(off) & 0xFFF} * 2000;
}

void Interrupts::poll() {
  const uint64_t now = now_();
  for (unsigned v = 0; v < num_vectors_; ++v) {
    if (pending_[v] && intena(v) && now >= last_fire_ns_[v] + itr_interval_ns(v, pending_itr_[v])) fire(v);
  }
}

uint64_t Interrupts::next_deadline_ns() const {
  uint64_t next = UINT64_MAX;
  for (unsigned v = 0; v < num_vectors_; ++v) {
    if (pending_[v] && intena(v)) next = std::min(next, last_fire_ns_[v] + itr_interval_ns(v, pending_itr_[v]));
  }
  return next;
}

inline uint32_t Interrupts::dyn_ctl_offset(unsigned vector) const {
  // Vector 0 is PFINT_DYN_CTL0; queue vector v uses PFINT_DYN_CTLN(v - 1)
  // ("indexing is offset by 1", i40e_vsi_configure_msix).
  return vector == 0 ? reg::PFINT_DYN_CTL0 : reg::PFINT_DYN_CTLN + 4 * (vector - 1);
}

bool Interrupts::intena(unsigned vector) const {
  return vector < num_vectors_ && (regs_.raw_value(dyn_ctl_offset(vector)) & reg::PFINT_DYN_CTL_INTENA);
}

// inline: raise_queue() calls it for every received frame.
inline void Interrupts::fire(unsigned vector, unsigned itr_index) {
  if (vector >= num_vectors_) return;
  if (!pending_[vector]) pending_itr_[vector] = static_cast<uint8_t>(itr_index);
  // Under load the vector is nearly always masked (NAPI is polling): decide
  // that before reading the clock, which costs more than the rest here.
  // (intena() without its bounds check, done above.)
  if (!(regs_.raw_value(dyn_ctl_offset(vector)) & reg::PFINT_DYN_CTL_INTENA)) {
    pending_[vector] = true;
    return;
  }
  const uint64_t now = now_();
  if (now < last_fire_ns_[vector] + itr_interval_ns(vector, pending_itr_[vector])) {
    // Held: masked by INTENA (NAPI is running), or the ITR interval since
    // the last interrupt has not passed. poll() or the re-enable sends it.
    pending_[vector] = true;
    return;
  }
  pending_[vector] = false;
  pending_itr_[vector] = kNoItr;
  last_fire_ns_[vector] = now;
  // Auto-mask: INTENA drops when the interrupt is sent; the driver re-enables
  // it when NAPI completes (i40e_update_enable_itr) or its handler returns.
  regs_.raw(dyn_ctl_offset(vector)) &= ~reg::PFINT_DYN_CTL_INTENA;
  ++fired_[vector];
  sink_.raise(vector);
}

void Interrupts::maybe_fire_misc() {
  const uint32_t icr0 = regs_.raw_value(reg::PFINT_ICR0);
  const uint32_t ena = regs_.raw_value(reg::PFINT_ICR0_ENA);
  if (icr0 & ena & ~reg::PFINT_ICR0_INTEVENT) fire(0);
}

void Interrupts::raise_misc(uint32_t icr0_bits) {
  regs_.raw(reg::PFINT_ICR0) |= icr0_bits | reg::PFINT_ICR0_INTEVENT;
  maybe_fire_misc();
}

void Interrupts::raise_queue(bool rx, uint32_t queue) {
  const uint32_t ctl = regs_.raw_value((rx ? reg::QINT_RQCTL : reg::QINT_TQCTL) + 4 * queue);
  if (!(ctl & reg::QINT_CTL_CAUSE_ENA)) return;
  const unsigned vector = ctl & reg::QINT_CTL_MSIX_INDX_MASK;
  const unsigned itr = (ctl >> reg::QINT_CTL_ITR_INDX_SHIFT) & 3;
  if (vector == 0) {
    // MSI / legacy mode: queue 0's cause is reported in ICR0 (i40e_intr).
    raise_misc(reg::PFINT_ICR0_QUEUE_0);
    return;
  }
  fire(vector, itr);
}

uint32_t Interrupts::on_dyn_ctl_write(unsigned vector, uint32_t old, uint32_t value) {
  // PFINT_DYN_CTLN has 512 entries, more than the MSI-X vectors we expose
  // (i40e_clear_hw writes all it believes exist): plain storage beyond.
  if (vector >= num_vectors_) return value;
  uint32_t stored = value & ~(reg::PFINT_DYN_CTL_CLEARPBA | reg::PFINT_DYN_CTL_SWINT_TRIG |
                              reg::PFINT_DYN_CTL_INTENA_MSK);
  // INTENA_MSK: this write leaves INTENA as it was (i40e_irq_dynamic_* use it
  // to change ITR settings without touching the enable).
  if (value & reg::PFINT_DYN_CTL_INTENA_MSK) {
    stored = (stored & ~reg::PFINT_DYN_CTL_INTENA) | (old & reg::PFINT_DYN_CTL_INTENA);
  }
  regs_.raw(dyn_ctl_offset(vector)) = stored;
  // ITR_INDX 0..2 with INTERVAL: the driver's dynamic ITR updates the
  // interval register through this write (i40e_buildreg_itr).
  const unsigned itr_index = (value >> reg::PFINT_DYN_CTL_ITR_INDX_SHIFT) & 3;
  if (itr_index != kNoItr && vector > 0) {
    regs_.raw(reg::PFINT_ITRN + 2048 * itr_index + 4 * (vector - 1)) =
        (value >> reg::PFINT_DYN_CTL_INTERVAL_SHIFT) & 0xFFF;
  }
  if (value & reg::PFINT_DYN_CTL_SWINT_TRIG) {
    // The hang-recovery kick (i40e_force_wb) and busy-poll exit use this.
    if (vector == 0) {
      raise_misc(reg::PFINT_ICR0_SWINT);
    } else {
      fire(vector);
    }
  } else if (stored & reg::PFINT_DYN_CTL_INTENA) {
    if (vector == 0) {
      maybe_fire_misc();
    } else if (pending_[vector]) {
      fire(vector, pending_itr_[vector]);
    }
  }
  return regs_.raw_value(dyn_ctl_offset(vector));
}

uint32_t Interrupts::on_icr0_ena_write(uint32_t value) {
  regs_.raw(reg::PFINT_ICR0_ENA) = value;
  // i40e_intr writes ICR0_ENA back at the end; a cause that arrived in between
  // must still be delivered once DYN_CTL0 re-enables.
  maybe_fire_misc();
  return value;
}

}  // namespace x710
