/* test_alloc_fail.c - allocation-failure injection (issue 16.14): every
 * path that reads, imports, stores or writes is run with its Nth
 * allocation failing, for N = 1, 2, ... until a run meets no failure
 * (failalloc.c counts libtach's, jansson's and SQLite's allocations
 * together).  Each run must either fail with an error (TACH_ENOMEM from
 * the library, a message where the call has an error struct) or succeed
 * with exactly what a run without failures gives -- never a success with
 * something missing; must free everything it allocated; and must leave
 * no partial output: a file written is the old one or the whole new one,
 * and nothing else appears beside it.  Each path is swept twice: only
 * the Nth allocation failing (the code after it must cope), and every
 * allocation from the Nth on (the clean-up paths run out of memory too).
 *
 * Each test prints "N allocation-failure points: PATH" for the record. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "failalloc.h"
#include "tach/tach.h"
#include "tach/import.h"
#include "tach/outfile.h"
#include "tach/report.h"
#include "tach/store.h"

/* A path under test: run() is what the failures hit; output() then
 * (with nothing failing) gives what the run produced, as bytes to compare
 * with a run without failures, and checks what it left on disk; reset()
 * frees what run() kept. */
typedef struct path {
	const char *name;
	int (*run)(struct path *p);
	char *(*output)(struct path *p, int rc);
	void (*reset)(struct path *p);
	/* inputs and state */
	const char *text;
	size_t len;
	const char *from;
	tach_result *in, *in2, *out;
	tach_comparison *cmp;
	tach_error err;
	int has_err;
	int kind;
	int keeps_old; /* a failed write leaves old_text in p->file */
	int also;      /* an error code accepted besides TACH_ENOMEM */
	char dir[64], file[96];
	const char *url;     /* a PostgreSQL store */
	tach_kvlist labels;  /* marking this test's runs in it */
} path;

static void setup(void)
{
	failalloc_install();
}

/* ---- helpers (run with nothing failing) ---- */

static char *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	cr_assert(m);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, got, m);
	fclose(f);
	fclose(m);
	if (len)
		*len = n;
	return buf;
}

static char *result_text(const tach_result *r)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	tach_error err;
	cr_assert_eq(tach_result_write(r, m, &err), 0, "%s", err.message);
	fclose(m);
	return buf;
}

static void make_dir(path *p)
{
	/* in memory where there is a tmpfs: the store sweep opens thousands
	 * of SQLite files, and their fsyncs would take minutes on a disk */
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(p->dir, sizeof p->dir, "%s/tach-allocfail-XXXXXX", tmp);
	cr_assert(mkdtemp(p->dir));
}

/* The names in p->dir other than `keep` (NULL: any name counts). */
static int others_in_dir(const path *p, const char *keep)
{
	DIR *d = opendir(p->dir);
	cr_assert(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    (!keep || strcmp(e->d_name, keep)))
			n++;
	closedir(d);
	return n;
}

static void remove_dir(path *p)
{
	DIR *d = opendir(p->dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char f[512];
		snprintf(f, sizeof f, "%s/%s", p->dir, e->d_name);
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(f);
	}
	if (d)
		closedir(d);
	rmdir(p->dir);
}

static tach_result *read_fixture(const char *file)
{
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_result_read_file(file, &r, &err), 0, "%s: %s", file, err.message);
	return r;
}

/* ---- the sweep ---- */

static unsigned long sweep_mode(path *p, int persistent)
{
	failalloc_arm(0, 0);
	int rc = p->run(p);
	cr_assert_eq(rc, 0, "%s: fails with nothing failing: %d %s", p->name, rc, p->err.message);
	char *ref = p->output(p, rc);
	p->reset(p);
	unsigned long points = 0;
	for (unsigned long n = 1; n < 1000000; n++) {
		size_t live = failalloc_live();
		long sqlite_live = failalloc_sqlite_live();
		memset(&p->err, 0, sizeof p->err);
		failalloc_arm(n, persistent);
		rc = p->run(p);
		failalloc_disarm();
		unsigned long failed = failalloc_failed();
		char *got = p->output(p, rc);
		if (failed && rc != 0) {
			cr_assert(rc == TACH_ENOMEM || (p->also && rc == p->also),
			          "%s: allocation %lu failed: %d (%s) %s", p->name, n, rc, tach_err_name(rc),
			          p->err.message);
			cr_assert(!p->has_err || p->err.message[0], "%s: allocation %lu: no message",
			          p->name, n);
		} else {
			/* no failure met, or one the path got over: all of it */
			if (getenv("FAILALLOC_DIFF") && got && strcmp(got, ref)) {
				FILE *d = fopen("/tmp/failalloc.ref", "w");
				fputs(ref, d);
				fclose(d);
				d = fopen("/tmp/failalloc.got", "w");
				fputs(got, d);
				fclose(d);
			}
			cr_assert_eq(rc, 0, "%s: allocation %lu: %d without a failure", p->name, n, rc);
			cr_assert_str_eq(got, ref, "%s: allocation %lu failed and the output differs",
			                 p->name, n);
		}
		free(got);
		p->reset(p);
		cr_assert_eq(failalloc_live(), live, "%s: allocation %lu failed: %zu blocks leaked",
		             p->name, n, failalloc_live() - live);
		cr_assert_eq(failalloc_sqlite_live(), sqlite_live,
		             "%s: allocation %lu failed: %ld SQLite blocks leaked", p->name, n,
		             failalloc_sqlite_live() - sqlite_live);
		if (!failed)
			break;
		points++;
	}
	free(ref);
	return points;
}

static void sweep(path *p)
{
	unsigned long once = sweep_mode(p, 0);
	unsigned long from = sweep_mode(p, 1);
	cr_assert_eq(once, from, "%s: the two sweeps count the same points", p->name);
	cr_assert_gt(once, 0, "%s: allocates nothing?", p->name);
	printf("%6lu allocation-failure points: %s\n", once, p->name);
	fflush(stdout);
}

/* ---- reading and writing results ---- */

static int read_run(path *p)
{
	return tach_result_read_file(p->file, &p->out, &p->err);
}

static char *result_output(path *p, int rc)
{
	if (rc) {
		cr_assert_null(p->out, "%s: a result after an error", p->name);
		return NULL;
	}
	return result_text(p->out);
}

static void free_out(path *p)
{
	tach_result_free(p->out);
	p->out = NULL;
}

Test(alloc_fail, read_results_file, .init = setup)
{
	path p = {.name = "read a results file", .run = read_run, .output = result_output,
	          .reset = free_out, .has_err = 1};
	snprintf(p.file, sizeof p.file, "%s", TACH_SOURCE_ROOT "/docs/example-results.json");
	sweep(&p);
}

static const char old_text[] = "the old file\n";

static int write_run(path *p)
{
	return tach_result_write_file(p->in, p->file, &p->err);
}

/* The file written, or the old one untouched after a failure; nothing
 * else in the directory. */
static char *file_output(path *p, int rc)
{
	char *got = slurp(p->file, NULL);
	const char *name = strrchr(p->file, '/') + 1;
	cr_assert_eq(others_in_dir(p, name), 0, "%s: files left beside the output", p->name);
	if (rc) {
		if (p->keeps_old)
			cr_assert_str_eq(got, old_text, "%s: the old file was changed", p->name);
		else
			cr_assert_null(got, "%s: a partial output", p->name);
		free(got);
		return NULL;
	}
	cr_assert(got, "%s: no output", p->name);
	return got;
}

static void restore_old(path *p)
{
	FILE *f = fopen(p->file, "w");
	cr_assert(f);
	fputs(old_text, f);
	fclose(f);
}

Test(alloc_fail, write_results_file, .init = setup)
{
	path p = {.name = "write a results file", .run = write_run, .output = file_output,
	          .reset = restore_old, .has_err = 1, .keeps_old = 1};
	p.in = read_fixture(TACH_SOURCE_ROOT "/docs/example-results.json");
	make_dir(&p);
	snprintf(p.file, sizeof p.file, "%s/out.json", p.dir);
	restore_old(&p);
	sweep(&p);
	tach_result_free(p.in);
	remove_dir(&p);
}

/* ---- importing ---- */

static int import_run(path *p)
{
	return tach_import_buffer(p->text, p->len, "seed", p->from, &p->out, &p->err);
}

static void import_sweep(const char *from, const char *seed)
{
	char file[512], name[96];
	snprintf(file, sizeof file, "%s/tests/fuzz/seeds/%s", TACH_SOURCE_ROOT, seed);
	snprintf(name, sizeof name, "import %s", from ? from : "(format detected)");
	path p = {.name = name, .run = import_run, .output = result_output, .reset = free_out,
	          .has_err = 1, .from = from};
	char *text = slurp(file, &p.len);
	cr_assert(text, "%s", file);
	p.text = text;
	sweep(&p);
	free(text);
}

Test(alloc_fail, import_google_benchmark, .init = setup)
{
	import_sweep("google-benchmark", "gbench_json/two.json");
}
Test(alloc_fail, import_google_benchmark_console, .init = setup)
{
	import_sweep("google-benchmark-console", "gbench_console/counters.txt");
}
Test(alloc_fail, import_go, .init = setup)
{
	import_sweep("go", "go/multi-pkg.txt");
}
Test(alloc_fail, import_hyperfine, .init = setup)
{
	import_sweep("hyperfine", "hyperfine/param.json");
}
Test(alloc_fail, import_pytest_benchmark, .init = setup)
{
	import_sweep("pytest-benchmark", "pytest/rounds.json");
}
Test(alloc_fail, import_criterion, .init = setup)
{
	import_sweep("criterion", "criterion/cargo-criterion.ndjson");
}
Test(alloc_fail, import_catch2, .init = setup)
{
	import_sweep("catch2", "catch2/console.txt");
}
Test(alloc_fail, import_nanobench, .init = setup)
{
	import_sweep("nanobench", "nanobench/epochs.json");
}
Test(alloc_fail, import_jmh, .init = setup)
{
	import_sweep("jmh", "jmh/forks.json");
}
Test(alloc_fail, import_detected, .init = setup)
{
	import_sweep(NULL, "nanobench/table.csv");
}

/* ---- the history (SQLite) ---- */

static int store_run(path *p)
{
	tach_store *s;
	int rc = tach_store_open(p->file, &s, &p->err);
	if (rc)
		return rc;
	int64_t id;
	rc = tach_store_add(s, p->in, NULL, &id, &p->err);
	tach_store_close(s);
	return rc;
}

/* The run stored, read back; after a failure, no run at all. */
static char *store_output(path *p, int rc)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(p->file, &s, &err), 0, "%s: %s", p->name, err.message);
	tach_run_info *runs;
	size_t n;
	cr_assert_eq(tach_store_list(s, NULL, &runs, &n, &err), 0, "%s", err.message);
	char *text = NULL;
	if (rc)
		cr_assert_eq(n, 0, "%s: a failed add left %zu runs", p->name, n);
	else {
		cr_assert_eq(n, 1);
		tach_result *r;
		cr_assert_eq(tach_store_get(s, runs[0].id, &r, &err), 0, "%s", err.message);
		text = result_text(r);
		tach_result_free(r);
	}
	tach_run_infos_free(runs, n);
	tach_store_close(s);
	return text;
}

/* The example results with a complexity fit of their own, so that the
 * store sweeps fail the fits' column too (runs.complexity). */
static tach_result *store_input(void)
{
	tach_result *r = read_fixture(TACH_SOURCE_ROOT "/docs/example-results.json");
	tach_fit *f = tach_result_add_fit(r, "lookup", "n", "time", "NlgN");
	cr_assert(f);
	f->coefficient = 2.5e-9;
	f->rms = 0.04;
	cr_assert_eq(tach_fit_add_benchmark(f, r->benchmarks[0]->name), 0);
	return r;
}

static void remove_store(path *p)
{
	remove_dir(p);
	cr_assert(mkdir(p->dir, 0700) == 0);
}

Test(alloc_fail, store_add_sqlite, .init = setup, .timeout = 600)
{
	/* Every failure point: an error with a message (TACH_ENOMEM), never a
	 * run stored with a field missing (the SQLite backend binds without
	 * copying, encode.c checks every JSON set, the store names itself in
	 * every error). */
	path p = {.name = "add a run to a SQLite history", .run = store_run,
	          .output = store_output, .reset = remove_store, .has_err = 1};
	p.in = store_input();
	make_dir(&p);
	snprintf(p.file, sizeof p.file, "%s/history.db", p.dir);
	sweep(&p);
	tach_result_free(p.in);
	remove_dir(&p);
}

/* ---- the history (PostgreSQL, when the suite has a test cluster) ---- */

static int pg_run(path *p)
{
	tach_store *s;
	int rc = tach_store_open(p->url, &s, &p->err);
	if (rc)
		return rc;
	int64_t id;
	rc = tach_store_add(s, p->in, &p->labels, &id, &p->err);
	tach_store_close(s);
	return rc;
}

/* This test's runs in the shared test database: those with its label. */
static size_t pg_ours(path *p, tach_store *s, int64_t *id)
{
	tach_run_info *runs;
	size_t n, mine = 0;
	tach_error err;
	cr_assert_eq(tach_store_list(s, NULL, &runs, &n, &err), 0, "%s", err.message);
	const char *want = tach_kvlist_get(&p->labels, "allocfail");
	for (size_t i = 0; i < n; i++) {
		const char *v = tach_kvlist_get(&runs[i].labels, "allocfail");
		if (v && !strcmp(v, want)) {
			*id = runs[i].id;
			mine++;
		}
	}
	tach_run_infos_free(runs, n);
	return mine;
}

static char *pg_output(path *p, int rc)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(p->url, &s, &err), 0, "%s", err.message);
	int64_t id = 0;
	size_t mine = pg_ours(p, s, &id);
	char *text = NULL;
	if (rc)
		cr_assert_eq(mine, 0, "%s: a failed add left %zu runs", p->name, mine);
	else {
		cr_assert_eq(mine, 1);
		tach_result *r;
		cr_assert_eq(tach_store_get(s, id, &r, &err), 0, "%s", err.message);
		text = result_text(r);
		tach_result_free(r);
	}
	tach_store_close(s);
	return text;
}

static void pg_reset(path *p)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(p->url, &s, &err), 0, "%s", err.message);
	int64_t id;
	while (pg_ours(p, s, &id))
		cr_assert_eq(tach_store_remove(s, id, &err), 0, "%s", err.message);
	tach_store_close(s);
}

Test(alloc_fail, store_add_postgresql, .init = setup, .timeout = 600)
{
	const char *url = getenv("TACH_TEST_PG_URL");
	if (!url || !*url)
		cr_skip_test("no PostgreSQL test cluster (TACH_TEST_PG_URL; scripts/run-tests starts one)");
	/* libpq allocates with its own malloc: only libtach's allocations in
	 * the backend are failed here, each an error with a message and never
	 * a run stored with a field missing, as in the SQLite sweep. */
	path p = {.name = "add a run to a PostgreSQL history", .run = pg_run, .output = pg_output,
	          .reset = pg_reset, .has_err = 1, .url = url};
	char marker[32];
	snprintf(marker, sizeof marker, "%ld", (long)getpid());
	cr_assert_eq(tach_kvlist_set(&p.labels, "allocfail", marker), 0);
	p.in = store_input();
	pg_reset(&p);
	sweep(&p);
	tach_result_free(p.in);
	tach_kvlist_release(&p.labels);
}

/* ---- comparing and reporting ---- */

/* Base and candidate of a pool measured at 1, 2 and 4 threads with a
 * second parameter (the report's Scaling section groups these), and the
 * example results' benchmarks. */
static tach_result *scaling_results(double speed)
{
	tach_result *r = read_fixture(TACH_SOURCE_ROOT "/docs/example-results.json");
	static const char *const threads[] = {"1", "2", "4"};
	for (size_t i = 0; i < 3; i++) {
		char name[64];
		snprintf(name, sizeof name, "BM_pool/size:64/threads:%s", threads[i]);
		tach_benchmark *b = tach_result_add_benchmark(r, name);
		cr_assert(b);
		cr_assert_eq(tach_kvlist_set(&b->params, "size", "64"), 0);
		cr_assert_eq(tach_kvlist_set(&b->params, "threads", threads[i]), 0);
		tach_metric *m = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
		cr_assert(m);
		for (int k = 0; k < 7; k++)
			cr_assert_eq(tach_metric_add_sample(m, speed * (1 + 0.01 * k) * (1 + (double)i)), 0);
	}
	return r;
}

static int compare_run(path *p)
{
	return tach_compare(p->in, p->in2, NULL, &p->cmp);
}

static char *report_to_text(const tach_comparison *c)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	tach_report_opts o = {0};
	cr_assert_eq(tach_report_comparison(m, c, "base", "cand", TACH_REPORT_JSON, &o), 0);
	fclose(m);
	return buf;
}

static char *compare_output(path *p, int rc)
{
	if (rc) {
		cr_assert_null(p->cmp);
		return NULL;
	}
	return report_to_text(p->cmp);
}

static void free_cmp(path *p)
{
	tach_comparison_free(p->cmp);
	p->cmp = NULL;
}

Test(alloc_fail, compare, .init = setup)
{
	path p = {.name = "compare two result sets", .run = compare_run, .output = compare_output,
	          .reset = free_cmp};
	p.in = scaling_results(1e-3);
	p.in2 = scaling_results(1.2e-3);
	sweep(&p);
	tach_result_free(p.in);
	tach_result_free(p.in2);
}

enum { SUMMARY = 0, COMPARISON = 16, HTML = 32, HTML_RESULTS = 33 };

/* Writes a report to p->file through tach_outfile, as the CLI does. */
static int report_run(path *p)
{
	tach_outfile *o;
	int rc = tach_outfile_open(p->file, &o);
	if (rc)
		return rc;
	FILE *f = tach_outfile_stream(o);
	tach_report_opts opts = {0};
	tach_report_input inputs[] = {{p->in, "base.json"}, {p->in2, "cand.json"}};
	if (p->kind < COMPARISON)
		rc = tach_report_summary(f, inputs, 2, (tach_report_format)p->kind, &opts);
	else if (p->kind < HTML)
		rc = tach_report_comparison(f, p->cmp, "base.json", "cand.json",
		                            (tach_report_format)(p->kind - COMPARISON), &opts);
	else {
		tach_html_input in = {.title = "report", .base_name = "base.json",
		                      .cand_name = "cand.json"};
		if (p->kind == HTML)
			in.comparison = p->cmp;
		else
			in.results = inputs, in.n_results = 2;
		rc = tach_report_html(f, &in);
	}
	if (rc) {
		tach_outfile_abort(o);
		return rc;
	}
	return tach_outfile_commit(o);
}

static void remove_report(path *p)
{
	unlink(p->file);
}

static void report_sweep(const char *name, int kind)
{
	path p = {.name = name, .run = report_run, .output = file_output, .reset = remove_report,
	          .kind = kind};
	p.in = scaling_results(1e-3);
	p.in2 = scaling_results(1.2e-3);
	cr_assert_eq(tach_compare(p.in, p.in2, NULL, &p.cmp), 0);
	make_dir(&p);
	snprintf(p.file, sizeof p.file, "%s/report", p.dir);
	sweep(&p);
	tach_comparison_free(p.cmp);
	tach_result_free(p.in);
	tach_result_free(p.in2);
	remove_dir(&p);
}

Test(alloc_fail, report_summary_text, .init = setup)
{
	report_sweep("summary report, text", SUMMARY + TACH_REPORT_TEXT);
}
Test(alloc_fail, report_summary_markdown, .init = setup)
{
	report_sweep("summary report, Markdown", SUMMARY + TACH_REPORT_MARKDOWN);
}
Test(alloc_fail, report_summary_json, .init = setup)
{
	report_sweep("summary report, JSON", SUMMARY + TACH_REPORT_JSON);
}
Test(alloc_fail, report_comparison_text, .init = setup)
{
	report_sweep("comparison report, text", COMPARISON + TACH_REPORT_TEXT);
}
Test(alloc_fail, report_comparison_markdown, .init = setup)
{
	report_sweep("comparison report, Markdown", COMPARISON + TACH_REPORT_MARKDOWN);
}
Test(alloc_fail, report_comparison_json, .init = setup)
{
	report_sweep("comparison report, JSON", COMPARISON + TACH_REPORT_JSON);
}
Test(alloc_fail, report_html_comparison, .init = setup, .timeout = 600)
{
	report_sweep("HTML report of a comparison", HTML);
}
Test(alloc_fail, report_html_results, .init = setup, .timeout = 600)
{
	report_sweep("HTML report of result sets", HTML_RESULTS);
}
