/* test_runner.c - the runner's logic with a fake executor and a fake
 * clock: automatic run counts, interleaving, duration mode, warmups,
 * helper commands, failures; and the shell-like word splitting. */
#include <criterion/criterion.h>
#include <string.h>

#include "tach/tach.h"
#include "measure/cgroup.h"

/* ---- words ---- */

static void expect_words(const char *text, const char *const *want)
{
	char **w;
	tach_error err;
	cr_assert_eq(tach_words_split(text, &w, &err), 0, "%s: %s", text, err.message);
	size_t i = 0;
	for (; want[i]; i++) {
		cr_assert(w[i], "%s: missing word %zu", text, i);
		cr_expect_str_eq(w[i], want[i], "%s: word %zu", text, i);
	}
	cr_expect_null(w[i], "%s: extra word '%s'", text, w[i] ? w[i] : "");
	tach_words_free(w);
}

#define W(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(words, split_like_a_shell)
{
	expect_words("sleep 0.01", W("sleep", "0.01"));
	expect_words("  grep  -c\t'a b'  file ", W("grep", "-c", "a b", "file"));
	expect_words("echo \"x \\\"y\\\" \\\\ \\$HOME\"", W("echo", "x \"y\" \\ $HOME"));
	expect_words("echo it\\'s a\\ b", W("echo", "it's", "a b"));
	expect_words("echo 'single \\ stays'", W("echo", "single \\ stays"));
	expect_words("a\"b\"'c'd", W("abcd"));
	expect_words("echo '' \"\"", W("echo", "", ""));
	expect_words("printf '%s|%s' x y", W("printf", "%s|%s", "x", "y"));
	expect_words("echo $", W("echo", "$"));
}

static void expect_reject(const char *text, unsigned col, const char *needle)
{
	char **w = (char **)1;
	tach_error err;
	cr_expect_eq(tach_words_split(text, &w, &err), TACH_EPARSE, "%s accepted", text);
	cr_expect_null(w);
	cr_expect_eq(err.column, col, "%s: column %u", text, err.column);
	cr_expect(strstr(err.message, needle), "%s: %s", text, err.message);
}

Test(words, errors_name_the_column)
{
	expect_reject("echo 'open", 6, "unterminated single quote");
	expect_reject("echo \"open", 6, "unterminated double quote");
	expect_reject("echo x\\", 7, "backslash");
	expect_reject("ls | wc", 4, "--shell");
	expect_reject("echo $HOME", 6, "--shell");
	expect_reject("a > b", 3, "--shell");
	expect_reject("   ", 1, "empty command");
}

/* ---- a fake world ---- */

typedef struct fake {
	double clock;
	double cost[4];   /* seconds per run of command i (by argv[0] "c<i>") */
	int fail_at;      /* timed+warmup exec number that exits 3, or -1 */
	int execs;
	tach_peak_method tree; /* how runs measure the tree's peak (3 MiB) */
	char log[4096];   /* "c0 c1 prep c0 ..." */
} fake;

static int fake_exec(void *ctx, char *const *argv, const tach_exec_opts *o,
                     tach_run_sample *out, tach_error *err)
{
	fake *f = ctx;
	(void)o;
	(void)err;
	memset(out, 0, sizeof *out);
	if (strlen(f->log) + strlen(argv[0]) + 2 < sizeof f->log) { /* first runs only */
		strcat(f->log, argv[0]);
		strcat(f->log, " ");
	}
	int cmd = argv[0][0] == 'c' && argv[0][1] >= '0' && argv[0][1] <= '3' && !argv[0][2];
	double c = cmd ? f->cost[argv[0][1] - '0'] : 0.001;
	f->clock += c;
	out->wall = c;
	out->user = c / 2;
	out->peak_rss = 1 << 20;
	out->peak_method = TACH_PEAK_RUSAGE_MAX;
	out->tree_method = f->tree;
	out->tree_peak = f->tree ? 3 << 20 : 0;
	if (cmd && f->execs++ == f->fail_at)
		out->exit_code = 3;
	return 0;
}

static double fake_now(void *ctx)
{
	return ((fake *)ctx)->clock;
}

static char *c0[] = {"c0", NULL}, *c1[] = {"c1", NULL}, *prep[] = {"prep", NULL},
            *setup[] = {"setup", NULL}, *concl[] = {"concl", NULL};

static tach_result *run_with(fake *f, tach_runner_opts *o, size_t ncmd, int *rc, tach_error *err)
{
	tach_executor ex = {fake_exec, fake_now, f, NULL};
	tach_runner *r = tach_runner_new(o, &ex);
	cr_assert(r);
	cr_assert_eq(tach_runner_add(r, "zero", "c0", c0, NULL), 0);
	if (ncmd > 1)
		cr_assert_eq(tach_runner_add(r, "one", "c1", c1, NULL), 0);
	tach_result *res = tach_result_new();
	*rc = tach_runner_run(r, res, err);
	tach_runner_free(r);
	return res;
}

static size_t n_time(const tach_result *r, size_t i)
{
	return tach_benchmark_metric(r->benchmarks[i], TACH_M_TIME)->n_samples;
}

Test(runner, automatic_count_fills_the_budget)
{
	fake f = {.cost = {0.1, 0.001}, .fail_at = -1};
	tach_runner_opts o = {0};
	int rc;
	tach_error err;
	tach_result *r = run_with(&f, &o, 2, &rc, &err);
	cr_assert_eq(rc, 0, "%s", err.message);
	cr_expect_eq(n_time(r, 0), 30, "3 s / 0.1 s");
	cr_expect_eq(n_time(r, 1), 3000, "3 s / 1 ms");
	tach_result_free(r);

	fake g = {.cost = {2.0}, .fail_at = -1};
	r = run_with(&g, &o, 1, &rc, &err);
	cr_expect_eq(n_time(r, 0), 10, "never fewer than --min-runs");
	tach_result_free(r);

	fake h = {.cost = {0.001}, .fail_at = -1};
	o.max_runs = 50;
	r = run_with(&h, &o, 1, &rc, &err);
	cr_expect_eq(n_time(r, 0), 50, "never more than --max-runs");
	tach_result_free(r);
}

Test(runner, interleaving_is_seeded_and_mixed)
{
	tach_runner_opts o = {.runs = 20, .seed = 7};
	int rc;
	tach_error err;
	fake a = {.cost = {0.01, 0.01}, .fail_at = -1}, b = a, c = a;
	tach_result_free(run_with(&a, &o, 2, &rc, &err));
	tach_result_free(run_with(&b, &o, 2, &rc, &err));
	cr_expect_str_eq(a.log, b.log, "same seed, same order");
	cr_expect(strstr(a.log, "c0 c1") && strstr(a.log, "c1 c0"), "mixed: %s", a.log);
	cr_expect(strncmp(a.log, "c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0 c0", 59),
	          "not sequential");
	o.seed = 8;
	tach_result_free(run_with(&c, &o, 2, &rc, &err));
	cr_expect_str_neq(a.log, c.log, "another seed, another order");

	fake d = {.cost = {0.01, 0.01}, .fail_at = -1};
	o.no_interleave = 1;
	o.runs = 3;
	tach_result_free(run_with(&d, &o, 2, &rc, &err));
	cr_expect_str_eq(d.log, "c0 c0 c0 c1 c1 c1 ");
}

Test(runner, duration_mode)
{
	fake f = {.cost = {0.125, 0.25}, .fail_at = -1};
	tach_runner_opts o = {.duration = 1.0};
	int rc;
	tach_error err;
	tach_result *r = run_with(&f, &o, 2, &rc, &err);
	cr_assert_eq(rc, 0);
	cr_expect_eq(n_time(r, 0), 8, "until 1 s of runs is spent");
	cr_expect_eq(n_time(r, 1), 4);
	tach_result_free(r);
}

Test(runner, warmups_and_helpers_in_order)
{
	fake f = {.cost = {0.01}, .fail_at = -1};
	tach_runner_opts o = {.runs = 2, .warmup = 1, .prepare = prep, .setup = setup,
	                      .conclude = concl};
	int rc;
	tach_error err;
	tach_result *r = run_with(&f, &o, 1, &rc, &err);
	cr_assert_eq(rc, 0, "%s", err.message);
	cr_expect_str_eq(f.log, "setup prep c0 prep c0 prep c0 concl ");
	cr_expect_eq(n_time(r, 0), 2, "warmups are not samples");
	tach_result_free(r);
}

Test(runner, failure_stops_or_is_recorded)
{
	fake f = {.cost = {0.01}, .fail_at = 2};
	tach_runner_opts o = {.runs = 5};
	int rc;
	tach_error err;
	tach_result *r = run_with(&f, &o, 1, &rc, &err);
	cr_expect_eq(rc, TACH_ERANGE);
	cr_expect(strstr(err.message, "'zero' exited with code 3 in timed run 3"), "%s", err.message);
	cr_expect_eq(n_time(r, 0), 3, "what was measured is kept");
	tach_result_free(r);

	fake g = {.cost = {0.01}, .fail_at = 2};
	o.ignore_failure = 1;
	r = run_with(&g, &o, 1, &rc, &err);
	cr_expect_eq(rc, 0);
	const tach_metric *ec = tach_benchmark_metric(r->benchmarks[0], "exit_code");
	cr_assert(ec);
	cr_expect_eq(ec->n_samples, 5);
	cr_expect_eq(ec->samples[2], 3);
	cr_expect_eq(ec->samples[3], 0);
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "peak_rss_method"), "rusage-max");
	tach_result_free(r);
}

Test(runner, stop_flag_keeps_what_was_measured)
{
	static volatile int stop;
	fake f = {.cost = {0.01}, .fail_at = -1};
	tach_runner_opts o = {.runs = 100, .stop = &stop};
	stop = 1;
	int rc;
	tach_error err;
	tach_result *r = run_with(&f, &o, 1, &rc, &err);
	cr_expect_eq(rc, 0);
	cr_expect_lt(n_time(r, 0), 100);
	tach_result_free(r);
}

/* No cgroup on this "machine": the probe reads files that do not exist. */
static void no_cgroups(void)
{
	tach__cgroup_fs fs = {"/nonexistent/cgroup", "/nonexistent/mountinfo", NULL, NULL};
	tach__cgroup_use_fs(&fs);
}

Test(runner, two_peaks_named_apart)
{
	no_cgroups();
	/* a cgroup measured every run's tree: both peaks, each named */
	fake f = {.cost = {0.01}, .fail_at = -1, .tree = TACH_PEAK_CGROUP};
	tach_runner_opts o = {.runs = 4};
	o.exec.measure_memory = 1;
	int rc;
	tach_error err;
	tach_result *r = run_with(&f, &o, 1, &rc, &err);
	cr_assert_eq(rc, 0);
	const tach_benchmark *b = r->benchmarks[0];
	const tach_metric *rss = tach_benchmark_metric(b, TACH_M_PEAK_RSS);
	const tach_metric *tree = tach_benchmark_metric(b, TACH_M_TREE_PEAK_MEMORY);
	cr_assert(rss && tree);
	cr_expect_eq(rss->n_samples, 4);
	cr_expect_eq(tree->n_samples, 4);
	cr_expect_eq(rss->samples[0], 1 << 20, "the largest single process");
	cr_expect_eq(tree->samples[0], 3 << 20, "the whole tree at once");
	cr_expect_str_eq(tree->unit, "B");
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "peak_rss_method"), "rusage-max");
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "tree_peak_memory_method"), "cgroup");
	cr_expect_null(tach_kvlist_get(&r->meta.context, "tree_peak_memory_why"),
	               "the best method needs no excuse");
	tach_result_free(r);
	tach__cgroup_use_fs(NULL);
}

Test(runner, missing_tree_peak_says_why)
{
	no_cgroups();
	/* cgroups turned off, no sampling: no tree metric, and why */
	fake f = {.cost = {0.01}, .fail_at = -1};
	tach_runner_opts o = {.runs = 3};
	int rc;
	tach_error err;
	tach_result *r = run_with(&f, &o, 1, &rc, &err);
	cr_assert_eq(rc, 0);
	cr_expect_null(tach_benchmark_metric(r->benchmarks[0], TACH_M_TREE_PEAK_MEMORY));
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "tree_peak_memory_method"), "none");
	const char *why = tach_kvlist_get(&r->meta.context, "tree_peak_memory_why");
	cr_assert(why);
	cr_expect(strstr(why, "no cgroup: turned off"), "%s", why);
	cr_expect(strstr(why, "not sampled either"), "%s", why);
	tach_result_free(r);

	/* asked for a cgroup, none here, sampled instead: the probe's reason */
	fake g = {.cost = {0.01}, .fail_at = -1, .tree = TACH_PEAK_SAMPLED};
	o.exec.measure_memory = 1;
	r = run_with(&g, &o, 1, &rc, &err);
	cr_assert_eq(rc, 0);
	cr_expect_eq(tach_benchmark_metric(r->benchmarks[0], TACH_M_TREE_PEAK_MEMORY)->n_samples, 3);
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "tree_peak_memory_method"), "sampled");
	why = tach_kvlist_get(&r->meta.context, "tree_peak_memory_why");
	cr_assert(why);
	cr_expect(strstr(why, "no cgroup v2 hierarchy is mounted"), "%s", why);
	cr_expect_null(strstr(why, "not sampled"), "%s", why);
	tach_result_free(r);
	tach__cgroup_use_fs(NULL);
}
