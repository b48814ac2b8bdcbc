// The PCI function on the wire: libvfio-user context, config space
// (IDs, BARs, MSI-X and PCIe capabilities), BAR0 accesses into the device
// core, DMA region tracking and MSI-X delivery, driven by a GLib main loop.
#pragma once

#include <glib.h>

#include <functional>
#include <memory>
#include <vector>
#include <string>

#include "dma_memory.h"
#include "msix_sink.h"

struct vfu_ctx;

namespace x710 {

class Device;

class VfuMsix : public MsixSink {
 public:
  void attach(vfu_ctx* ctx) { ctx_ = ctx; }
  void raise(unsigned vector) override;
  uint64_t failures() const { return failures_; }

 private:
  vfu_ctx* ctx_ = nullptr;
  uint64_t failures_ = 0;
};

class VfioUserServer {
 public:
  VfioUserServer(std::string socket_path, Device& device, DmaMemory& memory, VfuMsix& msix);
  ~VfioUserServer();

  // Creates the socket and sets up the PCI function. False (logged) on error.
  bool start();
  // Called from the event loop every millisecond while QEMU is connected
  // (traffic sources, the slirp backend); gets monotonic nanoseconds.
  void add_tick(std::function<void(uint64_t now_ns)> tick) { ticks_.push_back(std::move(tick)); }
  // Runs after every batch of guest messages and every tick (to re-arm the
  // device's deadline timer: an MMIO write may have held an interrupt).
  void set_after_dispatch(std::function<void()> hook) { after_dispatch_ = std::move(hook); }

  // Serves one QEMU connection; returns when it disconnects or on SIGINT/TERM.
  // The exit status for main().
  int run();

 private:
  static gboolean on_socket_ready(gint fd, GIOCondition cond, gpointer self);
  static gboolean on_signal(gpointer self);
  static gboolean on_traffic_tick(gpointer self);
  void watch_poll_fd();
  bool setup_pci();

  std::string socket_path_;
  Device& device_;
  DmaMemory& memory_;
  VfuMsix& msix_;
  vfu_ctx* ctx_ = nullptr;
  GMainLoop* loop_ = nullptr;
  guint watch_ = 0;
  guint traffic_timer_ = 0;
  std::vector<std::function<void(uint64_t)>> ticks_;
  std::function<void()> after_dispatch_;
  bool attached_ = false;
  int exit_status_ = 0;
};

}  // namespace x710
