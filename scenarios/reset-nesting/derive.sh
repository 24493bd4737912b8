#!/bin/bash
# Each stage's trace (marker to marker): the module's own reset events (a VFIO
# close may reset the device too), every task's invalidations.
run=$1
dev=$(jq -rs 'add.dev' "$run/params.json")
for stage in nest unbalanced; do
	awk -v s="atsnest-stage $stage" '/atsnest-stage / { on = index($0, s) > 0; next } on' "$run/oracle.trace" |
		awk '!/ (prep|prep_r|done|flr|flr_r|attach_device_to_domain|dev_reset_[a-z_]*): / || $1 ~ /^insmod-/' |
		awk -v dev="$dev" -f "$(dirname "$0")/../../lab/judge/reset-trace.awk" >"$run/stage-$stage.json"
done
