// The 32-byte admin queue descriptor (spec 4.2) and its status codes.
#pragma once

#include <cstdint>
#include <cstring>

namespace x710 {

struct AdminDescriptor {
  uint16_t flags;
  uint16_t opcode;
  uint16_t datalen;
  uint16_t retval;
  uint32_t cookie_high;
  uint32_t cookie_low;
  uint32_t param0;  // byte 16
  uint32_t param1;  // byte 20
  uint32_t param2;  // byte 24, addr_high for indirect commands
  uint32_t param3;  // byte 28, addr_low

  // The driver's command structs are byte layouts over bytes 16..31; these
  // give access by the spec's byte offsets (16..31) without aliasing tricks.
  uint8_t byte_at(unsigned off) const { return raw()[off]; }
  uint16_t u16_at(unsigned off) const { uint16_t v; std::memcpy(&v, raw() + off, 2); return v; }
  uint32_t u32_at(unsigned off) const { uint32_t v; std::memcpy(&v, raw() + off, 4); return v; }
  void set_byte(unsigned off, uint8_t v) { raw()[off] = v; }
  void set_u16(unsigned off, uint16_t v) { std::memcpy(raw() + off, &v, 2); }
  void set_u32(unsigned off, uint32_t v) { std::memcpy(raw() + off, &v, 4); }
  uint64_t buffer_address() const { return (uint64_t{param2} << 32) | param3; }

 private:
  const uint8_t* raw() const { return reinterpret_cast<const uint8_t*>(this); }
  uint8_t* raw() { return reinterpret_cast<uint8_t*>(this); }
};
static_assert(sizeof(AdminDescriptor) == 32);

namespace aq_flag {
inline constexpr uint16_t DD = 1u << 0;
inline constexpr uint16_t CMP = 1u << 1;
inline constexpr uint16_t ERR = 1u << 2;
inline constexpr uint16_t LB = 1u << 9;
inline constexpr uint16_t RD = 1u << 10;
inline constexpr uint16_t BUF = 1u << 12;
inline constexpr uint16_t SI = 1u << 13;
}  // namespace aq_flag

// enum i40e_admin_queue_err (I40E_AQ_RC_*). The RC_ prefix keeps the
// names clear of <cerrno>'s macros.
enum class AqStatus : uint16_t {
  RC_OK = 0,
  RC_EPERM = 1,
  RC_ENOENT = 2,
  RC_ESRCH = 3,
  RC_EIO = 5,
  RC_EAGAIN = 8,
  RC_ENOMEM = 9,
  RC_EBUSY = 12,
  RC_EEXIST = 13,
  RC_EINVAL = 14,
  RC_ENOSPC = 16,
  RC_ENOSYS = 17,
};

}  // namespace x710
