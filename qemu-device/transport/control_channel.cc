#include "control_channel.h"

#include <glib-unix.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "device.h"
#include "flood_source.h"
#include "log.h"
#include "race_timeline.h"

namespace x710 {

namespace {

using nlohmann::json;

json error(const std::string& why) { return {{"ok", false}, {"error", why}}; }

// The clock the transport's ticks, and so the flood's pacing, run on.
uint64_t loop_now_ns() { return static_cast<uint64_t>(g_get_monotonic_time()) * 1000; }

json stats_of(Device& device, FloodSource* flood) {
  const PortRxStats& port = device.packet_path().stats();
  json queues = json::array();
  LanQueues& lan = device.lan();
  for (uint32_t q = 0; q < lan.num_queues(); ++q) {
    const RxQueue& rx = lan.rx(q);
    const TxQueue& tx = lan.tx(q);
    if (!rx.enabled && !tx.enabled && rx.frames == 0 && tx.frames == 0 && rx.no_descriptor_drops == 0 &&
        rx.disable_requests == 0)
      continue;
    queues.push_back({{"queue", q},
                      {"rx_enabled", rx.enabled},
                      {"rx_frames", rx.frames},
                      {"rx_bytes", rx.bytes},
                      {"rx_no_descriptor", rx.no_descriptor_drops},
                      {"rx_oversize", rx.oversize_drops},
                      {"rx_draining", rx.draining},
                      {"rx_disable_requests", rx.disable_requests},
                      {"rx_late_frames", rx.late_frames},
                      {"tx_enabled", tx.enabled},
                      {"tx_frames", tx.frames},
                      {"tx_bytes", tx.bytes}});
  }
  json out = {{"ok", true},
              // A rate between two samples is the counters' difference over
              // this one's.
              {"now_ns", loop_now_ns()},
              {"link_up", device.firmware().link.up},
              {"pf_resets", device.pf_resets()},
              {"port", {{"rx_frames", port.frames},
                        {"rx_bytes", port.bytes},
                        {"rx_no_descriptor", port.no_descriptor},
                        {"rx_queue_disabled", port.queue_disabled},
                        {"rx_oversize", port.oversize}}},
              {"race", race_counters_json(device.race_monitor().counters())},
              {"queues", queues}};
  if (flood) {
    out["flood"] = {{"pps", flood->pps()},
                    {"size", flood->generator().config().frame_size},
                    {"flows", flood->generator().config().flows},
                    {"offered", flood->stats().offered},
                    {"delivered", flood->stats().delivered},
                    {"dropped", flood->stats().dropped},
                    {"next_sequence", flood->generator().sequence()}};
  }
  return out;
}

// The race monitor's counters and its events from "since" on (at most "max",
// 1000 by default): a client polls with since = the last "next" it got.
json race_of(Device& device, const json& req) {
  uint64_t since = 0;
  uint64_t max = 1000;
  if (req.contains("since")) {
    if (!req["since"].is_number_unsigned()) return error("\"since\" must be a non-negative integer");
    since = req["since"].get<uint64_t>();
  }
  if (req.contains("max")) {
    if (!req["max"].is_number_unsigned()) return error("\"max\" must be a non-negative integer");
    max = std::min<uint64_t>(req["max"].get<uint64_t>(), RaceMonitor::kKeep);
  }
  const RaceMonitor& monitor = device.race_monitor();
  json events = json::array();
  for (const RaceEvent& e : monitor.since(since, max)) events.push_back(race_event_json(e));
  return {{"ok", true},
          {"counters", race_counters_json(monitor.counters())},
          {"next", events.empty() ? std::max(since, monitor.next_index()) : events.back()["i"].get<uint64_t>() + 1},
          {"events", events}};
}

// Changes any of the flood's rate, frame size and flow count; the others stay.
// Everything is checked before anything changes.
json flood_of(FloodSource* flood, const json& req) {
  if (!flood) return error("no flood: start x710-device with --flood-pps");
  for (const char* key : {"pps", "size", "flows"}) {
    if (req.contains(key) && !req[key].is_number_unsigned())
      return error(std::string("\"") + key + "\" must be a non-negative integer");
  }
  if (!req.contains("pps") && !req.contains("size") && !req.contains("flows"))
    return error("give at least one of \"pps\", \"size\" (bytes, 60..9018), \"flows\"");
  const FloodConfig& now = flood->generator().config();
  const uint64_t size = req.value("size", uint64_t{now.frame_size});
  const uint64_t flows = req.value("flows", uint64_t{now.flows});
  if (size > UINT32_MAX || flows > UINT32_MAX) return error("\"size\" or \"flows\" is out of range");
  if (size != now.frame_size || flows != now.flows) {
    if (std::string why = flood->set_shape(static_cast<uint32_t>(size), static_cast<uint32_t>(flows)); !why.empty())
      return error(why);
  }
  if (req.contains("pps"))
    flood->set_rate(req["pps"].get<uint64_t>(), loop_now_ns());
  return {{"ok", true},
          {"pps", flood->pps()},
          {"size", flood->generator().config().frame_size},
          {"flows", flood->generator().config().flows}};
}

}  // namespace

ControlChannel::ControlChannel(Device& device, FloodSource* flood) : device_(device), flood_(flood) {}

ControlChannel::~ControlChannel() {
  while (!clients_.empty()) drop(*clients_.begin()->second);
  if (listen_watch_) g_source_remove(listen_watch_);
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    ::unlink(path_.c_str());
  }
}

std::string ControlChannel::handle(const std::string& request) {
  // Requests come from the user's scripts: malformed ones get an error
  // reply naming what is wrong, never an exception out of here.
  const json req = json::parse(request, nullptr, false);
  json reply;
  if (req.is_discarded() || !req.is_object()) {
    reply = error("request is not a JSON object: " + request.substr(0, 80));
  } else if (!req.contains("op") || !req["op"].is_string()) {
    reply = error("request has no \"op\" string");
  } else {
    const std::string op = req["op"];
    if (op == "stats") {
      reply = stats_of(device_, flood_);
    } else if (op == "flood") {
      reply = flood_of(flood_, req);
    } else if (op == "link") {
      if (!req.contains("up") || !req["up"].is_boolean()) {
        reply = error("\"up\" must be true or false");
      } else {
        device_.set_link(req["up"].get<bool>());
        reply = {{"ok", true}, {"link_up", device_.firmware().link.up}};
      }
    } else if (op == "race") {
      reply = race_of(device_, req);
    } else {
      reply = error("unknown op \"" + op + "\" (stats, flood, link, race)");
    }
  }
  return reply.dump();
}

bool ControlChannel::start(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    X710_LOG(error, "control socket path too long: %s", path.c_str());
    return false;
  }
  ::unlink(path.c_str());
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 8) != 0) {
    X710_LOG(error, "cannot listen on control socket %s: %s", path.c_str(), std::strerror(errno));
    return false;
  }
  path_ = path;
  listen_watch_ = g_unix_fd_add(listen_fd_, G_IO_IN, on_accept, this);
  X710_LOG(info, "control channel on %s", path.c_str());
  return true;
}

gboolean ControlChannel::on_accept(gint fd, GIOCondition, gpointer p) {
  auto* self = static_cast<ControlChannel*>(p);
  const int fd_client = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd_client >= 0) {
    auto client = std::make_unique<Client>();
    client->channel = self;
    client->fd = fd_client;
    client->in_watch = g_unix_fd_add(fd_client, static_cast<GIOCondition>(G_IO_IN | G_IO_HUP | G_IO_ERR), on_client,
                                     client.get());
    self->clients_[fd_client] = std::move(client);
  }
  return G_SOURCE_CONTINUE;
}

gboolean ControlChannel::on_client(gint fd, GIOCondition, gpointer p) {
  Client& c = *static_cast<Client*>(p);
  ControlChannel& self = *c.channel;
  char buf[4096];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return G_SOURCE_CONTINUE;
  if (n > 0) c.in.append(buf, static_cast<size_t>(n));
  size_t nl;
  while ((nl = c.in.find('\n')) != std::string::npos) {
    c.out += self.handle(c.in.substr(0, nl)) + "\n";
    c.in.erase(0, nl + 1);
  }
  // A client that only sends, or never reads its replies, is cut off.
  constexpr size_t kMaxBuffered = 16u << 20;
  if (n <= 0 || c.in.size() > kMaxBuffered || c.out.size() > kMaxBuffered || !self.flush(c)) {
    c.in_watch = 0;  // removed by returning G_SOURCE_REMOVE
    self.drop(c);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

bool ControlChannel::flush(Client& c) {
  while (!c.out.empty()) {
    const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c.out_watch) c.out_watch = g_unix_fd_add(c.fd, G_IO_OUT, on_writable, &c);
      return true;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return false;
    }
  }
  return true;
}

gboolean ControlChannel::on_writable(gint, GIOCondition, gpointer p) {
  Client& c = *static_cast<Client*>(p);
  if (!c.channel->flush(c)) {
    c.out_watch = 0;
    c.channel->drop(c);
    return G_SOURCE_REMOVE;
  }
  if (!c.out.empty()) return G_SOURCE_CONTINUE;
  c.out_watch = 0;
  return G_SOURCE_REMOVE;
}

void ControlChannel::drop(Client& c) {
  if (c.in_watch) g_source_remove(c.in_watch);
  if (c.out_watch) g_source_remove(c.out_watch);
  ::close(c.fd);
  clients_.erase(c.fd);  // destroys c
}

}  // namespace x710
