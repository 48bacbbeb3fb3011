/* test_cli.c - black-box tests of the tach executable: stdout, stderr and
 * exit status of help, version and show in all four formats, and the
 * errors a user meets (bad flags, bad files, a full disk). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define EXAMPLE TACH_SOURCE_ROOT "/docs/example-results.json"
#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(cli, version_and_help)
{
	run_result r = run_tach(ARGV("--version"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "tach " TACH_VERSION_STRING), "%s", r.out);
	cr_expect_str_eq(r.err, "");
	run_free(&r);

	r = run_tach(ARGV("--help"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "show"), "%s", r.out);
	cr_expect(strstr(r.out, "exit status"), "%s", r.out);
	run_free(&r);

	r = run_tach(ARGV("help", "show"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "usage: tach show"), "%s", r.out);
	cr_expect(strstr(r.out, "--format FMT"), "%s", r.out);
	run_free(&r);

	run_result r2 = run_tach(ARGV("show", "--help"), NULL, NULL, NULL);
	r = run_tach(ARGV("help", "show"), NULL, NULL, NULL);
	cr_expect_str_eq(r.out, r2.out, "help CMD and CMD --help are the same text");
	run_free(&r);
	run_free(&r2);
}

Test(cli, usage_errors_exit_2_and_name_the_flag)
{
	run_result r = run_tach(ARGV("show", "--rnus", EXAMPLE), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "unknown option '--rnus'"), "%s", r.err);
	cr_expect_str_eq(r.out, "");
	run_free(&r);

	r = run_tach(ARGV("show", "--fromat", "csv", EXAMPLE), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "did you mean '--format'"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("show", "--format", "xml", EXAMPLE), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "invalid value 'xml' for --format"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("show", "--format"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "'--format' needs a value"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("show"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no results file"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("frobnicate"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "'frobnicate' is not a tach command"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("--bogus"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	run_free(&r);
}

Test(cli, input_errors_are_compiler_style)
{
	const char *bad = temp_file("{\"format\": 1,\n  \"benchmarks\": [1 2]}\n", ".json");
	run_result r = run_tach(ARGV("show", bad), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	char want[256];
	snprintf(want, sizeof want, "%s:2:20: expected ',' or ']'\n", bad);
	cr_expect_str_eq(r.err, want);
	cr_expect_str_eq(r.out, "", "nothing printed for a bad file");
	run_free(&r);

	/* the path exactly as given, even relative */
	r = run_tach(ARGV("show", "no/such/base.json"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "no/such/base.json: cannot read: No such file or directory\n");
	run_free(&r);

	/* one good and one bad file: no partial output */
	r = run_tach(ARGV("show", EXAMPLE, bad), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.out, "");
	run_free(&r);

	const char *newer = temp_file("{\"format\": 9, \"benchmarks\": []}", ".json");
	r = run_tach(ARGV("show", newer), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "newer than this tach"), "%s", r.err);
	run_free(&r);
}

Test(cli, show_text)
{
	run_result r = run_tach(ARGV("show", EXAMPLE), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "BM_memcpy/64"));
	cr_expect(strstr(r.out, "peak_rss"));
	cr_expect(strstr(r.out, "MiB"), "bytes are scaled");
	cr_expect(strstr(r.out, " ns "), "times are scaled");
	cr_expect(strstr(r.out, "error: BM_broken: benchmark aborted"));
	cr_expect_null(strchr(r.out, '\x1b'), "no colour when not a terminal");
	run_free(&r);

	r = run_tach(ARGV("--color=always", "show", EXAMPLE), NULL, NULL, NULL);
	cr_expect(strchr(r.out, '\x1b'), "colour when forced");
	run_free(&r);
	r = run_tach(ARGV("show", EXAMPLE), NULL, ARGV("NO_COLOR=1"), NULL);
	cr_expect_null(strchr(r.out, '\x1b'));
	run_free(&r);
}

Test(cli, show_reads_stdin)
{
	FILE *f = fopen(EXAMPLE, "r");
	static char text[65536];
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	run_result r = run_tach(ARGV("show", "-f", "csv", "-"), text, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "BM_memcpy/64,size=64,time,s,lower,20,"), "%s", r.out);
	run_free(&r);
}

/* The CSV columns are exact numbers: compare with the library's own. */
Test(cli, show_csv_is_exact)
{
	run_result r = run_tach(ARGV("show", "--format=csv", EXAMPLE), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *header = "name,params,metric,unit,direction,n,median,mean,stddev,min,max\n";
	cr_assert(strncmp(r.out, header, strlen(header)) == 0, "%s", r.out);
	cr_expect(strstr(r.out, "\"parse \"\"quoted\"\" <names> & \xc3\xbcn\xc3\xaf""c\xc3\xb6""d\xc3\xa9\",,time,s,lower,8,"),
	          "RFC 4180 quoting of the name: %s", r.out);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(EXAMPLE, &res, &err), 0);
	size_t rows = 0;
	char *save, *line = strtok_r(r.out + strlen(header), "\n", &save);
	for (size_t i = 0; i < res->n_benchmarks; i++) {
		for (size_t k = 0; k < res->benchmarks[i]->n_metrics; k++, rows++) {
			cr_assert(line, "missing rows");
			const tach_metric *m = res->benchmarks[i]->metrics[k];
			tach_summary s;
			tach_stats_summarize(m->samples, m->n_samples, &s);
			/* the last five fields are median,mean,stddev,min,max */
			const char *fields[11];
			char *copy = strdup(line), *p = copy + strlen(copy);
			int nf = 0;
			while (nf < 5) {
				while (p > copy && p[-1] != ',')
					p--;
				fields[nf++] = p;
				if (p > copy)
					p[-1] = '\0', p--;
			}
			const double want[] = {s.max, s.min, s.stddev, s.mean, s.median};
			for (int q = 0; q < 5; q++)
				cr_expect_eq(strtod(fields[q], NULL), want[q], "row %zu field %d: %s", rows, q,
				             fields[q]);
			free(copy);
			line = strtok_r(NULL, "\n", &save);
		}
	}
	cr_expect_null(line, "extra rows");
	cr_expect_eq(rows, 13);
	tach_result_free(res);
	run_free(&r);
}

Test(cli, show_json_parses_and_escapes)
{
	run_result r = run_tach(ARGV("show", "--format", "json", EXAMPLE), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_null(strstr(r.out, "<names>"), "'<' is escaped in JSON");
	json_error_t je;
	json_t *doc = json_loads(r.out, 0, &je);
	cr_assert(doc, "invalid JSON: %s at %d:%d", je.text, je.line, je.column);
	json_t *b = json_array_get(json_object_get(json_array_get(json_object_get(doc, "files"), 0),
	                                           "benchmarks"), 4);
	cr_expect_str_eq(json_string_value(json_object_get(b, "name")),
	                 "parse \"quoted\" <names> & \xc3\xbcn\xc3\xaf""c\xc3\xb6""d\xc3\xa9");
	json_t *m = json_array_get(json_object_get(b, "metrics"), 0);
	cr_expect_eq(json_integer_value(json_object_get(m, "n")), 8);
	cr_expect_str_eq(json_string_value(json_object_get(m, "unit")), "s");
	cr_expect(json_real_value(json_object_get(m, "median")) > 3e-6);
	json_decref(doc);
	run_free(&r);
}

Test(cli, show_markdown_escapes)
{
	run_result r = run_tach(ARGV("show", "--format", "markdown", EXAMPLE), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "| Benchmark | Metric | n | Median |"), "%s", r.out);
	cr_expect(strstr(r.out, "&lt;names&gt; &amp;"), "%s", r.out);
	cr_expect(strstr(r.out, "BM\\_memcpy/64"), "%s", r.out);
	cr_expect_null(strstr(r.out, "<names>"));
	run_free(&r);
}

Test(cli, hostile_names_cannot_reach_the_terminal)
{
	const char *f = temp_file(
		"{\"format\": 1, \"benchmarks\": [{\"name\": \"evil\\u001b[2J\\nforged line|x\", \"metrics\": "
		"[{\"name\": \"time\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1, 2, 3, 4, 5]}]}]}",
		".json");
	run_result r = run_tach(ARGV("show", f), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_null(strchr(r.out, '\x1b'));
	cr_expect(strstr(r.out, "evil\\x1b[2J\\x0aforged line|x"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("show", "-f", "md", f), NULL, NULL, NULL);
	cr_expect(strstr(r.out, "evil&#9243;\\[2J forged line\\|x"), "%s", r.out);
	run_free(&r);
}

Test(cli, warnings_go_to_stderr)
{
	const char *f = temp_file(
		"{\"format\": 1, \"benchmarks\": [{\"name\": \"few\", \"metrics\": "
		"[{\"name\": \"time\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1, 2]}]}]}",
		".json");
	run_result r = run_tach(ARGV("show", "-f", "csv", f), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.err, "warning"), "%s", r.err);
	cr_expect(strstr(r.err, "only 2 samples"), "%s", r.err);
	cr_expect_str_eq(r.out, "name,params,metric,unit,direction,n,median,mean,stddev,min,max\n"
	                        "few,,time,s,lower,2,1.5,1.5,0.7071067811865476,1,2\n");
	run_free(&r);
}

Test(cli, full_disk_is_an_error)
{
	run_result r = run_tach(ARGV("show", EXAMPLE), NULL, NULL, "/dev/full");
	cr_expect_eq(r.status, 2, "writing to a full disk must not exit 0");
	cr_expect(strstr(r.err, "No space left"), "%s", r.err);
	run_free(&r);
}

/* ---- tach run ---- */

Test(cli_run, runs_compares_and_exports)
{
	char json[] = "/tmp/tach-run-XXXXXX.json";
	int fd = mkstemps(json, 5);
	cr_assert(fd >= 0);
	close(fd);
	run_result r = run_tach(ARGV("run", "--runs", "5", "--export-json", json,
	                             TACH_TESTPROG " --sleep 5", TACH_TESTPROG " --sleep 20"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "Benchmark 1: " TACH_TESTPROG " --sleep 5"), "%s", r.out);
	cr_expect(strstr(r.out, "5 runs"), "%s", r.out);
	cr_expect(strstr(r.out, "faster than"), "%s", r.out);
	cr_expect_null(strchr(r.out, '\r'), "no progress output in a pipe");
	cr_expect_null(strchr(r.err, '\r'), "no progress output in a pipe");
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(json, &res, &err), 0, "%s", err.message);
	cr_assert_eq(res->n_benchmarks, 2);
	const tach_metric *t = tach_benchmark_metric(res->benchmarks[1], "time");
	cr_assert(t);
	cr_expect_eq(t->n_samples, 5);
	for (size_t i = 0; i < t->n_samples; i++)
		cr_expect_geq(t->samples[i], 0.020, "a 20 ms sleep takes at least 20 ms");
	cr_expect_eq(res->benchmarks[0]->source.kind, TACH_SOURCE_COMMAND);
	tach_result_free(res);
	unlink(json);
	run_free(&r);
}

Test(cli_run, failures)
{
	run_result r = run_tach(ARGV("run", "--runs", "3", "no-such-command-xyz --flag"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "command 'no-such-command-xyz' not found"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("run", "--runs", "3", TACH_TESTPROG " --exit 3"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "exited with code 3"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("run", "--runs", "3", "-i", TACH_TESTPROG " --exit 3"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "3 of 3 runs failed"), "%s", r.out);
	run_free(&r);

	r = run_tach(ARGV("run", "--runs", "1", "--timeout", "200ms", "-i", TACH_TESTPROG " --hang"),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "1 timed out"), "%s", r.out);
	run_free(&r);

	r = run_tach(ARGV("run", "--runs", "2", "echo a | wc"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--shell"), "%s", r.err);
	run_free(&r);

	r = run_tach(ARGV("run", "--timeout", "soon", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "invalid value 'soon' for --timeout"), "%s", r.err);
	run_free(&r);
}

Test(cli_run, parameters_and_shell)
{
	run_result r = run_tach(ARGV("run", "--runs", "2", "--parameter-list", "ms", "1,3",
	                             TACH_TESTPROG " --sleep {ms}"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "--sleep 1\n"), "%s", r.out);
	cr_expect(strstr(r.out, "--sleep 3\n"), "%s", r.out);
	run_free(&r);

	char json[] = "/tmp/tach-scan-XXXXXX.json";
	int fd = mkstemps(json, 5);
	cr_assert(fd >= 0);
	close(fd);
	r = run_tach(ARGV("run", "--runs", "2", "--parameter-scan", "ms", "100", "200",
	                  "--parameter-step", "50", "--export-json", json,
	                  TACH_TESTPROG " --burn {ms}"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(json, &res, &err), 0, "%s", err.message);
	cr_assert_eq(res->n_benchmarks, 3, "100, 150, 200");
	cr_expect_str_eq(tach_kvlist_get(&res->benchmarks[2]->params, "ms"), "200");
	/* CPU of the whole tree: a 200 ms busy loop, whatever the load */
	const tach_metric *u = tach_benchmark_metric(res->benchmarks[2], "user_time");
	const tach_metric *sy = tach_benchmark_metric(res->benchmarks[2], "system_time");
	cr_expect_geq(u->samples[0] + sy->samples[0], 0.18, "cpu %g", u->samples[0] + sy->samples[0]);
	tach_result_free(res);
	unlink(json);
	run_free(&r);

	r = run_tach(ARGV("run", "--runs", "2", "--shell", "echo a | wc -l"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "start-up of /bin/sh"), "%s", r.err);
	run_free(&r);
}

/* ':' through a shell is the shell's start-up and nothing else: after the
 * start-up is subtracted, what is left must be flagged, not shown as a
 * measured 0 s. */
Test(cli_run, too_fast_to_measure_is_said_and_flagged)
{
	char json[] = "/tmp/tach-colon-XXXXXX.json";
	int fd = mkstemps(json, 5);
	cr_assert(fd >= 0);
	close(fd);
	/* through a "shell" that runs nothing, so the command and the empty
	 * one cost exactly the same (a real shell's ':' is a few microseconds
	 * of parsing, which a quiet machine can resolve) */
	run_result r = run_tach(ARGV("run", "--shell=" TACH_TESTPROG, "--runs", "40", "--export-json",
	                             json, ":"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "':' is too fast to measure through "), "%s", r.err);
	cr_expect(strstr(r.out, "(too fast to measure: not resolved)"), "%s", r.out);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(json, &res, &err), 0, "%s", err.message);
	const tach_metric *t = tach_benchmark_metric(res->benchmarks[0], "time");
	cr_expect(t->flags & TACH_METRIC_UNRESOLVED);
	cr_expect(tach_kvlist_get(&res->meta.context, "shell_startup_subtracted_s"));
	cr_expect(tach_kvlist_get(&res->meta.context, "timer_resolution_s"));
	tach_result_free(res);
	run_free(&r);

	/* the same file compared with itself: no verdict on nothing */
	r = run_tach(ARGV("compare", json, json), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "below resolution"), "%s", r.out);
	run_free(&r);
	unlink(json);

	/* a real command is not flagged */
	r = run_tach(ARGV("run", "--runs", "3", TACH_TESTPROG " --sleep 20"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_null(strstr(r.err, "too fast"), "%s", r.err);
	cr_expect_null(strstr(r.out, "not resolved"), "%s", r.out);
	run_free(&r);
}

/* No process started by a run may survive it: a daemon, and a process
 * that ignores SIGTERM past the timeout. */
Test(cli_run, leaves_no_orphans)
{
	run_result r = run_tach(ARGV("run", "--runs", "2", "-i", "--timeout", "300ms",
	                             TACH_TESTPROG " --marker tach-orphan-check --daemon",
	                             TACH_TESTPROG " --marker tach-orphan-check --ignore-term --hang"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	int left = count_marked("tach-orphan-check", 1);
	cr_expect_eq(left, 0, "%d processes survived", left);
}

Test(cli_run, concurrency_is_a_load_test)
{
	char json[] = "/tmp/tach-conc-XXXXXX.json";
	int fd = mkstemps(json, 5);
	cr_assert(fd >= 0);
	close(fd);
	/* each copy holds its memory 300 ms, so that three overlap even when a
	 * loaded CI machine is slow to start them */
	run_result r = run_tach(ARGV("run", "-C", "3", "--runs", "6", "--export-json", json,
	                             TACH_TESTPROG " --alloc 8 --sleep 300"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "runs/s with 3 at once"), "%s", r.out);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(json, &res, &err), 0, "%s", err.message);
	const tach_benchmark *b = res->benchmarks[0];
	cr_expect_eq(tach_benchmark_metric(b, "time")->n_samples, 6);
	const tach_metric *rps = tach_benchmark_metric(b, "runs_per_second");
	cr_assert(rps);
	cr_expect_eq(rps->n_samples, 1);
	/* 3 at once, each at least 300 ms: at most 10 runs/s */
	cr_expect(rps->samples[0] > 0 && rps->samples[0] <= 10, "%g", rps->samples[0]);
	cr_expect_str_eq(tach_kvlist_get(&b->params, "concurrency"), "3");
	const tach_metric *peak = tach_benchmark_metric(b, "peak_rss");
	cr_expect_eq(peak->n_samples, 1, "one peak for the pool");
	cr_expect_geq(peak->samples[0], 8 * 1048576.0, "one copy's 8 MiB");
	cr_expect_lt(peak->samples[0], 2 * 8 * 1048576.0, "the largest single process");
	const tach_metric *tree = tach_benchmark_metric(b, "tree_peak_memory");
	if (tree) {
		cr_expect_eq(tree->n_samples, 1, "one tree peak for the pool");
		cr_expect_geq(tree->samples[0], 3 * 8 * 1048576.0 * 0.95, "three copies at once");
	}
	tach_result_free(res);
	unlink(json);
	run_free(&r);
}

Test(cli_run, counters_report_what_is_unavailable)
{
	char json[] = "/tmp/tach-ctr-XXXXXX.json";
	int fd = mkstemps(json, 5);
	cr_assert(fd >= 0);
	close(fd);
	run_result r = run_tach(ARGV("run", "--runs", "3", "--counters", "instructions,task-clock",
	                             "--export-json", json, TACH_TESTPROG " --burn 20"),
	                        NULL, ARGV("TACH_COUNTERS_FAIL=instructions:ENOENT"), NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "instructions: not supported here"), "%s", r.err);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(json, &res, &err), 0, "%s", err.message);
	const tach_metric *tc = tach_benchmark_metric(res->benchmarks[0], "task_clock");
	cr_assert(tc, "software events still work");
	cr_expect_eq(tc->n_samples, 3);
	cr_expect_gt(tc->samples[0], 0.010, "20 ms of CPU burnt");
	cr_expect_null(tach_benchmark_metric(res->benchmarks[0], "instructions"));
	tach_result_free(res);
	unlink(json);
	run_free(&r);

	r = run_tach(ARGV("run", "--counters", "cyles", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "did you mean 'cycles'"), "%s", r.err);
	run_free(&r);
}

Test(cli_run, monitor_keeps_series_per_run)
{
	char json[] = "/tmp/tach-mon-XXXXXX.json";
	int fd = mkstemps(json, 5);
	cr_assert(fd >= 0);
	close(fd);
	run_result r = run_tach(ARGV("run", "--runs", "2", "--monitor=5ms", "--no-memory-cgroup",
	                             "--export-json", json, TACH_TESTPROG " --alloc 30 --sleep 150"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	/* no cgroup: the tree's peak is sampled, and says why */
	cr_expect(strstr(r.out, "sampled"), "%s", r.out);
	cr_expect(strstr(r.out, "no cgroup: turned off"), "%s", r.out);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(json, &res, &err), 0, "%s", err.message);
	const tach_metric *rss = tach_benchmark_metric(res->benchmarks[0], "peak_rss");
	const tach_metric *tree = tach_benchmark_metric(res->benchmarks[0], "tree_peak_memory");
	const tach_metric *cpu = tach_benchmark_metric(res->benchmarks[0], "cpu_percent");
	cr_assert(rss && tree && cpu);
	cr_expect_str_eq(tach_kvlist_get(&res->meta.context, "tree_peak_memory_method"), "sampled");
	cr_expect_eq(tree->n_series, 2, "one series of the tree's RSS per run");
	cr_expect_eq(tree->series[1]->sample, 1);
	cr_expect_gt(tree->series[0]->n, 5);
	cr_expect_geq(rss->samples[0], 30 * 1048576.0, "30 MiB touched");
	cr_expect_geq(tree->samples[0], rss->samples[0], "the tree holds its largest process");
	cr_expect_eq(cpu->n_series, 2);
	tach_result_free(res);
	unlink(json);
	run_free(&r);
}

Test(cli_run, two_peaks_each_named)
{
	char json[] = "/tmp/tach-peaks-XXXXXX.json";
	int fd = mkstemps(json, 5);
	cr_assert(fd >= 0);
	close(fd);
	run_result r = run_tach(ARGV("run", "--runs", "2", "--no-memory-cgroup", "--export-json",
	                             json, TACH_TESTPROG " --alloc 2"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "Peak RSS:") && strstr(r.out, "largest single process"), "%s",
	          r.out);
	cr_expect(strstr(r.out, "Tree peak memory:  no cgroup: turned off"), "%s", r.out);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(json, &res, &err), 0, "%s", err.message);
	const tach_metric *rss = tach_benchmark_metric(res->benchmarks[0], "peak_rss");
	cr_assert(rss);
	/* the command's own high-water mark: 2 MiB and libc, not tach's
	 * 7.5 MiB, which a child forked from tach inherited across exec */
	cr_expect_geq(rss->samples[0], 2 * 1048576.0);
	cr_expect_lt(rss->samples[0], 6 * 1048576.0, "%.2f MiB", rss->samples[0] / 1048576.0);
	cr_expect_null(tach_benchmark_metric(res->benchmarks[0], "tree_peak_memory"));
	cr_expect_str_eq(tach_kvlist_get(&res->meta.context, "tree_peak_memory_method"), "none");
	tach_result_free(res);
	unlink(json);
	run_free(&r);

	/* a file from before the split: its one peak_rss was the tree's */
	const char *old = temp_file(
		"{\"format\": 1, \"meta\": {\"context\": {\"peak_rss_method\": \"cgroup\"}}, "
		"\"benchmarks\": [{\"name\": \"x\", \"metrics\": [{\"name\": \"peak_rss\", "
		"\"unit\": \"B\", \"direction\": \"lower\", \"samples\": [1000, 1000, 1000]}]}]}",
		".json");
	const char *now = temp_file(
		"{\"format\": 1, \"meta\": {\"context\": {\"peak_rss_method\": \"rusage-max\", "
		"\"tree_peak_memory_method\": \"cgroup-v2\"}}, "
		"\"benchmarks\": [{\"name\": \"x\", \"metrics\": [{\"name\": \"peak_rss\", "
		"\"unit\": \"B\", \"direction\": \"lower\", \"samples\": [2000, 2000, 2000]}]}]}",
		".json");
	r = run_tach(ARGV("compare", old, now), NULL, NULL, NULL);
	cr_expect(strstr(r.out, "peak_rss measured by 'cgroup' in the base and 'rusage-max'") ||
	          strstr(r.err, "peak_rss measured by 'cgroup' in the base and 'rusage-max'"),
	          "%s%s", r.out, r.err);
	run_free(&r);
	r = run_tach(ARGV("show", old), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "old files stay readable: %s", r.err);
	run_free(&r);
}

/* Runs shorter than the monitor's interval: each run's cpu_percent is its
 * own user + system time over its wall time, not the sum of the samples
 * (which saw none of the burn and read 0 %). */
Test(cli_run, monitor_cpu_percent_is_exact_at_coarse_intervals)
{
	char json[] = "/tmp/tach-mon-XXXXXX.json";
	int fd = mkstemps(json, 5);
	cr_assert(fd >= 0);
	close(fd);
	run_result r = run_tach(ARGV("run", "--runs", "3", "--monitor=500ms", "--export-json", json,
	                             TACH_TESTPROG " --burn 60"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(json, &res, &err), 0, "%s", err.message);
	const tach_benchmark *b = res->benchmarks[0];
	const tach_metric *cpu = tach_benchmark_metric(b, "cpu_percent");
	const tach_metric *t = tach_benchmark_metric(b, "time");
	const tach_metric *us = tach_benchmark_metric(b, "user_time");
	const tach_metric *sy = tach_benchmark_metric(b, "system_time");
	cr_assert(cpu && t && us && sy);
	cr_assert_eq(cpu->n_samples, 3);
	for (size_t k = 0; k < 3; k++) {
		double want = (us->samples[k] + sy->samples[k]) / t->samples[k] * 100;
		cr_expect_gt(cpu->samples[k], 0, "run %zu: the burn's CPU was lost", k);
		cr_expect(fabs(cpu->samples[k] - want) <= 1e-6 * want, "run %zu: %g %% != %g %%", k,
		          cpu->samples[k], want);
	}
	tach_result_free(res);
	unlink(json);
	run_free(&r);
}

Test(cli, import_and_show_other_tools_files)
{
	const char *gb = temp_file(
		"{\"context\": {\"host_name\": \"h\"}, \"benchmarks\": ["
		"{\"name\": \"BM_x\", \"run_name\": \"BM_x\", \"run_type\": \"iteration\", \"iterations\": 10,"
		" \"real_time\": 5, \"cpu_time\": 5, \"time_unit\": \"ns\"}]}", ".json");
	const char *hf = temp_file(
		"{\"results\": [{\"command\": \"sleep 0.1\", \"times\": [0.1, 0.11, 0.12],"
		" \"user\": 0.001, \"system\": 0.002, \"exit_codes\": [0, 0, 0]}]}", ".json");
	run_result r = run_tach(ARGV("import", gb, hf), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_buffer(r.out, r.out_len, "out", &res, &err), 0, "%s", err.message);
	cr_expect_eq(res->n_benchmarks, 2);
	cr_expect_str_eq(res->benchmarks[1]->name, "sleep 0.1");
	cr_expect_eq(tach_benchmark_metric(res->benchmarks[1], "time")->n_samples, 3);
	tach_result_free(res);
	run_free(&r);

	r = run_tach(ARGV("show", "-f", "csv", gb), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "BM_x,,time,s,lower,1,5e-9"), "%s", r.out);
	run_free(&r);

	const char *bad = temp_file("{\"results\": 3,\n \"x\": }", ".json");
	r = run_tach(ARGV("import", bad), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, ":2:"), "placed: %s", r.err);
	cr_expect_str_eq(r.out, "");
	run_free(&r);
}

/* tach merge: several files become one set; a prefix keeps equal names
 * apart; the first file's metadata wins; duplicates are refused. */
Test(cli_merge, prefixes_metadata_and_duplicates)
{
	char out[] = "/tmp/tach-merge-XXXXXX.json";
	close(mkstemps(out, 5));
	run_result r = run_tach(ARGV("merge", "-o", out, "a=" EXAMPLE, "b=" EXAMPLE), NULL, NULL,
	                        NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	tach_result *one, *both;
	tach_error err;
	cr_assert_eq(tach_result_read_file(EXAMPLE, &one, &err), 0);
	cr_assert_eq(tach_result_read_file(out, &both, &err), 0, "%s", err.message);
	cr_expect_eq(both->n_benchmarks, 2 * one->n_benchmarks);
	char want[300];
	snprintf(want, sizeof want, "a/%s", one->benchmarks[0]->name);
	cr_expect_str_eq(both->benchmarks[0]->name, want);
	snprintf(want, sizeof want, "b/%s", one->benchmarks[0]->name);
	cr_expect_str_eq(both->benchmarks[one->n_benchmarks]->name, want);
	cr_expect_str_eq(both->meta.timestamp, one->meta.timestamp, "the first file's metadata");
	cr_expect_eq(both->benchmarks[0]->metrics[0]->n_samples,
	             one->benchmarks[0]->metrics[0]->n_samples, "every sample kept");
	tach_result_free(one);
	tach_result_free(both);
	r = run_tach(ARGV("merge", "-o", out, EXAMPLE, EXAMPLE), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%d %s", r.status, r.err);
	cr_expect(strstr(r.err, "PREFIX=FILE"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("merge", "x=/nonexistent.json"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	run_free(&r);
	unlink(out);
}

/* --monitor in a load test: every copy's CPU series is kept (one sample
 * per run), the resource block is printed, and the pool's one peak stays
 * the memory figure. */
Test(cli_run, monitor_with_concurrency)
{
	char json[] = "/tmp/tach-pmon-XXXXXX.json";
	close(mkstemps(json, 5));
	run_result r = run_tach(ARGV("run", "-C", "2", "--runs", "4", "--monitor", "--export-json",
	                             json, TACH_TESTPROG " --alloc 8 --burn 60"),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "CPU (monitored):"), "%s", r.out);
	run_free(&r);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(json, &res, &err), 0, "%s", err.message);
	const tach_benchmark *b = res->benchmarks[0];
	const tach_metric *cpu = tach_benchmark_metric(b, TACH_M_CPU_PERCENT);
	cr_assert(cpu, "cpu_percent recorded for a pool");
	cr_expect_eq(cpu->n_samples, 4);
	cr_expect_eq(cpu->n_series, 4, "one series per copy");
	cr_expect_eq(tach_benchmark_metric(b, TACH_M_PEAK_RSS)->n_samples, 1, "one pool peak");
	tach_result_free(res);
	unlink(json);
}
