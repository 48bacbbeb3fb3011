/* test_cli_load.c - `tach load` end to end on tach_testprog: the text
 * table and knee lines, one benchmark per rate with the contract's
 * metrics and context, failures and timeouts recorded, bad input refused
 * with exit 2, a stop by SIGTERM that leaves no run behind; `tach gate`
 * with a latency target and `tach compare` on load results.  Structure
 * only: no test depends on how fast this machine is. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

extern char **environ;

static const char *tmp_json(int i)
{
	static char buf[4][64];
	snprintf(buf[i], sizeof buf[i], "/tmp/tach-load-%d-%d.json", (int)getpid(), i);
	unlink(buf[i]);
	return buf[i];
}

static tach_result *read_json(const char *path)
{
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_result_read_file(path, &r, &err), 0, "%s: %s", path, err.message);
	return r;
}

static double value(const tach_benchmark *b, const char *name)
{
	const tach_metric *m = tach_benchmark_metric(b, name);
	cr_assert(m, "%s has no %s", b->name, name);
	cr_assert_eq(m->n_samples, 1, "%s", name);
	return m->samples[0];
}

Test(cli_load, sweep_writes_one_benchmark_per_rate)
{
	const char *json = tmp_json(0);
	run_result r = run_tach(ARGV("load", "--rate", "20,40/s", "-d", "300ms", "--name", "job",
	                             "-o", json, "--", TACH_TESTPROG, "--sleep", "1"),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "lat p50"), "%s", r.out);
	cr_expect(strstr(r.out, "20/s"), "%s", r.out);
	cr_expect(strstr(r.out, "40/s"), "%s", r.out);
	cr_expect(strstr(r.out, "knee: "), "%s", r.out);
	tach_result *res = read_json(json);
	cr_assert_eq(res->n_benchmarks, 2);
	static const char *const rates[] = {"20", "40"};
	static const char *const names[] = {
		"latency_p50", "latency_p90", "latency_p99", "latency_p999", "latency_max",
		"service_time_p50", "service_time_p90", "service_time_p99", "service_time_p999",
		"service_time_max", "achieved_rate", "late_starts", "peak_in_flight", "failures",
		"dropped_starts"};
	for (size_t i = 0; i < 2; i++) {
		const tach_benchmark *b = res->benchmarks[i];
		char want[32];
		snprintf(want, sizeof want, "job/rate:%s", rates[i]);
		cr_expect_str_eq(b->name, want);
		cr_expect_str_eq(tach_kvlist_get(&b->params, "rate"), rates[i]);
		for (size_t k = 0; k < sizeof names / sizeof *names; k++)
			value(b, names[k]);
		cr_expect_eq(value(b, "failures"), 0);
		cr_expect_gt(value(b, "achieved_rate"), 0);
		/* the latency includes the service time */
		cr_expect_geq(value(b, "latency_max"), value(b, "service_time_max") * (1 - 1.0 / 128));
		cr_expect_geq(value(b, "peak_in_flight"), 1);
	}
	cr_expect_str_eq(tach_kvlist_get(&res->meta.context, "load_arrivals"), "constant");
	cr_expect_str_eq(tach_kvlist_get(&res->meta.context, "load_duration"), "0.3");
	cr_expect_str_eq(tach_kvlist_get(&res->meta.context, "load_max_in_flight"), "64");
	tach_result_free(res);
	unlink(json);
	run_free(&r);
}

Test(cli_load, failures_and_timeouts_are_recorded)
{
	const char *json = tmp_json(1);
	char marker[64];
	snprintf(marker, sizeof marker, "tach-load-hang-%d", (int)getpid());
	run_result r = run_tach(ARGV("load", "--rate", "10", "-d", "300ms", "-o", json,
	                             "--timeout", "50ms", "--arrivals", "poisson", "--seed", "3",
	                             "--", TACH_TESTPROG, "--marker", marker, "--hang"),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tach_result *res = read_json(json);
	cr_assert_eq(res->n_benchmarks, 1);
	const tach_benchmark *b = res->benchmarks[0];
	double started = value(b, "achieved_rate") * 0.3;
	cr_expect_gt(value(b, "failures"), 0);
	cr_expect_float_eq(value(b, "failures"), started, 0.5, "every run timed out");
	cr_expect_geq(value(b, "service_time_p50"), 0.05);
	cr_expect_str_eq(tach_kvlist_get(&res->meta.context, "load_arrivals"), "poisson");
	cr_expect_eq(count_marked(marker, 1), 0, "runs left behind");
	tach_result_free(res);
	run_free(&r);
	/* a non-zero exit is a failure too */
	r = run_tach(ARGV("load", "--rate", "20", "-d", "200ms", "-o", json, "--", TACH_TESTPROG,
	                  "--exit", "3"),
	             NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	res = read_json(json);
	cr_expect_gt(value(res->benchmarks[0], "failures"), 0);
	tach_result_free(res);
	unlink(json);
	run_free(&r);
}

Test(cli_load, bad_input_exits_2_naming_it)
{
	const struct {
		const char *const *argv;
		const char *says;
	} cases[] = {
		{ARGV("load", "-d", "1s", "--", "true"), "no rate given"},
		{ARGV("load", "--rate", "0", "--", "true"), "--rate"},
		{ARGV("load", "--rate", "ten", "--", "true"), "'ten'"},
		{ARGV("load", "--rate", "10/min", "--", "true"), "'10/min'"},
		{ARGV("load", "--rate-scan", "100", "50", "10", "--", "true"), "HI is below LO"},
		{ARGV("load", "--rate", "10", "--arrivals", "bursty", "--", "true"), "'bursty'"},
		{ARGV("load", "--rate", "10", "--duration", "soon", "--", "true"), "--duration"},
		{ARGV("load", "--rate", "10", "--knee-factor", "0.5", "--", "true"), "--knee-factor"},
		{ARGV("load", "--rate", "10"), "no command given"},
		{ARGV("load", "--rate", "10", "--", "/no/such/cmd"), "'/no/such/cmd'"},
		{ARGV("load", "--rate", "10", "--max-in-flight", "0", "--", "true"), "--max-in-flight"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		run_result r = run_tach(cases[i].argv, NULL, NULL, NULL);
		cr_expect_eq(r.status, 2, "case %zu: status %d", i, r.status);
		cr_expect(strstr(r.err, cases[i].says), "case %zu: %s", i, r.err);
		run_free(&r);
	}
}

Test(cli_load, rate_scan_lists_every_rate)
{
	const char *json = tmp_json(2);
	run_result r = run_tach(ARGV("load", "--rate-scan", "10", "30", "10", "-d", "100ms", "-o",
	                             json, "--", "true"),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tach_result *res = read_json(json);
	cr_assert_eq(res->n_benchmarks, 3);
	cr_expect_str_eq(tach_kvlist_get(&res->benchmarks[2]->params, "rate"), "30");
	tach_result_free(res);
	unlink(json);
	run_free(&r);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

Test(cli_load, sigterm_kills_every_run_and_keeps_the_results)
{
	char marker[64], json[64], cmd[256];
	snprintf(marker, sizeof marker, "tach-load-sig-%d", (int)getpid());
	snprintf(json, sizeof json, "/tmp/tach-load-sig-%d.json", (int)getpid());
	snprintf(cmd, sizeof cmd, "%s --marker %s --sleep 60000", TACH_TESTPROG, marker);
	char *args[] = {TACH_EXE, "load", "--rate", "20", "-d", "60s", "-C", "3", "-o", json, cmd,
	                NULL};
	pid_t pid;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	cr_assert_eq(posix_spawn(&pid, TACH_EXE, &fa, NULL, args, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	double t0 = now();
	while (count_marked(marker, 0) < 3 && now() - t0 < 20)
		usleep(10000);
	cr_assert_geq(count_marked(marker, 0), 3, "the runs never started");
	kill(pid, SIGTERM);
	int status = -1, st = -1;
	for (t0 = now(); now() - t0 < 20; usleep(10000))
		if (waitpid(pid, &status, WNOHANG) == pid) {
			st = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
	if (st < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	cr_expect_eq(count_marked(marker, 1), 0, "runs survived");
	cr_assert_eq(st, 128 + SIGTERM);
	tach_result *res = read_json(json);
	cr_assert_eq(res->n_benchmarks, 1);
	cr_expect_eq(value(res->benchmarks[0], "peak_in_flight"), 3);
	tach_result_free(res);
	unlink(json);
}

/* A hand-made load result: latency_p99 in s, achieved_rate. */
static const char *load_file(double p99, double achieved)
{
	char text[1024];
	snprintf(text, sizeof text,
	         "{\"format\": 1, \"meta\": {}, \"benchmarks\": [{\"name\": \"job/rate:100\", "
	         "\"params\": {\"rate\": \"100\"}, \"metrics\": ["
	         "{\"name\": \"latency_p99\", \"unit\": \"s\", \"direction\": \"lower\", "
	         "\"samples\": [%g]},"
	         "{\"name\": \"achieved_rate\", \"unit\": \"/s\", \"direction\": \"higher\", "
	         "\"samples\": [%g]}]}]}\n",
	         p99, achieved);
	return temp_file(text, ".json");
}

Test(cli_load, gate_target_on_latency_p99)
{
	const char *conf = temp_file("[bench \"job/*\"]\n\ttarget = latency_p99 < 50ms\n"
	                             "\ttarget = achieved_rate >= 95\n",
	                             ".conf");
	run_result r = run_tach(ARGV("gate", "--config", conf, load_file(0.020, 100)), NULL, NULL,
	                        NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", conf, load_file(0.080, 100)), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "latency_p99"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", conf, load_file(0.020, 60)), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "achieved_rate"), "%s", r.out);
	run_free(&r);
}

Test(cli_load, compare_reads_load_metrics)
{
	const char *base = load_file(0.020, 100);
	char path[64];
	snprintf(path, sizeof path, "%s", base); /* temp_file reuses its buffers */
	run_result r = run_tach(ARGV("compare", path, load_file(0.021, 99)), NULL, NULL, NULL);
	cr_expect_neq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.out, "latency_p99"), "%s", r.out);
	cr_expect(strstr(r.out, "achieved_rate"), "%s", r.out);
	run_free(&r);
}

/* Daemons that runs leave behind (a setsid() grandchild, out of the run's
 * group) are killed while the rate goes on, not only when it ends: at 20
 * starts/s for 3 s each run leaves one sleeping a minute, so without the
 * sweep some 40 would be running beside the runs after 2 s. */
Test(cli_load, daemons_of_runs_do_not_pile_up)
{
	char marker[64], cmd[256];
	snprintf(marker, sizeof marker, "tach-load-orph-%d", (int)getpid());
	snprintf(cmd, sizeof cmd, "%s --daemon --marker %s", TACH_TESTPROG, marker);
	char *args[] = {TACH_EXE, "load", "--rate", "20", "-d", "3s", "-C", "4", cmd, NULL};
	pid_t pid;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	cr_assert_eq(posix_spawn(&pid, TACH_EXE, &fa, NULL, args, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	usleep(2000000);
	int during = count_marked(marker, 0);
	int status = -1;
	for (double t0 = now(); now() - t0 < 30; usleep(10000))
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	cr_expect_lt(during, 20, "%d processes of runs alive 2 s in (about 40 without the sweep)", during);
	cr_expect_eq(count_marked(marker, 1), 0, "nothing left after the run");
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
}
