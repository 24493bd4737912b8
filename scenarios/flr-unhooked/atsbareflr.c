// SPDX-License-Identifier: GPL-2.0
/*
 * Lab-only test module: a function level reset that no reset method
 * brackets, the shape of a kernel where pcie_flr() is inlined into its
 * caller and only its out-of-line copy is traced, or of a caller that
 * writes Initiate FLR itself. It does what pcie_flr() does around the
 * write (config space locked, state saved and restored) without calling
 * any reset method, and reports "atsbareflr: flr=<ret>" on the console.
 *
 *   insmod atsbareflr.ko bdf=0000:01:00.0
 *
 * The device must be bound to a driver that is not using it (vfio-pci, not
 * opened). The module does its work at load time and can be removed again.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>

static char *bdf;
module_param(bdf, charp, 0444);
MODULE_PARM_DESC(bdf, "PCI device, DDDD:BB:DD.F");

static int __init atsbareflr_init(void)
{
	unsigned int domain, bus, slot, fn;
	struct pci_dev *pdev;
	int ret;

	if (!bdf || sscanf(bdf, "%x:%x:%x.%x", &domain, &bus, &slot, &fn) != 4)
		return -EINVAL;
	pdev = pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(slot, fn));
	if (!pdev)
		return -ENODEV;
	if (!(pdev->devcap & PCI_EXP_DEVCAP_FLR)) {
		pci_dev_put(pdev);
		return -ENOTTY;
	}
	pci_dev_lock(pdev);
	pci_save_state(pdev);
	ret = pcie_capability_set_word(pdev, PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_BCR_FLR);
	/* the 100 ms a function gets to complete an FLR (PCIe r6.0, 6.6.2) */
	msleep(100);
	pci_restore_state(pdev);
	pci_dev_unlock(pdev);
	pr_info("atsbareflr: flr=%d\n", ret);
	pci_dev_put(pdev);
	return 0;
}

static void __exit atsbareflr_exit(void)
{
}

module_init(atsbareflr_init);
module_exit(atsbareflr_exit);
MODULE_DESCRIPTION("atstrace lab: a function level reset outside any reset method");
MODULE_LICENSE("GPL");
