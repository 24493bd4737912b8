#!/bin/bash
# The device's brackets, FLRs and driver attaches, from the oracle's trace.
run=$1
dev=$(jq -rs 'add.dev' "$run/params.json")
awk -v dev="$dev" -f "$(dirname "$0")/../../lab/judge/reset-trace.awk" "$run/oracle.trace" \
	>"$run/reset-trace.json"
