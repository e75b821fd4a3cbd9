#!/usr/bin/env bash
# What building the .deb needs on a Debian/Ubuntu machine: dpkg-shlibdeps can only name the
# package of a library that is installed, so every system library the bundled Qt plugins
# load must be present here (the package's users get them through Depends:), plus the
# tools. Installs only what is missing; needs root (or sudo) for that.
set -euo pipefail
PACKAGES="binutils dpkg-dev fakeroot xz-utils
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0
  libxcb-randr0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1
  libwayland-client0 libwayland-cursor0 libwayland-egl1
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
  libgssapi-krb5-2 libsqlite3-0 libssl3"
missing=""
for pkg in $PACKAGES; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Building the package needs:$missing" >&2
  echo "Install them with: sudo apt-get install$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # one word per package
apt-get install -y -q --no-install-recommends $missing
