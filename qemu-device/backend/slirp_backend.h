// The network behind the card: an embedded libslirp (QEMU's user-mode
// networking) at 10.0.2.0/24. Frames the guest transmits go in; what slirp
// answers (DHCP, DNS, ICMP echo from 10.0.2.2, TCP/UDP to the host) comes
// back through the packet path like any received frame. Host port
// forwarding uses QEMU's syntax: tcp::5555-:22, udp:127.0.0.1:6000-10.0.2.15:6000.
#pragma once

#include <poll.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

struct Slirp;

namespace x710 {

class PacketPath;

class SlirpBackend {
 public:
  explicit SlirpBackend(PacketPath& path);
  ~SlirpBackend();
  SlirpBackend(const SlirpBackend&) = delete;
  SlirpBackend& operator=(const SlirpBackend&) = delete;

  // False, with a message naming the bad rule, on error.
  bool start(const std::vector<std::string>& hostfwd_rules, std::string& error);
  // A frame the guest transmitted.
  void transmit(std::span<const uint8_t> frame);
  // Called from the event loop (every millisecond): sockets and timers.
  void poll();

  uint64_t frames_to_guest() const { return to_guest_; }
  uint64_t frames_from_guest() const { return from_guest_; }

  // Parses one QEMU-style hostfwd rule; exposed for tests.
  struct Forward {
    bool udp = false;
    std::string host_addr;  // empty: any (0.0.0.0)
    uint16_t host_port = 0;
    std::string guest_addr;  // empty: 10.0.2.15
    uint16_t guest_port = 0;
  };
  static bool parse_hostfwd(const std::string& rule, Forward& out, std::string& error);

 private:
  struct Timer {
    int id;
    void* cb_opaque;
    int64_t expire_ms;  // -1: not armed
  };
  static ssize_t send_packet(const void* buf, size_t len, void* opaque);
  static void guest_error(const char* msg, void* opaque);
  static int64_t clock_get_ns(void* opaque);
  static void* timer_new_opaque(int id, void* cb_opaque, void* opaque);
  static void timer_free(void* timer, void* opaque);
  static void timer_mod(void* timer, int64_t expire_ms, void* opaque);
  static void register_poll_fd(int fd, void* opaque);
  static void unregister_poll_fd(int fd, void* opaque);
  static void notify(void* opaque);
  static int add_poll(int fd, int events, void* opaque);
  static int get_revents(int idx, void* opaque);

  PacketPath& path_;
  Slirp* slirp_ = nullptr;
  std::vector<Timer*> timers_;
  std::vector<pollfd> pollfds_;
  uint64_t to_guest_ = 0;
  uint64_t from_guest_ = 0;
};

}  // namespace x710
