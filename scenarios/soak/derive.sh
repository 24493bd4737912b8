#!/bin/bash
# The brackets of each device from the series' tracepoints in the oracle's
# trace (the RID's events, pasid=0): prepares and dones by result, and the
# depth after the last one -> brackets.json ({} on a kernel without them).
run=$1
awk '/ dev_reset_(prepare|done): / && / pasid=0 / {
	ev = $0; sub(/.* dev_reset_/, "", ev); sub(/:.*/, "", ev)
	dev = $0; sub(/.*device=/, "", dev); sub(/ .*/, "", dev)
	depth = $0; sub(/.*depth=/, "", depth); sub(/ .*/, "", depth)
	res = $0; sub(/.*result=/, "", res); sub(/ .*/, "", res)
	devs[dev] = 1
	if (res == 0) ok[dev, ev]++; else bad[dev, ev]++
	if (res == -22) unbalanced[dev]++
	last[dev] = depth
     }
     END { printf "{"; sep = ""
	   for (d in devs) {
		printf "%s\"%s\":{\"prepare\":%d,\"prepare_failed\":%d,\"done\":%d,\"done_failed\":%d,\"unbalanced_done\":%d,\"depth_at_end\":%d}",
		       sep, d, ok[d, "prepare"], bad[d, "prepare"], ok[d, "done"], bad[d, "done"], unbalanced[d], last[d]
		sep = ","
	   }
	   print "}" }' "$run/oracle.trace" >"$run/brackets.json"
