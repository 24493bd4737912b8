# Helpers shared by the lab's shell scripts. Sourced, not run.

die() {
	echo "error: $*" >&2
	exit 2
}

# Progress lines go to stderr so they never mix with a command's result.
progress() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

# Where kernels and downloads are cached: outside the clone, shared by every
# clone on this machine (CI included).
atstrace_cache() {
	local d=${ATSTRACE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/atstrace}
	mkdir -p "$d"
	echo "$d"
}

# The Debian mirror, from the machine's own apt configuration (no registry
# host is ever written into the project).
mirror_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '/^URIs:/ {u = $2}
		     /^Suites:/ {for (i = 2; i <= NF; i++) if ($i !~ /-(security|updates|backports)$/) {print u; exit}}
		     /^$/ {u = ""}' "$f"
	done | grep -m1 . && return
	awk '$1 == "deb" && $3 !~ /-(security|updates|backports)$/ {
		for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) {print $i; exit}}' \
		/etc/apt/sources.list 2>/dev/null | grep -m1 .
}

# apt_arm64 STATEDIR ARGS...: apt-get (or apt-cache, with ARGS starting
# "cache") over the machine's own apt sources for arm64, with private lists,
# cache and status in STATEDIR: download only. Neither the system's sources
# nor dpkg's architecture list nor its package state change.
apt_arm64() {
	local dir=$1 tool=apt-get
	shift
	[ "${1:-}" = cache ] && { tool=apt-cache; shift; }
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	"$tool" -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" \
		-o Dir::State::status=/dev/null -o APT::Get::List-Cleanup=0 \
		-o APT::Architecture=arm64 -o APT::Architectures=arm64 \
		-o APT::Sandbox::User=root "$@"
}

# apt_unstable STATEDIR ARCH ARGS...: apt-get (or apt-cache, with ARGS
# starting "cache") over Debian unstable at the mirror of the machine's own
# apt configuration, with a private source list, lists, cache and status in
# STATEDIR: download only, the system's sources and state untouched. The
# mirror's unstable snapshot can be older than its Release file's
# Valid-Until: that is accepted (signatures are still checked). Fails when
# the machine's apt configuration names no Debian mirror. APT_TIMEOUT=S
# bounds the command to S seconds.
apt_unstable() {
	local dir=$1 arch=$2 tool=apt-get uri
	shift 2
	[ "${1:-}" = cache ] && { tool=apt-cache; shift; }
	# the machine's mirror as it is now, every time (it may have changed)
	uri=$(mirror_uri) || return 1
	[ -n "$uri" ] || return 1
	mkdir -p "$dir"
	echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri unstable main" \
		>"$dir/sources.list"
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	# shellcheck disable=SC2086 # APT_TIMEOUT: seconds, or empty for none
	${APT_TIMEOUT:+timeout $APT_TIMEOUT} "$tool" -o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" \
		-o Dir::State::status=/dev/null -o APT::Get::List-Cleanup=0 \
		-o APT::Sandbox::User=root \
		-o "APT::Architecture=$arch" -o "APT::Architectures=$arch" \
		-o Acquire::Check-Valid-Until=false "$@"
}

# apt_unstable_index STATEDIR ARCH: refresh STATEDIR's unstable index at
# most once a day; a stale index is kept (and said) when unstable cannot be
# reached. Fails, with the reason on stdout, when there is no index at all.
apt_unstable_index() {
	local dir=$1 arch=$2
	[ -n "$(find "$dir/lists" -name '*unstable*Packages*' -mmin -1440 2>/dev/null)" ] && return 0
	progress "lab: reading Debian unstable's $arch package index (private apt configuration)"
	if ! APT_TIMEOUT=300 apt_unstable "$dir" "$arch" -q update >"$dir.update.log" 2>&1 ||
	   grep -q '^E: ' "$dir.update.log"; then
		if [ -z "$(find "$dir/lists" -name '*unstable*Packages*' 2>/dev/null)" ]; then
			echo "Debian unstable is unreachable: $(grep -m1 '^E: ' "$dir.update.log" || echo 'apt-get update failed')"
			return 1
		fi
		progress "lab: unstable unreachable, using the index from $(date -r "$(find "$dir/lists" -name '*unstable*Packages*' | head -1)" +%F)"
	fi
	return 0
}

# cache_entry DIR NAME KEYTEXT: a cache entry for what KEYTEXT names on this
# machine's release. When it is whole (it holds .complete), prints its path
# and ends the calling script. Otherwise sets entry=DIR/NAME-<key>,
# entry_key and suite (the release's codename), and locks DIR's NAME (fd 9)
# until the caller exits: call it directly, not in $(...).
cache_entry() {
	mkdir -p "$1"
	exec 9>"$1/.$2-lock"
	flock 9
	suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
	[ -n "$suite" ] || die "no release codename in /etc/os-release"
	entry_key=$(echo "$3 $suite" | sha256sum | cut -c1-12)
	entry=$1/$2-$entry_key
	if [ -f "$entry/.complete" ]; then
		echo "$entry"
		exit 0
	fi
}
