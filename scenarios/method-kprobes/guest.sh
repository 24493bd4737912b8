#!/bin/bash
# The reset methods by kprobe (the plan's fallback for a method the kernel
# has only as an LTO-renamed copy, name.llvm.N): ATSTRACE_TEST_KPROBE_METHODS
# makes the plan take it for every method, on its own name. Then the FLR
# storm and sysfs resets under atstrace --assert: the windows must be the
# oracle's, as with trampolines. Judged on the host by checks.jq.
# Single-threaded TCG (./tcg): one multi-threaded run hung silently at its
# first sysfs reset (no console message; the cause was not found), as the
# reset soak's did on a lost timer wakeup; single-threaded runs passed.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0 sysfs_resets=20
export ATSTRACE_TEST_KPROBE_METHODS=1
bind_vfio "$dev"
"$BIN/atstrace" --list-probes >"$RESULTS/probes.txt" 2>"$RESULTS/probes.err"
cat >/run/tmp/work.sh <<EOT
#!/bin/bash
exec >"\$RESULTS/work.log" 2>&1
. "\$ATSTRACE_REPO/lab/guest-lib.sh"
for i in \$(seq $sysfs_resets); do
	echo 1 >/sys/bus/pci/devices/$dev/reset || exit
done
"\$BIN/atsflr" --duration 3 --output "\$RESULTS/atsflr.json" $dev
EOT
chmod +x /run/tmp/work.sh
oracle_start
log "atstrace --assert, reset methods by kprobe: $sysfs_resets sysfs resets, 3 s FLR storm on $dev"
atstrace_gate --min-resets "$sysfs_resets" -- /run/tmp/work.sh
oracle_stop
