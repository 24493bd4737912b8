#!/bin/bash
# Smoke: the lab works on this kernel. The IOMMU is on, the ATS device binds
# to vfio-pci, the FLR storm runs with ATS enabled, and the oracle records
# device-TLB invalidations to it. Judged on the host by checks.jq.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
guest_facts >"$RESULTS/facts.json"
bind_vfio "$dev"
oracle_start
# atstrace (the static CO-RE binary) counts the same invalidations as the
# oracle: it runs inside the oracle's span and around the whole workload.
atstrace_start --quiet
log "atsflr: 3 s FLR storm on $dev"
"$BIN/atsflr" --duration 3 --output "$RESULTS/atsflr.json" "$dev" 2>"$RESULTS/atsflr.err"
echo $? >"$RESULTS/atsflr.rc"
atstrace_stop
oracle_stop
log "done"
