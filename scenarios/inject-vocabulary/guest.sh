#!/bin/bash
# --inject-delay in the kernel's fault-injection vocabulary, on VFIO unmaps
# at a fixed rate (one thread, no resets: the eligible completions come in
# one order): space and interval pick exactly the calls they name, times
# caps them, a seed makes --inject-prob's choices repeat (and another seed
# choose others), --inject-comm and --inject-cgroup select by task, -v gives
# each injection record a stack, and bad values exit 2. Every delayed
# completion is an "injection" record.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=$LAB_DEV delay_us=50 space=100 interval=4 times=50 prob=0.3 seed=11 seed_times=40
bind_vfio "$dev"
# NAME WORKLOAD-BINARY ATSTRACE-OPTIONS...: 2 s of unmaps at 400/s
inject_run() {
	local name=$1 flr=$2
	shift 2
	"$BIN/atstrace" --json --inject-delay "${delay_us}us" --inject-device "$dev" "$@" \
		--assert --min-resets 0 -- "$flr" --reset none --rate 400 --duration 2 "$dev" \
		>"$RESULTS/atstrace-$name.ndjson" 2>"$RESULTS/atstrace-$name.err"
	echo $? >"$RESULTS/atstrace-$name.rc"
	log "$name: $(grep -c '"type":"injection"' "$RESULTS/atstrace-$name.ndjson") injections"
}
inject_run interval "$BIN/atsflr" -v --inject-space "$space" --inject-interval "$interval" \
	--inject-times "$times"
inject_run seed_a "$BIN/atsflr" --inject-prob "$prob" --inject-seed "$seed" --inject-times "$seed_times"
inject_run seed_b "$BIN/atsflr" --inject-prob "$prob" --inject-seed "$seed" --inject-times "$seed_times"
inject_run seed_c "$BIN/atsflr" --inject-prob "$prob" --inject-seed $((seed + 1)) \
	--inject-times "$seed_times"
# the same workload under another name: its task is "atsother"
ln -sf "$BIN/atsflr" /run/tmp/atsother
inject_run comm_other /run/tmp/atsother --inject-comm atsflr
inject_run comm_self /run/tmp/atsother --inject-comm atsother
# a cgroup of its own: the workload inside it, then outside it
mkdir -p /run/tmp/cg
mount -t cgroup2 none /run/tmp/cg
mkdir -p /run/tmp/cg/atsinj
cat >/run/tmp/in-cgroup.sh <<EOT
#!/bin/sh
echo \$\$ >/run/tmp/cg/atsinj/cgroup.procs && exec "$BIN/atsflr" "\$@"
EOT
chmod +x /run/tmp/in-cgroup.sh
inject_run cgroup_in /run/tmp/in-cgroup.sh --inject-cgroup /run/tmp/cg/atsinj
inject_run cgroup_out "$BIN/atsflr" --inject-cgroup /run/tmp/cg/atsinj
# bad values: exit 2 with a message, before anything is attached
"$BIN/atstrace" --inject-delay 50us --inject-cgroup /run/tmp -d 1 2>"$RESULTS/bad_cgroup.err"
echo $? >"$RESULTS/bad_cgroup.rc"
"$BIN/atstrace" --inject-delay 50us --inject-interval 0 -d 1 2>"$RESULTS/bad_interval.err"
echo $? >"$RESULTS/bad_interval.rc"
