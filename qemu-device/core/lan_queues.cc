#include "lan_queues.h"

#include <algorithm>
#include <array>

#include "guest_memory.h"
#include "hmc.h"
#include "interrupts.h"
#include "log.h"
#include "monotonic_clock.h"
#include "register_file.h"
#include "registers.h"

namespace x710 {

namespace {
// TX descriptor qword1 fields (i40e_txrx.h / spec 7.3).
constexpr uint64_t TXD_DTYPE_MASK = 0xF;
constexpr uint64_t TXD_DTYPE_DATA = 0x0;
constexpr uint64_t TXD_DTYPE_CONTEXT = 0x1;
constexpr uint64_t TXD_DTYPE_FILTER_PROG = 0x8;
constexpr uint64_t TXD_DTYPE_DESC_DONE = 0xF;
constexpr unsigned TXD_CMD_SHIFT = 4;
constexpr uint64_t TXD_CMD_EOP = 0x001;
constexpr uint64_t TXD_CMD_RS = 0x002;
constexpr unsigned TXD_BUF_SZ_SHIFT = 34;
constexpr uint64_t TXD_BUF_SZ_MASK = 0x3FFF;
constexpr size_t kMaxFrame = 256 * 1024;  // a TSO super-frame is at most 256 KiB
constexpr uint32_t kTailMask = 0x1FFF;
}  // namespace

LanQueues::LanQueues(RegisterFile& regs, GuestMemory& memory, Hmc& hmc, Interrupts& irq, uint32_t num_queues,
                     uint32_t pf_id)
    : regs_(regs),
      memory_(memory),
      hmc_(hmc),
      irq_(irq),
      pf_id_(pf_id),
      tx_(num_queues),
      rx_(num_queues),
      now_(monotonic_ns) {
  frame_.reserve(kMaxFrame);
}

void LanQueues::reset() {
  // A reset ends every window at once, as on hardware; the monitor hears of it.
  for (uint32_t q = 0; q < rx_.size(); ++q) {
    if (rx_[q].draining || rx_[q].stale) finish_rx_disable(q, /*forced=*/true);
    if (tx_[q].draining) finish_tx_disable(q, /*forced=*/true);
  }
  for (auto& q : tx_) q = TxQueue{};
  for (auto& q : rx_) q = RxQueue{};
}

uint32_t LanQueues::on_qrx_ena_write(uint32_t q, uint32_t old, uint32_t value) {
  const bool was = old & reg::QENA_REQ;
  const bool want = value & reg::QENA_REQ;
  RxQueue& rx = rx_[q];
  if (want && !was) {
    if (rx.draining && disable_model_.enable_cancels_disable) {
      // The queue never stopped: it keeps its cached context and ring state
      // and does not re-read the HMC context the driver just rewrote.
      rx.draining = false;
      rx.stale = true;
      if (monitor_) monitor_->disable_cancelled(now_(), true, q, now_() - rx.disable_requested_ns);
      X710_LOG(info, "rx queue %u: enable request inside the disable window; disable cancelled, old context kept", q);
    } else {
      if (rx.draining || rx.stale) finish_rx_disable(q, /*forced=*/false);
      enable_rx(q);
    }
  } else if (!want && was) {
    ++rx.disable_requests;
    const bool fast = value & reg::QENA_FAST_QDIS;
    const bool running = rx.enabled && !rx.failed;
    const uint64_t latency = fast || !running ? 0 : disable_model_.latency.draw(rng_, rx.offered_pps);
    const uint64_t now = now_();
    rx.disable_requested_ns = now;
    rx.window_frames = 0;
    if (monitor_) monitor_->disable_request(now, true, q, latency, rx.offered_pps, running ? rx.ring.usable() : 0);
    if (latency == 0) {
      finish_rx_disable(q, /*forced=*/fast);
    } else {
      rx.draining = true;
      rx.window_ns = latency;
      rx.drain_deadline_ns = now + latency;
      rx.window_budget = rx.ring.usable();
      rx.window_written = 0;
      X710_LOG(info, "rx queue %u: disable requested at %.0f frames/s offered, %u descriptors held; QENA_STAT stays set for %.3f ms",
               q, rx.offered_pps, rx.window_budget, static_cast<double>(latency) / 1e6);
    }
  }
  const bool stat = rx.enabled || rx.failed || rx.draining;
  return (want ? reg::QENA_REQ : 0) | ((want || rx.draining) && stat ? reg::QENA_STAT : 0);
}

void LanQueues::finish_rx_disable(uint32_t q, bool forced) {
  RxQueue& rx = rx_[q];
  if (rx.draining || rx.stale) {
    const uint64_t since = now_() - rx.disable_requested_ns;
    X710_LOG(info, "rx queue %u: stopped %.3f ms after the disable request%s; %llu frames written since the request", q,
             static_cast<double>(since) / 1e6, forced ? " (forced)" : "",
             static_cast<unsigned long long>(rx.window_frames));
    if (monitor_) monitor_->queue_stopped(now_(), true, q, since, rx.window_frames, forced);
  } else if (monitor_ && rx.disable_requested_ns != 0 && rx.enabled) {
    monitor_->queue_stopped(now_(), true, q, now_() - rx.disable_requested_ns, 0, forced);
  }
  rx.draining = false;
  rx.stale = false;
  rx.enabled = false;
  rx.failed = false;
  rx.ring.stop();
  regs_.raw(reg::QRX_ENA + 4 * q) &= ~reg::QENA_STAT;
}

void LanQueues::finish_tx_disable(uint32_t q, bool forced) {
  TxQueue& tx = tx_[q];
  if (tx.draining && monitor_) {
    monitor_->queue_stopped(now_(), false, q, now_() - tx.disable_requested_ns, tx.window_frames, forced);
  }
  tx.draining = false;
  tx.enabled = false;
  tx.failed = false;
  regs_.raw(reg::QTX_ENA + 4 * q) &= ~reg::QENA_STAT;
}

void LanQueues::poll() {
  const uint64_t now = now_();
  constexpr uint64_t kRateWindowNs = 100'000'000;
  for (uint32_t q = 0; q < rx_.size(); ++q) {
    RxQueue& rx = rx_[q];
    if (rx.draining && now >= rx.drain_deadline_ns) finish_rx_disable(q, /*forced=*/false);
    if (tx_[q].draining && now >= tx_[q].drain_deadline_ns) finish_tx_disable(q, /*forced=*/false);
    if (now - rx.rate_sample_ns >= kRateWindowNs) {
      if (rx.rate_sample_ns != 0) {
        rx.offered_pps = static_cast<double>(rx.offered - rx.rate_sample_offered) * 1e9 /
                         static_cast<double>(now - rx.rate_sample_ns);
      }
      rx.rate_sample_ns = now;
      rx.rate_sample_offered = rx.offered;
    }
  }
}

uint64_t LanQueues::next_deadline_ns() const {
  uint64_t next = UINT64_MAX;
  for (uint32_t q = 0; q < rx_.size(); ++q) {
    if (rx_[q].draining) next = std::min(next, rx_[q].drain_deadline_ns);
    if (tx_[q].draining) next = std::min(next, tx_[q].drain_deadline_ns);
  }
  return next;
}

uint32_t LanQueues::on_qtx_ena_write(uint32_t q, uint32_t old, uint32_t value) {
  const bool was = old & reg::QENA_REQ;
  const bool want = value & reg::QENA_REQ;
  TxQueue& tx = tx_[q];
  if (want && !was) {
    if (tx.draining) finish_tx_disable(q, /*forced=*/false);
    enable_tx(q);
  } else if (!want && was) {
    const bool fast = value & reg::QENA_FAST_QDIS;
    const bool running = tx.enabled && !tx.failed;
    const uint64_t latency = fast || !running ? 0 : disable_model_.tx_latency.draw(rng_, 0);
    const uint64_t now = now_();
    tx.disable_requested_ns = now;
    tx.window_frames = 0;
    if (latency != 0 && monitor_) monitor_->disable_request(now, false, q, latency, 0, 0);
    if (latency == 0) {
      tx.enabled = false;
      tx.failed = false;
      X710_LOG(debug, "tx queue %u disabled", q);
    } else {
      // The queue keeps sending what the ring offers until the deadline.
      tx.draining = true;
      tx.drain_deadline_ns = now + latency;
      X710_LOG(info, "tx queue %u: disable requested; QENA_STAT stays set for %.3f ms", q,
               static_cast<double>(latency) / 1e6);
    }
  }
  const bool stat = tx.enabled || tx.failed;
  return (want ? reg::QENA_REQ : 0) | ((want || tx.draining) && stat ? reg::QENA_STAT : 0);
}

void LanQueues::enable_rx(uint32_t q) {
  RxQueue& rx = rx_[q];
  // A fresh start, but the counters are the queue's whole history.
  const RxQueueCounters history = rx;
  rx = RxQueue{};
  static_cast<RxQueueCounters&>(rx) = history;
  std::array<uint8_t, kRxContextBytes> raw{};
  // The driver wrote the context into HMC memory just before; hardware reads
  // it at this moment (i40e_configure_rx_ring then i40e_control_rx_q).
  if (!hmc_.read_object(hmc_.rx_context_fpm(pf_id_, q), raw.data(), raw.size())) {
    X710_LOG(warn, "rx queue %u: context not readable through the HMC; queue flagged as failed", q);
    rx.failed = true;
    return;
  }
  rx.ctx = decode_rx_context(raw);
  if (std::string why = rx.ctx.problem(); !why.empty()) {
    X710_LOG(warn, "rx queue %u: bad context (%s); queue flagged as failed", q, why.c_str());
    rx.failed = true;
    return;
  }
  rx.ring.start(rx.ctx, rx_cache_depth_);
  // The driver posts its buffers (QRX_TAIL = count - 1) before enabling
  // (i40e_configure_rx_ring): the latched tail counts from here.
  rx.ring.set_tail(regs_.raw_value(reg::QRX_TAIL + 4 * q) & kTailMask);
  rx.enabled = true;
  if (!rx.ring.fetch(memory_)) fail_rx(q, "descriptor ring outside guest memory");
  X710_LOG(debug, "rx queue %u enabled: ring 0x%llx len %u buf %u rxmax %u tail %u", q,
           static_cast<unsigned long long>(rx.ctx.base), rx.ctx.qlen, rx.ctx.dbuff, rx.ctx.rxmax,
           regs_.raw_value(reg::QRX_TAIL + 4 * q) & kTailMask);
}

void LanQueues::enable_tx(uint32_t q) {
  TxQueue& tx = tx_[q];
  tx = TxQueue{};
  std::array<uint8_t, kTxContextBytes> raw{};
  if (!hmc_.read_object(hmc_.tx_context_fpm(pf_id_, q), raw.data(), raw.size())) {
    fail_tx(q, "context not readable through the HMC");
    return;
  }
  tx.ctx = decode_tx_context(raw);
  if (std::string why = tx.ctx.problem(); !why.empty()) {
    X710_LOG(warn, "tx queue %u: bad context (%s); queue flagged as failed", q, why.c_str());
    tx.failed = true;
    return;
  }
  tx.head = tx.ctx.head;
  tx.enabled = true;
  X710_LOG(debug, "tx queue %u enabled: ring 0x%llx len %u head_wb %s 0x%llx", q,
           static_cast<unsigned long long>(tx.ctx.base), tx.ctx.qlen, tx.ctx.head_wb_ena ? "on" : "off",
           static_cast<unsigned long long>(tx.ctx.head_wb_addr));
  run_tx(q);
}

uint32_t LanQueues::on_qtx_tail_write(uint32_t q, uint32_t value) {
  regs_.raw(reg::QTX_TAIL + 4 * q) = value;
  if (tx_[q].enabled && !tx_[q].failed) run_tx(q);
  return value;
}

uint32_t LanQueues::on_qrx_tail_write(uint32_t q, uint32_t value) {
  RxQueue& rx = rx_[q];
  if (rx.enabled && !rx.failed) {
    if ((value & kTailMask) >= rx.ctx.qlen) {
      fail_rx(q, "tail beyond the ring");
    } else {
      rx.ring.set_tail(value & kTailMask);
      if (!rx.ring.fetch(memory_)) fail_rx(q, "descriptor ring outside guest memory");
      // Buffers the driver posts during the window are the queue's too.
      if (rx.draining) rx.window_budget = std::max(rx.window_budget, rx.window_written + rx.ring.usable());
    }
  }
  return value;
}

RxResult LanQueues::receive(uint32_t q, std::span<const uint8_t> frame, const RxFrameInfo& info) {
  if (q >= rx_.size()) return RxResult::no_descriptor;
  RxQueue& rx = rx_[q];
  ++rx.offered;
  // The window ends at its deadline even when the event loop's poll() comes
  // late (a busy host): a frame offered after it finds the queue stopped.
  if (rx.draining && now_() >= rx.drain_deadline_ns) finish_rx_disable(q, /*forced=*/false);
  if (!rx.enabled || rx.failed) {
    ++rx.no_descriptor_drops;
    return RxResult::no_descriptor;
  }
  if (rx.draining) {
    // A queue that is stopping drains at its own pace, not at the wire's:
    // the buffers it held at the request are filled evenly over the window,
    // so writes keep landing after the driver freed the pages (~50 ms) and
    // after they were handed to new owners. Frames beyond the pace are
    // dropped, as a stopping queue's packet buffer overflows.
    const uint64_t elapsed = now_() - rx.disable_requested_ns;
    const uint64_t due = rx.window_ns == 0 ? rx.window_budget : uint64_t{rx.window_budget} * elapsed / rx.window_ns + 1;
    if (rx.window_written >= due) {
      ++rx.no_descriptor_drops;
      return RxResult::no_descriptor;
    }
  }
  const RxResult result = rx.ring.deliver(memory_, frame, info);
  if (result == RxResult::delivered && rx.draining) ++rx.window_written;
  switch (result) {
    case RxResult::delivered:
      ++rx.frames;
      rx.bytes += frame.size();
      if (rx.draining || rx.stale) {
        ++rx.late_frames;
        ++rx.window_frames;
        if (monitor_) {
          const uint64_t now = now_();
          monitor_->late_frame(now, q, now - rx.disable_requested_ns, frame, rx.ring.last_buffer_gpa(),
                               rx.ring.last_descriptor_gpa());
        }
      }
      irq_.raise_queue(true, q);
      break;
    case RxResult::no_descriptor: ++rx.no_descriptor_drops; break;
    case RxResult::too_long: ++rx.oversize_drops; break;
    case RxResult::dma_error: fail_rx(q, "buffer or ring outside guest memory"); break;
  }
  return result;
}

void LanQueues::fail_rx(uint32_t q, const char* why) {
  RxQueue& rx = rx_[q];
  if (!rx.failed) X710_LOG(warn, "rx queue %u stopped: %s", q, why);
  rx.failed = true;
  rx.enabled = false;
  rx.ring.stop();
}

void LanQueues::fail_tx(uint32_t q, const char* why) {
  TxQueue& tx = tx_[q];
  if (!tx.failed) X710_LOG(warn, "tx queue %u stopped: %s", q, why);
  tx.failed = true;
  tx.enabled = false;
}

void LanQueues::run_tx(uint32_t q) {
  TxQueue& tx = tx_[q];
  const uint32_t qlen = tx.ctx.qlen;
  const uint32_t tail = regs_.raw_value(reg::QTX_TAIL + 4 * q) & kTailMask;
  if (tail >= qlen) {
    fail_tx(q, "tail beyond the ring");
    return;
  }
  const uint32_t start_head = tx.head;
  uint32_t idx = tx.head;
  frame_.clear();
  // Per packet: its optional context descriptor and its first data
  // descriptor's qword1 (the driver repeats CMD/OFFSET on every descriptor).
  uint64_t context[2] = {0, 0};
  bool have_context = false;
  uint64_t first_data_qw1 = 0;
  const TsoFlagMasks masks{static_cast<uint16_t>(regs_.raw_value(TsoFlagMasks::kRegFirst) & TsoFlagMasks::kMask),
                           static_cast<uint16_t>(regs_.raw_value(TsoFlagMasks::kRegMiddle) & TsoFlagMasks::kMask),
                           static_cast<uint16_t>(regs_.raw_value(TsoFlagMasks::kRegLast) & TsoFlagMasks::kMask)};
  while (idx != tail) {
    uint64_t desc[2];
    const uint64_t addr = tx.ctx.base + uint64_t{idx} * sizeof desc;
    if (!memory_.read(addr, desc, sizeof desc)) {
      fail_tx(q, "descriptor outside guest memory");
      return;
    }
    const uint64_t qw1 = desc[1];
    const uint64_t dtype = qw1 & TXD_DTYPE_MASK;
    const uint64_t cmd = (qw1 >> TXD_CMD_SHIFT) & 0x3FF;
    const uint32_t next = (idx + 1) % qlen;
    if (dtype == TXD_DTYPE_DATA) {
      const size_t size = (qw1 >> TXD_BUF_SZ_SHIFT) & TXD_BUF_SZ_MASK;
      if (frame_.empty()) first_data_qw1 = qw1;
      if (frame_.size() + size > kMaxFrame) {
        fail_tx(q, "frame larger than 256 KiB");
        return;
      }
      const size_t at = frame_.size();
      frame_.resize(at + size);
      if (size > 0 && !memory_.read(desc[0], frame_.data() + at, size)) {
        fail_tx(q, "data buffer outside guest memory");
        return;
      }
      if (cmd & TXD_CMD_EOP) {
        const TxOffloadRequest req = TxOffloadRequest::from_descriptors(first_data_qw1, have_context ? context : nullptr);
        const TxOffloadResult sent = offload_.process(frame_, req, masks, [&](std::span<const uint8_t> wire) {
          if (counters_) counters_->count_tx(wire);
          if (sink_) sink_(q, wire);
        });
        if (sent.ok()) {
          if (tx.draining) tx.window_frames += sent.frames;
          tx.frames += sent.frames;
          tx.bytes += sent.bytes;
        } else {
          // Hardware raises a malicious-driver event and drops the packet;
          // the ring moves on. Logged once per queue, counted always.
          if (tx.refused++ == 0) X710_LOG(warn, "tx queue %u: packet dropped: %s", q, sent.reason());
        }
        frame_.clear();
        have_context = false;
        // Completion only ever at a packet boundary (spec 7.5): the driver
        // frees every packet whose first descriptor is behind the head.
        tx.head = next;
        if (!tx.ctx.head_wb_ena && (cmd & TXD_CMD_RS)) {
          const uint64_t done = TXD_DTYPE_DESC_DONE;
          memory_.write(addr + 8, &done, sizeof done);
        }
      }
    } else if (dtype == TXD_DTYPE_CONTEXT) {
      context[0] = desc[0];
      context[1] = desc[1];
      have_context = true;
    } else if (dtype == TXD_DTYPE_FILTER_PROG || dtype == TXD_DTYPE_DESC_DONE) {
      // Flow director programming needs the FD capability we do not offer.
    } else {
      fail_tx(q, "unknown descriptor type");
      return;
    }
    idx = next;
  }
  if (tx.head == start_head) return;
  if (tx.ctx.head_wb_ena) {
    const uint32_t head = tx.head;
    if (!memory_.write(tx.ctx.head_wb_addr, &head, sizeof head)) {
      fail_tx(q, "head write-back address outside guest memory");
      return;
    }
  }
  irq_.raise_queue(false, q);
}

}  // namespace x710
