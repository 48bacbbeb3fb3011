/* html_util.c - what every part of the HTML report writes with: escaped
 * text, names as isolated bidirectional text, short commits, changes and
 * values with their units, and the note that memory ran out mid-page.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tach/result.h"
#include "tach/stats.h"
#include "tach/units.h"
#include "report/emit.h"
#include "report/html.h"

void tach__html_text(FILE *f, const char *s)
{
	tach__emit_html(f, s ? s : "");
}

void tach__html_name(FILE *f, const char *name, const tach_kvlist *params)
{
	char buf[600];
	tach__display_name(buf, sizeof buf, name, params);
	fputs("<bdi>", f);
	tach__html_text(f, buf);
	fputs("</bdi>", f);
}

void tach__html_pct(char *buf, size_t size, double ratio)
{
	if (!isfinite(ratio))
		snprintf(buf, size, "-");
	else if (ratio > 0 && ratio <= 0.1) /* -99.98% hides 6,000x: say the factor */
		snprintf(buf, size, "/%.*f", 1 / ratio < 100 ? 1 : 0, 1 / ratio);
	else if (ratio >= 10)
		snprintf(buf, size, "x%.*f", ratio < 100 ? 1 : 0, ratio);
	else
		snprintf(buf, size, "%+.2f%%", (ratio - 1) * 100);
}

void tach__html_value(char *buf, size_t size, double v, const char *unit)
{
	if (!isfinite(v)) {
		snprintf(buf, size, "-");
		return;
	}
	tach_scale sc = tach_scale_for(unit ? unit : "count", v, 0);
	char num[40];
	tach_format_scaled(num, sizeof num, v, sc);
	/* a custom unit is the file's text ("a<b" is a valid one): escaped */
	FILE *m = fmemopen(buf, size, "w");
	if (!m) {
		snprintf(buf, size, "%s", num);
		return;
	}
	fprintf(m, "%s%s%s", num, sc.unit && *sc.unit ? " " : "", sc.prefix);
	tach__emit_html(m, sc.unit ? sc.unit : "");
	fclose(m);
	buf[size - 1] = '\0';
}

/* Per thread: two reports may be written at once. */
static __thread int out_of_memory;

void tach__html_nomem(void)
{
	out_of_memory = 1;
}

int tach__html_nomem_reset(void)
{
	int was = out_of_memory;
	out_of_memory = 0;
	return was;
}

double tach__html_median(const tach_metric *m)
{
	double v = NAN;
	if (m && m->n_samples && tach_stats_median(m->samples, m->n_samples, &v)) {
		tach__html_nomem();
		v = NAN;
	}
	return v;
}

/* The first n characters of a commit, escaped: readers refuse a commit
 * that is not a hash, but a history store is a file anyone may edit. */
void tach__html_commit(FILE *f, const char *commit, int n)
{
	char buf[16];
	snprintf(buf, sizeof buf, "%.*s", n, commit);
	tach__html_text(f, buf);
}
