/* test_system.c - the machine checks, tune and reset, and CPU lists
 * (tach/system.h).  Every check runs on a fake tree of /sys and /proc
 * files made here (the `root` the functions take), so the decisions are
 * tested on any machine and no real setting is ever written; pinning is
 * tested for real on CPU 0 (and 1 where it is online).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/bench.h"
#include "tach/monitor.h"
#include "tach/run.h"
#include "tach/system.h"

/* ------------------------------------------------------------------
 * CPU lists.
 */

Test(cpus, parse_and_format_round_trip)
{
	tach_cpus c;
	tach_error err;
	cr_assert_eq(tach_cpus_parse("0,2-3", &c, &err), 0);
	cr_expect_eq(tach_cpus_count(&c), 3);
	cr_expect(tach_cpus_has(&c, 0) && !tach_cpus_has(&c, 1) && tach_cpus_has(&c, 3));
	cr_expect_eq(tach_cpus_nth(&c, 0), 0);
	cr_expect_eq(tach_cpus_nth(&c, 2), 3);
	cr_expect_eq(tach_cpus_nth(&c, 3), -1);
	char buf[64];
	cr_expect_eq(tach_cpus_format(&c, buf, sizeof buf), 5);
	cr_expect_str_eq(buf, "0,2-3");
	/* sysfs form: a trailing newline; ranges joined when written back */
	cr_assert_eq(tach_cpus_parse("5,0-1,2,7-8\n", &c, &err), 0);
	tach_cpus_format(&c, buf, sizeof buf);
	cr_expect_str_eq(buf, "0-2,5,7-8");
	cr_assert_eq(tach_cpus_parse("1023", &c, &err), 0);
	cr_expect_eq(tach_cpus_nth(&c, 0), 1023);
	/* empty text: the empty set (an empty sysfs list) */
	cr_assert_eq(tach_cpus_parse("", &c, &err), 0);
	cr_expect_eq(tach_cpus_count(&c), 0);
	cr_expect_eq(tach_cpus_format(&c, buf, sizeof buf), 0);
	cr_expect_str_eq(buf, "");
	/* cut to fit at a whole entry; the length needed is returned */
	cr_assert_eq(tach_cpus_parse("0,2,4,6", &c, &err), 0);
	cr_expect_eq(tach_cpus_format(&c, buf, 5), 7);
	cr_expect_str_eq(buf, "0,2");
}

static void expect_bad(const char *text, unsigned column, const char *msg)
{
	tach_cpus c;
	tach_error err;
	memset(&err, 0, sizeof err);
	cr_expect_eq(tach_cpus_parse(text, &c, &err), TACH_EPARSE, "'%s' accepted", text);
	cr_expect_eq(err.column, column, "'%s': column %u", text, err.column);
	cr_expect(strstr(err.message, msg), "'%s': %s", text, err.message);
}

Test(cpus, bad_lists_say_what_and_where)
{
	expect_bad("0-x", 3, "expected a CPU number");
	expect_bad("x", 1, "expected a CPU number");
	expect_bad("0,", 3, "expected a CPU number");
	expect_bad("3-1", 3, "range 3-1 runs backwards");
	expect_bad("1024", 1, "CPU numbers go up to 1023");
	expect_bad("0 1", 2, "expected ',' or '-'");
	expect_bad("-1", 1, "expected a CPU number");
	expect_bad("0;1", 2, "expected ',' or '-'");
	cr_expect_eq(tach_cpus_parse("1,,2", &(tach_cpus){{0}}, NULL), TACH_EPARSE);
}

/* ------------------------------------------------------------------
 * A fake tree.
 */

static char root[] = "/tmp/tach-system-XXXXXX";

static void put(const char *path, const char *text)
{
	char full[512];
	snprintf(full, sizeof full, "%s%s", root, path);
	/* make the directories on the way */
	for (char *s = strchr(full + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(full, 0755);
		*s = '/';
	}
	FILE *f = fopen(full, "w");
	cr_assert(f, "%s: %s", full, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static const char *get(const char *path)
{
	static char buf[4][256];
	static int k;
	char full[512];
	char *b = buf[k++ % 4];
	snprintf(full, sizeof full, "%s%s", root, path);
	FILE *f = fopen(full, "r");
	if (!f)
		return NULL;
	size_t n = fread(b, 1, 255, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

static void make_root(void)
{
	strcpy(root, "/tmp/tach-system-XXXXXX");
	cr_assert(mkdtemp(root));
}

static void remove_root(void)
{
	char cmd[600];
	/* the tree is the test's own, under /tmp */
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
}

#define GOV(cpu) "/sys/devices/system/cpu/cpu" #cpu "/cpufreq/scaling_governor"
#define AVAIL(cpu) "/sys/devices/system/cpu/cpu" #cpu "/cpufreq/scaling_available_governors"
#define NO_TURBO "/sys/devices/system/cpu/intel_pstate/no_turbo"
#define BOOST "/sys/devices/system/cpu/cpufreq/boost"

/* A busy laptop in a VM: everything a check can warn about. */
static void noisy_tree(void)
{
	put("/sys/devices/system/cpu/online", "0-1\n");
	put(GOV(0), "powersave\n");
	put(AVAIL(0), "performance powersave\n");
	put(GOV(1), "performance\n");
	put(AVAIL(1), "performance powersave\n");
	put(NO_TURBO, "0\n");
	put("/sys/devices/system/cpu/smt/active", "1\n");
	put("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list", "0-1\n");
	put("/proc/loadavg", "3.50 2.00 1.00 2/300 4242\n");
	put("/sys/devices/system/cpu/isolated", "\n");
	put("/sys/devices/system/cpu/nohz_full", "(null)\n");
	put("/proc/sys/kernel/randomize_va_space", "0\n");
	put("/proc/sys/kernel/perf_event_paranoid", "3\n");
	put("/sys/class/dmi/id/sys_vendor", "QEMU\n");
	put("/sys/class/dmi/id/product_name", "Standard PC (Q35 + ICH9, 2009)\n");
	put("/proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu sse2 hypervisor avx\n\n");
}

/* A tuned bare-metal machine with isolated CPUs. */
static void quiet_tree(void)
{
	put("/sys/devices/system/cpu/online", "0-3\n");
	put(GOV(0), "performance\n");
	put(GOV(1), "performance\n");
	put(GOV(2), "performance\n");
	put(GOV(3), "performance\n");
	put(BOOST, "0\n");
	put("/sys/devices/system/cpu/smt/active", "0\n");
	put("/proc/loadavg", "0.05 0.10 0.20 1/300 4242\n");
	put("/sys/devices/system/cpu/isolated", "2-3\n");
	put("/sys/devices/system/cpu/nohz_full", "2-3\n");
	put("/proc/sys/kernel/randomize_va_space", "2\n");
	put("/proc/sys/kernel/perf_event_paranoid", "1\n");
	put("/sys/class/dmi/id/sys_vendor", "Dell Inc.\n");
	put("/sys/class/dmi/id/product_name", "PowerEdge R650\n");
	put("/proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu sse2 avx\n\n");
}

static const tach_finding *finding(const tach_system_report *r, const char *check)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->findings[i].check, check) == 0)
			return &r->findings[i];
	cr_assert_fail("no finding '%s'", check);
	return NULL;
}

static void expect_finding(const tach_system_report *r, const char *check,
                           tach_finding_level level, const char *found)
{
	const tach_finding *f = finding(r, check);
	cr_expect_eq(f->level, level, "%s: %s, not %s (%s)", check,
	             tach_finding_level_name(f->level), tach_finding_level_name(level), f->found);
	cr_expect(strstr(f->found, found), "%s: found '%s', wanted '%s'", check, f->found, found);
	cr_expect_neq(f->effect[0], '\0', "%s says nothing of the numbers", check);
	if (f->level == TACH_FINDING_WARN)
		cr_expect_neq(f->advice[0], '\0', "%s warns without advice", check);
}

/* ------------------------------------------------------------------
 * The checks.
 */

TestSuite(system, .init = make_root, .fini = remove_root);

Test(system, a_noisy_machine_warns_with_reasons)
{
	noisy_tree();
	tach_system_report r;
	cr_assert_eq(tach_system_check(root, &r), 0);
	cr_expect_eq(r.n, TACH_SYSTEM_CHECKS);
	expect_finding(&r, "cpu-governor", TACH_FINDING_WARN, "'powersave' on CPU 0");
	expect_finding(&r, "turbo", TACH_FINDING_WARN, "on (intel_pstate/no_turbo = 0)");
	expect_finding(&r, "smt", TACH_FINDING_WARN, "CPUs 0-1 are threads of one core");
	expect_finding(&r, "load", TACH_FINDING_WARN, "3.50 on 2 CPUs");
	expect_finding(&r, "isolated-cpus", TACH_FINDING_INFO, "none");
	expect_finding(&r, "aslr", TACH_FINDING_INFO, "off (randomize_va_space = 0)");
	/* root may read every counter whatever the setting */
	expect_finding(&r, "perf-event-paranoid",
	               geteuid() == 0 ? TACH_FINDING_OK : TACH_FINDING_WARN, "3");
	expect_finding(&r, "virtual-machine", TACH_FINDING_WARN, "hypervisor flag");
	cr_expect(strstr(finding(&r, "virtual-machine")->found, "QEMU"));
	cr_expect(strstr(finding(&r, "cpu-governor")->advice, "tach system tune"));
	/* the order is the header's */
	cr_expect_str_eq(r.findings[0].check, "cpu-governor");
	cr_expect_str_eq(r.findings[8].check, "virtual-machine");
}

Test(system, a_quiet_machine_is_ok)
{
	quiet_tree();
	tach_system_report r;
	cr_assert_eq(tach_system_check(root, &r), 0);
	expect_finding(&r, "cpu-governor", TACH_FINDING_OK, "'performance' on CPU 0-3");
	expect_finding(&r, "turbo", TACH_FINDING_OK, "off (cpufreq/boost = 0)");
	expect_finding(&r, "smt", TACH_FINDING_OK, "off");
	expect_finding(&r, "load", TACH_FINDING_OK, "0.05 on 4 CPUs");
	expect_finding(&r, "isolated-cpus", TACH_FINDING_OK, "CPU 2-3 (nohz_full: 2-3)");
	cr_expect(strstr(finding(&r, "isolated-cpus")->advice, "--cpus 2-3"));
	expect_finding(&r, "aslr", TACH_FINDING_OK, "full");
	expect_finding(&r, "perf-event-paranoid", TACH_FINDING_OK, "1");
	expect_finding(&r, "virtual-machine", TACH_FINDING_OK, "no sign of one");
}

Test(system, boost_on_and_siblings_without_smt_active)
{
	put("/sys/devices/system/cpu/online", "0-3\n");
	put(BOOST, "1\n");
	put("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list", "0\n");
	put("/sys/devices/system/cpu/cpu1/topology/thread_siblings_list", "1,3\n");
	put("/proc/cpuinfo", "processor\t: 0\n"); /* no flags line (arm64) */
	tach_system_report r;
	tach_system_check(root, &r);
	expect_finding(&r, "turbo", TACH_FINDING_WARN, "on (cpufreq/boost = 1)");
	expect_finding(&r, "smt", TACH_FINDING_WARN, "CPUs 1,3 are threads of one core");
	expect_finding(&r, "virtual-machine", TACH_FINDING_INFO, "not available here");
}

/* This VM's kind of machine: most files are missing.  Every check still
 * answers, none fails. */
Test(system, missing_files_are_not_available_here)
{
	put("/sys/devices/system/cpu/online", "0\n");
	tach_system_report r;
	cr_assert_eq(tach_system_check(root, &r), 0);
	cr_expect_eq(r.n, TACH_SYSTEM_CHECKS);
	const char *missing[] = {"cpu-governor", "turbo", "smt", "load", "isolated-cpus",
	                         "aslr", "perf-event-paranoid", "virtual-machine"};
	for (size_t i = 0; i < sizeof missing / sizeof *missing; i++)
		expect_finding(&r, missing[i], TACH_FINDING_INFO, "not available here (no ");
	/* the memory cgroup is the runner's own probe, on the real machine */
	const tach_finding *cg = finding(&r, "memory-cgroup");
	cr_expect(cg->level == TACH_FINDING_OK || cg->level == TACH_FINDING_WARN);
	cr_expect(strstr(cg->found, "cgroup"), "%s", cg->found);
	/* not even /sys/devices/system/cpu/online */
	remove_root();
	make_root();
	cr_assert_eq(tach_system_check(root, &r), 0);
	cr_expect_eq(r.n, TACH_SYSTEM_CHECKS);
}

Test(system, cpus_check_names_the_cpu_not_online)
{
	put("/sys/devices/system/cpu/online", "0-1,4\n");
	tach_cpus c;
	tach_error err;
	memset(&err, 0, sizeof err);
	tach_cpus_parse("0,4", &c, NULL);
	cr_expect_eq(tach_cpus_check(root, &c, &err), 0);
	tach_cpus_parse("1-3", &c, NULL);
	cr_expect_eq(tach_cpus_check(root, &c, &err), TACH_EINVAL);
	cr_expect_str_eq(err.message, "CPU 2 is not online (online: 0-1,4)");
	tach_cpus_parse("", &c, NULL);
	cr_expect_eq(tach_cpus_check(root, &c, &err), TACH_EINVAL);
	cr_expect_str_eq(err.message, "no CPU given");
}

/* ------------------------------------------------------------------
 * Tune and reset.
 */

static const tach_setting *setting(const tach_setting_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].path, path) == 0)
			return &l->items[i];
	return NULL;
}

Test(system, tune_then_reset_restores_exactly_the_saved_values)
{
	noisy_tree();
	put("/sys/devices/system/cpu/online", "0-2\n");
	put(GOV(1), "schedutil\n");
	/* CPU 2 offers no 'performance': left alone */
	put(GOV(2), "userspace\n");
	put(AVAIL(2), "userspace\n");
	tach_setting_list plan, done;
	cr_assert_eq(tach_system_tune_plan(root, &plan), 0);
	cr_expect_eq(plan.n, 3, "plan of %zu", plan.n);
	const tach_setting *s = setting(&plan, GOV(0));
	cr_assert(s);
	cr_expect_str_eq(s->from, "powersave");
	cr_expect_str_eq(s->to, "performance");
	cr_expect_eq(s->error, 0, "the test's own file is writable");
	cr_expect(setting(&plan, GOV(1)));
	cr_expect_null(setting(&plan, GOV(2)));
	s = setting(&plan, NO_TURBO);
	cr_assert(s);
	cr_expect_str_eq(s->to, "1");
	tach_setting_list_release(&plan);

	tach_error err;
	memset(&err, 0, sizeof err);
	cr_assert_eq(tach_system_tune(root, &done, &err), 0, "%s", err.message);
	cr_expect_eq(done.n, 3);
	tach_setting_list_release(&done);
	cr_expect_str_eq(get(GOV(0)), "performance");
	cr_expect_str_eq(get(GOV(1)), "performance");
	cr_expect_str_eq(get(GOV(2)), "userspace\n");
	cr_expect_str_eq(get(NO_TURBO), "1");
	cr_assert(get(TACH_SYSTEM_STATE), "no state file");
	cr_expect(strstr(get(TACH_SYSTEM_STATE), "\"saved\": \"powersave\""));

	/* tuned already: nothing to do */
	cr_assert_eq(tach_system_tune_plan(root, &plan), 0);
	cr_expect_eq(plan.n, 0);
	tach_setting_list_release(&plan);

	/* someone changes CPU 0 again; a second tune keeps the first's values */
	put(GOV(0), "ondemand\n");
	cr_assert_eq(tach_system_tune(root, &done, &err), 0);
	cr_expect_eq(done.n, 1);
	tach_setting_list_release(&done);
	cr_assert_eq(tach_system_saved(root, &plan, &err), 0);
	cr_expect_eq(plan.n, 3);
	cr_expect_str_eq(setting(&plan, GOV(0))->from, "powersave");
	tach_setting_list_release(&plan);

	cr_assert_eq(tach_system_reset(root, &done, &err), 0, "%s", err.message);
	cr_expect_eq(done.n, 3);
	s = setting(&done, GOV(1));
	cr_assert(s);
	cr_expect_str_eq(s->from, "performance");
	cr_expect_str_eq(s->to, "schedutil");
	tach_setting_list_release(&done);
	cr_expect_str_eq(get(GOV(0)), "powersave");
	cr_expect_str_eq(get(GOV(1)), "schedutil");
	cr_expect_str_eq(get(NO_TURBO), "0");
	cr_expect_null(get(TACH_SYSTEM_STATE), "state file left after reset");

	/* nothing saved: nothing to reset, no error */
	cr_expect_eq(tach_system_reset(root, &done, &err), 0);
	cr_expect_eq(done.n, 0);
}

Test(system, tune_turns_boost_off)
{
	quiet_tree();
	put(BOOST, "1\n");
	tach_setting_list done;
	cr_assert_eq(tach_system_tune(root, &done, NULL), 0);
	cr_assert_eq(done.n, 1);
	cr_expect_str_eq(done.items[0].path, BOOST);
	tach_setting_list_release(&done);
	cr_expect_str_eq(get(BOOST), "0");
	cr_assert_eq(tach_system_reset(root, &done, NULL), 0);
	tach_setting_list_release(&done);
	cr_expect_str_eq(get(BOOST), "1");
}

Test(system, nothing_to_tune_on_a_machine_without_cpufreq)
{
	put("/sys/devices/system/cpu/online", "0-1\n");
	tach_setting_list done;
	cr_assert_eq(tach_system_tune(root, &done, NULL), 0);
	cr_expect_eq(done.n, 0);
	cr_expect_null(get(TACH_SYSTEM_STATE), "a state file for nothing");
}

Test(system, a_write_that_fails_is_reported_and_kept_for_reset)
{
	noisy_tree();
	tach_setting_list done;
	tach_error err;
	cr_assert_eq(tach_system_tune(root, &done, &err), 0);
	tach_setting_list_release(&done);
	/* the setting vanishes (a driver unloaded) before the reset */
	char path[512];
	snprintf(path, sizeof path, "%s" NO_TURBO, root);
	cr_assert_eq(unlink(path), 0);
	cr_expect_eq(tach_system_reset(root, &done, &err), TACH_EIO);
	const tach_setting *s = setting(&done, NO_TURBO);
	cr_assert(s);
	cr_expect_eq(s->error, -ENOENT, "a setting that is not there is not made up");
	cr_expect_null(get(NO_TURBO));
	cr_expect_eq(setting(&done, GOV(0))->error, 0, "the others are still restored");
	cr_expect_str_eq(get(GOV(0)), "powersave");
	tach_setting_list_release(&done);
	cr_expect(get(TACH_SYSTEM_STATE), "the state file must stay for another try");
}

Test(system, a_bad_state_file_is_refused_and_nothing_written)
{
	noisy_tree();
	put(TACH_SYSTEM_STATE, "not json");
	tach_setting_list done;
	tach_error err;
	memset(&err, 0, sizeof err);
	cr_expect_eq(tach_system_tune(root, &done, &err), TACH_EPARSE);
	cr_expect(strstr(err.message, TACH_SYSTEM_STATE), "%s", err.message);
	cr_expect_str_eq(get(GOV(0)), "powersave\n");
	/* a state file naming a file outside the CPU settings */
	put(TACH_SYSTEM_STATE, "{\"tach_tune\": 1, \"settings\": [{\"path\": \"/etc/passwd\", "
	                       "\"saved\": \"x\", \"tuned\": \"y\"}]}");
	cr_expect_eq(tach_system_reset(root, &done, &err), TACH_EPARSE);
	cr_expect(strstr(err.message, "not a tach tune state file"), "%s", err.message);
	cr_expect_eq(done.n, 0);
}

/* ------------------------------------------------------------------
 * Pinning.
 */

static void allowed(cpu_set_t *set)
{
	cr_assert_eq(sched_getaffinity(0, sizeof *set, set), 0);
}

Test(cpus, pin_and_pin_one_set_the_affinity)
{
	cpu_set_t before, now;
	allowed(&before);
	tach_cpus c;
	tach_cpus_parse("0", &c, NULL);
	cr_assert_eq(tach_cpus_pin(&c), 0);
	allowed(&now);
	cr_expect_eq(CPU_COUNT(&now), 1);
	cr_expect(CPU_ISSET(0, &now));
	tach_cpus online;
	cr_assert_eq(tach_cpus_online(NULL, &online), 0);
	if (tach_cpus_has(&online, 1)) {
		tach_cpus_parse("0-1", &c, NULL);
		cr_assert_eq(tach_cpus_pin_one(&c, 3), 0); /* 3 mod 2: CPU 1 */
		allowed(&now);
		cr_expect(CPU_ISSET(1, &now) && CPU_COUNT(&now) == 1);
	}
	memset(&c, 0, sizeof c);
	cr_expect_eq(tach_cpus_pin_one(&c, 0), TACH_EINVAL);
	sched_setaffinity(0, sizeof before, &before);
}

/* Each thread of a benchmark call records the CPUs it may run on. */
static int thread_cpu[4] = {-1, -1, -1, -1};

TACH_BENCH(bm_where, .threads = TACH_THREADS(2), .repetitions = 1, .min_time = 0.0001)
{
	cpu_set_t set;
	sched_getaffinity(0, sizeof set, &set);
	int t = tach_thread_index(s);
	thread_cpu[t] = CPU_COUNT(&set) == 1 ? (CPU_ISSET(0, &set) ? 0 : CPU_ISSET(1, &set) ? 1 : 9)
	                                     : -2;
	while (tach_loop(s))
		;
}

Test(cpus, benchmark_threads_are_pinned_one_per_cpu)
{
	tach_cpus online, c;
	cr_assert_eq(tach_cpus_online(NULL, &online), 0);
	tach_cpus_parse(tach_cpus_has(&online, 1) ? "0-1" : "0", &c, NULL);
	cpu_set_t before, after;
	allowed(&before);
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.filter = "^bm_where";
	o.warmup = TACH_BENCH_NO_WARMUP;
	o.cpus = &c;
	tach_result *r = tach_result_new();
	cr_assert_eq(tach_bench_run_all(&o, r, NULL), 0);
	cr_expect_eq(thread_cpu[0], 0, "thread 0 on %d", thread_cpu[0]);
	cr_expect_eq(thread_cpu[1], tach_cpus_has(&online, 1) ? 1 : 0, "thread 1 on %d",
	             thread_cpu[1]);
	/* the caller's own affinity is back */
	allowed(&after);
	cr_expect(CPU_EQUAL(&before, &after));
	tach_result_free(r);
}

/* Every way tach_exec starts a command pins it: the clone into a cgroup,
 * the clone without one (posix_spawn cannot pin), and the spawner. */
static void expect_exec_pinned(const char *how, int measure_memory, int direct)
{
	char out[] = "/tmp/tach-system-exec-XXXXXX";
	int fd = mkstemp(out);
	cr_assert_geq(fd, 0);
	close(fd);
	tach_cpus c;
	tach_cpus_parse("0", &c, NULL);
	tach_exec_opts o;
	memset(&o, 0, sizeof o);
	o.output = TACH_OUTPUT_FILE;
	o.output_path = out;
	o.measure_memory = measure_memory;
	o.direct = direct;
	o.cpus = &c;
	char *argv[] = {"grep", "Cpus_allowed_list", "/proc/self/status", NULL};
	tach_run_sample s;
	tach_error err;
	cr_assert_eq(tach_exec(argv, &o, &s, &err), 0, "%s: %s", how, err.message);
	cr_expect_eq(s.exit_code, 0, "%s", how);
	FILE *f = fopen(out, "r");
	char line[128] = "";
	cr_assert(f);
	cr_expect(fgets(line, sizeof line, f));
	fclose(f);
	unlink(out);
	cr_expect_str_eq(line, "Cpus_allowed_list:\t0\n", "%s", how);
	tach_monitor_free(s.monitor);
}

Test(cpus, every_spawn_path_pins_the_command, .timeout = 60)
{
	expect_exec_pinned("direct, no cgroup", 0, 1);
	expect_exec_pinned("direct, a cgroup where there is one", 1, 1);
	cr_assert_eq(tach_exec_init(), 0);
	expect_exec_pinned("the spawner, no cgroup", 0, 0);
	expect_exec_pinned("the spawner, a cgroup where there is one", 1, 0);
}
