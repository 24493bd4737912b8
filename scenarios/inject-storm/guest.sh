#!/bin/bash
# The FLR storm without and then with delay injection, in one boot, under
# atstrace --assert. Delayed completions stay in flight longer, so on a
# kernel that does not drain them before the window opens, many more are
# in flight when a reset starts; a bracketing kernel drains them first.
set -u
. "$ATSTRACE_REPO/scenarios/lab/guest-lib.sh"

# Unmaps at 100/s (a realistic rate, not flat out): without injection a
# submission is seldom in flight when a reset starts; delaying each by 5 ms
# keeps one in flight about half the time (the 500 ms/s budget's limit).
dev=0000:01:00.0
bind_vfio "$dev"
for mode in base inject; do
	args=()
	[ $mode = inject ] && args=(--inject-cap 5ms --inject-delay 5ms --inject-budget 500ms
				    --inject-device "$dev")
	"$BIN/atstrace" --quiet --json --hist "${args[@]}" --assert --min-resets 5 -- \
		"$BIN/atsflr" --rate 100 --duration 8 --output "$RESULTS/flr-$mode.json" "$dev" \
		>"$RESULTS/atstrace-$mode.ndjson" 2>"$RESULTS/atstrace-$mode.err"
	echo $? >"$RESULTS/atstrace-$mode.rc"
	log "$mode: $(tail -1 "$RESULTS/atstrace-$mode.err")"
done
