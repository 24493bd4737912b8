#!/bin/bash
# The trace of each stage (from its marker to the next one), keeping of the
# reset events only the module's own (a VFIO close may reset the device
# meanwhile) and the invalidations of every task.
run=$1
dev=$(jq -rs 'add.dev' "$run/params.json")
for stage in nest unbalanced; do
	awk -v s="atsnest-stage $stage" '/atsnest-stage / { on = index($0, s) > 0; next } on' "$run/oracle.trace" |
		awk '!/ (prep|prep_r|done|flr|flr_r|attach_device_to_domain|dev_reset_[a-z_]*): / || $1 ~ /^insmod-/' |
		awk -v dev="$dev" -f "$(dirname "$0")/../../lab/judge/reset-trace.awk" >"$run/stage-$stage.json"
done
