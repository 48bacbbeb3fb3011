/* sim.c - deterministic mode: running under Valgrind's callgrind and
 * reading what it counted (tach/sim.h).
 *
 * The cache geometries are fixed rather than taken from the host, so the
 * simulated misses of two machines agree: 32 KiB 8-way L1 instruction and
 * data caches with 64-byte lines, and an 8 MiB 16-way last level, a
 * common desktop/server shape.  Instruction counts do not depend on them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/result.h"
#include "tach/run.h"
#include "tach/sim.h"

int tach_sim_find(char *buf, size_t size, tach_error *err)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		snprintf(buf, size, "%.*s/valgrind", (int)len, len ? path : ".");
		if (access(buf, X_OK) == 0)
			return 0;
		path += len + (path[len] == ':');
	}
	buf[0] = 0;
	if (err)
		snprintf(err->message, sizeof err->message,
		         "--instructions runs the program under Valgrind, which is not installed "
		         "(Debian/Ubuntu: apt-get install valgrind)");
	return TACH_EINVAL;
}

char **tach_sim_prefix(const char *valgrind, const char *out, const char *log, int children,
                       int atstart, size_t *n)
{
	char o[4200], l[4200];
	snprintf(o, sizeof o, "--callgrind-out-file=%s", out);
	snprintf(l, sizeof l, "--log-file=%s", log);
	const char *words[] = {
		valgrind, "--tool=callgrind", "--cache-sim=yes", "--I1=32768,8,64",
		"--D1=32768,8,64", "--LL=8388608,16,64",
		children ? "--trace-children=yes" : "--trace-children=no",
		atstart ? "--collect-atstart=yes" : "--collect-atstart=no", o, l,
	};
	size_t k = sizeof words / sizeof words[0];
	char **v = calloc(k + 1, sizeof *v);
	for (size_t i = 0; v && i < k; i++)
		if (!(v[i] = strdup(words[i]))) {
			tach_words_free(v);
			return NULL;
		}
	if (v && n)
		*n = k;
	return v;
}

void tach_sim_add(tach_sim_counts *a, const tach_sim_counts *b)
{
	a->ir += b->ir;
	a->dr += b->dr;
	a->dw += b->dw;
	a->i1mr += b->i1mr;
	a->d1mr += b->d1mr;
	a->d1mw += b->d1mw;
	a->ilmr += b->ilmr;
	a->dlmr += b->dlmr;
	a->dlmw += b->dlmw;
}

/* The slot of an event name, or NULL for events tach does not keep. */
static uint64_t *slot(tach_sim_counts *c, const char *name, size_t len)
{
	static const char *const names[] = {"Ir",   "Dr",   "Dw",   "I1mr", "D1mr",
	                                    "D1mw", "ILmr", "DLmr", "DLmw"};
	uint64_t *slots[] = {&c->ir,   &c->dr,   &c->dw,   &c->i1mr, &c->d1mr,
	                     &c->d1mw, &c->ilmr, &c->dlmr, &c->dlmw};
	for (size_t i = 0; i < 9; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return slots[i];
	return NULL;
}

int tach_sim_read(const char *path, tach_sim_counts *c, char *tag, size_t tag_size,
                  tach_error *err)
{
	memset(c, 0, sizeof *c);
	if (tag && tag_size)
		tag[0] = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		if (err)
			snprintf(err->message, sizeof err->message, "%s: %s", path, strerror(e));
		return -e;
	}
	/* the events line names the columns of the summary line */
	uint64_t *cols[64];
	size_t n_cols = 0;
	int have_events = 0, have_summary = 0;
	char line[4096];
	size_t lineno = 0;
	int rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strncmp(line, "events:", 7)) {
			n_cols = 0;
			for (char *p = line + 7; *p;) {
				while (*p == ' ' || *p == '\t')
					p++;
				size_t len = strcspn(p, " \t\r\n");
				if (!len)
					break;
				if (n_cols < 64)
					cols[n_cols++] = slot(c, p, len);
				p += len;
			}
			have_events = 1;
		} else if (!strncmp(line, "summary:", 8) || (!have_summary && !strncmp(line, "totals:", 7))) {
			if (!have_events) {
				rc = TACH_EPARSE;
				break;
			}
			int summary = line[0] == 's';
			char *p = line + (summary ? 8 : 7);
			for (size_t i = 0; i < n_cols; i++) {
				char *end;
				errno = 0;
				unsigned long long v = strtoull(p, &end, 10);
				if (end == p)
					break; /* trailing zero fields are left out */
				if (errno) {
					rc = TACH_EPARSE;
					break;
				}
				if (cols[i])
					*cols[i] = v;
				p = end;
			}
			have_summary |= summary;
		} else if (tag && !strncmp(line, "desc: Trigger: Client Request: ", 31)) {
			snprintf(tag, tag_size, "%s", line + 31);
			tag[strcspn(tag, "\r\n")] = 0;
		}
	}
	fclose(f);
	if (!rc && !have_events)
		rc = TACH_EPARSE;
	if (rc && err) {
		err->file = path;
		err->line = (unsigned)lineno;
		snprintf(err->message, sizeof err->message,
		         "not a callgrind profile (no events and summary lines)");
	}
	return rc;
}

double tach_sim_cycles(const tach_sim_counts *c)
{
	double accesses = (double)c->ir + (double)c->dr + (double)c->dw;
	double ram = (double)c->ilmr + (double)c->dlmr + (double)c->dlmw;
	double l1_misses = (double)c->i1mr + (double)c->d1mr + (double)c->d1mw;
	double ll_hits = l1_misses - ram;
	if (ll_hits < 0)
		ll_hits = 0;
	double l1_hits = accesses - ll_hits - ram;
	return l1_hits + 5 * ll_hits + 35 * ram;
}

int tach_sim_add_samples(tach_benchmark *b, const tach_sim_counts *c, double per)
{
	if (!(per > 0))
		per = 1;
	const struct {
		const char *name;
		double v;
	} m[] = {
		{TACH_M_INSTRUCTIONS, (double)c->ir},
		{TACH_M_L1_MISSES, (double)(c->i1mr + c->d1mr + c->d1mw)},
		{TACH_M_LL_MISSES, (double)(c->ilmr + c->dlmr + c->dlmw)},
		{TACH_M_EST_CYCLES, tach_sim_cycles(c)},
	};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
		tach_metric *x = tach_benchmark_metric(b, m[i].name);
		if (!x && (x = tach_benchmark_add_metric(b, m[i].name, "count", TACH_LOWER_IS_BETTER)))
			x->flags |= TACH_METRIC_DETERMINISTIC;
		if (!x || tach_metric_add_sample(x, m[i].v / per))
			return TACH_ENOMEM;
	}
	return 0;
}

int tach_sim_diagnose(const char *log_path, char *buf, size_t size)
{
	FILE *f = fopen(log_path, "r");
	if (!f)
		return 0;
	static const struct {
		const char *needle, *say;
	} known[] = {
		{"unhandled instruction bytes",
		 "Valgrind cannot simulate an instruction the program uses (e.g. AVX-512 or a newer "
		 "extension); build it for an older target (-march=x86-64-v2) to count it"},
		{"Valgrind's memory management: out of memory",
		 "Valgrind ran out of memory simulating the program"},
		{"Fatal error at startup", "Valgrind could not start the program"},
		{"cannot execute binary file", "the program is not something Valgrind can run"},
		{"Unrecognised instruction", "Valgrind cannot simulate an instruction the program uses"},
	};
	char line[1024];
	int found = 0;
	while (!found && fgets(line, sizeof line, f))
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strstr(line, known[i].needle)) {
				char *text = line;
				/* "==123== message": keep the message */
				if (text[0] == '=' && (text = strstr(text + 2, "== ")))
					text += 3;
				else
					text = line;
				text[strcspn(text, "\r\n")] = 0;
				snprintf(buf, size, "%s (valgrind: %s)", known[i].say, text);
				found = 1;
				break;
			}
	fclose(f);
	return found;
}
