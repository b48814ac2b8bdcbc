#include "interrupts.h"

#include "log.h"
#include "msix_sink.h"
#include "register_file.h"
#include "registers.h"

namespace x710 {

Interrupts::Interrupts(RegisterFile& regs, MsixSink& sink, unsigned num_vectors)
    : regs_(regs), sink_(sink), num_vectors_(num_vectors), pending_(num_vectors), fired_(num_vectors) {}

void Interrupts::reset() {
  std::fill(pending_.begin(), pending_.end(), false);
}

uint32_t Interrupts::dyn_ctl_offset(unsigned vector) const {
  // Vector 0 is PFINT_DYN_CTL0; queue vector v uses PFINT_DYN_CTLN(v - 1)
  // ("indexing is offset by 1", i40e_vsi_configure_msix).
  return vector == 0 ? reg::PFINT_DYN_CTL0 : reg::PFINT_DYN_CTLN + 4 * (vector - 1);
}

bool Interrupts::intena(unsigned vector) const {
  return vector < num_vectors_ && (regs_.raw_value(dyn_ctl_offset(vector)) & reg::PFINT_DYN_CTL_INTENA);
}

void Interrupts::fire(unsigned vector) {
  if (vector >= num_vectors_) return;
  if (!intena(vector)) {
    pending_[vector] = true;
    return;
  }
  pending_[vector] = false;
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
  if (vector == 0) {
    // MSI / legacy mode: queue 0's cause is reported in ICR0 (i40e_intr).
    raise_misc(reg::PFINT_ICR0_QUEUE_0);
    return;
  }
  fire(vector);
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
      fire(vector);
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
