# Everything `./x710` needs before it can hand over to the C++ CLI. Sourced.
# After x710_setup, these are exported for the CLI and the tests:
#   X710_QEMU        qemu-system-x86_64 with vfio-user-pci
#   X710_FIRMWARE    colon-separated firmware directories for QEMU's -L
#   X710_DEVICE      the x710-device binary
#   X710_CLI         the x710-cli binary
#   X710_GUEST_DIR   default guest: vmlinuz, initrd.img, kernel-release
#   X710_CACHE       the cache directory (override it to relocate the cache)

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
. "$X710_ROOT/setup/qemu.sh"
. "$X710_ROOT/setup/packages.sh"

X710_BUILD_DIR=${X710_BUILD_DIR:-$X710_ROOT/build}

ensure_project_build() {
  local lvu=$1
  # A different cache (X710_CACHE) means another libvfio-user prefix.
  if [ -f "$X710_BUILD_DIR/build.ninja" ] && [ "$(cat "$X710_BUILD_DIR/.x710-lvu" 2>/dev/null)" != "$lvu" ]; then
    say "libvfio-user moved to $lvu; reconfiguring"
    meson setup --reconfigure "$X710_BUILD_DIR" "$X710_ROOT" -Dlibvfio_user_prefix="$lvu" \
      > "$X710_CACHE/meson-setup.log" 2>&1 || { cat "$X710_CACHE/meson-setup.log" >&2; die "meson setup failed"; }
    echo "$lvu" > "$X710_BUILD_DIR/.x710-lvu"
  fi
  if [ ! -f "$X710_BUILD_DIR/build.ninja" ]; then
    say "configuring the project (meson, release build with debug info) in $X710_BUILD_DIR"
    meson setup "$X710_BUILD_DIR" "$X710_ROOT" --buildtype=debugoptimized \
      -Dlibvfio_user_prefix="$lvu" > "$X710_CACHE/meson-setup.log" 2>&1 ||
      { cat "$X710_CACHE/meson-setup.log" >&2; die "meson setup failed"; }
    echo "$lvu" > "$X710_BUILD_DIR/.x710-lvu"
  fi
  # ninja is a no-op when nothing changed; only real work is shown.
  if ! ninja -C "$X710_BUILD_DIR" 2>&1 |
       { grep -v -e '^ninja: Entering directory' -e '^ninja: no work to do' >&2 || true; }; then
    die "build failed"
  fi
}

x710_setup() {
  ensure_packages
  local qemu_bin lvu guest
  qemu_bin=$(ensure_qemu) || exit 2
  lvu=$(ensure_libvfio_user) || exit 2
  ensure_project_build "$lvu"
  guest=$("$X710_ROOT/guest-images/build.sh") || die "guest image build failed"
  export X710_QEMU="$qemu_bin/qemu-system-x86_64"
  export X710_FIRMWARE="/usr/share/seabios:/usr/share/qemu"
  export X710_DEVICE="$X710_BUILD_DIR/qemu-device/x710-device"
  export X710_CLI="$X710_BUILD_DIR/scenarios/x710-cli"
  export X710_GUEST_DIR="$guest"
  export X710_CACHE X710_ROOT X710_BUILD_DIR
}
