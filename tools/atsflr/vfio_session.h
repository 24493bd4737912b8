/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening PCI devices through VFIO, either the legacy container/group
 * interface or the iommufd cdev interface, and the operations the lab's
 * workloads run on them: DMA map/unmap, function reset, hot (bus) reset and
 * IOAS replace.
 */
#ifndef ATSTRACE_VFIO_SESSION_H
#define ATSTRACE_VFIO_SESSION_H

#include <stdint.h>

#include "lib/parse.h"

#define VFIO_MAX_DEVICES 8

enum vfio_mode {
	VFIO_MODE_AUTO,    /* iommufd when the kernel offers a cdev, else legacy */
	VFIO_MODE_LEGACY,
	VFIO_MODE_IOMMUFD,
};

struct vfio_dev {
	struct pci_bdf bdf;
	char name[16];   /* SSSS:BB:DD.F */
	int group;       /* IOMMU group number */
	int group_fd;    /* legacy: shared by devices of one group */
	int fd;
	int ioas_idx;    /* iommufd: which IOAS the device is attached to */
};

struct vfio_session {
	enum vfio_mode mode;
	int container_fd;  /* legacy */
	int iommufd;       /* iommufd */
	uint32_t ioas[2];  /* iommufd: [0] holds the mappings, [1] stays empty */
	int ndev;
	struct vfio_dev dev[VFIO_MAX_DEVICES];
	char err[512];     /* why the last failing call failed, for the user */
};

const char *vfio_mode_name(enum vfio_mode m);
int vfio_mode_parse(const char *s, enum vfio_mode *m);

/*
 * Opens every device in one address space. On failure returns a negative
 * errno and leaves a message in s->err: -ENODEV (no such device), -EINVAL
 * (not bound to vfio-pci, group not viable), -EACCES/-EPERM (permission),
 * -EOPNOTSUPP (the mode is not available on this kernel).
 */
int vfio_session_open(struct vfio_session *s, enum vfio_mode mode,
		      const struct pci_bdf *bdfs, int n);
void vfio_session_close(struct vfio_session *s);

/* These return 0 or a negative errno and are safe to call from several threads. */
int vfio_dma_map(struct vfio_session *s, void *va, uint64_t iova, uint64_t len);
int vfio_dma_unmap(struct vfio_session *s, uint64_t iova, uint64_t len);
int vfio_function_reset(struct vfio_dev *d);
int vfio_hot_reset(struct vfio_session *s, struct vfio_dev *d);
/* iommufd: move the device to the other IOAS (a domain replace). */
int vfio_ioas_toggle(struct vfio_session *s, struct vfio_dev *d);
/*
 * Registers a non-blocking eventfd for the device's error interrupt
 * (VFIO_PCI_ERR_IRQ_INDEX: vfio-pci signals it when AER reports an error on
 * the device, as a VMM would learn of it). Returns the eventfd, -ENOTSUP when
 * the device has no error interrupt (not PCI Express), or a negative errno.
 */
int vfio_err_irq_open(struct vfio_dev *d);
/* How many times it was signalled since the last call (0 when none). */
uint64_t vfio_err_irq_take(int efd);

#endif
