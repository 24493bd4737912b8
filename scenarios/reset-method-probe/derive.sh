#!/bin/bash
# Brackets and attaches of the task probing (bash; VFIO may reset too), between the markers.
run=$1
dev=$(jq -rs 'add.dev' "$run/params.json")
awk '/probe-start/ { on = 1; next } /probe-end/ { on = 0 } on && $1 ~ /^bash-/' "$run/oracle.trace" |
	awk -v dev="$dev" -f "$(dirname "$0")/../../lab/judge/reset-trace.awk" >"$run/probing.json"
