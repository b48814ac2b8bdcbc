#include "device_client.h"

#include "unique_fd.h"
#include "unix_socket.h"

namespace x710 {

std::optional<nlohmann::json> device_request(const std::string& socket_path, const nlohmann::json& request,
                                             std::chrono::milliseconds timeout) {
  UniqueFd fd = connect_unix(socket_path);
  if (!fd || !send_line(fd.get(), request.dump())) return std::nullopt;
  std::string buffer;
  const auto reply = read_line(fd.get(), buffer, std::chrono::steady_clock::now() + timeout);
  if (!reply) return std::nullopt;
  auto parsed = nlohmann::json::parse(*reply, nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

}  // namespace x710
