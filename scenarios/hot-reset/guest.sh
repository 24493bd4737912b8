#!/bin/bash
# Bus resets under map/unmap traffic, traced by atstrace and the oracle:
# VFIO_DEVICE_PCI_HOT_RESET (a secondary bus reset of the port above the
# machine's ATS NIC) in a loop for 3 s, then the reset_subordinate of the
# root port above it written a few times while the traffic goes on. Behind
# the switch that resets the whole switch: its ports are restored top down
# before the devices below them. Upstream brackets neither; the series in
# kernel-patch/ brackets both.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=$LAB_DEV subordinate_writes=5
params port="$(root_port_of "$dev")"
bind_vfio "$dev"
# the workload atstrace --assert runs: hot resets, then reset_subordinate
# under churn that is attached before the first write
cat >/run/tmp/bus-resets.sh <<EOT
#!/bin/bash
. "\$ATSTRACE_REPO/lab/guest-lib.sh"
"\$BIN/atsflr" --mode legacy --reset hot --duration 3 --output "\$RESULTS/atsflr.json" $dev || exit \$?
churn_start 3 $dev
ok=0
for i in \$(seq $subordinate_writes); do
	sleep 0.3
	# the kernel only trylocks the bus: "busy, try again" (EAGAIN) is retried
	for try in 1 2 3; do
		if echo 1 2>>"\$RESULTS/subordinate.err" >/sys/bus/pci/devices/$port/reset_subordinate; then
			ok=\$((ok + 1))
			break
		fi
		tail -1 "\$RESULTS/subordinate.err" | grep -q "temporarily unavailable" || break
		sleep 0.05
	done
done
churn_wait
echo \$ok >"\$RESULTS/subordinate-ok"
EOT
chmod +x /run/tmp/bus-resets.sh
oracle_start
log "atstrace --assert: 3 s hot-reset storm on $dev, then reset_subordinate of $port"
"$BIN/atstrace" --json --assert --min-resets 3 -- /run/tmp/bus-resets.sh \
	>"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
oracle_stop
log "done: atstrace exited $(cat "$RESULTS/atstrace.rc")"
