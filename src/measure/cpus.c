/* cpus.c - sets of CPUs: the kernel's list form ("0,2-3") read and
 * written, the CPUs online, and pinning to a set (sched_setaffinity).
 * `tach run --cpus` and a benchmark program's --cpus parse here, and the
 * system checks read sysfs lists (isolated, nohz_full, siblings) with
 * the same parser.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tach/system.h"
#include "measure/system.h"
#include "util/util.h"


/* A CPU number at *p: digits only.  0 and *p past it, or TACH_EPARSE. */
static int number(const char *text, const char **p, long *out, tach_error *err)
{
	const char *s = *p;
	long v = 0;
	if (*s < '0' || *s > '9')
		return tach__parse_fail(err, text, s, "expected a CPU number");
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v >= TACH_CPUS_MAX) {
			char msg[64];
			snprintf(msg, sizeof msg, "CPU numbers go up to %d", TACH_CPUS_MAX - 1);
			return tach__parse_fail(err, text, *p, msg);
		}
	}
	*out = v;
	*p = s;
	return 0;
}

int tach_cpus_parse(const char *text, tach_cpus *out, tach_error *err)
{
	memset(out, 0, sizeof *out);
	const char *p = text;
	if (*p == '\n' && !p[1])
		return 0;
	if (!*p)
		return 0;
	for (;;) {
		long lo, hi;
		if (number(text, &p, &lo, err))
			return TACH_EPARSE;
		hi = lo;
		if (*p == '-') {
			const char *at = ++p;
			if (number(text, &p, &hi, err))
				return TACH_EPARSE;
			if (hi < lo) {
				char msg[64];
				snprintf(msg, sizeof msg, "range %ld-%ld runs backwards", lo, hi);
				return tach__parse_fail(err, text, at, msg);
			}
		}
		for (long c = lo; c <= hi; c++)
			tach_cpus_add(out, (unsigned)c);
		if (*p == '\n' && !p[1])
			return 0;
		if (!*p)
			return 0;
		if (*p != ',')
			return tach__parse_fail(err, text, p,
			                        "expected ',' or '-' after a CPU number");
		p++;
	}
}

size_t tach_cpus_count(const tach_cpus *c)
{
	size_t n = 0;
	for (size_t i = 0; i < TACH_CPUS_MAX / 64; i++)
		n += (size_t)__builtin_popcountll(c->bits[i]);
	return n;
}

int tach_cpus_has(const tach_cpus *c, unsigned cpu)
{
	return cpu < TACH_CPUS_MAX && (c->bits[cpu / 64] >> (cpu % 64) & 1);
}

void tach_cpus_add(tach_cpus *c, unsigned cpu)
{
	if (cpu < TACH_CPUS_MAX)
		c->bits[cpu / 64] |= (uint64_t)1 << (cpu % 64);
}

int tach_cpus_nth(const tach_cpus *c, size_t n)
{
	for (unsigned cpu = 0; cpu < TACH_CPUS_MAX; cpu++)
		if (tach_cpus_has(c, cpu) && n-- == 0)
			return (int)cpu;
	return -1;
}

size_t tach_cpus_format(const tach_cpus *c, char *buf, size_t size)
{
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (unsigned cpu = 0; cpu < TACH_CPUS_MAX; cpu++) {
		if (!tach_cpus_has(c, cpu))
			continue;
		unsigned end = cpu;
		while (end + 1 < TACH_CPUS_MAX && tach_cpus_has(c, end + 1))
			end++;
		char part[32];
		int n = end == cpu ? snprintf(part, sizeof part, "%s%u", len ? "," : "", cpu)
		                   : snprintf(part, sizeof part, "%s%u-%u", len ? "," : "", cpu, end);
		if (len + (size_t)n < size)
			memcpy(buf + len, part, (size_t)n + 1);
		else if (len < size)
			buf[len] = '\0'; /* cut at a whole entry */
		len += (size_t)n;
		cpu = end;
	}
	return len;
}

int tach_cpus_online(const char *root, tach_cpus *out)
{
	char buf[4096];
	int rc = tach__system_read(root, "/sys/devices/system/cpu/online", buf, sizeof buf);
	if (rc == -ENOENT) {
		memset(out, 0, sizeof *out);
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		for (long i = 0; i < n && i < TACH_CPUS_MAX; i++)
			tach_cpus_add(out, (unsigned)i);
		return 0;
	}
	if (rc < 0)
		return rc;
	return tach_cpus_parse(buf, out, NULL);
}

int tach_cpus_check(const char *root, const tach_cpus *c, tach_error *err)
{
	if (!tach_cpus_count(c)) {
		if (err)
			snprintf(err->message, sizeof err->message, "no CPU given");
		return TACH_EINVAL;
	}
	tach_cpus online;
	int rc = tach_cpus_online(root, &online);
	if (rc) {
		if (err)
			snprintf(err->message, sizeof err->message,
			         "cannot read the CPUs online (/sys/devices/system/cpu/online): %s",
			         tach_strerror(rc));
		return rc;
	}
	for (unsigned cpu = 0; cpu < TACH_CPUS_MAX; cpu++) {
		if (tach_cpus_has(c, cpu) && !tach_cpus_has(&online, cpu)) {
			char list[256];
			tach_cpus_format(&online, list, sizeof list);
			if (err)
				snprintf(err->message, sizeof err->message,
				         "CPU %u is not online (online: %.200s)", cpu, list);
			return TACH_EINVAL;
		}
	}
	return 0;
}

int tach_cpus_pin(const tach_cpus *c)
{
	cpu_set_t set;
	tach__cpus_to_set(c, &set);
	return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : -errno;
}

int tach_cpus_pin_one(const tach_cpus *c, size_t k)
{
	size_t n = tach_cpus_count(c);
	if (!n)
		return TACH_EINVAL;
	tach_cpus one;
	memset(&one, 0, sizeof one);
	tach_cpus_add(&one, (unsigned)tach_cpus_nth(c, k % n));
	return tach_cpus_pin(&one);
}

void tach__cpus_to_set(const tach_cpus *c, cpu_set_t *set)
{
	CPU_ZERO(set);
	for (unsigned cpu = 0; cpu < TACH_CPUS_MAX && cpu < CPU_SETSIZE; cpu++)
		if (tach_cpus_has(c, cpu))
			CPU_SET(cpu, set);
}
