#!/bin/bash
# Delay injection is real: VFIO unmaps at a fixed rate (no resets), first
# traced only, then with --inject-delay; the completion latency (atsflr's
# own unmap timing, and atstrace's histogram) moves by the requested delay,
# and atstrace delays exactly as many completions as asked (--inject-max).
set -u
. "$ATSTRACE_REPO/scenarios/lab/guest-lib.sh"

dev=0000:01:00.0
delay=${INJECT_DELAY:-200us}
bind_vfio "$dev"
# 400 unmaps/s x 200 us stays inside the default budget (200 ms per CPU per second)
for mode in base inject; do
	args=()
	[ $mode = inject ] && args=(--inject-delay "$delay" --inject-device "$dev" --inject-max 1000)
	"$BIN/atstrace" --quiet --json --hist "${args[@]}" --assert --min-resets 0 -- \
		"$BIN/atsflr" --reset none --rate 400 --duration 4 --output "$RESULTS/flr-$mode.json" "$dev" \
		>"$RESULTS/atstrace-$mode.ndjson" 2>"$RESULTS/atstrace-$mode.err"
	echo $? >"$RESULTS/atstrace-$mode.rc"
	log "$mode: $(tail -1 "$RESULTS/atstrace-$mode.err")"
done
echo "$delay" >"$RESULTS/delay"
