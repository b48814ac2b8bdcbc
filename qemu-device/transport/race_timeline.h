// The race monitor's events as JSON lines: one object per line in the run
// directory's timeline file (--timeline), and the same objects on the control
// channel's "race" op. The fields are documented in qemu-device/README.md.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "race_monitor.h"

namespace x710 {

nlohmann::json race_event_json(const RaceEvent& event);
nlohmann::json race_counters_json(const RaceCounters& counters);

class TimelineFile {
 public:
  TimelineFile() = default;
  TimelineFile(const TimelineFile&) = delete;
  TimelineFile& operator=(const TimelineFile&) = delete;
  ~TimelineFile();

  bool open(const std::string& path, std::string& why);
  bool is_open() const { return file_ != nullptr; }
  void write(const RaceEvent& event);
  // Called from the event loop: what was written becomes visible to readers
  // within ~100 ms without a write(2) per late frame.
  void flush_if_due(uint64_t now_ns);

 private:
  std::FILE* file_ = nullptr;
  uint64_t last_flush_ns_ = 0;
  bool dirty_ = false;
};

}  // namespace x710
