#!/bin/bash
# AER fatal-error recovery of an endpoint behind the switch (switch machine):
# the error is reported by 0000:04:00.1 (QEMU device ep1f1), so recovery runs
# below its downstream port dn1: a secondary bus reset of bus 4, both
# functions of that NIC. 0000:03:00.0, on the other downstream port, is
# outside the recovery: it must not be in its window. Otherwise as
# aer-recovery, whose script and checks this scenario shares.
AER_DEV=0000:04:00.1 AER_PORT=ep1f1 AER_OUTSIDE=0000:03:00.0 \
	exec /bin/bash "$ATSTRACE_REPO/scenarios/aer-recovery/guest.sh"
