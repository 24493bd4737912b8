#!/bin/bash
# atsflr itself: its error handling (exit 2 with a clear message before
# anything is opened) and each of its modes: legacy container, iommufd cdev,
# hot reset, IOAS replace during resets. Judged on the host by checks.jq.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
cases=$RESULTS/cases.ndjson
: >"$cases"

# run NAME ARGS...: runs atsflr, records exit code, stderr and report
run() {
	local name=$1 rc
	shift
	"$BIN/atsflr" "$@" >"$RESULTS/$name.json" 2>"$RESULTS/$name.err"
	rc=$?
	[ -s "$RESULTS/$name.json" ] || echo null >"$RESULTS/$name.json"
	jq -cn --arg name "$name" --argjson rc "$rc" --arg err "$(head -c 400 "$RESULTS/$name.err")" \
		--slurpfile report "$RESULTS/$name.json" \
		'{name: $name, rc: $rc, stderr: $err, report: $report[0]}' >>"$cases"
	log "case $name: exit $rc"
}

run no_such_device --duration 1 0000:09:1f.7
run bad_bdf --duration 1 01:00
run bad_option --frobnicate "$dev"
run not_vfio --duration 1 "$dev"   # before it is bound to vfio-pci
bind_vfio "$dev"
run legacy --mode legacy --duration 2 "$dev"
run iommufd --mode iommufd --duration 2 "$dev"
run hot_reset --mode legacy --reset hot --duration 2 "$dev"
run replace --mode iommufd --replace-interval 1ms --reset-interval 5ms --duration 2 "$dev"
[ -e /dev/iommu ] && echo true >"$RESULTS/has_iommufd" || echo false >"$RESULTS/has_iommufd"
