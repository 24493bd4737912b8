#!/bin/bash
# Runs the README's two commands as a new user would: in a fresh minimal
# Debian 12 (debootstrap minbase, then only git, make and ca-certificates),
# on a clone of this repository's HEAD. Proves that `make deps` installs
# everything the project needs; a package this machine happens to have does
# not help there.
#
#   fresh-chroot.sh [--dir DIR] [--share-cache] [--keep] [COMMAND...]
#
#   COMMAND        what to run in the clone (default: "make demo" "make test",
#                  one after the other, each timed)
#   --dir DIR      where the chroot goes (default: /var/tmp/atstrace-chroot)
#   --share-cache  bind the host's kernel cache into the chroot, so the lab
#                  kernels are not built again (a cold run takes ~15 min more)
#   --keep         leave the chroot in place afterwards (it is reused then)
#
# Needs root and debootstrap (make deps installs it). The mirror and
# suites are the host's own apt configuration, copied into the chroot; the
# host's apt sources are never changed. Logs: DIR.log/*.log, and a line per
# command with its exit status and seconds.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"

dir=/var/tmp/atstrace-chroot share=0 keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--dir) dir=$2; shift 2 ;;
	--share-cache) share=1; shift ;;
	--keep) keep=1; shift ;;
	-h | --help) sed -n '2,21p' "$0"; exit 0 ;;
	-*) die "fresh-chroot: unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- "make demo" "make test"
[ "$(id -u)" -eq 0 ] || die "fresh-chroot: run as root"
logs=$dir.log
mkdir -p "$logs"

command -v debootstrap >/dev/null || "$top/lab/deps.sh" >/dev/null ||
	die "fresh-chroot: debootstrap is missing (run 'make deps')"

mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
	[ $keep = 1 ] || rm -rf --one-file-system "$dir"
}
trap cleanup EXIT
bind() { # SRC DST
	mkdir -p "$2"
	mount --bind "$1" "$2"
	mounts+=("$2")
}

if [ ! -x "$dir/usr/bin/make" ]; then
	rm -rf --one-file-system "$dir"
	uri=$(mirror_uri) || die "fresh-chroot: no Debian mirror in the machine's apt configuration"
	progress "fresh-chroot: debootstrap --variant=minbase bookworm $dir (~3 min)"
	debootstrap --variant=minbase bookworm "$dir" "$uri" >"$logs/debootstrap.log" 2>&1 ||
		die "fresh-chroot: debootstrap failed (see $logs/debootstrap.log)"
	# The host's own suites (bookworm-security has linux-source-6.12).
	rm -f "$dir/etc/apt/sources.list"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] && cp "$f" "$dir$f"
	done
	cp /etc/resolv.conf "$dir/etc/resolv.conf"
	# no package starts a service in the chroot
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod +x "$dir/usr/sbin/policy-rc.d"
fi

bind /proc "$dir/proc"
bind /sys "$dir/sys"
bind /dev "$dir/dev"
bind /dev/pts "$dir/dev/pts"
mount -t tmpfs tmpfs "$dir/tmp" && mounts+=("$dir/tmp")
if [ $share = 1 ]; then
	cache=$(atstrace_cache)
	bind "$cache" "$dir/root/.cache/atstrace"
fi

in_chroot() {
	chroot "$dir" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive /bin/bash -c "$1"
}

progress "fresh-chroot: apt-get install git make ca-certificates"
in_chroot "apt-get update -q && apt-get install -y -q --no-install-recommends git make ca-certificates" \
	>"$logs/base.log" 2>&1 || die "fresh-chroot: base packages failed (see $logs/base.log)"

rm -rf "$dir/root/atstrace"
git clone -q "$top" "$dir/root/atstrace"
progress "fresh-chroot: cloned $(git -C "$top" rev-parse --short HEAD) into $dir/root/atstrace"

rc_all=0 n=0
for cmd in "$@"; do
	n=$((n + 1))
	log=$logs/$n-${cmd//[^a-z0-9]/-}.log
	progress "fresh-chroot: $cmd (log: $log)"
	t0=$SECONDS
	set +e
	in_chroot "cd /root/atstrace && $cmd" >"$log" 2>&1
	rc=$?
	set -e
	echo "fresh-chroot: '$cmd' exited $rc in $((SECONDS - t0)) s; last line: $(tail -1 "$log")"
	[ $rc = 0 ] || rc_all=1
done
exit $rc_all
