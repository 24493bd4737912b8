// SPDX-License-Identifier: GPL-2.0
/*
 * Lab-only test module for the reset-bracketing series: drives
 * pci_dev_reset_iommu_prepare()/done() directly on one device, in the ways
 * PCI reset methods cannot be made to in QEMU (an outer bracket around an
 * FLR, as device-specific resets do; an unbalanced done; a device that is
 * not ready after its reset), and reports what it saw on the console as
 * "atsnest: <stage> key=value ..." lines for the lab's judge.
 *
 *   insmod atsnest.ko bdf=0000:01:00.0 stage=nest|unbalanced|unready|recover
 *
 * The device must be bound to a driver that is not using it (vfio-pci, not
 * opened). The module does its work at load time and can be removed again.
 */
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/pci.h>

static char *bdf;
module_param(bdf, charp, 0444);
MODULE_PARM_DESC(bdf, "PCI device, DDDD:BB:DD.F");
static char *stage = "nest";
module_param(stage, charp, 0444);
MODULE_PARM_DESC(stage, "nest, unbalanced, unready or recover");

static struct pci_dev *atsnest_find(void)
{
	unsigned int domain, bus, slot, fn;

	if (!bdf || sscanf(bdf, "%x:%x:%x.%x", &domain, &bus, &slot, &fn) != 4)
		return NULL;
	return pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(slot, fn));
}

/* An outer bracket around an FLR that brackets itself, then a wait */
static int atsnest_nest(struct pci_dev *pdev)
{
	int before, inner, late, prep, flr;

	before = pdev->ats_enabled;
	pci_save_state(pdev);
	prep = pci_dev_reset_iommu_prepare(pdev);
	if (prep) {
		pr_info("atsnest: nest prepare=%d\n", prep);
		return prep;
	}
	pci_cfg_access_lock(pdev);
	flr = pcie_flr(pdev);
	pci_cfg_access_unlock(pdev);
	inner = pdev->ats_enabled;
	/* like a quirk waiting for firmware after its FLR */
	msleep(200);
	late = pdev->ats_enabled;
	pci_dev_reset_iommu_done(pdev);
	pci_restore_state(pdev);
	pr_info("atsnest: nest prepare=%d flr=%d ats_before=%d ats_after_inner_done=%d ats_late=%d ats_after=%d\n",
		prep, flr, before, inner, late, pdev->ats_enabled);
	return 0;
}

/* A bracket around nothing, ended as a reset that completed or did not */
static int atsnest_cycle(struct pci_dev *pdev, bool ready)
{
	int before = pdev->ats_enabled, ret;

	ret = pci_dev_reset_iommu_prepare(pdev);
	if (!ret && ready)
		pci_dev_reset_iommu_done(pdev);
	else if (!ret)
		pci_dev_reset_iommu_done_unready(pdev);
	pr_info("atsnest: %s prepare=%d ats_before=%d ats_after=%d\n",
		ready ? "recover" : "unready", ret, before, pdev->ats_enabled);
	return ret;
}

static int __init atsnest_init(void)
{
	struct pci_dev *pdev = atsnest_find();
	int ret = 0;

	if (!pdev) {
		pr_err("atsnest: no device '%s'\n", bdf ? bdf : "");
		return -ENODEV;
	}

	device_lock(&pdev->dev);
	if (!strcmp(stage, "nest")) {
		ret = atsnest_nest(pdev);
	} else if (!strcmp(stage, "unbalanced")) {
		int before = pdev->ats_enabled;

		pci_dev_reset_iommu_done(pdev);
		pci_dev_reset_iommu_done(pdev);
		pr_info("atsnest: unbalanced ats_before=%d ats_after=%d\n",
			before, pdev->ats_enabled);
	} else if (!strcmp(stage, "unready")) {
		ret = atsnest_cycle(pdev, false);
	} else if (!strcmp(stage, "recover")) {
		ret = atsnest_cycle(pdev, true);
	} else {
		pr_err("atsnest: unknown stage '%s'\n", stage);
		ret = -EINVAL;
	}
	device_unlock(&pdev->dev);
	pci_dev_put(pdev);
	return ret;
}

static void __exit atsnest_exit(void)
{
}

module_init(atsnest_init);
module_exit(atsnest_exit);
MODULE_DESCRIPTION("atstrace lab: drive the PCI reset IOMMU bracket by hand");
MODULE_LICENSE("GPL");
