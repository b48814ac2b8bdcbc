#include "device.h"

#include "log.h"
#include "registers.h"

namespace x710 {

namespace {
constexpr uint32_t GLGEN_RSTAT_RESET_TYPE_SHIFT = 2;
constexpr uint32_t GLGEN_RSTAT_RESET_TYPE_CORER = 1;
constexpr uint32_t GLGEN_RSTAT_RESET_TYPE_GLOBR = 2;
constexpr uint32_t PFINT_ICR0_GRST = 1u << 20;
constexpr uint32_t kPrtglSahMfs = 0x2600u << 16;  // default max frame: no "MFS set below" warning
constexpr uint32_t kPrttsynCtl0OtherPf = 1u << 8;  // PF_ID = 1: PTP stays off for PF 0
}  // namespace

Device::Device(const DeviceConfig& config, GuestMemory& memory, MsixSink& msix)
    : config_(config),
      memory_(memory),
      hmc_(regs_, memory),
      irq_(regs_, msix, config.num_msix_vectors),
      lan_(regs_, memory, hmc_, irq_, config.num_queue_pairs, config.pf_id),
      path_(regs_, lan_, counters_, fw_),
      aq_(regs_, memory, AdminCommandContext{fw_, regs_, nvm_}) {
  aq_.on_event_posted = [this] { irq_.raise_misc(reg::PFINT_ICR0_ADMINQ); };
  lan_.set_rx_descriptor_cache(config.rx_descriptor_cache);
  lan_.set_port_counters(&counters_);
  lan_.set_rx_disable_model(config.rx_disable);
  lan_.set_race_monitor(&race_);
  build_register_map();
  power_on_reset();
}

void Device::reset_state() {
  const LinkState link = fw_.link;
  fw_ = FirmwareState{};
  fw_.mac = config_.mac;
  fw_.num_queue_pairs = config_.num_queue_pairs;
  fw_.num_msix_vectors = config_.num_msix_vectors;
  // The cable stays as it was; what the driver configured is forgotten.
  fw_.link.up = link.up;
  regs_.reset();
  hmc_.reset();
  lan_.reset();
  irq_.reset();
}

void Device::power_on_reset() {
  X710_LOG(info, "device reset to power-on state");
  reset_state();
  counters_ = PortCounters{};  // statistics reset with CORER and at power-on, not with PFR
}

void Device::pf_software_reset() {
  // PFSWR (i40e_pf_reset): queues, HMC, admin queue and interrupt state are
  // gone; the driver reprograms all of it (spec 3.2).
  ++pf_resets_;
  X710_LOG(info, "PF software reset (PFGEN_CTRL.PFSWR)");
  reset_state();
}

void Device::core_reset(uint32_t rtrig) {
  // CORER/GLOBR (i40e_do_reset): the driver learns about it from the GRST
  // cause in ICR0 and GLGEN_RSTAT.RESET_TYPE, then rebuilds. Interrupt setup
  // survives here so that the GRST interrupt can still be delivered.
  ++pf_resets_;
  const uint32_t type = (rtrig & reg::GLGEN_RTRIG_GLOBR) ? GLGEN_RSTAT_RESET_TYPE_GLOBR : GLGEN_RSTAT_RESET_TYPE_CORER;
  X710_LOG(info, "%s requested through GLGEN_RTRIG", type == GLGEN_RSTAT_RESET_TYPE_GLOBR ? "GLOBR" : "CORER");
  hmc_.reset();
  lan_.reset();
  for (uint32_t off : {reg::PF_ATQBAL, reg::PF_ATQBAH, reg::PF_ATQLEN, reg::PF_ATQH, reg::PF_ATQT, reg::PF_ARQBAL,
                       reg::PF_ARQBAH, reg::PF_ARQLEN, reg::PF_ARQH, reg::PF_ARQT}) {
    regs_.raw(off) = 0;
  }
  for (uint32_t q = 0; q < config_.num_queue_pairs; ++q) {
    regs_.raw(reg::QRX_ENA + 4 * q) = 0;
    regs_.raw(reg::QTX_ENA + 4 * q) = 0;
  }
  regs_.raw(reg::GLGEN_RSTAT) = type << GLGEN_RSTAT_RESET_TYPE_SHIFT;
  irq_.raise_misc(PFINT_ICR0_GRST);
  // The reset is over by the time the driver looks: DEVSTATE reads 0 (active).
}

uint32_t Device::on_srctl_write(uint32_t value) {
  // i40e_read_nvm_word_srctl: waits for DONE, writes ADDR|START, waits for
  // DONE, reads SRDATA. The read completes inside this write.
  if (!(value & reg::GLNVM_SRCTL_START)) return value | reg::GLNVM_SRCTL_DONE;
  const uint32_t address = (value & reg::GLNVM_SRCTL_ADDR_MASK) >> reg::GLNVM_SRCTL_ADDR_SHIFT;
  if (value & reg::GLNVM_SRCTL_WRITE) {
    X710_LOG(info, "NVM: shadow RAM write to word 0x%x ignored (read-only NVM)", address);
  } else {
    uint16_t word = 0;
    if (!nvm_.read_word(address, word)) {
      X710_LOG(info, "NVM: read of word 0x%x beyond the %u-word shadow RAM", address, nvm_.size_words());
    }
    regs_.raw(reg::GLNVM_SRDATA) = uint32_t{word} << 16;
  }
  return (value & ~reg::GLNVM_SRCTL_START) | reg::GLNVM_SRCTL_DONE;
}

uint32_t Device::mmio_read(uint32_t offset) { return regs_.read(offset); }
void Device::mmio_write(uint32_t offset, uint32_t value) { regs_.write(offset, value); }

void Device::set_link(bool up) {
  if (fw_.link.up == up) return;
  fw_.link.up = up;
  X710_LOG(info, "link %s", up ? "up" : "down");
  constexpr uint16_t I40E_AQ_EVENT_LINK_UPDOWN = 0x0002;
  if (!fw_.link.lse_enabled || (fw_.link.phy_int_mask & I40E_AQ_EVENT_LINK_UPDOWN)) return;
  // The event carries get-link-status params; the driver answers it by
  // asking again (i40e_handle_link_event), so build it with that handler.
  AdminDescriptor event{};
  event.opcode = aq_op::get_link_status;
  if (const AdminCommand* cmd = find_admin_command(aq_op::get_link_status)) {
    AdminCommandContext ctx{fw_, regs_, nvm_};
    const bool lse = fw_.link.lse_enabled;
    cmd->handler(ctx, event, {});
    fw_.link.lse_enabled = lse;
  }
  event.flags = 0;
  event.retval = 0;
  aq_.post_event(event);
}

void Device::build_register_map() {
  const uint32_t n = config_.num_queue_pairs;
  auto fixed = [this](const char* name, uint32_t offset, uint32_t value) {
    regs_.add({.name = name, .base = offset, .kind = RegKind::read_only, .reset_value = value});
  };
  // Identification and status the driver checks at probe (spec 3.1).
  fixed("GLNVM_ULD", reg::GLNVM_ULD, reg::GLNVM_ULD_CONF_CORE_DONE | reg::GLNVM_ULD_CONF_GLOBAL_DONE);
  fixed("GLGEN_RSTAT", reg::GLGEN_RSTAT, 0);
  fixed("GL_FWSTS", reg::GL_FWSTS, 0);
  fixed("PFGEN_PORTNUM", reg::PFGEN_PORTNUM, 0);
  fixed("GLPCI_CAPSUP", reg::GLPCI_CAPSUP, 0);
  fixed("PF_FUNC_RID", reg::PF_FUNC_RID, config_.pf_id);
  // MSI_X_PF_N [12:2] = vectors - 1, MSI_X_VF_N [23:13] = 2 (spec 3.1).
  fixed("GLPCI_CNF2", reg::GLPCI_CNF2, ((config_.num_msix_vectors - 1) << 2) | (2u << 13));
  fixed("PFLAN_QALLOC", reg::PFLAN_QALLOC, 0u | ((n - 1) << 16) | (1u << 31));
  fixed("PF_VT_PFALLOC", reg::PF_VT_PFALLOC, 0);
  fixed("GLNVM_GENS", reg::GLNVM_GENS, (Nvm::kSrSizeField << 5) | 1u);
  fixed("GLNVM_FLA", reg::GLNVM_FLA, reg::GLNVM_FLA_LOCKED);
  fixed("GLHMC_LANTXOBJSZ", reg::GLHMC_LANTXOBJSZ, Hmc::kTxObjectLog2);
  fixed("GLHMC_LANRXOBJSZ", reg::GLHMC_LANRXOBJSZ, Hmc::kRxObjectLog2);
  fixed("GLHMC_LANQMAX", reg::GLHMC_LANQMAX, n);
  fixed("GLHMC_FCOEMAX", reg::GLHMC_FCOEMAX, 0);
  fixed("GLHMC_FCOEDDPOBJSZ", reg::GLHMC_FCOEDDPOBJSZ, 0);
  fixed("GLHMC_FCOEFOBJSZ", reg::GLHMC_FCOEFOBJSZ, 0);
  // PMFCOEFMAX must cover the FCoE filter and context sizes the driver
  // validates even when it asks for no FCoE (i40e_validate_filter_settings:
  // 1024 + 512); below that, setup_pf_filter_control fails and probe with it.
  fixed("GLHMC_FCOEFMAX", reg::GLHMC_FCOEFMAX, 0x1000);
  fixed("PFPCI_SUBSYSID", reg::PFPCI_SUBSYSID, kSubsystemId);
  regs_.add({.name = "PRTGL_SAH", .base = reg::PRTGL_SAH, .reset_value = kPrtglSahMfs});
  regs_.add({.name = "PRTTSYN_CTL0", .base = reg::PRTTSYN_CTL0, .reset_value = kPrttsynCtl0OtherPf});
  regs_.add({.name = "GLVFGEN_TIMER", .base = reg::GLVFGEN_TIMER, .kind = RegKind::read_only,
             // Free-running microseconds: the NVM-acquire retry loop waits on it.
             .on_read = [this](uint32_t, uint32_t) {
               return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::steady_clock::now() - start_)
                                                .count());
             }});

  // Resets.
  regs_.add({.name = "PFGEN_CTRL", .base = reg::PFGEN_CTRL, .on_write = [this](uint32_t, uint32_t, uint32_t v) {
               if (v & reg::PFGEN_CTRL_PFSWR) pf_software_reset();
               return v & ~reg::PFGEN_CTRL_PFSWR;  // PFSWR reads 0: the reset is done
             }});
  regs_.add({.name = "GLGEN_RTRIG", .base = reg::GLGEN_RTRIG, .on_write = [this](uint32_t, uint32_t, uint32_t v) {
               if (v & (reg::GLGEN_RTRIG_CORER | reg::GLGEN_RTRIG_GLOBR)) core_reset(v);
               return v & ~(reg::GLGEN_RTRIG_CORER | reg::GLGEN_RTRIG_GLOBR);
             }});

  // NVM shadow RAM port.
  regs_.add({.name = "GLNVM_SRCTL", .base = reg::GLNVM_SRCTL, .reset_value = reg::GLNVM_SRCTL_DONE,
             .on_write = [this](uint32_t, uint32_t, uint32_t v) { return on_srctl_write(v); }});

  // HMC segment descriptors.
  regs_.add({.name = "PFHMC_SDCMD", .base = reg::PFHMC_SDCMD, .on_write = [this](uint32_t, uint32_t, uint32_t v) {
               hmc_.on_sdcmd_write(v);
               return v;
             }});

  // Admin queue: the tail write is the doorbell.
  regs_.add({.name = "PF_ATQT", .base = reg::PF_ATQT, .on_write = [this](uint32_t, uint32_t, uint32_t v) {
               regs_.raw(reg::PF_ATQT) = v & reg::AQ_LEN_MASK;
               aq_.process_atq();
               return v & reg::AQ_LEN_MASK;
             }});
  for (auto [name, off] : {std::pair{"PF_ATQH", reg::PF_ATQH}, std::pair{"PF_ARQH", reg::PF_ARQH},
                           std::pair{"PF_ARQT", reg::PF_ARQT}}) {
    regs_.add({.name = name, .base = off,
               .on_write = [](uint32_t, uint32_t, uint32_t v) { return v & reg::AQ_LEN_MASK; }});
  }

  // LAN queues.
  regs_.add({.name = "QRX_ENA", .base = reg::QRX_ENA, .count = n,
             .on_write = [this](uint32_t q, uint32_t old, uint32_t v) { return lan_.on_qrx_ena_write(q, old, v); }});
  regs_.add({.name = "QTX_ENA", .base = reg::QTX_ENA, .count = n,
             .on_write = [this](uint32_t q, uint32_t old, uint32_t v) { return lan_.on_qtx_ena_write(q, old, v); }});
  regs_.add({.name = "QTX_TAIL", .base = reg::QTX_TAIL, .count = n,
             .on_write = [this](uint32_t q, uint32_t, uint32_t v) { return lan_.on_qtx_tail_write(q, v); }});
  regs_.add({.name = "QRX_TAIL", .base = reg::QRX_TAIL, .count = n,
             .on_write = [this](uint32_t q, uint32_t, uint32_t v) { return lan_.on_qrx_tail_write(q, v); }});

  // Interrupts.
  regs_.add({.name = "PFINT_ICR0", .base = reg::PFINT_ICR0, .kind = RegKind::clear_on_read});
  regs_.add({.name = "PFINT_ICR0_ENA", .base = reg::PFINT_ICR0_ENA,
             .on_write = [this](uint32_t, uint32_t, uint32_t v) { return irq_.on_icr0_ena_write(v); }});
  regs_.add({.name = "PFINT_DYN_CTL0", .base = reg::PFINT_DYN_CTL0,
             .on_write = [this](uint32_t, uint32_t old, uint32_t v) { return irq_.on_dyn_ctl_write(0, old, v); }});
  // Statistics (i40e_update_pf_stats, i40e_update_eth_stats): the VSI's
  // counter block is the stat_counter_idx that 0x0212 reports.
  add_statistics_registers(regs_, counters_, fw_.vsi_number);

  regs_.add({.name = "PFINT_DYN_CTLN", .base = reg::PFINT_DYN_CTLN, .count = 512,
             .on_write = [this](uint32_t i, uint32_t old, uint32_t v) {
               return irq_.on_dyn_ctl_write(i + 1, old, v);
             }});
}

}  // namespace x710
