#include "vfio_user_server.h"

// libvfio-user's headers are C11; _Static_assert is spelled static_assert
// in C++.
#define _Static_assert static_assert
extern "C" {
#include <libvfio-user.h>
}
#undef _Static_assert

#include <glib-unix.h>
#include <linux/pci_regs.h>
#include <syslog.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <vector>

#include "device.h"
#include "log.h"

namespace x710 {

namespace {

constexpr size_t kMsixBarSize = 32 * 1024;  // BAR3: MSI-X table at 0, PBA at 0x1000
constexpr uint32_t kMsixPbaOffset = 0x1000;
constexpr size_t kMsixCapOffset = 0x70;
constexpr size_t kPcieCapOffset = 0xA0;

// Device pointer is reached through the server's private pointer; kept in a
// file-local so the C callbacks stay one-liners.
Device* g_device = nullptr;
DmaMemory* g_memory = nullptr;

// MMIO round trips, measured from our side: the gap between consecutive
// BAR0 accesses while the guest sits in a register loop (probe's NVM
// checksum pass does ~6000 of them back to back). Reported at exit.
struct MmioTiming {
  uint64_t accesses = 0;
  gint64 last_us = 0;
  std::vector<uint32_t> gaps_us;  // back-to-back gaps only (< 1 ms)
  void note() {
    ++accesses;
    const gint64 now = g_get_monotonic_time();
    if (last_us && now - last_us < 1000 && gaps_us.size() < (1u << 20)) {
      gaps_us.push_back(static_cast<uint32_t>(now - last_us));
    }
    last_us = now;
  }
} g_mmio;

void vfu_log_to_ours(vfu_ctx_t*, int level, const char* msg) {
  if (level <= LOG_ERR) {
    X710_LOG(error, "libvfio-user: %s", msg);
  } else if (level <= LOG_WARNING) {
    X710_LOG(warn, "libvfio-user: %s", msg);
  } else if (level <= LOG_INFO) {
    X710_LOG(info, "libvfio-user: %s", msg);
  } else {
    X710_LOG(trace, "libvfio-user: %s", msg);
  }
}

ssize_t bar0_access(vfu_ctx_t*, char* buf, size_t count, loff_t offset, bool is_write) {
  // 4-byte accesses everywhere; 8-byte reads for the 48/64-bit statistics
  // counters (i40e_stat_update48 uses readq). Anything else is a guest bug:
  // logged, reads return zeros, writes dropped, never an error to QEMU.
  if ((count != 4 && count != 8) || offset < 0 || offset % 4 != 0 ||
      static_cast<uint64_t>(offset) + count > Device::kBar0Size) {
    X710_LOG(info, "BAR0: unsupported %s of %zu bytes at 0x%llx ignored", is_write ? "write" : "read", count,
             static_cast<unsigned long long>(offset));
    if (!is_write) std::memset(buf, 0, count);
    return static_cast<ssize_t>(count);
  }
  g_mmio.note();
  for (size_t done = 0; done < count; done += 4) {
    const uint32_t off = static_cast<uint32_t>(offset + done);
    if (is_write) {
      uint32_t v;
      std::memcpy(&v, buf + done, 4);
      X710_LOG(trace, "BAR0 write 0x%06x = 0x%08x", off, v);
      g_device->mmio_write(off, v);
    } else {
      const uint32_t v = g_device->mmio_read(off);
      X710_LOG(trace, "BAR0 read  0x%06x = 0x%08x", off, v);
      std::memcpy(buf + done, &v, 4);
    }
  }
  return static_cast<ssize_t>(count);
}

ssize_t msix_bar_access(vfu_ctx_t*, char* buf, size_t count, loff_t offset, bool is_write) {
  // QEMU emulates the MSI-X table and PBA itself; accesses reaching us are
  // harmless (reads as zero).
  if (!is_write) std::memset(buf, 0, count);
  (void)offset;
  return static_cast<ssize_t>(count);
}

void dma_register(vfu_ctx_t*, vfu_dma_info_t* info) {
  g_memory->add_region(reinterpret_cast<uint64_t>(info->iova.iov_base), info->iova.iov_len, info->vaddr);
}

void dma_unregister(vfu_ctx_t*, vfu_dma_info_t* info) {
  g_memory->remove_region(reinterpret_cast<uint64_t>(info->iova.iov_base));
}

int device_reset(vfu_ctx_t*, vfu_reset_type_t type) {
  // VFU_RESET_DEVICE is QEMU's system reset (guest reboot); FLR the same.
  // A lost connection also returns the device to power-on state.
  X710_LOG(info, "reset from the VMM (%s)",
           type == VFU_RESET_DEVICE ? "device reset" : type == VFU_RESET_PCI_FLR ? "FLR" : "connection lost");
  g_device->power_on_reset();
  return 0;
}

}  // namespace

void VfuMsix::raise(unsigned vector) {
  if (ctx_ == nullptr) return;
  if (vfu_irq_trigger(ctx_, vector) != 0) {
    // Before the guest enabled MSI-X there is no eventfd: not an error.
    if (failures_++ == 0) X710_LOG(debug, "MSI-X vector %u not deliverable yet (%s)", vector, std::strerror(errno));
  }
}

VfioUserServer::VfioUserServer(std::string socket_path, Device& device, DmaMemory& memory, VfuMsix& msix)
    : socket_path_(std::move(socket_path)), device_(device), memory_(memory), msix_(msix) {
  g_device = &device_;
  g_memory = &memory_;
}

VfioUserServer::~VfioUserServer() {
  if (watch_) g_source_remove(watch_);
  if (traffic_timer_) g_source_remove(traffic_timer_);
  if (ctx_) vfu_destroy_ctx(ctx_);
  if (loop_) g_main_loop_unref(loop_);
}

bool VfioUserServer::setup_pci() {
  if (vfu_pci_init(ctx_, VFU_PCI_TYPE_EXPRESS, PCI_HEADER_TYPE_NORMAL, 0) != 0) return false;
  vfu_pci_set_id(ctx_, Device::kVendorId, Device::kDeviceId, Device::kSubsystemVendorId, Device::kSubsystemId);
  vfu_pci_set_class(ctx_, 0x02, 0x00, 0x00);  // Ethernet controller
  vfu_pci_config_space_t* cs = vfu_pci_get_config_space(ctx_);
  cs->hdr.rid = Device::kRevision;
  // 64-bit prefetchable memory BARs like the real part: BAR0 registers,
  // BAR3 MSI-X. libvfio-user keeps these low type bits on BAR writes.
  cs->hdr.bars[0].raw = PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH;
  cs->hdr.bars[3].raw = PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH;
  cs->hdr.intr.ipin = 1;  // INTA, used only if MSI-X fails

  struct msixcap msix{};
  msix.hdr.id = PCI_CAP_ID_MSIX;
  msix.mxc.ts = device_.config().num_msix_vectors - 1;
  msix.mtab.tbir = 3;
  msix.mtab.to = 0;
  msix.mpba.pbir = 3;
  msix.mpba.pbao = kMsixPbaOffset >> 3;
  if (vfu_pci_add_capability(ctx_, kMsixCapOffset, 0, &msix) < 0) return false;

  struct pxcap px{};
  px.hdr.id = PCI_CAP_ID_EXP;
  px.pxcaps.ver = 2;  // PCIe 2.x endpoint
  // Link: 8 GT/s x8, what the driver wants to see (i40e_probe only warns
  // about less). Capability offset 0x0C (LNKCAP) and 0x12 (LNKSTA).
  const uint32_t lnkcap = PCI_EXP_LNKCAP_SLS_8_0GB | (8u << 4);
  const uint16_t lnksta = PCI_EXP_LNKSTA_CLS_8_0GB | (8u << 4);
  std::memcpy(reinterpret_cast<uint8_t*>(&px) + PCI_EXP_LNKCAP, &lnkcap, sizeof lnkcap);
  std::memcpy(reinterpret_cast<uint8_t*>(&px) + PCI_EXP_LNKSTA, &lnksta, sizeof lnksta);
  if (vfu_pci_add_capability(ctx_, kPcieCapOffset, 0, &px) < 0) return false;

  if (vfu_setup_region(ctx_, VFU_PCI_DEV_BAR0_REGION_IDX, Device::kBar0Size, bar0_access,
                       VFU_REGION_FLAG_RW | VFU_REGION_FLAG_MEM, nullptr, 0, -1, 0) != 0)
    return false;
  if (vfu_setup_region(ctx_, VFU_PCI_DEV_BAR3_REGION_IDX, kMsixBarSize, msix_bar_access,
                       VFU_REGION_FLAG_RW | VFU_REGION_FLAG_MEM, nullptr, 0, -1, 0) != 0)
    return false;
  if (vfu_setup_device_nr_irqs(ctx_, VFU_DEV_MSIX_IRQ, device_.config().num_msix_vectors) != 0) return false;
  if (vfu_setup_device_nr_irqs(ctx_, VFU_DEV_INTX_IRQ, 1) != 0) return false;
  if (vfu_setup_device_dma(ctx_, dma_register, dma_unregister) != 0) return false;
  if (vfu_setup_device_reset_cb(ctx_, device_reset) != 0) return false;
  return true;
}

bool VfioUserServer::start() {
  ::unlink(socket_path_.c_str());
  ctx_ = vfu_create_ctx(VFU_TRANS_SOCK, socket_path_.c_str(), LIBVFIO_USER_FLAG_ATTACH_NB, this, VFU_DEV_TYPE_PCI);
  if (ctx_ == nullptr) {
    X710_LOG(error, "cannot create vfio-user socket %s: %s", socket_path_.c_str(), std::strerror(errno));
    return false;
  }
  vfu_setup_log(ctx_, vfu_log_to_ours, Log::enabled(LogLevel::trace) ? LOG_DEBUG : LOG_INFO);
  if (!setup_pci()) {
    X710_LOG(error, "PCI function setup failed: %s", std::strerror(errno));
    return false;
  }
  if (vfu_realize_ctx(ctx_) != 0) {
    X710_LOG(error, "vfu_realize_ctx failed: %s", std::strerror(errno));
    return false;
  }
  msix_.attach(ctx_);
  X710_LOG(info, "listening on %s (8086:1572 rev %02x, MAC %02x:%02x:%02x:%02x:%02x:%02x)", socket_path_.c_str(),
           Device::kRevision, device_.config().mac[0], device_.config().mac[1], device_.config().mac[2],
           device_.config().mac[3], device_.config().mac[4], device_.config().mac[5]);
  return true;
}

void VfioUserServer::watch_poll_fd() {
  if (watch_) g_source_remove(watch_);
  watch_ = g_unix_fd_add(vfu_get_poll_fd(ctx_), static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR),
                         on_socket_ready, this);
}

gboolean VfioUserServer::on_socket_ready(gint, GIOCondition, gpointer p) {
  auto* self = static_cast<VfioUserServer*>(p);
  if (!self->attached_) {
    if (vfu_attach_ctx(self->ctx_) != 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return G_SOURCE_CONTINUE;
      X710_LOG(error, "vfio-user attach failed: %s", std::strerror(errno));
      self->exit_status_ = 1;
      g_main_loop_quit(self->loop_);
      return G_SOURCE_REMOVE;
    }
    self->attached_ = true;
    X710_LOG(info, "QEMU connected");
    if (!self->ticks_.empty()) self->traffic_timer_ = g_timeout_add(1, on_traffic_tick, self);
    self->watch_ = 0;
    self->watch_poll_fd();  // the poll fd is now the connection
    return G_SOURCE_REMOVE;
  }
  for (;;) {
    int n = vfu_run_ctx(self->ctx_);
    if (n > 0) continue;
    if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
      if (self->after_dispatch_) self->after_dispatch_();
      return G_SOURCE_CONTINUE;
    }
    if (errno == ENOTCONN) {
      X710_LOG(info, "QEMU disconnected; exiting");
    } else {
      X710_LOG(error, "vfio-user: %s; exiting", std::strerror(errno));
      self->exit_status_ = 1;
    }
    self->watch_ = 0;
    g_main_loop_quit(self->loop_);
    return G_SOURCE_REMOVE;
  }
}

gboolean VfioUserServer::on_traffic_tick(gpointer p) {
  auto* self = static_cast<VfioUserServer*>(p);
  const uint64_t now = static_cast<uint64_t>(g_get_monotonic_time()) * 1000;
  for (auto& tick : self->ticks_) tick(now);
  if (self->after_dispatch_) self->after_dispatch_();
  return G_SOURCE_CONTINUE;
}

gboolean VfioUserServer::on_signal(gpointer p) {
  auto* self = static_cast<VfioUserServer*>(p);
  X710_LOG(info, "signal received; exiting");
  g_main_loop_quit(self->loop_);
  return G_SOURCE_CONTINUE;
}

int VfioUserServer::run() {
  loop_ = g_main_loop_new(nullptr, FALSE);
  g_unix_signal_add(SIGINT, on_signal, this);
  g_unix_signal_add(SIGTERM, on_signal, this);
  watch_poll_fd();
  g_main_loop_run(loop_);
  ::unlink(socket_path_.c_str());
  if (!g_mmio.gaps_us.empty()) {
    std::vector<uint32_t>& g = g_mmio.gaps_us;
    std::nth_element(g.begin(), g.begin() + static_cast<long>(g.size() / 2), g.end());
    const uint32_t median = g[g.size() / 2];
    std::nth_element(g.begin(), g.begin() + static_cast<long>(g.size() / 10), g.end());
    X710_LOG(info, "MMIO: %llu BAR0 accesses; back-to-back ones %u us apart (median), %u us (10th percentile)",
             static_cast<unsigned long long>(g_mmio.accesses), median, g[g.size() / 10]);
  }
  return exit_status_;
}

}  // namespace x710
