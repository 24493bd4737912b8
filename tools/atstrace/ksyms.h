/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel symbol lookup from /proc/kallsyms, for printing stacks. */
#ifndef ATSTRACE_KSYMS_H
#define ATSTRACE_KSYMS_H

#include <stdint.h>

struct ksym {
	uint64_t addr;
	char *name;
};

struct ksyms {
	struct ksym *syms;
	int n;
};

/* Loads path (NULL: /proc/kallsyms). Returns NULL on failure. */
struct ksyms *ksyms_load(const char *path);
void ksyms_free(struct ksyms *ks);
/* The symbol containing addr, and addr's offset into it; NULL if none. */
const struct ksym *ksyms_find(const struct ksyms *ks, uint64_t addr, uint64_t *offset);
/*
 * The address of text symbol @name in @path (NULL: /proc/kallsyms), without
 * loading the table; 0 when it is absent, hidden (kptr_restrict) or defined
 * twice at different addresses (a static in two places: no single answer).
 */
uint64_t ksyms_lookup(const char *path, const char *name);

#endif
