#!/bin/bash
# kill -9 of atstrace in the middle of an injection: within a second the
# programs are gone (links die with the process; nothing is pinned) and the
# unmap latency is back to its baseline.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0 delay_ms=1
bind_vfio "$dev"
# BPF links in the guest (atstrace is the only BPF user here) and our programs
links() { bpftool link show 2>/dev/null | grep -c -E '^[0-9]+: ' || true; }
progs() { bpftool prog show 2>/dev/null | grep -c -E 'vtd_submit|vtd_complete|method_|attach_exit|bus_end' || true; }
"$BIN/atsflr" --reset none --rate 300 --duration 2 --output "$RESULTS/flr-before.json" "$dev"
# every completion delayed: 300 unmaps/s of 1 ms is over the 200 ms/s default budgets
"$BIN/atstrace" --quiet --inject-delay "${delay_ms}ms" --inject-budget 500ms --inject-total-budget 500ms \
	--inject-device "$dev" >/dev/null 2>"$RESULTS/atstrace.err" &
pid=$!
for i in $(seq 600); do grep -q '^atstrace: tracing' "$RESULTS/atstrace.err" && break; sleep 0.1; done
"$BIN/atsflr" --reset none --rate 300 --duration 2 --output "$RESULTS/flr-during.json" "$dev"
echo "$(links)" >"$RESULTS/links-during"
kill -9 $pid
t0=$(date +%s%N)
# latency right after the kill: a half-second run that starts at once
"$BIN/atsflr" --reset none --rate 300 --duration 500ms --output "$RESULTS/flr-after.json" "$dev"
while [ "$(links)" != 0 ] && [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 10000 ]; do sleep 0.05; done
echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$RESULTS/detach-ms"
echo "$(links)" >"$RESULTS/links-after"
while [ "$(progs)" != 0 ] && [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 20000 ]; do sleep 0.2; done
echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$RESULTS/freed-ms"
echo "$(progs)" >"$RESULTS/progs-after"
