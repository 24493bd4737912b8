#!/bin/bash
# Each function's brackets in stages A (with function 1's invalidations) and B.
run=$1
awk=$(dirname "$0")/../../lab/judge/reset-trace.awk
read -r f0 f1 < <(jq -rs 'add | "\(.f0) \(.f1)"' "$run/params.json")
awk -v dev="$f0" -v other="$f1" -f "$awk" "$run/oracle-a.trace" >"$run/reset-trace-a.json"
awk -v dev="$f0" -f "$awk" "$run/oracle.trace" >"$run/reset-trace-b-f0.json"
awk -v dev="$f1" -f "$awk" "$run/oracle.trace" >"$run/reset-trace-b-f1.json"
