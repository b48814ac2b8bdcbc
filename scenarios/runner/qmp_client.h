// A few synchronous QMP exchanges with the run's QEMU (qmp.sock), for what the
// console cannot say: when a guest has gone silent, where its vCPUs are.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace x710 {

// The text of a human monitor command ("info registers -a"), or nullopt when
// QEMU cannot be reached or does not answer within `timeout`.
std::optional<std::string> qmp_human_command(const std::string& socket_path, const std::string& command,
                                             std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

// One line per vCPU from "info registers -a" output: "CPU#0 RIP=... CR2=... HLT=0 CPL=0".
std::string summarize_registers(const std::string& info_registers);

}  // namespace x710
