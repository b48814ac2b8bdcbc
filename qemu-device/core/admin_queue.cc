#include "admin_queue.h"

#include <vector>

#include "guest_memory.h"
#include "log.h"
#include "register_file.h"
#include "registers.h"

namespace x710 {

AdminQueue::AdminQueue(RegisterFile& regs, GuestMemory& memory, AdminCommandContext ctx)
    : regs_(regs), memory_(memory), ctx_(ctx) {}

void AdminQueue::process_atq() {
  const uint32_t lenreg = regs_.raw_value(reg::PF_ATQLEN);
  const uint32_t len = lenreg & reg::AQ_LEN_MASK;
  if (!(lenreg & reg::AQ_LEN_ENABLE) || len == 0) return;
  // The base is latched here, not at enable: the driver writes ATQLEN (with
  // ENABLE) before BAL/BAH (i40e_config_asq_regs).
  const uint64_t base = (uint64_t{regs_.raw_value(reg::PF_ATQBAH)} << 32) | regs_.raw_value(reg::PF_ATQBAL);
  uint32_t head = regs_.raw_value(reg::PF_ATQH) & reg::AQ_LEN_MASK;
  const uint32_t tail = regs_.raw_value(reg::PF_ATQT) & reg::AQ_LEN_MASK;
  if (head >= len || tail >= len) {
    X710_LOG(warn, "admin_queue: ATQ head %u / tail %u outside ring of %u; ATQCRIT set", head, tail, len);
    regs_.raw(reg::PF_ATQLEN) |= reg::AQ_LEN_CRIT;
    return;
  }
  while (head != tail) {
    if (!run_one(base, head)) {
      regs_.raw(reg::PF_ATQLEN) |= reg::AQ_LEN_CRIT;
      return;
    }
    head = (head + 1) % len;
    // Head moves only after the reply (descriptor and buffer) is in guest
    // memory: i40e_asq_done treats ATQH == next_to_use as completion.
    regs_.raw(reg::PF_ATQH) = head;
  }
}

bool AdminQueue::run_one(uint64_t ring_base, uint32_t index) {
  const uint64_t desc_addr = ring_base + uint64_t{index} * sizeof(AdminDescriptor);
  AdminDescriptor desc{};
  if (!memory_.read(desc_addr, &desc, sizeof desc)) {
    if (!logged_bad_ring_) {
      X710_LOG(warn, "admin_queue: ATQ descriptor %u at 0x%llx is not in guest memory", index,
               static_cast<unsigned long long>(desc_addr));
      logged_bad_ring_ = true;
    }
    return false;
  }
  ++commands_;
  const bool indirect = desc.flags & aq_flag::BUF;
  std::vector<uint8_t> buffer;
  AdminReply reply;
  bool buffer_ok = true;
  if (indirect) {
    if (desc.datalen > kMaxBuffer) {
      reply.status = AqStatus::RC_EINVAL;
      buffer_ok = false;
    } else {
      buffer.assign(desc.datalen, 0);
      if ((desc.flags & aq_flag::RD) && !memory_.read(desc.buffer_address(), buffer.data(), buffer.size())) {
        reply.status = AqStatus::RC_EIO;
        buffer_ok = false;
      }
    }
    if (!buffer_ok) {
      X710_LOG(warn, "admin_queue: opcode 0x%04x: indirect buffer of %u bytes at 0x%llx unusable", desc.opcode,
               desc.datalen, static_cast<unsigned long long>(desc.buffer_address()));
    }
  }
  const AdminCommand* cmd = find_admin_command(desc.opcode);
  if (buffer_ok) {
    if (cmd) {
      reply = cmd->handler(ctx_, desc, std::span<uint8_t>(buffer));
    } else {
      X710_LOG(info, "admin_queue: opcode 0x%04x not implemented, answering ENOSYS", desc.opcode);
      reply.status = AqStatus::RC_ENOSYS;
    }
  }
  X710_LOG(debug, "admin_queue: %s (0x%04x) -> status %u", cmd ? cmd->name : "unknown", desc.opcode,
           static_cast<unsigned>(reply.status));
  if (indirect && buffer_ok && !buffer.empty()) {
    if (!memory_.write(desc.buffer_address(), buffer.data(), buffer.size())) {
      X710_LOG(warn, "admin_queue: opcode 0x%04x: cannot write reply buffer at 0x%llx", desc.opcode,
               static_cast<unsigned long long>(desc.buffer_address()));
      reply.status = AqStatus::RC_EIO;
    }
    desc.datalen = reply.datalen;
  }
  desc.retval = static_cast<uint16_t>(reply.status);
  desc.flags = static_cast<uint16_t>((desc.flags & ~0x1FFu) | aq_flag::DD | aq_flag::CMP |
                                     (reply.status != AqStatus::RC_OK ? aq_flag::ERR : 0));
  if (!memory_.write(desc_addr, &desc, sizeof desc)) {
    X710_LOG(warn, "admin_queue: cannot write back ATQ descriptor %u", index);
    return false;
  }
  return true;
}

bool AdminQueue::post_event(const AdminDescriptor& event, std::span<const uint8_t> payload) {
  const uint32_t lenreg = regs_.raw_value(reg::PF_ARQLEN);
  const uint32_t len = lenreg & reg::AQ_LEN_MASK;
  if (!(lenreg & reg::AQ_LEN_ENABLE) || len == 0) return false;
  const uint64_t base = (uint64_t{regs_.raw_value(reg::PF_ARQBAH)} << 32) | regs_.raw_value(reg::PF_ARQBAL);
  const uint32_t head = regs_.raw_value(reg::PF_ARQH) & reg::AQ_LEN_MASK;
  const uint32_t tail = regs_.raw_value(reg::PF_ARQT) & reg::AQ_LEN_MASK;
  // Free slots are [ARQH, ARQT): the driver re-arms a slot and moves ARQT
  // onto it after consuming it (i40e_clean_arq_element).
  if (head >= len || head == tail) {
    regs_.raw(reg::PF_ARQLEN) |= reg::AQ_LEN_OVFL;
    X710_LOG(info, "admin_queue: ARQ full (head %u tail %u), event 0x%04x dropped", head, tail, event.opcode);
    return false;
  }
  const uint64_t slot_addr = base + uint64_t{head} * sizeof(AdminDescriptor);
  AdminDescriptor slot{};
  if (!memory_.read(slot_addr, &slot, sizeof slot)) {
    X710_LOG(warn, "admin_queue: ARQ slot %u at 0x%llx is not in guest memory", head,
             static_cast<unsigned long long>(slot_addr));
    return false;
  }
  AdminDescriptor out = event;
  out.datalen = 0;
  out.flags = aq_flag::DD | aq_flag::CMP;
  if (!payload.empty()) {
    size_t n = std::min<size_t>(payload.size(), slot.datalen);
    if (n > 0 && !memory_.write(slot.buffer_address(), payload.data(), n)) {
      X710_LOG(warn, "admin_queue: ARQ buffer of slot %u not in guest memory", head);
      return false;
    }
    out.datalen = static_cast<uint16_t>(n);
    out.flags |= aq_flag::BUF;
    // Events with a payload keep the slot's buffer address; events without
    // one (link status) carry their params in bytes 16..31 instead, and the
    // driver re-arms the slot from its own bookkeeping either way.
    out.param2 = slot.param2;
    out.param3 = slot.param3;
  }
  if (!memory_.write(slot_addr, &out, sizeof out)) return false;
  regs_.raw(reg::PF_ARQH) = (head + 1) % len;
  if (on_event_posted) on_event_posted();
  return true;
}

}  // namespace x710
