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

# "enable=E stu=S" from the ATS capability in config space
ats_ctrl() {
	local off=256 hdr ctrl
	while [ "$off" -ne 0 ]; do
		hdr=$((0x$(od -An -tx4 -j "$off" -N4 "$sys/config" | tr -d ' ')))
		if [ $((hdr & 0xffff)) -eq 15 ]; then
			ctrl=$((0x$(od -An -tx2 -j $((off + 6)) -N2 "$sys/config" | tr -d ' ')))
			echo "enable=$(((ctrl >> 15) & 1)) stu=$((ctrl & 31))"
			return
		fi
		off=$((hdr >> 20))
	done
	echo "enable=none stu=none"
}
bind_virtio() {
	[ -e "$sys/driver" ] && echo "$dev" >"$sys/driver/unbind"
	echo >"$sys/driver_override"
	echo "$dev" >/sys/bus/pci/drivers_probe
	basename "$(readlink "$sys/driver")"
}
# packets through the NIC: the gateway's ARP reply (RX) to our request (TX)
net_check() { # name
	local ifc
	ifc=$(ls "$sys"/virtio*/net 2>/dev/null | head -1)
	[ -n "$ifc" ] || { echo "{\"$1\": {\"netdev\": null}}"; return; }
	ip addr flush dev "$ifc"
	ip neigh flush dev "$ifc" 2>/dev/null
	ip link set "$ifc" up
	ip addr add 10.0.2.15/24 dev "$ifc"
	busybox ping -c 3 -W 2 10.0.2.2 >/dev/null 2>&1
	local ping=$?
	local neigh
	neigh=$(ip neigh show 10.0.2.2 dev "$ifc" | awk '{print $3}')
	jq -n --arg n "$1" --arg ifc "$ifc" --arg driver "$(basename "$(readlink "$sys/driver")")" \
		--arg ats "$(ats_ctrl)" --arg lladdr "$neigh" --argjson ping $ping \
		--argjson rx "$(cat /sys/class/net/"$ifc"/statistics/rx_packets)" \
		--argjson tx "$(cat /sys/class/net/"$ifc"/statistics/tx_packets)" \
		'{($n): {netdev: $ifc, driver: $driver, ats: $ats, gateway_lladdr: $lladdr,
		         ping_exit: $ping, rx_packets: $rx, tx_packets: $tx}}'
	ip link set "$ifc" down
}

log "before: driver $(basename "$(readlink "$sys/driver")"), $(ats_ctrl)"
net_check before >"$RESULTS/net-before.json"
bind_vfio "$dev"
"$BIN/atsflr" --mode legacy --reset flr --duration 2 --output "$RESULTS/flr.json" "$dev" 2>"$RESULTS/flr.err"
echo $? >"$RESULTS/flr.rc"
"$BIN/atsflr" --mode legacy --reset hot --duration 2 --output "$RESULTS/hot.json" "$dev" 2>"$RESULTS/hot.err"
echo $? >"$RESULTS/hot.rc"
ok=0
params sysfs_resets=3
for i in $(seq "$sysfs_resets"); do echo 1 >"$sys/reset" && ok=$((ok + 1)); done
echo $ok >"$RESULTS/sysfs-resets-ok"
log "after resets: driver $(bind_virtio), $(ats_ctrl)"
sleep 1
net_check after >"$RESULTS/net-after.json"
log "done"
