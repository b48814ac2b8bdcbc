#include "ctl_command.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "outcome.h"

namespace x710 {

namespace {

// One request per line, one reply per line (qemu-device/transport/control_channel.h).
int send_requests(const std::string& socket_path, const std::vector<std::string>& requests) {
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof addr.sun_path) {
    std::fprintf(stderr, "x710 ctl: socket path too long: %s\n", socket_path.c_str());
    return exit_code::infrastructure;
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr, "x710 ctl: cannot connect to %s: %s (is the run still going?)\n", socket_path.c_str(),
                 std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return exit_code::infrastructure;
  }
  int status = 0;
  std::string pending;
  for (const auto& request : requests) {
    const std::string line = request + "\n";
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      std::fprintf(stderr, "x710 ctl: write failed: %s\n", std::strerror(errno));
      ::close(fd);
      return exit_code::infrastructure;
    }
    size_t nl;
    while ((nl = pending.find('\n')) == std::string::npos) {
      char buf[4096];
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) {
        std::fprintf(stderr, "x710 ctl: the device closed the connection\n");
        ::close(fd);
        return exit_code::infrastructure;
      }
      pending.append(buf, static_cast<size_t>(n));
    }
    const std::string reply = pending.substr(0, nl);
    pending.erase(0, nl + 1);
    std::printf("%s\n", reply.c_str());
    // A refused request makes the command fail, so scripts can test $?.
    if (reply.find("\"ok\":false") != std::string::npos) status = 1;
  }
  ::close(fd);
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
      "Requests: {\"op\":\"stats\"}, {\"op\":\"flood\",\"pps\":N}, {\"op\":\"link\",\"up\":true|false},\n"
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
