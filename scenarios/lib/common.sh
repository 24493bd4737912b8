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
