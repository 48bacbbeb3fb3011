/* testbed.c - the identity of the machine a run was measured on, so that
 * the history keeps one series per machine and a comparison can say when
 * its two sides were measured on different ones.
 *
 * The identity is a name: the user's (--testbed NAME, meta.testbed) when
 * given, else one derived from the facts that decide speed and that do
 * not change between runs of one machine: host name, CPU model and core
 * count.  Kernel and compiler are recorded but not part of the derived
 * name: an upgrade of either is a change to measure, not a new machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tach/result.h"

int tach_testbed_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) > TACH_TESTBED_MAX)
		return 0;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("._+-", *c)))
			return 0;
	/* a name starting with '.' or '-' would be a hidden file or an option
	 * where a publisher or a shell meets it */
	return name[0] != '.' && name[0] != '-';
}

/* FNV-1a, 32 bits: a short stable fingerprint of the CPU model. */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

const char *tach_meta_testbed(const tach_meta *m, char *buf, size_t size)
{
	if (m->testbed && *m->testbed) {
		snprintf(buf, size, "%s", m->testbed);
		return buf;
	}
	if (!m->hostname && !m->cpu_model && m->cpu_count <= 0) {
		snprintf(buf, size, "unknown");
		return buf;
	}
	/* the host name's allowed characters kept, every other one '-',
	 * cut so that the suffix always fits in TACH_TESTBED_MAX */
	char host[40];
	size_t n = 0;
	for (const char *c = m->hostname ? m->hostname : "unknown"; *c && n < sizeof host - 1; c++)
		host[n++] = ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		             (*c >= '0' && *c <= '9') || strchr("._+-", *c))
		                    ? *c
		                    : '-';
	host[n] = '\0';
	/* an empty host name ("" in a results file) is "h" too, terminated:
	 * host[1] is unset then */
	if (host[0] == '.' || host[0] == '-' || !host[0]) {
		if (!host[0])
			host[1] = '\0';
		host[0] = 'h';
	}
	snprintf(buf, size, "%s-%dc-%08x", host, m->cpu_count > 0 ? m->cpu_count : 0,
	         (unsigned)fnv1a(m->cpu_model));
	return buf;
}

/* One fact known on both sides: -1 unknown on either, 0 same, 1 differs. */
static int fact_differs(const char *a, const char *b)
{
	return a && b && *a && *b ? strcmp(a, b) != 0 : -1;
}

int tach_meta_testbed_differs(const tach_meta *a, const tach_meta *b)
{
	char na[TACH_TESTBED_MAX + 1], nb[TACH_TESTBED_MAX + 1];
	tach_meta_testbed(a, na, sizeof na);
	tach_meta_testbed(b, nb, sizeof nb);
	if (!strcmp(na, nb) || !strcmp(na, "unknown") || !strcmp(nb, "unknown"))
		return 0;
	int d[3] = {fact_differs(a->hostname, b->hostname), fact_differs(a->cpu_model, b->cpu_model),
	            a->cpu_count > 0 && b->cpu_count > 0 ? a->cpu_count != b->cpu_count : -1};
	int known = 0;
	for (int i = 0; i < 3; i++) {
		if (d[i] == 1)
			return 1;
		known |= d[i] == 0;
	}
	/* every fact known on both sides agrees: one machine under two names
	 * (one run saved without --testbed, or an import that knew less);
	 * nothing known on both: the names are all there is */
	return !known;
}
