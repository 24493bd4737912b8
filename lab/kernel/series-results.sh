#!/bin/bash
# Prints the lab's results for the series as a plain-text table (for the
# cover letter, lines under 72 columns): per scenario and kernel that
# exercises the bracketing, the verdict and the run's own reason.
# Usage: series-results.sh build/results/e2e.json [build/results/e2e-debug.json]
set -euo pipefail
jq -rs '
	def series: ["flr-storm", "inject-storm", "hot-reset", "attach-during-reset", "group-reset",
	             "reset-nesting", "reset-method-probe", "post-reset-health", "aer-recovery", "aer-endpoint",
	             "aer-failed", "smoke"];
	[.[].runs[] | select(.scenario as $s | series | index($s))] |
	sort_by((.scenario as $s | series | index($s)), .kernel) | .[] |
	"\(.scenario)\t\(.kernel)\(if (.machine // "default") != "default" then " (" + .machine + ")" else "" end)\t\(.verdict | ascii_upcase)\t\(.reason)"' "$@" |
	while IFS=$'\t' read -r scen kern verdict reason; do
		printf '%-20s %-30s %s\n' "$scen" "$kern" "$verdict"
		echo "$reason" | fold -s -w 66 | sed 's/^/    /; s/ *$//'
	done
