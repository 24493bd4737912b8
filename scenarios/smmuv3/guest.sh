#!/bin/bash
# atstrace on arm64 behind QEMU's SMMUv3 (the arm64 machine). No QEMU
# release emulates ATS behind an SMMUv3, so no ATC invalidation can exist
# here: what can be shown is everything around it. The plan takes the
# SMMUv3 rows and every program loads through the arm64 verifier; during a
# VFIO FLR storm the device's SMMUv3 attaches and StreamID are seen, reset
# windows match the oracle's, and --assert refuses to pass a run that could
# prove nothing about ATC invalidations.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=$LAB_DEV min_resets=5
guest_facts >"$RESULTS/facts.json"
dmesg | grep -i -E 'smmu|iommu' >"$RESULTS/dmesg-iommu.txt"
# the SMMUv3 driver's functions as this kernel has them (symbols and BTF)
grep -E ' arm_smmu_' /proc/kallsyms >"$RESULTS/smmu-kallsyms.txt"
bpftool btf dump file /sys/kernel/btf/vmlinux format raw 2>/dev/null |
	grep -E "FUNC 'arm_smmu_" >"$RESULTS/smmu-btf.txt"
"$BIN/atstrace" --list-probes --json >"$RESULTS/plan.ndjson" 2>"$RESULTS/plan.err"
echo $? >"$RESULTS/plan.rc"
"$BIN/atstrace" --verify >"$RESULTS/verify.txt" 2>&1
echo $? >"$RESULTS/verify.rc"
log "plan: exit $(cat "$RESULTS/plan.rc"); verify: exit $(cat "$RESULTS/verify.rc")"
bind_vfio "$dev"
oracle_start
log "atstrace --assert: 3 s FLR storm on $dev"
atstrace_gate --min-resets "$min_resets" --stats -- \
	"$BIN/atsflr" --mode legacy --duration 3 --output "$RESULTS/atsflr.json" "$dev"
oracle_stop
