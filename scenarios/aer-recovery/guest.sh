#!/bin/bash
# AER fatal-error recovery behind a PCIe switch (switch machine): map/unmap
# traffic on 0000:03:00.0 (vfio-pci) under atstrace --assert, then the host
# injects a fatal uncorrectable error (Malformed TLP) on the switch's
# upstream port through QEMU's monitor. The AER driver recovers by resetting
# the root port's secondary bus: the switch and every device below it.
# Judged on the host by checks.jq, with the recovery time taken from dmesg.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

# aer-endpoint runs this script with the error on an endpoint instead
params dev="${AER_DEV:-0000:03:00.0}" port="${AER_PORT:-up0}" error=MALF_TLP
params outside="${AER_OUTSIDE:-}"
# every function below the switch on vfio-pci, which handles AER (virtio-pci
# has no error_detected callback: recovery would fail on it), all under
# map/unmap traffic
fns=(0000:03:00.0 0000:04:00.0 0000:04:00.1)
for f in "${fns[@]}"; do
	bind_vfio "$f"
done
cat >/run/tmp/work.sh <<EOT
#!/bin/bash
exec >"\$RESULTS/work.log" 2>&1
. "\$ATSTRACE_REPO/lab/guest-lib.sh"
churn_start 6 ${fns[*]}
sleep 1
aer_inject $port $error
aer_wait_recovery
churn_wait
EOT
chmod +x /run/tmp/work.sh
oracle_start
log "atstrace --assert: AER $error on $port under traffic on $dev"
atstrace_gate -- /run/tmp/work.sh
oracle_stop
# After recovery: each endpoint's own ATS enable (config space, still on
# vfio-pci), then the NIC back on its driver must move packets.
for f in "${fns[@]}"; do
	jq -n --arg f "$f" --arg ats "$(ats_ctrl "$f")" '{($f): $ats}'
done | jq -s add >"$RESULTS/ats-after.json"
log "after recovery: $dev on $(bind_own_driver "$dev"), $(ats_ctrl "$dev")"
sleep 1
net_check after "$dev" >"$RESULTS/net-after.json"
