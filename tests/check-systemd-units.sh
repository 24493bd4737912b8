#!/bin/bash
# contrib/systemd/*.service through systemd-analyze verify, with ExecStart
# pointed at this build's binary (the unit names the installed path). verify
# exits 0 on a line it ignores, so anything it prints is a failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
for u in "$top"/contrib/systemd/*.service; do
	b=$(basename "$u")
	sed "s|/usr/local/sbin/atstrace|$top/build/bin/atstrace|g" "$u" >"$tmp/$b"
	out=$(cd "$tmp" && systemd-analyze verify --man=no "$tmp/$b" 2>&1)
	n=$((n + 1))
	if [ -n "$out" ]; then
		echo "$b: $out"
		bad=$((bad + 1))
	fi
done
echo "systemd units: $n verified, $bad with complaints"
[ "$bad" -eq 0 ] && [ "$n" -gt 0 ]
