# inject-storm: the FLR storm without and with delays. $expect "flagged":
# in-flight-at-open counts rise; "clean" (bracketing): zero either way.
include "judge";
def checks($run; $p; $expect):
	($run.atstrace_base | summary_record) as $b | ($run.atstrace_inject | summary_record) as $i |
	($b.devices[$p.dev] // {}) as $bd | ($i.devices[$p.dev] // {}) as $id |
	# a delayed invalidation is in flight for injected_ns of the run: that
	# share of the windows should open on one, beyond what happens anyway
	(($id | windows_total) * $i.injection.injected_ns / 1e6 / ($run.flr_inject.elapsed_s * 1000)) as $extra |
	check_shown("completions delayed"; $i.injection.delayed; at_least(1)),
	check("atstrace exit, without and with injection"; [$run.rc.atstrace_base, $run.rc.atstrace_inject];
	      eq({flagged: [1, 1], clean: [0, 0]}[$expect])),
	check_shown("in flight at open, without injection"; $bd.in_flight_at_open; reported),
	check_shown("expected rise of in flight at open"; $extra | round; reported),
	if $expect == "flagged" then
		# the exposure the injection gave, before judging what it did: under
		# the all-CPU budget's 200 ms/s default it fell to ~15 and the rise
		# to a handful (4 against the floor of 5 in one make test)
		check("expected rise of in flight at open, from the delay time injected"; $extra; at_least(20)),
		check("rise of in flight at open with injection"; $id.in_flight_at_open - $bd.in_flight_at_open;
		      at_least([5, $extra / 4] | max))
	else
		check("flagged, without and with injection"; ($bd | flagged) + ($id | flagged); eq(0))
	end;
