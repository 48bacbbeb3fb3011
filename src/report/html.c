/* html.c - `tach report`: one self-contained HTML file (inline CSS, inline
 * SVG drawn here, a few lines of inline JavaScript for the filter box; no
 * network, and readable without the script) with a header saying what was
 * measured where, summary cards, the comparison chart (each row's change
 * with its interval against the minimum-effect band, sorted, coloured by
 * verdict), the full table, and per benchmark the distribution of its
 * samples, base against candidate.
 *
 * Every name goes through tach__emit_html and sits in <bdi>, so markup,
 * quotes and right-to-left overrides in a benchmark name stay text.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/changepoint.h"
#include "tach/compare.h"
#include "tach/report.h"
#include "tach/result.h"
#include "tach/stats.h"
#include "tach/store.h"
#include "tach/units.h"
#include "tach/version.h"
#include "report/emit.h"
#include "report/html.h"
#include "report/svg.h"

static const char css[] =
	":root{--bg:#fff;--fg:#1d2330;--mute:#667085;--line:#d0d5dd;--card:#f6f7f9;"
	"--bad:#d92d20;--good:#12a150;--warn:#c4850c;--base:#6172f3;--cand:#e04f9b;--band:#e6f4ea}"
	"@media (prefers-color-scheme:dark){:root{--bg:#12151c;--fg:#e4e7ec;--mute:#98a2b3;"
	"--line:#344054;--card:#1d2330;--band:#17392a}}"
	"*{box-sizing:border-box}body{margin:0 auto;max-width:1180px;padding:24px;font:14px/1.45 "
	"system-ui,-apple-system,'Segoe UI',sans-serif;background:var(--bg);color:var(--fg)}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}"
	".meta{color:var(--mute)}.warn{color:var(--warn)}"
	".cards{display:flex;flex-wrap:wrap;gap:12px;margin:18px 0}"
	".card{background:var(--card);border-radius:10px;padding:12px 16px;min-width:130px}"
	".card b{display:block;font-size:24px}.card.bad b{color:var(--bad)}"
	".card.good b{color:var(--good)}.card.inc b{color:var(--warn)}"
	"table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}"
	"th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right}"
	"th:first-child,td:first-child,td.l,th.l{text-align:left}"
	"tr.regressed td.v{color:var(--bad);font-weight:600}"
	"tr.improved td.v{color:var(--good);font-weight:600}tr.inconclusive td.v{color:var(--warn)}"
	"svg{display:block;max-width:100%;height:auto}svg.dist{width:740px}svg text{fill:var(--fg);font-size:11px}"
	"svg .axis{stroke:var(--line);fill:none}svg .band{fill:var(--band)}"
	"svg .regressed{stroke:var(--bad);fill:var(--bad)}svg .improved{stroke:var(--good);"
	"fill:var(--good)}svg .same,svg .new,svg .gone{stroke:var(--mute);fill:var(--mute)}"
	"svg .inconclusive{stroke:var(--warn);fill:var(--warn)}"
	"svg .base{fill:var(--base);stroke:var(--base)}svg .cand{fill:var(--cand);stroke:var(--cand)}"
	"svg .line{fill:none}svg .box{fill-opacity:.18}svg .med,svg .ci{stroke-width:2}"
	"svg .dots{fill:none;stroke-width:5;stroke-linecap:round;stroke-opacity:.6}details{border-bottom:1px solid var(--line);padding:6px 0}summary{cursor:pointer}"
	"#filter{padding:6px 10px;width:320px;max-width:100%;border:1px solid var(--line);"
	"border-radius:6px;background:var(--bg);color:var(--fg)}"
	"h3{font-size:14px;margin:14px 0 4px}.pair{display:flex;flex-wrap:wrap;gap:8px 20px;"
	"align-items:flex-start}svg.lat{width:740px}table.mini{width:auto;margin:6px 0 10px}"
	".barcell{width:220px}.bar{display:inline-block;height:10px;border-radius:2px;"
	"vertical-align:middle}.bar.base{background:var(--base)}.bar.cand{background:var(--cand)}"
	"svg .over{fill:var(--card)}svg text.peak{font-weight:600}svg text.regressed,svg text.improved{stroke:none}"
	".worse{color:var(--bad);font-weight:600}.better{color:var(--good)}"
	"details.group{padding:8px 0}details.group>summary{font-size:15px}"
	"details.group>details{margin-left:18px}details.rest>details{margin-left:18px}"
	"footer{margin-top:32px;color:var(--mute);font-size:12px}"
	"@media print{#filter{display:none}details{break-inside:avoid}details>*{display:block}}";

/* The filter box: hides rows and sections whose name does not contain the
 * text.  Without JavaScript every row is simply shown. */
static const char script[] =
	"document.getElementById('filter').hidden=false;"
	"document.getElementById('filter').addEventListener('input',function(e){"
	"var q=e.target.value.toLowerCase();"
	"document.querySelectorAll('[data-name]').forEach(function(n){"
	"n.style.display=n.getAttribute('data-name').toLowerCase().indexOf(q)<0?'none':'';});});";

/* ---- header ---- */

static void header(FILE *f, const tach_html_input *in, const tach_result *r)
{
	const tach_meta *m = &r->meta;
	fputs("<header><h1>", f);
	tach__html_text(f, in->title ? in->title : "tach report");
	fputs("</h1><div class=meta>", f);
	size_t n = r->n_benchmarks;
	fprintf(f, "%zu benchmark%s", n, n == 1 ? "" : "s");
	if (m->timestamp) {
		fputs(" · measured ", f);
		tach__html_text(f, m->timestamp);
	}
	if (m->hostname) {
		fputs(" · on ", f);
		tach__html_text(f, m->hostname);
	}
	if (m->cpu_model) {
		fputs(" · ", f);
		tach__html_text(f, m->cpu_model);
	}
	if (m->git_commit) {
		fputs(" · commit <code>", f);
		tach__html_commit(f, m->git_commit, 12);
		fputs("</code>", f);
		if (m->git_branch) {
			fputs(" (", f);
			tach__html_text(f, m->git_branch);
			fputs(")", f);
		}
		if (m->git_dirty == 1)
			fputs(" <span class=warn>dirty</span>", f);
	}
	fputs("</div>", f);
	/* what the memory figures of tach run are (docs/results-format.md) */
	const char *pm = tach_kvlist_get(&m->context, "peak_rss_method");
	const char *tm = tach_kvlist_get(&m->context, "tree_peak_memory_method");
	const char *tw = tach_kvlist_get(&m->context, "tree_peak_memory_why");
	if (pm || tm) {
		fputs("<div class=meta>memory: ", f);
		if (tm) {
			fputs("peak_rss = the largest single process; tree_peak_memory = the whole tree "
			      "at once, by ", f);
			tach__html_text(f, tm);
			if (tw) {
				fputs(" (", f);
				tach__html_text(f, tw);
				fputs(")", f);
			}
		} else {
			fputs("peak_rss by ", f); /* a file from before the two peaks */
			tach__html_text(f, pm);
		}
		fputs("</div>", f);
	}
	/* what makes the numbers less trustworthy, said up front */
	const char *build = tach_kvlist_get(&m->context, "library_build_type"); /* Google Benchmark */
	const char *ours = tach_kvlist_get(&m->context, "build");                /* tach/bench.h */
	const char *scaling = tach_kvlist_get(&m->context, "cpu_scaling_enabled");
	const char *governor = tach_kvlist_get(&m->context, "cpu_governor");
	int debug = (build && !strcmp(build, "debug")) || (ours && !strcmp(ours, "debug")) ||
	            (m->compiler_flags && !strstr(m->compiler_flags, "-O"));
	int freq = (scaling && !strcmp(scaling, "true")) ||
	           (governor && strcmp(governor, "performance"));
	size_t noisy = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		for (size_t k = 0; k < r->benchmarks[i]->n_metrics; k++) {
			const tach_metric *mm = r->benchmarks[i]->metrics[k];
			noisy += mm->n_samples >= 3 && tach_stats_cv(mm->samples, mm->n_samples) > 0.05;
		}
	if (debug || freq || noisy) {
		fputs("<ul class=warn>", f);
		if (debug)
			fputs("<li>a debug (unoptimised) build was measured</li>", f);
		if (freq) {
			fputs("<li>CPU frequency scaling was on", f);
			if (governor) {
				fputs(" (governor ", f);
				tach__html_text(f, governor);
				fputs(")", f);
			}
			fputs(": timings may drift</li>", f);
		}
		if (noisy) {
			/* name the first few, so the reader knows where to look */
			fprintf(f, "<li>%zu metric%s noisier than 5%% CV: ", noisy,
			        noisy == 1 ? " is" : "s are");
			size_t shown = 0;
			for (size_t i = 0; i < r->n_benchmarks && shown < 3; i++)
				for (size_t k = 0; k < r->benchmarks[i]->n_metrics && shown < 3; k++) {
					const tach_benchmark *b = r->benchmarks[i];
					const tach_metric *mm = b->metrics[k];
					double cv = mm->n_samples >= 3 ? tach_stats_cv(mm->samples, mm->n_samples) : 0;
					if (!(cv > 0.05))
						continue;
					fputs(shown ? ", " : "", f);
					tach__html_name(f, b->name, &b->params);
					fputs(" ", f);
					tach__html_text(f, mm->name);
					fprintf(f, " (%.1f%%)", cv * 100);
					shown++;
				}
			if (noisy > shown)
				fprintf(f, " and %zu more", noisy - shown);
			fputs("</li>", f);
		}
		fputs("</ul>", f);
	}
	fputs("</header>\n", f);
}

/* ---- summary cards ---- */

static void cards(FILE *f, const tach_comparison *c)
{
	static const struct {
		tach_verdict v;
		const char *cls;
	} order[] = {{TACH_REGRESSED, "bad"}, {TACH_IMPROVED, "good"}, {TACH_SAME, ""},
	             {TACH_INCONCLUSIVE, "inc"}};
	fputs("<section class=cards>", f);
	for (size_t i = 0; i < 4; i++)
		fprintf(f, "<div class='card %s'><b>%zu</b>%s</div>", order[i].cls,
		        c->counts[order[i].v], tach_verdict_name(order[i].v));
	for (size_t g = 0; g < c->n_geomeans && g < 2; g++) {
		char ch[32];
		tach__html_pct(ch, sizeof ch, c->geomeans[g].ratio);
		fprintf(f, "<div class=card><b>%s</b>geomean ", ch);
		tach__html_text(f, c->geomeans[g].metric);
		fputs("</div>", f);
	}
	const tach_compare_row *worst = NULL;
	for (size_t i = 0; i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		if (r->verdict == TACH_REGRESSED && isfinite(r->ratio) &&
		    (!worst || tach_compare_row_worsening(r) > tach_compare_row_worsening(worst)))
			worst = r;
	}
	if (worst) {
		fprintf(f, "<div class='card bad'><b>%+.1f%%</b>worst: ",
		        tach_compare_row_worsening(worst) * 100);
		tach__html_name(f, worst->name, worst->params);
		fputs(" ", f);
		tach__html_text(f, worst->metric);
		fputs("</div>", f);
	}
	fputs("</section>\n", f);
}

/* ---- the comparison chart ---- */

static int by_worsening(const void *a, const void *b)
{
	double x = tach_compare_row_worsening(*(const tach_compare_row *const *)a);
	double y = tach_compare_row_worsening(*(const tach_compare_row *const *)b);
	return (y > x) - (y < x);
}

/* One chart of rows (sorted) on a shared ratio axis. */
static void chart_rows(FILE *f, const tach_compare_row **rows, size_t n, const tach__axis *ax,
                       double band)
{
	const double left = 360, right = 1120, top = 24, row_h = 18;
	double height = top + row_h * (double)n + 10;
	fprintf(f, "<svg role=img aria-label='changes' viewBox='0 0 1140 ");
	tach__svg_num(f, height);
	fputs("'>", f);
	/* the minimum-effect band: one for the chart, or one per row when the
	 * rows were decided with different minimum effects (gate config,
	 * --noise-runs) */
	int same_band = 1;
	for (size_t i = 1; i < n; i++)
		same_band &= rows[i]->rule.min_effect == rows[0]->rule.min_effect;
	for (size_t i = 0; i < (same_band ? 1 : n); i++) {
		double e = same_band ? band : rows[i]->rule.min_effect;
		double b0 = tach__axis_px(ax, 1 / (1 + e), left, right),
		       b1 = tach__axis_px(ax, 1 + e, left, right);
		fputs("<rect class=band x='", f);
		tach__svg_num(f, b0);
		fputs("' y='", f);
		tach__svg_num(f, same_band ? top - 6 : top + row_h * (double)i + 1);
		fputs("' width='", f);
		tach__svg_num(f, b1 - b0);
		fputs("' height='", f);
		tach__svg_num(f, same_band ? height - top : row_h - 2);
		fputs("'/>", f);
	}
	for (size_t t = 0; t < ax->n_ticks; t++) {
		double x = tach__axis_px(ax, ax->ticks[t], left, right);
		fputs("<line class=axis x1='", f);
		tach__svg_num(f, x);
		fprintf(f, "' x2='");
		tach__svg_num(f, x);
		fprintf(f, "' y1='%g' y2='", top - 6);
		tach__svg_num(f, height);
		fputs("'/><text text-anchor=middle x='", f);
		tach__svg_num(f, x);
		fputs("' y='12'>", f);
		tach__html_text(f, ax->labels[t]);
		fputs("</text>", f);
	}
	/* the rows' labels end at the axis: said once for all of them */
	fputs("<g text-anchor=end>", f);
	for (size_t i = 0; i < n; i++) {
		const tach_compare_row *r = rows[i];
		double y = top + row_h * (double)i + row_h / 2;
		const char *cls = tach_verdict_name(r->verdict);
		char label[700], ch[32];
		tach__display_name(label, sizeof label, r->name, r->params);
		tach__html_pct(ch, sizeof ch, r->ratio);
		fprintf(f, "<g data-name=\"");
		tach__html_text(f, label);
		fputs("\"><title>", f);
		tach__html_text(f, label);
		fputs(" ", f);
		tach__html_text(f, r->metric);
		fprintf(f, ": %s (%s%s)</title><text x=%g y=", ch, cls,
		        r->flags & TACH_ROW_DETERMINISTIC ? ", deterministic: a threshold, no test"
		        : r->flags & TACH_ROW_UNRESOLVED  ? ", below resolution: too fast to measure"
		                                          : "",
		        left - 8);
		tach__svg_num(f, y + 4);
		fputc('>', f);
		/* long names are cut for the chart; the title and table hold them whole */
		size_t len = strlen(label);
		if (len > 48) {
			size_t cut = 45;
			while (cut > 0 && ((unsigned char)label[cut] & 0xc0) == 0x80)
				cut--;
			label[cut] = 0;
			tach__html_text(f, label);
			fputs("…", f);
		} else {
			tach__html_text(f, label);
		}
		fputs(" <tspan class=meta>", f);
		tach__html_text(f, r->metric);
		fputs("</tspan></text>", f);
		if (isfinite(r->ratio_lo) && isfinite(r->ratio_hi) && r->ratio_lo > 0) {
			fprintf(f, "<line class='%s ci' x1=", cls);
			tach__svg_num(f, tach__axis_px(ax, r->ratio_lo, left, right));
			fputs(" x2=", f);
			tach__svg_num(f, tach__axis_px(ax, r->ratio_hi, left, right));
			fputs(" y1=", f);
			tach__svg_num(f, y);
			fputs(" y2=", f);
			tach__svg_num(f, y);
			fputs(" />", f);
		}
		fprintf(f, "<circle class=%s r=4 cx=", cls);
		tach__svg_num(f, tach__axis_px(ax, r->ratio, left, right));
		fputs(" cy=", f);
		tach__svg_num(f, y);
		fputs(" /></g>\n", f);
	}
	fputs("</g></svg>\n", f);
}

/* The changes chart.  A large suite shows the rows that moved (or could
 * not be decided) and folds the unchanged ones away, on the same axis. */
static void chart(FILE *f, const tach_comparison *c, int heading)
{
	size_t n = 0;
	const tach_compare_row **rows = malloc((c->n_rows + 1) * sizeof *rows);
	if (!rows) {
		tach__html_nomem();
		return;
	}
	double lo = 1, hi = 1, band = 0.01;
	for (size_t i = 0; i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		if (!r->metric || !(r->ratio > 0) || !isfinite(r->ratio))
			continue;
		rows[n++] = r;
		band = r->rule.min_effect;
		double l = isfinite(r->ratio_lo) && r->ratio_lo > 0 ? r->ratio_lo : r->ratio;
		double u = isfinite(r->ratio_hi) ? r->ratio_hi : r->ratio;
		lo = fmin(lo, l);
		hi = fmax(hi, u);
	}
	if (!n) {
		free(rows);
		return;
	}
	qsort(rows, n, sizeof *rows, by_worsening);
	tach__axis ax;
	tach__axis_ratio(fmax(lo, 1e-6), fmin(hi, 1e6), &ax);
	if (heading)
		fputs("<h2>Changes</h2><p class=meta>Each row: the change of the candidate's median "
		      "with its confidence interval; the green band is the minimum effect (changes "
		      "inside it do not count). Worst first.</p>\n",
		      f);
	if (n <= 40) {
		chart_rows(f, rows, n, &ax, band);
		free(rows);
		return;
	}
	/* stable partition: moved rows first, keeping the worst-first order */
	const tach_compare_row **same = malloc(n * sizeof *same);
	size_t n_moved = 0, n_same = 0;
	for (size_t i = 0; same && i < n; i++) {
		if (rows[i]->verdict == TACH_SAME)
			same[n_same++] = rows[i];
		else
			rows[n_moved++] = rows[i];
	}
	if (!same) {
		tach__html_nomem();
		n_moved = n;
	}
	if (n_moved)
		chart_rows(f, rows, n_moved, &ax, band);
	else
		fputs("<p>No row moved.</p>\n", f);
	if (n_same) {
		fprintf(f, "<details><summary>%zu unchanged row%s</summary>\n", n_same,
		        n_same == 1 ? "" : "s");
		chart_rows(f, same, n_same, &ax, band);
		fputs("</details>\n", f);
	}
	free(same);
	free(rows);
}

/* ---- the table ---- */

static void table(FILE *f, const tach_comparison *c, int main_table)
{
	/* a long table is folded (a further comparison's always); the filter
	 * box still reaches into it */
	fprintf(f, "%s<details%s><summary>%zu rows</summary>", main_table ? "<h2>All rows</h2>" : "",
	        main_table && c->n_rows <= 200 ? " open" : "", c->n_rows);
	fputs("<table><thead><tr><th>benchmark</th><th class=l>metric</th><th>base</th>"
	      "<th>cand</th><th>change</th><th>98% CI</th><th>p (Holm)</th><th>n</th><th>CV</th>"
	      "<th class=l>verdict</th></tr></thead><tbody>\n",
	      f);
	for (size_t i = 0; i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		char label[700], b[64], k[64], ch[32], lo[32], hi[32];
		tach__display_name(label, sizeof label, r->name, r->params);
		tach__html_value(b, sizeof b, r->base_median, r->unit);
		tach__html_value(k, sizeof k, r->cand_median, r->unit);
		tach__html_pct(ch, sizeof ch, r->ratio);
		tach__html_pct(lo, sizeof lo, r->ratio_lo);
		tach__html_pct(hi, sizeof hi, r->ratio_hi);
		fprintf(f, "<tr class=%s data-name=\"", tach_verdict_name(r->verdict));
		tach__html_text(f, label);
		fputs("\"><td>", f);
		tach__html_name(f, r->name, r->params);
		fputs("</td><td class=l>", f);
		tach__html_text(f, r->metric ? r->metric : "");
		fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td><td>", b, k, r->metric ? ch : "");
		if (isfinite(r->ratio_lo) && isfinite(r->ratio_hi))
			fprintf(f, "[%s, %s]", lo, hi);
		fputs("</td><td>", f);
		if (isfinite(r->p_adjusted))
			fprintf(f, "%.3g", r->p_adjusted);
		fprintf(f, "</td><td>%zu/%zu</td><td>", r->n_base, r->n_cand);
		if (r->n_base >= 2 || r->n_cand >= 2)
			fprintf(f, "%.1f%%", fmax(r->cv_base, r->cv_cand) * 100);
		fprintf(f, "</td><td class='v l'>%s", tach_verdict_name(r->verdict));
		if (r->verdict == TACH_INCONCLUSIVE && r->n_needed)
			fprintf(f, " (n≈%zu/side)", r->n_needed);
		if (r->flags & TACH_ROW_DETERMINISTIC)
			fprintf(f, " <span class=meta>(deterministic: ±%.2g%% threshold)</span>",
			        r->rule.threshold * 100);
		if (r->flags & TACH_ROW_UNRESOLVED)
			fputs(" <span class=meta>(below resolution: too fast to measure)</span>", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></details>\n", f);
}

/* ---- further comparisons ---- */

/* One more comparison under its own heading: its cards, its chart, and
 * its table folded (the main sections hold the samples). */
static void versus(FILE *f, const tach_html_versus *v)
{
	fputs("<h2>", f);
	tach__html_text(f, v->title ? v->title : "Comparison");
	fputs("</h2><p class=meta>", f);
	tach__html_text(f, v->base_name ? v->base_name : "base");
	fputs(" → ", f);
	tach__html_text(f, v->cand_name ? v->cand_name : "candidate");
	fputs(": each row the candidate's change with its confidence interval, as above.</p>\n",
	      f);
	cards(f, v->comparison);
	chart(f, v->comparison, 0);
	table(f, v->comparison, 0);
}

/* ---- results without a comparison ---- */

/* The metric a row of the overview shows: time when there is one. */
static const tach_metric *primary(const tach_benchmark *b)
{
	const tach_metric *m = tach_benchmark_metric(b, TACH_M_TIME);
	return m ? m : b->n_metrics ? b->metrics[0] : NULL;
}

/* One row per benchmark: its main metric's median, spread and samples and
 * the throughput when measured; the numbers a reader scans before opening
 * a section. */
static void overview(FILE *f, const tach_report_input *in, int named)
{
	const tach_result *r = in->result;
	fputs("<h2>Results", f);
	if (named && in->name) {
		fputs(" <span class=meta>", f);
		tach__html_text(f, in->name);
		fputs("</span>", f);
	}
	fprintf(f, "</h2><details%s><summary>%zu benchmark%s</summary><table><thead><tr>"
	           "<th>benchmark</th><th class=l>metric</th><th>median</th><th>CV</th><th>n</th>"
	           "<th>throughput</th></tr></thead><tbody>\n",
	        r->n_benchmarks <= 200 ? " open" : "", r->n_benchmarks,
	        r->n_benchmarks == 1 ? "" : "s");
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		const tach_metric *m = primary(b);
		char label[700], med[64], tp[64] = "";
		tach__display_name(label, sizeof label, b->name, &b->params);
		double v = tach__html_median(m);
		tach__html_value(med, sizeof med, v, m ? m->unit : NULL);
		const tach_metric *t = tach_benchmark_metric(b, TACH_M_ITEMS_PER_SECOND);
		if (!t)
			t = tach_benchmark_metric(b, TACH_M_BYTES_PER_SECOND);
		if (t)
			tach__html_value(tp, sizeof tp, tach__html_median(t), t->unit);
		double cv = m && m->n_samples >= 2 ? tach_stats_cv(m->samples, m->n_samples) : NAN;
		fputs("<tr data-name=\"", f);
		tach__html_text(f, label);
		fputs("\"><td>", f);
		tach__html_name(f, b->name, &b->params);
		if (b->error)
			fputs(" <span class=warn>failed</span>", f);
		fputs("</td><td class=l>", f);
		tach__html_text(f, m ? m->name : "");
		fprintf(f, "</td><td>%s</td><td%s>", med, cv > 0.05 ? " class=warn" : "");
		if (isfinite(cv))
			fprintf(f, "%.1f%%", cv * 100);
		fprintf(f, "</td><td>%zu</td><td>%s</td></tr>\n", m ? m->n_samples : 0, tp);
	}
	fputs("</tbody></table></details>\n", f);
}

int tach_report_html(FILE *f, const tach_html_input *in)
{
	const tach_result *cand = in->comparison ? in->comparison->cand
	                          : in->n_results ? in->results[0].result
	                                          : NULL;
	const tach_result *base = in->comparison ? in->comparison->base : NULL;
	if (!cand && !in->n_series && !in->n_versus)
		return TACH_EINVAL;
	tach__html_nomem_reset();
	fputs("<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
	      "<meta name=viewport content='width=device-width,initial-scale=1'>"
	      "<meta name=color-scheme content='light dark'><title>",
	      f);
	tach__html_text(f, in->title ? in->title : "tach report");
	fprintf(f, "</title><style>%s</style></head><body>\n", css);
	if (cand)
		header(f, in, cand);
	else {
		fputs("<header><h1>", f);
		tach__html_text(f, in->title ? in->title : "tach report");
		fprintf(f, "</h1><div class=meta>%zu history series</div></header>\n", in->n_series);
	}
	fputs("<input id=filter type=search placeholder='filter benchmarks' hidden "
	      "aria-label='filter benchmarks'>\n",
	      f);
	if (in->comparison) {
		fputs("<p class=meta>", f);
		tach__html_text(f, in->base_name ? in->base_name : "base");
		fputs(" → ", f);
		tach__html_text(f, in->cand_name ? in->cand_name : "candidate");
		fputs("</p>\n", f);
		cards(f, in->comparison);
		chart(f, in->comparison, 1);
		table(f, in->comparison, 1);
	}
	for (size_t i = 0; i < in->n_versus; i++)
		versus(f, &in->versus[i]);
	for (size_t i = 0; !in->comparison && i < in->n_results; i++)
		overview(f, &in->results[i], in->n_results > 1);
	if (in->n_series)
		tach__html_history(f, in->series, in->n_series);
	for (size_t i = 0; cand && i < (in->comparison ? 1 : in->n_results); i++)
		tach__html_scaling(f, base, in->comparison ? cand : in->results[i].result);
	for (size_t i = 0; cand && i < (in->comparison ? 1 : in->n_results); i++)
		tach__html_load(f, in->comparison ? cand : in->results[i].result);
	for (size_t i = 0; cand && i < (in->comparison ? 1 : in->n_results); i++)
		tach__html_complexity(f, base, in->comparison ? cand : in->results[i].result);
	for (size_t i = 0; cand && i < (in->comparison ? 1 : in->n_results); i++)
		tach__html_benchmarks(f, base, in->comparison ? cand : in->results[i].result);
	fprintf(f, "<footer>made by tach %s · one file, no network · "
	           "changes use the rule in docs/statistics.md</footer>\n<script>%s</script>"
	           "</body></html>\n",
	        tach_version(), script);
	if (tach__html_nomem_reset())
		return TACH_ENOMEM;
	/* a failed write leaves its errno, as error.h promises callers */
	return ferror(f) ? (errno ? -errno : TACH_EIO) : 0;
}
