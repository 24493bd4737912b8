#!/bin/bash
# Delay injection is real: VFIO unmaps at a fixed rate (no resets), first
# traced only, then with --inject-delay; the completion latency (atsflr's
# own unmap timing, and atstrace's histogram) moves by the requested delay,
# and atstrace delays exactly as many completions as asked (--inject-max).
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0 delay_us=200 inject_max=1000
bind_vfio "$dev"
# 400 unmaps/s x 200 us stays inside the default budget (200 ms per CPU per second)
inject_pair 0 "--inject-delay ${delay_us}us --inject-device $dev --inject-max $inject_max" \
	--reset none --rate 400 --duration 4 "$dev"
