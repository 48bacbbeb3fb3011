/* test_result.c - building result sets: ownership, order, lookups, meta. */
#include <criterion/criterion.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "tach/tach.h"

Test(result, build_and_find)
{
	tach_result *r = tach_result_new();
	cr_assert(r);
	cr_expect_eq(r->meta.format, TACH_FORMAT_VERSION);
	cr_expect_str_eq(r->meta.tool, "tach");
	tach_benchmark *first = tach_result_add_benchmark(r, "a");
	for (int i = 0; i < 100; i++) { /* pointers survive growth */
		char name[16];
		snprintf(name, sizeof name, "b%d", i);
		tach_benchmark *b = tach_result_add_benchmark(r, name);
		tach_kvlist_set(&b->params, "i", name + 1);
	}
	cr_expect_str_eq(first->name, "a");
	cr_expect_eq(r->n_benchmarks, 101);
	tach_kvlist want = {0};
	tach_kvlist_set(&want, "i", "42");
	tach_benchmark *b42 = tach_result_find(r, "b42", &want);
	cr_assert(b42);
	cr_expect_str_eq(b42->name, "b42");
	tach_kvlist_set(&want, "i", "43");
	cr_expect_null(tach_result_find(r, "b42", &want));
	cr_expect_eq(tach_result_find(r, "b42", NULL), b42);
	tach_kvlist_release(&want);
	tach_result_free(r);
	tach_result_free(NULL);
}

Test(result, kvlist_keeps_first_insertion_order)
{
	tach_kvlist l = {0};
	tach_kvlist_set(&l, "z", "1");
	tach_kvlist_set(&l, "a", "2");
	tach_kvlist_set(&l, "z", "3");
	cr_expect_eq(l.n, 2);
	cr_expect_str_eq(l.items[0].key, "z");
	cr_expect_str_eq(l.items[0].value, "3");
	cr_expect_str_eq(tach_kvlist_get(&l, "a"), "2");
	cr_expect_null(tach_kvlist_get(&l, "q"));
	tach_kvlist_release(&l);
	cr_expect_eq(l.n, 0);
}

Test(result, metrics_samples_iterations_series)
{
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, "x");
	tach_metric *m = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
	for (int i = 0; i < 1000; i++)
		tach_metric_add_sample(m, i);
	cr_expect_null(m->iterations);
	tach_metric_add_sample_iters(m, 5, 77);
	tach_metric_add_sample(m, 6);
	cr_expect_eq(m->n_samples, 1002);
	cr_expect_eq(m->iterations[0], 0, "earlier counts are unknown");
	cr_expect_eq(m->iterations[1000], 77);
	cr_expect_eq(m->iterations[1001], 0);
	tach_series *s = tach_metric_add_series(m, 3);
	for (int i = 0; i < 500; i++)
		tach_series_add(s, i * 0.01, i);
	cr_expect_eq(s->n, 500);
	cr_expect_eq(s->v[499], 499);
	cr_expect_eq(tach_benchmark_metric(b, "time"), m);
	cr_expect_null(tach_benchmark_metric(b, "nope"));
	tach_error err;
	cr_expect_eq(tach_result_validate(r, &err), 0, "%s", err.message);
	tach_result_free(r);
}

Test(result, well_known_metrics)
{
	const char *unit;
	tach_direction d;
	cr_expect(tach_metric_known("items_per_second", &unit, &d));
	cr_expect_str_eq(unit, "/s");
	cr_expect_eq(d, TACH_HIGHER_IS_BETTER);
	cr_expect(tach_metric_known("peak_rss", &unit, &d));
	cr_expect_str_eq(unit, "B");
	cr_expect(tach_metric_known("latency_p999", &unit, &d));
	cr_expect_str_eq(unit, "s");
	cr_expect_not(tach_metric_known("frobs", &unit, &d));
}

Test(result, meta_collect)
{
	tach_result *r = tach_result_new();
	cr_assert_eq(tach_meta_collect(&r->meta, NULL), 0);
	cr_expect(r->meta.timestamp && strlen(r->meta.timestamp) == 24, "%s", r->meta.timestamp);
	cr_expect_eq(r->meta.timestamp[23], 'Z');
	cr_expect(r->meta.hostname && *r->meta.hostname);
	cr_expect(r->meta.kernel && *r->meta.kernel);
	cr_expect_eq(r->meta.cpu_count, (int)sysconf(_SC_NPROCESSORS_ONLN));
	cr_expect(r->meta.compiler != NULL);
	/* a directory outside any work tree: no git facts */
	tach_result *o = tach_result_new();
	cr_assert_eq(tach_meta_collect(&o->meta, "/"), 0);
	cr_expect_null(o->meta.git_commit);
	cr_expect_eq(o->meta.git_dirty, -1);
	tach_result_free(o);
	tach_result_free(r);
}

/* git facts: none without commits, commit + branch + dirty state after */
Test(result, meta_git_states)
{
	char dir[] = "/tmp/tach-git-XXXXXX";
	cr_assert(mkdtemp(dir));
	char cmd[512];
	snprintf(cmd, sizeof cmd,
	         "cd %s && git init -q -b trunk . && git config user.email t@t && "
	         "git config user.name t", dir);
	if (system(cmd) != 0)
		cr_skip_test("git is not available");

	tach_result *r = tach_result_new();
	cr_assert_eq(tach_meta_collect(&r->meta, dir), 0);
	cr_expect_null(r->meta.git_commit, "a repository without commits records no commit");
	tach_result_free(r);

	snprintf(cmd, sizeof cmd, "cd %s && echo a > f && git add f && git commit -qm one", dir);
	cr_assert_eq(system(cmd), 0);
	r = tach_result_new();
	cr_assert_eq(tach_meta_collect(&r->meta, dir), 0);
	cr_assert(r->meta.git_commit);
	cr_expect_eq(strlen(r->meta.git_commit), 40);
	cr_expect_str_eq(r->meta.git_branch, "trunk");
	cr_expect_eq(r->meta.git_dirty, 0);
	tach_result_free(r);

	snprintf(cmd, sizeof cmd, "cd %s && echo b > f", dir);
	cr_assert_eq(system(cmd), 0);
	r = tach_result_new();
	cr_assert_eq(tach_meta_collect(&r->meta, dir), 0);
	cr_expect_eq(r->meta.git_dirty, 1);
	tach_result_free(r);

	snprintf(cmd, sizeof cmd, "cd %s && git checkout -q --detach && git stash -q", dir);
	cr_assert_eq(system(cmd), 0);
	r = tach_result_new();
	cr_assert_eq(tach_meta_collect(&r->meta, dir), 0);
	cr_expect_null(r->meta.git_branch, "detached HEAD has no branch");
	cr_expect_eq(r->meta.git_dirty, 0);
	tach_result_free(r);

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
}

/* Rounds of one measurement gathered: samples (with their iteration
 * counts) appended to the same benchmark and metric, a benchmark dst
 * lacks made with its parameters, src unchanged. */
Test(result, append_samples_gathers_rounds)
{
	tach_result *dst = tach_result_new(), *src = tach_result_new();
	tach_benchmark *a = tach_result_add_benchmark(dst, "a");
	tach_metric_add_sample_iters(tach_benchmark_add_metric(a, "time", "s", TACH_LOWER_IS_BETTER),
	                             1.0, 10);
	tach_benchmark *sa = tach_result_add_benchmark(src, "a");
	tach_metric_add_sample_iters(tach_benchmark_add_metric(sa, "time", "s", TACH_LOWER_IS_BETTER),
	                             2.0, 20);
	tach_benchmark *sb = tach_result_add_benchmark(src, "b");
	cr_assert_eq(tach_kvlist_set(&sb->params, "n", "4"), 0);
	tach_metric_add_sample(tach_benchmark_add_metric(sb, "rss", "B", TACH_LOWER_IS_BETTER), 7);
	cr_assert_eq(tach_result_append_samples(dst, src), 0);
	cr_assert_eq(dst->n_benchmarks, 2);
	const tach_metric *t = tach_benchmark_metric(dst->benchmarks[0], "time");
	cr_assert_eq(t->n_samples, 2);
	cr_expect(t->samples[1] == 2.0 && t->iterations && t->iterations[1] == 20);
	cr_expect_str_eq(tach_kvlist_get(&dst->benchmarks[1]->params, "n"), "4");
	cr_expect_eq(tach_benchmark_metric(dst->benchmarks[1], "rss")->n_samples, 1);
	cr_expect_eq(src->benchmarks[0]->metrics[0]->n_samples, 1, "src unchanged");
	tach_kvlist l = {0};
	cr_assert_eq(tach_kvlist_set(&l, "n", "1"), 0);
	cr_assert_eq(tach_kvlist_copy(&l, &sb->params), 0);
	cr_expect(l.n == 1 && !strcmp(l.items[0].value, "4"), "a key it has takes src's value");
	cr_assert_eq(tach_kvlist_copy(&l, NULL), 0);
	tach_kvlist_release(&l);
	tach_result_free(dst);
	tach_result_free(src);
}
