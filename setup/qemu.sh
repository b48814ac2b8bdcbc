# QEMU with the vfio-user client (vfio-user-pci), and libvfio-user from the same
# source package. Sourced by setup/setup.sh.
#
# Stock QEMU, no patches of ours: Debian's `qemu` source package (newest >= 10.1 in
# sid, or X710_QEMU_VERSION), unpacked with dpkg-source so Debian's patches apply.
# Built once per version into $X710_CACHE/qemu-VERSION and reused.

QEMU_MIN_MAJOR_MINOR="10.1"

# Packages needed to build QEMU and libvfio-user from source.
QEMU_BUILD_PACKAGES="build-essential pkg-config ninja-build flex bison python3-venv
  libglib2.0-dev libpixman-1-dev libslirp-dev zlib1g-dev libfdt-dev
  libjson-c-dev libcmocka-dev dpkg-dev xz-utils seabios qemu-system-data"

system_qemu_has_vfio_user() {
  command -v qemu-system-x86_64 >/dev/null 2>&1 &&
    qemu-system-x86_64 -device help 2>/dev/null | grep -q '"vfio-user-pci"'
}

# Candidate qemu source versions in sid that are >= 10.1, newest first.
qemu_candidate_versions() {
  if [ -n "${X710_QEMU_VERSION:-}" ]; then echo "$X710_QEMU_VERSION"; return; fi
  private_apt_update sid
  private_apt sid apt-cache showsrc qemu 2>/dev/null | sed -n 's/^Version: //p' |
    sort -rV | uniq | while read -r v; do
      upstream=${v#*:}; upstream=${upstream%%+*}
      if [ "$(printf '%s\n%s\n' "$QEMU_MIN_MAJOR_MINOR" "$upstream" | sort -V | head -1)" = "$QEMU_MIN_MAJOR_MINOR" ]; then
        echo "$v"
      fi
    done
}

# The version we use: the newest candidate whose source the registry really serves
# (the index can list versions the pool no longer holds). Remembered in the cache.
qemu_pick_version() {
  local memo="$X710_CACHE/qemu-source-version"
  if [ -z "${X710_QEMU_VERSION:-}" ] && [ -s "$memo" ] && [ -d "$X710_CACHE/src/qemu-$(qemu_upstream "$(cat "$memo")")/debian" ]; then
    cat "$memo"; return
  fi
  local v
  for v in $(qemu_candidate_versions); do
    if qemu_source "$v" >/dev/null 2>&1; then echo "$v" > "$memo"; echo "$v"; return; fi
    say "qemu $v is listed but its source could not be fetched; trying an older one"
  done
  die "no qemu source package >= $QEMU_MIN_MAJOR_MINOR could be fetched from Debian sid"
}

qemu_upstream() { local u=${1#*:}; echo "${u%%+*}"; }

# Meson >= 1.5 for QEMU's configure: trixie's pure-python meson, unpacked, not installed.
ensure_new_meson() {
  local dir="$X710_CACHE/meson-trixie"
  if [ -x "$dir/usr/bin/meson" ]; then echo "$dir"; return; fi
  private_apt_update trixie
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && private_apt trixie apt-get download meson >/dev/null) || die "could not download meson from Debian trixie"
  rm -rf "$dir"; mkdir -p "$dir"
  dpkg-deb -x "$tmp"/meson_*.deb "$dir"; rm -rf "$tmp"
  echo "$dir"
}

# Unpacked, patched source tree of qemu VERSION; prints its path.
qemu_source() {
  local version=$1
  local src; src="$X710_CACHE/src/qemu-$(qemu_upstream "$version")"
  if [ ! -d "$src/debian" ]; then
    say "fetching Debian's qemu $version source package"
    mkdir -p "$X710_CACHE/src/dl-qemu"
    (cd "$X710_CACHE/src/dl-qemu" && private_apt sid apt-get source --download-only "qemu=$version" >/dev/null 2>&1) ||
      { say "could not download the qemu $version source package"; return 1; }
    rm -rf "$src"
    dpkg-source -x "$X710_CACHE"/src/dl-qemu/qemu_"${version#*:}".dsc "$src" >/dev/null ||
      { say "dpkg-source could not unpack qemu $version"; return 1; }
  fi
  echo "$src"
}

# Prints the directory holding qemu-system-x86_64 (a cache dir, or the system's).
ensure_qemu() {
  if [ -z "${X710_BUILD_QEMU:-}" ] && system_qemu_has_vfio_user; then
    dirname "$(command -v qemu-system-x86_64)"; return
  fi
  local version; version=$(qemu_pick_version) || exit 2
  local upstream; upstream=$(qemu_upstream "$version")
  local prefix="$X710_CACHE/qemu-$upstream"
  if [ -f "$prefix/.complete" ]; then echo "$prefix/bin"; return; fi

  say "building QEMU $upstream (Debian source $version) into $prefix; this takes a few minutes, once"
  local t0=$SECONDS
  local src; src=$(qemu_source "$version") || exit 2
  local meson_dir; meson_dir=$(ensure_new_meson)
  local pypath; pypath=$(ls -d "$meson_dir"/usr/lib/python3/dist-packages)
  rm -rf "$src/build-x710"; mkdir -p "$src/build-x710"
  (
    cd "$src/build-x710" &&
    PYTHONPATH="$pypath" ../configure --prefix="$prefix" --python="$SYS_PYTHON" \
      --target-list=x86_64-softmmu --disable-install-blobs --disable-docs --disable-tools \
      --enable-slirp \
      --disable-gtk --disable-sdl --disable-vnc --disable-spice --disable-opengl \
      --disable-curses --disable-cocoa --disable-xen --disable-werror \
      --disable-guest-agent --disable-qga-vss > configure.log 2>&1
  ) || die "QEMU configure failed, see $src/build-x710/configure.log"
  say "QEMU configured; compiling (progress: ninja's counter)"
  (cd "$src/build-x710" && PYTHONPATH="$pypath" ninja -j"$(nproc)" 2>&1 |
     awk '/^\[[0-9]+\/[0-9]+\]/ { s=$1; gsub(/[\[\]]/,"",s); split(s,a,"/"); if (a[1] % 250 == 0 || a[1] == a[2]) { print "[x710 setup]   qemu " a[1] "/" a[2]; fflush() } next } /error|Error/ { print }' >&2
   test "${PIPESTATUS[0]}" = 0) || die "QEMU build failed in $src/build-x710"
  (cd "$src/build-x710" && PYTHONPATH="$pypath" ninja install >/dev/null) || die "QEMU install failed"
  echo "$version" > "$prefix/.complete"
  say "QEMU $upstream built in $((SECONDS - t0)) s"
  echo "$prefix/bin"
}

# libvfio-user from the same QEMU source tree, installed into its own prefix.
# Prints the prefix (its lib/pkgconfig is what meson needs).
ensure_libvfio_user() {
  local version; version=$(qemu_pick_version) || exit 2
  local upstream; upstream=$(qemu_upstream "$version")
  local prefix="$X710_CACHE/libvfio-user-$upstream"
  if [ -f "$prefix/.complete" ]; then echo "$prefix"; return; fi
  local src; src=$(qemu_source "$version") || exit 2
  src="$src/subprojects/libvfio-user"
  [ -d "$src" ] || die "qemu $version source has no subprojects/libvfio-user"
  say "building libvfio-user from qemu $upstream's subprojects into $prefix"
  local meson_dir; meson_dir=$(ensure_new_meson)
  local pypath; pypath=$(ls -d "$meson_dir"/usr/lib/python3/dist-packages)
  rm -rf "$src/build-x710"
  (cd "$src" && PYTHONPATH="$pypath" "$SYS_PYTHON" "$meson_dir/usr/bin/meson" setup build-x710 \
      --prefix="$prefix" --libdir=lib --buildtype=release -Dtran-pipe=false \
      > "$src/build-x710.log" 2>&1 &&
   PYTHONPATH="$pypath" ninja -C build-x710 install >> "$src/build-x710.log" 2>&1) ||
    die "libvfio-user build failed, see $src/build-x710.log"
  touch "$prefix/.complete"
  echo "$prefix"
}
