// SPDX-License-Identifier: GPL-2.0
/* Unit tests: ATS capability lookup in config space (tools/atsflr/pci_sysfs.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "atsflr/pci_sysfs.h"

static uint8_t cfg[4096];

static void put32(size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		cfg[off + i] = v >> (8 * i);
}

/* extended capability header: ID[15:0], version[19:16], next[31:20] */
static void ext_cap(size_t off, uint16_t id, size_t next)
{
	put32(off, id | 1 << 16 | (uint32_t)next << 20);
}

static void test_ats_found_after_other_caps(void **state)
{
	struct ats_state st;

	memset(cfg, 0, sizeof(cfg));
	ext_cap(0x100, 0x0001, 0x140);  /* AER */
	ext_cap(0x140, 0x000e, 0x160);  /* ARI */
	ext_cap(0x160, 0x000f, 0);      /* ATS */
	put32(0x164, 0x0005 | (0x8000 | 0x02) << 16); /* qdep 5; Enable, STU 2 */
	pci_ats_decode(cfg, sizeof(cfg), &st);
	assert_true(st.present);
	assert_int_equal(st.cap_offset, 0x160);
	assert_true(st.enabled);
	assert_int_equal(st.stu, 2);
	assert_int_equal(st.qdep, 5);

	put32(0x164, 0x0005); /* Enable clear */
	pci_ats_decode(cfg, sizeof(cfg), &st);
	assert_true(st.present);
	assert_false(st.enabled);
}

static void test_ats_absent(void **state)
{
	struct ats_state st;

	memset(cfg, 0, sizeof(cfg));
	ext_cap(0x100, 0x0001, 0);
	pci_ats_decode(cfg, sizeof(cfg), &st);
	assert_false(st.present);
	/* no extended space at all (conventional PCI, or an unprivileged read) */
	memset(cfg, 0xff, sizeof(cfg));
	pci_ats_decode(cfg, sizeof(cfg), &st);
	assert_false(st.present);
	pci_ats_decode(cfg, 256, &st);
	assert_false(st.present);
}

static void test_ats_loop_and_bad_pointer(void **state)
{
	struct ats_state st;

	memset(cfg, 0, sizeof(cfg));
	ext_cap(0x100, 0x0001, 0x100); /* points at itself */
	pci_ats_decode(cfg, sizeof(cfg), &st);
	assert_false(st.present);
	ext_cap(0x100, 0x0001, 0x40);  /* into conventional space: invalid */
	pci_ats_decode(cfg, sizeof(cfg), &st);
	assert_false(st.present);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ats_found_after_other_caps),
		cmocka_unit_test(test_ats_absent),
		cmocka_unit_test(test_ats_loop_and_bad_pointer),
	};

	return cmocka_run_group_tests_name("pci_sysfs", tests, NULL, NULL);
}
