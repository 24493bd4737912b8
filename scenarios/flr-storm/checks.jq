# flr-storm: atstrace --assert --hist around the FLR storm. $expect: "flagged"
# (invalidations reach the device in its windows) or "clean" (bracketed).
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | ($s.devices[$p.dev] // {}) as $a |
	($run.atstrace | records("invalidation") | map(select(.device == $p.dev))) as $ev |
	check_shown("atstrace exit"; $run.rc.atstrace; eq({flagged: 1, clean: 0}[$expect])),
	agrees_with_oracle(""; $s; $run.oracle; $p.dev),
	only($expect; "flagged"; check("in-window invalidations"; $a.in_window; at_least(1))),
	only($expect; "flagged"; check("flagged events with a stack"; $ev | map(select(.stack)) | length; at_least(1))),
	only($expect; "clean"; check("flagged invalidations"; $a | flagged; eq(0))),
	check("reset windows"; $a | windows_total; at_least($p.min_resets)),
	# on a kernel that brackets resets: none (or the rest of one after an
	# early done) ran outside a bracket with ATS on; elsewhere never counted
	check("unbracketed resets"; $a.unbracketed_resets; eq(0)),
	check("latency histogram samples"; [$run.atstrace | records("hist")[] |
		select(.device == $p.dev and .hist == "inv_latency") | .buckets[].count] | add // 0;
	      eq($a.submissions)),
	check("flagged events reported, plus those shed"; ($ev | length) + $s.events_shed; eq($a | flagged)),
	no_ringbuf_drops($s),
	oracle_kept_up($run.oracle),
	check_shown("atstrace verdict"; $s.verdict; reported);
