#include "race_monitor.h"

#include <algorithm>

#include "flood.h"

namespace x710 {

const char* race_event_name(RaceEvent::Kind kind) {
  switch (kind) {
    case RaceEvent::Kind::disable_request: return "disable_request";
    case RaceEvent::Kind::disable_cancelled: return "disable_cancelled";
    case RaceEvent::Kind::queue_stopped: return "queue_stopped";
    case RaceEvent::Kind::late_frame: return "late_frame";
  }
  return "?";
}

void RaceMonitor::record(RaceEvent event) {
  event.index = next_index_++;
  if (sink_) sink_(event);
  recent_.push_back(event);
  if (recent_.size() > kKeep) recent_.pop_front();
}

void RaceMonitor::disable_request(uint64_t now, bool rx, uint32_t queue, uint64_t latency_ns, double offered_pps,
                                  uint32_t descriptors) {
  ++counters_.disable_requests;
  RaceEvent e;
  e.kind = RaceEvent::Kind::disable_request;
  e.t_ns = now;
  e.rx = rx;
  e.queue = queue;
  e.latency_ns = latency_ns;
  e.offered_pps = offered_pps;
  e.descriptors = descriptors;
  record(e);
}

void RaceMonitor::disable_cancelled(uint64_t now, bool rx, uint32_t queue, uint64_t since_request_ns) {
  ++counters_.disables_cancelled;
  RaceEvent e;
  e.kind = RaceEvent::Kind::disable_cancelled;
  e.t_ns = now;
  e.rx = rx;
  e.queue = queue;
  e.since_request_ns = since_request_ns;
  record(e);
}

void RaceMonitor::queue_stopped(uint64_t now, bool rx, uint32_t queue, uint64_t since_request_ns, uint64_t frames,
                                bool forced) {
  ++counters_.windows_ended;
  counters_.max_window_ns = std::max(counters_.max_window_ns, since_request_ns);
  RaceEvent e;
  e.kind = RaceEvent::Kind::queue_stopped;
  e.t_ns = now;
  e.rx = rx;
  e.queue = queue;
  e.since_request_ns = since_request_ns;
  e.frames = frames;
  e.forced = forced;
  record(e);
}

void RaceMonitor::late_frame(uint64_t now, uint32_t queue, uint64_t since_request_ns, std::span<const uint8_t> frame,
                             uint64_t buffer_gpa, uint64_t descriptor_gpa) {
  ++counters_.late_frames;
  counters_.max_window_ns = std::max(counters_.max_window_ns, since_request_ns);
  if (late_listed_ >= late_limit_) {
    ++counters_.late_frames_unlisted;
    return;
  }
  ++late_listed_;
  RaceEvent e;
  e.kind = RaceEvent::Kind::late_frame;
  e.t_ns = now;
  e.queue = queue;
  e.since_request_ns = since_request_ns;
  e.length = static_cast<uint32_t>(frame.size());
  e.buffer_gpa = buffer_gpa;
  e.descriptor_gpa = descriptor_gpa;
  FloodSignature sig{};
  size_t offset = 0;
  if (FloodGenerator::find_signature(frame, sig, offset)) {
    e.flood = true;
    e.sequence = sig.sequence;
    e.flow = sig.flow;
  }
  record(e);
}

std::vector<RaceEvent> RaceMonitor::since(uint64_t index, size_t max) const {
  std::vector<RaceEvent> out;
  for (const RaceEvent& e : recent_) {
    if (out.size() >= max) break;
    if (e.index >= index) out.push_back(e);
  }
  return out;
}

}  // namespace x710
