#!/bin/bash
# An error recovery that fails, on the series (switch machine). 0000:04:00.0
# has no driver, so when 0000:04:00.1 (QEMU device ep1f1) reports a fatal
# error, AER resets bus 4 (both functions of that NIC) and then gives up
# ("can't recover (no error_detected callback)"). Both functions must stay
# blocked in the IOMMU (ATS off, no invalidation reaches them), then:
#  - binding virtio-pci to 0000:04:00.0 is refused: a driver would see every
#    DMA fault;
#  - the VFIO user of 0000:04:00.1 closes it, VFIO resets it, that reset
#    completes and restores its DMA: ATS on, and on virtio-net it pings;
#  - 0000:04:00.0 is still blocked at the end, its window still open.
# Map/unmap traffic on 0000:04:00.1 and 0000:03:00.0 (on the other
# downstream port, outside the recovery) under atstrace --assert.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:04:00.1 nodrv=0000:04:00.0 outside=0000:03:00.0 port=ep1f1 error=MALF_TLP
bind_vfio "$dev"
bind_vfio "$outside"
sys0=/sys/bus/pci/devices/$nodrv
[ -e "$sys0/driver" ] && echo "$nodrv" >"$sys0/driver/unbind"
[ -e "$sys0/driver" ] && fail "$nodrv kept its driver"
cat >/run/tmp/work.sh <<EOT
#!/bin/bash
exec >"\$RESULTS/work.log" 2>&1
. "\$ATSTRACE_REPO/lab/guest-lib.sh"
# long enough for any kernel (the debug one is slow): stopped below, after
# the checks of the blocked state, so VFIO's reset at close comes after them
churn_start 60 $dev $outside
sleep 1
aer_inject $port $error
aer_wait_recovery
sleep 0.5
# blocked: ATS off in the device's own register
ats_ctrl $dev >"\$RESULTS/ats-blocked.txt"
# a kernel driver for the blocked function that has none: refused
echo >"$sys0/driver_override"
echo $nodrv >/sys/bus/pci/drivers_probe 2>"\$RESULTS/bind.err"
basename "\$(readlink "$sys0/driver" 2>/dev/null)" >"\$RESULTS/bind-driver.txt" 2>/dev/null
# VFIO closes $dev at the end of the traffic: its reset restores it
churn_stop
ats_ctrl $dev >"\$RESULTS/ats-restored.txt"
EOT
chmod +x /run/tmp/work.sh
oracle_start
log "atstrace --assert: AER $error on $port with $nodrv driverless, traffic on $dev and $outside"
atstrace_gate -- /run/tmp/work.sh
oracle_stop
log "after: $dev on $(bind_own_driver "$dev"), $(ats_ctrl "$dev"); $nodrv on '$(cat "$RESULTS/bind-driver.txt")'"
sleep 1
net_check after "$dev" >"$RESULTS/net-after.json"
