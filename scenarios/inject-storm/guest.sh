#!/bin/bash
# The FLR storm without and then with delay injection, in one boot, under
# atstrace --assert. Delayed completions stay in flight longer, so on a
# kernel that does not drain them before the window opens, many more are
# in flight when a reset starts; a bracketing kernel drains them first.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

# Unmaps at 100/s (a realistic rate, not flat out): without injection a
# submission is seldom in flight when a reset starts; delaying each by 5 ms
# keeps one in flight about half the time. That takes the per-CPU and the
# all-CPU budgets at their 500 ms/s limit: under the all-CPU default of
# 200 ms/s the rise expected fell to a handful, and one run in make test
# fell short of the judge's floor by one.
params dev=0000:01:00.0 delay_ms=5 min_resets=5
bind_vfio "$dev"
inject_pair "$min_resets" "--inject-cap ${delay_ms}ms --inject-delay ${delay_ms}ms --inject-budget 500ms --inject-total-budget 500ms --inject-device $dev" \
	--rate 100 --duration 8 "$dev"
