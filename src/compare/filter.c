/* filter.c - which benchmarks and metrics a comparison looks at
 * (`tach compare --filter 'name:^BM_hash size:4096 metric:time'`), and
 * the value of a key in a benchmark, which the filter and the projection
 * (project.c, --col) share.
 *
 * A key is a parameter, or else a part of the name: importers keep Go's
 * "BenchmarkEncode/format=json" and Google Benchmark's "BM_x/size:64" as
 * names, and users of those tools think of format and size as keys.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "tach/compare.h"
#include "compare/internal.h"
#include "util/util.h"

enum term_kind { TERM_NAME, TERM_METRIC, TERM_KEY };

typedef struct term {
	enum term_kind kind;
	int negated;
	char *key, *value; /* TERM_KEY: both; TERM_METRIC: value */
	regex_t re;        /* TERM_NAME */
} term;

struct tach_filter {
	term *terms;
	size_t n, cap;
};

int tach__bench_key(const tach_benchmark *b, const char *key, tach__key_at *at)
{
	const char *v = tach_kvlist_get(&b->params, key);
	*at = (tach__key_at){.value = v, .len = v ? strlen(v) : 0};
	if (v)
		return 1;
	size_t kl = strlen(key);
	/* a part after a '/' reading KEY=VALUE or KEY:VALUE, up to the next '/' */
	for (const char *s = strchr(b->name, '/'); s; s = strchr(s + 1, '/')) {
		if (strncmp(s + 1, key, kl) || (s[1 + kl] != '=' && s[1 + kl] != ':'))
			continue;
		const char *end = strchr(s + 1, '/');
		at->value = s + 2 + kl;
		at->len = end ? (size_t)(end - at->value) : strlen(at->value);
		at->part = s - b->name;
		at->part_len = (size_t)(at->value + at->len - s);
		at->in_name = 1;
		return 1;
	}
	return 0;
}

static int fail(tach_error *err, size_t column, int rc, const char *fmt, const char *a,
                const char *b)
{
	if (err) {
		err->file = "--filter";
		err->line = 1;
		err->column = (unsigned)column;
		tach__error_set(err, fmt, a, b);
	}
	return rc;
}

/* One term, text[0..len) starting at column `col` of the expression. */
static int parse_term(tach_filter *f, const char *text, size_t len, size_t col, tach_error *err)
{
	term t = {0};
	char *word = malloc(len + 1);
	if (!word || tach__grow((void **)&f->terms, &f->cap, f->n + 1, sizeof *f->terms)) {
		free(word);
		return TACH_ENOMEM;
	}
	memcpy(word, text, len);
	word[len] = 0;
	char *w = word;
	if (*w == '-') {
		t.negated = 1;
		w++;
	}
	char *colon = strchr(w, ':');
	int rc = 0;
	if (!colon || colon == w || !colon[1])
		rc = fail(err, col, TACH_EINVAL,
		          "'%s': expected name:REGEX, metric:NAME or KEY:VALUE%s", word, "");
	else {
		*colon = 0;
		const char *v = colon + 1;
		if (!strcmp(w, "name")) {
			t.kind = TERM_NAME;
			int e = regcomp(&t.re, v, REG_EXTENDED | REG_NOSUB);
			if (e) {
				char why[160];
				regerror(e, &t.re, why, sizeof why);
				rc = fail(err, col, TACH_EINVAL, "bad regular expression '%s': %s", v, why);
			}
		} else {
			t.kind = !strcmp(w, "metric") ? TERM_METRIC : TERM_KEY;
			if ((t.kind == TERM_KEY && !(t.key = tach__strdup(w))) ||
			    !(t.value = tach__strdup(v)))
				rc = TACH_ENOMEM;
		}
	}
	free(word);
	if (rc) {
		free(t.key);
		free(t.value);
		return rc;
	}
	f->terms[f->n++] = t;
	return 0;
}

int tach_filter_parse(const char *expr, tach_filter **out, tach_error *err)
{
	*out = NULL;
	tach_filter *f = calloc(1, sizeof *f);
	if (!f)
		return TACH_ENOMEM;
	int rc = 0;
	for (const char *s = expr; !rc && *s;) {
		if (*s == ' ' || *s == '\t' || *s == '\n') {
			s++;
			continue;
		}
		size_t len = strcspn(s, " \t\n");
		rc = parse_term(f, s, len, (size_t)(s - expr) + 1, err);
		s += len;
	}
	if (!rc && !f->n)
		rc = fail(err, 1, TACH_EINVAL, "empty filter: give terms such as name:REGEX%s%s", "",
		          "");
	if (rc) {
		tach_filter_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

static int holds(const term *t, const tach_benchmark *b, const char *metric)
{
	switch (t->kind) {
	case TERM_NAME: return regexec(&t->re, b->name, 0, NULL, 0) == 0;
	case TERM_METRIC: return !strcmp(metric, t->value);
	case TERM_KEY: {
		tach__key_at at;
		return tach__bench_key(b, t->key, &at) && at.len == strlen(t->value) &&
		       !strncmp(at.value, t->value, at.len);
	}
	}
	return 0;
}

int tach_filter_match(const tach_filter *f, const tach_benchmark *b, const char *metric)
{
	for (size_t i = 0; i < f->n; i++) {
		const term *t = &f->terms[i];
		if (t->kind == TERM_METRIC && !metric)
			continue; /* the benchmark as a whole: its metrics decide later */
		if (holds(t, b, metric) == t->negated)
			return 0;
	}
	return 1;
}

void tach_filter_apply(const tach_filter *f, tach_result *r)
{
	for (size_t i = r->n_benchmarks; i-- > 0;) {
		tach_benchmark *b = r->benchmarks[i];
		size_t had = b->n_metrics;
		int keep = tach_filter_match(f, b, NULL);
		for (size_t m = b->n_metrics; keep && m-- > 0;)
			if (!tach_filter_match(f, b, b->metrics[m]->name))
				tach_benchmark_remove_metric(b, b->metrics[m]->name);
		if (!keep || (had && !b->n_metrics))
			tach_result_remove_benchmark(r, i);
	}
}

void tach_filter_free(tach_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		if (f->terms[i].kind == TERM_NAME)
			regfree(&f->terms[i].re);
		free(f->terms[i].key);
		free(f->terms[i].value);
	}
	free(f->terms);
	free(f);
}
