/* system_linux.c - the checks of `tach system show`: what on this machine
 * makes timings noisy, read from /sys and /proc under a root directory
 * (tests point it at a fake tree).  Each check fills one finding: what is
 * set, what it does to the numbers, what to do.  A file that is missing
 * -- many are, in a VM or a container -- makes a "not available here"
 * finding, never an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/run.h"
#include "tach/system.h"
#include "measure/cgroup.h"
#include "measure/system.h"
#include "util/util.h"

/* ------------------------------------------------------------------
 * Files under the root.
 */

int tach__system_path(const char *root, const char *path, char *out, size_t size)
{
	int n = snprintf(out, size, "%s%s", root ? root : "", path);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int tach__system_read(const char *root, const char *path, char *buf, size_t size)
{
	char full[PATH_MAX];
	int rc = tach__system_path(root, path, full, sizeof full);
	if (rc)
		return rc;
	ssize_t n = tach__read_text(full, buf, size);
	if (n < 0)
		return (int)n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (int)n;
}

int tach__system_write(const char *root, const char *path, const char *value)
{
	char full[PATH_MAX];
	int rc = tach__system_path(root, path, full, sizeof full);
	if (rc)
		return rc;
	/* In place, not a temporary file renamed over it: these are kernel
	 * settings under /sys (or the fake tree of a test), which accept a
	 * write and cannot be replaced; the previous value is saved in
	 * tune.json (written whole and renamed) before any is written.  No
	 * O_CREAT: a setting that is not there is not made up. */
	int fd = open(full, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(value);
	ssize_t w = write(fd, value, len);
	int e = w < 0 ? errno : (size_t)w != len ? EIO : 0;
	if (close(fd) < 0 && !e && errno != EINTR)
		e = errno;
	return -e;
}

/* ------------------------------------------------------------------
 * Findings.
 */

const char *tach_finding_level_name(tach_finding_level l)
{
	switch (l) {
	case TACH_FINDING_OK: return "OK";
	case TACH_FINDING_WARN: return "WARN";
	default: return "INFO";
	}
}

static void say(char *field, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *field, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(field, size, fmt, ap);
	va_end(ap);
}

#define FOUND(f, ...) say((f)->found, sizeof (f)->found, __VA_ARGS__)
#define EFFECT(f, ...) say((f)->effect, sizeof (f)->effect, __VA_ARGS__)
#define ADVICE(f, ...) say((f)->advice, sizeof (f)->advice, __VA_ARGS__)

static tach_finding *next(tach_system_report *r, const char *check, tach_finding_level level)
{
	tach_finding *f = &r->findings[r->n++];
	memset(f, 0, sizeof *f);
	snprintf(f->check, sizeof f->check, "%s", check);
	f->level = level;
	return f;
}

/* A check whose source is missing: what is missing, and what that leaves
 * unknown. */
static void not_here(tach_finding *f, const char *what, const char *effect)
{
	f->level = TACH_FINDING_INFO;
	FOUND(f, "not available here (no %s)", what);
	EFFECT(f, "%s", effect);
}

/* A one-line kernel setting into v; missing or empty: said on f, -1. */
static int read_setting(const char *root, const char *path, tach_finding *f, const char *effect,
                        char *v, size_t size)
{
	if (tach__system_read(root, path, v, size) > 0)
		return 0;
	not_here(f, path, effect);
	return -1;
}

/* The governor of every CPU online. */
static void check_governor(const char *root, const tach_cpus *online, tach_system_report *r)
{
	tach_finding *f = next(r, "cpu-governor", TACH_FINDING_OK);
	tach_cpus fast = {{0}}, slow = {{0}};
	char names[128] = "";
	for (int k = 0, cpu; (cpu = tach_cpus_nth(online, (size_t)k)) >= 0; k++) {
		char path[96], gov[64];
		snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor",
		         cpu);
		if (tach__system_read(root, path, gov, sizeof gov) <= 0)
			continue;
		if (strcmp(gov, "performance") == 0) {
			tach_cpus_add(&fast, (unsigned)cpu);
			continue;
		}
		tach_cpus_add(&slow, (unsigned)cpu);
		char quoted[72];
		snprintf(quoted, sizeof quoted, "'%s'", gov);
		if (!strstr(names, quoted) && strlen(names) + strlen(quoted) + 3 < sizeof names)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
			         names[0] ? ", " : "", quoted);
	}
	char list[256];
	if (!tach_cpus_count(&fast) && !tach_cpus_count(&slow)) {
		not_here(f, "/sys/devices/system/cpu/cpu*/cpufreq/scaling_governor",
		         "the clock speed is not the kernel's to set here (a virtual machine, or no "
		         "frequency scaling): the host or the firmware decides it");
		return;
	}
	if (tach_cpus_count(&slow)) {
		f->level = TACH_FINDING_WARN;
		tach_cpus_format(&slow, list, sizeof list);
		FOUND(f, "%s on CPU %s", names, list);
		EFFECT(f, "the clock speed follows the load: short runs and the first runs after a "
		          "pause run at a lower clock, so times drift and spread");
		ADVICE(f, "tach system tune (as root) sets 'performance'");
		return;
	}
	tach_cpus_format(&fast, list, sizeof list);
	FOUND(f, "'performance' on CPU %s", list);
	EFFECT(f, "the clock stays at its highest speed under load");
}

static void check_turbo(const char *root, tach_system_report *r)
{
	tach_finding *f = next(r, "turbo", TACH_FINDING_OK);
	char v[16];
	const char *where = "/sys/devices/system/cpu/intel_pstate/no_turbo";
	int on;
	if (tach__system_read(root, where, v, sizeof v) > 0) {
		on = strcmp(v, "0") == 0;
	} else {
		where = "/sys/devices/system/cpu/cpufreq/boost";
		if (tach__system_read(root, where, v, sizeof v) <= 0) {
			not_here(f, "intel_pstate/no_turbo or cpufreq/boost in /sys/devices/system/cpu",
			         "turbo, if the CPU has it, is the host's or the firmware's to set");
			return;
		}
		on = strcmp(v, "0") != 0;
	}
	if (on) {
		f->level = TACH_FINDING_WARN;
		FOUND(f, "on (%s = %s)", where + strlen("/sys/devices/system/cpu/"), v);
		EFFECT(f, "the clock rises above its base speed while the chip is cool and few cores "
		          "are busy: times depend on temperature and on what else runs");
		ADVICE(f, "tach system tune (as root) turns it off");
	} else {
		FOUND(f, "off (%s = %s)", where + strlen("/sys/devices/system/cpu/"), v);
		EFFECT(f, "the clock does not depend on temperature or on how many cores are busy");
	}
}

/* SMT from smt/active, else from the CPUs' thread siblings. */
static void check_smt(const char *root, const tach_cpus *online, tach_system_report *r)
{
	tach_finding *f = next(r, "smt", TACH_FINDING_OK);
	char v[16], sib[256] = "";
	int active = -1;
	if (tach__system_read(root, "/sys/devices/system/cpu/smt/active", v, sizeof v) > 0)
		active = strcmp(v, "0") != 0;
	for (int k = 0, cpu; (cpu = tach_cpus_nth(online, (size_t)k)) >= 0; k++) {
		char path[96], list[256];
		tach_cpus s;
		snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list",
		         cpu);
		if (tach__system_read(root, path, list, sizeof list) <= 0 ||
		    tach_cpus_parse(list, &s, NULL))
			continue;
		if (active < 0)
			active = 0;
		if (tach_cpus_count(&s) > 1) {
			active = 1;
			snprintf(sib, sizeof sib, "%s", list);
			break;
		}
	}
	if (active < 0) {
		not_here(f, "smt/active or topology/thread_siblings_list in /sys/devices/system/cpu",
		         "whether two CPUs share one core cannot be told");
		return;
	}
	if (!active) {
		FOUND(f, "off: one CPU per core");
		EFFECT(f, "no other hardware thread shares a benchmark's core");
		return;
	}
	f->level = TACH_FINDING_WARN;
	if (sib[0])
		FOUND(f, "on: CPUs %s are threads of one core", sib);
	else
		FOUND(f, "on (smt/active = 1)");
	EFFECT(f, "two hardware threads of a core share its execution units and caches: whatever "
	          "runs on the sibling slows the benchmark");
	ADVICE(f, "pin with --cpus to one thread of a core and keep its sibling idle, or turn "
	          "SMT off (echo off > /sys/devices/system/cpu/smt/control)");
}

static void check_load(const char *root, const tach_cpus *online, tach_system_report *r)
{
	tach_finding *f = next(r, "load", TACH_FINDING_OK);
	char v[128];
	double l1, l5;
	size_t ncpu = tach_cpus_count(online);
	if (tach__system_read(root, "/proc/loadavg", v, sizeof v) <= 0 ||
	    sscanf(v, "%lf %lf", &l1, &l5) != 2) {
		not_here(f, "/proc/loadavg", "how busy the machine is cannot be told");
		return;
	}
	FOUND(f, "%.2f on %zu CPU%s (1-minute average; 5-minute %.2f)", l1, ncpu,
	      ncpu == 1 ? "" : "s", l5);
	if (l1 > 0.5 * (double)ncpu) {
		f->level = TACH_FINDING_WARN;
		EFFECT(f, "other processes compete for the CPUs and their caches: runs are "
		          "preempted and times spread");
		ADVICE(f, "wait until the machine is idle or stop what runs (top shows it); run on "
		          "an isolated CPU with --cpus");
	} else {
		EFFECT(f, "the machine is mostly idle");
	}
}

static void check_isolated(const char *root, tach_system_report *r)
{
	tach_finding *f = next(r, "isolated-cpus", TACH_FINDING_INFO);
	char iso[256], nohz[256];
	tach_cpus s;
	if (tach__system_read(root, "/sys/devices/system/cpu/isolated", iso, sizeof iso) < 0) {
		not_here(f, "/sys/devices/system/cpu/isolated",
		         "whether any CPU is kept free of other work cannot be told");
		return;
	}
	if (tach__system_read(root, "/sys/devices/system/cpu/nohz_full", nohz, sizeof nohz) < 0 ||
	    strcmp(nohz, "(null)") == 0)
		nohz[0] = '\0';
	if (tach_cpus_parse(iso, &s, NULL) || !tach_cpus_count(&s)) {
		FOUND(f, "none%s%s%s", nohz[0] ? " (nohz_full: " : "", nohz, nohz[0] ? ")" : "");
		EFFECT(f, "the scheduler may put any task, and interrupts, on the CPUs a benchmark uses");
		ADVICE(f, "for the quietest numbers boot with isolcpus=LIST nohz_full=LIST and run "
		          "benchmarks with --cpus LIST");
		return;
	}
	f->level = TACH_FINDING_OK;
	FOUND(f, "CPU %s (nohz_full: %s)", iso, nohz[0] ? nohz : "none");
	EFFECT(f, "the scheduler leaves these CPUs to what is pinned there");
	ADVICE(f, "run benchmarks there: --cpus %s", iso);
}

static void check_aslr(const char *root, tach_system_report *r)
{
	tach_finding *f = next(r, "aslr", TACH_FINDING_OK);
	char v[16];
	if (read_setting(root, "/proc/sys/kernel/randomize_va_space", f,
	                 "whether memory layouts change between runs cannot be told", v, sizeof v))
		return;
	if (strcmp(v, "0") == 0) {
		f->level = TACH_FINDING_INFO;
		FOUND(f, "off (randomize_va_space = 0)");
		EFFECT(f, "every run has the same memory layout: runs agree more, but that one "
		          "layout's luck (alignment, cache sets) is in every number and can change "
		          "with any rebuild");
		ADVICE(f, "turn it back on to compare builds: sysctl kernel.randomize_va_space=2 "
		          "(tach system tune leaves it alone)");
		return;
	}
	FOUND(f, "%s (randomize_va_space = %s)", strcmp(v, "1") == 0 ? "partial" : "full", v);
	EFFECT(f, "every run gets a new memory layout, so one layout's luck averages out over the "
	          "runs (a little more spread, no hidden bias)");
}

static void check_perf(const char *root, tach_system_report *r)
{
	tach_finding *f = next(r, "perf-event-paranoid", TACH_FINDING_OK);
	char v[16];
	if (read_setting(root, "/proc/sys/kernel/perf_event_paranoid", f,
	                 "--counters will say per event whether it can be read", v, sizeof v))
		return;
	int level = atoi(v);
	if (geteuid() == 0) {
		FOUND(f, "%d, and tach runs as root", level);
		EFFECT(f, "--counters can read every event, user and kernel");
	} else if (level <= 1) {
		FOUND(f, "%d: user and kernel events of your own processes", level);
		EFFECT(f, "--counters counts the work a command does in the kernel too");
	} else if (level == 2) {
		f->level = TACH_FINDING_INFO;
		FOUND(f, "2: user-space events of your own processes only");
		EFFECT(f, "--counters leaves out work done in the kernel (system calls, page faults)");
		ADVICE(f, "sysctl kernel.perf_event_paranoid=1 (as root) to count it too");
	} else {
		f->level = TACH_FINDING_WARN;
		FOUND(f, "%d: perf events are refused to users without CAP_PERFMON", level);
		EFFECT(f, "--counters reads nothing");
		ADVICE(f, "sysctl kernel.perf_event_paranoid=2 (as root), or run as root");
	}
}

/* The probe of cgroup_linux.c: the same answer tach run gets. */
static void check_cgroup(tach_system_report *r)
{
	tach_finding *f = next(r, "memory-cgroup", TACH_FINDING_OK);
	char why[512];
	if (tach_cgroup_probe(why, sizeof why) == TACH_PEAK_CGROUP) {
		const char *not_v2 = tach__cgroup_why_not_v2();
		/* the reason without its "; what to do" */
		int len = not_v2 ? (int)strcspn(not_v2, ";") : 0;
		FOUND(f, "%s, writable%s%.*s%s", why, not_v2 ? " (not v2: " : "", len,
		      not_v2 ? not_v2 : "", not_v2 ? ")" : "");
		EFFECT(f, "tach run measures the peak memory of each run's whole process tree "
		          "exactly (tree_peak_memory)");
		return;
	}
	f->level = TACH_FINDING_WARN;
	/* the probe's reason ends in what to do: "...; run as root or ..." */
	char *hint = strrchr(why, ';');
	if (hint) {
		*hint = '\0';
		ADVICE(f, "%s", hint + 1 + strspn(hint + 1, " "));
	}
	FOUND(f, "no usable memory cgroup: %s", why);
	EFFECT(f, "tach run has no exact peak memory of a process tree: tree_peak_memory is "
	          "sampled with --monitor (short peaks can be missed) or not measured");
}

/* 1 when name (case-insensitive) starts like a hypervisor's vendor or
 * product string in DMI. */
static int vm_name(const char *name)
{
	static const char *const known[] = {
		"QEMU", "KVM", "VMware", "VirtualBox", "innotek", "Xen", "Bochs", "BHYVE",
		"Parallels", "Amazon EC2", "Google Compute Engine", "OpenStack", "Virtual Machine",
		"Firecracker", "Cloud Hypervisor",
	};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strncasecmp(name, known[i], strlen(known[i])) == 0)
			return 1;
	return 0;
}

/* The "flags" line of /proc/cpuinfo holds "hypervisor": 1, 0, -1 when
 * there is no such line (no file, or a CPU without flags). */
static int hypervisor_flag(const char *root)
{
	char path[PATH_MAX], line[8192];
	if (tach__system_path(root, "/proc/cpuinfo", path, sizeof path))
		return -1;
	FILE *fp = fopen(path, "re");
	if (!fp)
		return -1;
	int found = -1;
	while (found < 0 && fgets(line, sizeof line, fp)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		found = 0;
		for (char *save = NULL, *w = strtok_r(strchr(line, ':') ? strchr(line, ':') + 1 : line,
		                                      " \t\n", &save);
		     w && !found; w = strtok_r(NULL, " \t\n", &save))
			found = strcmp(w, "hypervisor") == 0;
	}
	fclose(fp);
	return found;
}

static void check_vm(const char *root, tach_system_report *r)
{
	tach_finding *f = next(r, "virtual-machine", TACH_FINDING_OK);
	char vendor[128] = "", product[128] = "";
	int have_dmi = tach__system_read(root, "/sys/class/dmi/id/sys_vendor", vendor,
	                                 sizeof vendor) >= 0;
	have_dmi |= tach__system_read(root, "/sys/class/dmi/id/product_name", product,
	                              sizeof product) >= 0;
	int flag = hypervisor_flag(root);
	int dmi_vm = (vendor[0] && vm_name(vendor)) || (product[0] && vm_name(product));
	if (flag < 0 && !have_dmi) {
		not_here(f, "/sys/class/dmi/id or CPU flags in /proc/cpuinfo",
		         "whether this is a virtual machine cannot be told");
		return;
	}
	char dmi[300] = "";
	if (vendor[0] || product[0])
		snprintf(dmi, sizeof dmi, "%s'%s %s'", flag == 1 ? "; " : "", vendor, product);
	if (flag == 1 || dmi_vm) {
		f->level = TACH_FINDING_WARN;
		FOUND(f, "yes (%s%s)", flag == 1 ? "hypervisor flag in /proc/cpuinfo" : "", dmi);
		EFFECT(f, "the host shares its CPUs with other guests and can take a virtual CPU away "
		          "at any moment (steal time): times spread more, and the host's frequency "
		          "settings, which tach cannot see or change, apply");
		ADVICE(f, "compare only runs made on this machine in one session; measure small "
		          "differences on bare metal");
		return;
	}
	FOUND(f, "no sign of one (no hypervisor flag%s%s)", dmi[0] ? "; " : "", dmi);
	EFFECT(f, "the CPUs are the machine's own");
}

int tach_system_check(const char *root, tach_system_report *out)
{
	memset(out, 0, sizeof *out);
	tach_cpus online;
	if (tach_cpus_online(root, &online) || !tach_cpus_count(&online)) {
		memset(&online, 0, sizeof online);
		tach_cpus_add(&online, 0);
	}
	check_governor(root, &online, out);
	check_turbo(root, out);
	check_smt(root, &online, out);
	check_load(root, &online, out);
	check_isolated(root, out);
	check_aslr(root, out);
	check_perf(root, out);
	check_cgroup(out);
	check_vm(root, out);
	return 0;
}
