#!/bin/bash
# A reset soak under atstrace --assert: many resets, each sysfs reset from a
# process of its own (every VMM thread or shell loop is a new task to the
# tracer), while a VFIO session keeps mapping, resetting (VFIO_DEVICE_RESET)
# and moving the device between iommufd IOASes; then hot resets. Whatever
# the number of tasks, atstrace's windows must equal the oracle's to the
# last reset and its books must balance. Judged on the host by checks.jq.
# Runs under single-threaded TCG (./tcg): with QEMU 7.2's multi-threaded TCG
# one soak in four hung on a lost timer wakeup (an idle vCPU's timer never
# fired: RCU stall, a reset asleep in msleep() for good); single-threaded,
# the soak also ran faster here (300 s against 365-460 s).
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0 sysfs_resets=1200
bind_vfio "$dev"
# the command atstrace --assert runs; its output is not atstrace's
cat >/run/tmp/soak.sh <<EOT
#!/bin/bash
exec >"\$RESULTS/soak.log" 2>&1
. "\$ATSTRACE_REPO/lab/guest-lib.sh"
"\$BIN/atsflr" --mode iommufd --reset-interval 1s --replace-interval 20ms --rate 50 \
	--duration 1200 --output "\$RESULTS/churn.json" $dev 2>"\$RESULTS/churn.err" &
churn=\$!
vfio_wait_open \$churn
ok=0
for i in \$(seq $sysfs_resets); do
	sh -c 'echo 1 >/sys/bus/pci/devices/$dev/reset' 2>>"\$RESULTS/sysfs.err" && ok=\$((ok + 1))
done
echo \$ok >"\$RESULTS/sysfs-resets-ok"
kill -INT \$churn
wait \$churn
echo \$? >"\$RESULTS/churn.rc"
"\$BIN/atsflr" --mode legacy --reset hot --rate 50 --duration 2 --output "\$RESULTS/hot.json" $dev
EOT
chmod +x /run/tmp/soak.sh
oracle_start
log "atstrace --assert: $sysfs_resets sysfs resets from separate processes, VFIO FLRs, replaces, hot resets"
"$BIN/atstrace" --json --assert --min-resets "$sysfs_resets" -- /run/tmp/soak.sh \
	>"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
oracle_stop
log "done: atstrace exited $(cat "$RESULTS/atstrace.rc"), $(cat "$RESULTS/sysfs-resets-ok") sysfs resets"
