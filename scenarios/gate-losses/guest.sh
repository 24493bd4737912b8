#!/bin/bash
# Every table and slot atstrace keeps, too small on purpose
# (ATSTRACE_TEST_LIMITS): two functions reset in turn, then a hot reset, under
# map/unmap traffic and --hist. Each loss the kernel side meets is counted
# and named, and the run is INCONCLUSIVE, never a PASS. Judged on the host
# by checks.jq.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params f0=0000:01:00.0 f1=0000:01:00.1 \
	limits=counts=1,windows=1,bus_slots=0,inflight_slots=0,hists=1
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
