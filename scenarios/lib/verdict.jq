# jq helpers shared by the scenarios' check.sh (jq -L scenarios/lib).

# The object every check.sh prints: pass when nothing went wrong.
def verdict($bad; $ok; $obs; $exp):
	{verdict: (if ($bad | length) == 0 then "pass" else "fail" end),
	 reason: (if ($bad | length) == 0 then $ok else ($bad | join("; ")) end),
	 observed: $obs, expected: $exp};

# Invalidation descriptors two observers may count differently because one of
# them missed whole qi_submit_sync calls: a kprobe hit nested in another
# handler (the oracle) or a BPF program nested in itself (atstrace). A call
# carries 16 descriptors at most.
def missed_slack($oracle; $summary):
	16 * (($oracle.qi_submit_missed // 0) + ($summary.submit_recursion_misses // 0));
