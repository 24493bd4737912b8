#!/bin/bash
# After resets the device is healthy: 0000:01:00.0 (virtio-net, ATS) goes
# through VFIO FLRs, hot resets and sysfs resets, then back to its own
# driver; ATS must be enabled again with the STU it had, and the NIC must
# move packets (ARP to QEMU's user-mode gateway, then ping). The same
# checks run once before any reset, so a broken lab shows up as such.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
sys=/sys/bus/pci/devices/$dev

log "before: driver $(basename "$(readlink "$sys/driver")"), $(ats_ctrl "$dev")"
net_check before "$dev" >"$RESULTS/net-before.json"
bind_vfio "$dev"
"$BIN/atsflr" --mode legacy --reset flr --duration 2 --output "$RESULTS/flr.json" "$dev" 2>"$RESULTS/flr.err"
echo $? >"$RESULTS/flr.rc"
"$BIN/atsflr" --mode legacy --reset hot --duration 2 --output "$RESULTS/hot.json" "$dev" 2>"$RESULTS/hot.err"
echo $? >"$RESULTS/hot.rc"
ok=0
params sysfs_resets=3
for i in $(seq "$sysfs_resets"); do echo 1 >"$sys/reset" && ok=$((ok + 1)); done
echo $ok >"$RESULTS/sysfs-resets-ok"
log "after resets: driver $(bind_own_driver "$dev"), $(ats_ctrl "$dev")"
sleep 1
net_check after "$dev" >"$RESULTS/net-after.json"
log "done"
