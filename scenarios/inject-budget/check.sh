#!/bin/bash
# Host-side judge of inject-budget. Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
jq -n -L "$(dirname "$0")/../lib" --slurpfile ev "$run/atstrace.ndjson" --argjson elapsed "$(cat "$run/elapsed-ms")" \
	--slurpfile small "$run/atstrace-small.ndjson" --argjson elapsed_small "$(cat "$run/elapsed-small-ms")" \
	--argjson cpus "$(cat "$run/cpus")" \
	--argjson rc "$(cat "$run/atstrace.rc")" --slurpfile flr "$run/flr.json" 'include "verdict";
	
	($ev | map(select(.type == "summary")) | .[0].injection) as $inj |
	($small | map(select(.type == "summary")) | .[0].injection) as $sm |
	{
	  atstrace_exit: $rc, delayed: $inj.delayed, injected_ms: ($inj.injected_ns / 1e6),
	  over_budget: $inj.over_budget, elapsed_ms: $elapsed, cpus: $cpus,
	  budget_ms: (500 * $cpus * (($elapsed / 1000 | ceil) + 1) + 10 * $cpus),
	  resets_ok: $flr[0].reset.ok,
	  small_budget: {delayed: $sm.delayed, over_budget: $sm.over_budget, elapsed_ms: $elapsed_small,
	                 max_delays: (2 * $cpus * (($elapsed_small / 1000 | ceil) + 1))}
	} as $obs |
	{injected_ms: "<= budget_ms", resets_ok: "> 0",
	 small_budget: "delayed <= max_delays (2 per CPU per second), over_budget > 0",
	 kernel_log: "no soft lockup, RCU stall or hung task (checked by the runner)"} as $exp |
	[ (if $obs.delayed < 1 then "nothing was delayed" else empty end),
	  (if $obs.injected_ms > $obs.budget_ms then "injected \($obs.injected_ms) ms, over the budget \($obs.budget_ms) ms" else empty end),
	  (if $obs.resets_ok < 1 then "no reset succeeded" else empty end),
	  (if $obs.small_budget.over_budget < 1 or $obs.small_budget.delayed > $obs.small_budget.max_delays or $obs.small_budget.delayed < 1 then "a 20 ms budget did not bind: \($obs.small_budget)" else empty end),
	  (if $obs.atstrace_exit == 2 then "atstrace failed" else empty end)
	] as $bad |
	verdict($bad; "\($obs.delayed) completions delayed 10 ms, \($obs.injected_ms | round) ms in \($obs.elapsed_ms) ms on \($obs.cpus) CPUs ; a 20 ms/s budget admitted \($obs.small_budget.delayed) and refused \($obs.small_budget.over_budget); no lockup, stall or hung task"; $obs; $exp)'
