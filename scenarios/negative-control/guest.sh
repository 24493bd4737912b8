#!/bin/bash
# Negative control: fio keeps the ATS disk (0000:02:00.0) busy while the other
# ATS device (0000:01:00.0) is reset in a loop. atstrace must flag none of the
# disk's invalidations: its windows belong to 01:00.0 only.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0 disk=0000:02:00.0
blk=$(basename "$(ls -d /sys/bus/pci/devices/$disk/virtio*/block/* 2>/dev/null | head -1)")
[ -n "$blk" ] || fail "no block device on $disk"
bind_vfio "$dev"
oracle_start
atstrace_start --quiet
log "fio on /dev/$blk while $dev is reset"
fio --name=ats --filename="/dev/$blk" --direct=1 --rw=randrw --bs=4k --iodepth=8 \
	--ioengine=psync --numjobs=1 --time_based --runtime=4 --output-format=json \
	--output=/run/tmp/fio.json &
fio_pid=$!
"$BIN/atsflr" --duration 3 --output "$RESULTS/atsflr.json" "$dev" 2>"$RESULTS/atsflr.err"
wait $fio_pid
echo $? >"$RESULTS/fio.rc"
cp /run/tmp/fio.json "$RESULTS/fio.json"
atstrace_stop
oracle_stop
log "done"
