#!/bin/bash
# Downloads (never installs) a Debian kernel source package newer than the
# machine's release has, from Debian unstable through the private apt
# configuration of lab/common.sh (apt_unstable), and keeps its tarball in
# the cache.
#
#   fetch-source.sh PACKAGE     e.g. linux-source-7.2
#
# Prints "TARBALL VERSION" (the newest version unstable's index names) and
# exits 0; or prints why it cannot (no mirror, unstable unreachable with no
# index yet, no such package) and exits 1. Progress goes to stderr.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"

pkg=${1:?usage: fetch-source.sh PACKAGE}
root=$(atstrace_cache)
conf=$root/debian/apt-unstable
dir=$root/src
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9

if ! apt_unstable "$conf" amd64 cache policy >/dev/null 2>&1; then
	echo "no Debian mirror found in the machine's apt configuration"
	exit 1
fi
why=$(apt_unstable_index "$conf" amd64) || { echo "$why"; exit 1; }
ver=$(apt_unstable "$conf" amd64 cache show "$pkg" 2>/dev/null |
	awk '/^Version:/ {print $2}' | sort -V | tail -1)
[ -n "$ver" ] || { echo "no $pkg in Debian unstable's index"; exit 1; }

tarball=$dir/${pkg}_$ver.tar.xz
if [ ! -s "$tarball" ]; then
	progress "kernel: downloading $pkg $ver from unstable (download only)"
	rm -rf "$dir/dl" && mkdir -p "$dir/dl"
	if ! (cd "$dir/dl" && APT_TIMEOUT=900 apt_unstable "$conf" amd64 -q download "$pkg=$ver" \
		>/dev/null 2>"$dir/dl.log"); then
		echo "download of $pkg $ver from unstable failed: $(tail -1 "$dir/dl.log")"
		exit 1
	fi
	dpkg-deb --fsys-tarfile "$dir"/dl/*.deb |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' >"$tarball.tmp"
	[ -s "$tarball.tmp" ] || { echo "$pkg $ver holds no /usr/src/linux-source-*.tar.xz"; exit 1; }
	mv "$tarball.tmp" "$tarball"
	rm -rf "$dir/dl"
fi
echo "$tarball $ver"
