#include "ctl_command.h"

#include <sys/un.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "outcome.h"
#include "unique_fd.h"
#include "unix_socket.h"

namespace x710 {

namespace {

// How long one reply may take: the device answers from its event loop, so
// only a wedged device takes more than a moment.
constexpr std::chrono::seconds kReplyTimeout{30};

// One request per line, one reply per line (qemu-device/transport/control_channel.h).
int send_requests(const std::string& socket_path, const std::vector<std::string>& requests) {
  if (socket_path.size() >= sizeof(sockaddr_un::sun_path)) {
    std::fprintf(stderr, "x710 ctl: socket path too long: %s\n", socket_path.c_str());
    return exit_code::infrastructure;
  }
  UniqueFd fd = connect_unix(socket_path);
  if (!fd) {
    std::fprintf(stderr, "x710 ctl: cannot connect to %s: %s (is the run still going?)\n", socket_path.c_str(),
                 std::strerror(errno));
    return exit_code::infrastructure;
  }
  int status = 0;
  std::string buffer;
  for (const auto& request : requests) {
    if (!send_line(fd.get(), request)) {
      std::fprintf(stderr, "x710 ctl: write failed: %s\n", std::strerror(errno));
      return exit_code::infrastructure;
    }
    const auto reply = read_line(fd.get(), buffer, std::chrono::steady_clock::now() + kReplyTimeout);
    if (!reply) {
      std::fprintf(stderr, "x710 ctl: no reply from the device within %lld s (or it closed the connection)\n",
                   static_cast<long long>(kReplyTimeout.count()));
      return exit_code::infrastructure;
    }
    std::printf("%s\n", reply->c_str());
    // A refused request makes the command fail, so scripts can test $?.
    if (reply->find("\"ok\":false") != std::string::npos) status = 1;
  }
  return status;
}

}  // namespace

Command add_ctl_command(CLI::App& parent) {
  CLI::App* ctl = parent.add_subcommand(
      "ctl", "Send JSON requests to a running device (boot --out DIR or --keep gives the run directory)");
  static std::string run_dir, socket_path;
  static std::vector<std::string> requests;
  auto* dir = ctl->add_option("--run", run_dir, "Run directory of a running boot (its device.ctl)")->type_name("DIR");
  ctl->add_option("--socket", socket_path, "Control socket path instead of --run")->excludes(dir)->type_name("PATH");
  ctl->add_option("request", requests, "JSON requests, e.g. '{\"op\":\"stats\"}' '{\"op\":\"link\",\"up\":false}'")
      ->required();
  ctl->footer(
      "Requests: {\"op\":\"stats\"}, {\"op\":\"flood\",\"pps\":N,\"size\":B,\"flows\":F} (any of the three),\n"
      "{\"op\":\"link\",\"up\":true|false},\n"
      "{\"op\":\"race\",\"since\":I,\"max\":N} (the race monitor's events from I on; reply \"next\" is the next I).\n"
      "Exit status: 0, 1 if the device refused a request, 125 if it cannot be reached.");
  return {ctl, [] {
            const std::string path = !socket_path.empty() ? socket_path : run_dir + "/device.ctl";
            if (socket_path.empty() && run_dir.empty()) {
              std::fprintf(stderr, "x710 ctl: give --run DIR (a boot's run directory) or --socket PATH\n");
              return exit_code::infrastructure;
            }
            return send_requests(path, requests);
          }};
}

}  // namespace x710
