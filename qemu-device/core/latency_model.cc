#include "latency_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace x710 {

bool parse_duration_ns(const std::string& text, uint64_t& ns) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (...) {
    return false;
  }
  const std::string unit = text.substr(used);
  double scale = 0;
  if (unit == "s") {
    scale = 1e9;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "ns" || (unit.empty() && value == 0)) {
    scale = 1;
  } else {
    return false;
  }
  if (!(value >= 0) || value * scale > 3600e9) return false;
  ns = static_cast<uint64_t>(value * scale);
  return true;
}

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0, colon;
  while ((colon = text.find(':', start)) != std::string::npos) {
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::string show(uint64_t ns) {
  char buf[32];
  if (ns >= 1'000'000'000 && ns % 1'000'000 == 0) {
    std::snprintf(buf, sizeof buf, "%gs", ns / 1e9);
  } else if (ns >= 1'000'000) {
    std::snprintf(buf, sizeof buf, "%gms", ns / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%gus", ns / 1e3);
  }
  return buf;
}

}  // namespace

bool LatencyModel::parse(const std::string& text, LatencyModel& out, std::string& error) {
  const std::vector<std::string> p = split(text);
  auto bad = [&](const std::string& why) {
    error = "latency '" + text + "': " + why;
    return false;
  };
  auto duration = [&](const std::string& part, uint64_t& ns) {
    if (parse_duration_ns(part, ns)) return true;
    error = "latency '" + text + "': '" + part + "' is not a duration like 0, 50us, 50ms, 1s";
    return false;
  };
  LatencyModel m;
  if (p.size() == 1) {
    m.kind = Kind::fixed;
    if (!duration(p[0], m.a_ns)) return false;
  } else if (p[0] == "uniform" && p.size() == 3) {
    m.kind = Kind::uniform;
    if (!duration(p[1], m.a_ns) || !duration(p[2], m.b_ns)) return false;
    if (m.b_ns < m.a_ns) return bad("the maximum is below the minimum");
  } else if (p[0] == "normal" && p.size() == 3) {
    m.kind = Kind::normal;
    if (!duration(p[1], m.a_ns) || !duration(p[2], m.b_ns)) return false;
  } else if (p[0] == "exp" && p.size() == 2) {
    m.kind = Kind::exponential;
    if (!duration(p[1], m.a_ns)) return false;
    if (m.a_ns == 0) return bad("the mean must be above 0");
  } else if (p[0] == "load" && p.size() == 3) {
    m.kind = Kind::load;
    if (!duration(p[1], m.a_ns) || !duration(p[2], m.b_ns)) return false;
  } else {
    return bad("expected DURATION, uniform:MIN:MAX, normal:MEAN:STDDEV, exp:MEAN or load:BASE:PER_KPPS");
  }
  out = m;
  return true;
}

uint64_t LatencyModel::draw(std::mt19937_64& rng, double queue_pps) const {
  constexpr double kMax = 3600e9;
  double ns = 0;
  switch (kind) {
    case Kind::fixed: return a_ns;
    case Kind::uniform:
      ns = std::uniform_real_distribution<double>(static_cast<double>(a_ns), static_cast<double>(b_ns))(rng);
      break;
    case Kind::normal:
      ns = std::normal_distribution<double>(static_cast<double>(a_ns), static_cast<double>(b_ns))(rng);
      break;
    case Kind::exponential: ns = std::exponential_distribution<double>(1.0 / static_cast<double>(a_ns))(rng); break;
    case Kind::load: ns = static_cast<double>(a_ns) + static_cast<double>(b_ns) * std::max(0.0, queue_pps) / 1000.0; break;
  }
  return static_cast<uint64_t>(std::clamp(ns, 0.0, kMax));
}

std::string LatencyModel::describe() const {
  switch (kind) {
    case Kind::fixed: return show(a_ns);
    case Kind::uniform: return "uniform " + show(a_ns) + ".." + show(b_ns);
    case Kind::normal: return "normal mean " + show(a_ns) + " sd " + show(b_ns);
    case Kind::exponential: return "exponential mean " + show(a_ns);
    case Kind::load: return show(a_ns) + " + " + show(b_ns) + " per 1000 frames/s";
  }
  return "?";
}

}  // namespace x710
