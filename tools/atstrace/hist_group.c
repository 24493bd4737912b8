// SPDX-License-Identifier: GPL-2.0
#include "hist_group.h"

#include <string.h>

static const char *const by_names[] = {
	[HIST_BY_DEVICE] = "device", [HIST_BY_VENDOR] = "vendor", [HIST_BY_KIND] = "kind",
};

int hist_by_parse(const char *s, enum hist_by *by)
{
	for (int i = 0; i < (int)(sizeof(by_names) / sizeof(by_names[0])); i++)
		if (!strcmp(s, by_names[i])) {
			*by = i;
			return 0;
		}
	return -1;
}

const char *hist_by_name(enum hist_by by)
{
	return by_names[by];
}

const char *vendor_key_name(__u32 vendor)
{
	return vendor == VENDOR_NONE ? "none" : vendor_name(vendor);
}

static __u32 key_of(const struct hist_total *t, enum hist_by by, __u32 (*vendor_of)(__u32))
{
	switch (by) {
	case HIST_BY_VENDOR:
		return vendor_of(t->rid);
	case HIST_BY_KIND:
		return t->kind == H_WINDOW ? t->sub : HIST_KEY_ALL;
	default:
		return t->rid;
	}
}

int hist_group(const struct hist_total *in, int n, enum hist_by by,
	       __u32 (*vendor_of)(__u32 rid), struct hist_row *out)
{
	int rows = 0;

	for (int i = 0; i < n; i++) {
		__u32 key = key_of(&in[i], by, vendor_of);
		int j = 0;

		/* the row's place, in order of (kind, key) */
		while (j < rows && (out[j].kind < in[i].kind ||
				    (out[j].kind == in[i].kind && out[j].key < key)))
			j++;
		if (j == rows || out[j].kind != in[i].kind || out[j].key != key) {
			memmove(&out[j + 1], &out[j], (rows - j) * sizeof(*out));
			memset(&out[j], 0, sizeof(*out));
			out[j].kind = in[i].kind;
			out[j].key = key;
			rows++;
		}
		for (int s = 0; s < HIST_SLOTS; s++)
			out[j].h.slots[s] += in[i].h.slots[s];
		out[j].h.sum += in[i].h.sum;
	}
	return rows;
}
