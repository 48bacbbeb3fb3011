/* json_read_meta.c - the "meta" object of a results file: tool,
 * timestamp, git, host, build, labels, context and testbed, each checked
 * against docs/results-format.md where it is read. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "result/json_reader.h"

int tach__jr_timestamp_ok(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	for (size_t i = 0; i < sizeof pat - 1; i++) {
		if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
			return 0;
	}
	s += sizeof pat - 1;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return s[0] == 'Z' && s[1] == '\0';
}

/* ---- meta ---- */

static const char *const keys_section[] = {"commit", "branch", "dirty", "hostname", "os", "kernel", "cpu_model", "cpu_count", "compiler", "flags", NULL};

static int read_section(reader *r, tach_meta *m, const char *section)
{
	unsigned seen = 0;
	int first = 1, more;
	char what[300];
	if (tach__jr_obj_open(r, section))
		return r->j.failed;
	while ((more = tach__jr_obj_next(r, &first)) == 1) {
		if (tach__jr_dup_key(r, &seen, keys_section))
			return r->j.failed;
		const char *k = r->key;
		snprintf(what, sizeof what, "meta.%s.%s", section, k);
		char **field = NULL;
		if (!strcmp(section, "git")) {
			if (!strcmp(k, "commit"))
				field = &m->git_commit;
			else if (!strcmp(k, "branch"))
				field = &m->git_branch;
			else if (!strcmp(k, "dirty")) {
				if (tach__jr_get_bool(r, &m->git_dirty, what))
					return r->j.failed;
				continue;
			}
		} else if (!strcmp(section, "host")) {
			if (!strcmp(k, "hostname"))
				field = &m->hostname;
			else if (!strcmp(k, "os"))
				field = &m->os;
			else if (!strcmp(k, "kernel"))
				field = &m->kernel;
			else if (!strcmp(k, "cpu_model"))
				field = &m->cpu_model;
			else if (!strcmp(k, "cpu_count")) {
				unsigned long long n;
				if (tach__jr_get_uint(r, 1u << 20, &n, what))
					return r->j.failed;
				m->cpu_count = (int)n;
				continue;
			}
		} else { /* build */
			if (!strcmp(k, "compiler"))
				field = &m->compiler;
			else if (!strcmp(k, "flags"))
				field = &m->compiler_flags;
		}
		const char *at = r->j.p;
		if (field ? tach__jr_get_string(r, field, what) : tach__jr_skip(r))
			return r->j.failed;
		if (field == &m->git_commit && !tach_meta_commit_valid(m->git_commit))
			return FAIL(r, at, "meta.git.commit must be a commit hash of 4 to 64 "
			            "hexadecimal digits");
	}
	return more < 0 ? r->j.failed : 0;
}

static const char *const keys_testbed[] = {"name", "host", "cpu", "cores", "kernel", "compiler", NULL};

/* meta.testbed: the name (required, a valid testbed name) into
 * m->testbed; the machine's facts it repeats fill those meta.host and
 * meta.build left unknown. */
static int read_testbed(reader *r, tach_meta *m)
{
	unsigned seen = 0;
	int first = 1, more;
	const char *open = r->j.p;
	char what[300];
	if (tach__jr_obj_open(r, "meta.testbed"))
		return r->j.failed;
	while ((more = tach__jr_obj_next(r, &first)) == 1) {
		if (tach__jr_dup_key(r, &seen, keys_testbed))
			return r->j.failed;
		snprintf(what, sizeof what, "meta.testbed.%s", r->key);
		const char *at = r->j.p;
		char *v = NULL;
		if (!strcmp(r->key, "cores")) {
			unsigned long long n;
			if (tach__jr_get_uint(r, 1u << 20, &n, what))
				return r->j.failed;
			if (m->cpu_count <= 0)
				m->cpu_count = (int)n;
			continue;
		}
		char **field = !strcmp(r->key, "name")     ? &m->testbed
		               : !strcmp(r->key, "host")   ? &m->hostname
		               : !strcmp(r->key, "cpu")    ? &m->cpu_model
		               : !strcmp(r->key, "kernel") ? &m->kernel
		               : !strcmp(r->key, "compiler") ? &m->compiler
		                                             : NULL;
		if (!field) {
			if (tach__jr_skip(r))
				return r->j.failed;
			continue;
		}
		if (tach__jr_get_string(r, &v, what))
			return r->j.failed;
		if (field == &m->testbed && !tach_testbed_name_valid(v)) {
			free(v);
			return FAIL(r, at, "meta.testbed.name must be 1 to %d of A-Z a-z 0-9 . _ + - "
			            "not starting with '.' or '-'", TACH_TESTBED_MAX);
		}
		if (field == &m->testbed || !*field) {
			free(*field);
			*field = v;
		} else {
			free(v);
		}
	}
	if (more < 0)
		return r->j.failed;
	if (!m->testbed)
		return FAIL(r, open, "meta.testbed has no \"name\"");
	return 0;
}

static const char *const keys_meta[] = {"tool", "tool_version", "timestamp", "git", "host", "build", "labels", "context", "testbed", NULL};

int tach__jr_meta(reader *r, tach_meta *m)
{
	unsigned seen = 0;
	int first = 1, more;
	if (tach__jr_obj_open(r, "\"meta\""))
		return r->j.failed;
	while ((more = tach__jr_obj_next(r, &first)) == 1) {
		if (tach__jr_dup_key(r, &seen, keys_meta))
			return r->j.failed;
		const char *k = r->key, *at = r->j.p;
		int rc;
		if (!strcmp(k, "tool"))
			rc = tach__jr_get_string(r, &m->tool, "meta.tool");
		else if (!strcmp(k, "tool_version"))
			rc = tach__jr_get_string(r, &m->tool_version, "meta.tool_version");
		else if (!strcmp(k, "timestamp")) {
			rc = tach__jr_get_string(r, &m->timestamp, "meta.timestamp");
			if (!rc && !tach__jr_timestamp_ok(m->timestamp))
				return FAIL(r, at, "meta.timestamp must be UTC in ISO 8601 form "
				            "YYYY-MM-DDTHH:MM:SS[.fff]Z, got \"%s\"", m->timestamp);
		} else if (!strcmp(k, "git") || !strcmp(k, "host") || !strcmp(k, "build")) {
			/* r->key is overwritten inside: pass a constant */
			rc = read_section(r, m, !strcmp(k, "git")    ? "git"
			                        : !strcmp(k, "host") ? "host"
			                                             : "build");
		} else if (!strcmp(k, "labels"))
			rc = tach__jr_get_kvlist(r, &m->labels, "meta.labels");
		else if (!strcmp(k, "context"))
			rc = tach__jr_get_kvlist(r, &m->context, "meta.context");
		else if (!strcmp(k, "testbed"))
			rc = read_testbed(r, m);
		else
			rc = tach__jr_skip(r);
		if (rc)
			return r->j.failed;
	}
	return more < 0 ? r->j.failed : 0;
}

/* ---- metrics ---- */

