#!/bin/bash
# make soak: the soak scenario for SOAK_MINUTES (default 30) on the debug
# kernel, with the guest's progress lines shown as they come.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"
cd "$top"

minutes=${SOAK_MINUTES:-30}
[[ $minutes =~ ^[1-9][0-9]*$ ]] || die "soak: SOAK_MINUTES must be a whole number of minutes, not '$minutes'"
kernel=lab-6.12-debug
out=build/results/runs/soak@$kernel
progress "soak: the debug kernels (cached: seconds; cold: ~25 min on 2 cores)"
KERNEL_FLAVOR=debug lab/kernel/build.sh
make -s lab
lab/initramfs.sh $kernel >/dev/null
progress "soak: $minutes min on $kernel (switch machine); progress every minute"
rm -rf "$out"
lab/run.sh --machine switch --timeout $((minutes * 60 + 900)) --out "$out" \
	--append "atstrace.soak_duration=$((minutes * 60)) atstrace.soak_interval=10 atstrace.soak_sample=10 atstrace.soak_debug=1" \
	$kernel soak &
run=$!
shown=0
while kill -0 $run 2>/dev/null; do
	sleep 10
	if [ -f "$out/progress.log" ]; then
		n=$(wc -l <"$out/progress.log")
		[ "$n" -le "$shown" ] || {
			tail -n +$((shown + 1)) "$out/progress.log" | head -n $((n - shown)) |
				while IFS= read -r l; do progress "$l"; done
			shown=$n
		}
	fi
done
wait $run
