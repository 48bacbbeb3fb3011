/* test_sim.c - reading callgrind's profiles and turning them into
 * deterministic metrics (src/measure/sim.c): the events line decides the
 * columns, trailing zero fields may be missing, the client-request tag
 * names the part, malformed files are placed; the cycle estimate follows
 * its documented formula; Valgrind's absence is explained. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"

static char *write_temp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/tach-sim-XXXXXX");
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

Test(sim, reads_a_dumped_part_with_its_tag)
{
	const char *text = "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npid: 42\n"
	                   "cmd: ./bench --instructions\npart: 1\n\n"
	                   "desc: I1 cache: 32768 B, 64 B, 8-way associative\n"
	                   "desc: Timerange: Basic block 0 - 30885\n"
	                   "desc: Trigger: Client Request: tach:3:1\n\n"
	                   "positions: line\nevents: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\n"
	                   "summary: 8015 1001 1007 3 2 1 3\n\nfl= (1) x.c\nfn= (1) f\n"
	                   "5 8006 1000 1001 1\n\ntotals: 8006 1000 1001 1 0 0 1\n";
	char *path = write_temp(text);
	tach_sim_counts c;
	char tag[64];
	tach_error err;
	cr_assert_eq(tach_sim_read(path, &c, tag, sizeof tag, &err), 0, "%s", err.message);
	cr_expect_str_eq(tag, "tach:3:1");
	/* the summary, not the totals; missing trailing fields are zero */
	cr_expect_eq(c.ir, 8015);
	cr_expect_eq(c.dr, 1001);
	cr_expect_eq(c.dw, 1007);
	cr_expect_eq(c.i1mr, 3);
	cr_expect_eq(c.d1mr, 2);
	cr_expect_eq(c.d1mw, 1);
	cr_expect_eq(c.ilmr, 3);
	cr_expect_eq(c.dlmr, 0);
	cr_expect_eq(c.dlmw, 0);
	unlink(path);
}

Test(sim, columns_follow_the_events_line)
{
	/* another order, an unknown event in the middle, totals only */
	char *path = write_temp("events: Dw Bc Ir\ntotals: 7 99 1234\n");
	tach_sim_counts c;
	char tag[16];
	cr_assert_eq(tach_sim_read(path, &c, tag, sizeof tag, NULL), 0);
	cr_expect_eq(c.ir, 1234);
	cr_expect_eq(c.dw, 7);
	cr_expect_eq(c.dr, 0);
	cr_expect_str_eq(tag, "", "no client request: an empty tag");
	unlink(path);
}

Test(sim, malformed_and_missing_files)
{
	char *path = write_temp("version: 1\nsummary: 12 3\n");
	tach_sim_counts c;
	tach_error err;
	memset(&err, 0, sizeof err);
	cr_expect_eq(tach_sim_read(path, &c, NULL, 0, &err), TACH_EPARSE);
	cr_expect_str_eq(err.file, path);
	cr_expect_eq(err.line, 2, "placed at the summary before any events line");
	unlink(path);
	memset(&err, 0, sizeof err);
	cr_expect_lt(tach_sim_read("/nonexistent/cg.out", &c, NULL, 0, &err), 0);
	cr_expect(strstr(err.message, "/nonexistent/cg.out"), "%s", err.message);
}

Test(sim, cycle_estimate_formula)
{
	/* accesses 1500, ram 10, L1 misses 40 -> LL hits 30, L1 hits 1460:
	 * 1460 + 5 x 30 + 35 x 10 = 1960 */
	tach_sim_counts c = {.ir = 1000, .dr = 300, .dw = 200, .i1mr = 10, .d1mr = 20, .d1mw = 10,
	                     .ilmr = 2, .dlmr = 5, .dlmw = 3};
	cr_expect_float_eq(tach_sim_cycles(&c), 1960, 1e-9);
	tach_sim_counts none = {.ir = 50};
	cr_expect_float_eq(tach_sim_cycles(&none), 50, 1e-9, "all hits: one cycle per access");
	tach_sim_counts sum = c;
	tach_sim_add(&sum, &c);
	cr_expect_eq(sum.ir, 2000);
	cr_expect_eq(sum.dlmw, 6);
	cr_expect_float_eq(tach_sim_cycles(&sum), 3920, 1e-9, "linear");
}

Test(sim, samples_per_iteration_marked_deterministic)
{
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, "bm");
	tach_sim_counts c = {.ir = 1000, .dr = 300, .dw = 200, .i1mr = 10, .d1mr = 20, .d1mw = 10,
	                     .ilmr = 2, .dlmr = 5, .dlmw = 3};
	cr_assert_eq(tach_sim_add_samples(b, &c, 100), 0);
	cr_assert_eq(tach_sim_add_samples(b, &c, 100), 0);
	const char *names[] = {TACH_M_INSTRUCTIONS, TACH_M_L1_MISSES, TACH_M_LL_MISSES,
	                       TACH_M_EST_CYCLES};
	const double want[] = {10, 0.4, 0.1, 19.6};
	for (size_t i = 0; i < 4; i++) {
		const tach_metric *m = tach_benchmark_metric(b, names[i]);
		cr_assert(m, "%s", names[i]);
		cr_expect(m->flags & TACH_METRIC_DETERMINISTIC);
		cr_expect_str_eq(m->unit, "count");
		cr_expect_eq(m->direction, TACH_LOWER_IS_BETTER);
		cr_assert_eq(m->n_samples, 2, "one metric, two samples");
		cr_expect_float_eq(m->samples[1], want[i], 1e-12, "%s", names[i]);
	}
	cr_expect_eq(b->n_metrics, 4);
	/* the flag survives the results file */
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	cr_assert_eq(tach_result_write(r, f, NULL), 0);
	fclose(f);
	tach_result *back;
	tach_error err;
	cr_assert_eq(tach_result_read_buffer(text, len, "x", &back, &err), 0, "%s", err.message);
	cr_expect(tach_benchmark_metric(back->benchmarks[0], "instructions")->flags &
	          TACH_METRIC_DETERMINISTIC);
	tach_result_free(back);
	free(text);
	tach_result_free(r);
}

Test(sim, prefix_pins_the_caches)
{
	size_t n = 0;
	char **v = tach_sim_prefix("/usr/bin/valgrind", "/tmp/d/cg.%p", "/tmp/d/log.%p", 1, 0, &n);
	cr_assert(v);
	cr_expect_str_eq(v[0], "/usr/bin/valgrind");
	int tool = 0, cache = 0, i1 = 0, ll = 0, children = 0, atstart = 0, out = 0;
	for (size_t i = 0; i < n; i++) {
		tool |= !strcmp(v[i], "--tool=callgrind");
		cache |= !strcmp(v[i], "--cache-sim=yes");
		i1 |= !strcmp(v[i], "--I1=32768,8,64");
		ll |= !strcmp(v[i], "--LL=8388608,16,64");
		children |= !strcmp(v[i], "--trace-children=yes");
		atstart |= !strcmp(v[i], "--collect-atstart=no");
		out |= !strcmp(v[i], "--callgrind-out-file=/tmp/d/cg.%p");
	}
	cr_expect(tool && cache && i1 && ll && children && atstart && out);
	cr_expect_null(v[n]);
	tach_words_free(v);
}

Test(sim, missing_valgrind_says_how_to_install_it)
{
	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("PATH", "/nonexistent:/also-not", 1);
	char buf[256];
	tach_error err;
	memset(&err, 0, sizeof err);
	cr_expect_eq(tach_sim_find(buf, sizeof buf, &err), TACH_EINVAL);
	cr_expect(strstr(err.message, "apt-get install valgrind"), "%s", err.message);
	if (old)
		setenv("PATH", old, 1);
	free(old);
}

Test(sim, diagnoses_an_unsupported_instruction)
{
	char *path = write_temp("==7== Callgrind, a call-graph generating cache profiler\n"
	                        "vex amd64->IR: unhandled instruction bytes: 0x62 0xF1 0x7D 0x48\n"
	                        "==7== valgrind: Unrecognised instruction at address 0x401136.\n");
	char why[600];
	cr_assert(tach_sim_diagnose(path, why, sizeof why));
	cr_expect(strstr(why, "cannot simulate an instruction"), "%s", why);
	cr_expect(strstr(why, "unhandled instruction bytes"), "the log's words kept: %s", why);
	unlink(path);
	path = write_temp("==7== all fine\n");
	cr_expect_eq(tach_sim_diagnose(path, why, sizeof why), 0);
	unlink(path);
}
