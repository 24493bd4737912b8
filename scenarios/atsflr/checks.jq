# atsflr: the workload's error handling and every mode the kernel offers
# (kernels without iommufd must refuse those modes with exit 2).
include "judge";
def ran($name; $case; $what):
	check("\($name): exit"; $case.rc; eq(0)),
	check_shown("\($name): \($what)"; $case.report | [.reset.ok, .unmap.ok] | min; at_least(1));
def checks($run; $p; $expect):
	($run.cases | by_name) as $c | $run.text.has_iommufd as $iommufd |
	refused("missing device"; $c.no_such_device; "no such PCI device"),
	refused("malformed BDF"; $c.bad_bdf; "BDF"),
	refused("unknown option"; $c.bad_option; "unknown option"),
	refused("device not on vfio-pci"; $c.not_vfio; "vfio-pci"),
	ran("legacy container"; $c.legacy; "resets and unmaps"),
	check("hot reset: exit"; $c.hot_reset.rc; eq(0)),
	check_shown("hot reset: resets"; $c.hot_reset.report.reset.ok; at_least(1)),
	check_shown("kernel has iommufd"; $iommufd; reported),
	if $iommufd then
		ran("iommufd cdev"; $c.iommufd; "resets and unmaps"),
		check("IOAS replace: exit"; $c.replace.rc; eq(0)),
		check("IOAS replace: replaces"; $c.replace.report.replace.ok; at_least(1))
	else
		refused("iommufd cdev without iommufd"; $c.iommufd; "iommufd"),
		check("IOAS replace without iommufd: exit"; $c.replace.rc; eq(2))
	end;
