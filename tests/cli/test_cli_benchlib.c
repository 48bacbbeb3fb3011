/* test_cli_benchlib.c - the benchmark binary's command line for the
 * issue 19 features, end to end on examples/features: --threads with
 * nproc and LO..HI ranges, --counters-tabular, cpu_time in the table and
 * the results file, and --help naming them.  Values are not checked
 * (real clocks); names, columns and exit statuses are. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

/* Quick settings: these tests look at the shape of the output. */
static run_result features(const char *const *extra)
{
	const char *argv[32] = {"--min-time", "1ms", "--repetitions", "2", "--max-repetitions",
	                        "2", "--no-alloc"};
	size_t n = 7;
	for (; extra && *extra && n < 31; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;
	return run_exe(TACH_FEATURES_BENCH, argv, NULL, NULL, NULL);
}

Test(cli_benchlib, help_names_the_new_options)
{
	run_result r = features((const char *[]){"--help", NULL});
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "--counters-tabular"), "%s", r.out);
	cr_expect(strstr(r.out, "1..nproc"), "%s", r.out);
	run_free(&r);
}

Test(cli_benchlib, threads_ranges_and_nproc)
{
	run_result r = features((const char *[]){"--list", "--filter", "bm_sleep",
	                                         "--threads", "1..4,3", NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "bm_sleep/50/threads:1\nbm_sleep/50/threads:2\n"
	                        "bm_sleep/50/threads:4\nbm_sleep/50/threads:3\n");
	run_free(&r);

	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char want[64];
	snprintf(want, sizeof want, "bm_sleep/50/threads:%ld\n", ncpu);
	r = features((const char *[]){"--list", "--filter", "bm_sleep", "--threads", "nproc", NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, want), "%s", r.out);
	run_free(&r);

	/* the benchmark's own TACH_THREAD_RANGE(1, TACH_NPROC) */
	r = features((const char *[]){"--list", "--filter", "bm_packets", NULL});
	snprintf(want, sizeof want, "bm_packets/threads:%ld\n", ncpu);
	cr_expect(ncpu == 1 || strstr(r.out, want), "%s", r.out);
	run_free(&r);

	const char *bad[] = {"0", "4..2", "1,", "nprocs", "1..", "..4", "257", ""};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		r = features((const char *[]){"--list", "--threads", bad[i], NULL});
		cr_expect_eq(r.status, 2, "--threads '%s': %d", bad[i], r.status);
		cr_expect(strstr(r.err, "invalid value") && strstr(r.err, "--threads"), "%s", r.err);
		run_free(&r);
	}
}

Test(cli_benchlib, dense_and_product_names)
{
	run_result r = features((const char *[]){"--list", "--filter", "bm_(pipe|grid)", NULL});
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "bm_pipe_write/256\nbm_pipe_write/640\nbm_pipe_write/1024\n"
	                        "bm_grid/16/8/1\nbm_grid/16/8/2\nbm_grid/16/24/1\nbm_grid/16/24/2\n"
	                        "bm_grid/64/8/1\nbm_grid/64/8/2\nbm_grid/64/24/1\nbm_grid/64/24/2\n");
	run_free(&r);
}

/* --counters-tabular: one column per metric, headed by its name. */
Test(cli_benchlib, counters_tabular_puts_metrics_in_columns)
{
	run_result r = features((const char *[]){"--filter", "bm_packets/threads:1$", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "throughput and metrics"), "%s", r.out);
	cr_expect(strstr(r.out, "  queued_per_thread "), "pairs in the last column: %s", r.out);
	run_free(&r);

	r = features((const char *[]){"--counters-tabular", "--filter", "bm_packets/threads:1$",
	                              NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *nl = strchr(r.out, '\n');
	cr_assert(nl);
	*nl = '\0';
	const char *cols[] = {"time/op", "cpu/op", "queued_per_thread", "time_per_packet",
	                      "packets"};
	for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
		cr_expect(strstr(r.out, cols[i]), "header '%s' lacks %s", r.out, cols[i]);
	cr_expect_null(strstr(r.out, "throughput and metrics"));
	cr_expect(strstr(nl + 1, "ns/packet"), "the inverted rate in seconds: %s", nl + 1);
	cr_expect_null(strstr(nl + 1, "queued_per_thread"), "no names in the rows: %s", nl + 1);
	run_free(&r);
}

/* cpu_time is in the results file beside time, one sample per
 * repetition (its values are the unit tests' business, with fake
 * clocks). */
Test(cli_benchlib, cpu_time_in_the_results)
{
	run_result r = features((const char *[]){"--filter", "bm_sleep", "--format", "json", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	tach_result *res = NULL;
	tach_error err;
	cr_assert_eq(tach_result_read_buffer(r.out, r.out_len, "out.json", &res, &err), 0, "%s",
	             err.message);
	const tach_metric *t = tach_benchmark_metric(res->benchmarks[0], "time");
	const tach_metric *c = tach_benchmark_metric(res->benchmarks[0], "cpu_time");
	cr_assert(t && c);
	cr_expect_eq(c->n_samples, t->n_samples);
	cr_expect_str_eq(c->unit, "s");
	cr_expect_gt(c->samples[0], 0);
	tach_result_free(res);
	run_free(&r);
}
