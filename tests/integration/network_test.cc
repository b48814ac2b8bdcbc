// The card as a working NIC behind libslirp: DHCP, ping, and 10 MB TCP
// transfers in both directions compared by SHA-256 — into the guest from a
// host server reached at 10.0.2.2, and out of the guest (TSO) through host
// port forwarding.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "guest_run.h"

namespace x710::test {
namespace {

constexpr size_t kTransfer = 10 << 20;

// The guest's own sha256sum applet is the reference; the host side hashes
// with a tiny independent SHA-256 (FIPS 180-4) so nothing trusts the path.
class Sha256 {
 public:
  void update(const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      block_[used_++] = p[i];
      if (used_ == 64) {
        compress();
        used_ = 0;
      }
    }
    bits_ += uint64_t{n} * 8;
  }
  std::string hex() {
    uint64_t bits = bits_;
    uint8_t pad = 0x80;
    update(&pad, 1);
    uint8_t zero = 0;
    while (used_ != 56) update(&zero, 1);
    for (int i = 7; i >= 0; --i) {
      uint8_t b = static_cast<uint8_t>(bits >> (8 * i));
      update(&b, 1);
    }
    char out[65];
    for (int i = 0; i < 8; ++i) std::snprintf(out + 8 * i, 9, "%08x", h_[i]);
    return out;
  }

 private:
  static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
  void compress() {
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = (uint32_t{block_[4 * i]} << 24) | (block_[4 * i + 1] << 16) | (block_[4 * i + 2] << 8) | block_[4 * i + 3];
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6], h = h_[7];
    for (int i = 0; i < 64; ++i) {
      uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h_[0] += a; h_[1] += b; h_[2] += c; h_[3] += d; h_[4] += e; h_[5] += f; h_[6] += g; h_[7] += h;
  }
  uint32_t h_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  uint8_t block_[64] = {};
  size_t used_ = 0;
  uint64_t bits_ = 0;
};

int listen_loopback(uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(fd, 1);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

uint16_t free_port() {
  uint16_t port = 0;
  ::close(listen_loopback(port));
  return port;
}

const char* kNetUp =
    "ip link set eth0 up; i=0; while [ \"$(cat /sys/class/net/eth0/operstate)\" != up ] && [ $i -lt 50 ]; do "
    "sleep 0.1; i=$((i+1)); done; ";

TEST(Network, DhcpPingAndTenMegabytesIntoTheGuest) {
  std::vector<uint8_t> data(kTransfer);
  std::mt19937 rng(4242);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  Sha256 sha;
  sha.update(data.data(), data.size());
  const std::string expected = sha.hex();
  uint16_t port = 0;
  const int server = listen_loopback(port);
  std::thread serve([&] {
    const int c = ::accept(server, nullptr, nullptr);
    if (c >= 0) {
      size_t sent = 0;
      while (sent < data.size()) {
        const ssize_t n = ::send(c, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      ::close(c);
    }
  });
  const std::string script = std::string(kNetUp) +
                             "echo @@SECTION dhcp; udhcpc -i eth0 -n -q -t 5 -s /bin/true 2>&1 | grep lease; "
                             "ip addr add 10.0.2.15/24 dev eth0; "
                             "echo @@SECTION ping; ping -c 20 -i 0.2 10.0.2.2 | grep 'packet loss'; "
                             "echo @@SECTION download; nc 10.0.2.2 " + std::to_string(port) + " | sha256sum";
  const GuestRun run = run_guest(script, {"--timeout", "300"});
  ::shutdown(server, SHUT_RDWR);
  ::close(server);
  serve.join();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.section("dhcp").find("lease of 10.0.2.15 obtained from 10.0.2.2"), std::string::npos) << run.output;
  EXPECT_NE(run.section("ping").find("20 packets transmitted, 20 packets received, 0% packet loss"),
            std::string::npos) << run.output;
  EXPECT_EQ(run.section("download").substr(0, 64), expected) << run.output;
}

TEST(Network, TenMegabytesOutOfTheGuestThroughHostForwarding) {
  const uint16_t host_port = free_port();
  std::atomic<bool> done{false};
  std::string got_sha;
  size_t got_bytes = 0;
  // The guest listens only once it booted: connect until data flows.
  std::thread client([&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
    while (!done && std::chrono::steady_clock::now() < deadline) {
      const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(host_port);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        Sha256 sha;
        std::vector<uint8_t> buf(1 << 16);
        size_t total = 0;
        ssize_t n;
        while ((n = ::recv(c, buf.data(), buf.size(), 0)) > 0) {
          sha.update(buf.data(), static_cast<size_t>(n));
          total += static_cast<size_t>(n);
        }
        if (total > 0) {
          got_bytes = total;
          got_sha = sha.hex();
          ::close(c);
          return;
        }
      }
      ::close(c);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  const std::string script = std::string(kNetUp) +
                             "ip addr add 10.0.2.15/24 dev eth0; "
                             "dd if=/dev/urandom of=/tmp/f bs=1M count=10 2>/dev/null; "
                             "echo @@SECTION sha; sha256sum /tmp/f; "
                             "nc -l -p 5000 < /tmp/f; sleep 1";
  const GuestRun run = run_guest(
      script, {"--timeout", "300", "--device-arg=--hostfwd=tcp:127.0.0.1:" + std::to_string(host_port) + "-:5000"});
  done = true;
  client.join();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(got_bytes, kTransfer);
  EXPECT_EQ(run.section("sha").substr(0, 64), got_sha) << run.output;
}

}  // namespace
}  // namespace x710::test
