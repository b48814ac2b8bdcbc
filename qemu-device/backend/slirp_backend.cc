#include "slirp_backend.h"

#include <arpa/inet.h>
#include <glib.h>
#include <slirp/libslirp.h>

#include <algorithm>
#include <cstring>

#include "log.h"
#include "packet_path.h"

namespace x710 {

namespace {

bool parse_port(const std::string& text, uint16_t& port) {
  if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), ::isdigit)) return false;
  const unsigned long v = std::stoul(text);
  if (v == 0 || v > 65535) return false;
  port = static_cast<uint16_t>(v);
  return true;
}

}  // namespace

bool SlirpBackend::parse_hostfwd(const std::string& rule, Forward& out, std::string& error) {
  // proto:[hostaddr]:hostport-[guestaddr]:guestport
  const size_t c1 = rule.find(':');
  const size_t dash = rule.find('-');
  if (c1 == std::string::npos || dash == std::string::npos || dash < c1) {
    error = "hostfwd '" + rule + "': expected tcp|udp:[hostaddr]:hostport-[guestaddr]:guestport";
    return false;
  }
  const std::string proto = rule.substr(0, c1);
  if (proto != "tcp" && proto != "udp") {
    error = "hostfwd '" + rule + "': protocol must be tcp or udp, not '" + proto + "'";
    return false;
  }
  out.udp = proto == "udp";
  const std::string host = rule.substr(c1 + 1, dash - c1 - 1);
  const std::string guest = rule.substr(dash + 1);
  const size_t hc = host.rfind(':'), gc = guest.rfind(':');
  if (hc == std::string::npos || gc == std::string::npos) {
    error = "hostfwd '" + rule + "': both sides need addr:port (the addr may be empty)";
    return false;
  }
  out.host_addr = host.substr(0, hc);
  out.guest_addr = guest.substr(0, gc);
  if (!parse_port(host.substr(hc + 1), out.host_port) || !parse_port(guest.substr(gc + 1), out.guest_port)) {
    error = "hostfwd '" + rule + "': ports must be 1..65535";
    return false;
  }
  in_addr probe{};  // inet_pton, not inet_aton: "1.2.3" is not an address here
  if ((!out.host_addr.empty() && inet_pton(AF_INET, out.host_addr.c_str(), &probe) != 1) ||
      (!out.guest_addr.empty() && inet_pton(AF_INET, out.guest_addr.c_str(), &probe) != 1)) {
    error = "hostfwd '" + rule + "': addresses must be IPv4 dotted quads";
    return false;
  }
  return true;
}

SlirpBackend::SlirpBackend(PacketPath& path) : path_(path) {}

SlirpBackend::~SlirpBackend() {
  if (slirp_) slirp_cleanup(slirp_);
  for (Timer* t : timers_) delete t;
}

bool SlirpBackend::start(const std::vector<std::string>& hostfwd_rules, std::string& error) {
  std::vector<Forward> forwards;
  for (const auto& rule : hostfwd_rules) {
    Forward f;
    if (!parse_hostfwd(rule, f, error)) return false;
    forwards.push_back(f);
  }
  SlirpConfig cfg{};
  cfg.version = 4;
  cfg.in_enabled = true;
  inet_aton("10.0.2.0", &cfg.vnetwork);
  inet_aton("255.255.255.0", &cfg.vnetmask);
  inet_aton("10.0.2.2", &cfg.vhost);
  inet_aton("10.0.2.15", &cfg.vdhcp_start);
  inet_aton("10.0.2.3", &cfg.vnameserver);
  cfg.in6_enabled = false;
  cfg.vhostname = "x710-host";
  cfg.if_mtu = 1500;
  cfg.if_mru = 1500;
  static const SlirpCb callbacks = [] {
    SlirpCb cb{};
    cb.send_packet = &SlirpBackend::send_packet;
    cb.guest_error = &SlirpBackend::guest_error;
    cb.clock_get_ns = &SlirpBackend::clock_get_ns;
    cb.timer_free = &SlirpBackend::timer_free;
    cb.timer_mod = &SlirpBackend::timer_mod;
    cb.register_poll_fd = &SlirpBackend::register_poll_fd;
    cb.unregister_poll_fd = &SlirpBackend::unregister_poll_fd;
    cb.notify = &SlirpBackend::notify;
    cb.timer_new_opaque = [](SlirpTimerId id, void* cb_opaque, void* opaque) -> void* {
      return SlirpBackend::timer_new_opaque(static_cast<int>(id), cb_opaque, opaque);
    };
    return cb;
  }();
  slirp_ = slirp_new(&cfg, &callbacks, this);
  if (!slirp_) {
    error = "libslirp could not start";
    return false;
  }
  for (const Forward& f : forwards) {
    in_addr host{}, guest{};
    inet_aton(f.host_addr.empty() ? "0.0.0.0" : f.host_addr.c_str(), &host);
    inet_aton(f.guest_addr.empty() ? "10.0.2.15" : f.guest_addr.c_str(), &guest);
    if (slirp_add_hostfwd(slirp_, f.udp, host, f.host_port, guest, f.guest_port) < 0) {
      error = "hostfwd " + std::string(f.udp ? "udp" : "tcp") + " port " + std::to_string(f.host_port) +
              ": cannot listen (port in use?)";
      return false;
    }
    X710_LOG(info, "slirp: host %s:%u -> guest %s:%u (%s)", f.host_addr.empty() ? "*" : f.host_addr.c_str(),
             f.host_port, f.guest_addr.empty() ? "10.0.2.15" : f.guest_addr.c_str(), f.guest_port,
             f.udp ? "udp" : "tcp");
  }
  X710_LOG(info, "slirp: network 10.0.2.0/24, host 10.0.2.2, DNS 10.0.2.3, guest DHCP 10.0.2.15");
  return true;
}

void SlirpBackend::transmit(std::span<const uint8_t> frame) {
  if (!slirp_) return;
  ++from_guest_;
  slirp_input(slirp_, frame.data(), static_cast<int>(frame.size()));
}

void SlirpBackend::poll() {
  if (!slirp_) return;
  const int64_t now_ms = g_get_monotonic_time() / 1000;
  // Timers may re-arm or free timers: walk a snapshot of the due ones.
  std::vector<Timer> due;
  for (Timer* t : timers_) {
    if (t->expire_ms >= 0 && t->expire_ms <= now_ms) {
      due.push_back(*t);
      t->expire_ms = -1;
    }
  }
  for (const Timer& t : due) slirp_handle_timer(slirp_, static_cast<SlirpTimerId>(t.id), t.cb_opaque);
  pollfds_.clear();
  uint32_t timeout = 0;
  slirp_pollfds_fill(slirp_, &timeout, &SlirpBackend::add_poll, this);
  const int ready = pollfds_.empty() ? 0 : ::poll(pollfds_.data(), pollfds_.size(), 0);
  slirp_pollfds_poll(slirp_, ready < 0, &SlirpBackend::get_revents, this);
}

ssize_t SlirpBackend::send_packet(const void* buf, size_t len, void* opaque) {
  auto* self = static_cast<SlirpBackend*>(opaque);
  ++self->to_guest_;
  self->path_.receive(std::span<const uint8_t>(static_cast<const uint8_t*>(buf), len));
  return static_cast<ssize_t>(len);
}

void SlirpBackend::guest_error(const char* msg, void*) { X710_LOG(info, "slirp: guest error: %s", msg); }

int64_t SlirpBackend::clock_get_ns(void*) { return g_get_monotonic_time() * 1000; }

void* SlirpBackend::timer_new_opaque(int id, void* cb_opaque, void* opaque) {
  auto* self = static_cast<SlirpBackend*>(opaque);
  auto* t = new Timer{id, cb_opaque, -1};
  self->timers_.push_back(t);
  return t;
}

void SlirpBackend::timer_free(void* timer, void* opaque) {
  auto* self = static_cast<SlirpBackend*>(opaque);
  auto* t = static_cast<Timer*>(timer);
  std::erase(self->timers_, t);
  delete t;
}

void SlirpBackend::timer_mod(void* timer, int64_t expire_ms, void*) { static_cast<Timer*>(timer)->expire_ms = expire_ms; }

void SlirpBackend::register_poll_fd(int, void*) {}
void SlirpBackend::unregister_poll_fd(int, void*) {}
void SlirpBackend::notify(void*) {}

int SlirpBackend::add_poll(int fd, int events, void* opaque) {
  auto* self = static_cast<SlirpBackend*>(opaque);
  short ev = 0;
  if (events & SLIRP_POLL_IN) ev |= POLLIN;
  if (events & SLIRP_POLL_OUT) ev |= POLLOUT;
  if (events & SLIRP_POLL_PRI) ev |= POLLPRI;
  self->pollfds_.push_back({fd, ev, 0});
  return static_cast<int>(self->pollfds_.size() - 1);
}

int SlirpBackend::get_revents(int idx, void* opaque) {
  auto* self = static_cast<SlirpBackend*>(opaque);
  if (idx < 0 || static_cast<size_t>(idx) >= self->pollfds_.size()) return 0;
  const short re = self->pollfds_[idx].revents;
  int out = 0;
  if (re & POLLIN) out |= SLIRP_POLL_IN;
  if (re & POLLOUT) out |= SLIRP_POLL_OUT;
  if (re & POLLPRI) out |= SLIRP_POLL_PRI;
  if (re & POLLERR) out |= SLIRP_POLL_ERR;
  if (re & POLLHUP) out |= SLIRP_POLL_HUP;
  return out;
}

}  // namespace x710
