# smmuv3: atstrace on arm64 behind QEMU's SMMUv3, which offers no ATS: the
# plan, the arm64 verifier, attaches and StreamIDs, the oracle's windows,
# and a gate that cannot pass.
include "judge";
def smmu_progs: ["smmu_submit_fentry", "smmu_complete_fexit", "smmu_attach_prepare_fexit"];
def checks($run; $p; $expect):
	($run.plan // [] | map(select(.type == "header"))[0] // {}) as $h |
	def row($t; $ev): [$h.probe_plan[]? | select(.target == $t and .event == $ev) | .status][0];
	($run.atstrace | summary_record) as $s | ($s.devices[$p.dev] // {}) as $a |
	($run.atstrace | records("attach") | map(select(.device == $p.dev))) as $att |
	($run.atstrace | records("program_stats")[0].programs // [] | by_name) as $ps |
	($run.text.verify // "" | tostring) as $vt |
	def listed($prefix): $vt | split("\n") | map(select(startswith($prefix)))[0] // "";
	check("--list-probes exit"; $run.rc.plan; eq(0)),
	check("the kernel's IOMMU driver and machine"; [$h.iommu_drivers, $h.machine];
	      eq([["arm-smmu-v3"], "aarch64"])),
	check("SMMUv3 submission and completion rows attach";
	      [row("arm_smmu_cmdq_issue_cmdlist"; "inv_submit"), row("arm_smmu_cmdq_issue_cmdlist"; "inv_complete")];
	      eq(["attach", "attach"])),
	check("the attach sequence's row attaches"; row("arm_smmu_attach_prepare"; "attach"); eq("attach")),
	# Debian builds the arm-smmu driver too: three op names twice, unhookable
	check_shown("SMMUv3 attach ops by name"; row("arm_smmu_attach_dev"; "attach"); reported),
	check("--verify exit"; $run.rc.verify; eq(0)),
	# both lists must be there to be read: a changed --verify report fails here
	check("SMMUv3 programs verified against the kernel's own functions (no stand-in, none skipped)";
	      [listed("against a stand-in") != "", listed("not verified") != "",
	       [smmu_progs[] | select(. as $n | (listed("against a stand-in") + " " + listed("not verified") + " ") |
		contains(" " + $n + " "))]]; eq([true, true, []])),
	check_shown("programs verified"; listed("verified:"); matches("^verified: [0-9]+ programs")),
	check("atsflr: every VFIO_DEVICE_RESET succeeded"; [$run.atsflr.reset.ok >= $p.min_resets, $run.atsflr.reset.failed];
	      eq([true, 0])),
	# VFIO's open blocks then attaches its domain: both through prepare
	check_shown("SMMUv3 attaches of the device"; [$att[] | select(.ret == 0) | .domain]; reported),
	check("SMMUv3 attaches: VFIO's open blocks the device, then attaches its domain";
	      [$att[] | select(.ret == 0) | .domain] | [index("blocked") != null, index("unmanaged") != null];
	      eq([true, true])),
	check("attach failures"; $a.attach_errors; eq(0)),
	check("StreamIDs atstrace did not know"; [$s.unknown_streamid, $s.health.sid_map_full]; eq([0, 0])),
	check_shown("SMMUv3 command lists: entries, returns";
	      [$ps.smmu_submit_fentry.run_cnt, $ps.smmu_complete_fexit.run_cnt]; reported),
	check("SMMUv3 command lists: some, each entry with its return";
	      [$ps.smmu_submit_fentry.run_cnt // 0] | [.[0] >= 1, .[0] == ($ps.smmu_complete_fexit.run_cnt // -1)];
	      eq([true, true])),
	# the oracle decodes every command list by opcode and StreamID (tracefs)
	($run.oracle.smmu_cmdq // {}) as $q | ($run.oracle.devices[$p.dev] // {}) as $od |
	# (a list still running when tracing stops has no return)
	check("oracle: SMMUv3 command lists probed, each with its return (one may be cut off), none failed";
	      [$q.lists >= 1, ($q.lists - $q.returns) as $d | $d == 0 or $d == 1, $q.errors, $run.oracle.smmu_cmdlist_missed];
	      eq([true, true, 0, 0])),
	check_shown("oracle: SMMUv3 commands by opcode"; $q.by_opcode; reported),
	check("oracle: commands it could not place (StreamID above 0xffff)"; $q.wide_streamids; eq(0)),
	check("oracle: no CMD_ATC_INV in any list"; $q.by_opcode.ATC_INV // 0; eq(0)),
	# nothing else submits here: the NIC is VFIO's from before the oracle
	# starts, the disk idle, the 9p share outside the DMA API
	check("SMMUv3 command lists: atstrace's program runs = the oracle's lists";
	      [$ps.smmu_submit_fentry.run_cnt // 0, $q.lists // -1]; .[0] as $n | eq([$n, $n])),
	check("StreamIDs atstrace learnt for the device: its requester ID (virt's one-to-one iommu-map)";
	      $a.streamids; eq([$p.dev | bdf_rid])),
	check("oracle: configuration invalidations (CFGI_*) naming that StreamID"; $od.smmu_cfgi; at_least(1)),
	agrees_with_oracle(""; $s; $run.oracle; $p.dev),
	oracle_kept_up($run.oracle),
	check("no ATC invalidation (no ATS behind QEMU's SMMUv3)"; $a.invalidations; eq(0)),
	check("--assert: INCONCLUSIVE, exit 3, naming the cause"; [$run.rc.atstrace, $s.verdict];
	      eq([3, "INCONCLUSIVE"])),
	check("the verdict says ATS was off"; $run.err.atstrace; matches("ATS was enabled at none of the [0-9]+ windows"));
