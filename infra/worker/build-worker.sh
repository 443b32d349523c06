#!/usr/bin/env bash
# Builds the mediasoup worker from the C++ sources inside the mediasoup npm
# package, against Debian's libraries, with no download of any kind.
#
# mediasoup's own postinstall fetches a prebuilt binary or the sources of its
# dependencies from the internet; neither is reachable here. Each meson
# subproject is instead replaced by a small wrapper that hands the parent
# build the system library (see subprojects/*.meson.build beside this file).
#
# Usage: build-worker.sh [MEDIASOUP_PACKAGE_DIR]
# Prints the path of the built binary as its last line on stdout.
# The binary is cached under $SFU_CLUSTER_CACHE (default ~/.cache/sfu-cluster),
# keyed by the mediasoup version, the library versions and this script, so a
# second run returns at once and says so on stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
pkg="${1:-$repo/node_modules/mediasoup}"
cache_root="${SFU_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sfu-cluster}"

say() { echo "[worker-build] $*" >&2; }

if [ ! -f "$pkg/worker/meson.build" ]; then
  say "mediasoup sources not found at $pkg/worker; run 'npm install' first"
  exit 1
fi
pkg="$(cd "$pkg" && pwd)"

# Debian packages the build needs. Installed when missing and running as root.
build_packages=(meson ninja-build pkg-config build-essential python3 libssl-dev
  libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev)

missing=()
for p in "${build_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}"
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  # A fresh machine has no package lists yet; update once before installing.
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

# The cache key covers everything that changes the binary. Raise the recipe
# number when a change to this script changes what it builds.
recipe=1
ms_version="$(node -p "require('$pkg/package.json').version")"
lib_versions="$(dpkg-query -W -f='${Package}=${Version}\n' libssl-dev libuv1-dev \
  libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev g++)"
key="$( { echo "$recipe $ms_version"; echo "$lib_versions"; cat "$here"/subprojects/*; } \
  | sha256sum | cut -c1-16)"
out_dir="$cache_root/mediasoup-worker/$ms_version-$key"
bin="$out_dir/mediasoup-worker"

if [ -x "$bin" ]; then
  say "using cached worker $bin (mediasoup $ms_version, key $key)"
  echo "$bin"
  exit 0
fi

say "building mediasoup $ms_version worker into $out_dir (about 3 minutes on 2 cores)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -r "$pkg/worker" "$work/worker"
cd "$work/worker"

# Debian 12 ships meson 1.0.1; the sources ask for 1.1.0 but use nothing newer.
sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" meson.build

# Each wrap file names the directory meson would download into; an existing
# directory is used as it is, so the wrapper goes there.
install_wrapper() {
  local name="$1" wrap="$2"
  local dir
  dir="$(sed -n 's/^directory *= *//p' "subprojects/$wrap.wrap")"
  mkdir -p "subprojects/$dir"
  cp "$here/subprojects/$name.meson.build" "subprojects/$dir/meson.build"
  if [ -f "$here/subprojects/$name.meson_options.txt" ]; then
    cp "$here/subprojects/$name.meson_options.txt" "subprojects/$dir/meson_options.txt"
  fi
}
install_wrapper openssl openssl
install_wrapper nlohmann_json nlohmann_json
install_wrapper libuv libuv
install_wrapper libsrtp2 libsrtp2
install_wrapper usrsctp usrsctp
install_wrapper abseil-cpp abseil-cpp
install_wrapper catch2 catch2

jobs="$(nproc 2>/dev/null || echo 2)"
meson setup build --buildtype=release --wrap-mode=nodownload \
  -Db_ndebug=true -Db_pie=true >&2
ninja -C build -j "$jobs" mediasoup-worker >&2

mkdir -p "$out_dir"
# Copy then rename, so a concurrent reader never sees a half-written binary.
cp build/mediasoup-worker "$out_dir/mediasoup-worker.tmp"
mv "$out_dir/mediasoup-worker.tmp" "$bin"
say "built $bin"
echo "$bin"
