#include "statistics.h"

#include <functional>
#include <string>

#include "register_file.h"

namespace x710 {

namespace {

unsigned size_bucket(size_t frame_without_fcs) {
  const size_t wire = frame_without_fcs + 4;
  if (wire <= 64) return 0;
  if (wire <= 127) return 1;
  if (wire <= 255) return 2;
  if (wire <= 511) return 3;
  if (wire <= 1023) return 4;
  if (wire <= 1522) return 5;
  return 6;
}

void count(EthCounters& c, uint64_t sizes[7], std::span<const uint8_t> frame) {
  c.bytes += frame.size() + 4;  // "good octets" include the FCS
  if (frame.size() >= 6 && (frame[0] & 1)) {
    const bool broadcast = frame[0] == 0xFF && frame[1] == 0xFF && frame[2] == 0xFF && frame[3] == 0xFF &&
                           frame[4] == 0xFF && frame[5] == 0xFF;
    ++(broadcast ? c.broadcast : c.multicast);
  } else {
    ++c.unicast;
  }
  ++sizes[size_bucket(frame.size())];
}

// Offsets (i40e_register.h), port 0 / VSI index i: L at the offset, H at +4.
constexpr uint32_t GLPRT_GORCL = 0x00300000, GLPRT_UPRCL = 0x003005A0, GLPRT_MPRCL = 0x003005C0,
                   GLPRT_BPRCL = 0x003005E0, GLPRT_RDPC = 0x00300600, GLPRT_ROC = 0x00300120,
                   GLPRT_PRC64L = 0x00300480, GLPRT_GOTCL = 0x00300680, GLPRT_UPTCL = 0x003009C0,
                   GLPRT_MPTCL = 0x003009E0, GLPRT_BPTCL = 0x00300A00, GLPRT_PTC64L = 0x003006A0;
constexpr uint32_t GLV_GORCL = 0x00358000, GLV_UPRCL = 0x0036C000, GLV_MPRCL = 0x0036CC00, GLV_BPRCL = 0x0036D800,
                   GLV_RDPC = 0x00310000, GLV_GOTCL = 0x00328000, GLV_UPTCL = 0x0033C000, GLV_MPTCL = 0x0033CC00,
                   GLV_BPTCL = 0x0033D800;

void add_counter48(RegisterFile& regs, const char* name, uint32_t low, std::function<uint64_t()> value) {
  regs.add({.name = std::string(name) + "L", .base = low, .kind = RegKind::read_only,
            .on_read = [value](uint32_t, uint32_t) { return static_cast<uint32_t>(value()); }});
  regs.add({.name = std::string(name) + "H", .base = low + 4, .kind = RegKind::read_only,
            .on_read = [value](uint32_t, uint32_t) { return static_cast<uint32_t>(value() >> 32) & 0xFFFF; }});
}

void add_counter32(RegisterFile& regs, const char* name, uint32_t offset, std::function<uint64_t()> value) {
  regs.add({.name = name, .base = offset, .kind = RegKind::read_only,
            .on_read = [value](uint32_t, uint32_t) { return static_cast<uint32_t>(value()); }});
}

}  // namespace

void PortCounters::count_rx(std::span<const uint8_t> frame) { count(rx, rx_size, frame); }
void PortCounters::count_tx(std::span<const uint8_t> frame) { count(tx, tx_size, frame); }

void add_statistics_registers(RegisterFile& regs, const PortCounters& c, uint32_t vsi) {
  const PortCounters* p = &c;
  add_counter48(regs, "GLPRT_GORC", GLPRT_GORCL, [p] { return p->rx.bytes; });
  add_counter48(regs, "GLPRT_UPRC", GLPRT_UPRCL, [p] { return p->rx.unicast; });
  add_counter48(regs, "GLPRT_MPRC", GLPRT_MPRCL, [p] { return p->rx.multicast; });
  add_counter48(regs, "GLPRT_BPRC", GLPRT_BPRCL, [p] { return p->rx.broadcast; });
  add_counter32(regs, "GLPRT_RDPC", GLPRT_RDPC, [p] { return p->rx_discards; });
  add_counter32(regs, "GLPRT_ROC", GLPRT_ROC, [p] { return p->rx_oversize; });
  add_counter48(regs, "GLPRT_GOTC", GLPRT_GOTCL, [p] { return p->tx.bytes; });
  add_counter48(regs, "GLPRT_UPTC", GLPRT_UPTCL, [p] { return p->tx.unicast; });
  add_counter48(regs, "GLPRT_MPTC", GLPRT_MPTCL, [p] { return p->tx.multicast; });
  add_counter48(regs, "GLPRT_BPTC", GLPRT_BPTCL, [p] { return p->tx.broadcast; });
  // PRC64 .. PRC9522 and PTC64 .. PTC9522: seven 48-bit counters 0x20 apart.
  for (unsigned i = 0; i < 7; ++i) {
    add_counter48(regs, "GLPRT_PRC", GLPRT_PRC64L + 0x20 * i, [p, i] { return p->rx_size[i]; });
    add_counter48(regs, "GLPRT_PTC", GLPRT_PTC64L + 0x20 * i, [p, i] { return p->tx_size[i]; });
  }
  const uint32_t v = 8 * (vsi % 384);
  add_counter48(regs, "GLV_GORC", GLV_GORCL + v, [p] { return p->rx.bytes; });
  add_counter48(regs, "GLV_UPRC", GLV_UPRCL + v, [p] { return p->rx.unicast; });
  add_counter48(regs, "GLV_MPRC", GLV_MPRCL + v, [p] { return p->rx.multicast; });
  add_counter48(regs, "GLV_BPRC", GLV_BPRCL + v, [p] { return p->rx.broadcast; });
  add_counter32(regs, "GLV_RDPC", GLV_RDPC + v, [p] { return p->rx_discards; });
  add_counter48(regs, "GLV_GOTC", GLV_GOTCL + v, [p] { return p->tx.bytes; });
  add_counter48(regs, "GLV_UPTC", GLV_UPTCL + v, [p] { return p->tx.unicast; });
  add_counter48(regs, "GLV_MPTC", GLV_MPTCL + v, [p] { return p->tx.multicast; });
  add_counter48(regs, "GLV_BPTC", GLV_BPTCL + v, [p] { return p->tx.broadcast; });
}

}  // namespace x710
