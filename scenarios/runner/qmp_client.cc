#include "qmp_client.h"

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "unique_fd.h"
#include "unix_socket.h"

namespace x710 {

namespace {

using Clock = std::chrono::steady_clock;

// Reads one JSON reply that is not an asynchronous event.
std::optional<nlohmann::json> read_reply(int fd, std::string& buffer, Clock::time_point deadline) {
  while (const auto line = read_line(fd, buffer, deadline)) {
    auto j = nlohmann::json::parse(*line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.contains("event")) continue;
    return j;
  }
  return std::nullopt;
}

bool send_json(int fd, const nlohmann::json& j) { return send_line(fd, j.dump()); }

}  // namespace

std::optional<std::string> qmp_human_command(const std::string& socket_path, const std::string& command,
                                             std::chrono::milliseconds timeout) {
  UniqueFd fd = connect_unix(socket_path);
  if (!fd) return std::nullopt;
  const auto deadline = Clock::now() + timeout;
  std::string buffer;
  if (!read_reply(fd.get(), buffer, deadline)) return std::nullopt;  // the greeting
  if (!send_json(fd.get(), {{"execute", "qmp_capabilities"}}) || !read_reply(fd.get(), buffer, deadline))
    return std::nullopt;
  if (!send_json(fd.get(), {{"execute", "human-monitor-command"}, {"arguments", {{"command-line", command}}}}))
    return std::nullopt;
  const auto reply = read_reply(fd.get(), buffer, deadline);
  if (!reply || !reply->contains("return") || !(*reply)["return"].is_string()) return std::nullopt;
  return (*reply)["return"].get<std::string>();
}

std::string summarize_registers(const std::string& text) {
  // "CPU#0" starts each vCPU's block; RIP, CR2 and HLT/CPL come later in it.
  static const std::regex rip(R"(RIP=([0-9a-f]+))"), cr2(R"(CR2=([0-9a-f]+))"), hlt(R"(HLT=(\d))"),
      cpl(R"(CPL=(\d))");
  std::istringstream in(text);
  std::string line, out, cpu, fields;
  auto flush = [&] {
    if (!cpu.empty()) out += cpu + fields + "\n";
    cpu.clear();
    fields.clear();
  };
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("CPU#", 0) == 0) {
      flush();
      cpu = line.substr(0, line.find_first_of(" \r"));
      continue;
    }
    if (std::regex_search(line, m, rip)) fields += " RIP=" + m[1].str();
    if (std::regex_search(line, m, cpl)) fields += " CPL=" + m[1].str();
    if (std::regex_search(line, m, hlt)) fields += " HLT=" + m[1].str();
    if (std::regex_search(line, m, cr2)) fields += " CR2=" + m[1].str();
  }
  flush();
  return out;
}

std::vector<VcpuState> parse_registers(const std::string& text) {
  std::vector<VcpuState> out;
  std::istringstream lines(summarize_registers(text));
  std::string line;
  while (std::getline(lines, line)) {
    VcpuState v;
    std::istringstream words(line);
    std::string word;
    while (words >> word) {
      const size_t eq = word.find('=');
      const std::string key = eq == std::string::npos ? word : word.substr(0, eq);
      const std::string value = eq == std::string::npos ? "" : word.substr(eq + 1);
      if (key.rfind("CPU#", 0) == 0) v.cpu = std::atoi(key.c_str() + 4);
      else if (key == "RIP") v.rip = std::strtoull(value.c_str(), nullptr, 16);
      else if (key == "CR2") v.cr2 = std::strtoull(value.c_str(), nullptr, 16);
      else if (key == "CPL") v.cpl = std::atoi(value.c_str());
      else if (key == "HLT") v.halted = value == "1";
    }
    out.push_back(v);
  }
  return out;
}

std::optional<VcpuState> kernel_fault_loop(const std::vector<VcpuState>& first,
                                           const std::vector<VcpuState>& second) {
  constexpr uint64_t kKernelHalf = 0xffff800000000000ull;
  auto stuck = [&](const VcpuState& v) { return v.cpl == 0 && !v.halted && v.cr2 >= kKernelHalf; };
  // The address may change between the samples: a fault on the direct map
  // whose handler then overflows its exception stack alternates between the two.
  for (const VcpuState& b : second) {
    if (!stuck(b)) continue;
    for (const VcpuState& a : first) {
      if (a.cpu == b.cpu && stuck(a)) return b;
    }
  }
  return std::nullopt;
}

}  // namespace x710
