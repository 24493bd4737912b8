#!/bin/bash
# Boots one lab kernel in QEMU (TCG) and runs one scenario in it.
#
#   run.sh [--machine M] [--timeout S] [--expect X] [--out DIR] [--append ARGS]
#          KERNEL SCENARIO
#
# KERNEL is a name under build/kernels (lab-6.12, lab-6.12-vanilla,
# debian-6.12, debian-upstream, debian-6.12-arm64). SCENARIO is a folder under scenarios/ with a
# guest.sh (runs in the guest) and a checks.jq (its list of checks, judged
# on the host by lab/judge/judge.sh; --expect says what this kernel should
# show). Machines: default (intel-iommu, legacy mode), scalable (scalable
# mode), smp4 (default with four vCPUs), multifunction (two ATS functions in
# one slot), switch (three ATS functions behind a PCIe switch, AER on), amd
# (amd-iommu: DMA remapping and VFIO work, but its guest driver never
# enables ATS), icount (default with one vCPU on QEMU's instruction
# counter: guest time advances with the instructions the guest runs, so a
# CPU- and IOMMU-bound loop takes the same guest time whatever the host
# does; make bench's deterministic mode), arm64 (QEMU's virt board with an
# SMMUv3, for arm64 kernels: the guest runs in its own arm64 root, see
# lab/arm64-rootfs.sh). --append adds kernel parameters.
#
# Writes DIR/verdict.json and exits 0 pass, 1 fail, 77 skip, 2 tool error.
# A guest still running at the timeout is killed and the scenario fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"

machine=default
timeout=240 timeout_set=0
expect=
out=
append=
while [ $# -gt 0 ]; do
	case "$1" in
	--machine) machine=$2; shift 2 ;;
	--timeout) timeout=$2; timeout_set=1; shift 2 ;;
	--expect) expect=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	-*) die "run.sh: unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || die "usage: run.sh [--machine M] [--timeout S] [--out DIR] KERNEL SCENARIO"
kernel=$1
scenario=$2
sdir=$top/scenarios/$scenario
[ -f "$sdir/guest.sh" ] && [ -f "$sdir/checks.jq" ] || die "run.sh: no scenario '$scenario'"
# a scenario that runs longer than the default says so in its folder
[ "$timeout_set" = 1 ] || [ ! -f "$sdir/timeout" ] || timeout=$(cat "$sdir/timeout")
if [ -z "$out" ]; then
	out=$top/build/results/runs/$scenario@$kernel
	[ "$machine" = default ] || out=$out+$machine
fi
rm -rf "$out" && mkdir -p "$out"

verdict() { # verdict reason [observed-json]
	jq -n --arg s "$scenario" --arg k "$kernel" --arg m "$machine" --arg v "$1" \
		--arg r "$2" --argjson obs "${3:-{\}}" --arg dir "${out#"$top"/}" \
		--argjson secs "$SECONDS" \
		--argjson bf "${boot_failures:-0}" \
		'{scenario: $s, kernel: $k, machine: $m, verdict: $v, reason: $r,
		  observed: $obs, expected: {}, seconds: $secs, results: $dir,
		  boot_failures: $bf}' >"$out/verdict.json"
}

kdir=$top/build/kernels/$kernel
if [ -f "$kdir.skip" ]; then
	verdict skip "$(cat "$kdir.skip")"
	progress "SKIP $scenario on $kernel: $(cat "$kdir.skip")"
	exit 77
fi
[ -e "$kdir" ] || die "run.sh: kernel $kernel is not available (run 'make kernel lab')"
# a lab build's image (x86 bzImage, arm64 Image), else a Debian package's
kimage=$kdir/vmlinuz
for f in bzImage Image; do [ ! -e "$kdir/$f" ] || kimage=$kdir/$f; done
initrd=$top/build/lab/initramfs-$kernel.cpio.gz
if [ ! -f "$initrd" ] || [ "$top/lab/init" -nt "$initrd" ] ||
   [ "$top/lab/initramfs.sh" -nt "$initrd" ]; then
	"$top/lab/initramfs.sh" "$kernel" >/dev/null
fi

iommu="intel-iommu,intremap=on,device-iotlb=on"
iommu_cmdline="intel_iommu=on"
karch=$(jq -r '.arch // "x86"' "$kdir/info.json" 2>/dev/null || echo x86)
if [ "$machine" = arm64 ] && [ "$karch" != arm64 ]; then
	die "run.sh: the arm64 machine boots arm64 kernels; $kernel is $karch"
elif [ "$machine" != arm64 ] && [ "$karch" = arm64 ]; then
	die "run.sh: $kernel is an arm64 kernel: use --machine arm64"
fi
qemu=(qemu-system-x86_64 -machine q35,kernel-irqchip=split -cpu max)
console=ttyS0 guestroot=()
# x-speed=5: QEMU 7.2 root ports never report Data Link Layer Link Active
# after a secondary bus reset, so a kernel that sees a port faster than
# 5 GT/s fails every bus reset with -ENOTTY; at 5 GT/s it polls the device.
devs=(-device pcie-root-port,id=rp1,chassis=1,slot=1,x-speed=5)
cpus=2 tcg=multi
icount=() ICOUNT_SHIFT=${ICOUNT_SHIFT:-3}
case "$machine" in
icount)
	# One vCPU (icount needs single-threaded TCG; see make bench in the
	# README for two). shift=3 (ICOUNT_SHIFT): one instruction is 8 ns of
	# guest time, about the pace TCG runs here, so the guest's clock and
	# the host's roughly agree; sleep=off: an idle guest's clock jumps to
	# its next timer at once instead of waiting in host time.
	cpus=1 tcg=single
	icount=(-icount "shift=$ICOUNT_SHIFT,sleep=off")
	devs+=(-netdev user,id=n0,restrict=on
	       -device virtio-net-pci,bus=rp1,addr=0.0,netdev=n0,disable-legacy=on,iommu_platform=on,ats=on)
	;;
smp4)
	# The default machine with four vCPUs: every CPU can submit at once.
	# QEMU 7.2's multi-threaded TCG crashed (SIGSEGV) in one of three such
	# runs on this 2-core host, as the programs attached; single-threaded
	# TCG runs the four vCPUs in turn, which is all this machine needs.
	cpus=4 tcg=single
	devs+=(-netdev user,id=n0,restrict=on
	       -device virtio-net-pci,bus=rp1,addr=0.0,netdev=n0,disable-legacy=on,iommu_platform=on,ats=on)
	;;
default | scalable)
	[ "$machine" = scalable ] && iommu="$iommu,x-scalable-mode=on"
	devs+=(-netdev user,id=n0,restrict=on
	       -device virtio-net-pci,bus=rp1,addr=0.0,netdev=n0,disable-legacy=on,iommu_platform=on,ats=on)
	;;
arm64)
	# QEMU's virt board with an SMMUv3 in front of its PCIe root bus and
	# GICv3; the same root ports and NIC (ATS capability on the device,
	# but no QEMU SMMUv3 offers ATS: IDR0.ATS is never set). The guest
	# runs in its own arm64 root (lab/arm64-rootfs.sh), not the host's.
	qemu=(qemu-system-aarch64 -machine virt,iommu=smmuv3,gic-version=3 -cpu cortex-a72)
	iommu= iommu_cmdline= console=ttyAMA0
	guestroot=(-virtfs "local,path=$("$top/lab/arm64-rootfs.sh"),mount_tag=guestroot,security_model=none,readonly=on,multidevs=remap")
	devs+=(-netdev user,id=n0,restrict=on
	       -device virtio-net-pci,bus=rp1,addr=0.0,netdev=n0,disable-legacy=on,iommu_platform=on,ats=on)
	;;
amd)
	iommu="amd-iommu,device-iotlb=on,intremap=on"
	iommu_cmdline=""
	devs+=(-netdev user,id=n0,restrict=on
	       -device virtio-net-pci,bus=rp1,addr=0.0,netdev=n0,disable-legacy=on,iommu_platform=on,ats=on)
	;;
switch)
	# A PCIe switch below rp1: upstream port up0 (bus 2) with downstream
	# ports dn0 (bus 3: one ATS NIC, 0000:03:00.0) and dn1 (bus 4: a
	# two-function ATS NIC, 0000:04:00.0 and .1), AER on every function.
	# The guest asks the host for AER errors (aer_inject in guest-lib.sh).
	ats_nic=disable-legacy=on,iommu_platform=on,ats=on,aer=on
	devs+=(-device x3130-upstream,id=up0,bus=rp1
	       -device xio3130-downstream,id=dn0,bus=up0,chassis=3,slot=0
	       -device xio3130-downstream,id=dn1,bus=up0,chassis=3,slot=1
	       -netdev user,id=n0,restrict=on -netdev user,id=n1,restrict=on
	       -netdev user,id=n2,restrict=on
	       -device "virtio-net-pci,id=ep0,bus=dn0,addr=0.0,netdev=n0,$ats_nic"
	       -device "virtio-net-pci,id=ep1,bus=dn1,addr=0.0,multifunction=on,netdev=n1,$ats_nic"
	       -device "virtio-net-pci,id=ep1f1,bus=dn1,addr=0.1,netdev=n2,$ats_nic")
	;;
multifunction)
	devs+=(-netdev user,id=n0,restrict=on -netdev user,id=n1,restrict=on
	       -device virtio-net-pci,bus=rp1,addr=0.0,multifunction=on,netdev=n0,disable-legacy=on,iommu_platform=on,ats=on
	       -device virtio-net-pci,bus=rp1,addr=0.1,netdev=n1,disable-legacy=on,iommu_platform=on,ats=on)
	;;
*) die "run.sh: unknown machine '$machine'" ;;
esac
# a scenario that needs single-threaded TCG says so in its folder
[ ! -f "$sdir/tcg" ] || tcg=$(cat "$sdir/tcg")
case "$tcg" in single | multi) ;; *) die "run.sh: $sdir/tcg: '$tcg' is not single or multi" ;; esac

# The fio disk: an ATS virtio-blk behind its own root port, never reset.
# Not on the amd machine: behind QEMU 7.2's AMD IOMMU the disk's first read
# (the partition scan in virtio_blk's probe) never completes.
# QEMU's monitor, on a pair of FIFOs only run.sh and lab/host-inject.sh use:
# the guest's AER injection requests (results folder, inject/) go there.
mon=$(mktemp -d /tmp/atstrace-mon.XXXXXX)
mkfifo "$mon/mon.in" "$mon/mon.out"
disk=
trap 'rm -rf "$mon"; [ -z "$disk" ] || rm -f "$disk"' EXIT
if [ "$machine" != amd ]; then
	disk=$(mktemp /tmp/atstrace-disk.XXXXXX)
	truncate -s 256M "$disk"
	devs+=(-device pcie-root-port,id=rp2,chassis=2,slot=2,x-speed=5
	       -drive "file=$disk,if=none,id=d0,format=raw,cache=unsafe"
	       -device virtio-blk-pci,bus=rp2,drive=d0,disable-legacy=on,iommu_platform=on,ats=on)
fi

cmdline="console=$console $iommu_cmdline iommu.strict=1 panic=-1 oops=panic"
cmdline+=" atstrace.repo=$top atstrace.scenario=$scenario atstrace.kernel=$kernel"
cmdline+=" atstrace.machine=$machine"
[ ${#guestroot[@]} -eq 0 ] || cmdline+=" atstrace.guestroot=1"
[ "$machine" != icount ] || cmdline+=" atstrace.icount_shift=$ICOUNT_SHIFT"
# kernel parameters a scenario always needs, from its folder
[ ! -f "$sdir/append" ] || cmdline+=" $(cat "$sdir/append")"
[ -z "$append" ] || cmdline+=" $append"

# A kernel splat anywhere in the log fails the scenario, whatever it measured.
splat_re='WARNING:|BUG:|Oops|kernel BUG at|general protection fault|Kernel panic|'
splat_re+='possible circular locking|possible recursive locking|INFO: possible|'
splat_re+='soft lockup|hard LOCKUP|rcu: INFO|self-detected stall|blocked for more than|'
splat_re+='UBSAN:|KASAN:|DMAR: DRHD: handling fault|DMAR: .*timeout'

progress "lab: $scenario on $kernel ($machine machine), timeout ${timeout}s"
start=$SECONDS
boot_failures=0 int3_oopses=0 qemu_crashes=0 silent_hangs=0
# A kernel that dies before the scenario starts ran no test: boot it once
# more and say so in the verdict. Debian's 7.2 also oopses, now and then, on
# an int3 left by live text patching (ftrace, static keys: "Oops: int3" in
# __schedule and the like), before or while the scenario runs: QEMU's
# multi-threaded TCG can run a stale translation of a patched instruction on
# the other vCPU. No kernel here patches text through int3 for any other
# reason, so such a run is repeated once, its first log kept in attempt-1/
# and the verdict says so; so is a run whose QEMU itself crashed (SIGSEGV,
# SIGABRT: the emulator's fault, not the kernel's or the tool's). Any other
# crash fails the scenario.
for attempt in 1 2; do
	set +e
	"$top/lab/host-inject.sh" "$out" "$mon" &
	injector=$!
	timeout --signal=KILL "$timeout" "${qemu[@]}" \
		-accel "tcg,thread=$tcg" -smp "$cpus" -m 2048 \
		${icount[@]+"${icount[@]}"} \
		-nodefaults -nographic -no-reboot \
		${iommu:+-device "$iommu"} "${devs[@]}" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		${guestroot[@]+"${guestroot[@]}"} \
		-virtfs "local,path=$out,mount_tag=results,security_model=none,multidevs=remap" \
		-kernel "$kimage" -initrd "$initrd" -append "$cmdline" \
		-serial "file:$out/console.log" -monitor none \
		-chardev "pipe,id=mon0,path=$mon/mon" -mon chardev=mon0,mode=readline \
		>"$out/qemu.log" 2>&1
	qrc=$?
	kill "$injector" 2>/dev/null
	wait "$injector" 2>/dev/null
	set -e
	if [ $attempt = 1 ] && { [ $qrc = 134 ] || [ $qrc = 139 ]; }; then
		qemu_crashes=1
		mkdir -p "$out/attempt-1"
		find "$out" -mindepth 1 -maxdepth 1 ! -name attempt-1 -exec mv -t "$out/attempt-1" {} +
		progress "lab: QEMU itself crashed (exit $qrc): running it once more"
		continue
	fi
	# A guest that stopped dead (killed at the timeout, not one kernel
	# message: no stall, lockup or hung-task report, its files half
	# written) is the emulator's: multi-threaded TCG has lost timer wakeups
	# here. Once more, and the verdict says so; a hang that repeats fails.
	if [ $attempt = 1 ] && [ $qrc = 137 ] && ! grep -q -E "$splat_re" "$out/console.log"; then
		silent_hangs=1
		mkdir -p "$out/attempt-1"
		find "$out" -mindepth 1 -maxdepth 1 ! -name attempt-1 -exec mv -t "$out/attempt-1" {} +
		progress "lab: the guest stopped dead with no kernel message (TCG): running it once more"
		continue
	fi
	if [ $attempt = 1 ] && grep -q 'Oops: int3' "$out/console.log"; then
		int3_oopses=1
		mkdir -p "$out/attempt-1"
		find "$out" -mindepth 1 -maxdepth 1 ! -name attempt-1 -exec mv -t "$out/attempt-1" {} +
		progress "lab: the guest oopsed on a text-patching int3 (TCG): running it once more"
		continue
	fi
	grep -q "^lab-init: running $scenario" "$out/console.log" && break
	[ $attempt = 2 ] && break
	boot_failures=$((boot_failures + 1))
	mv "$out/console.log" "$out/console-boot-failure-$attempt.log"
	progress "lab: the guest died before the scenario started ($(grep -m1 -E 'Oops|BUG:|panic' \
		"$out/console-boot-failure-$attempt.log" || echo 'no kernel message')); booting again"
done
progress "lab: guest ran $((SECONDS - start)) s"

# A scenario that provokes a kernel warning on purpose lists its lines in
# scenarios/S/splats (one ERE each): they are not splats, and its checks
# count them.
expected_splats=$top/scenarios/$scenario/splats
if splat=$(cat "$out/console.log" "$out/dmesg.txt" 2>/dev/null |
	   if [ -f "$expected_splats" ]; then grep -v -E -f "$expected_splats"; else cat; fi |
	   grep -m1 -E "$splat_re"); then
	verdict fail "kernel log: $splat"
	exit 1
fi

if [ $qrc = 137 ]; then
	verdict fail "guest hung: killed at the ${timeout}s timeout$([ $silent_hangs = 0 ] || echo ', twice')"
	exit 1
fi
if [ ! -f "$out/status" ]; then
	verdict fail "guest did not finish the scenario (qemu exit $qrc; see console.log)"
	exit 1
fi

status=$(cat "$out/status")
if [ "$status" != 0 ]; then
	verdict fail "guest script exited $status: $(grep -m1 FAIL "$out/guest.log" || tail -1 "$out/guest.log")"
	exit 1
fi

# what the judge needs to know of the machine (edge_gap_bound_ms in judge.jq)
jq -n --arg m "$machine" --argjson c "$cpus" --arg t "$tcg" --argjson i ${#icount[@]} \
	'{machine: $m, cpus: $c, tcg: $t, icount: ($i > 0)}' >"$out/machine.json"
if ! judged=$("$top/lab/judge/judge.sh" "$out" "$scenario" "$expect" 2>"$out/judge.err"); then
	verdict fail "judge failed: $(head -c 300 "$out/judge.err")"
	exit 1
fi
if ! jq -e '.verdict' <<<"$judged" >/dev/null 2>&1; then
	verdict fail "the judge gave no verdict: $(head -c 300 "$out/judge.err")"
	exit 1
fi
kinfo=$(jq -c . "$kdir/info.json" 2>/dev/null || echo null)
jq --arg s "$scenario" --arg k "$kernel" --arg m "$machine" --arg dir "${out#"$top"/}" \
	--argjson secs "$SECONDS" --argjson bf "$boot_failures" --argjson i3 "$int3_oopses" \
	--argjson ki "$kinfo" --argjson qc "$qemu_crashes" --argjson sh "$silent_hangs" \
	--arg e "$expect" \
	'{scenario: $s, kernel: $k, machine: $m, expect: $e, kernel_info: $ki} + . +
	 {seconds: $secs, results: $dir, boot_failures: $bf, int3_oops_reruns: $i3,
	  qemu_crash_reruns: $qc, silent_hang_reruns: $sh} |
	 if $sh > 0 then .reason += " (second attempt: the first stopped dead with no kernel message, kept in attempt-1/)" else . end |
	 if $qc > 0 then .reason += " (second attempt: QEMU itself crashed the first time, kept in attempt-1/)" else . end |
	 if $bf > 0 then .reason += " (after \($bf) boot failure before the scenario started)" else . end |
	 if $i3 > 0 then .reason += " (second attempt: the first hit a TCG text-patching int3 oops, kept in attempt-1/)" else . end' \
	<<<"$judged" >"$out/verdict.json"
v=$(jq -r .verdict "$out/verdict.json")
progress "lab: $scenario on $kernel: $v: $(jq -r .reason "$out/verdict.json")"
case "$v" in
pass) exit 0 ;;
skip) exit 77 ;;
*) exit 1 ;;
esac
