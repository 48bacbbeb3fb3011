/* validate.c - the invariants every result set must hold before it is
 * written, and that the reader enforces on what it loads.
 *
 * Kept in one place so that a producer cannot write a file that tach
 * itself would refuse to read.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tach/result.h"
#include "result/internal.h"

static int check_str(const char *s, const char *what, tach_error *err)
{
	if (s && !tach__utf8_valid(s)) {
		tach__error_set(err, "%s is not valid UTF-8", what);
		return TACH_EFORMAT;
	}
	return 0;
}

static int check_kvlist(const tach_kvlist *l, const char *what, tach_error *err)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!*l->items[i].key) {
			tach__error_set(err, "%s: empty key", what);
			return TACH_EFORMAT;
		}
		if (check_str(l->items[i].key, what, err) ||
		    check_str(l->items[i].value, what, err))
			return TACH_EFORMAT;
	}
	return 0;
}

static int check_meta(const tach_meta *m, tach_error *err)
{
	const char *strings[] = {
		m->tool, m->tool_version, m->timestamp, m->git_commit,
		m->git_branch, m->hostname, m->os, m->kernel,
		m->cpu_model, m->compiler, m->compiler_flags, m->testbed,
	};
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		if (check_str(strings[i], "a metadata field", err))
			return TACH_EFORMAT;
	if (m->git_commit && !tach_meta_commit_valid(m->git_commit)) {
		tach__error_set(err, "meta.git_commit is not a commit hash (4 to 64 hexadecimal digits)");
		return TACH_EFORMAT;
	}
	if (m->testbed && !tach_testbed_name_valid(m->testbed)) {
		tach__error_set(err, "meta.testbed.name is not a testbed name (1 to %d of "
		                "A-Z a-z 0-9 . _ + -, not starting with '.' or '-')", TACH_TESTBED_MAX);
		return TACH_EFORMAT;
	}
	if (check_kvlist(&m->labels, "meta.labels", err) ||
	    check_kvlist(&m->context, "meta.context", err))
		return TACH_EFORMAT;
	return 0;
}

static int check_metric(const tach_benchmark *b, size_t bi,
                        const tach_metric *m, size_t mi, tach_error *err)
{
	char why[200];
	tach_unit_class cls;
	if (!m->name || !*m->name) {
		tach__error_set(err, "benchmarks[%zu].metrics[%zu]: empty metric name", bi, mi);
		return TACH_EFORMAT;
	}
	if (check_str(m->name, "a metric name", err))
		return TACH_EFORMAT;
	if (!m->unit || tach_unit_check(m->unit, &cls, why, sizeof why)) {
		tach__error_set(err, "benchmark '%s' metric '%s': unknown unit '%s': %s",
		                b->name, m->name, m->unit ? m->unit : "", why);
		return TACH_EFORMAT;
	}
	if (m->direction != TACH_LOWER_IS_BETTER &&
	    m->direction != TACH_HIGHER_IS_BETTER) {
		tach__error_set(err, "benchmark '%s' metric '%s': invalid direction",
		                b->name, m->name);
		return TACH_EFORMAT;
	}
	for (size_t i = 0; i < m->n_samples; i++) {
		double v = m->samples[i];
		if (!isfinite(v)) {
			tach__error_set(err, "benchmark '%s' metric '%s': sample %zu is %s",
			                b->name, m->name, i, isnan(v) ? "NaN" : "infinite");
			return TACH_EFORMAT;
		}
		if (cls == TACH_UNIT_TIME && v < 0) {
			tach__error_set(err, "benchmark '%s' metric '%s': negative duration %g s in sample %zu",
			                b->name, m->name, v, i);
			return TACH_EFORMAT;
		}
	}
	for (size_t i = 0; i < m->n_series; i++) {
		const tach_series *s = m->series[i];
		if (s->sample >= m->n_samples && m->n_samples) {
			tach__error_set(err, "benchmark '%s' metric '%s': series %zu refers to sample %zu of %zu",
			                b->name, m->name, i, s->sample, m->n_samples);
			return TACH_EFORMAT;
		}
		for (size_t j = 0; j < s->n; j++) {
			if (!isfinite(s->t[j]) || !isfinite(s->v[j]) || s->t[j] < 0 ||
			    (j && s->t[j] < s->t[j - 1])) {
				tach__error_set(err, "benchmark '%s' metric '%s': series %zu point %zu: "
				                "times must be finite, non-negative and ascending, values finite",
				                b->name, m->name, i, j);
				return TACH_EFORMAT;
			}
		}
	}
	return 0;
}

int tach_result_validate(const tach_result *r, tach_error *err)
{
	if (err) {
		err->line = err->column = 0;
	}
	if (check_meta(&r->meta, err))
		return TACH_EFORMAT;
	for (size_t bi = 0; bi < r->n_benchmarks; bi++) {
		const tach_benchmark *b = r->benchmarks[bi];
		if (!b->name || !*b->name) {
			tach__error_set(err, "benchmarks[%zu]: empty benchmark name", bi);
			return TACH_EFORMAT;
		}
		if (check_str(b->name, "a benchmark name", err) ||
		    check_kvlist(&b->params, "benchmark parameters", err) ||
		    check_str(b->source.tool, "a source tool", err) ||
		    check_str(b->source.command, "a source command", err) ||
		    check_str(b->error, "an error message", err) ||
		    check_str(b->skipped, "a skip reason", err))
			return TACH_EFORMAT;
		if (b->source.kind > TACH_SOURCE_IMPORT) {
			tach__error_set(err, "benchmark '%s': invalid source kind", b->name);
			return TACH_EFORMAT;
		}
		for (size_t mi = 0; mi < b->n_metrics; mi++) {
			const tach_metric *m = b->metrics[mi];
			for (size_t k = 0; k < mi; k++) {
				if (strcmp(b->metrics[k]->name, m->name) == 0) {
					tach__error_set(err, "benchmark '%s': metric '%s' appears twice",
					                b->name, m->name);
					return TACH_EFORMAT;
				}
			}
			int rc = check_metric(b, bi, m, mi, err);
			if (rc)
				return rc;
		}
	}
	return tach__fits_validate(r, err);
}
