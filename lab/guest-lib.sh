# Helpers for the scenarios' guest scripts (bash, run chrooted into the
# host's root inside the lab VM). Sourced. $RESULTS is the results folder,
# $ATSTRACE_REPO the repository.

# the project's binaries for the guest's architecture (make builds both)
# and which IOMMU's submissions the oracle probes (by the architecture's
# argument registers): VT-d's on x86, SMMUv3's on the arm64 machine
case $(uname -m) in
aarch64) BIN=$ATSTRACE_REPO/build/arm64/bin ORACLE_IOMMU=smmuv3 ;;
*) BIN=$ATSTRACE_REPO/build/bin ORACLE_IOMMU=vtd ;;
esac
TRACEFS=/sys/kernel/tracing

log() { echo "[guest $(cut -d' ' -f1 /proc/uptime)] $*"; }

# The lab machine (lab/run.sh --machine) and its traced ATS NIC: behind the
# PCIe switch on the switch machine, below the first root port elsewhere.
MACHINE=$(sed -n 's/.*atstrace\.machine=\([^ ]*\).*/\1/p' /proc/cmdline)
case "${MACHINE:-default}" in
switch) LAB_DEV=0000:03:00.0 ;;
*) LAB_DEV=0000:01:00.0 ;;
esac
# the root port above a device (a switch's ports sit between them):
# /sys/devices/pci0000:00/<root port>/.../<device>
root_port_of() { # BDF
	readlink -f "/sys/bus/pci/devices/$1" | sed -n 's|.*/pci[0-9a-f]*:[0-9a-f]*/\([^/]*\)/.*|\1|p'
}

# params NAME=VALUE...: the run's parameters, set as shell variables for the
# script and recorded in $RESULTS/params.json, so the host's judge reads what
# the guest really used instead of repeating it (a number stays a number).
params() {
	local kv k v
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		printf -v "$k" '%s' "$v"
		if [[ $v =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then
			jq -cn --arg k "$k" --argjson v "$v" '{($k): $v}'
		else
			jq -cn --arg k "$k" --arg v "$v" '{($k): $v}'
		fi >>"$RESULTS/params.json"
	done
}
fail() { log "FAIL: $*"; exit 1; }

# kparam NAME DEFAULT: atstrace.NAME from the kernel command line (lab/run.sh
# --append, or the scenario's append file), else DEFAULT
kparam() {
	local v
	v=$(sed -n "s/.*atstrace\.$1=\([^ ]*\).*/\1/p" /proc/cmdline)
	echo "${v:-$2}"
}

# Asks the host to inject a PCIe AER error through QEMU's monitor (see
# lab/host-inject.sh) and returns once it was sent; logs the guest's clock
# then: aer_inject QEMU_DEVICE_ID ERROR [-c]
aer_inject() {
	local n i
	aer_requests=$((${aer_requests:-0} + 1))
	n=$aer_requests
	mkdir -p "$RESULTS/inject"
	echo "$*" >"$RESULTS/inject/$n.tmp"
	mv "$RESULTS/inject/$n.tmp" "$RESULTS/inject/$n.req"
	for i in $(seq 200); do
		if [ -f "$RESULTS/inject/$n.done" ]; then
			grep -q '^refused' "$RESULTS/inject/$n.done" && fail "the host refused: $*"
			log "AER error injected: $*"
			return 0
		fi
		sleep 0.05
	done
	fail "the host did not inject within 10 s: $*"
}

# Returns once the AER driver ended a recovery ("device recovery successful"
# or "failed"), or after 20 s.
aer_wait_recovery() {
	local i
	for i in $(seq 200); do
		dmesg | grep -q -E 'AER: device recovery (successful|failed)' && return 0
		sleep 0.1
	done
	log "no AER recovery ended in 20 s"
}

# atstrace --json --assert ARG... into atstrace.ndjson, .err and .rc, and a
# log line with its exit status: atstrace_gate ARG...
atstrace_gate() {
	"$BIN/atstrace" --json --assert "$@" >"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
	echo $? >"$RESULTS/atstrace.rc"
	log "done: atstrace exited $(cat "$RESULTS/atstrace.rc")"
}

# The path of the lab test module NAME built for this kernel (make lab),
# or a failed scenario: module_path NAME
module_path() {
	mod=$ATSTRACE_REPO/build/modules/$ATSTRACE_KERNEL/$1.ko
	[ -f "$mod" ] || fail "no $mod (make lab builds $1 for the kernels that have it)"
}

# Unbind a PCI device from its driver and bind it to vfio-pci.
bind_vfio() {
	local bdf=$1 dev=/sys/bus/pci/devices/$1
	[ -e "$dev" ] || fail "no PCI device $bdf"
	if [ -e "$dev/driver" ]; then
		[ "$(basename "$(readlink "$dev/driver")")" = vfio-pci ] && return 0
		echo "$bdf" >"$dev/driver/unbind"
	fi
	echo vfio-pci >"$dev/driver_override"
	echo "$bdf" >/sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$dev/driver")")" = vfio-pci ] || fail "$bdf did not bind to vfio-pci"
}

# Back to the device's own driver (no override); prints the driver's name.
bind_own_driver() { # BDF
	local dev=/sys/bus/pci/devices/$1
	[ -e "$dev/driver" ] && echo "$1" >"$dev/driver/unbind"
	echo >"$dev/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
	basename "$(readlink "$dev/driver" 2>/dev/null)"
}

# "enable=E stu=S" from the ATS capability in BDF's config space (the
# device's own register, whatever the kernel believes)
ats_ctrl() { # BDF
	local cfg=/sys/bus/pci/devices/$1/config off=256 hdr ctrl
	while [ "$off" -ne 0 ]; do
		hdr=$((0x$(od -An -tx4 -j "$off" -N4 "$cfg" | tr -d ' ')))
		if [ $((hdr & 0xffff)) -eq 15 ]; then
			ctrl=$((0x$(od -An -tx2 -j $((off + 6)) -N2 "$cfg" | tr -d ' ')))
			echo "enable=$(((ctrl >> 15) & 1)) stu=$((ctrl & 31))"
			return
		fi
		off=$((hdr >> 20))
	done
	echo "enable=none stu=none"
}

# Packets through BDF's NIC (virtio-net on its own driver): the user-mode
# gateway's ARP reply (RX) to our request (TX), then a ping. One JSON
# object {NAME: {...}} on stdout.
net_check() { # NAME BDF
	local sys=/sys/bus/pci/devices/$2 ifc ping neigh
	ifc=$(ls "$sys"/virtio*/net 2>/dev/null | head -1)
	[ -n "$ifc" ] || { echo "{\"$1\": {\"netdev\": null}}"; return; }
	ip addr flush dev "$ifc"
	ip neigh flush dev "$ifc" 2>/dev/null
	ip link set "$ifc" up
	ip addr add 10.0.2.15/24 dev "$ifc"
	busybox ping -c 3 -W 2 10.0.2.2 >/dev/null 2>&1
	ping=$?
	neigh=$(ip neigh show 10.0.2.2 dev "$ifc" | awk '{print $3}')
	jq -n --arg n "$1" --arg ifc "$ifc" --arg driver "$(basename "$(readlink "$sys/driver")")" \
		--arg ats "$(ats_ctrl "$2")" --arg lladdr "$neigh" --argjson ping $ping \
		--argjson rx "$(cat /sys/class/net/"$ifc"/statistics/rx_packets)" \
		--argjson tx "$(cat /sys/class/net/"$ifc"/statistics/tx_packets)" \
		'{($n): {netdev: $ifc, driver: $driver, ats: $ats, gateway_lladdr: $lladdr,
		         ping_exit: $ping, rx_packets: $rx, tx_packets: $tx}}'
	ip link set "$ifc" down
}

# The oracle: tracefs kprobe events (no BPF) for every IOMMU submission
# with what it carries, and each reset's start and end. A probe whose
# function this kernel lacks is skipped and not listed in oracle-probes.txt.
#  - VT-d, qi_submit_sync(iommu, desc, count, ...): descriptor qw0s, at most
#    16 a batch (QI_MAX_BATCHED_DESC_COUNT);
#  - SMMUv3, arm_smmu_cmdq_issue_cmdlist(smmu, cmdq, cmds, n, sync): each
#    command's first word (opcode, StreamID), at most 64 a list
#    (CMDQ_BATCH_ENTRIES);
# the parser reads only the first count (n) of them.
oracle_probe_table() {
	local qw="" i
	case $ORACLE_IOMMU in
	vtd)
		for i in $(seq 0 15); do qw="$qw d$i=+$((i * 32))(%si):x64"; done
		cat <<EOT
p:atsora/qisub qi_submit_sync count=%dx:u32$qw
r:atsora/qisub_r qi_submit_sync ret=\$retval:s32
EOT
		;;
	smmuv3)
		for i in $(seq 0 63); do qw="$qw d$i=+$((i * 16))(%x2):x64"; done
		cat <<EOT
p:atsora/smmucmd arm_smmu_cmdq_issue_cmdlist n=%x3:s32 sync=%x4:u8$qw
r:atsora/smmucmd_r arm_smmu_cmdq_issue_cmdlist ret=\$retval:s32
EOT
		;;
	esac
	cat <<EOT
p:atsora/flr pcie_flr bus=dev->bus->number:u8 devfn=dev->devfn:u32
r:atsora/flr_r pcie_flr ret=\$retval:s32
p:atsora/afflr pci_af_flr bus=dev->bus->number:u8 devfn=dev->devfn:u32 probe=probe:u8
r:atsora/afflr_r pci_af_flr ret=\$retval:s32
p:atsora/pm pci_pm_reset bus=dev->bus->number:u8 devfn=dev->devfn:u32 probe=probe:u8
r:atsora/pm_r pci_pm_reset ret=\$retval:s32
p:atsora/busfn pci_reset_bus_function bus=dev->bus->number:u8 devfn=dev->devfn:u32 probe=probe:u8
r:atsora/busfn_r pci_reset_bus_function ret=\$retval:s32
p:atsora/acpi pci_dev_acpi_reset bus=dev->bus->number:u8 devfn=dev->devfn:u32 probe=probe:u8
r:atsora/acpi_r pci_dev_acpi_reset ret=\$retval:s32
p:atsora/devspec pci_dev_specific_reset bus=dev->bus->number:u8 devfn=dev->devfn:u32 probe=probe:u8
r:atsora/devspec_r pci_dev_specific_reset ret=\$retval:s32
p:atsora/cxl cxl_reset_bus_function bus=dev->bus->number:u8 devfn=dev->devfn:u32 probe=probe:u8
r:atsora/cxl_r cxl_reset_bus_function ret=\$retval:s32
p:atsora/flrwrite pcie_capability_clear_and_set_word_unlocked pos=pos:s32 set=set:u16
r:atsora/devwait_r pci_dev_wait ret=\$retval:s32
p:atsora/sbr pci_reset_secondary_bus bus=dev->bus->number:u8 devfn=dev->devfn:u32 sec=dev->subordinate->number:u8 sub=dev->subordinate->busn_res.end:u64
p:atsora/sbrwait pci_bridge_wait_for_secondary_bus bus=dev->bus->number:u8 devfn=dev->devfn:u32
r:atsora/sbrwait_r pci_bridge_wait_for_secondary_bus ret=\$retval:s32
r:atsora/busreset_r pci_reset_bus ret=\$retval:s32
r:atsora/buserr_r pci_bus_error_reset ret=\$retval:s32
r:atsora/bridgereset_r pci_try_reset_bridge ret=\$retval:s32
p:atsora/rec pcie_do_recovery state=state:u32
r:atsora/rec_r pcie_do_recovery ret=\$retval:u32
p:atsora/prep pci_dev_reset_iommu_prepare bus=pdev->bus->number:u8 devfn=pdev->devfn:u32
r:atsora/prep_r pci_dev_reset_iommu_prepare ret=\$retval:s32
p:atsora/done pci_dev_reset_iommu_done bus=pdev->bus->number:u8 devfn=pdev->devfn:u32
p:atsora/doneur pci_dev_reset_iommu_done_unready bus=pdev->bus->number:u8 devfn=pdev->devfn:u32
EOT
}

oracle_start() {
	local line tp
	echo 0 >"$TRACEFS/tracing_on"
	echo >"$TRACEFS/trace"
	echo 65536 >"$TRACEFS/buffer_size_kb"
	# one clock for all CPUs (the parser orders events across CPUs by it), the
	# one BPF programs read (bpf_ktime_get_ns), so both can be compared
	echo mono >"$TRACEFS/trace_clock"
	: >"$RESULTS/oracle-probes.txt"
	while IFS= read -r line; do
		if echo "$line" >>"$TRACEFS/kprobe_events" 2>/dev/null; then
			echo "$line" >>"$RESULTS/oracle-probes.txt"
		else
			log "oracle: probe not available: ${line%% *} $(echo "$line" | cut -d' ' -f2)"
		fi
	done < <(oracle_probe_table)
	case $ORACLE_IOMMU in
	vtd) grep -q '^p:atsora/qisub ' "$RESULTS/oracle-probes.txt" ||
		fail "oracle: cannot probe qi_submit_sync" ;;
	smmuv3) grep -q '^p:atsora/smmucmd ' "$RESULTS/oracle-probes.txt" ||
		fail "oracle: cannot probe arm_smmu_cmdq_issue_cmdlist" ;;
	esac
	echo 1 >"$TRACEFS/events/atsora/enable"
	# tracepoints a scenario asks for (ORACLE_TRACEPOINTS="iommu/x ..."), in
	# the same buffer and clock; those the kernel lacks are listed as absent
	: >"$RESULTS/oracle-tracepoints.txt"
	for tp in ${ORACLE_TRACEPOINTS:-}; do
		if [ -e "$TRACEFS/events/$tp/enable" ]; then
			echo 1 >"$TRACEFS/events/$tp/enable"
			echo "$tp" >>"$RESULTS/oracle-tracepoints.txt"
		else
			log "oracle: no tracepoint $tp"
		fi
	done
	echo 1 >"$TRACEFS/tracing_on"
	# a long run (ORACLE_STREAM=1) drains the buffer into the file as it
	# goes, so the buffer's size does not bound the run (its overrun is
	# still counted)
	if [ "${ORACLE_STREAM:-0}" = 1 ]; then
		cat "$TRACEFS/trace_pipe" >"$RESULTS/oracle.trace" &
		ORACLE_PIPE_PID=$!
	fi
}

# Stops tracing and saves the trace and the per-CPU overrun counts.
oracle_stop() {
	local cpu tp i unread
	echo 0 >"$TRACEFS/tracing_on"
	echo 0 >"$TRACEFS/events/atsora/enable"
	for tp in $(cat "$RESULTS/oracle-tracepoints.txt" 2>/dev/null); do
		echo 0 >"$TRACEFS/events/$tp/enable"
	done
	unread=overrun
	if [ -n "${ORACLE_PIPE_PID:-}" ]; then
		# the reader has taken everything once no CPU's buffer holds an entry;
		# whatever it had not taken when it is stopped is lost to the file
		# and counted as overrun (what the judge's oracle_kept_up reads)
		unread=overrun-entries
		for i in $(seq 300); do
			awk '/^entries:/ { n += $2 } END { exit n > 0 }' "$TRACEFS"/per_cpu/cpu*/stats && break
			sleep 0.1
		done
		sleep 0.5
		kill "$ORACLE_PIPE_PID"
		wait "$ORACLE_PIPE_PID" 2>/dev/null
		ORACLE_PIPE_PID=
	else
		cat "$TRACEFS/trace" >"$RESULTS/oracle.trace"
	fi
	# hits a kprobe missed (nested in another kprobe handler, e.g. from an IRQ)
	cat "$TRACEFS/kprobe_profile" >"$RESULTS/oracle-kprobe-profile.txt"
	for cpu in "$TRACEFS"/per_cpu/cpu*; do
		echo "$(basename "$cpu") $(awk -v u="$unread" '/^overrun:/ { n += $2 }
			/^entries:/ && u == "overrun-entries" { n += $2 } END { print n + 0 }' "$cpu/stats")"
	done >"$RESULTS/oracle-overrun.txt"
	echo >"$TRACEFS/kprobe_events"
}

# Facts about the machine, as JSON, for the host-side check.
guest_facts() {
	local iommus groups
	iommus=$(ls /sys/class/iommu 2>/dev/null | tr '\n' ' ')
	groups=$(ls /sys/kernel/iommu_groups 2>/dev/null | wc -l)
	jq -n --arg kernel "$(uname -r)" --arg iommus "$iommus" --argjson groups "$groups" \
		--arg cmdline "$(cat /proc/cmdline)" \
		'{kernel: $kernel, iommus: ($iommus | split(" ") | map(select(. != ""))),
		  iommu_groups: $groups, cmdline: $cmdline}'
}

# Runs atstrace in the background until atstrace_stop; its NDJSON goes to
# $RESULTS/atstrace.ndjson. Waits until the programs are attached.
atstrace_start() {
	local i
	"$BIN/atstrace" --json "$@" >"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err" &
	ATSTRACE_PID=$!
	for i in $(seq 600); do
		grep -q '^atstrace: tracing' "$RESULTS/atstrace.err" && return 0
		kill -0 "$ATSTRACE_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "atstrace did not start: $(tail -1 "$RESULTS/atstrace.err")"
}

atstrace_stop() {
	kill -INT "$ATSTRACE_PID"
	wait "$ATSTRACE_PID"
	echo $? >"$RESULTS/atstrace.rc"
}

# inject_pair MIN_RESETS "INJECTION OPTIONS" ATSFLR_ARGS...: one workload
# under atstrace --assert --hist twice, as is (mode base) and with the
# injection options (mode inject): atstrace-MODE.{ndjson,err,rc}, flr-MODE.json
inject_pair() {
	local min=$1 mode args inject
	read -r -a inject <<<"$2"
	shift 2
	for mode in base inject; do
		args=()
		[ $mode = inject ] && args=("${inject[@]}")
		"$BIN/atstrace" --quiet --json --hist "${args[@]}" --assert --min-resets "$min" -- \
			"$BIN/atsflr" --output "$RESULTS/flr-$mode.json" "$@" \
			>"$RESULTS/atstrace-$mode.ndjson" 2>"$RESULTS/atstrace-$mode.err"
		echo $? >"$RESULTS/atstrace-$mode.rc"
		log "$mode: $(tail -1 "$RESULTS/atstrace-$mode.err")"
	done
}

# DMA map/unmap churn on devices already bound to vfio-pci, in the
# background: churn_start SECONDS BDF...; churn_wait saves its exit code.
churn_start() {
	local secs=$1
	shift
	"$BIN/atsflr" --mode legacy --reset none --duration "$secs" --output "$RESULTS/churn.json" \
		"$@" 2>"$RESULTS/churn.err" &
	churn_pid=$!
	vfio_wait_open "$churn_pid"
}
# Returns once process PID holds a VFIO device fd (its group is attached to
# a container, so a reset from now on cannot make that attach fail), or
# after 20 s.
vfio_wait_open() {
	local i
	for i in $(seq 200); do
		# a legacy group's device fd, or an iommufd cdev
		ls -l "/proc/$1/fd" 2>/dev/null | grep -q -e 'vfio-device' -e '/dev/vfio/devices/' &&
			return 0
		sleep 0.1
	done
	log "process $1 opened no VFIO device in 20 s"
}
churn_wait() {
	wait "$churn_pid"
	echo $? >"$RESULTS/churn.rc"
}
# Ends the traffic now (atsflr stops on SIGTERM and reports as usual).
churn_stop() {
	kill -TERM "$churn_pid" 2>/dev/null
	churn_wait
}
