# bench: judged only on what must hold whatever the noise; the figures are
# make bench's report (figures.sh, report.sh).
include "judge";
def ran($progs; $name): $progs | map(select(.name == $name))[0].run_cnt // 0;
def checks($run; $p; $expect):
	($run.storm | summary_record) as $st |
	check_shown("ring buffer drops in the storm"; $st.ringbuf_drops; eq(0)),
	check("flagged events reported, plus those shed, in the storm";
	      ($run.storm | records("invalidation") | length) + $st.events_shed;
	      eq([$st.devices[] | flagged] | add)),
	check("runs of the empty fentry floor"; $run.floor.programs[0].run_cnt // 0; at_least(1)),
	check_shown("runs of atstrace's submission program";
	      ran($run.stats | records("program_stats")[0].programs; "vtd_submit_fentry"); at_least(1));
