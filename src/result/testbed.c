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
	if (host[0] == '.' || host[0] == '-' || !host[0])
		host[0] = 'h';
	snprintf(buf, size, "%s-%dc-%08x", host, m->cpu_count > 0 ? m->cpu_count : 0,
	         (unsigned)fnv1a(m->cpu_model));
	return buf;
}
