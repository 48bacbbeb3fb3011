/* test_cli_hostile.c - hostile text renders inert everywhere tach shows it
 * (issue 16.7, 16.8).
 *
 * One table of hostile strings (markup, comment openers, quotes, entities,
 * terminal escape sequences, newlines, U+202E, C1 CSI, Markdown
 * specials); for each, every string field of a result set and of the
 * history is set to it, and every output is made twice: once from the
 * hostile set and once from the same set with every string "x".  The
 * hostile output must have the benign one's structure: the same tags in
 * the same order (HTML, JUnit, Markdown), the same unescaped Markdown
 * specials, the same quotes outside scripts, the same number of lines, and
 * no control character, C1 control or bidirectional control at all.
 * Outputs come from the public report functions (where a commit can still
 * be anything) and from the CLI: show text/markdown, compare
 * text/markdown/junit, gate, report (with --history), history
 * add/list/show, trend, with their warnings on stderr; then from a planted
 * store whose commit column holds the hostile text (a store is a file
 * anyone may edit).  A commit that is not a hash is refused when read or
 * imported.  No field is left out: names, parameter keys and values, metric
 * names, custom units, labels, context, every meta string, error and
 * skipped texts, the commits of change points and the inputs' names.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *const hostile[] = {
	"<script>alert(1)</script>",
	"<plaintext>",
	"<!--",
	"\" onmouseover=\"alert(1)\" x=\"",
	"' onmouseover='alert(1)' x='",
	"&amp;&lt;&#60;&",
	"\x1b[31mred\x1b]0;title\x07\x1b[2J",
	"line\nforged: 0 regressed\r\x1b[K",
	"\xe2\x80\xae" "gnp.exe\xe2\x81\xa6",
	"a|b*c*_d_`e`[f](//g) #h ~~i~~ \\",
	"<img src=//evil.example/p.png>",
	"\xc2\x9b" "2J\xc2\x85" "next",
	"\xff\xfe not UTF-8 \xc3",
};
#define N_HOSTILE (sizeof hostile / sizeof *hostile)

/* ---- the result sets ---- */

/* A custom unit made from h: a unit is 1-32 printable ASCII characters
 * without spaces, starting with a letter, so "u" and h's such characters
 * (still '<', '&', '"', '|' ...). */
static void unit_of(const char *h, char *buf, size_t size)
{
	size_t n = 0;
	buf[n++] = 'u';
	for (; *h && n + 1 < size && n < 32; h++)
		if (*h > ' ' && *h < 127)
			buf[n++] = *h;
	buf[n] = '\0';
}

static char *cat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);
	cr_assert(s);
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

/* Every string field set from h; `scale` makes the candidate slower; a
 * commit of h (what only a planted store can hold) or a valid hash. */
static tach_result *make(const char *h, double scale, int hostile_commit)
{
	tach_result *r = tach_result_new();
	char unit[40];
	unit_of(h, unit, sizeof unit);
	tach_meta *m = &r->meta;
	char **fields[] = {&m->tool, &m->tool_version, &m->hostname, &m->os, &m->kernel,
	                   &m->cpu_model, &m->compiler, &m->compiler_flags, &m->git_branch};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		cr_assert_eq(tach_meta_set(fields[i], h), 0);
	cr_assert_eq(tach_meta_set(&m->timestamp, scale > 1 ? "2026-10-02T00:00:00Z"
	                                                     : "2026-10-01T00:00:00Z"), 0);
	cr_assert_eq(tach_meta_set(&m->git_commit, hostile_commit ? h
	                           : scale > 1 ? "0123456789abcdef0123456789abcdef01234567"
	                                       : "3f1c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"), 0);
	m->git_dirty = 1;
	m->cpu_count = 2;
	char *lk = cat("l", h), *ck = cat("c", h);
	cr_assert_eq(tach_kvlist_set(&m->labels, lk, h), 0);
	cr_assert_eq(tach_kvlist_set(&m->context, ck, h), 0);
	free(lk);
	free(ck);
	static const char *const prefix[] = {"A", "B"};
	for (size_t i = 0; i < 2; i++) {
		char *name = cat(prefix[i], h), *pk = cat("p", h), *mn = cat("m", h);
		tach_benchmark *b = tach_result_add_benchmark(r, name);
		cr_assert(b);
		cr_assert_eq(tach_kvlist_set(&b->params, pk, h), 0);
		/* 3 samples: few enough for show's warning, which names them */
		tach_metric *t = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
		tach_metric *c = tach_benchmark_add_metric(b, mn, unit, TACH_LOWER_IS_BETTER);
		cr_assert(t && c);
		for (int k = 0; k < 3; k++) {
			cr_assert_eq(tach_metric_add_sample(t, 1e-3 * scale * (1 + 0.001 * k)), 0);
			cr_assert_eq(tach_metric_add_sample(c, 1e3 * scale * (1 + 0.001 * k)), 0);
		}
		free(name);
		free(pk);
		free(mn);
	}
	char *en = cat("E", h), *sn = cat("S", h);
	tach_benchmark *e = tach_result_add_benchmark(r, en), *s = tach_result_add_benchmark(r, sn);
	cr_assert(e && s);
	cr_assert_eq(tach_meta_set(&e->error, h), 0);
	cr_assert_eq(tach_meta_set(&s->skipped, h), 0);
	free(en);
	free(sn);
	return r;
}

/* ---- what inert means ---- */

typedef enum { TEXT, MARKDOWN, XML } kind;

/* The start of every tag or comment: "<" and the name characters after
 * it, in order.  Escaped text adds none. */
static char *tags(const char *s)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *out = malloc(cap);
	cr_assert(out);
	for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
		out[n++] = '<';
		for (const char *q = p + 1; *q && (strchr("/!-?", *q) || (*q >= 'a' && *q <= 'z') ||
		                                   (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9'));
		     q++)
			out[n++] = *q;
	}
	out[n] = '\0';
	return out;
}

static size_t count_char(const char *s, char c)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

/* Occurrences of c not escaped with a backslash nor inside a character
 * reference ("&#9243;", "&lt;") (Markdown). */
static size_t count_unescaped(const char *s, char c)
{
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		size_t ref = *p == '&' ? strspn(p + 1, "#0123456789abcdefghijklmnopqrstuvwxyz") : 0;
		if (ref && p[1 + ref] == ';') {
			p += ref + 1;
			continue;
		}
		n += *p == c;
	}
	return n;
}

/* Quotes outside <script> blocks (whose JSON escapes its own). */
static size_t count_quotes(const char *s, char q)
{
	size_t n = 0;
	int in_script = 0;
	for (const char *p = s; *p; p++) {
		if (!strncmp(p, "<script", 7))
			in_script = 1;
		else if (!strncmp(p, "</script", 8))
			in_script = 0;
		else if (!in_script)
			n += *p == q;
	}
	return n;
}

/* No byte or code point that acts instead of showing. */
static void no_controls(const char *what, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		cr_assert(*p >= 0x20 || *p == '\n', "%s: control 0x%02x at %zu:\n%s", what, *p,
		          (size_t)(p - (const unsigned char *)s), s);
		cr_assert(*p != 0x7f, "%s: DEL", what);
		cr_assert(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f), "%s: C1 control U+%04X", what,
		          p[1]);
		int bidi = p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
		                            (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9));
		cr_assert(!bidi, "%s: bidirectional control at %zu", what,
		          (size_t)(p - (const unsigned char *)s));
		cr_assert(*p != 0xff && *p != 0xfe, "%s: a byte that is not UTF-8", what);
	}
}

/* out (from hostile text) against base (the same from "x"): inert. */
static void inert(const char *what, kind k, const char *out, const char *base)
{
	cr_assert(out && base, "%s: no output", what);
	no_controls(what, out);
	cr_expect_eq(count_char(out, '\n'), count_char(base, '\n'),
	             "%s: %zu lines, %zu without hostile text:\n%s", what, count_char(out, '\n'),
	             count_char(base, '\n'), out);
	if (k == TEXT)
		return;
	char *t = tags(out), *bt = tags(base);
	cr_expect_str_eq(t, bt, "%s: the tags differ from the benign output's:\n%s", what, out);
	free(t);
	free(bt);
	if (k == MARKDOWN) {
		for (const char *c = "|*_`[]#~<>"; *c; c++)
			cr_expect_eq(count_unescaped(out, *c), count_unescaped(base, *c),
			             "%s: %zu unescaped '%c', %zu without hostile text:\n%s", what,
			             count_unescaped(out, *c), *c, count_unescaped(base, *c), out);
	} else {
		cr_expect_eq(count_quotes(out, '"'), count_quotes(base, '"'), "%s: a quote got out:\n%s",
		             what, out);
		cr_expect_eq(count_quotes(out, '\''), count_quotes(base, '\''),
		             "%s: a quote got out:\n%s", what, out);
	}
}

/* ---- outputs through the public report functions ---- */

typedef struct outputs {
	char *text[7];
} outputs;

static const char *const lib_what[] = {"summary text", "summary markdown",
                                       "comparison text", "comparison markdown",
                                       "comparison junit", "html comparison and history",
                                       "html results"};
static const kind lib_kind[] = {TEXT, MARKDOWN, TEXT, MARKDOWN, XML, XML, XML};

static void capture_begin(FILE **f, char **buf, size_t *len)
{
	*f = open_memstream(buf, len);
	cr_assert(*f);
}

static char *capture_end(FILE *f, char **buf)
{
	cr_assert_eq(fclose(f), 0);
	return *buf;
}

static void library_outputs(const char *h, outputs *o)
{
	tach_result *base = make(h, 1, 1), *cand = make(h, 1.5, 1);
	tach_comparison *c;
	cr_assert_eq(tach_compare(base, cand, NULL, &c), 0);
	tach_report_opts opts = {0};
	tach_report_input in[] = {{base, h}, {cand, h}};
	FILE *f;
	char *buf;
	size_t len;
	for (int i = 0; i < 2; i++) {
		capture_begin(&f, &buf, &len);
		cr_assert_eq(tach_report_summary(f, in, 2, i ? TACH_REPORT_MARKDOWN : TACH_REPORT_TEXT,
		                                 &opts), 0);
		o->text[i] = capture_end(f, &buf);
	}
	const tach_report_format cf[] = {TACH_REPORT_TEXT, TACH_REPORT_MARKDOWN, TACH_REPORT_JUNIT};
	for (int i = 0; i < 3; i++) {
		capture_begin(&f, &buf, &len);
		cr_assert_eq(tach_report_comparison(f, c, h, h, cf[i], &opts), 0);
		o->text[2 + i] = capture_end(f, &buf);
	}
	/* a history of 30 runs with a step at run 15: a change point, and
	 * commits and timestamps as a planted store could hold them */
	tach_history_point pts[30];
	for (int i = 0; i < 30; i++)
		pts[i] = (tach_history_point){.run = i + 1, .timestamp = (char *)h,
		                              .git_commit = (char *)h,
		                              .median = (i < 15 ? 1.0 : 1.5) * (1 + 0.001 * (i % 3)),
		                              .n = 10};
	tach_changepoint cps[] = {{.index = 15, .change = 1.5, .p = 1e-6}};
	char unit[40];
	unit_of(h, unit, sizeof unit);
	tach_html_series series = {.name = h, .params = &base->benchmarks[0]->params,
	                           .metric = h, .unit = unit, .direction = TACH_LOWER_IS_BETTER,
	                           .points = pts, .n = 30, .cps = cps, .n_cps = 1, .baseline = 1.0};
	tach_html_versus vs = {h, c, h, h};
	tach_html_input hi = {.title = h, .comparison = c, .base_name = h, .cand_name = h,
	                      .series = &series, .n_series = 1, .versus = &vs, .n_versus = 1};
	capture_begin(&f, &buf, &len);
	cr_assert_eq(tach_report_html(f, &hi), 0);
	o->text[5] = capture_end(f, &buf);
	tach_html_input hr = {.title = h, .results = in, .n_results = 2};
	capture_begin(&f, &buf, &len);
	cr_assert_eq(tach_report_html(f, &hr), 0);
	o->text[6] = capture_end(f, &buf);
	tach_comparison_free(c);
	tach_result_free(base);
	tach_result_free(cand);
}

static void outputs_free(outputs *o, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(o->text[i]);
}

ParameterizedTestParameters(hostile, report_functions)
{
	static size_t idx[N_HOSTILE];
	for (size_t i = 0; i < N_HOSTILE; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, N_HOSTILE);
}

ParameterizedTest(size_t *i, hostile, report_functions)
{
	outputs ben, bad;
	library_outputs("x", &ben);
	library_outputs(hostile[*i], &bad);
	for (size_t k = 0; k < sizeof lib_what / sizeof *lib_what; k++) {
		char what[128];
		snprintf(what, sizeof what, "hostile[%zu] %s", *i, lib_what[k]);
		inert(what, lib_kind[k], bad.text[k], ben.text[k]);
	}
	outputs_free(&ben, 7);
	outputs_free(&bad, 7);
}

/* ---- outputs through the CLI ---- */

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tach-hostile-XXXXXX");
	cr_assert(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

static void write_file(const char *path, const tach_result *r)
{
	write_result(r, path);
}

/* One CLI invocation: its arguments (with "{base}", "{cand}", "{db}"
 * replaced) and how its stdout reads. */
typedef struct cli_case {
	const char *what;
	kind k;
	const char *argv[12];
} cli_case;

static const cli_case cli_cases[] = {
	{"history add", TEXT, {"history", "add", "--db", "{db}", "{base}", "{cand}"}},
	{"show", TEXT, {"show", "{base}", "{cand}"}},
	{"show markdown", MARKDOWN, {"show", "-f", "markdown", "{base}"}},
	{"compare", TEXT, {"compare", "--no-config", "{base}", "{cand}"}},
	{"compare markdown", MARKDOWN, {"compare", "--no-config", "-f", "markdown", "{base}", "{cand}"}},
	{"compare junit", XML, {"compare", "--no-config", "-f", "junit", "{base}", "{cand}"}},
	{"gate", TEXT, {"gate", "--no-config", "{base}", "{cand}"}},
	{"report", XML, {"report", "--no-config", "--base", "{base}", "--cand", "{cand}"}},
	{"report history", XML, {"report", "--no-config", "--db", "{db}", "--history", "{base}"}},
	{"history list", TEXT, {"history", "list", "--db", "{db}"}},
	{"history show", TEXT, {"history", "show", "--db", "{db}", "#1"}},
	{"history show markdown", MARKDOWN, {"history", "show", "--db", "{db}", "-f", "markdown", "#2"}},
	{"trend", TEXT, {"trend", "--db", "{db}"}},
};
#define N_CLI (sizeof cli_cases / sizeof *cli_cases)

typedef struct cli_out {
	run_result r[N_CLI];
} cli_out;

/* Runs every case on files made from h in a directory of their own. */
static void cli_outputs(const char *h, const char *sub, cli_out *o)
{
	char d[128], base[160], cand[160], db[160];
	snprintf(d, sizeof d, "%s/%s", dir, sub);
	cr_assert_eq(mkdir(d, 0700), 0);
	snprintf(base, sizeof base, "%s/base.json", d);
	snprintf(cand, sizeof cand, "%s/cand.json", d);
	snprintf(db, sizeof db, "%s/h.db", d);
	tach_result *b = make(h, 1, 0), *c = make(h, 1.5, 0);
	write_file(base, b);
	write_file(cand, c);
	tach_result_free(b);
	tach_result_free(c);
	for (size_t i = 0; i < N_CLI; i++) {
		const char *argv[12] = {0};
		for (size_t k = 0; cli_cases[i].argv[k]; k++) {
			const char *a = cli_cases[i].argv[k];
			argv[k] = !strcmp(a, "{base}") ? base : !strcmp(a, "{cand}") ? cand
			        : !strcmp(a, "{db}")   ? db : a;
		}
		const char *env[] = {"TACH_DB=/nonexistent/h.db", NULL};
		o->r[i] = run_tach(argv, NULL, env, NULL);
	}
}

ParameterizedTestParameters(hostile, cli)
{
	static size_t idx[N_HOSTILE];
	for (size_t i = 0; i < N_HOSTILE; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, N_HOSTILE);
}

/* Results files are UTF-8: the writer refuses other text (and the reader
 * too), so such a string reaches the CLI only through a store. */
static int utf8(const char *h)
{
	tach_result *r = tach_result_new();
	tach_result_add_benchmark(r, h);
	int ok = tach_result_validate(r, NULL) == 0;
	tach_result_free(r);
	return ok;
}

ParameterizedTest(size_t *i, hostile, cli, .init = setup, .fini = teardown, .timeout = 120)
{
	if (!utf8(hostile[*i]))
		cr_skip_test("not UTF-8: no results file can hold it");
	cli_out ben, bad;
	cli_outputs("x", "benign", &ben);
	cli_outputs(hostile[*i], "hostile", &bad);
	for (size_t k = 0; k < N_CLI; k++) {
		char what[128];
		snprintf(what, sizeof what, "hostile[%zu] tach %s", *i, cli_cases[k].what);
		cr_expect(ben.r[k].status <= 1 && ben.r[k].out && ben.r[k].out[0],
		          "%s: the benign run failed (%d): %s", what, ben.r[k].status, ben.r[k].err);
		cr_expect_eq(bad.r[k].status, ben.r[k].status, "%s: exit %d, %d without hostile text: %s",
		             what, bad.r[k].status, ben.r[k].status, bad.r[k].err);
		inert(what, cli_cases[k].k, bad.r[k].out, ben.r[k].out);
		snprintf(what, sizeof what, "hostile[%zu] tach %s (stderr)", *i, cli_cases[k].what);
		inert(what, TEXT, bad.r[k].err, ben.r[k].err);
		run_free(&ben.r[k]);
		run_free(&bad.r[k]);
	}
}

/* A store planted by someone else (any file can be edited) holds commits
 * that no reader would accept: the history commands still show them
 * inert.  The runs are added with hashes, then their commit column is
 * set to h with SQL. */
static const cli_case planted_cases[] = {
	{"history list", TEXT, {"history", "list", "--db", "{db}"}},
	{"history show", TEXT, {"history", "show", "--db", "{db}", "#2"}},
	{"history show markdown", MARKDOWN, {"history", "show", "--db", "{db}", "-f", "markdown", "#2"}},
	{"trend", TEXT, {"trend", "--db", "{db}"}},
	{"report history", XML, {"report", "--no-config", "--db", "{db}", "--history", "#2"}},
};
#define N_PLANTED (sizeof planted_cases / sizeof *planted_cases)

static void plant(const char *h, const char *sub, run_result *out)
{
	char d[128], db[160];
	snprintf(d, sizeof d, "%s/%s", dir, sub);
	cr_assert_eq(mkdir(d, 0700), 0);
	snprintf(db, sizeof db, "%s/h.db", d);
	tach_store *st;
	tach_error err;
	cr_assert_eq(tach_store_open(db, &st, &err), 0, "%s", err.message);
	int rc = 0;
	/* 30 runs with a step at the 16th: a change point at a commit */
	for (int i = 0; !rc && i < 30; i++) {
		/* text that is not UTF-8 only in the commit: files cannot hold it */
		tach_result *r = make(utf8(h) ? h : "x", i < 15 ? 1 : 1.5, 0);
		int64_t id;
		rc = tach_store_add(st, r, NULL, &id, &err);
		tach_result_free(r);
	}
	tach_store_close(st);
	cr_assert_eq(rc, 0, "%s", err.message);
	sqlite3 *q;
	sqlite3_stmt *up;
	cr_assert_eq(sqlite3_open(db, &q), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(q, "UPDATE runs SET git_commit = ?1", -1, &up, NULL), SQLITE_OK);
	sqlite3_bind_text(up, 1, h, -1, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(up), SQLITE_DONE);
	sqlite3_finalize(up);
	sqlite3_close(q);
	for (size_t i = 0; i < N_PLANTED; i++) {
		const char *argv[12] = {0};
		for (size_t k = 0; planted_cases[i].argv[k]; k++)
			argv[k] = !strcmp(planted_cases[i].argv[k], "{db}") ? db : planted_cases[i].argv[k];
		out[i] = run_tach(argv, NULL, NULL, NULL);
	}
}

ParameterizedTestParameters(hostile, planted_store)
{
	static size_t idx[N_HOSTILE];
	for (size_t i = 0; i < N_HOSTILE; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, N_HOSTILE);
}

ParameterizedTest(size_t *i, hostile, planted_store, .init = setup, .fini = teardown,
                  .timeout = 120)
{
	run_result ben[N_PLANTED], bad[N_PLANTED];
	plant("x", "benign", ben);
	plant(hostile[*i], "hostile", bad);
	for (size_t k = 0; k < N_PLANTED; k++) {
		char what[128];
		snprintf(what, sizeof what, "hostile[%zu] planted store: tach %s", *i,
		         planted_cases[k].what);
		cr_expect(ben[k].status <= 1 && ben[k].out && ben[k].out[0],
		          "%s: the benign run failed (%d): %s", what, ben[k].status, ben[k].err);
		cr_expect_eq(bad[k].status, ben[k].status, "%s: exit %d, %d without hostile text: %s",
		             what, bad[k].status, ben[k].status, bad[k].err);
		inert(what, planted_cases[k].k, bad[k].out, ben[k].out);
		snprintf(what, sizeof what, "hostile[%zu] planted store: tach %s (stderr)", *i,
		         planted_cases[k].what);
		inert(what, TEXT, bad[k].err, ben[k].err);
		run_free(&ben[k]);
		run_free(&bad[k]);
	}
}

/* ---- a commit is a hash ---- */

ParameterizedTestParameters(hostile, commit_refused)
{
	static size_t idx[N_HOSTILE];
	for (size_t i = 0; i < N_HOSTILE; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, N_HOSTILE);
}

ParameterizedTest(size_t *i, hostile, commit_refused, .init = setup, .fini = teardown)
{
	if (!utf8(hostile[*i]))
		cr_skip_test("not UTF-8: no results file can hold it");
	/* the writer refuses such a commit too: put it in by hand */
	char path[128], commit[400], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert(f);
	tach_result *r = make("x", 1, 0);
	cr_assert_eq(tach_result_write(r, f, NULL), 0);
	tach_result_free(r);
	fclose(f);
	size_t n = 0;
	for (const unsigned char *h = (const unsigned char *)hostile[*i]; *h; h++)
		n += (size_t)(*h < 0x20     ? snprintf(commit + n, sizeof commit - n, "\\u%04x", *h)
		              : *h == '"' || *h == '\\' ? snprintf(commit + n, sizeof commit - n, "\\%c", *h)
		                                         : snprintf(commit + n, sizeof commit - n, "%c", *h));
	const char *old = "3f1c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39";
	char *at = strstr(text, old);
	cr_assert(at);
	snprintf(path, sizeof path, "%s/r.json", dir);
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "%.*s%s%s", (int)(at - text), text, commit, at + strlen(old));
	fclose(f);
	free(text);
	run_result out = run_tach(ARGV("show", path), NULL, NULL, NULL);
	cr_expect_eq(out.status, 2);
	cr_expect_str_empty(out.out);
	/* placed at the commit's value: line and column of "meta"."git"."commit" */
	char want[200];
	snprintf(want, sizeof want, "%s:", path);
	cr_expect(!strncmp(out.err, want, strlen(want)), "%s", out.err);
	cr_expect(strstr(out.err, "meta.git.commit must be a commit hash"), "%s", out.err);
	inert("commit error", TEXT, out.err, out.err);
	run_free(&out);
}

Test(hostile, commit_forms)
{
	const char *good[] = {"abcd", "0123456789abcdef0123456789abcdef01234567",
	                      "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"};
	const char *bad[] = {"", "abc", "abcg", "abcd ", " abcd", "abcd\n", "v1.0",
	                     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		cr_expect(tach_meta_commit_valid(good[i]), "'%s'", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		cr_expect(!tach_meta_commit_valid(bad[i]), "'%s'", bad[i]);
}

/* pytest-benchmark's commit_info.id is the commit, '+' ending a dirty
 * Mercurial id; anything else is refused. */
Test(hostile, pytest_commit, .init = setup, .fini = teardown)
{
	static const char fmt[] =
		"{\"machine_info\": {\"node\": \"n\"}, \"commit_info\": {\"id\": \"%s\"},"
		" \"benchmarks\": [{\"name\": \"t\", \"fullname\": \"t.py::t\","
		" \"stats\": {\"data\": [0.001, 0.002], \"rounds\": 2, \"iterations\": 1}}],"
		" \"datetime\": \"2026-10-01T00:00:00\", \"version\": \"4.0.0\"}";
	char text[600], path[128];
	snprintf(path, sizeof path, "%s/p.json", dir);
	const char *ids[] = {"abc123", "abc123+", "<plaintext>"};
	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof text, fmt, ids[i]);
		FILE *f = fopen(path, "w");
		cr_assert(f);
		fputs(text, f);
		fclose(f);
		tach_result *r = NULL;
		tach_error err;
		int rc = tach_import_file(path, NULL, &r, &err);
		if (i < 2) {
			cr_assert_eq(rc, 0, "%s", err.message);
			cr_expect_str_eq(r->meta.git_commit, "abc123");
			cr_expect_eq(r->meta.git_dirty, i == 1 ? 1 : r->meta.git_dirty);
		} else {
			cr_expect_eq(rc, TACH_EFORMAT);
			cr_expect(strstr(err.message, "not a commit hash"), "%s", err.message);
		}
		tach_result_free(r);
	}
}

/* ---- the escaping itself ---- */

Test(hostile, text_escape)
{
	char buf[64];
	size_t n = tach_text_escape(buf, sizeof buf, "a\x1b[31m\n\xe2\x80\xae" "b\xc2\x9b\xff\xc3\xa9");
	cr_expect_str_eq(buf, "a\\x1b[31m\\x0a\\u202eb\\u009b\\xff\xc3\xa9");
	cr_expect_eq(n, strlen(buf));
	/* cut between whole escapes, NUL-terminated, the full length returned */
	n = tach_text_escape(buf, 6, "ab\x1b" "cd");
	cr_expect_str_eq(buf, "ab");
	cr_expect_eq(n, 8);
	n = tach_text_escape(buf, 3, "\xc3\xa9\xc3\xa9");
	cr_expect_str_eq(buf, "\xc3\xa9");
	cr_expect_eq(n, 4);
	cr_expect_eq(tach_text_escape(NULL, 0, "\x1b"), 4);
}
