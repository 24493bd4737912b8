#!/bin/sh
# Installs every Debian package atstrace needs (deps.sh --list names them). Idempotent: when everything is
# present it only checks and returns. Never touches the system's apt sources.
set -eu

PKGS="build-essential clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
libcmocka-dev dwarves bc bison flex libssl-dev rsync cpio xz-utils kmod
qemu-system-x86 busybox-static fio jq linux-source-6.12 git pkg-config bpftrace
gcc-aarch64-linux-gnu iproute2 zstd shfmt procps debootstrap python3
python3-jsonschema prometheus prometheus-node-exporter curl
systemd chromium python3-websocket libc6-dev-arm64-cross qemu-user file
qemu-system-arm"

# deps.sh --list: the package names, one a line (for lab/check-commands.sh)
if [ "${1:-}" = --list ]; then
	printf '%s\n' $PKGS
	exit 0
fi

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && { echo "deps: all packages present"; exit 0; }

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 2
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/atstrace-update-stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
	apt-get update -q
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
