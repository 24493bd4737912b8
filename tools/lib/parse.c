// SPDX-License-Identifier: GPL-2.0
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int parse_bdf(const char *s, struct pci_bdf *bdf)
{
	unsigned int seg = 0, bus = 0, dev = 0, fn = 0;
	int n = -1;

	if (!s)
		return -EINVAL;
	/* sscanf accepts signs and blanks inside %x: allow hex digits only */
	for (const char *p = s; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
			return -EINVAL;
	if (strlen(s) == 12) /* SSSS:BB:DD.F */
		sscanf(s, "%4x:%2x:%2x.%1u%n", &seg, &bus, &dev, &fn, &n);
	else if (strlen(s) == 7) /* BB:DD.F */
		sscanf(s, "%2x:%2x.%1u%n", &bus, &dev, &fn, &n);
	if (n != (int)strlen(s) || dev > 31 || fn > 7)
		return -EINVAL;
	bdf->segment = seg;
	bdf->bus = bus;
	bdf->devfn = (dev << 3) | fn;
	return 0;
}

void format_bdf(const struct pci_bdf *bdf, char *buf, unsigned long len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%u", bdf->segment, bdf->bus,
		 bdf->devfn >> 3, bdf->devfn & 7);
}

/* number followed by a unit from the table; a missing unit means the first entry */
struct unit {
	const char *name;
	uint64_t mult;
};

static int parse_with_units(const char *s, const struct unit *units, uint64_t *out)
{
	char *end;
	unsigned long long x;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	for (const struct unit *u = units; u->name; u++) {
		if (strcmp(end, u->name))
			continue;
		if (x > UINT64_MAX / u->mult)
			return -EINVAL;
		*out = x * u->mult;
		return 0;
	}
	return -EINVAL;
}

static const struct unit no_unit[] = { { "", 1ULL }, { NULL, 0 } };

static const struct unit duration_units[] = {
	{ "", 1000000000ULL }, { "s", 1000000000ULL },
	{ "ms", 1000000ULL },  { "us", 1000ULL },
	{ "ns", 1ULL },        { "m", 60000000000ULL },
	{ NULL, 0 },
};

static const struct unit size_units[] = {
	{ "", 1ULL },          { "K", 1ULL << 10 }, { "k", 1ULL << 10 },
	{ "M", 1ULL << 20 },   { "G", 1ULL << 30 }, { NULL, 0 },
};

int parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x;

	if (parse_with_units(s, no_unit, &x) || x > max)
		return -EINVAL;
	*v = x;
	return 0;
}

int parse_duration_ns(const char *s, uint64_t *ns)
{
	return parse_with_units(s, duration_units, ns);
}

int parse_size(const char *s, uint64_t *bytes)
{
	return parse_with_units(s, size_units, bytes);
}

int usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return 2;
}

static int arg_with_units(const char *prog, const char *what, const char *s,
			  const struct unit *units, uint64_t min, uint64_t max, uint64_t *v)
{
	uint64_t x;

	if (parse_with_units(s, units, &x) || x < min || x > max)
		return usage_error(prog, "invalid %s: '%s'", what, s);
	*v = x;
	return 0;
}

int arg_uint(const char *prog, const char *what, const char *s, uint64_t min, uint64_t max,
	     uint64_t *v)
{
	return arg_with_units(prog, what, s, no_unit, min, max, v);
}

int arg_duration_ns(const char *prog, const char *what, const char *s, uint64_t min,
		    uint64_t max, uint64_t *ns)
{
	return arg_with_units(prog, what, s, duration_units, min, max, ns);
}

int arg_bdf(const char *prog, const char *what, const char *s, struct pci_bdf *bdf)
{
	if (parse_bdf(s, bdf))
		return usage_error(prog, "invalid %s (expected SSSS:BB:DD.F): '%s'", what, s);
	return 0;
}

int option_error(const char *prog, int c, char **argv)
{
	if (c == ':')
		return usage_error(prog, "option '%s' needs a value", argv[optind - 1]);
	return usage_error(prog, "unknown option '%s'", argv[optind - 1]);
}
