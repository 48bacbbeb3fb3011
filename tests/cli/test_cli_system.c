/* test_cli_system.c - `tach system show|tune|reset` on a fake tree of /sys
 * and /proc files (TACH_SYSTEM_ROOT; the real settings are never
 * written), the refusal without root, and --cpus of `tach run` and of a
 * benchmark program: the command's own view of its affinity
 * (Cpus_allowed_list in /proc/self/status) and the results' context.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char root[] = "/tmp/tach-cli-system-XXXXXX";
static char env_root[600];

static void put(const char *path, const char *text)
{
	char full[512];
	snprintf(full, sizeof full, "%s%s", root, path);
	for (char *s = strchr(full + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(full, 0755);
		*s = '/';
	}
	FILE *f = fopen(full, "w");
	cr_assert(f, "%s: %s", full, strerror(errno));
	fputs(text, f);
	fclose(f);
	chmod(full, 0644);
}

static char *get(const char *path)
{
	static char buf[8192];
	char full[512];
	snprintf(full, sizeof full, "%s%s", root, path);
	FILE *f = fopen(full, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

#define GOV0 "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"
#define NO_TURBO "/sys/devices/system/cpu/intel_pstate/no_turbo"

static void setup(void)
{
	strcpy(root, "/tmp/tach-cli-system-XXXXXX");
	cr_assert(mkdtemp(root));
	chmod(root, 0755); /* readable by the unprivileged user below */
	snprintf(env_root, sizeof env_root, "TACH_SYSTEM_ROOT=%s", root);
	put("/sys/devices/system/cpu/online", "0\n");
	put(GOV0, "powersave\n");
	put("/sys/devices/system/cpu/cpu0/cpufreq/scaling_available_governors",
	    "performance powersave\n");
	put(NO_TURBO, "0\n");
	put("/proc/loadavg", "0.01 0.02 0.03 1/100 42\n");
	put("/proc/sys/kernel/randomize_va_space", "2\n");
}

static void teardown(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root); /* the test's own tree */
	cr_expect_eq(system(cmd), 0);
}

TestSuite(cli_system, .init = setup, .fini = teardown);

Test(cli_system, show_lists_each_finding_with_its_reason)
{
	run_result r = run_tach(ARGV("system", "show"), NULL, ARGV(env_root), NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "WARN  cpu-governor         'powersave' on CPU 0\n"), "%s", r.out);
	cr_expect(strstr(r.out, "-> tach system tune (as root) sets 'performance'"), "%s", r.out);
	cr_expect(strstr(r.out, "WARN  turbo                on (intel_pstate/no_turbo = 0)"));
	cr_expect(strstr(r.out, "OK    load                 0.01 on 1 CPU "), "%s", r.out);
	cr_expect(strstr(r.out, "INFO  smt                  not available here"), "%s", r.out);
	cr_expect(strstr(r.out, "OK    aslr                 full"), "%s", r.out);
	cr_expect(strstr(r.out, "memory-cgroup"));
	cr_expect(strstr(r.out, "virtual-machine"));
	cr_expect(strstr(r.out, " WARN, "), "%s", r.out); /* the count line */
	run_free(&r);
}

Test(cli_system, show_as_json)
{
	run_result r = run_tach(ARGV("system", "show", "--format", "json"), NULL, ARGV(env_root),
	                        NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	json_error_t je;
	json_t *doc = json_loads(r.out, 0, &je);
	cr_assert(doc, "%s: %s", je.text, r.out);
	json_t *arr = json_object_get(doc, "findings");
	cr_assert_eq(json_array_size(arr), 9);
	json_t *gov = json_array_get(arr, 0);
	cr_expect_str_eq(json_string_value(json_object_get(gov, "check")), "cpu-governor");
	cr_expect_str_eq(json_string_value(json_object_get(gov, "status")), "warn");
	cr_expect_str_eq(json_string_value(json_object_get(gov, "found")), "'powersave' on CPU 0");
	cr_expect(json_is_string(json_object_get(gov, "effect")));
	cr_expect(json_is_string(json_object_get(gov, "advice")));
	json_t *load = json_array_get(arr, 3);
	cr_expect_str_eq(json_string_value(json_object_get(load, "status")), "ok");
	cr_expect(json_is_null(json_object_get(load, "advice")));
	json_decref(doc);
	run_free(&r);

	r = run_tach(ARGV("system", "show", "--format", "xml"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "invalid value 'xml' for --format: use text or json"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("system", "shw"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "did you mean 'show'"), "%s", r.err);
	run_free(&r);
}

Test(cli_system, tune_then_reset)
{
	run_result r = run_tach(ARGV("system", "tune", "--dry-run"), NULL, ARGV(env_root), NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "would set " GOV0 "  powersave -> performance\n"), "%s", r.out);
	cr_expect(strstr(r.out, "would set " NO_TURBO "  0 -> 1\n"), "%s", r.out);
	cr_expect_str_eq(get(GOV0), "powersave\n");
	run_free(&r);

	r = run_tach(ARGV("system", "tune"), NULL, ARGV(env_root), NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "set       " GOV0 "  powersave -> performance\n"), "%s", r.out);
	cr_expect(strstr(r.err, "/run/tach/tune.json; 'tach system reset' restores them"), "%s",
	          r.err);
	cr_expect_str_eq(get(GOV0), "performance");
	cr_expect_str_eq(get(NO_TURBO), "1");
	run_free(&r);

	r = run_tach(ARGV("system", "tune"), NULL, ARGV(env_root), NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "nothing to tune"), "%s", r.out);
	run_free(&r);

	r = run_tach(ARGV("system", "reset"), NULL, ARGV(env_root), NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "restored  " GOV0 "  performance -> powersave\n"), "%s", r.out);
	cr_expect_str_eq(get(GOV0), "powersave");
	cr_expect_str_eq(get(NO_TURBO), "0");
	cr_expect_null(get("/run/tach/tune.json"));
	run_free(&r);

	r = run_tach(ARGV("system", "reset"), NULL, ARGV(env_root), NULL);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "nothing to reset"), "%s", r.out);
	run_free(&r);
}

/* A copy of the program at `from` in a new directory under /tmp that
 * every user can enter (0755): the build tree may sit where nobody
 * cannot go (a clone in root's 0700 home).  Its path into `to`. */
static void copy_for_anyone(const char *from, char *dir, char *to, size_t size)
{
	cr_assert(mkdtemp(dir), "%s", strerror(errno));
	cr_assert_eq(chmod(dir, 0755), 0);
	const char *base = strrchr(from, '/');
	snprintf(to, size, "%s/%s", dir, base ? base + 1 : from);
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	cr_assert(in >= 0 && out >= 0, "%s: %s", from, strerror(errno));
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		cr_assert_eq(write(out, buf, (size_t)n), n);
	cr_assert_eq(n, 0);
	close(in);
	cr_assert_eq(close(out), 0);
}

/* Runs path with args, env added, as an unprivileged user when this test
 * runs as root (a copy of path that user can reach); stdout and stderr
 * captured. */
static run_result run_unprivileged(const char *path, const char *const *args,
                                   const char *const *env)
{
	char dir[] = "/tmp/tach-sys-prog-XXXXXX", copy[256];
	if (geteuid() == 0) {
		copy_for_anyone(path, dir, copy, sizeof copy);
		path = copy;
	}
	char out_path[] = "/tmp/tach-sys-out-XXXXXX", err_path[] = "/tmp/tach-sys-err-XXXXXX";
	int out = mkstemp(out_path), err = mkstemp(err_path);
	cr_assert(out >= 0 && err >= 0);
	unlink(out_path);
	unlink(err_path);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(125);
		const char *argv[16] = {path};
		size_t n = 1;
		for (; args[n - 1] && n < 15; n++)
			argv[n] = args[n - 1];
		argv[n] = NULL;
		const char *envp[8] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8"};
		for (size_t i = 0; env && env[i] && i < 5; i++)
			envp[2 + i] = env[i];
		execve(path, (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	run_result r = {.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st)};
	r.out = calloc(1, 16384);
	r.err = calloc(1, 16384);
	lseek(out, 0, SEEK_SET);
	lseek(err, 0, SEEK_SET);
	ssize_t got = read(out, r.out, 16383);
	r.out[got > 0 ? got : 0] = '\0';
	got = read(err, r.err, 16383);
	r.err[got > 0 ? got : 0] = '\0';
	close(out);
	close(err);
	if (path == copy) {
		unlink(copy);
		rmdir(dir);
	}
	return r;
}

Test(cli_system, tune_and_reset_refuse_without_root_naming_what_needs_it)
{
	/* root's files, 0644: another user may not write them */
	run_result r = run_unprivileged(TACH_EXE, ARGV("system", "tune"), ARGV(env_root));
	cr_expect_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "tach: 'system tune' needs root: 2 settings cannot be written by this user\n"),
	          "%s", r.err);
	cr_expect(strstr(r.err, GOV0 ": "), "%s", r.err);
	cr_expect(strstr(r.err, NO_TURBO ": "), "%s", r.err);
	cr_expect(strstr(r.err, "sudo tach system tune"), "%s", r.err);
	cr_expect_str_eq(get(GOV0), "powersave\n");
	cr_expect_null(get("/run/tach/tune.json"));
	run_free(&r);

	/* --dry-run needs no root */
	r = run_unprivileged(TACH_EXE, ARGV("system", "tune", "--dry-run"), ARGV(env_root));
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "powersave -> performance  (needs root)"), "%s", r.out);
	run_free(&r);

	/* a tune made by root; reset by another user is refused */
	r = run_tach(ARGV("system", "tune"), NULL, ARGV(env_root), NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	char dir[600];
	snprintf(dir, sizeof dir, "%s/run/tach", root);
	chmod(dir, 0755);
	snprintf(dir, sizeof dir, "%s/run/tach/tune.json", root);
	chmod(dir, 0644);
	r = run_unprivileged(TACH_EXE, ARGV("system", "reset"), ARGV(env_root));
	cr_expect_eq(r.status, 2, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "tach: 'system reset' needs root: "), "%s", r.err);
	cr_expect_str_eq(get(GOV0), "performance");
	run_free(&r);
}

/* ------------------------------------------------------------------
 * --cpus.
 */

static int cpu1_online(void)
{
	char buf[256] = "";
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = '\0';
	fclose(f);
	return strncmp(buf, "0-", 2) == 0 || strncmp(buf, "0,1", 3) == 0;
}

Test(cli_system, run_cpus_pins_the_command_and_records_it)
{
	char out[] = "/tmp/tach-sys-run-XXXXXX";
	int fd = mkstemp(out);
	cr_assert_geq(fd, 0);
	close(fd);
	char json[64];
	snprintf(json, sizeof json, "%s.json", out);
	const char *cpu = cpu1_online() ? "1" : "0";
	/* the command prints the CPUs it may run on; its output appended to
	 * a file, one line per run */
	run_result r = run_tach(ARGV("run", "--cpus", cpu, "--runs", "2", "--output", out,
	                             "--export-json", json, "grep Cpus_allowed_list /proc/self/status"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_free(&r);
	FILE *f = fopen(out, "r");
	cr_assert(f);
	char line[256], want[64];
	snprintf(want, sizeof want, "Cpus_allowed_list:\t%s\n", cpu);
	int lines = 0;
	while (fgets(line, sizeof line, f)) {
		cr_expect_str_eq(line, want);
		lines++;
	}
	fclose(f);
	cr_expect_eq(lines, 2);
	json_error_t je;
	json_t *doc = json_load_file(json, 0, &je);
	cr_assert(doc, "%s", je.text);
	json_t *ctx = json_object_get(json_object_get(doc, "meta"), "context");
	cr_expect_str_eq(json_string_value(json_object_get(ctx, "cpus")), cpu);
	json_decref(doc);
	unlink(out);
	unlink(json);
}

Test(cli_system, run_cpus_refuses_bad_lists_and_cpus_not_online)
{
	run_result r = run_tach(ARGV("run", "--cpus", "0-x", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "invalid value '0-x' for --cpus: column 3: expected a CPU number"),
	          "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("run", "--cpus=1023", "true"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "invalid value '1023' for --cpus: CPU 1023 is not online (online: "),
	          "%s", r.err);
	run_free(&r);
	/* the online list is the machine's (here: the fake tree's) */
	r = run_tach(ARGV("run", "--cpus", "0,5", "true"), NULL, ARGV(env_root), NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "CPU 5 is not online (online: 0)"), "%s", r.err);
	run_free(&r);
}

Test(cli_system, benchmark_program_cpus)
{
	run_result r = run_unprivileged(TACH_ALLOC_BENCH,
	                                ARGV("--cpus", "0", "--filter", "^rule_calloc$", "--no-alloc",
	                                     "--min-time", "1ms", "--repetitions", "2",
	                                     "--format", "json"),
	                                NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "\"cpus\": \"0\""), "%s", r.out);
	run_free(&r);
	r = run_unprivileged(TACH_ALLOC_BENCH, ARGV("--cpus", "2-1"), NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "invalid value '2-1' for --cpus: range 2-1 runs backwards"), "%s",
	          r.err);
	run_free(&r);
	r = run_unprivileged(TACH_ALLOC_BENCH, ARGV("--cpus", "1023"), NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "CPU 1023 is not online"), "%s", r.err);
	run_free(&r);
}
