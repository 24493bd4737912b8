# bench: judged on what must hold whatever the tracing costs (its targets
# are make bench's report, not checks): every run ran, the figures the
# report prints are the rows' own, and on the icount machine the untraced
# runs repeat.
include "judge";
def part($p; $name): $p.parts | split(",") | index($name) != null;
def checks($run; $p; $expect):
	($run.bench // []) as $rows |
	($p.modes | split(",")) as $modes |
	if part($p; "throughput") then
		check("throughput runs (rounds x modes)"; $rows | length; eq($p.rounds * ($modes | length))),
		check("runs that unmapped nothing"; [$rows[] | select((.unmaps // 0) == 0)] | length; eq(0)),
		# the spread the report prints, recomputed from the untraced rows
		([$rows[] | select(.mode == "none") | .unmaps_per_s] |
		 if length < 2 then null else (max - min) / (add / length) end) as $spread |
		check("untraced spread reported = recomputed from the rows";
		      $run.figures.deterministic.untraced_spread.unmaps; eq($spread)),
		if $p.machine == "icount" then
			check_shown("untraced spread on instruction time, % (goal: at most 1)";
			            if $spread == null then null else $spread * 100 end; at_most(1))
		else empty end
	else empty end,
	if part($p; "stats") then
		check("runs of the empty fentry floor";
		      [$run.stats[] | select(.mode == "floor") | .programs[0].run_cnt // 0] | min; at_least(1)),
		# atstrace: the lean tracepoint; --inflight calls: the fentry
		check_shown("runs of atstrace's submission program (lean tracepoint)";
		      [$run.stats[] | select(.mode == "atstrace") | .programs[] |
		       select(.name == "vtd_submit_tp") | .run_cnt] | min; at_least(1)),
		check("runs of the submission program of atstrace --inflight calls";
		      [$run.stats[] | select(.mode == "calls") | .programs[] |
		       select(.name == "vtd_submit_fentry") | .run_cnt] | min; at_least(1))
	else empty end,
	if part($p; "memlock") then
		check("atstrace's locked map memory, reported (bytes)";
		      [$run.memlock[] | .bytes_memlock] | min; at_least(1))
	else empty end,
	if part($p; "storm") then
		($run.storm | summary_record) as $st |
		check_shown("ring buffer drops in the storm"; $st.ringbuf_drops; eq(0)),
		check("flagged events reported, plus those shed, in the storm";
		      ($run.storm | records("invalidation") | length) + $st.events_shed;
		      eq([$st.devices[] | flagged] | add))
	else empty end;
