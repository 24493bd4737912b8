#!/bin/bash
# An FLR that no traced reset method brackets (atsbareflr.ko writes
# Initiate FLR itself, as a caller with pcie_flr() inlined into it would),
# during VFIO map/unmap traffic, after one sysfs reset that goes through
# the methods, under atstrace --assert --fail-unbracketed. Without
# bracketing the FLR's window goes unseen: the run must be INCONCLUSIVE and
# say so (before flr_unhooked it was a PASS). With bracketing it is an
# unbracketed reset: FAIL. Judged on the host by checks.jq.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
module_path atsbareflr
bind_vfio "$dev"
cat >/run/tmp/work.sh <<EOT
#!/bin/bash
exec >"\$RESULTS/work.log" 2>&1
. "\$ATSTRACE_REPO/lab/guest-lib.sh"
# the sysfs reset first, on an idle device: nothing of it to flag
echo 1 >/sys/bus/pci/devices/$dev/reset
echo \$? >"\$RESULTS/sysfs.rc"
# then map/unmap traffic, so the run has invalidations, and the bare FLR
churn_start 4 $dev
insmod "$mod" bdf=$dev
echo \$? >"\$RESULTS/insmod.rc"
rmmod atsbareflr
churn_wait
EOT
chmod +x /run/tmp/work.sh
log "atstrace --assert --fail-unbracketed: one sysfs reset, one FLR outside any reset method"
atstrace_gate --fail-unbracketed -- /run/tmp/work.sh
