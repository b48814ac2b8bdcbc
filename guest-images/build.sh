#!/usr/bin/env bash
# Builds the guest that QEMU boots with -kernel/-initrd: a kernel, an initramfs holding
# busybox, iproute2's ip, ethtool, the i40e module (with whatever it depends on) and
# guest-images/init as /init.
#
#   build.sh                                       default guest: Debian bookworm's newest
#                                                  linux-image-6.1.0-*-amd64-unsigned
#   build.sh --kernel BZIMAGE [--modules DIR] [--out DIR]
#                                                  a kernel of your own; DIR is lib/modules/REL
#                                                  or a directory holding it (INSTALL_MOD_PATH)
#   build.sh [--kernel ... --modules DIR] --i40e I40E_KO
#                                                  the same guest with this i40e.ko instead of
#                                                  the kernel's own (a patched driver built with
#                                                  make M=... against that kernel's headers)
#
# Stdout: exactly one line, the output directory, which holds
#   vmlinuz         the kernel for -kernel: normally the bzImage's payload, uncompressed,
#                   an ELF vmlinux that QEMU starts at its PVH entry point (see
#                   kernel-format); much faster under TCG than the bzImage
#   bzImage         the original kernel (absent when --kernel was an ELF vmlinux)
#   kernel-format   "pvh-elf" or "bzimage": what vmlinuz is
#   initrd.img      the initramfs for -initrd (newc cpio, uncompressed)
#   kernel-release  the kernel's release string (uname -r)
# Progress and errors go to stderr. Exit status 0 on success, 2 on error.
# Environment: X710_CACHE (cache directory), X710_GUEST_KERNEL_PACKAGE (a Debian kernel
# package instead of the newest), X710_GUEST_KERNEL_FORMAT=bzimage (vmlinuz is then the
# bzImage), X710_INITRD_COMPRESSION=gzip.
#
# Idempotent: when the output is already complete (its .complete stamp names the same
# inputs) the directory is printed at once. The default guest's directory name carries a
# hash of guest-images/init and of this script, so editing either rebuilds the initramfs;
# the kernel package and its unpacked modules are cached apart, so that takes seconds.
set -euo pipefail

case "${BASH_SOURCE[0]}" in */*) GUEST_SRC=${BASH_SOURCE[0]%/*} ;; *) GUEST_SRC=. ;; esac
GUEST_SRC=$(cd "$GUEST_SRC" && pwd)
. "$GUEST_SRC/../setup/common.sh"

# Modules the guest loads at boot (their dependencies are added automatically).
# "optional:" marks a module that is staged only when the kernel has it as a
# module: pvpanic-mmio makes a guest panic a QEMU event (QEMU exits at once,
# -action panic=exit-failure) instead of a silent reboot.
GUEST_MODULES="i40e optional:pvpanic_mmio"
# The default guest's kernel: the newest package whose name matches this.
KERNEL_PKG_PATTERN='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$'
# Bump when the layout of the cached kernel tree changes.
KTREE_FORMAT=3
# initramfs compression: "none" or "gzip". Uncompressed boots faster under TCG (the
# kernel's inflate runs emulated; QEMU copies the file in at host speed).
INITRD_COMPRESSION=${X710_INITRD_COMPRESSION:-none}
# What -kernel gets: "pvh", the bzImage's payload, an uncompressed ELF vmlinux that QEMU
# starts at its PVH entry (when the kernel has one: CONFIG_PVH=y), or "bzimage". Under
# TCG the bzImage spends ~3.5 s inflating Debian's xz kernel.
case "${X710_GUEST_KERNEL_FORMAT:-pvh}" in
  pvh) KERNEL_FORMAT=pvh ;;
  bzimage) KERNEL_FORMAT=bzimage ;;
  *) die "X710_GUEST_KERNEL_FORMAT must be pvh or bzimage, not $X710_GUEST_KERNEL_FORMAT" ;;
esac

# Temporary directories, removed however the script ends.
CLEANUP=()
cleanup() { [ ${#CLEANUP[@]} = 0 ] || rm -rf "${CLEANUP[@]}"; }
trap cleanup EXIT

usage() {
  sed -n '2,/^set -euo/{/^#/!d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
}

# ---------------------------------------------------------------------------
# Small helpers

# Installs Debian packages that are missing (the builder takes cpio, ethtool and
# iproute2 from the host).
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -q '^installed$' || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  say "installing Debian packages for the guest image: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
    die "apt-get install failed for: ${missing[*]}"
}

# First existing executable among the arguments.
first_executable() {
  local f
  for f in "$@"; do [ -x "$f" ] && { echo "$f"; return 0; }; done
  return 1
}

# Sets INIT_VERSION, the hash of this builder's own inputs: 6 hex digits of the sha256
# of the files that go into the guest from here (guest-images/init, the scenario steps
# in steps.sh, the MMIO timer's source), 6 of this script's.
init_version() {
  local guest_files builder
  guest_files=$(cat "$GUEST_SRC/init" "$GUEST_SRC/steps.sh" "$GUEST_SRC/mmio-timing.c" | sha256sum) ||
    die "cannot hash the guest files in $GUEST_SRC"
  builder=$(sha256sum < "$GUEST_SRC/build.sh") || die "cannot hash $GUEST_SRC/build.sh"
  INIT_VERSION="${guest_files:0:6}${builder:0:6}"
}

# Module name as the kernel spells it (dashes and underscores are the same).
modname() { local n=${1##*/}; n=${n%%.ko*}; echo "${n//-/_}"; }

# Reads KEY= from a module's .modinfo strings (an uncompressed .ko).
modinfo_field() {
  tr '\0' '\n' < "$1" | sed -n "s/^$2=//p" | awk 'NR == 1'
}

# Copies or decompresses one module file to DEST (always an uncompressed .ko).
unpack_module() {
  local src=$1 dest=$2
  mkdir -p "$(dirname "$dest")"
  case "$src" in
    *.ko)     cp "$src" "$dest" ;;
    *.ko.xz)  xz -dc "$src" > "$dest" ;;
    *.ko.zst) zstd -q -dc "$src" > "$dest" ;;
    *.ko.gz)  gzip -dc "$src" > "$dest" ;;
    *) die "unknown module file type: $src" ;;
  esac || die "could not unpack module $src"
}

# stage_modules SRC DEST REL NAME...
# SRC is a lib/modules/REL directory. Copies NAME (skipped quietly when it is written
# optional:NAME and SRC lacks it) and every module it needs (from each
# module's own depends= field, recursively; modules.dep is not needed, Debian's package
# ships none) into DEST (also a lib/modules/REL directory), decompressed, and writes
#   DEST/modules.dep          for busybox modprobe
#   DEST/x710-modules.order   module paths in load order (dependencies first), for /init
# Prints nothing. Fails naming the module when one is missing.
stage_modules() {
  local src=$1 dest=$2 rel=$3; shift 3
  declare -A path_of=() done_mod=() deps_of=()
  local f n
  while IFS= read -r f; do
    n=${f##*/}; n=${n%%.ko*}; n=${n//-/_}    # modname, without a fork per module
    [ -n "${path_of[$n]:-}" ] || path_of[$n]=$f
  done < <(cd "$src" && find . -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) | sed 's|^\./||' | LC_ALL=C sort)

  local order=()
  visit() {
    local name=$1 p staged d deps=()
    [ -n "${done_mod[$name]:-}" ] && return 0
    done_mod[$name]=visiting
    p=${path_of[$name]:-}
    [ -n "$p" ] || die "module $name.ko is not in $src (needed for the guest: $GUEST_MODULES)"
    staged=${p%%.ko*}.ko
    unpack_module "$src/$p" "$dest/$staged"
    local vm; vm=$(modinfo_field "$dest/$staged" vermagic)
    case "$vm" in "$rel "*|"") ;; *) die "module $src/$p was built for ${vm%% *}, not for kernel $rel" ;; esac
    IFS=, read -r -a deps <<< "$(modinfo_field "$dest/$staged" depends)"
    for d in "${deps[@]}"; do
      [ -n "$d" ] || continue
      visit "$(modname "$d")"
    done
    deps_of[$name]="${deps[*]:-}"
    order+=("$staged")
    done_mod[$name]=finished
  }
  for n in "$@"; do
    case "$n" in
      optional:*) n=$(modname "${n#optional:}"); [ -n "${path_of[$n]:-}" ] && visit "$n" ;;
      *) visit "$(modname "$n")" ;;
    esac
  done

  # modules.dep lists, for each module, all its dependencies, the ones to load last
  # first (modprobe loads them from the end of the line).
  : > "$dest/modules.dep"
  local m all i
  for m in "${order[@]}"; do
    all=()
    closure() {
      local x=$1 y
      for y in ${deps_of[$x]}; do
        y=$(modname "$y")
        case " ${all[*]:-} " in *" ${path_of[$y]%%.ko*}.ko "*) continue ;; esac
        closure "$y"
        all+=("${path_of[$y]%%.ko*}.ko")
      done
    }
    closure "$(modname "$m")"
    printf '%s:' "$m" >> "$dest/modules.dep"
    for ((i = ${#all[@]} - 1; i >= 0; i--)); do printf ' %s' "${all[i]}" >> "$dest/modules.dep"; done
    printf '\n' >> "$dest/modules.dep"
  done
  printf '%s\n' "${order[@]}" > "$dest/x710-modules.order"
  if [ -f "$src/modules.builtin" ]; then cp "$src/modules.builtin" "$dest/"; fi
  return 0
}

# replace_i40e KO MODDIR REL: puts KO (.ko, .ko.xz, .ko.zst, .ko.gz) in place of the
# i40e module staged in MODDIR (a lib/modules/REL directory written by stage_modules),
# after checking that it is an i40e module for kernel REL whose dependencies are staged.
replace_i40e() {
  local ko=$1 moddir=$2 rel=$3
  local staged; staged=$(grep -m1 -E '(^|/)i40e\.ko$' "$moddir/x710-modules.order" || true)
  [ -n "$staged" ] || die "--i40e: the guest kernel has no i40e module to replace (is i40e built in?)"
  local tmp="$moddir/$staged.new"
  unpack_module "$ko" "$tmp"
  local name vm deps d
  name=$(modinfo_field "$tmp" name)
  vm=$(modinfo_field "$tmp" vermagic)
  if [ "$name" != i40e ]; then
    rm -f "$tmp"
    die "--i40e $ko: not an i40e module (its .modinfo says name=${name:-nothing})"
  fi
  if [ "${vm%% *}" != "$rel" ]; then
    rm -f "$tmp"
    die "--i40e $ko: built for kernel ${vm%% *}, but the guest kernel is $rel (build it against that kernel's headers: make -C /lib/modules/$rel/build M=\$PWD)"
  fi
  IFS=, read -r -a deps <<< "$(modinfo_field "$tmp" depends)"
  for d in "${deps[@]}"; do
    [ -n "$d" ] || continue
    grep -q -E "(^|/)$(modname "$d")\.ko$|(^|/)${d}\.ko$" "$moddir/x710-modules.order" ||
      { rm -f "$tmp"; die "--i40e $ko: needs module $d, which the guest's i40e did not"; }
  done
  mv -f "$tmp" "$moddir/$staged"
}

# Kernel release of a bzImage (from its setup header) or of an ELF vmlinux.
kernel_release_of() {
  local k=$1 magic off
  magic=$(od -An -c -j 514 -N 4 "$k" 2>/dev/null | tr -d ' ')
  if [ "$magic" = HdrS ]; then
    off=$(od -An -tu2 -j 526 -N 2 "$k" | tr -d ' ')
    if [ -n "$off" ] && [ "$off" -gt 0 ]; then
      dd if="$k" iflag=skip_bytes skip=$((off + 512)) bs=256 count=1 2>/dev/null | tr '\0' '\n' | sed -n '1s/ .*//p'
      return 0
    fi
  fi
  grep -a -o -m1 'Linux version [^ ]*' "$k" | sed -n '1s/^Linux version //p'
}

# has_pvh_note FILE: is FILE an x86-64 ELF kernel with a PVH entry point (a "Xen" ELF
# note of type 18, XEN_ELFNOTE_PHYS32_ENTRY)? QEMU's -kernel boots such a vmlinux
# directly, without the bzImage's decompressor.
has_pvh_note() {
  "$SYS_PYTHON" - "$1" <<'PY'
import struct, sys
with open(sys.argv[1], "rb") as f:
    data = f.read()
if data[:4] != b"\x7fELF" or data[4] != 2:
    sys.exit(1)
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
for i in range(phnum):
    ptype, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
    if ptype != 4:  # PT_NOTE
        continue
    pos, end = off, off + filesz
    while pos + 12 <= end:
        namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
        name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0")
        if name == b"Xen" and ntype == 18:
            sys.exit(0)
        pos += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
sys.exit(1)
PY
}

# extract_pvh_vmlinux BZIMAGE DEST: writes the bzImage's payload, uncompressed (the
# stripped vmlinux), to DEST if it has a PVH entry point; fails otherwise.
extract_pvh_vmlinux() {
  local bz=$1 dest=$2 setup_sects poff plen start magic dec
  setup_sects=$(od -An -tu1 -j 497 -N 1 "$bz" | tr -d ' ')
  [ "${setup_sects:-0}" = 0 ] && setup_sects=4
  poff=$(od -An -tu4 -j 584 -N 4 "$bz" | tr -d ' ')
  plen=$(od -An -tu4 -j 588 -N 4 "$bz" | tr -d ' ')
  [ -n "$poff" ] && [ -n "$plen" ] && [ "$plen" -gt 4 ] || return 1
  start=$(( (setup_sects + 1) * 512 + poff ))
  magic=$(od -An -tx1 -j "$start" -N 6 "$bz" | tr -d ' \n')
  case "$magic" in
    1f8b*)        dec="gzip -dc" ;;
    fd377a585a00) dec="xz -dc" ;;
    28b52ffd*)    dec="zstd -q -dc" ;;
    5d0000*)      dec="xz -dc --format=lzma" ;;
    425a68*)      dec="bzip2 -dc" ;;
    02214c18*)    dec="lz4 -dc" ;;
    *) return 1 ;;
  esac
  command -v "${dec%% *}" >/dev/null 2>&1 || return 1
  # The payload ends with its uncompressed size (4 bytes), which no decompressor wants.
  if dd if="$bz" iflag=skip_bytes,count_bytes skip="$start" count=$((plen - 4)) bs=1M 2>/dev/null |
       $dec > "$dest.tmp" 2>/dev/null &&
     has_pvh_note "$dest.tmp"; then
    mv -f "$dest.tmp" "$dest"
    return 0
  fi
  rm -f "$dest.tmp"
  return 1
}

# ---------------------------------------------------------------------------
# The initramfs

# Sets BUSYBOX. Debian's busybox package (dynamically linked, unpacked into the cache,
# not installed), not busybox-static: the static build's ash runs its own applets before
# searching PATH, so `ip` in a guest command would be busybox's ip, not iproute2's.
# Falls back to the host's busybox-static, with a warning, when the download fails.
ensure_busybox() {
  local dir="$X710_CACHE/guest-busybox"
  BUSYBOX=$dir/busybox
  [ -x "$BUSYBOX" ] && return 0
  mkdir -p "$dir"
  local tmp; tmp=$(mktemp -d "$dir/.unpack.XXXXXX")
  CLEANUP+=("$tmp")
  say "downloading Debian's busybox package for the guest (unpacked, not installed)"
  if (cd "$tmp" && apt-get -q -o APT::Sandbox::User="$(id -un)" download busybox > download.log 2>&1) &&
     dpkg-deb -x "$tmp"/busybox_*.deb "$tmp/x" && [ -x "$tmp/x/bin/busybox" ]; then
    cp "$tmp/x/bin/busybox" "$BUSYBOX.tmp" && mv -f "$BUSYBOX.tmp" "$BUSYBOX"
    rm -rf "$tmp"
    return 0
  fi
  need_packages busybox-static
  BUSYBOX=/bin/busybox
  say "warning: could not download Debian's busybox package; using busybox-static, whose shell runs busybox's own ip instead of iproute2's (call /sbin/ip)"
}

# assemble_initrd OUT MODROOT REL
# MODROOT is a directory holding lib/modules/REL as stage_modules wrote it, or "" for none.
# Writes OUT/initrd.img.
assemble_initrd() {
  local out=$1 modroot=$2 rel=$3
  need_packages cpio ethtool iproute2
  local busybox ip ethtool
  ensure_busybox
  busybox=$BUSYBOX
  ip=$(first_executable /usr/bin/ip /bin/ip /usr/sbin/ip /sbin/ip) || die "ip not found (Debian package iproute2)"
  ethtool=$(first_executable /usr/sbin/ethtool /sbin/ethtool /usr/bin/ethtool) || die "ethtool not found (Debian package ethtool)"
  [ -f "$GUEST_SRC/init" ] || die "missing $GUEST_SRC/init"

  local root; root=$(mktemp -d "$X710_CACHE/.initrd-root.XXXXXX")
  CLEANUP+=("$root")

  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,dev,proc,sys,tmp,run,root,mnt,var/log}
  chmod 1777 "$root/tmp"

  # busybox and its applets, each where busybox says it lives; iproute2's ip replaces
  # busybox's, and busybox's own init/linuxrc are left out (the kernel runs /init).
  cp "$busybox" "$root/bin/busybox"
  # One perl (Debian's perl-base is essential) instead of a fork per applet.
  "$busybox" --list-full | grep -Ev '(^|/)(ip|ethtool|init|linuxrc|busybox)$' |
    (cd "$root" && perl -ne 'chomp; next unless length;
        my $d = $_; $d =~ s{/[^/]*$}{}; system("mkdir", "-p", $d) if $d ne $_ && !-d $d;
        symlink("/bin/busybox", $_) or die "symlink $_: $!\n"') ||
    die "could not create busybox's applet links"

  # reboot, poweroff, halt: at once, there is no init system to stop. First the output
  # to the control port leaves the UART (stty sets the mode with TCSADRAIN); a power-off
  # tells the host, which waits for an EXIT line.
  cat > "$root/sbin/x710-power" <<'EOF'
#!/bin/sh
# reboot / poweroff / halt of the x710 guest (written by guest-images/build.sh).
ctl=/dev/ttyS1
drain() { [ -c $ctl ] && stty -F $ctl "$(stty -F $ctl -g)" 2>/dev/null; }
case "${0##*/}" in
  reboot) drain; exec /bin/busybox reboot -f ;;
  *) if [ -c $ctl ]; then drain; echo "@@X710 EXIT 0" > $ctl; drain; fi
     exec /bin/busybox poweroff -f ;;
esac
EOF
  chmod 0755 "$root/sbin/x710-power"
  for a in reboot poweroff halt; do
    rm -f "$root/sbin/$a" "$root/bin/$a"
    ln -s x710-power "$root/sbin/$a"
  done

  cp "$ip" "$root/sbin/ip"
  cp "$ethtool" "$root/sbin/ethtool"

  # Shared libraries and the dynamic loader, at the paths ldd resolves them to.
  # The real file under its real name, the soname as a link to it (as on the host:
  # `ip -V` reads libbpf's version from the file name).
  local lib real
  while IFS= read -r lib; do
    [ -n "$lib" ] || continue
    mkdir -p "$root${lib%/*}"
    real=$(readlink -f "$lib")
    if [ "${real##*/}" != "${lib##*/}" ] && [ "$lib" != /lib64/ld-linux-x86-64.so.2 ]; then
      cp "$real" "$root${lib%/*}/${real##*/}"
      ln -sf "${real##*/}" "$root$lib"
    else
      cp -L "$lib" "$root$lib"
    fi
  done < <(for b in "$busybox" "$ip" "$ethtool"; do ldd "$b" 2>/dev/null || true; done | awk '
      $2 == "=>" && $3 ~ /^\// { print $3; next }
      $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | LC_ALL=C sort -u)
  [ -e "$root/lib64/ld-linux-x86-64.so.2" ] || die "ldd did not report /lib64/ld-linux-x86-64.so.2 for $ip"

  cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat > "$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
  echo x710-guest > "$root/etc/hostname"
  : > "$root/etc/fstab"

  if [ -n "$modroot" ] && [ -d "$modroot/lib/modules" ]; then
    cp -a "$modroot/lib/modules" "$root/lib/"
  fi

  install -m 0755 "$GUEST_SRC/init" "$root/init"
  # The scenario steps, sourced by the command the runner sends (./x710 run).
  install -D -m 0644 "$GUEST_SRC/steps.sh" "$root/usr/lib/x710/steps.sh"
  # The guest side of `./x710 bench`'s MMIO figure, linked against the same glibc as
  # ip and ethtool (already in the image).
  need_packages gcc libc6-dev
  mkdir -p "$root/usr/bin"
  cc -O2 -Wall -o "$root/usr/bin/x710-mmio-timing" "$GUEST_SRC/mmio-timing.c" >&2 ||
    die "cannot compile $GUEST_SRC/mmio-timing.c"

  # The kernel opens /dev/console for /init before anything is mounted; the node can
  # only be made as root (init copes without it: it mounts devtmpfs first).
  if [ "$(id -u)" = 0 ]; then
    mknod -m 600 "$root/dev/console" c 5 1
    mknod -m 666 "$root/dev/null" c 1 3
  fi

  local tmp_img="$out/initrd.img.tmp"
  (
    cd "$root"
    find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet --reproducible
  ) > "$tmp_img.cpio" || die "cpio failed while packing the initramfs"
  case "$INITRD_COMPRESSION" in
    none) mv "$tmp_img.cpio" "$tmp_img" ;;
    gzip) gzip -9n < "$tmp_img.cpio" > "$tmp_img" && rm -f "$tmp_img.cpio" ;;
    *) die "X710_INITRD_COMPRESSION must be none or gzip, not $INITRD_COMPRESSION" ;;
  esac
  mv -f "$tmp_img" "$out/initrd.img"
  rm -rf "$root"
}

# put_file SRC DEST [link]: DEST becomes a copy of SRC, or with "link" a hard link when
# possible (files of our own cache; a user's bzImage may be rewritten in place by make).
put_file() {
  local src=$1 dest=$2 how=${3:-copy}
  [ "$how" = link ] && [ "$src" -ef "$dest" ] && return 0
  rm -f "$dest.tmp"
  { [ "$how" = link ] && ln "$src" "$dest.tmp" 2>/dev/null; } ||
    cp "$src" "$dest.tmp" || die "cannot copy $src to $dest"
  mv -f "$dest.tmp" "$dest"
}

# finish_output OUT BZIMAGE|"" VMLINUX|"" REL STAMP-TEXT HOW: kernel files, release, stamp.
# vmlinuz is what -kernel gets: the PVH vmlinux when there is one, else the bzImage.
# bzImage is always the original; HOW says how to put it there: "link" for our cache's
# files, "copy" for a user's. The vmlinux is always ours.
finish_output() {
  local out=$1 bz=$2 vmlinux=$3 rel=$4 stamp=$5 how=$6
  rm -f "$out/.complete"
  if [ -n "$bz" ]; then put_file "$bz" "$out/bzImage" "$how"; else rm -f "$out/bzImage"; fi
  if [ -n "$vmlinux" ]; then
    put_file "$vmlinux" "$out/vmlinuz" link
    echo pvh-elf > "$out/kernel-format"
  else
    put_file "$out/bzImage" "$out/vmlinuz" link
    echo bzimage > "$out/kernel-format"
  fi
  echo "$rel" > "$out/kernel-release"
  printf '%s\n' "$stamp" > "$out/.complete"
}

# ---------------------------------------------------------------------------
# The default guest: Debian's kernel

# Sets KERNEL_PKG (X710_GUEST_KERNEL_PACKAGE overrides the choice).
newest_kernel_package() {
  if [ -n "${X710_GUEST_KERNEL_PACKAGE:-}" ]; then KERNEL_PKG=$X710_GUEST_KERNEL_PACKAGE; return; fi
  # apt-cache takes a second; the answer only changes when apt's lists do.
  local memo="$X710_CACHE/guest-kernel/newest-package" lists=/var/lib/apt/lists p
  if [ -s "$memo" ] && { [ ! -e "$lists" ] || [ "$memo" -nt "$lists" ]; }; then
    read -r KERNEL_PKG < "$memo"; return
  fi
  p=$(apt-cache search --names-only "$KERNEL_PKG_PATTERN" 2>/dev/null | awk '{print $1}' | sort -V | tail -n1)
  [ -n "$p" ] || die "apt knows no package matching $KERNEL_PKG_PATTERN; the guest kernel comes from Debian bookworm (apt-get update?)"
  mkdir -p "$(dirname "$memo")"
  echo "$p" > "$memo.tmp" && mv -f "$memo.tmp" "$memo"
  KERNEL_PKG=$p
}

# ensure_kernel_tree PKG REL: sets KTREE_DIR to $X710_CACHE/guest-kernel/PKG, holding vmlinuz and
# lib/modules/REL with the staged guest modules.
ensure_kernel_tree() {
  local pkg=$1 rel=$2
  local base="$X710_CACHE/guest-kernel" dir="$X710_CACHE/guest-kernel/$pkg"
  local stamp="format=$KTREE_FORMAT modules=$GUEST_MODULES"
  KTREE_DIR=$dir
  if [ -f "$dir/.complete" ] && [ "$(< "$dir/.complete")" = "$stamp" ]; then return; fi

  mkdir -p "$base/debs"
  local deb
  deb=$(find "$base/debs" -maxdepth 1 -name "${pkg}_*.deb" | sort -V | tail -n1)
  if [ -z "$deb" ]; then
    say "downloading the guest kernel, Debian package $pkg (not installed, only unpacked)"
    local dl; dl=$(mktemp -d "$base/.download.XXXXXX")
    CLEANUP+=("$dl")
    (cd "$dl" && apt-get -q -o APT::Sandbox::User="$(id -un)" download "$pkg" > download.log 2>&1) ||
      { cat "$dl/download.log" >&2; die "apt-get download $pkg failed"; }
    deb=$(find "$dl" -maxdepth 1 -name "${pkg}_*.deb" | sort -V | tail -n1)
    [ -n "$deb" ] || die "apt-get download $pkg left no .deb"
    # Older kernels' packages are of no further use.
    find "$base/debs" -name '*.deb' -delete
    mv "$deb" "$base/debs/"
    deb=$base/debs/${deb##*/}
    rm -rf "$dl"
  fi

  say "unpacking $(basename "$deb")"
  local tmp; tmp=$(mktemp -d "$base/.unpack.XXXXXX")
  CLEANUP+=("$tmp")
  dpkg-deb -x "$deb" "$tmp/pkg" || die "dpkg-deb could not unpack $deb"
  local vmlinuz="$tmp/pkg/boot/vmlinuz-$rel" moddir="$tmp/pkg/lib/modules/$rel"
  [ -f "$vmlinuz" ] || die "$deb holds no boot/vmlinuz-$rel"
  [ -d "$moddir" ] || die "$deb holds no lib/modules/$rel"

  mkdir -p "$tmp/tree/lib/modules/$rel"
  stage_modules "$moddir" "$tmp/tree/lib/modules/$rel" "$rel" $GUEST_MODULES
  cp "$vmlinuz" "$tmp/tree/vmlinuz"
  extract_pvh_vmlinux "$vmlinuz" "$tmp/tree/vmlinux" ||
    say "note: $pkg's kernel has no PVH entry point; QEMU will boot the bzImage (slower under TCG)"
  cp "$tmp/pkg/boot/config-$rel" "$tmp/tree/config" 2>/dev/null || true
  echo "$rel" > "$tmp/tree/kernel-release"
  echo "$stamp" > "$tmp/tree/.complete"
  rm -rf "$dir"
  mv "$tmp/tree" "$dir"
  rm -rf "$tmp"
  KTREE_DIR=$dir
}

build_default() {
  local out_arg=$1 iv=$2 user_i40e=$3
  local pkg rel out ihash=""
  newest_kernel_package
  pkg=$KERNEL_PKG
  rel=${pkg#linux-image-}; rel=${rel%-unsigned}
  out=${out_arg:-$X710_CACHE/guest-$rel-$iv}
  [ -n "$out_arg" ] || [ "$KERNEL_FORMAT" = pvh ] || out=$out-$KERNEL_FORMAT
  if [ -n "$user_i40e" ]; then
    ihash=$(sha256sum < "$user_i40e" | cut -c1-16)
    [ -n "$out_arg" ] || out=$out-i40e-$ihash
  fi
  local stamp="default $pkg init=$iv kernel=$KERNEL_FORMAT i40e=${ihash:-debian}"
  if [ -f "$out/.complete" ] && [ "$(< "$out/.complete")" = "$stamp" ]; then echo "$out"; return; fi

  exec 9> "$X710_CACHE/.guest-build.lock"
  flock 9
  if [ -f "$out/.complete" ] && [ "$(< "$out/.complete")" = "$stamp" ]; then echo "$out"; return; fi

  local t0=$SECONDS
  ensure_kernel_tree "$pkg" "$rel"
  local ktree=$KTREE_DIR
  # The kernel's modules, or a copy with the user's i40e.ko in place (checked first,
  # so a wrong module leaves nothing behind).
  local mods=$ktree
  if [ -n "$user_i40e" ]; then
    mods=$(mktemp -d "$X710_CACHE/.i40e-mods.XXXXXX")
    CLEANUP+=("$mods")
    mkdir -p "$mods/lib/modules"
    cp -a "$ktree/lib/modules/$rel" "$mods/lib/modules/"
    replace_i40e "$user_i40e" "$mods/lib/modules/$rel" "$rel"
  fi
  say "building the guest initramfs ($rel, init $iv${ihash:+, i40e.ko $user_i40e}) into $out"
  rm -rf "$out"; mkdir -p "$out"
  assemble_initrd "$out" "$mods" "$rel"
  local vmlinux=""
  [ "$KERNEL_FORMAT" = pvh ] && [ -f "$ktree/vmlinux" ] && vmlinux=$ktree/vmlinux
  finish_output "$out" "$ktree/vmlinuz" "$vmlinux" "$rel" "$stamp" link
  say "guest ready in $((SECONDS - t0)) s: initramfs $(( $(stat -c %s "$out/initrd.img") / 1024 )) KiB"
  # Default guests of earlier init/build.sh versions, untouched for a day, go.
  if [ -z "$out_arg" ]; then
    find "$X710_CACHE" -mindepth 2 -maxdepth 2 -path "$X710_CACHE/guest-*-*/.complete" -mtime +0 \
      ! -path "$out/*" -exec grep -l '^default ' {} + 2>/dev/null |
      while IFS= read -r f; do rm -rf "${f%/.complete}"; done
  fi
  echo "$out"
}

# ---------------------------------------------------------------------------
# A user's kernel

# Finds lib/modules/REL under DIR (DIR itself, DIR/REL, DIR/lib/modules/REL).
find_moddir() {
  local dir=$1 rel=$2 c cands=()
  if [ -d "$dir/kernel" ] || [ -f "$dir/modules.order" ] || [ -f "$dir/modules.builtin" ]; then
    echo "$dir"; return
  fi
  for c in "$dir/lib/modules" "$dir/usr/lib/modules" "$dir"; do
    [ -n "$rel" ] && [ -d "$c/$rel" ] && { echo "$c/$rel"; return; }
  done
  for c in "$dir"/lib/modules/* "$dir"/usr/lib/modules/* "$dir"/*; do
    [ -d "$c" ] && { [ -d "$c/kernel" ] || [ -f "$c/modules.order" ]; } && cands+=("$c")
  done
  if [ ${#cands[@]} = 1 ]; then echo "${cands[0]}"; return; fi
  if [ ${#cands[@]} = 0 ]; then
    die "--modules $dir: no modules tree there (expected $dir/lib/modules/${rel:-RELEASE} as 'make modules_install INSTALL_MOD_PATH=$dir' makes it)"
  fi
  die "--modules $dir holds several module trees (${cands[*]}) and none is for kernel ${rel:-?}; point --modules at one"
}

build_user() {
  # user_i40e: --i40e; i40e below is the module tree's own.
  local kernel=$1 modules=$2 out_arg=$3 iv=$4 user_i40e=$5
  [ -e "$kernel" ] || die "--kernel $kernel: no such file"
  if ! [ -f "$kernel" ] || ! [ -r "$kernel" ]; then die "--kernel $kernel: not a readable file"; fi
  kernel=$(readlink -f "$kernel")
  local magic; magic=$(od -An -c -j 514 -N 4 "$kernel" 2>/dev/null | tr -d ' ')
  if [ "$magic" != HdrS ]; then
    if [ "$(head -c 4 "$kernel" | od -An -c | tr -d ' ')" = '177ELF' ]; then
      has_pvh_note "$kernel" ||
        die "--kernel $kernel: an ELF vmlinux without a PVH entry point, which QEMU cannot boot; use arch/x86/boot/bzImage"
      magic=ELF
    else
      die "--kernel $kernel: not a bzImage (no 'HdrS' setup header; use arch/x86/boot/bzImage)"
    fi
  fi
  local rel; rel=$(kernel_release_of "$kernel")

  local moddir="" i40e=""
  if [ -n "$modules" ]; then
    [ -d "$modules" ] || die "--modules $modules: no such directory"
    moddir=$(find_moddir "$(readlink -f "$modules")" "$rel")
    local mrel; mrel=$(basename "$moddir")
    if [ -n "$rel" ] && [ "$mrel" != "$rel" ]; then
      die "--modules: $moddir is for kernel $mrel but $kernel is $rel"
    fi
    rel=${rel:-$mrel}
    i40e=$(find "$moddir" -type f \( -name 'i40e.ko' -o -name 'i40e.ko.*' \) -print -quit)
    if [ -z "$i40e" ]; then
      if [ -f "$moddir/modules.builtin" ] && grep -q '/i40e\.ko$' "$moddir/modules.builtin"; then
        [ -z "$user_i40e" ] || die "--i40e: i40e is built into $kernel (modules.builtin says so), so no module can replace it; build the kernel with CONFIG_I40E=m"
        say "i40e is built into $kernel (modules.builtin says so); the initramfs carries no modules"
        moddir=""
      else
        die "--modules: $moddir has no i40e.ko (nor .ko.xz/.ko.zst/.ko.gz) and modules.builtin does not list it; build with CONFIG_I40E=m and run modules_install, or CONFIG_I40E=y"
      fi
    fi
  else
    [ -z "$user_i40e" ] || die "--i40e goes with --modules when --kernel is given (the module tree it replaces i40e.ko in)"
    say "no --modules given: assuming i40e is built into $kernel (CONFIG_I40E=y)"
  fi
  [ -n "$rel" ] || die "could not read the kernel release from $kernel"

  local khash; khash=$(sha256sum "$kernel" | cut -c1-16)
  local out=${out_arg:-$X710_CACHE/guest-user-$khash}
  local mfp=none
  if [ -n "$moddir" ]; then
    mfp=$( (cd "$moddir" && find . -type f -name '*.ko*' -printf '%P %s %T@\n' | LC_ALL=C sort | sha256sum | cut -c1-16) )
  fi
  local ihash=debian
  if [ -n "$user_i40e" ]; then
    ihash=$(sha256sum < "$user_i40e" | cut -c1-16)
    [ -n "$out_arg" ] || out=$out-i40e-$ihash
  fi
  local stamp="user kernel=$khash modules=${moddir:-none}:$mfp init=$iv kernel=$KERNEL_FORMAT i40e=$ihash"
  if [ -f "$out/.complete" ] && [ "$(< "$out/.complete")" = "$stamp" ]; then echo "$out"; return; fi

  exec 9> "$X710_CACHE/.guest-build.lock"
  flock 9
  say "building a guest for $kernel ($rel) into $out"
  mkdir -p "$out"
  rm -f "$out/.complete"
  local tmp; tmp=$(mktemp -d "$X710_CACHE/.user-mods.XXXXXX")
  CLEANUP+=("$tmp")
  if [ -n "$moddir" ]; then
    mkdir -p "$tmp/lib/modules/$rel"
    stage_modules "$moddir" "$tmp/lib/modules/$rel" "$rel" $GUEST_MODULES
    [ -z "$user_i40e" ] || replace_i40e "$user_i40e" "$tmp/lib/modules/$rel" "$rel"
    assemble_initrd "$out" "$tmp" "$rel"
  else
    assemble_initrd "$out" "" "$rel"
  fi
  local vmlinux=""
  if [ "$magic" = ELF ]; then
    cp "$kernel" "$tmp/vmlinux"
    vmlinux=$tmp/vmlinux
    finish_output "$out" "" "$vmlinux" "$rel" "$stamp" copy
    echo "$out"
    return
  fi
  if [ "$KERNEL_FORMAT" = pvh ]; then
    if extract_pvh_vmlinux "$kernel" "$tmp/vmlinux"; then
      vmlinux=$tmp/vmlinux
    else
      say "note: $kernel has no PVH entry point (CONFIG_PVH=y) or its payload could not be unpacked; QEMU boots the bzImage, whose decompression is slow under TCG"
    fi
  fi
  finish_output "$out" "$kernel" "$vmlinux" "$rel" "$stamp" copy
  echo "$out"
}

# ---------------------------------------------------------------------------

main() {
  local kernel="" modules="" out="" i40e=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --kernel) [ $# -ge 2 ] || die "--kernel needs a file"; kernel=$2; shift 2 ;;
      --kernel=*) kernel=${1#*=}; shift ;;
      --modules) [ $# -ge 2 ] || die "--modules needs a directory"; modules=$2; shift 2 ;;
      --modules=*) modules=${1#*=}; shift ;;
      --out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
      --i40e) [ $# -ge 2 ] || die "--i40e needs a module file"; i40e=$2; shift 2 ;;
      --i40e=*) i40e=${1#*=}; shift ;;
      --out=*) out=${1#*=}; shift ;;
      -h|--help) usage; exit 0 ;;
      *) usage; die "unknown argument: $1" ;;
    esac
  done
  [ -z "$modules" ] || [ -n "$kernel" ] || die "--modules goes with --kernel"
  if [ -n "$i40e" ]; then
    [ -f "$i40e" ] && [ -r "$i40e" ] || die "--i40e $i40e: not a readable file"
    i40e=$(readlink -f "$i40e")
  fi
  if [ -n "$out" ]; then
    mkdir -p "$out" || die "cannot create --out $out"
    out=$(cd "$out" && pwd)
  fi

  init_version
  local iv=$INIT_VERSION
  if [ -n "$kernel" ]; then
    build_user "$kernel" "$modules" "$out" "$iv" "$i40e"
  else
    build_default "$out" "$iv" "$i40e"
  fi
}

main "$@"
