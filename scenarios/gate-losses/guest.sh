#!/bin/bash
# Every table and slot atstrace keeps, too small on purpose
# (ATSTRACE_TEST_LIMITS): two functions reset in turn, then a hot reset, under
# map/unmap traffic and --hist. Each loss the kernel side meets is counted
# and named, and the run is INCONCLUSIVE, never a PASS. Then the same for
# the lean VT-d hook's loss (no --hist). Judged on the host by checks.jq.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params f0=0000:01:00.0 f1=0000:01:00.1 \
	limits=counts=1,windows=1,bus_slots=0,inflight_slots=0,hists=1 lean_limits=vtd_units=0
bind_vfio "$f0"
bind_vfio "$f1"
cat >/run/tmp/work.sh <<EOT
#!/bin/bash
exec >"\$RESULTS/work.log" 2>&1
. "\$ATSTRACE_REPO/lab/guest-lib.sh"
for f in $f0 $f1; do
	"\$BIN/atsflr" --mode legacy --reset-device \$f --duration 2 $f0 $f1 || exit
done
"\$BIN/atsflr" --mode legacy --reset hot --duration 2 --output "\$RESULTS/hot.json" $f0 $f1
EOT
chmod +x /run/tmp/work.sh
log "atstrace --assert with ATSTRACE_TEST_LIMITS=$limits"
ATSTRACE_TEST_LIMITS=$limits "$BIN/atstrace" --json --hist --assert -- /run/tmp/work.sh \
	>"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
log "done: atstrace exited $(cat "$RESULTS/atstrace.rc")"

# the lean VT-d hook's own loss: a unit whose queue it will not read (past
# the units it keeps), so what is in flight there at a window's opening is
# unseen. Without --hist, FLRs of one function under traffic.
log "atstrace --assert (lean hook) with ATSTRACE_TEST_LIMITS=$lean_limits"
ATSTRACE_TEST_LIMITS=$lean_limits "$BIN/atstrace" --json --assert -- \
	"$BIN/atsflr" --mode legacy --duration 2 --output "$RESULTS/lean-flr.json" "$f0" \
	>"$RESULTS/atstrace-lean.ndjson" 2>"$RESULTS/atstrace-lean.err"
echo $? >"$RESULTS/atstrace-lean.rc"
log "done: atstrace (lean) exited $(cat "$RESULTS/atstrace-lean.rc")"
