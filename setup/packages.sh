# Debian packages the project needs from the machine's own (bookworm) sources.
# Sourced by setup/setup.sh.

X710_PACKAGES="$QEMU_BUILD_PACKAGES meson ninja-build g++ pkg-config
  libglib2.0-dev libslirp-dev libjson-c-dev libcmocka-dev
  libgtest-dev libgmock-dev libbenchmark-dev libtomlplusplus-dev nlohmann-json3-dev
  libcli11-dev libpcap-dev busybox-static cpio ethtool iproute2 xz-utils zstd"

ensure_packages() {
  # One dpkg-query for all of them: this runs before every command.
  local missing=() p installed
  # shellcheck disable=SC2086
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $X710_PACKAGES 2>/dev/null | awk '$2 == "installed" { print $1 }')
  for p in $X710_PACKAGES; do
    grep -qx "$p" <<<"$installed" || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
    die "missing Debian packages; as root run:  apt-get update && apt-get install -y ${missing[*]}"
  fi
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -q >/dev/null || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install failed for: ${missing[*]}"
}
