/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers for command-line values shared by the tools (all return 0 or
 * -EINVAL), and how they report a bad one.
 */
#ifndef ATSTRACE_PARSE_H
#define ATSTRACE_PARSE_H

#include <stdint.h>

struct pci_bdf {
	uint16_t segment;
	uint8_t bus;
	uint8_t devfn;
};

/* "0000:01:00.0" or "01:00.0" (segment 0). */
int parse_bdf(const char *s, struct pci_bdf *bdf);
/* Canonical "SSSS:BB:DD.F" into buf (at least 13 bytes). */
void format_bdf(const struct pci_bdf *bdf, char *buf, unsigned long len);
/* "10", "10s", "250ms", "20us", "5m": to nanoseconds; a bare number is seconds. */
int parse_duration_ns(const char *s, uint64_t *ns);
/* "4096", "64K", "2M", "1G" (binary units): to bytes. */
int parse_size(const char *s, uint64_t *bytes);
/* A non-negative integer that fits in max. */
int parse_uint(const char *s, uint64_t max, uint64_t *v);

/*
 * Prints "PROG: MESSAGE" and "Try 'PROG --help'." to stderr and returns 2,
 * the tools' exit code for bad usage.
 */
__attribute__((format(printf, 2, 3)))
int usage_error(const char *prog, const char *fmt, ...);

/*
 * A command-line value in [min, max], as parse_uint or parse_duration_ns
 * read it: 0, or else "PROG: invalid WHAT: 'S'" and usage_error's 2.
 */
int arg_uint(const char *prog, const char *what, const char *s, uint64_t min, uint64_t max,
	     uint64_t *v);
int arg_duration_ns(const char *prog, const char *what, const char *s, uint64_t min,
		    uint64_t max, uint64_t *ns);
/* A BDF as parse_bdf reads it: 0, or "PROG: invalid WHAT (expected SSSS:BB:DD.F): 'S'". */
int arg_bdf(const char *prog, const char *what, const char *s, struct pci_bdf *bdf);
/*
 * getopt_long's ':' (a value missing) or any other error (an unknown
 * option) as a usage error; with opterr = 0 and an optstring that starts
 * with ':' (after any '+').
 */
int option_error(const char *prog, int c, char **argv);

#endif
