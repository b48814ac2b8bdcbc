// One JSON request to a running x710-device over its control socket
// (qemu-device/transport/control_channel.h), answered by one JSON line.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace x710 {

// nullopt when the device cannot be reached or does not answer in time
// (a device that is starting or has exited is normal for the callers).
std::optional<nlohmann::json> device_request(const std::string& socket_path, const nlohmann::json& request,
                                             std::chrono::milliseconds timeout = std::chrono::milliseconds(500));

}  // namespace x710
