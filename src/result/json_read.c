/* json_read.c - reads a results file into a result set.
 *
 * Two passes over the text: the first checks the JSON syntax of the whole
 * document and finds the format version (so a newer file is reported as
 * such, and a broken one never yields a partial result); the second builds
 * the model straight from the text, with no intermediate tree, checking
 * every rule of docs/results-format.md at the position it applies to.
 * Unknown keys are skipped, so additions within a format version stay
 * readable.  Any error frees everything built so far.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "tach/version.h"
#include "result/internal.h"
#include "result/json_reader.h"

static int read_doubles(reader *r, double **v, size_t *n, size_t *cap,
                        const char *what, int nonneg)
{
	int first = 1, more;
	if (tach__jr_arr_open(r, what))
		return r->j.failed;
	while ((more = tach__jr_arr_next(r, &first)) == 1) {
		const char *at = r->j.p;
		double d;
		if (tach__jr_get_number(r, &d, what))
			return r->j.failed;
		if (nonneg && d < 0)
			return FAIL(r, at, "negative time %.*s s in %s",
			            (int)(r->j.p - at > 40 ? 40 : r->j.p - at), at, what);
		if (tach__grow((void **)v, cap, *n + 1, sizeof **v))
			return tach__json_fail(&r->j, at, TACH_ENOMEM, "out of memory");
		(*v)[(*n)++] = d;
	}
	return more < 0 ? r->j.failed : 0;
}

static const char *const keys_series[] = {"sample", "t", "v", NULL};

static int read_series(reader *r, tach_metric *m, const char *mname)
{
	int first = 1, more;
	char what[300];
	if (tach__jr_arr_open(r, "\"series\""))
		return r->j.failed;
	while ((more = tach__jr_arr_next(r, &first)) == 1) {
		const char *open = r->j.p;
		tach_series *s = tach_metric_add_series(m, 0);
		if (!s)
			return tach__json_fail(&r->j, open, TACH_ENOMEM, "out of memory");
		unsigned seen = 0;
		int f2 = 1, m2, have_t = 0, have_v = 0;
		size_t nt = 0, nv = 0, cap_v = 0;
		const char *sample_at = NULL;
		if (tach__jr_obj_open(r, "a series"))
			return r->j.failed;
		while ((m2 = tach__jr_obj_next(r, &f2)) == 1) {
			if (tach__jr_dup_key(r, &seen, keys_series))
				return r->j.failed;
			snprintf(what, sizeof what, "series %s of metric '%s'", r->key, mname);
			if (!strcmp(r->key, "sample")) {
				unsigned long long u;
				sample_at = r->j.p;
				if (tach__jr_get_uint(r, SIZE_MAX, &u, what))
					return r->j.failed;
				s->sample = (size_t)u;
			} else if (!strcmp(r->key, "t")) {
				have_t = 1;
				if (read_doubles(r, &s->t, &nt, &s->cap, what, 1))
					return r->j.failed;
			} else if (!strcmp(r->key, "v")) {
				have_v = 1;
				if (read_doubles(r, &s->v, &nv, &cap_v, what, 0))
					return r->j.failed;
			} else if (tach__jr_skip(r)) {
				return r->j.failed;
			}
		}
		if (m2 < 0)
			return r->j.failed;
		if (!have_t || !have_v)
			return FAIL(r, open, "a series of metric '%s' needs both \"t\" and \"v\"", mname);
		if (nt != nv)
			return FAIL(r, open, "series of metric '%s': \"t\" has %zu points, \"v\" has %zu",
			            mname, nt, nv);
		/* both arrays must share one capacity for tach_series_add */
		if (s->cap != cap_v) {
			size_t c = nt ? nt : 1;
			double *t2 = realloc(s->t, c * sizeof *t2);
			if (t2)
				s->t = t2;
			double *v2 = realloc(s->v, c * sizeof *v2);
			if (v2)
				s->v = v2;
			if (!t2 || !v2)
				return tach__json_fail(&r->j, open, TACH_ENOMEM, "out of memory");
			s->cap = c;
		}
		s->n = nt;
		for (size_t i = 1; i < nt; i++)
			if (s->t[i] < s->t[i - 1])
				return FAIL(r, open, "series of metric '%s': times must ascend "
				            "(point %zu is earlier than point %zu)", mname, i, i - 1);
		if (sample_at && m->n_samples && s->sample >= m->n_samples)
			return FAIL(r, sample_at, "series refers to sample %zu, but metric '%s' has %zu samples",
			            s->sample, mname, m->n_samples);
	}
	return more < 0 ? r->j.failed : 0;
}

enum { HAVE_NAME = 1, HAVE_UNIT = 2, HAVE_DIR = 4, HAVE_SAMPLES = 8 };

static const char *const keys_metric[] = {"name", "unit", "direction", "deterministic", "unresolved", "samples", "iterations", "series", NULL};

static int read_metric(reader *r, tach_benchmark *b)
{
	unsigned seen = 0;
	const char *open = r->j.p;
	int first = 1, more, have = 0;
	const char *unit_at = NULL, *samples_at = NULL, *iter_at = NULL,
	           *name_at = NULL;
	size_t n_iter = 0;
	if (tach__jr_obj_open(r, "a metric"))
		return r->j.failed;
	tach_metric *m = tach_benchmark_add_metric(b, "", "", TACH_LOWER_IS_BETTER);
	if (!m)
		return tach__json_fail(&r->j, open, TACH_ENOMEM, "out of memory");
	while ((more = tach__jr_obj_next(r, &first)) == 1) {
		if (tach__jr_dup_key(r, &seen, keys_metric))
			return r->j.failed;
		const char *k = r->key, *at = r->j.p;
		if (!strcmp(k, "name")) {
			have |= HAVE_NAME;
			name_at = at;
			if (tach__jr_get_string(r, &m->name, "metric \"name\""))
				return r->j.failed;
			if (!*m->name)
				return FAIL(r, at, "empty metric name");
		} else if (!strcmp(k, "unit")) {
			have |= HAVE_UNIT;
			unit_at = at;
			if (tach__jr_get_string(r, &m->unit, "metric \"unit\""))
				return r->j.failed;
		} else if (!strcmp(k, "direction")) {
			char *d = NULL;
			have |= HAVE_DIR;
			if (tach__jr_get_string(r, &d, "metric \"direction\""))
				return r->j.failed;
			int ok = !strcmp(d, "lower") || !strcmp(d, "higher");
			m->direction = !strcmp(d, "higher") ? TACH_HIGHER_IS_BETTER
			                                    : TACH_LOWER_IS_BETTER;
			if (!ok) {
				FAIL(r, at, "direction must be \"lower\" or \"higher\", got \"%s\"", d);
				free(d);
				return r->j.failed;
			}
			free(d);
		} else if (!strcmp(k, "deterministic")) {
			int det;
			if (tach__jr_get_bool(r, &det, "metric \"deterministic\""))
				return r->j.failed;
			if (det)
				m->flags |= TACH_METRIC_DETERMINISTIC;
		} else if (!strcmp(k, "unresolved")) {
			int un;
			if (tach__jr_get_bool(r, &un, "metric \"unresolved\""))
				return r->j.failed;
			if (un)
				m->flags |= TACH_METRIC_UNRESOLVED;
		} else if (!strcmp(k, "samples")) {
			have |= HAVE_SAMPLES;
			samples_at = at;
			if (read_doubles(r, &m->samples, &m->n_samples, &m->cap_samples,
			                 "\"samples\"", 0))
				return r->j.failed;
		} else if (!strcmp(k, "iterations")) {
			int f2 = 1, m2;
			iter_at = at;
			n_iter = 0;
			if (tach__jr_arr_open(r, "\"iterations\""))
				return r->j.failed;
			while ((m2 = tach__jr_arr_next(r, &f2)) == 1) {
				unsigned long long u;
				if (tach__jr_get_uint(r, UINT64_MAX, &u, "an iteration count"))
					return r->j.failed;
				if (tach__grow((void **)&m->iterations, &m->cap_iterations,
				               n_iter + 1, sizeof *m->iterations))
					return tach__json_fail(&r->j, at, TACH_ENOMEM, "out of memory");
				m->iterations[n_iter++] = u;
			}
			if (m2 < 0)
				return r->j.failed;
		} else if (!strcmp(k, "series")) {
			if (read_series(r, m, m->name))
				return r->j.failed;
		} else if (tach__jr_skip(r)) {
			return r->j.failed;
		}
	}
	if (more < 0)
		return r->j.failed;
	static const struct {
		int bit;
		const char *key;
	} req[] = {{HAVE_NAME, "name"}, {HAVE_UNIT, "unit"},
	           {HAVE_DIR, "direction"}, {HAVE_SAMPLES, "samples"}};
	for (size_t i = 0; i < sizeof req / sizeof *req; i++)
		if (!(have & req[i].bit))
			return FAIL(r, open, "metric%s%s%s is missing \"%s\"",
			            *m->name ? " '" : "", m->name, *m->name ? "'" : "",
			            req[i].key);
	char why[200];
	tach_unit_class cls;
	if (tach_unit_check(m->unit, &cls, why, sizeof why))
		return FAIL(r, unit_at, "unknown unit \"%s\" for metric '%s': %s", m->unit,
		            m->name, why);
	const char *kunit;
	tach_direction kdir;
	if (tach_metric_known(m->name, &kunit, &kdir)) {
		if (strcmp(kunit, m->unit))
			return FAIL(r, unit_at, "metric '%s' is well known and must have unit \"%s\", got \"%s\"",
			            m->name, kunit, m->unit);
		if (kdir != m->direction)
			return FAIL(r, open, "metric '%s' is well known and must have direction \"%s\"",
			            m->name, kdir == TACH_LOWER_IS_BETTER ? "lower" : "higher");
	}
	if (cls == TACH_UNIT_TIME) {
		for (size_t i = 0; i < m->n_samples; i++)
			if (m->samples[i] < 0)
				return FAIL(r, samples_at, "negative duration %g s in sample %zu of metric '%s'",
				            m->samples[i], i, m->name);
	}
	if (iter_at && n_iter != m->n_samples)
		return FAIL(r, iter_at, "\"iterations\" has %zu entries but \"samples\" has %zu",
		            n_iter, m->n_samples);
	if (iter_at && !m->iterations) /* empty list for no samples */
		m->iterations = calloc(1, sizeof *m->iterations);
	for (size_t i = 0; i + 1 < b->n_metrics; i++)
		if (!strcmp(b->metrics[i]->name, m->name))
			return FAIL(r, name_at, "metric '%s' appears twice in benchmark '%s'",
			            m->name, b->name ? b->name : "");
	for (size_t i = 0; i < m->n_series; i++)
		if (m->series[i]->sample >= m->n_samples && m->n_samples)
			return FAIL(r, open, "a series of metric '%s' refers to sample %zu of %zu",
			            m->name, m->series[i]->sample, m->n_samples);
	return 0;
}

/* ---- benchmarks ---- */

static const char *const keys_source[] = {"kind", "tool", "command", NULL};

static int read_source(reader *r, tach_benchmark *b)
{
	unsigned seen = 0;
	const char *open = r->j.p;
	int first = 1, more, have_kind = 0;
	if (tach__jr_obj_open(r, "\"source\""))
		return r->j.failed;
	while ((more = tach__jr_obj_next(r, &first)) == 1) {
		if (tach__jr_dup_key(r, &seen, keys_source))
			return r->j.failed;
		const char *at = r->j.p;
		if (!strcmp(r->key, "kind")) {
			static const char *const kinds[] = {"library", "command", "import"};
			char *k = NULL;
			if (tach__jr_get_string(r, &k, "source \"kind\""))
				return r->j.failed;
			size_t i = 0;
			while (i < 3 && strcmp(k, kinds[i]))
				i++;
			if (i == 3) {
				FAIL(r, at, "source kind must be \"library\", \"command\" or "
				     "\"import\", got \"%s\"", k);
				free(k);
				return r->j.failed;
			}
			free(k);
			b->source.kind = (tach_source_kind)i;
			have_kind = 1;
		} else if (!strcmp(r->key, "tool")) {
			if (tach__jr_get_string(r, &b->source.tool, "source \"tool\""))
				return r->j.failed;
		} else if (!strcmp(r->key, "command")) {
			if (tach__jr_get_string(r, &b->source.command, "source \"command\""))
				return r->j.failed;
		} else if (tach__jr_skip(r)) {
			return r->j.failed;
		}
	}
	if (more < 0)
		return r->j.failed;
	if (!have_kind)
		return FAIL(r, open, "source is missing \"kind\"");
	return 0;
}

static const char *const keys_benchmark[] = {"name", "params", "source", "error", "skipped", "metrics", NULL};

static int read_benchmark(reader *r, tach_result *res)
{
	unsigned seen = 0;
	const char *open = r->j.p;
	int first = 1, more, have_metrics = 0;
	const char *name_at = NULL;
	if (tach__jr_obj_open(r, "a benchmark"))
		return r->j.failed;
	if (tach__grow((void **)&r->bench_at, &r->cap_bench_at, res->n_benchmarks + 1,
	               sizeof *r->bench_at))
		return tach__json_fail(&r->j, open, TACH_ENOMEM, "out of memory");
	r->bench_at[res->n_benchmarks] = open;
	tach_benchmark *b = tach_result_add_benchmark(res, "");
	if (!b)
		return tach__json_fail(&r->j, open, TACH_ENOMEM, "out of memory");
	while ((more = tach__jr_obj_next(r, &first)) == 1) {
		if (tach__jr_dup_key(r, &seen, keys_benchmark))
			return r->j.failed;
		const char *k = r->key, *at = r->j.p;
		int rc;
		if (!strcmp(k, "name")) {
			name_at = at;
			rc = tach__jr_get_string(r, &b->name, "benchmark \"name\"");
			if (!rc && !*b->name)
				return FAIL(r, at, "empty benchmark name");
		} else if (!strcmp(k, "params")) {
			rc = tach__jr_get_kvlist(r, &b->params, "benchmark \"params\"");
		} else if (!strcmp(k, "source")) {
			rc = read_source(r, b);
		} else if (!strcmp(k, "error")) {
			rc = tach__jr_get_string(r, &b->error, "benchmark \"error\"");
		} else if (!strcmp(k, "skipped")) {
			rc = tach__jr_get_string(r, &b->skipped, "benchmark \"skipped\"");
		} else if (!strcmp(k, "metrics")) {
			int f2 = 1, m2;
			have_metrics = 1;
			if (tach__jr_arr_open(r, "\"metrics\""))
				return r->j.failed;
			while ((m2 = tach__jr_arr_next(r, &f2)) == 1)
				if (read_metric(r, b))
					return r->j.failed;
			rc = m2 < 0 ? r->j.failed : 0;
		} else {
			rc = tach__jr_skip(r);
		}
		if (rc)
			return r->j.failed;
	}
	if (more < 0)
		return r->j.failed;
	if (!name_at)
		return FAIL(r, open, "benchmark is missing \"name\"");
	if (!have_metrics)
		return FAIL(r, open, "benchmark '%s' is missing \"metrics\"", b->name);
	return 0;
}

/* ---- complexity fits ---- */

static const char *const keys_fit[] = {"name", "param", "metric", "big_o", "automatic",
                                       "coefficient", "rms", "benchmarks", NULL};

/* One object of "complexity" (docs/results-format.md, "Complexity"). */
static int read_fit(reader *r, tach_result *res)
{
	unsigned seen = 0;
	const char *open = r->j.p, *big_o_at = NULL;
	int first = 1, more;
	if (tach__jr_obj_open(r, "a complexity fit"))
		return r->j.failed;
	tach_fit *f = tach_result_add_fit(res, "", "", "", "");
	if (!f)
		return tach__json_fail(&r->j, open, TACH_ENOMEM, "out of memory");
	while ((more = tach__jr_obj_next(r, &first)) == 1) {
		if (tach__jr_dup_key(r, &seen, keys_fit))
			return r->j.failed;
		const char *k = r->key, *at = r->j.p;
		char **strings[] = {&f->name, &f->param, &f->metric, &f->big_o};
		double *numbers[] = {&f->coefficient, &f->rms};
		int rc = 0, done = 0;
		for (size_t i = 0; i < 4 && !done; i++)
			if (!strcmp(k, keys_fit[i])) {
				rc = tach__jr_get_string(r, strings[i], "a complexity fit's string");
				if (!rc && !*strings[i][0])
					return FAIL(r, at, "complexity: empty \"%s\"", k);
				big_o_at = i == 3 ? at : big_o_at;
				done = 1;
			}
		for (size_t i = 0; i < 2 && !done; i++)
			if (!strcmp(k, keys_fit[5 + i])) {
				rc = tach__jr_get_number(r, numbers[i], "a complexity fit's number");
				if (!rc && (!isfinite(*numbers[i]) || (i == 1 && *numbers[i] < 0)))
					return FAIL(r, at, "complexity: \"%s\" must be a finite number%s", k,
					            i ? " not below 0" : "");
				done = 1;
			}
		if (done) {
		} else if (!strcmp(k, "automatic")) {
			rc = tach__jr_get_bool(r, &f->automatic, "complexity \"automatic\"");
		} else if (!strcmp(k, "benchmarks")) {
			int f2 = 1, m2;
			if (tach__jr_arr_open(r, "complexity \"benchmarks\""))
				return r->j.failed;
			while ((m2 = tach__jr_arr_next(r, &f2)) == 1) {
				char *name = NULL;
				const char *nat = r->j.p;
				if (tach__jr_get_string(r, &name, "a benchmark name in a complexity fit"))
					return r->j.failed;
				rc = *name ? tach_fit_add_benchmark(f, name) : TACH_EFORMAT;
				free(name);
				if (rc)
					return rc == TACH_ENOMEM
					               ? tach__json_fail(&r->j, nat, rc, "out of memory")
					               : FAIL(r, nat, "complexity: empty benchmark name");
			}
			rc = m2 < 0 ? r->j.failed : 0;
		} else {
			rc = tach__jr_skip(r);
		}
		if (rc)
			return r->j.failed;
	}
	if (more < 0)
		return r->j.failed;
	for (size_t i = 0; i < 4; i++)
		if (!(seen & (1u << i)))
			return FAIL(r, open, "complexity fit is missing \"%s\"", keys_fit[i]);
	if (!(seen & (1u << 5)) || !(seen & (1u << 6)))
		return FAIL(r, open, "complexity fit '%s' is missing \"coefficient\" or \"rms\"",
		            f->name);
	if (!tach__fit_curve_valid(f->big_o))
		return FAIL(r, big_o_at, "complexity '%s': unknown curve \"%s\" (1, lgN, N, NlgN, "
		            "N^2 or N^3)", f->name, f->big_o);
	for (size_t i = 0; i + 1 < res->n_fits; i++)
		if (!strcmp(res->fits[i]->name, f->name) && !strcmp(res->fits[i]->metric, f->metric))
			return FAIL(r, open, "complexity '%s' of metric '%s' appears twice", f->name,
			            f->metric);
	return 0;
}

/* ---- the document ---- */

/* Two benchmarks of the same name and parameters: refused at the second,
 * naming the first's place too. */
static int duplicate(reader *r, const tach_result *res)
{
	size_t a, b;
	int rc = tach_result_duplicate(res, &a, &b);
	if (rc < 0)
		return tach__json_fail(&r->j, r->j.p, rc, "out of memory");
	if (!rc)
		return 0;
	unsigned line = 1;
	const char *ls = r->j.start;
	for (const char *p = r->j.start; p < r->bench_at[a]; p++)
		if (*p == '\n')
			line++, ls = p + 1;
	return FAIL(r, r->bench_at[b],
	            "benchmark '%s' is here twice, with the same parameters: first at %s:%u:%u "
	            "(a comparison could not tell them apart)",
	            res->benchmarks[b]->name, r->j.name ? r->j.name : "(input)", line,
	            (unsigned)(r->bench_at[a] - ls) + 1);
}

static int read_document(reader *r, tach_result *res)
{
	jlex *j = &r->j;
	const char *top = j->p, *meta_at = NULL, *bench_at = NULL,
	           *format_at = NULL, *fits_at = NULL;
	unsigned long long format = 0;
	int first = 1, more;

	/* Pass 1: syntax of everything (obj_next checks the top level, skip
	 * each value), the format version, where the sections are. */
	tach__json_ws(j);
	if (j->p >= j->end || *j->p != '{') {
		if (tach__json_check(j))
			return j->failed;
		tach__json_ws(j);
		return FAIL(r, j->p, "a results file is a JSON object with \"format\", "
		            "\"meta\" and \"benchmarks\"; got %s", tach__json_what(j));
	}
	j->p++;
	static const char *const keys_top[] = {"format", "meta", "benchmarks", "complexity", NULL};
	unsigned seen = 0;
	while ((more = tach__jr_obj_next(r, &first)) == 1) {
		const char *at = j->p;
		if (tach__jr_dup_key(r, &seen, keys_top))
			return j->failed;
		if (!strcmp(r->key, "format")) {
			format_at = at;
			char c = tach__jr_peek(r);
			if (!(c == '-' || (c >= '0' && c <= '9'))) {
				if (tach__jr_skip(r))
					return j->failed;
				continue; /* type error reported after the syntax check */
			}
			double v;
			int is_int;
			if (tach__json_number(j, &v, &is_int))
				return j->failed;
			format = is_int && v >= 1 && v < 1e9 ? (unsigned long long)v : 0;
			continue;
		}
		if (!strcmp(r->key, "meta"))
			meta_at = at;
		else if (!strcmp(r->key, "benchmarks"))
			bench_at = at;
		else if (!strcmp(r->key, "complexity"))
			fits_at = at;
		if (tach__jr_skip(r))
			return j->failed;
	}
	if (more < 0)
		return j->failed;
	tach__json_ws(j);
	if (j->p < j->end)
		return tach__json_fail(j, j->p, TACH_EPARSE,
		                       "unexpected text after the JSON value");
	if (!format_at)
		return FAIL(r, top, "not a tach results file: \"format\" is missing "
		            "(use 'tach import' for other tools' files)");
	if (!format)
		return FAIL(r, format_at, "\"format\" must be a positive integer");
	if (format > TACH_FORMAT_VERSION)
		return tach__json_fail(j, format_at, TACH_EVERSION,
		                       "results format version %llu is newer than this "
		                       "tach (%s) reads (version %d); upgrade tach",
		                       format, TACH_VERSION_STRING, TACH_FORMAT_VERSION);
	if (!bench_at)
		return FAIL(r, top, "\"benchmarks\" is missing");
	res->meta.format = (int)format;

	/* Pass 2: build. */
	if (meta_at) {
		j->p = meta_at;
		if (tach__jr_meta(r, &res->meta))
			return j->failed;
	}
	j->p = bench_at;
	first = 1;
	if (tach__jr_arr_open(r, "\"benchmarks\""))
		return j->failed;
	while ((more = tach__jr_arr_next(r, &first)) == 1)
		if (read_benchmark(r, res))
			return j->failed;
	if (more < 0)
		return j->failed;
	if (fits_at) {
		j->p = fits_at;
		first = 1;
		if (tach__jr_arr_open(r, "\"complexity\""))
			return j->failed;
		while ((more = tach__jr_arr_next(r, &first)) == 1)
			if (read_fit(r, res))
				return j->failed;
		if (more < 0)
			return j->failed;
	}
	return duplicate(r, res);
}

int tach_result_read_buffer(const char *data, size_t len, const char *name,
                            tach_result **out, tach_error *err)
{
	*out = NULL;
	tach_error dummy;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof *err);
	err->file = name;
	tach_result *res = tach_result_new();
	if (!res) {
		snprintf(err->message, sizeof err->message, "out of memory");
		return TACH_ENOMEM;
	}
	/* what the file says replaces the defaults of tach_result_new */
	free(res->meta.tool);
	free(res->meta.tool_version);
	res->meta.tool = res->meta.tool_version = NULL;

	reader *r = malloc(sizeof *r);
	if (!r) {
		tach_result_free(res);
		snprintf(err->message, sizeof err->message, "out of memory");
		return TACH_ENOMEM;
	}
	memset(r, 0, sizeof *r);
	r->j.start = r->j.p = data;
	r->j.end = data + len;
	r->j.name = name;
	r->j.err = err;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		r->j.p += 3; /* a UTF-8 byte order mark */
	int rc = read_document(r, res);
	free(r->bench_at);
	free(r);
	if (rc) {
		tach_result_free(res);
		return rc;
	}
	*out = res;
	return 0;
}

int tach_result_read_file(const char *path, tach_result **out, tach_error *err)
{
	size_t len;
	char *data;
	*out = NULL;
	int rc = tach__read_input(path, &data, &len, err);
	if (rc)
		return rc;
	rc = tach_result_read_buffer(data, len, path, out, err);
	free(data);
	return rc;
}
