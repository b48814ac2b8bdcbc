# shellcheck shell=dash
# The guest side of a scenario's [[steps]] (scenarios/README.md): sourced by the
# command `./x710 run` sends to the guest's init, which then calls
#   x710_steps_begin TOTAL BOOTS
#   x710_step ACTION ARGS...      (once per step, in order)
#   x710_steps_end
# Every step is announced on stdout (the control port, read by the runner for its
# progress line) and in the kernel log (console.log), so the console shows which
# step the guest was in when it crashed:
#   x710-step BOOT N/TOTAL ACTION ARGS (uptime S)
# A step that cannot do its job prints "x710-step BOOT failed: WHY" and the command
# exits with status 3 (the runner's verdict is then "error").

X710_STEP_N=0
X710_STEP_TOTAL=0
X710_BOOTS=1
X710_CHURN_PIDS=

x710_uptime() { read -r up _ < /proc/uptime; echo "$up"; }

x710_say() {
  echo "x710-step ${X710_BOOT:-1} $*"
  echo "<5>x710-step ${X710_BOOT:-1} $*" > /dev/kmsg 2>/dev/null
}

x710_fail() {
  x710_say "failed: $*"
  exit 3
}

# The interface i40e drives (it changes name only across a module reload).
x710_find_if() {
  local d drv i=0
  while [ $i -lt 100 ]; do
    for d in /sys/class/net/*; do
      [ -e "$d/device/driver" ] || continue
      drv=$(readlink "$d/device/driver")
      [ "${drv##*/}" = i40e ] && { X710_IF=${d##*/}; return 0; }
    done
    sleep 0.1
    i=$((i + 1))
  done
  x710_fail "no network interface driven by i40e"
}

x710_rx_packets() { cat "/sys/class/net/$X710_IF/statistics/rx_packets"; }

# ---- the actions (names as in scenario.h's GuestStep::Action) ----------------

# ip link up, then wait up to 10 s for the carrier (i40e_open -> link event).
x710_do_up() {
  local i=0 carrier
  ip link set "$X710_IF" up || x710_fail "ip link set $X710_IF up failed"
  while [ $i -lt 100 ]; do
    read -r carrier < "/sys/class/net/$X710_IF/carrier" 2>/dev/null
    [ "$carrier" = 1 ] && return 0
    sleep 0.1
    i=$((i + 1))
  done
  x710_fail "$X710_IF has no carrier 10 s after ip link set up"
}

x710_do_down() {
  ip link set "$X710_IF" down || x710_fail "ip link set $X710_IF down failed"
}

# wait_traffic PACKETS SECONDS: the flood must reach the guest before the race
# can be provoked; no traffic means the device or the scenario is broken.
x710_do_wait_traffic() {
  local want=$1 limit=$2 start now deadline
  start=$(x710_rx_packets)
  deadline=$(awk -v u="$(x710_uptime)" -v l="$limit" 'BEGIN { printf "%d", (u + l) * 10 }')
  while :; do
    now=$(x710_rx_packets)
    [ $((now - start)) -ge "$want" ] && return 0
    [ "$(awk -v u="$(x710_uptime)" 'BEGIN { printf "%d", u * 10 }')" -ge "$deadline" ] &&
      x710_fail "only $((now - start)) of $want packets arrived within $limit s"
    sleep 0.1
  done
}

# down_up COUNT PAUSE: the field report's boot script (ifconfig down; ifconfig up).
# No carrier wait: the script did not wait either, and the re-enable right after
# the disable is part of the race.
x710_do_down_up() {
  local n=0
  while [ $n -lt "$1" ]; do
    ip link set "$X710_IF" down || x710_fail "ip link set $X710_IF down failed"
    [ "$2" = 0 ] || sleep "$2"
    ip link set "$X710_IF" up || x710_fail "ip link set $X710_IF up failed"
    n=$((n + 1))
  done
}

x710_do_mtu() {
  ip link set "$X710_IF" mtu "$1" || x710_fail "ip link set $X710_IF mtu $1 failed"
}

x710_do_channels() {
  ethtool -L "$X710_IF" combined "$1" || x710_fail "ethtool -L $X710_IF combined $1 failed"
}

# rmmod and insmod again, from the module list the init loaded at boot.
x710_do_reload() {
  local rel dir ko
  read -r rel < /proc/sys/kernel/osrelease
  dir=/lib/modules/$rel
  ko=$(grep '/i40e\.ko' "$dir/x710-modules.order" 2>/dev/null | head -n 1)
  [ -n "$ko" ] || x710_fail "i40e is not a module here (built in?): nothing to reload"
  rmmod i40e || x710_fail "rmmod i40e failed"
  insmod "$dir/$ko" || x710_fail "insmod $ko failed"
  x710_find_if
}

# churn SECONDS PARALLEL: short-lived processes, as a booting system starts them
# (fork, exec, map, exit): they allocate and free the page tables, vmas and stacks
# that freed receive buffers get reused as. Runs in the background; the steps
# after it run meanwhile.
x710_do_churn() {
  local seconds=$1 parallel=$2 i=0
  while [ $i -lt "$parallel" ]; do
    (
      end=$(awk -v u="$(x710_uptime)" -v s="$seconds" 'BEGIN { printf "%d", (u + s) * 10 }')
      while [ "$(awk -v u="$(x710_uptime)" 'BEGIN { printf "%d", u * 10 }')" -lt "$end" ]; do
        sh -c 'cat /proc/self/maps > /dev/null; ls /proc > /dev/null' 2>/dev/null
      done
    ) &
    X710_CHURN_PIDS="$X710_CHURN_PIDS $!"
    i=$((i + 1))
  done
}

x710_do_sleep() { sleep "$1"; }

x710_do_reboot() { :; }  # x710_steps_end reboots between boots

# ---- the frame -----------------------------------------------------------------

x710_steps_begin() {  # TOTAL BOOTS
  X710_STEP_TOTAL=$1
  X710_BOOTS=$2
  x710_find_if
  x710_say "begin $X710_STEP_TOTAL steps on $X710_IF (uptime $(x710_uptime))"
}

x710_step() {  # ACTION ARGS...
  local action=$1
  shift
  X710_STEP_N=$((X710_STEP_N + 1))
  x710_say "$X710_STEP_N/$X710_STEP_TOTAL $action $* (uptime $(x710_uptime))"
  "x710_do_$action" "$@"
}

# Waits for background churn, then reboots into the next boot, or ends the run.
x710_steps_end() {
  local pid
  for pid in $X710_CHURN_PIDS; do wait "$pid"; done
  if [ "${X710_BOOT:-1}" -lt "$X710_BOOTS" ]; then
    x710_say "reboot (uptime $(x710_uptime))"
    sync
    reboot -f
    sleep 30
    x710_fail "reboot -f did not reboot"
  fi
  x710_say "done (uptime $(x710_uptime))"
  exit 0
}
