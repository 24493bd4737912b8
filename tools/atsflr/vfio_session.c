// SPDX-License-Identifier: GPL-2.0
#include "vfio_session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pci_sysfs.h"
#include "vfio_uapi.h"

const char *vfio_mode_name(enum vfio_mode m)
{
	switch (m) {
	case VFIO_MODE_LEGACY: return "legacy";
	case VFIO_MODE_IOMMUFD: return "iommufd";
	default: return "auto";
	}
}

int vfio_mode_parse(const char *s, enum vfio_mode *m)
{
	if (!strcmp(s, "auto"))
		*m = VFIO_MODE_AUTO;
	else if (!strcmp(s, "legacy"))
		*m = VFIO_MODE_LEGACY;
	else if (!strcmp(s, "iommufd"))
		*m = VFIO_MODE_IOMMUFD;
	else
		return -EINVAL;
	return 0;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct vfio_session *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return err;
}

/* The checks every mode shares: the device exists, has a group, is on vfio-pci. */
static int check_device(struct vfio_session *s, struct vfio_dev *d)
{
	char drv[64];

	if (!pci_device_exists(&d->bdf))
		return fail(s, -ENODEV, "%s: no such PCI device", d->name);
	d->group = pci_iommu_group(&d->bdf);
	if (d->group < 0)
		return fail(s, -EINVAL, "%s: not in an IOMMU group (is the IOMMU enabled?)",
			    d->name);
	if (pci_driver_name(&d->bdf, drv, sizeof(drv)))
		return fail(s, -EINVAL,
			    "%s: bound to no driver; bind it to vfio-pci first "
			    "(echo vfio-pci > driver_override; echo %s > /sys/bus/pci/drivers_probe)",
			    d->name, d->name);
	if (strcmp(drv, "vfio-pci"))
		return fail(s, -EINVAL, "%s: bound to %s, not vfio-pci", d->name, drv);
	return 0;
}

static int open_errno(struct vfio_session *s, const char *path, const char *what)
{
	int err = -errno;

	if (err == -EACCES || err == -EPERM)
		return fail(s, err, "%s: permission denied (%s needs root)", path, what);
	return fail(s, err, "%s: %s", path, strerror(-err));
}

static int open_legacy(struct vfio_session *s)
{
	char path[64];
	int i, j;

	s->container_fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (s->container_fd < 0)
		return open_errno(s, "/dev/vfio/vfio", "the VFIO container");
	if (ioctl(s->container_fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(s->container_fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0)
		return fail(s, -EOPNOTSUPP, "the VFIO container has no type1v2 IOMMU backend");

	for (i = 0; i < s->ndev; i++) {
		struct vfio_dev *d = &s->dev[i];
		struct vfio_group_status st = { .argsz = sizeof(st) };

		d->group_fd = -1;
		for (j = 0; j < i; j++)
			if (s->dev[j].group == d->group)
				d->group_fd = s->dev[j].group_fd;
		if (d->group_fd < 0) {
			snprintf(path, sizeof(path), "/dev/vfio/%d", d->group);
			d->group_fd = open(path, O_RDWR | O_CLOEXEC);
			if (d->group_fd < 0)
				return open_errno(s, path, "the VFIO group");
			if (ioctl(d->group_fd, VFIO_GROUP_GET_STATUS, &st) ||
			    !(st.flags & VFIO_GROUP_FLAGS_VIABLE))
				return fail(s, -EINVAL,
					    "IOMMU group %d is not viable: bind every device in it to vfio-pci",
					    d->group);
			if (ioctl(d->group_fd, VFIO_GROUP_SET_CONTAINER, &s->container_fd))
				return fail(s, -errno, "group %d: VFIO_GROUP_SET_CONTAINER: %s",
					    d->group, strerror(errno));
			if (i == 0 && ioctl(s->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
				return fail(s, -errno, "VFIO_SET_IOMMU: %s", strerror(errno));
		}
		d->fd = ioctl(d->group_fd, VFIO_GROUP_GET_DEVICE_FD, d->name);
		if (d->fd < 0)
			return fail(s, -errno, "%s: VFIO_GROUP_GET_DEVICE_FD: %s", d->name,
				    strerror(errno));
	}
	return 0;
}

static int open_iommufd(struct vfio_session *s)
{
	char cdev[32], path[64];
	int i, k;

	s->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (s->iommufd < 0) {
		if (errno == ENOENT)
			return fail(s, -EOPNOTSUPP, "/dev/iommu: this kernel has no iommufd");
		return open_errno(s, "/dev/iommu", "iommufd");
	}
	for (k = 0; k < 2; k++) {
		struct iommu_ioas_alloc a = { .size = sizeof(a) };

		if (ioctl(s->iommufd, IOMMU_IOAS_ALLOC, &a))
			return fail(s, -errno, "IOMMU_IOAS_ALLOC: %s", strerror(errno));
		s->ioas[k] = a.out_ioas_id;
	}
	for (i = 0; i < s->ndev; i++) {
		struct vfio_dev *d = &s->dev[i];
		struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = s->iommufd };
		struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = s->ioas[0] };

		if (pci_vfio_cdev(&d->bdf, cdev, sizeof(cdev)))
			return fail(s, -EOPNOTSUPP,
				    "%s: no VFIO cdev (kernel without VFIO_DEVICE_CDEV)", d->name);
		snprintf(path, sizeof(path), "/dev/vfio/devices/%s", cdev);
		d->fd = open(path, O_RDWR | O_CLOEXEC);
		if (d->fd < 0)
			return open_errno(s, path, "the VFIO device");
		if (ioctl(d->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
			return fail(s, -errno, "%s: VFIO_DEVICE_BIND_IOMMUFD: %s", d->name,
				    strerror(errno));
		if (ioctl(d->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at))
			return fail(s, -errno, "%s: VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s", d->name,
				    strerror(errno));
		d->ioas_idx = 0;
	}
	return 0;
}

int vfio_session_open(struct vfio_session *s, enum vfio_mode mode,
		      const struct pci_bdf *bdfs, int n)
{
	char cdev[32];
	int i, err;

	memset(s, 0, sizeof(*s));
	s->container_fd = s->iommufd = -1;
	if (n < 1 || n > VFIO_MAX_DEVICES)
		return fail(s, -EINVAL, "between 1 and %d devices", VFIO_MAX_DEVICES);
	s->ndev = n;
	for (i = 0; i < n; i++) {
		s->dev[i].bdf = bdfs[i];
		s->dev[i].fd = s->dev[i].group_fd = -1;
		format_bdf(&bdfs[i], s->dev[i].name, sizeof(s->dev[i].name));
		err = check_device(s, &s->dev[i]);
		if (err)
			return err;
	}
	if (mode == VFIO_MODE_AUTO)
		mode = pci_vfio_cdev(&bdfs[0], cdev, sizeof(cdev)) == 0 &&
		       access("/dev/iommu", F_OK) == 0 ? VFIO_MODE_IOMMUFD : VFIO_MODE_LEGACY;
	s->mode = mode;
	err = mode == VFIO_MODE_IOMMUFD ? open_iommufd(s) : open_legacy(s);
	if (err)
		vfio_session_close(s);
	return err;
}

void vfio_session_close(struct vfio_session *s)
{
	int i, j;

	for (i = 0; i < s->ndev; i++) {
		if (s->dev[i].fd >= 0)
			close(s->dev[i].fd);
		s->dev[i].fd = -1;
	}
	for (i = 0; i < s->ndev; i++) {
		int gfd = s->dev[i].group_fd;

		if (gfd < 0)
			continue;
		close(gfd);
		for (j = i; j < s->ndev; j++)
			if (s->dev[j].group_fd == gfd)
				s->dev[j].group_fd = -1;
	}
	if (s->container_fd >= 0)
		close(s->container_fd);
	if (s->iommufd >= 0)
		close(s->iommufd);
	s->container_fd = s->iommufd = -1;
}

int vfio_dma_map(struct vfio_session *s, void *va, uint64_t iova, uint64_t len)
{
	int ret;

	if (s->mode == VFIO_MODE_IOMMUFD) {
		struct iommu_ioas_map m = {
			.size = sizeof(m),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = s->ioas[0],
			.user_va = (uintptr_t)va,
			.length = len,
			.iova = iova,
		};

		ret = ioctl(s->iommufd, IOMMU_IOAS_MAP, &m);
	} else {
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)va,
			.iova = iova,
			.size = len,
		};

		ret = ioctl(s->container_fd, VFIO_IOMMU_MAP_DMA, &m);
	}
	return ret ? -errno : 0;
}

int vfio_dma_unmap(struct vfio_session *s, uint64_t iova, uint64_t len)
{
	int ret;

	if (s->mode == VFIO_MODE_IOMMUFD) {
		struct iommu_ioas_unmap u = {
			.size = sizeof(u), .ioas_id = s->ioas[0], .iova = iova, .length = len,
		};

		ret = ioctl(s->iommufd, IOMMU_IOAS_UNMAP, &u);
	} else {
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = sizeof(u), .iova = iova, .size = len,
		};

		ret = ioctl(s->container_fd, VFIO_IOMMU_UNMAP_DMA, &u);
	}
	return ret ? -errno : 0;
}

int vfio_function_reset(struct vfio_dev *d)
{
	return ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

int vfio_hot_reset(struct vfio_session *s, struct vfio_dev *d)
{
	struct {
		struct vfio_pci_hot_reset r;
		__s32 fds[VFIO_MAX_DEVICES];
	} req = { .r = { .argsz = sizeof(req) } };
	int i, j;

	/*
	 * Legacy: pass the fd of every group we own (the kernel checks they
	 * cover all affected devices). iommufd: an empty list means "the
	 * devices bound to my iommufd" (Linux 6.6+).
	 */
	if (s->mode == VFIO_MODE_LEGACY) {
		for (i = 0; i < s->ndev; i++) {
			for (j = 0; j < i; j++)
				if (s->dev[j].group_fd == s->dev[i].group_fd)
					break;
			if (j == i)
				req.r.group_fds[req.r.count++] = s->dev[i].group_fd;
		}
	}
	return ioctl(d->fd, VFIO_DEVICE_PCI_HOT_RESET, &req) ? -errno : 0;
}

int vfio_ioas_toggle(struct vfio_session *s, struct vfio_dev *d)
{
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	int next = !d->ioas_idx;

	if (s->mode != VFIO_MODE_IOMMUFD)
		return -EOPNOTSUPP;
	at.pt_id = s->ioas[next];
	if (ioctl(d->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at))
		return -errno;
	d->ioas_idx = next;
	return 0;
}

int vfio_err_irq_open(struct vfio_dev *d)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = VFIO_PCI_ERR_IRQ_INDEX };
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} req;
	int efd;

	if (ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &info))
		return -errno;
	if (!info.count)
		return -ENOTSUP;
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.set.argsz = sizeof(req);
	req.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	req.set.index = VFIO_PCI_ERR_IRQ_INDEX;
	req.set.start = 0;
	req.set.count = 1;
	req.fd = efd;
	if (ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &req)) {
		int err = -errno;

		close(efd);
		return err;
	}
	return efd;
}

uint64_t vfio_err_irq_take(int efd)
{
	uint64_t n = 0;

	if (efd < 0 || read(efd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}
