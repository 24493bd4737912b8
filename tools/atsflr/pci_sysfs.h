/* SPDX-License-Identifier: GPL-2.0 */
/* PCI device facts read from sysfs: driver, IOMMU group, ATS capability state. */
#ifndef ATSTRACE_PCI_SYSFS_H
#define ATSTRACE_PCI_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/parse.h"

#define PCI_EXT_CAP_ID_ATS 0x000f
#define PCI_CFG_SPACE_SIZE 256
#define PCI_CFG_SPACE_EXP_SIZE 4096

struct ats_state {
	bool present;
	uint16_t cap_offset;
	bool enabled;   /* ATS Control: Enable (bit 15) */
	uint8_t stu;    /* ATS Control: Smallest Translation Unit (bits 4:0) */
	uint8_t qdep;   /* ATS Capability: Invalidate Queue Depth (bits 4:0), 0 = 32 */
};

/* sysfs root, "/sys" unless ATSTRACE_SYSFS overrides it (tests) */
const char *sysfs_root(void);
bool pci_device_exists(const struct pci_bdf *bdf);
/* Bound driver's name into buf; returns 0, or -ENOENT when unbound. */
int pci_driver_name(const struct pci_bdf *bdf, char *buf, size_t len);
/* IOMMU group number, or -ENOENT when the device has none (no IOMMU). */
int pci_iommu_group(const struct pci_bdf *bdf);
/* The vfio cdev name ("vfio0") into buf, or -ENOENT when the kernel has none. */
int pci_vfio_cdev(const struct pci_bdf *bdf, char *buf, size_t len);

/*
 * Walk the extended capability list in a config-space image for the ATS
 * capability and decode it. Pure: unit-tested on synthetic images.
 */
void pci_ats_decode(const uint8_t *cfg, size_t len, struct ats_state *st);
/* Read the device's config space from sysfs (root sees all 4 KiB) and decode. */
int pci_ats_read(const struct pci_bdf *bdf, struct ats_state *st);

#endif
