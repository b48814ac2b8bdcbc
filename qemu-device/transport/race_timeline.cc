#include "race_timeline.h"

#include <cerrno>
#include <cstring>

namespace x710 {

using nlohmann::json;

json race_event_json(const RaceEvent& e) {
  json j = {{"i", e.index},
            {"t_ns", e.t_ns},
            {"event", race_event_name(e.kind)},
            {"dir", e.rx ? "rx" : "tx"},
            {"queue", e.queue}};
  switch (e.kind) {
    case RaceEvent::Kind::disable_request:
      j["latency_ns"] = e.latency_ns;
      j["offered_pps"] = static_cast<uint64_t>(e.offered_pps + 0.5);
      j["descriptors"] = e.descriptors;
      break;
    case RaceEvent::Kind::disable_cancelled:
      j["since_request_ns"] = e.since_request_ns;
      break;
    case RaceEvent::Kind::queue_stopped:
      j["since_request_ns"] = e.since_request_ns;
      j["frames"] = e.frames;
      j["forced"] = e.forced;
      break;
    case RaceEvent::Kind::late_frame:
      j["since_request_ns"] = e.since_request_ns;
      j["length"] = e.length;
      j["buffer_gpa"] = e.buffer_gpa;
      j["descriptor_gpa"] = e.descriptor_gpa;
      if (e.flood) {
        j["seq"] = e.sequence;
        j["flow"] = e.flow;
      }
      break;
  }
  return j;
}

json race_counters_json(const RaceCounters& c) {
  return {{"disable_requests", c.disable_requests},
          {"disables_cancelled", c.disables_cancelled},
          {"windows_ended", c.windows_ended},
          {"late_frames", c.late_frames},
          {"late_frames_unlisted", c.late_frames_unlisted},
          {"max_window_ns", c.max_window_ns}};
}

TimelineFile::~TimelineFile() {
  if (file_) std::fclose(file_);
}

bool TimelineFile::open(const std::string& path, std::string& why) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) {
    why = std::strerror(errno);
    return false;
  }
  return true;
}

void TimelineFile::write(const RaceEvent& event) {
  if (!file_) return;
  const std::string line = race_event_json(event).dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), file_);
  dirty_ = true;
}

void TimelineFile::flush_if_due(uint64_t now_ns) {
  constexpr uint64_t kFlushEveryNs = 100'000'000;
  if (!file_ || !dirty_ || now_ns - last_flush_ns_ < kFlushEveryNs) return;
  std::fflush(file_);
  dirty_ = false;
  last_flush_ns_ = now_ns;
}

}  // namespace x710
