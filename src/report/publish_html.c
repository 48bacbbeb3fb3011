/* publish_html.c - the HTML of the published site (publish.c decides what
 * goes on which page): the index of one testbed and branch, and a
 * benchmark's page with every testbed and branch.  Every page carries its
 * own CSS and at most a few lines of JavaScript; nothing is loaded from
 * anywhere, and the pages read the same without script (every view
 * shown) and on paper (@media print).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tach/report.h"
#include "report/emit.h"
#include "report/html.h"
#include "report/publish.h"
#include "report/svg.h"

static const char css[] =
	":root{--bg:#fff;--fg:#1d2330;--mute:#667085;--line:#d0d5dd;--card:#f6f7f9;"
	"--bad:#d92d20;--good:#12a150;--base:#6172f3;--cand:#e04f9b}"
	"@media (prefers-color-scheme:dark){:root{--bg:#12151c;--fg:#e4e7ec;--mute:#98a2b3;"
	"--line:#344054;--card:#1d2330}}"
	"body{margin:24px auto;max-width:1200px;padding:0 16px;font:14px/1.45 "
	"system-ui,-apple-system,'Segoe UI',sans-serif;background:var(--bg);color:var(--fg)}"
	"a{color:var(--base)}h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:24px 0 8px}"
	"h3{font-size:15px;margin:18px 0 4px}.meta{color:var(--mute)}"
	"nav{margin:8px 0;display:flex;flex-wrap:wrap;gap:6px;align-items:center}"
	"nav a,nav b{padding:2px 8px;border:1px solid var(--line);border-radius:12px;"
	"text-decoration:none}nav b,nav a.on{background:var(--card);font-weight:600}"
	"table{border-collapse:collapse;width:100%}"
	"th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:right;vertical-align:middle;"
	"white-space:nowrap}td:first-child{white-space:normal}"
	"th:first-child,td:first-child,td.l,th.l{text-align:left}th{color:var(--mute);font-weight:600}"
	".worse{color:var(--bad);font-weight:600}.better{color:var(--good)}"
	"svg{display:block;max-width:100%;height:auto}svg.dist{width:740px}"
	"svg text{fill:var(--fg);font-size:11px}svg .axis{stroke:var(--line);fill:none}"
	"svg .regressed{stroke:var(--bad);fill:var(--bad)}svg .improved{stroke:var(--good);fill:var(--good)}"
	"svg text.regressed,svg text.improved{stroke:none}"
	"svg .base{fill:var(--base);stroke:var(--base)}svg .cand{fill:var(--cand);stroke:var(--cand)}"
	"svg .line{fill:none}svg.spark{width:120px;height:24px}svg.strip{width:400px;height:28px}"
	"#filter{padding:5px 9px;width:320px;max-width:100%;border:1px solid var(--line);"
	"border-radius:6px;background:var(--bg);color:var(--fg)}"
	"details{margin:4px 0}summary{cursor:pointer;color:var(--mute)}"
	".vals{font:12px ui-monospace,monospace;word-break:break-all}"
	"footer{margin-top:32px;color:var(--mute);font-size:12px}"
	"@media print{body{margin:0;max-width:none;font-size:11px}nav,#filter,details summary{display:none}"
	"section.view[hidden]{display:none}a{color:inherit;text-decoration:none}"
	"tr,section.metric{break-inside:avoid}:root{--bg:#fff;--fg:#000;--card:#fff}}";

static void head(FILE *f, const char *title, const char *subtitle)
{
	fputs("<!doctype html><html lang=en><head><meta charset=utf-8>"
	      "<meta name=viewport content='width=device-width,initial-scale=1'><title>",
	      f);
	tach__html_text(f, title);
	if (subtitle) {
		fputs(" - ", f);
		tach__html_text(f, subtitle);
	}
	fprintf(f, "</title><style>%s</style></head><body>\n", css);
}

static void foot(FILE *f)
{
	fputs("<footer>Written by tach publish. Each point is one run's median; change points "
	      "as tach trend finds them (docs/history.md).</footer></body></html>\n",
	      f);
}

static void view_label(FILE *f, const tach__pub_view *v)
{
	tach__html_text(f, v->testbed);
	fputs(" · ", f);
	if (*v->branch)
		tach__html_text(f, v->branch);
	else
		fputs("(no branch)", f);
}

static void bench_link(FILE *f, const tach__site *s, size_t bench, const char *prefix,
                       const tach__pub_view *v)
{
	const tach__pub_bench *b = &s->benches[bench];
	fprintf(f, "<a href='%s%s#v-%s'>", prefix, b->file, v->id);
	tach__html_name(f, b->b->name, &b->b->params);
	fputs("</a>", f);
}

static void commit_cell(FILE *f, const char *commit)
{
	fputs("<td class=l><code>", f);
	if (commit)
		tach__html_commit(f, commit, 12);
	else
		fputs("-", f);
	fputs("</code></td>", f);
}

/* The switches: testbeds (each at the current branch when it has one),
 * then the branches of the current testbed. */
static void switches(FILE *f, const tach__site *s, size_t cur)
{
	const tach__pub_view *c = &s->views[cur];
	fputs("<nav aria-label=testbed><span class=meta>Testbed</span>", f);
	for (size_t v = 0; v < s->n_views; v++) {
		if (v && !strcmp(s->views[v - 1].testbed, s->views[v].testbed))
			continue;
		/* this testbed at the current branch, else its first view */
		size_t to = v;
		for (size_t w = v; w < s->n_views && !strcmp(s->views[w].testbed, s->views[v].testbed); w++)
			if (!strcmp(s->views[w].branch, c->branch))
				to = w;
		int here = !strcmp(s->views[v].testbed, c->testbed);
		if (here)
			fputs("<b>", f);
		else
			fprintf(f, "<a href='%s'>", s->views[to].index);
		tach__html_text(f, s->views[v].testbed);
		fputs(here ? "</b>" : "</a>", f);
	}
	fputs("</nav>\n<nav aria-label=branch><span class=meta>Branch</span>", f);
	for (size_t v = 0; v < s->n_views; v++) {
		if (strcmp(s->views[v].testbed, c->testbed))
			continue;
		if (v == cur)
			fputs("<b>", f);
		else
			fprintf(f, "<a href='%s'>", s->views[v].index);
		if (*s->views[v].branch)
			tach__html_text(f, s->views[v].branch);
		else
			fputs("(no branch)", f);
		fputs(v == cur ? "</b>" : "</a>", f);
	}
	fputs("</nav>\n", f);
}

/* The newest values as a line 120 x 24; the last point a dot. */
static void sparkline(FILE *f, const tach__pub_row *r)
{
	if (!r->n_spark)
		return;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < r->n_spark; i++) {
		lo = fmin(lo, r->spark[i]);
		hi = fmax(hi, r->spark[i]);
	}
	/* at least 2 % of the values high: noise below that draws flat, not
	 * as the saw-tooth an autoscaled line makes of it */
	double mid = (hi + lo) / 2, span = fmax(hi - lo, 0.02 * fabs(mid));
	if (span == 0)
		span = 1;
	lo = mid - span / 2;
	double step = r->n_spark > 1 ? 116.0 / (double)(r->n_spark - 1) : 0;
	/* whole pixels of height, x as the index scaled: about 6 bytes a point */
	fputs("<svg class=spark viewBox='0 0 120 24' aria-hidden=true>", f);
	fprintf(f, "<polyline class='cand line' vector-effect=non-scaling-stroke "
	           "transform='translate(2 0) scale(%.4g 1)' points='",
	        step);
	for (size_t i = 0; i < r->n_spark; i++)
		fprintf(f, "%s%zu,%.0f", i ? " " : "", i, 21 - 18 * (r->spark[i] - lo) / span);
	fprintf(f, "'/><circle class=cand r=2 cx='%.1f' cy='%.0f'/></svg>",
	        2 + step * (double)(r->n_spark - 1), 21 - 18 * (r->spark[r->n_spark - 1] - lo) / span);
}

static const char filter_js[] =
	"<script>document.getElementById('filter').addEventListener('input',function(e){"
	"var q=e.target.value.toLowerCase();document.querySelectorAll('tr[data-name]').forEach("
	"function(r){r.hidden=q&&r.dataset.name.toLowerCase().indexOf(q)<0})})</script>\n";

static void alerts(FILE *f, const tach__site *s, size_t v)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_alerts; i++)
		n += s->alerts[i].view == v;
	fprintf(f, "<h2 id=alerts>Open alerts (%zu)</h2>\n", n);
	if (!n) {
		fputs("<p class=meta>No change point made a metric worse.</p>\n", f);
		return;
	}
	fputs("<p class=meta>Change points that made a metric worse and were not undone by a later "
	      "one, newest first.</p>\n"
	      "<table><tr><th>Benchmark<th class=l>Metric<th>Change<th>p<th>Run<th>Measured"
	      "<th class=l>Commit</tr>\n",
	      f);
	for (size_t i = 0; i < s->n_alerts; i++) {
		const tach__pub_alert *a = &s->alerts[i];
		if (a->view != v)
			continue;
		char pct[32];
		tach__html_pct(pct, sizeof pct, a->change);
		fputs("<tr><td>", f);
		bench_link(f, s, a->bench, "", &s->views[v]);
		fputs("<td class=l>", f);
		tach__html_text(f, a->metric->name);
		fprintf(f, "<td class=worse>%s<td>%.2g<td>#%lld<td>", pct, a->p, (long long)a->run);
		tach__html_text(f, a->timestamp);
		commit_cell(f, a->commit);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

void tach__pub_index(FILE *f, const tach__site *s, size_t v)
{
	head(f, s->title, NULL);
	fputs("<h1>", f);
	tach__html_text(f, s->title);
	fputs("</h1>\n", f);
	if (v == (size_t)-1) {
		fputs("<p>The history holds no runs yet.</p>\n", f);
		foot(f);
		return;
	}
	size_t rows = 0, benches = 0, last = (size_t)-1;
	for (size_t i = 0; i < s->n_rows; i++)
		if (s->rows[i].view == v) {
			rows++;
			benches += s->rows[i].bench != last;
			last = s->rows[i].bench;
		}
	fputs("<p class=meta>", f);
	view_label(f, &s->views[v]);
	fprintf(f, ": %zu benchmarks, %zu series</p>\n", benches, rows);
	switches(f, s, v);
	alerts(f, s, v);
	fputs("<h2>Benchmarks</h2>\n<p><input id=filter type=search placeholder='filter by name' "
	      "aria-label='filter by name'></p>\n"
	      "<table><tr><th>Benchmark<th class=l>Metric<th>Runs<th>Latest<th>Change<th>vs<th>Newest runs"
	      "<th>Alerts</tr>\n",
	      f);
	for (size_t i = 0; i < s->n_rows; i++) {
		const tach__pub_row *r = &s->rows[i];
		if (r->view != v)
			continue;
		const tach_benchmark *b = s->benches[r->bench].b;
		char label[700], latest[96], pct[32];
		tach__display_name(label, sizeof label, b->name, &b->params);
		tach__html_value(latest, sizeof latest, r->latest, r->metric->unit);
		double ratio = r->base != 0 ? r->latest / r->base : NAN;
		tach__html_pct(pct, sizeof pct, ratio);
		fputs("<tr data-name=\"", f);
		tach__html_text(f, label);
		fputs("\"><td>", f);
		bench_link(f, s, r->bench, "", &s->views[v]);
		fputs("<td class=l>", f);
		tach__html_text(f, r->metric->name);
		/* coloured only where change points show a shift: noise stays grey */
		fprintf(f, "<td>%zu<td>%s<td class=%s>%s<td class=meta>%s<td>", r->n, latest,
		        !isfinite(ratio) || ratio == 1 || !r->n_cps ? "same"
		        : tach__pub_worse(r->metric->direction, ratio) ? "worse"
		                                                       : "better",
		        pct, r->named_base ? "baseline" : "first run");
		sparkline(f, r);
		if (r->n_worse)
			fprintf(f, "<td class=worse>%zu</tr>\n", r->n_worse);
		else
			fputs("<td class=meta>0</tr>\n", f);
	}
	fputs("</table>\n", f);
	fputs(filter_js, f);
	foot(f);
}

/* ---- a benchmark's page ---- */

static void cp_table(FILE *f, const tach__pub_line *l)
{
	if (!l->n_cps) {
		fputs("<p class=meta>No change point.</p>\n", f);
		return;
	}
	fputs("<table><tr><th>Change at run<th>Measured<th class=l>Commit<th>Change<th>p<th></tr>\n", f);
	for (size_t k = 0; k < l->n_cps; k++) {
		const tach_changepoint *c = &l->cps[k];
		const tach_history_point *pt = &l->pts[c->index];
		int worse = tach__pub_worse(l->metric->direction, c->change);
		char pct[32];
		tach__html_pct(pct, sizeof pct, c->change);
		fprintf(f, "<tr><td>#%lld<td>", (long long)pt->run);
		tach__html_text(f, pt->timestamp);
		commit_cell(f, pt->git_commit);
		fprintf(f, "<td class=%s>%s<td>%.2g<td class=l>%s</tr>\n", worse ? "worse" : "better", pct,
		        c->p, worse ? "worse" : "better");
	}
	fputs("</table>\n", f);
}

/* Every sample as a dot on one line from the smallest to the largest. */
static void strip(FILE *f, const tach_metric *m)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < m->n_samples; i++) {
		lo = fmin(lo, m->samples[i]);
		hi = fmax(hi, m->samples[i]);
	}
	if (!isfinite(lo) || !isfinite(hi))
		return;
	double span = hi > lo ? hi - lo : 1;
	size_t step = m->n_samples > 400 ? m->n_samples / 400 : 1;
	fputs("<svg class=strip viewBox='0 0 400 28' aria-hidden=true>"
	      "<line class=axis x1=4 x2=396 y1=14 y2=14 />",
	      f);
	for (size_t i = 0; i < m->n_samples; i += step)
		fprintf(f, "<circle class=cand r=2.5 fill-opacity=.5 cx='%.1f' cy='%zu'/>",
		        4 + 392 * (m->samples[i] - lo) / span, 8 + i * 7 % 13);
	fputs("</svg>", f);
}

static void samples(FILE *f, const tach_benchmark *b, int64_t run)
{
	fprintf(f, "<h3>Samples of the latest run, #%lld</h3>\n", (long long)run);
	if (!b) {
		fputs("<p class=meta>That run could not be read.</p>\n", f);
		return;
	}
	if (b->error || b->skipped) {
		fputs("<p class=worse>", f);
		tach__html_text(f, b->error ? b->error : b->skipped);
		fputs("</p>\n", f);
	}
	fputs("<table><tr><th>Metric<th>n<th>Min<th>Median<th>Max<th class=l>Samples</tr>\n", f);
	for (size_t k = 0; k < b->n_metrics; k++) {
		const tach_metric *m = b->metrics[k];
		double lo = INFINITY, hi = -INFINITY;
		for (size_t i = 0; i < m->n_samples; i++) {
			lo = fmin(lo, m->samples[i]);
			hi = fmax(hi, m->samples[i]);
		}
		char a[96], md[96], z[96];
		tach__html_value(a, sizeof a, lo, m->unit);
		tach__html_value(md, sizeof md, tach__html_median(m), m->unit);
		tach__html_value(z, sizeof z, hi, m->unit);
		fputs("<tr><td>", f);
		tach__html_text(f, m->name);
		fprintf(f, "<td>%zu<td>%s<td>%s<td>%s<td class=l>", m->n_samples, a, md, z);
		strip(f, m);
		if (m->n_samples) {
			fputs("<details><summary>values</summary><div class=vals>", f);
			for (size_t i = 0; i < m->n_samples; i++)
				fprintf(f, "%s%.9g", i ? " " : "", m->samples[i]);
			fputs("</div></details>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Shows the view named by the address's #v-ID (else the index's default
 * one, else the first) and
 * hides the others; without script every view stays shown. */
static const char view_js[] =
	"<script>(function(){var s=document.querySelectorAll('section.view');function show(){"
	"var h=location.hash.slice(1),any=false;s.forEach(function(e){if(e.id==h)any=true});"
	"var d=document.querySelector('section[data-default]')||s[0];"
	"s.forEach(function(e){e.hidden=any?e.id!=h:e!=d;if(!e.hidden)d=e});"
	"document.querySelectorAll('nav a').forEach(function(a){"
	"a.className=a.hash=='#'+d.id?'on':''})}"
	"window.addEventListener('hashchange',show);show()})()</script>\n";

void tach__pub_bench_page(FILE *f, const tach__site *s, size_t bench, const tach__pub_line *lines,
                          size_t n_lines, const tach_benchmark *const *latest,
                          const int64_t *latest_run)
{
	const tach_benchmark *b = s->benches[bench].b;
	char label[700];
	tach__display_name(label, sizeof label, b->name, &b->params);
	head(f, label, s->title);
	fprintf(f, "<p class=meta><a href='../%s'>", s->views[s->default_view].index);
	tach__html_text(f, s->title);
	fputs("</a></p>\n<h1>", f);
	tach__html_name(f, b->name, &b->params);
	fputs("</h1>\n<nav aria-label='testbed and branch'><span class=meta>Testbed · branch</span>",
	      f);
	for (size_t i = 0; i < n_lines; i++) {
		if (i && lines[i - 1].view == lines[i].view)
			continue;
		fprintf(f, "<a href='#v-%s'>", s->views[lines[i].view].id);
		view_label(f, &s->views[lines[i].view]);
		fputs("</a>", f);
	}
	fputs("</nav>\n", f);
	for (size_t i = 0; i < n_lines; i++) {
		const tach__pub_line *l = &lines[i];
		const tach__pub_view *v = &s->views[l->view];
		int first = !i || lines[i - 1].view != l->view;
		if (first) {
			fprintf(f, "<section class=view id='v-%s'%s><h2>", v->id,
			        l->view == s->default_view ? " data-default" : "");
			view_label(f, v);
			fprintf(f, "</h2><p class=meta><a href='../%s'>index of this testbed and branch</a></p>\n",
			        v->index);
		}
		char latest_v[96], pct[32];
		tach__html_value(latest_v, sizeof latest_v, l->pts[l->n - 1].median, l->metric->unit);
		tach__html_pct(pct, sizeof pct, l->base != 0 ? l->pts[l->n - 1].median / l->base : NAN);
		fputs("<section class=metric><h3>", f);
		tach__html_text(f, l->metric->name);
		fprintf(f, "</h3><p class=meta>%zu runs, latest %s, %s against the %s (#%lld)</p>\n", l->n,
		        latest_v, pct, l->named_base ? "baseline" : "first run", (long long)l->base_run);
		tach_html_series hs = {
			.name = b->name,
			.params = &b->params,
			.metric = l->metric->name,
			.unit = l->metric->unit,
			.direction = l->metric->direction,
			.points = l->pts,
			.n = l->n,
			.cps = l->cps,
			.n_cps = l->n_cps,
			.baseline = l->named_base ? l->base : NAN,
		};
		tach__html_history_chart(f, &hs);
		cp_table(f, l);
		fputs("</section>\n", f);
		if (i + 1 == n_lines || lines[i + 1].view != l->view) {
			samples(f, latest[l->view], latest_run[l->view]);
			fputs("</section>\n", f);
		}
	}
	fputs(view_js, f);
	foot(f);
}
