// The race monitor: what each queue did around its disable requests, so a run
// can show that the device really wrote after the driver gave up on a queue
// (the i40e race of ../shared/research/kernel-race.md), and exactly which frame
// went where. The transport writes the events as JSON lines into the run
// directory and serves them on the control channel.
//
// A frame is "late" when it is written after the driver asked the queue to
// stop and before the queue honoured it: inside the disable window, and also
// after an enable request cancelled the disable (the queue then goes on with
// the ring the driver freed, --rx-enable-keeps-disable turns that off).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <vector>

namespace x710 {

struct RaceEvent {
  enum class Kind {
    disable_request,    // QENA_REQ 1 -> 0; latency_ns is how long QENA_STAT stays set
    disable_cancelled,  // QENA_REQ 0 -> 1 inside the window: the queue keeps its old context
    queue_stopped,      // QENA_STAT cleared; frames = late frames of this window
    late_frame,         // a frame written after a disable request
  };
  Kind kind = Kind::disable_request;
  uint64_t index = 0;     // position in the run's timeline, from 0
  uint64_t t_ns = 0;      // device clock
  bool rx = true;         // receive or transmit queue
  uint32_t queue = 0;
  uint64_t since_request_ns = 0;  // since this queue's last disable request
  // disable_request
  uint64_t latency_ns = 0;
  double offered_pps = 0;
  uint32_t descriptors = 0;  // descriptors the queue held (cached + posted)
  // queue_stopped
  uint64_t frames = 0;
  bool forced = false;       // FAST_QDIS, PF reset or device reset ended it
  // late_frame
  bool flood = false;        // the frame carries the flood signature
  uint64_t sequence = 0;     // its sequence number and flow (flood frames)
  uint32_t flow = 0;
  uint32_t length = 0;
  uint64_t buffer_gpa = 0;      // where the frame's bytes went
  uint64_t descriptor_gpa = 0;  // where its descriptor was written back
};

const char* race_event_name(RaceEvent::Kind kind);

struct RaceCounters {
  uint64_t disable_requests = 0;
  uint64_t disables_cancelled = 0;
  uint64_t windows_ended = 0;
  uint64_t late_frames = 0;
  uint64_t late_frames_unlisted = 0;  // counted, but past the per-run listing cap
  uint64_t max_window_ns = 0;         // the longest a queue kept writing after a request
};

class RaceMonitor {
 public:
  using Sink = std::function<void(const RaceEvent&)>;

  // Every event, as it happens (the transport's JSON-lines file).
  void set_sink(Sink sink) { sink_ = std::move(sink); }
  // Late frames listed one by one; past this, only counted (a queue that
  // never stopped could otherwise write a line per frame forever).
  void set_late_frame_limit(uint64_t limit) { late_limit_ = limit; }

  void disable_request(uint64_t now, bool rx, uint32_t queue, uint64_t latency_ns, double offered_pps,
                       uint32_t descriptors);
  void disable_cancelled(uint64_t now, bool rx, uint32_t queue, uint64_t since_request_ns);
  void queue_stopped(uint64_t now, bool rx, uint32_t queue, uint64_t since_request_ns, uint64_t frames,
                     bool forced);
  void late_frame(uint64_t now, uint32_t queue, uint64_t since_request_ns, std::span<const uint8_t> frame,
                  uint64_t buffer_gpa, uint64_t descriptor_gpa);

  const RaceCounters& counters() const { return counters_; }
  // Events from `index` on that are still held (the last kKeep), at most `max`.
  std::vector<RaceEvent> since(uint64_t index, size_t max) const;
  uint64_t next_index() const { return next_index_; }

  static constexpr size_t kKeep = 4096;

 private:
  void record(RaceEvent event);

  Sink sink_;
  RaceCounters counters_;
  std::deque<RaceEvent> recent_;
  uint64_t next_index_ = 0;
  uint64_t late_limit_ = 100'000;
  uint64_t late_listed_ = 0;
};

}  // namespace x710
