/* bench_testutil.h - what the benchmark library's unit tests share
 * (test_bench.c, test_bench_more.c): registering one function under
 * several option sets, and checking the instance names a benchmark
 * expands to.  Header-only: each test binary has its own copy. */
#ifndef TACH_BENCH_TESTUTIL_H
#define TACH_BENCH_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdio.h>

#include "tach/bench.h"

/* Registers fn as benchmark `name` with the options given (what
 * TACH_BENCH does, for a function shared by several names). */
#define TEST_BENCH_REGISTER(name, fn, ...)                                    \
	static const tach_bench_opts name##_opts = {__VA_ARGS__};             \
	__attribute__((constructor)) static void reg_##name(void)              \
	{                                                                     \
		tach_bench_register(#name, fn, &name##_opts);                 \
	}

/* The instances of benchmark `name`, space-separated, are `want`. */
static inline void expect_instances(const char *name, const char *want)
{
	char filter[64], got[1024] = "";
	snprintf(filter, sizeof filter, "^%s(/|$)", name);
	size_t len = 0;
	const char *n;
	for (size_t i = 0; (n = tach_bench_list(filter, i)) && len < sizeof got; i++)
		len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", i ? " " : "", n);
	cr_expect_str_eq(got, want);
}

#endif
