#!/bin/bash
# Downloads (never installs) the Debian kernels the lab boots and unpacks them
# into the cache:
#   debian-6.12      Debian's own build of linux-source-6.12 (same version)
#   debian-6.12-arm64  the same for arm64 (the arm64 machine, SMMUv3)
#   debian-upstream-arm64  the same unstable kernel for arm64
#   debian-upstream  the newest linux-image-7.x (or later) in Debian unstable,
#                    fetched through a private apt configuration so the
#                    system's sources are never touched.
# Each is linked as build/kernels/<name> (vmlinuz, lib/modules/<kver>,
# info.json). When unstable cannot be reached, build/kernels/<name>.skip says
# why and the lab reports a visible SKIP for that kernel.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"

cache=$(atstrace_cache)/debian
kdir=$top/build/kernels
mkdir -p "$cache" "$kdir"
exec 9>"$cache/.lock"
flock 9

# Bump when the unpacked layout changes, so old cache entries are redone.
LAYOUT=2

# unpack PKGDIR DEB...: extract the packages and lay out vmlinuz + modules.
unpack() {
	local dir=$1 deb kver moddir f
	shift
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/root"
	for deb in "$@"; do
		dpkg-deb -x "$deb" "$dir.tmp/root"
	done
	kver=$(basename "$(find "$dir.tmp/root" -path '*/lib/modules/*' -maxdepth 4 -mindepth 3 -type d | head -1)")
	[ -n "$kver" ] || die "lab: no modules in $*"
	moddir=$(cd "$dir.tmp/root" && find . -path "*/lib/modules/$kver" -type d | head -1 | sed 's|^\./||')
	ln -s "root/$moddir" "$dir.tmp/modules"
	# 6.12 ships boot/vmlinuz-KVER; 7.x moved it next to the modules.
	for f in "boot/vmlinuz-$kver" "$moddir/vmlinuz"; do
		[ -f "$dir.tmp/root/$f" ] && ln -s "root/$f" "$dir.tmp/vmlinuz" && break
	done
	[ -e "$dir.tmp/vmlinuz" ] || die "lab: no vmlinuz for $kver in $*"
	for f in "boot/config-$kver" "$moddir/config"; do
		[ -f "$dir.tmp/root/$f" ] && cp "$dir.tmp/root/$f" "$dir.tmp/config" && break
	done
	# Debian generates modules.dep at install time; the lab needs it.
	depmod -b "$dir.tmp/root/${moddir%lib/modules/*}" "$kver" ||
		die "lab: depmod failed for $kver"
	echo "$kver" >"$dir.tmp/kver"
	mv "$dir.tmp" "$dir"
}

# fetch_unpack DIR PKG VER APT...: PKG=VER downloaded with the apt-get
# command APT (in a scratch folder) and unpacked into DIR, unless DIR exists
fetch_unpack() {
	local dir=$1 pkg=$2 ver=$3
	shift 3
	[ -d "$dir" ] && return 0
	progress "lab: downloading $pkg $ver (download only)"
	rm -rf "$cache/dl" && mkdir -p "$cache/dl"
	(cd "$cache/dl" && "$@" -q download "$pkg=$ver" >/dev/null) || die "lab: cannot download $pkg"
	unpack "$dir" "$cache"/dl/*.deb
	rm -rf "$cache/dl"
}

fetch_debian_612() {
	local srcver pkg ver dir
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	# 6.12.117-1~deb12u1 -> linux-image-6.12.117+deb12-amd64-unsigned
	pkg="linux-image-${srcver%%-*}+deb12-amd64-unsigned"
	if ! apt-cache show "$pkg" >/dev/null 2>&1; then
		pkg=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
			awk '{print $1}' | sort -V | tail -1)
		[ -n "$pkg" ] || die "lab: no linux-image-6.12.*-amd64-unsigned in apt (run 'make deps')"
	fi
	ver=$(apt-cache show "$pkg" | awk '/^Version:/ {print $2; exit}')
	dir=$cache/${pkg}_$ver.v$LAYOUT
	fetch_unpack "$dir" "$pkg" "$ver" apt-get -o APT::Sandbox::User=root
	printf '{"name":"debian-6.12","package":"%s","version":"%s","kver":"%s"}\n' \
		"$pkg" "$ver" "$(cat "$dir/kver")" >"$dir/info.json"
	ln -sfn "$dir" "$kdir/debian-6.12"
	rm -f "$kdir/debian-6.12.skip"
	progress "lab: debian-6.12 = $pkg $ver"
}

# Debian's arm64 build of the same linux-source-6.12 version, for the arm64
# machine (SMMUv3), through apt_arm64: download only, private state
fetch_debian_612_arm64() {
	local conf=$cache/apt-arm64 srcver pkg ver dir
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	pkg="linux-image-${srcver%%-*}+deb12-arm64-unsigned"
	if [ -z "$(find "$conf/lists" -name '*Packages*' -mmin -1440 2>/dev/null)" ]; then
		progress "lab: reading the arm64 package index of the machine's apt sources (private state)"
		apt_arm64 "$conf" -q update >"$conf.update.log" 2>&1 ||
			die "lab: arm64 index: $(grep -m1 '^E: ' "$conf.update.log" || tail -1 "$conf.update.log")"
	fi
	ver=$(apt_arm64 "$conf" cache show "$pkg" 2>/dev/null | awk '/^Version:/ {print $2; exit}')
	[ -n "$ver" ] || die "lab: no $pkg for arm64 in the machine's apt sources"
	dir=$cache/${pkg}_$ver.v$LAYOUT
	fetch_unpack "$dir" "$pkg" "$ver" apt_arm64 "$conf"
	printf '{"name":"debian-6.12-arm64","arch":"arm64","package":"%s","version":"%s","kver":"%s"}\n' \
		"$pkg" "$ver" "$(cat "$dir/kver")" >"$dir/info.json"
	ln -sfn "$dir" "$kdir/debian-6.12-arm64"
	progress "lab: debian-6.12-arm64 = $pkg $ver"
}

# fetch_debian_upstream [ARCH]: the newest linux-image-7.x (or later) of
# Debian unstable for ARCH (amd64: debian-upstream; arm64:
# debian-upstream-arm64), through a private apt configuration
fetch_debian_upstream() {
	local arch=${1:-amd64} name=debian-upstream conf why pkg ver kver dir pkgs p
	[ "$arch" = amd64 ] || name=debian-upstream-$arch
	conf=$cache/apt-unstable
	[ "$arch" = amd64 ] || conf=$cache/apt-unstable-$arch
	if ! apt_unstable "$conf" "$arch" cache policy >/dev/null 2>&1; then
		skip_upstream "$name" "no Debian mirror found in the machine's apt configuration"
		return
	fi
	if ! why=$(apt_unstable_index "$conf" "$arch"); then
		skip_upstream "$name" "$why"
		return
	fi
	pkg=$(apt_unstable "$conf" "$arch" cache search --names-only "^linux-image-[7-9][0-9.]*\\+deb[0-9]+-$arch\$" 2>/dev/null |
		awk '{print $1}' | sort -V | tail -1)
	if [ -z "$pkg" ]; then
		skip_upstream "$name" "no linux-image-7.* (or later) for $arch in Debian unstable"
		return
	fi
	ver=$(apt_unstable "$conf" "$arch" cache show "$pkg" | awk '/^Version:/ {print $2; exit}')
	kver=${pkg#linux-image-}
	dir=$cache/${pkg}_$ver.v$LAYOUT
	if [ ! -d "$dir" ]; then
		# The image package is a shell around these (7.x splits it).
		pkgs=()
		for p in "linux-binary-$kver" "linux-modules-$kver" "linux-base-$kver"; do
			apt_unstable "$conf" "$arch" cache show "$p" >/dev/null 2>&1 && pkgs+=("$p")
		done
		[ ${#pkgs[@]} -gt 0 ] || pkgs=("$pkg")
		progress "lab: downloading ${pkgs[*]} $ver from unstable (download only)"
		rm -rf "$cache/dl" && mkdir -p "$cache/dl"
		if ! (cd "$cache/dl" && APT_TIMEOUT=900 apt_unstable "$conf" "$arch" -q download "${pkgs[@]}" >/dev/null 2>"$cache/dl.log"); then
			skip_upstream "$name" "download of $pkg from unstable failed: $(tail -1 "$cache/dl.log")"
			return
		fi
		unpack "$dir" "$cache"/dl/*.deb
		rm -rf "$cache/dl"
	fi
	printf '{"name":"%s","arch":"%s","package":"%s","version":"%s","kver":"%s","index_date":"%s","index_valid_until":"%s"}\n' \
		"$name" "${arch/amd64/x86}" "$pkg" "$ver" "$(cat "$dir/kver")" "$(release_field Date "$conf/lists")" \
		"$(release_field Valid-Until "$conf/lists")" >"$dir/info.json"
	ln -sfn "$dir" "$kdir/$name"
	rm -f "$kdir/$name.skip"
	progress "lab: $name = $pkg $ver (unstable's index of $(jq -r .index_date "$dir/info.json"))"
}

# release_field FIELD LISTDIR: a field of unstable's (In)Release file, as ISO 8601
release_field() {
	local f v
	f=$(find "$2" -maxdepth 1 -name '*unstable_*Release' ! -name '*.gpg' | head -1)
	[ -n "$f" ] || return 0
	v=$(sed -n "s/^$1: //p" "$f" | head -1)
	[ -n "$v" ] && date -u -d "$v" +%FT%TZ 2>/dev/null
	return 0
}

skip_upstream() { # NAME WHY
	progress "lab: SKIP $1: $2"
	echo "$2" >"$kdir/$1.skip"
	rm -f "$kdir/$1"
}

fetch_debian_612
fetch_debian_612_arm64
fetch_debian_upstream amd64
fetch_debian_upstream arm64
