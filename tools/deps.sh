#!/bin/sh
# tools/deps.sh — install the Debian packages blasshim needs (make deps).
# As root: apt-get install what is missing. Otherwise: print the exact command and fail.
PKGS="gcc make pkg-config libjansson-dev libunwind-dev libblas-dev libopenblas0 libcmocka-dev
      python3-numpy python3-pytest python3-dev python3-sklearn python3-torch gfortran openmpi-bin
      libopenmpi-dev chromium librsvg2-bin imagemagick liblapack-dev liblapacke-dev clang-format"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "blasshim: missing Debian packages:$missing" >&2
    echo "blasshim: run as root:  apt-get update && $cmd" >&2
    exit 1
fi
echo "blasshim: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && $cmd >&2 || { echo "blasshim: apt-get failed" >&2; exit 1; }
