// A few synchronous QMP exchanges with the run's QEMU (qmp.sock), for what the
// console cannot say: when a guest has gone silent, where its vCPUs are.
#pragma once

#include <chrono>
#include <optional>
#include <cstdint>
#include <string>
#include <vector>

namespace x710 {

// The text of a human monitor command ("info registers -a"), or nullopt when
// QEMU cannot be reached or does not answer within `timeout`.
std::optional<std::string> qmp_human_command(const std::string& socket_path, const std::string& command,
                                             std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

// One line per vCPU from "info registers -a" output: "CPU#0 RIP=... CR2=... HLT=0 CPL=0".
std::string summarize_registers(const std::string& info_registers);

struct VcpuState {
  int cpu = 0;
  uint64_t rip = 0;
  uint64_t cr2 = 0;  // the last page-fault address
  int cpl = 3;
  bool halted = false;
};
std::vector<VcpuState> parse_registers(const std::string& info_registers);

// A silent guest whose kernel faulted on its own memory and never said so: a
// vCPU that runs in kernel mode (CPL 0, not halted) and whose last page fault
// was on a kernel address (upper half), in two samples taken apart in time. A
// healthy 6.1 kernel does not fault on kernel addresses at all (vmalloc is
// pre-synced), and a fault it can report ends up on the console; this is what
// late DMA into a page that became a page table leaves when even the oops path
// faults (seen here: RIP in the fault path or spinning, CR2 a direct-map
// address or an exception-stack guard). An idle or deadlocked guest does not
// match: its vCPUs halt, or last faulted on user addresses. Returns the
// matching vCPU of the second sample.
std::optional<VcpuState> kernel_fault_loop(const std::vector<VcpuState>& first,
                                           const std::vector<VcpuState>& second);

}  // namespace x710
