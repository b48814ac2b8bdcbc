// BAR0 register offsets and fields, named as in the Linux driver's
// i40e_register.h so a reader can grep both. Only what the device models.
#pragma once

#include <cstdint>

namespace x710::reg {

// ---- Reset, identification, global status (spec section 3.1) ----
inline constexpr uint32_t GLGEN_RSTCTL = 0x000B8180;
inline constexpr uint32_t GLGEN_RSTAT = 0x000B8188;
inline constexpr uint32_t GLGEN_RTRIG = 0x000B8190;  // CORER bit0, GLOBR bit1, EMPFWR bit2
inline constexpr uint32_t GLGEN_RTRIG_CORER = 1u << 0;
inline constexpr uint32_t GLGEN_RTRIG_GLOBR = 1u << 1;
inline constexpr uint32_t GLGEN_STAT = 0x000B612C;
inline constexpr uint32_t GLNVM_ULD = 0x000B6008;
inline constexpr uint32_t GLNVM_ULD_CONF_CORE_DONE = 1u << 3;
inline constexpr uint32_t GLNVM_ULD_CONF_GLOBAL_DONE = 1u << 4;
inline constexpr uint32_t PFGEN_CTRL = 0x00092400;
inline constexpr uint32_t PFGEN_CTRL_PFSWR = 1u << 0;
inline constexpr uint32_t GL_FWSTS = 0x00083048;
inline constexpr uint32_t PFGEN_PORTNUM = 0x001C0480;
inline constexpr uint32_t GLPCI_CAPSUP = 0x000BE4A8;
inline constexpr uint32_t PF_FUNC_RID = 0x0009C000;
inline constexpr uint32_t GLPCI_CNF2 = 0x000BE494;
inline constexpr uint32_t PFLAN_QALLOC = 0x001C0400;
inline constexpr uint32_t PF_VT_PFALLOC = 0x001C0500;
inline constexpr uint32_t GLLAN_RCTL_0 = 0x0012A500;
inline constexpr uint32_t PFPCI_SUBSYSID = 0x000BE100;
inline constexpr uint32_t GLVFGEN_TIMER = 0x000881BC;
inline constexpr uint32_t PRTGL_SAH = 0x001E2140;
inline constexpr uint32_t PRTTSYN_CTL0 = 0x001E4200;
inline constexpr uint32_t REG_MSS = 0x000E64DC;
inline constexpr uint32_t PRTGEN_CNF = 0x000B8120;
inline constexpr uint32_t GLQF_HKEY_BASE = 0x00270140;  // 13 x 4

// ---- NVM shadow RAM port (spec 3.3) ----
inline constexpr uint32_t GLNVM_GENS = 0x000B6100;
inline constexpr uint32_t GLNVM_FLA = 0x000B6108;
inline constexpr uint32_t GLNVM_FLA_LOCKED = 1u << 6;
inline constexpr uint32_t GLNVM_SRCTL = 0x000B6110;
inline constexpr uint32_t GLNVM_SRCTL_ADDR_SHIFT = 14;
inline constexpr uint32_t GLNVM_SRCTL_ADDR_MASK = 0x7FFFu << 14;
inline constexpr uint32_t GLNVM_SRCTL_WRITE = 1u << 29;
inline constexpr uint32_t GLNVM_SRCTL_START = 1u << 30;
inline constexpr uint32_t GLNVM_SRCTL_DONE = 1u << 31;
inline constexpr uint32_t GLNVM_SRDATA = 0x000B6114;

// ---- HMC (spec 5) ----
inline constexpr uint32_t GLHMC_LANTXOBJSZ = 0x000C2004;
inline constexpr uint32_t GLHMC_LANQMAX = 0x000C2008;
inline constexpr uint32_t GLHMC_LANRXOBJSZ = 0x000C200C;
inline constexpr uint32_t GLHMC_FCOEDDPOBJSZ = 0x000C2010;
inline constexpr uint32_t GLHMC_FCOEMAX = 0x000C2014;
inline constexpr uint32_t GLHMC_FCOEFOBJSZ = 0x000C2018;
inline constexpr uint32_t GLHMC_FCOEFMAX = 0x000C20D0;
inline constexpr uint32_t GLHMC_LANTXBASE = 0x000C6200;  // (pf) stride 4, x16
inline constexpr uint32_t GLHMC_LANTXCNT = 0x000C6300;
inline constexpr uint32_t GLHMC_LANRXBASE = 0x000C6400;
inline constexpr uint32_t GLHMC_LANRXCNT = 0x000C6500;
inline constexpr uint32_t PFHMC_SDCMD = 0x000C0000;
inline constexpr uint32_t PFHMC_SDCMD_PMSDWR = 1u << 31;
inline constexpr uint32_t PFHMC_SDDATALOW = 0x000C0100;
inline constexpr uint32_t PFHMC_SDDATAHIGH = 0x000C0200;
inline constexpr uint32_t PFHMC_PDINV = 0x000C0300;
inline constexpr uint32_t PFHMC_ERRORINFO = 0x000C0400;
inline constexpr uint32_t PFHMC_ERRORDATA = 0x000C0500;

// ---- Admin queue (spec 4.1) ----
inline constexpr uint32_t PF_ATQBAL = 0x00080000;
inline constexpr uint32_t PF_ARQBAL = 0x00080080;
inline constexpr uint32_t PF_ATQBAH = 0x00080100;
inline constexpr uint32_t PF_ARQBAH = 0x00080180;
inline constexpr uint32_t PF_ATQLEN = 0x00080200;
inline constexpr uint32_t PF_ARQLEN = 0x00080280;
inline constexpr uint32_t PF_ATQH = 0x00080300;
inline constexpr uint32_t PF_ARQH = 0x00080380;
inline constexpr uint32_t PF_ATQT = 0x00080400;
inline constexpr uint32_t PF_ARQT = 0x00080480;
inline constexpr uint32_t AQ_LEN_MASK = 0x3FF;
inline constexpr uint32_t AQ_LEN_VFE = 1u << 28;
inline constexpr uint32_t AQ_LEN_OVFL = 1u << 29;
inline constexpr uint32_t AQ_LEN_CRIT = 1u << 30;
inline constexpr uint32_t AQ_LEN_ENABLE = 1u << 31;

// ---- LAN queues (spec 6.1); q is the PF-relative queue, stride 4 ----
inline constexpr uint32_t QTX_ENA = 0x00100000;
inline constexpr uint32_t QTX_CTL = 0x00104000;
inline constexpr uint32_t QTX_TAIL = 0x00108000;
inline constexpr uint32_t QTX_HEAD = 0x000E4000;
inline constexpr uint32_t QRX_ENA = 0x00120000;
inline constexpr uint32_t QRX_TAIL = 0x00128000;
inline constexpr uint32_t QENA_REQ = 1u << 0;
inline constexpr uint32_t QENA_FAST_QDIS = 1u << 1;
inline constexpr uint32_t QENA_STAT = 1u << 2;
inline constexpr uint32_t GLLAN_TXPRE_QDIS = 0x000E6500;  // 12 x 4
inline constexpr uint32_t GLLAN_TXPRE_QDIS_SET = 1u << 30;
inline constexpr uint32_t GLLAN_TXPRE_QDIS_CLEAR = 1u << 31;

// ---- Interrupts (spec 8.2) ----
inline constexpr uint32_t PFINT_ICR0 = 0x00038780;
inline constexpr uint32_t PFINT_ICR0_ENA = 0x00038800;
inline constexpr uint32_t PFINT_ICR0_INTEVENT = 1u << 0;
inline constexpr uint32_t PFINT_ICR0_QUEUE_0 = 1u << 1;
inline constexpr uint32_t PFINT_ICR0_LINK_STAT_CHANGE = 1u << 25;
inline constexpr uint32_t PFINT_ICR0_ADMINQ = 1u << 30;
inline constexpr uint32_t PFINT_ICR0_SWINT = 1u << 31;
inline constexpr uint32_t PFINT_DYN_CTL0 = 0x00038480;
inline constexpr uint32_t PFINT_DYN_CTLN = 0x00034800;  // (i) stride 4, x512
inline constexpr uint32_t PFINT_DYN_CTL_INTENA = 1u << 0;
inline constexpr uint32_t PFINT_DYN_CTL_CLEARPBA = 1u << 1;
inline constexpr uint32_t PFINT_DYN_CTL_SWINT_TRIG = 1u << 2;
inline constexpr uint32_t PFINT_DYN_CTL_ITR_INDX_SHIFT = 3;
inline constexpr uint32_t PFINT_DYN_CTL_INTERVAL_SHIFT = 5;
inline constexpr uint32_t PFINT_DYN_CTL_SW_ITR_INDX_ENA = 1u << 24;
inline constexpr uint32_t PFINT_DYN_CTL_INTENA_MSK = 1u << 31;
inline constexpr uint32_t PFINT_STAT_CTL0 = 0x00038400;
inline constexpr uint32_t PFINT_ITR0 = 0x00038000;   // (k) stride 128, x3
inline constexpr uint32_t PFINT_ITRN = 0x00030000;   // (k, i) 2048k + 4i
inline constexpr uint32_t PFINT_RATEN = 0x00035800;  // (i) stride 4
inline constexpr uint32_t PFINT_LNKLST0 = 0x00038500;
inline constexpr uint32_t PFINT_LNKLSTN = 0x00035000;  // (i) stride 4
inline constexpr uint32_t QINT_RQCTL = 0x0003A000;     // (q) stride 4
inline constexpr uint32_t QINT_TQCTL = 0x0003C000;     // (q) stride 4
inline constexpr uint32_t QINT_CTL_MSIX_INDX_MASK = 0xFF;
inline constexpr uint32_t QINT_CTL_ITR_INDX_SHIFT = 11;
inline constexpr uint32_t QINT_CTL_NEXTQ_INDX_SHIFT = 16;
inline constexpr uint32_t QINT_CTL_CAUSE_ENA = 1u << 30;
inline constexpr uint32_t QINT_CTL_INTEVENT = 1u << 31;

// ---- RSS / filter control reached through admin commands 0x0206/0x0207 too ----
inline constexpr uint32_t PFQF_CTL_0 = 0x001C0AC0;
inline constexpr uint32_t PFQF_HENA = 0x00245900;  // (0,1) stride 128
inline constexpr uint32_t PFQF_HKEY = 0x00244800;  // 13 x 128
inline constexpr uint32_t PFQF_HLUT = 0x00240000;  // 128 x 128

// ---- Statistics block the watchdog reads every second (spec 3.1, "Statistics") ----
inline constexpr uint32_t GLPRT_GORCL = 0x00300000;  // first of the per-port counters
inline constexpr uint32_t GLV_GORCL = 0x00358000;    // first of the per-VSI counters
inline constexpr uint32_t GLGEN_STAT_CLEAR = 0x00390004;

}  // namespace x710::reg
