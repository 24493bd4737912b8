#!/bin/bash
# What the task writing reset_method (the guest's bash) did between the
# probe markers (a VFIO open or close may reset the device meanwhile): its
# brackets and attaches, from the oracle's trace.
run=$1
dev=$(jq -rs 'add.dev' "$run/params.json")
awk '/probe-start/ { on = 1; next } /probe-end/ { on = 0 } on && $1 ~ /^bash-/' "$run/oracle.trace" |
	awk -v dev="$dev" -f "$(dirname "$0")/../../lab/judge/reset-trace.awk" >"$run/probing.json"
