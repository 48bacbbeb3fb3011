/* json_write.c - writes a result set as a results file (JSON).
 *
 * A streaming writer into a 64 KiB buffer, not a jansson tree: a result
 * set is mostly doubles, and building one heap node per sample costs more
 * than formatting it.  Doubles go through tach__dtoa (shortest text that
 * reads back bit-identical).  Layout: two-space indentation, one metric's
 * samples on one line, keys in the order docs/results-format.md lists.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/outfile.h"
#include "tach/result.h"
#include "result/internal.h"

typedef struct writer {
	FILE *f;
	int error; /* first -errno seen */
	size_t len;
	char buf[65536];
} writer;

static void flush(writer *w)
{
	if (w->len && !w->error && fwrite(w->buf, 1, w->len, w->f) != w->len)
		w->error = errno ? -errno : TACH_EIO;
	w->len = 0;
}

static void put(writer *w, const char *s, size_t n)
{
	if (w->len + n > sizeof w->buf) {
		flush(w);
		if (n > sizeof w->buf) {
			if (!w->error && fwrite(s, 1, n, w->f) != n)
				w->error = errno ? -errno : TACH_EIO;
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* PUTS for literals only; put_str for anything else */
#define PUTS(w, lit) put((w), "" lit, sizeof(lit) - 1)

static void put_str(writer *w, const char *s)
{
	put(w, s, strlen(s));
}

static void put_string(writer *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	PUTS(w, "\"");
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"': PUTS(w, "\\\""); break;
		case '\\': PUTS(w, "\\\\"); break;
		case '\n': PUTS(w, "\\n"); break;
		case '\t': PUTS(w, "\\t"); break;
		case '\r': PUTS(w, "\\r"); break;
		case '\b': PUTS(w, "\\b"); break;
		case '\f': PUTS(w, "\\f"); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			put(w, u, 6);
		}
		}
	}
	put(w, run, (size_t)(s - run));
	PUTS(w, "\"");
}

static void put_double(writer *w, double d)
{
	if (w->len + 32 > sizeof w->buf)
		flush(w);
	w->len += tach__dtoa(d, w->buf + w->len);
}

static void put_u64(writer *w, uint64_t v)
{
	char b[24];
	put(w, b, (size_t)snprintf(b, sizeof b, "%" PRIu64, v));
}

static void put_key(writer *w, const char *indent, const char *key)
{
	put(w, indent, strlen(indent));
	put_string(w, key);
	PUTS(w, ": ");
}

/* "key": "value" member if value is set; *first tracks the commas. */
static void member_str(writer *w, int *first, const char *indent,
                       const char *key, const char *value)
{
	if (!value)
		return;
	if (!*first)
		PUTS(w, ",\n");
	*first = 0;
	put_key(w, indent, key);
	put_string(w, value);
}

static void kv_object(writer *w, const tach_kvlist *l, const char *indent)
{
	if (!l->n) {
		PUTS(w, "{}");
		return;
	}
	PUTS(w, "{");
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			PUTS(w, ", ");
		put_string(w, l->items[i].key);
		PUTS(w, ": ");
		put_string(w, l->items[i].value);
	}
	(void)indent;
	PUTS(w, "}");
}

static void double_array(writer *w, const double *v, size_t n)
{
	PUTS(w, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			PUTS(w, ", ");
		put_double(w, v[i]);
	}
	PUTS(w, "]");
}

static void write_meta(writer *w, const tach_meta *m)
{
	const char *in = "    ";
	int first = 1;
	PUTS(w, "  \"meta\": {\n");
	member_str(w, &first, in, "tool", m->tool);
	member_str(w, &first, in, "tool_version", m->tool_version);
	member_str(w, &first, in, "timestamp", m->timestamp);
	if (m->git_commit || m->git_branch || m->git_dirty >= 0) {
		int f2 = 1;
		if (!first)
			PUTS(w, ",\n");
		first = 0;
		put_key(w, in, "git");
		PUTS(w, "{\n");
		member_str(w, &f2, "      ", "commit", m->git_commit);
		member_str(w, &f2, "      ", "branch", m->git_branch);
		if (m->git_dirty >= 0) {
			if (!f2)
				PUTS(w, ",\n");
			f2 = 0;
			put_key(w, "      ", "dirty");
			if (m->git_dirty)
				PUTS(w, "true");
			else
				PUTS(w, "false");
		}
		PUTS(w, "\n    }");
	}
	if (m->hostname || m->os || m->kernel || m->cpu_model || m->cpu_count) {
		int f2 = 1;
		if (!first)
			PUTS(w, ",\n");
		first = 0;
		put_key(w, in, "host");
		PUTS(w, "{\n");
		member_str(w, &f2, "      ", "hostname", m->hostname);
		member_str(w, &f2, "      ", "os", m->os);
		member_str(w, &f2, "      ", "kernel", m->kernel);
		member_str(w, &f2, "      ", "cpu_model", m->cpu_model);
		if (m->cpu_count > 0) {
			if (!f2)
				PUTS(w, ",\n");
			f2 = 0;
			put_key(w, "      ", "cpu_count");
			put_u64(w, (uint64_t)m->cpu_count);
		}
		PUTS(w, "\n    }");
	}
	if (m->compiler || m->compiler_flags) {
		int f2 = 1;
		if (!first)
			PUTS(w, ",\n");
		first = 0;
		put_key(w, in, "build");
		PUTS(w, "{\n");
		member_str(w, &f2, "      ", "compiler", m->compiler);
		member_str(w, &f2, "      ", "flags", m->compiler_flags);
		PUTS(w, "\n    }");
	}
	if (m->testbed || m->hostname || m->cpu_model || m->cpu_count > 0) {
		/* the testbed: its name (the user's or derived) and the facts
		 * that identify the machine, in one place for readers of the file */
		char name[TACH_TESTBED_MAX + 1];
		int f2 = 1;
		if (!first)
			PUTS(w, ",\n");
		first = 0;
		put_key(w, in, "testbed");
		PUTS(w, "{\n");
		member_str(w, &f2, "      ", "name", tach_meta_testbed(m, name, sizeof name));
		member_str(w, &f2, "      ", "host", m->hostname);
		member_str(w, &f2, "      ", "cpu", m->cpu_model);
		if (m->cpu_count > 0) {
			PUTS(w, ",\n");
			put_key(w, "      ", "cores");
			put_u64(w, (uint64_t)m->cpu_count);
		}
		member_str(w, &f2, "      ", "kernel", m->kernel);
		member_str(w, &f2, "      ", "compiler", m->compiler);
		PUTS(w, "\n    }");
	}
	const tach_kvlist *lists[] = {&m->labels, &m->context};
	const char *names[] = {"labels", "context"};
	for (int i = 0; i < 2; i++) {
		if (!lists[i]->n)
			continue;
		if (!first)
			PUTS(w, ",\n");
		first = 0;
		put_key(w, in, names[i]);
		kv_object(w, lists[i], in);
	}
	PUTS(w, "\n  }");
}

static const char *const source_names[] = {"library", "command", "import"};

static void write_metric(writer *w, const tach_metric *m)
{
	PUTS(w, "        {\"name\": ");
	put_string(w, m->name);
	PUTS(w, ", \"unit\": ");
	put_string(w, m->unit);
	if (m->direction == TACH_HIGHER_IS_BETTER)
		PUTS(w, ", \"direction\": \"higher\"");
	else
		PUTS(w, ", \"direction\": \"lower\"");
	if (m->flags & TACH_METRIC_DETERMINISTIC)
		PUTS(w, ", \"deterministic\": true");
	if (m->flags & TACH_METRIC_UNRESOLVED)
		PUTS(w, ", \"unresolved\": true");
	PUTS(w, ",\n         \"samples\": ");
	double_array(w, m->samples, m->n_samples);
	if (m->iterations) {
		PUTS(w, ",\n         \"iterations\": [");
		for (size_t i = 0; i < m->n_samples; i++) {
			if (i)
				PUTS(w, ", ");
			put_u64(w, m->iterations[i]);
		}
		PUTS(w, "]");
	}
	if (m->n_series) {
		PUTS(w, ",\n         \"series\": [");
		for (size_t i = 0; i < m->n_series; i++) {
			const tach_series *s = m->series[i];
			put_str(w, i ? ",\n           " : "\n           ");
			PUTS(w, "{\"sample\": ");
			put_u64(w, s->sample);
			PUTS(w, ", \"t\": ");
			double_array(w, s->t, s->n);
			PUTS(w, ", \"v\": ");
			double_array(w, s->v, s->n);
			PUTS(w, "}");
		}
		PUTS(w, "]");
	}
	PUTS(w, "}");
}

static void write_benchmark(writer *w, const tach_benchmark *b)
{
	PUTS(w, "    {\n      \"name\": ");
	put_string(w, b->name);
	if (b->params.n) {
		PUTS(w, ",\n      \"params\": ");
		kv_object(w, &b->params, "      ");
	}
	PUTS(w, ",\n      \"source\": {\"kind\": \"");
	put_str(w, source_names[b->source.kind]);
	PUTS(w, "\"");
	if (b->source.tool) {
		PUTS(w, ", \"tool\": ");
		put_string(w, b->source.tool);
	}
	if (b->source.command) {
		PUTS(w, ", \"command\": ");
		put_string(w, b->source.command);
	}
	PUTS(w, "}");
	if (b->error) {
		PUTS(w, ",\n      \"error\": ");
		put_string(w, b->error);
	}
	if (b->skipped) {
		PUTS(w, ",\n      \"skipped\": ");
		put_string(w, b->skipped);
	}
	PUTS(w, ",\n      \"metrics\": [");
	for (size_t i = 0; i < b->n_metrics; i++) {
		put_str(w, i ? ",\n" : "\n");
		write_metric(w, b->metrics[i]);
	}
	put_str(w, b->n_metrics ? "\n      ]\n    }" : "]\n    }");
}

/* A complexity fit: one object, its benchmarks' names on one line. */
static void write_fit(writer *w, const tach_fit *f)
{
	PUTS(w, "    {\"name\": ");
	put_string(w, f->name);
	PUTS(w, ", \"param\": ");
	put_string(w, f->param);
	PUTS(w, ", \"metric\": ");
	put_string(w, f->metric);
	PUTS(w, ", \"big_o\": ");
	put_string(w, f->big_o);
	if (f->automatic)
		PUTS(w, ", \"automatic\": true");
	PUTS(w, ",\n     \"coefficient\": ");
	put_double(w, f->coefficient);
	PUTS(w, ", \"rms\": ");
	put_double(w, f->rms);
	PUTS(w, ",\n     \"benchmarks\": [");
	for (size_t i = 0; i < f->n_benchmarks; i++) {
		if (i)
			PUTS(w, ", ");
		put_string(w, f->benchmarks[i]);
	}
	PUTS(w, "]}");
}

int tach_result_write(const tach_result *r, FILE *f, tach_error *err)
{
	int rc = tach_result_validate(r, err);
	if (rc)
		return rc;
	/* 64 KiB buffer: on the heap, this may run on a small thread stack */
	writer *w = malloc(sizeof *w);
	if (!w)
		return TACH_ENOMEM;
	w->f = f;
	w->error = 0;
	w->len = 0;
	PUTS(w, "{\n  \"format\": ");
	put_u64(w, TACH_FORMAT_VERSION);
	PUTS(w, ",\n");
	write_meta(w, &r->meta);
	PUTS(w, ",\n  \"benchmarks\": [");
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		put_str(w, i ? ",\n" : "\n");
		write_benchmark(w, r->benchmarks[i]);
	}
	put_str(w, r->n_benchmarks ? "\n  ]" : "]");
	if (r->n_fits) {
		PUTS(w, ",\n  \"complexity\": [");
		for (size_t i = 0; i < r->n_fits; i++) {
			put_str(w, i ? ",\n" : "\n");
			write_fit(w, r->fits[i]);
		}
		PUTS(w, "\n  ]");
	}
	PUTS(w, "\n}\n");
	flush(w);
	rc = w->error;
	free(w);
	if (!rc && fflush(f) != 0)
		rc = errno ? -errno : TACH_EIO;
	if (rc)
		tach__error_set(err, "write failed: %s", tach_strerror(rc));
	return rc;
}

int tach_result_write_file(const tach_result *r, const char *path, tach_error *err)
{
	tach_outfile *o;
	int rc = tach_result_validate(r, err);
	if (rc)
		return rc;
	if ((rc = tach_outfile_open(path, &o))) {
		tach__error_set(err, "cannot write '%s': %s", path, tach_strerror(rc));
		return rc;
	}
	rc = tach_result_write(r, tach_outfile_stream(o), err);
	if (rc)
		tach_outfile_abort(o);
	else
		rc = tach_outfile_commit(o);
	if (rc)
		tach__error_set(err, "cannot write '%s': %s", path, tach_strerror(rc));
	return rc;
}
