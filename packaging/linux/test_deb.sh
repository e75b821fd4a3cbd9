#!/usr/bin/env bash
# Install the .deb with apt into a bare Debian (debootstrap --variant=minbase, cached), run
# the installed launcher's smoke test offscreen and on xcb (Xvfb runs outside the chroot,
# so the chroot holds nothing but the package's Depends:), then purge the package and check
# that nothing of it is left and the user's archive is. Needs root.
#
#   packaging/linux/test_deb.sh dist/desktop-importer_0.1.0_amd64.deb
set -euo pipefail
DEB=$(realpath "$1")
SUITE=${DEBIAN_SUITE:-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${DESKTOP_IMPORTER_CHROOT_CACHE:-/var/cache/desktop-importer-ci}
BASE="$CACHE/$SUITE-minbase.tar"

say() { printf '\n== %s\n' "$*"; }

if [ ! -f "$BASE" ]; then
  say "debootstrap --variant=minbase $SUITE (once; cached in $BASE)"
  mkdir -p "$CACHE"
  fresh=$(mktemp -d)
  debootstrap --variant=minbase "$SUITE" "$fresh" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log"; exit 1; }
  tar -C "$fresh" -cf "$BASE.partial" . && mv "$BASE.partial" "$BASE"
  rm -rf "$fresh"
fi

ROOT=$(mktemp -d /tmp/desktop-importer-bare.XXXXXX)
cleanup() {
  for m in dev/pts dev/shm proc; do mountpoint -q "$ROOT/$m" && umount -l "$ROOT/$m"; done
  rm -rf "$ROOT"
}
trap cleanup EXIT
tar -C "$ROOT" -xf "$BASE"
mount -t proc proc "$ROOT/proc"
mkdir -p "$ROOT/dev/shm" "$ROOT/dev/pts" && mount -t tmpfs shm "$ROOT/dev/shm"
mount -t devpts devpts "$ROOT/dev/pts"
echo 'APT::Sandbox::User "root";' >"$ROOT/etc/apt/apt.conf.d/99ci-no-sandbox"  # apt runs as root here
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
cp "$DEB" "$ROOT/tmp/"
in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

say "apt-get install ./$(basename "$DEB") into a bare $SUITE"
in_root apt-get update -q >/dev/null
# What it Recommends (a CJK font) is installed with it by default: each must be in the suite.
for package in $(dpkg-deb --field "$DEB" Recommends | tr ',|' '  '); do
  in_root apt-cache show "$package" >/dev/null 2>&1 || { echo "it recommends $package, which $SUITE lacks"; exit 1; }
done
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  "/tmp/$(basename "$DEB")" >"$ROOT/tmp/install.log" 2>&1 || { tail -30 "$ROOT/tmp/install.log"; exit 1; }
echo "packages set up: $(grep -cE "^(Setting up|Unpacking) " "$ROOT/tmp/install.log")"
in_root dpkg -L desktop-importer >"$ROOT/tmp/files"

drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }

say "smoke test, offscreen, cold (page cache dropped)"
drop_caches
in_root env QT_QPA_PLATFORM=offscreen desktop-importer --smoke-test
say "smoke test, offscreen, warm"
in_root env QT_QPA_PLATFORM=offscreen desktop-importer --smoke-test

say "smoke test, xcb under Xvfb"
export ROOT
# shellcheck disable=SC2016 # expanded by the inner shell, with ROOT and DISPLAY from xvfb-run
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" -f "$ROOT/tmp/xauth" sh -c '
  exec chroot "$ROOT" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
    DISPLAY="$DISPLAY" XAUTHORITY=/tmp/xauth QT_QPA_PLATFORM=xcb desktop-importer --smoke-test'

say "the user's archive survives removal"
in_root desktop-importer status >/dev/null
ARCHIVE="$ROOT/root/.local/share/desktop-importer/archive.sqlite3"
test -f "$ARCHIVE"

say "the installed command serves an assistant over MCP (initialize, then its input ends)"
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"deb-test","version":"1"}}}' \
  | in_root desktop-importer mcp >"$ROOT/tmp/mcp.out"
grep -q '"serverInfo"' "$ROOT/tmp/mcp.out" || { cat "$ROOT/tmp/mcp.out"; exit 1; }
echo "answered: $(grep -o '"serverInfo":{[^}]*}' "$ROOT/tmp/mcp.out")"

say "apt-get purge desktop-importer"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q desktop-importer >/dev/null
left=0
while read -r path; do
  if [ -L "$ROOT$path" ] || [ -f "$ROOT$path" ]; then echo "left behind: $path"; left=1; fi
done <"$ROOT/tmp/files"
[ ! -e "$ROOT/opt/desktop-importer" ] || { echo "left behind: /opt/desktop-importer"; left=1; }
[ "$left" -eq 0 ] || exit 1
test -f "$ARCHIVE" || { echo "the purge removed the user's archive"; exit 1; }
echo "nothing of the package is left; the user's archive is kept"
