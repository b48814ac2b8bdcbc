// The device's control channel: a UNIX socket speaking JSON, one request per
// line and one reply per line, for scripts and `./x710 ctl`. Requests:
//   {"op":"stats"}                     counters of the port, queues and flood
//   {"op":"flood","pps":N,"size":B,"flows":F}
//                                      change the flood's rate, frame size (60..9018)
//                                      or flow count, any of them (needs --flood-pps)
//   {"op":"link","up":true|false}      pull or plug the cable (ARQ link event)
//   {"op":"race","since":I,"max":N}    the race monitor's counters and events from I on
// Replies carry "ok": true plus data, or "ok": false and "error".
#pragma once

#include <glib.h>

#include <map>
#include <memory>
#include <string>

namespace x710 {

class Device;
class FloodSource;

class ControlChannel {
 public:
  ControlChannel(Device& device, FloodSource* flood);
  ~ControlChannel();
  // Listens on `path` (replacing a stale socket). False (logged) on error.
  bool start(const std::string& path);
  // One request line in, one reply line out (no newline); used by the
  // socket handler and directly by unit tests.
  std::string handle(const std::string& request);

 private:
  static gboolean on_accept(gint fd, GIOCondition, gpointer self);
  // One connected client: its partial request line and the replies the
  // socket did not take yet (a "race" reply can be larger than its buffer).
  struct Client {
    ControlChannel* channel = nullptr;
    int fd = -1;
    std::string in;
    std::string out;
    guint in_watch = 0;
    guint out_watch = 0;
  };
  static gboolean on_client(gint fd, GIOCondition, gpointer client);
  static gboolean on_writable(gint fd, GIOCondition, gpointer client);
  // False when the client is gone (its socket failed).
  bool flush(Client& client);
  void drop(Client& client);

  std::map<int, std::unique_ptr<Client>> clients_;
  Device& device_;
  FloodSource* flood_;
  std::string path_;
  int listen_fd_ = -1;
  guint listen_watch_ = 0;
};

}  // namespace x710
