// SPDX-License-Identifier: GPL-2.0
#include "pci_sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

const char *sysfs_root(void)
{
	const char *r = getenv("ATSTRACE_SYSFS");

	return r && *r ? r : "/sys";
}

static void dev_path(const struct pci_bdf *bdf, const char *attr, char *buf, size_t len)
{
	char name[16];

	format_bdf(bdf, name, sizeof(name));
	snprintf(buf, len, "%s/bus/pci/devices/%s%s%s", sysfs_root(), name,
		 attr ? "/" : "", attr ? attr : "");
}

bool pci_device_exists(const struct pci_bdf *bdf)
{
	char path[PATH_MAX];

	dev_path(bdf, NULL, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* basename of a symlink's target */
static int link_basename(const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, len, "%s", base ? base + 1 : target);
	return 0;
}

int pci_driver_name(const struct pci_bdf *bdf, char *buf, size_t len)
{
	char path[PATH_MAX];

	dev_path(bdf, "driver", path, sizeof(path));
	return link_basename(path, buf, len);
}

int pci_iommu_group(const struct pci_bdf *bdf)
{
	char path[PATH_MAX], name[32];
	int err;

	dev_path(bdf, "iommu_group", path, sizeof(path));
	err = link_basename(path, name, sizeof(name));
	if (err)
		return err;
	return atoi(name);
}

int pci_vfio_cdev(const struct pci_bdf *bdf, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int err = -ENOENT;

	dev_path(bdf, "vfio-dev", path, sizeof(path));
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, "vfio", 4)) {
			snprintf(buf, len, "%s", de->d_name);
			err = 0;
			break;
		}
	}
	closedir(d);
	return err;
}

static uint32_t cfg_read32(const uint8_t *cfg, size_t off)
{
	return cfg[off] | cfg[off + 1] << 8 | cfg[off + 2] << 16 | (uint32_t)cfg[off + 3] << 24;
}

static uint16_t cfg_read16(const uint8_t *cfg, size_t off)
{
	return cfg[off] | cfg[off + 1] << 8;
}

void pci_ats_decode(const uint8_t *cfg, size_t len, struct ats_state *st)
{
	size_t off = PCI_CFG_SPACE_SIZE;
	int hops = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8; /* loop guard */

	memset(st, 0, sizeof(*st));
	while (off >= PCI_CFG_SPACE_SIZE && off + 8 <= len && hops-- > 0) {
		uint32_t hdr = cfg_read32(cfg, off);

		if (hdr == 0 || hdr == 0xffffffff)
			return;
		if ((hdr & 0xffff) == PCI_EXT_CAP_ID_ATS) {
			uint16_t cap = cfg_read16(cfg, off + 4);
			uint16_t ctrl = cfg_read16(cfg, off + 6);

			st->present = true;
			st->cap_offset = off;
			st->qdep = cap & 0x1f;
			st->enabled = ctrl & 0x8000;
			st->stu = ctrl & 0x1f;
			return;
		}
		off = (hdr >> 20) & 0xffc;
	}
}

int pci_ats_read(const struct pci_bdf *bdf, struct ats_state *st)
{
	uint8_t cfg[PCI_CFG_SPACE_EXP_SIZE];
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	dev_path(bdf, "config", path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	if (n < 0)
		return -errno;
	/* unprivileged readers see only the first 64 bytes */
	if (n <= PCI_CFG_SPACE_SIZE)
		return -EACCES;
	pci_ats_decode(cfg, n, st);
	return 0;
}
