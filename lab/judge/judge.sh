#!/bin/bash
# Judges one lab run: reads the oracle's traces, loads the run's files by
# convention and evaluates the scenario's list of checks
# (scenarios/SCENARIO/checks.jq) with the predicates of lab/judge/judge.jq.
# Prints the verdict object {verdict, reason, observed, expected, checks}.
#
#   judge.sh RUN_DIR SCENARIO [EXPECT]
#
# What a checks.jq sees, as $run (file name without extension, '-' -> '_'):
#   $run.NAME     NAME.json (one document; several: an array), NAME.ndjson
#                 (the array of its records)
#   $run.rc.NAME  NAME.rc as a number;  $run.err.NAME  NAME.err as text
#   $run.text.NAME  NAME.txt or a file without extension, as text (a number
#                 when it is one)
#   $run.params   what guest.sh recorded with `param` (params.json), also $p
# and $expect, what e2e.list expects of this kernel ("" when nothing).
# Before loading, every oracle*.trace is read by atsoracle into
# oracle*.json (oracle.trace with atstrace.ndjson as the second observer),
# a scenario's derive.sh, if it has one, may write further files from
# the raw traces, and schema-check.py validates every atstrace NDJSON stream
# (schema-check.json; a check of every scenario that has one).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"

[ $# -ge 2 ] || die "usage: judge.sh RUN_DIR SCENARIO [EXPECT]"
run=$1 scenario=$2 expect=${3:-}
sdir=$top/scenarios/$scenario
[ -f "$sdir/checks.jq" ] || die "judge: scenario $scenario has no checks.jq"

for t in "$run"/oracle*.trace; do
	[ -f "$t" ] || continue
	observer=()
	[ "$t" = "$run/oracle.trace" ] && [ -f "$run/atstrace.ndjson" ] &&
		observer=(--observer "$run/atstrace.ndjson")
	"$top/build/bin/atsoracle" "$t" "${observer[@]}" >"${t%.trace}.json" ||
		die "judge: atsoracle could not read $(basename "$t")"
done
if [ -x "$sdir/derive.sh" ]; then
	"$sdir/derive.sh" "$run" || die "judge: $scenario/derive.sh failed"
fi
# every atstrace NDJSON stream of the run, against the published schema
"$top/lab/judge/schema-check.py" "$top/docs/atstrace.schema.json" "$run" >"$run/schema-check.json" ||
	die "judge: schema-check.py failed (python3-jsonschema missing? make deps)"

args=()
for f in "$run"/*; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	key=${b%.*}
	key=${key//-/_}
	case $b in
	verdict.json | status | *.trace | *.log) continue ;;
	*.ndjson) args+=(--slurpfile "ndjson:$key" "$f") ;;
	*.json) args+=(--slurpfile "json:$key" "$f") ;;
	*.rc) args+=(--rawfile "rc:$key" "$f") ;;
	*.err) args+=(--rawfile "err:$key" "$f") ;;
	*.txt) args+=(--rawfile "text:$key" "$f") ;;
	*.*) continue ;;
	*) args+=(--rawfile "text:$key" "$f") ;;
	esac
done

jq -n -L "$top/lab/judge" -L "$sdir" --arg expect "$expect" "${args[@]}" '
	include "checks"; include "judge";
	load_run as $run | ($run.params // {}) as $p |
	[checks($run; $p; $expect), schema_checks($run)] | flatten as $checks |
	verdict($checks)'
