/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The daemon's clocks, in ns or ms. */
#ifndef INPUTAUDITD_CLOCK_H
#define INPUTAUDITD_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Record times: the kernel stamps records with CLOCK_BOOTTIME too. */
static inline uint64_t boottime_ns(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

static inline uint64_t monotonic_ms(void)
{
	return clock_ns(CLOCK_MONOTONIC) / 1000000;
}

#endif /* INPUTAUDITD_CLOCK_H */
