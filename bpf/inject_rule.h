/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which ATC invalidation completions --inject-delay delays, in the words of
 * the kernel's fault-injection framework (Documentation/fault-injection):
 * written once, compiled into the BPF programs and into the host unit tests
 * (tests/test_inject_rule.c).
 *
 * The calls counted are the eligible completions: of a selected device
 * (--inject-device), from a selected task (--inject-comm, --inject-cgroup),
 * in the order the programs see them (1, 2, ...). Like should_fail():
 *  - space N: the first N eligible calls are never delayed;
 *  - interval N: of the calls after them, every Nth is (N <= 1: every one);
 *  - probability P: of those, each with probability P; with a seed the draw
 *    for call n is a function of (seed, n) alone, so a run whose calls come
 *    in the same order delays the same ones;
 *  - times N (--inject-max): at most N delays in all, counted after the
 *    rule picked a call and before the budgets refuse it.
 */
#ifndef ATSTRACE_INJECT_RULE_H
#define ATSTRACE_INJECT_RULE_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define INJECT_PPM_ALL 1000000U

struct inject_rule {
	__u64 space;
	__u64 interval;
	__u32 prob_ppm;     /* INJECT_PPM_ALL: every one */
	__u32 seeded;
	__u64 seed;
};

/* SplitMix64's finalizer: a well-mixed 64-bit function of x */
static __always_inline __u64 inject_mix(__u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* the draw for call @n in [0, INJECT_PPM_ALL): seeded, or from @rnd */
static __always_inline __u32 inject_draw(const struct inject_rule *r, __u64 n, __u32 rnd)
{
	if (r->seeded)
		return (__u32)(inject_mix(r->seed ^ inject_mix(n)) % INJECT_PPM_ALL);
	return rnd % INJECT_PPM_ALL;
}

/* Whether eligible call @n (1-based) is delayed, before times and budgets. */
static __always_inline int inject_rule_picks(const struct inject_rule *r, __u64 n, __u32 rnd)
{
	if (n <= r->space)
		return 0;
	if (r->interval > 1 && (n - r->space) % r->interval)
		return 0;
	if (r->prob_ppm < INJECT_PPM_ALL && inject_draw(r, n, rnd) >= r->prob_ppm)
		return 0;
	return 1;
}

#endif
