#!/bin/bash
# Per stage (trace marker to marker): the device's dones from the series'
# tracepoint by result, and the sysfs resets' outcomes -> stages.json;
# the failslab reports' stacks -> faults.json.
run=$1
dev=$(jq -rs 'add.dev' "$run/params.json")
{
	for stage in clean fault recover after; do
		awk -v s="reset-faults-stage $stage" '/reset-faults-stage / { on = index($0, s) > 0; next } on' \
			"$run/oracle.trace" |
			awk -v dev="$dev" -v stage="$stage" '
				/ dev_reset_done: / && index($0, "device=" dev " ") && / depth=0 pasid=0 / {
					r = $0; sub(/.*result=/, "", r); sub(/ .*/, "", r); n[r]++ }
				END { printf "{\"%s\":{", stage; sep = ""
				      for (k in n) { printf "%s\"%s\":%d", sep, k, n[k]; sep = "," }
				      printf "}}\n" }'
	done
} | jq -s 'add' >"$run/stages.json"
# every "forcing a failure" report and whether its stack names the function
# the filter was set to (verbose 2 dumps the stack after the report)
awk '/FAULT_INJECTION: forcing a failure/ { n++; inside[n] = 0; cur = n; next }
     cur && /__pci_dev_reset_iommu_done/ { inside[cur] = 1 }
     cur && /domain_attach_iommu/ { attach[cur] = 1 }
     END { ok = 0; at = 0; for (i = 1; i <= n; i++) { ok += inside[i]; at += attach[i] }
	   printf "{\"injected\":%d,\"below_done\":%d,\"in_domain_attach\":%d}\n", n, ok, at }' \
	"$run/dmesg-stages.txt" >"$run/faults.json"
