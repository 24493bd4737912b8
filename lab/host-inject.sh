#!/bin/bash
# The host's side of the lab's error injection, beside one QEMU run: the
# guest (aer_inject in guest-lib.sh) writes a request into its results
# folder, inject/N.req, holding "DEVICE ERROR [-c]" (a QEMU device id such
# as up0 or ep0, an AER error name such as MALF_TLP or a hex status, -c for
# a correctable one); this sends "pcie_aer_inject_error [-c] DEVICE ERROR"
# to QEMU's monitor and answers with inject/N.done (the host time it was
# sent). The monitor's replies are kept in monitor.txt.
#
#   host-inject.sh OUT_DIR MONITOR_DIR   (MONITOR_DIR holds mon.in, mon.out)
#
# Runs until killed (run.sh kills it when QEMU exits).
set -u
out=$1 mon=$2
cat "$mon/mon.out" >>"$out/monitor.txt" &
drain=$!
trap 'kill $drain 2>/dev/null' EXIT
trap exit TERM
# the monitor's FIFO stays open for writing: one open for the whole run
exec 3>"$mon/mon.in"
while sleep 0.1; do
	for req in "$out"/inject/*.req; do
		[ -f "$req" ] || continue
		read -r dev err flag <"$req" || true
		done=${req%.req}.done
		if ! [[ $dev =~ ^[a-z][a-z0-9]*$ && $err =~ ^([A-Z_]+|0x[0-9a-f]+)$ &&
			${flag:-} =~ ^(-c)?$ ]]; then
			echo "refused: $(head -c 100 "$req")" >"$done"
			mv "$req" "$req.refused"
			continue
		fi
		echo "pcie_aer_inject_error ${flag:-} $dev $err" >&3
		mv "$req" "$req.sent"
		date +%s.%N >"$done"
	done
done
