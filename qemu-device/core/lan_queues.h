// LAN transmit and receive queues: the QENA_REQ / QENA_STAT handshake, the
// context read from HMC at enable time (spec 6), and the transmit engine
// that consumes descriptors and reports completion by head write-back (7.3
// to 7.5). Receive is fed by the packet backend (a later stage).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include <random>

#include "latency_model.h"
#include "queue_context.h"
#include "race_monitor.h"
#include "rx_ring.h"
#include "statistics.h"
#include "tx_offload.h"

namespace x710 {

class GuestMemory;
class Hmc;
class Interrupts;
class RegisterFile;

struct TxQueue {
  bool enabled = false;
  bool failed = false;  // stopped after a bad descriptor or context; logged once
  TxQueueContext ctx;
  uint32_t head = 0;  // next descriptor the device will read
  uint64_t frames = 0;  // wire frames sent (TSO segments each count)
  uint64_t bytes = 0;
  uint64_t refused = 0;  // packets whose offload request was invalid (dropped)
  // The transmit disable window (--tx-disable-latency, off by default): the
  // queue keeps sending what the ring offers until the deadline.
  bool draining = false;
  uint64_t disable_requested_ns = 0;
  uint64_t drain_deadline_ns = 0;
  uint64_t window_frames = 0;
};

// What a receive queue has done over its whole life; kept across re-enables
// (enable_rx starts the rest afresh).
struct RxQueueCounters {
  uint64_t frames = 0;
  uint64_t bytes = 0;
  uint64_t no_descriptor_drops = 0;  // frames offered while the ring was empty
  uint64_t oversize_drops = 0;
  uint64_t disable_requests = 0;
  uint64_t late_frames = 0;  // delivered inside a disable window

  // Offered frames (delivered or not) and their rate over ~100 ms, for the
  // load-dependent latency model.
  uint64_t offered = 0;
  uint64_t rate_sample_ns = 0;
  uint64_t rate_sample_offered = 0;
  double offered_pps = 0;
};

struct RxQueue : RxQueueCounters {
  bool enabled = false;
  bool failed = false;
  RxQueueContext ctx;
  RxRing ring;

  // The disable window (the race this test bed reproduces): after QENA_REQ
  // goes 1 -> 0 the queue keeps working, QENA_STAT stays 1, until the
  // deadline. Frames delivered in the window are "late".
  bool draining = false;
  uint64_t disable_requested_ns = 0;
  uint64_t drain_deadline_ns = 0;
  // Descriptors the queue held when the disable was requested, and frames
  // written since: the window's writes are paced so that they spread over
  // the whole window (see LanQueues::receive).
  uint32_t window_budget = 0;
  uint32_t window_written = 0;
  uint64_t window_ns = 0;  // this disable's drawn latency
  // An enable request cancelled the disable: the queue runs on with the
  // context and ring of before, which the driver has freed. Its frames stay
  // "late" until the queue really stops.
  bool stale = false;
  uint64_t window_frames = 0;  // late frames since the last disable request
};

// How the queues answer a disable request (--rx-disable-latency,
// --tx-disable-latency).
struct RxDisableModel {
  LatencyModel latency;     // fixed 0: QENA_STAT clears at once
  LatencyModel tx_latency;  // the same for transmit queues; 0 by default
  uint64_t seed = 1;        // for the random latency forms
  // QENA_REQ 0 -> 1 inside the window cancels the disable: the queue goes on
  // with the context it has, as hardware that never went idle would.
  bool enable_cancels_disable = true;
};

class LanQueues {
 public:
  // A transmitted frame, with the FCS not included.
  using FrameSink = std::function<void(uint32_t queue, std::span<const uint8_t> frame)>;

  LanQueues(RegisterFile& regs, GuestMemory& memory, Hmc& hmc, Interrupts& irq, uint32_t num_queues,
            uint32_t pf_id);

  // Register hooks; each returns the value to store.
  uint32_t on_qrx_ena_write(uint32_t queue, uint32_t old, uint32_t value);
  uint32_t on_qtx_ena_write(uint32_t queue, uint32_t old, uint32_t value);
  uint32_t on_qtx_tail_write(uint32_t queue, uint32_t value);
  uint32_t on_qrx_tail_write(uint32_t queue, uint32_t value);

  // A frame for receive queue q (the packet path chose q by RSS). Returns
  // what happened; drops are counted per queue.
  RxResult receive(uint32_t queue, std::span<const uint8_t> frame, const RxFrameInfo& info);
  void set_rx_disable_model(const RxDisableModel& model) {
    disable_model_ = model;
    rng_.seed(model.seed);
  }
  void set_clock(std::function<uint64_t()> now) { now_ = std::move(now); }
  // Ends disable windows whose deadline passed (called from the event loop).
  void poll();
  // The earliest disable-window deadline, or UINT64_MAX.
  uint64_t next_deadline_ns() const;
  // Where disable requests, window ends and late frames are reported.
  void set_race_monitor(RaceMonitor* monitor) { monitor_ = monitor; }
  // Receive descriptors each queue prefetches (--rx-desc-cache).
  void set_rx_descriptor_cache(uint32_t depth) { rx_cache_depth_ = depth; }

  void set_frame_sink(FrameSink sink) { sink_ = std::move(sink); }
  // Port counters the transmit side adds to (the statistics registers).
  void set_port_counters(PortCounters* counters) { counters_ = counters; }
  // Every queue stopped and forgotten (PF reset, device reset).
  void reset();

  uint32_t num_queues() const { return static_cast<uint32_t>(tx_.size()); }
  const TxQueue& tx(uint32_t q) const { return tx_[q]; }
  const RxQueue& rx(uint32_t q) const { return rx_[q]; }

 private:
  void enable_rx(uint32_t q);
  void enable_tx(uint32_t q);
  void run_tx(uint32_t q);
  void fail_tx(uint32_t q, const char* why);
  void fail_rx(uint32_t q, const char* why);
  void finish_rx_disable(uint32_t q, bool forced);
  void finish_tx_disable(uint32_t q, bool forced);

  RegisterFile& regs_;
  GuestMemory& memory_;
  Hmc& hmc_;
  Interrupts& irq_;
  uint32_t pf_id_;
  std::vector<TxQueue> tx_;
  std::vector<RxQueue> rx_;
  FrameSink sink_;
  uint32_t rx_cache_depth_ = 64;
  PortCounters* counters_ = nullptr;
  RxDisableModel disable_model_;
  std::mt19937_64 rng_{1};
  std::function<uint64_t()> now_;
  RaceMonitor* monitor_ = nullptr;
  std::vector<uint8_t> frame_;  // reused across frames
  TxOffload offload_;
};

}  // namespace x710
