# Shared helpers for the setup steps. Sourced, not executed.
#
# Every step is idempotent: it checks for its finished product (a stamp file in the
# cache) and returns at once when it is there, so `./x710` can call them all on every
# run and pay only a few stat() calls.

X710_ROOT=${X710_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
X710_CACHE=${X710_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/x710-testbed}
mkdir -p "$X710_CACHE"

say() { printf '[x710 setup] %s\n' "$*" >&2; }
die() { printf '[x710 setup] error: %s\n' "$*" >&2; exit 2; }

# Debian's own python, not whatever a version manager put first on PATH: QEMU's
# configure and meson both want the distribution interpreter with its venv module.
SYS_PYTHON=/usr/bin/python3

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "needs root for: $*  (run it as root, then re-run ./x710)"; fi
}

# A private apt configuration for one extra suite: its own source list, lists and
# archive cache under $X710_CACHE/apt-SUITE. The machine's sources are never touched.
# private_apt SUITE apt-get|apt-cache ARGS...
private_apt() {
  local suite=$1 tool=$2; shift 2
  local dir="$X710_CACHE/apt-$suite"
  mkdir -p "$dir/lists/partial" "$dir/archives/partial"
  if [ ! -f "$dir/sources.list" ]; then
    printf 'deb http://deb.debian.org/debian %s main\ndeb-src http://deb.debian.org/debian %s main\n' \
      "$suite" "$suite" > "$dir/sources.list"
  fi
  "$tool" -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=- \
    -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir" -o Dir::Cache::archives="$dir/archives" \
    -o APT::Sandbox::User=root -o Debug::NoLocking=1 "$@"
}

private_apt_update() {
  local suite=$1 stamp="$X710_CACHE/apt-$1/updated"
  # Refresh at most once a day: the lists only decide which version we pick.
  if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
    say "reading Debian $suite package lists (private apt configuration)"
    private_apt "$suite" apt-get update >/dev/null || die "apt-get update for Debian $suite failed"
    touch "$stamp"
  fi
}
