/* cmd_monitor.c - `tach monitor [OPTIONS] (--pid PID | -- COMMAND...)`:
 * resource usage of a process tree over time, from /proc samples
 * (src/measure/monitor_linux.c), summed up as the "Resource Usage Metrics"
 * block stress-test guides ask for, or as a results file with the series.
 *
 * With a COMMAND, tach starts it itself (no shell, a process group of its
 * own), follows it until it exits and exits 0 whatever the command's exit
 * status, which the summary shows: tach's own statuses (2 = usage) must
 * not mix with the command's.  Ctrl-C ends the monitoring, stops the
 * command's process group (SIGTERM, SIGKILL 0.5 s later) and still prints.
 *
 * Totals of a command tach started come from the kernel's accounting of
 * the reaped tree (tach is the subreaper of its orphans), never from the
 * sum of samples, which misses what ran after the last sample; a --pid
 * tree is not ours to reap, so there the summary says they are sampled.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "util/util.h"

extern char **environ;

enum { OPT_INTERVAL = 1, OPT_PID, OPT_FORMAT, OPT_EXPORT_JSON, OPT_PSS, OPT_ASCII, OPT_CGROUP };

const cli_opt cmd_monitor_opts[] = {
	CLI_VALUE(OPT_INTERVAL, "interval", 'i', "TIME", "time between samples (default 10ms)"),
	CLI_NUMBER(OPT_PID, "pid", 'p', "PID", "follow a running process and its descendants instead", 1, 0x7fffffff),
	CLI_VALUE(OPT_FORMAT, "format", 'f', "FMT", "output: text (default) or json (a results file with the series)"),
	CLI_VALUE(OPT_EXPORT_JSON, "export-json", 'o', "FILE", "also write the results file (with the series) to FILE"),
	CLI_FLAG(OPT_PSS, "pss", 0, "also read the tree's PSS near its RSS peak (at most once a second)"),
	CLI_VALUE(OPT_CGROUP, "cgroup", 0, "DIR", "with --pid: the cgroup holding the tree; read its memory and CPU files each tick"),
	CLI_FLAG(OPT_ASCII, "ascii", 0, "use only ASCII in text output"),
	CLI_END,
};

const char cmd_monitor_details[] =
	"Samples /proc every --interval and follows the whole process tree as it\n"
	"forks and exits: tree RSS, CPU % (user + system; 100 % = one core),\n"
	"threads and, where readable, I/O bytes.  At the end (or on Ctrl-C) it\n"
	"prints duration, peak RSS and the process that held the most, average\n"
	"and peak CPU % and the number of samples.  Tree RSS is the sum of the\n"
	"processes' RSS: pages shared after fork() count once per process, so it\n"
	"is an upper bound; --pss adds the proportional set size near the peak;\n"
	"with --cgroup DIR it is the memory charged to that cgroup instead.\n"
	"CPU totals of a COMMAND come from the kernel's rusage of the reaped\n"
	"tree; those of a --pid tree from sampling, or from the CPU usage of\n"
	"--cgroup DIR where it has one (the summary says which).\n"
	"Give the command after '--' so that its options are not taken for\n"
	"tach's.  It runs without a shell in a process group of its own, with\n"
	"stdin from /dev/null when tach's stdin is a terminal; with --format json\n"
	"its stdout goes to tach's stderr.  tach exits 0 once the command ran,\n"
	"whatever its exit status (shown in the summary and stored as exit_code).";

static volatile sig_atomic_t stop_flag;

static void on_sigint(int sig)
{
	(void)sig;
	stop_flag = 1;
}

typedef struct mon_cli {
	double interval;
	pid_t pid;
	int json, pss, ascii;
	const char *export_json;
	const char *cgroup;
} mon_cli;

/* ---- output ---- */

static const char *bytes(char *buf, size_t size, double v, int ascii)
{
	tach_scale sc = tach_scale_for("B", v, ascii);
	int n = tach_format_scaled(buf, size, v, sc);
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " %s", sc.unit);
	return buf;
}

static int by_peak_rss(const void *a, const void *b)
{
	const tach_monitor_proc *x = *(const tach_monitor_proc *const *)a;
	const tach_monitor_proc *y = *(const tach_monitor_proc *const *)b;
	return (x->peak_rss < y->peak_rss) - (x->peak_rss > y->peak_rss);
}

#define TOP_PROCS 5

/* How the CPU totals were measured, in the summary's words. */
static const char *cpu_method_text(tach_monitor_cpu_method m)
{
	switch (m) {
	case TACH_MONITOR_CPU_RUSAGE:
		return "exact: user + system of the reaped tree (wait4 rusage)";
	case TACH_MONITOR_CPU_CGROUP:
		return "exact: the cgroup's CPU usage";
	case TACH_MONITOR_CPU_SAMPLED:
		break;
	}
	return "sampled from /proc (utime + stime, cutime + cstime); CPU after a\n"
	       "                 process's last sample is missed unless a followed\n"
	       "                 process or the root's parent reaped it";
}

static void print_summary(FILE *f, const char *what, int have_status, int status,
                          const tach_monitor_summary *s, const tach_monitor *m, int ascii)
{
	char a[64], b[64], c[64], d[64];
	fprintf(f, "Resource Usage Metrics\n");
	fputs("  Command:       ", f);
	tach_text_write(f, what);
	fputc('\n', f);
	if (have_status && WIFEXITED(status))
		fprintf(f, "  Exit status:   %d\n", WEXITSTATUS(status));
	else if (have_status && WIFSIGNALED(status))
		fprintf(f, "  Exit status:   killed by signal %d (%s)\n", WTERMSIG(status),
		        strsignal(WTERMSIG(status)));
	fprintf(f, "  Duration:      %.3f s\n", s->duration);
	fprintf(f, "  Samples:       %zu (every %g ms)\n", s->samples, s->interval * 1e3);
	fprintf(f, "  Peak RSS:      %s (tree, %s, at %.3f s)\n",
	        bytes(a, sizeof a, (double)s->peak_tree_rss, ascii),
	        s->memory_from_cgroup ? "memory charged to its cgroup" : "sum of RSS",
	        s->peak_tree_rss_at);
	if (s->peak_tree_pss)
		fprintf(f, "  Peak PSS:      %s (tree, read near the RSS peak)\n",
		        bytes(a, sizeof a, (double)s->peak_tree_pss, ascii));
	if (s->procs_seen)
		/* a process names itself (prctl, exec): escaped */
		fprintf(f, "  Largest:       %s, pid %d (%s; %s)\n",
		        bytes(a, sizeof a, (double)s->peak_proc_rss, ascii), (int)s->peak_pid,
		        cli_text(b, sizeof b, s->peak_comm),
		        s->peak_proc_exact ? "maximum RSS from wait4" : "sampled");
	fprintf(f, "  CPU:           avg %.1f %%, peak %.1f %% (100 %% = one core), %.3f s\n",
	        s->avg_cpu_percent, s->peak_cpu_percent, s->cpu_seconds);
	fprintf(f, "  CPU method:    %s\n", cpu_method_text(s->cpu_method));
	fprintf(f, "  Processes:     %zu seen, at most %zu at once; peak threads %ld\n",
	        s->procs_seen, s->peak_procs, s->peak_threads);
	if (s->io_known)
		fprintf(f, "  I/O:           storage read %s, written %s; syscalls read %s, written %s\n",
		        bytes(a, sizeof a, (double)s->io_read_bytes, ascii),
		        bytes(b, sizeof b, (double)s->io_write_bytes, ascii),
		        bytes(c, sizeof c, (double)s->io_rchar, ascii),
		        bytes(d, sizeof d, (double)s->io_wchar, ascii));
	else
		fprintf(f, "  I/O:           not readable (another user's processes)\n");
	double share = s->duration > 0 ? s->sampler_cpu_seconds / s->duration * 100 : 0;
	fprintf(f, "  Sampler CPU:   %.1f ms (%.2f %% of one core)\n",
	        s->sampler_cpu_seconds * 1e3, share);

	const tach_monitor_proc *p;
	size_t n = m ? tach_monitor_procs(m, &p) : 0;
	if (n < 2)
		return;
	const tach_monitor_proc **order = malloc(n * sizeof *order);
	if (!order)
		return;
	for (size_t i = 0; i < n; i++)
		order[i] = &p[i];
	qsort(order, n, sizeof *order, by_peak_rss);
	fprintf(f, "  By peak RSS:\n");
	for (size_t i = 0; i < n && i < TOP_PROCS; i++)
		fprintf(f, "    %10s  pid %-7d %-15s cpu %.3f s\n",
		        bytes(a, sizeof a, (double)order[i]->peak_rss, ascii), (int)order[i]->pid,
		        cli_text(b, sizeof b, order[i]->comm), order[i]->cpu_seconds);
	if (n > TOP_PROCS)
		fprintf(f, "    ... and %zu more\n", n - TOP_PROCS);
	free(order);
}

/* The results file: one benchmark named after what was watched, with
 * time, peak_rss (the largest single process, as tach run's),
 * tree_peak_memory (the sampled tree) and cpu_percent (one sample each,
 * the series attached to the last two) and the command's exit_code. */
static tach_result *make_result(const char *what, int have_status, int status,
                                const tach_monitor_summary *s, const tach_monitor *m)
{
	tach_result *r = tach_result_new();
	if (!r || tach_meta_collect(&r->meta, NULL))
		goto oom;
	tach_benchmark *b = tach_result_add_benchmark(r, what);
	if (!b || tach_benchmark_set_source(b, TACH_SOURCE_COMMAND, "tach", what))
		goto oom;
	char iv[32];
	tach_format_double(s->interval, iv);
	if (tach_kvlist_set(&r->meta.context, "peak_rss_method",
	                    s->peak_proc_exact ? "rusage-max" : "sampled") ||
	    tach_kvlist_set(&r->meta.context, "tree_peak_memory_method", "sampled") ||
	    tach_kvlist_set(&r->meta.context, "tree_peak_memory_why",
	                    s->memory_from_cgroup ? "the cgroup's current memory, sampled"
	                                          : "the tree's RSS from /proc, sampled") ||
	    tach_kvlist_set(&r->meta.context, "cpu_method",
	                    tach_monitor_cpu_method_name(s->cpu_method)) ||
	    tach_kvlist_set(&r->meta.context, "monitor_interval", iv))
		goto oom;
	tach_metric *t = tach_benchmark_add_metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER);
	tach_metric *proc = tach_benchmark_add_metric(b, TACH_M_PEAK_RSS, "B", TACH_LOWER_IS_BETTER);
	tach_metric *tree = tach_benchmark_add_metric(b, TACH_M_TREE_PEAK_MEMORY, "B",
	                                              TACH_LOWER_IS_BETTER);
	tach_metric *cpu = tach_benchmark_add_metric(b, TACH_M_CPU_PERCENT, "%", TACH_LOWER_IS_BETTER);
	if (!t || !proc || !tree || !cpu || tach_metric_add_sample(t, s->duration) ||
	    tach_metric_add_sample(proc, (double)s->peak_proc_rss) ||
	    tach_metric_add_sample(tree, (double)s->peak_tree_rss) ||
	    tach_metric_add_sample(cpu, s->avg_cpu_percent))
		goto oom;
	if (m && tach_monitor_series(m, tree, cpu, 0))
		goto oom;
	if (s->peak_tree_pss) {
		tach_metric *pss = tach_benchmark_add_metric(b, "peak_pss", "B", TACH_LOWER_IS_BETTER);
		if (!pss || tach_metric_add_sample(pss, (double)s->peak_tree_pss))
			goto oom;
	}
	if (have_status) {
		tach_metric *ec = tach_benchmark_add_metric(b, "exit_code", "count", TACH_LOWER_IS_BETTER);
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (!ec || tach_metric_add_sample(ec, code))
			goto oom;
	}
	return r;
oom:
	tach_result_free(r);
	return NULL;
}

static int write_json(const char *path, const tach_result *r)
{
	tach_error err;
	memset(&err, 0, sizeof err);
	if (tach_result_write_file(r, path ? path : "-", &err))
		return cli_error("%s", err.message);
	return 0;
}

/* ---- running ---- */

/* The command line as one string, for names and messages. */
static char *join(char **argv, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(argv[i]) + 1;
	char *s = malloc(len), *o = s;
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(argv[i]);
		memcpy(o, argv[i], l);
		o += l;
		*o++ = i + 1 < n ? ' ' : '\0';
	}
	if (!n)
		*s = '\0';
	return s;
}

static int spawn_command(char **argv, int json_on_stdout, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	/* a group of its own: Ctrl-C reaches tach alone, and tach can stop
	 * the whole group; a background group reading the terminal would be
	 * stopped (SIGTTIN) forever, so it reads /dev/null instead */
	posix_spawnattr_setpgroup(&at, 0);
	sigset_t def;
	sigemptyset(&def);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
	if (isatty(0))
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (json_on_stdout) /* stdout carries the results file */
		posix_spawn_file_actions_adddup2(&fa, 2, 1);
	int rc = posix_spawnp(pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc;
}

/* tach's own resident high-water mark (VmHWM), in bytes; 0 if unknown. */
static double own_hwm(void)
{
	char line[256];
	double kb = 0;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %lf kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb * 1024;
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

/* Waits for the command; on Ctrl-C stops its group: SIGTERM, then SIGKILL
 * if it is still there after 0.5 s. */
static int wait_command(pid_t pid, int *status)
{
	for (;;) {
		pid_t r = waitpid(pid, status, 0);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (stop_flag)
			break;
	}
	kill(-pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			goto done;
		sleep_s(0.01);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
done:
	kill(-pid, SIGKILL); /* what is left of the group */
	return 0;
}

static int parse_opts(const cli_parsed *p, mon_cli *c)
{
	for (size_t i = 0; i < p->n; i++) {
		const char *v = p->items[i].value, *sp = p->items[i].spelled;
		switch (p->items[i].id) {
		case OPT_INTERVAL:
			if (tach_parse_duration(v, &c->interval) || c->interval < 1e-4 || c->interval > 3600)
				return cli_bad_value(sp, v, "expected a duration from 100us to 1h, such as 10ms");
			break;
		case OPT_PID: c->pid = (pid_t)p->items[i].count; break;
		case OPT_FORMAT:
			if (!strcmp(v, "json"))
				c->json = 1;
			else if (strcmp(v, "text"))
				return cli_bad_value(sp, v, "use text or json");
			break;
		case OPT_EXPORT_JSON:
			c->export_json = v;
			break;
		case OPT_PSS:
			c->pss = 1;
			break;
		case OPT_ASCII:
			c->ascii = 1;
			break;
		case OPT_CGROUP:
			c->cgroup = v;
			break;
		}
	}
	return 0;
}

static void pid_name(pid_t pid, char *buf, size_t size)
{
	char path[64], comm[64] = "";
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fgets(comm, sizeof comm, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	snprintf(buf, size, comm[0] ? "pid %d (%s)" : "pid %d%s", (int)pid, comm);
}

int cmd_monitor(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	mon_cli c = {0.01, 0, 0, 0, 0, NULL, NULL};
	if ((status = parse_opts(&p, &c))) {
		cli_parsed_free(&p);
		return status;
	}
	if (!c.pid == !p.npos) {
		cli_parsed_free(&p);
		cli_error(c.pid ? "give --pid or a command, not both" : "nothing to monitor");
		fputs("usage: tach monitor [OPTIONS] (--pid PID | -- COMMAND [ARGS...])\n", stderr);
		return EXIT_USAGE;
	}
	if (c.cgroup && !c.pid) {
		cli_parsed_free(&p);
		return cli_error("--cgroup needs --pid: a command tach starts is not put in a cgroup");
	}
	char what[1024];
	char *text = c.pid ? NULL : join(p.pos, p.npos);
	if (c.pid)
		pid_name(c.pid, what, sizeof what);
	else
		snprintf(what, sizeof what, "%s", text ? text : p.pos[0]);
	free(text);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint; /* no SA_RESTART: waitpid returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pid_t pid = c.pid;
	struct rusage ru0;
	double t0 = tach__now(), hwm = 0;
	if (!pid) {
		/* orphans of the command come to tach, which reaps them and so
		 * counts them in its children's rusage */
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		hwm = own_hwm();
		getrusage(RUSAGE_CHILDREN, &ru0);
		t0 = tach__now();
		int rc = spawn_command(p.pos, c.json, &pid);
		if (rc) {
			status = rc == ENOENT ? cli_error("command '%s' not found", p.pos[0])
			                      : cli_error("cannot run '%s': %s", p.pos[0], strerror(rc));
			cli_parsed_free(&p);
			return status;
		}
	}
	tach_monitor *m = NULL;
	tach_monitor_opts mo = {c.interval, c.pss ? TACH_MONITOR_PSS : 0, c.cgroup};
	int rc = tach_monitor_start(pid, &mo, &m);
	if (rc && c.pid) {
		cli_parsed_free(&p);
		if (rc != -ESRCH && rc != TACH_ENOMEM && c.cgroup)
			return cli_error("'%s': not a cgroup directory with a memory controller: %s",
			                 c.cgroup, tach_strerror(rc));
		return cli_error(rc == -ESRCH ? "no process %d" : "cannot follow process %d: %s",
		                 (int)pid, tach_strerror(rc));
	}
	if (rc) /* gone before the first sample: the summary is empty */
		cli_warn("'%s' ended before the first sample", p.pos[0]);

	int wstatus = 0, have_status = !c.pid, have_tot = 0;
	tach_monitor_totals tot;
	memset(&tot, 0, sizeof tot);
	if (c.pid) {
		while (!stop_flag && !tach_monitor_wait(m, 0.1))
			;
	} else if ((rc = wait_command(pid, &wstatus))) {
		cli_warn("waiting for the command: %s", strerror(-rc));
		have_status = 0;
	} else {
		double t1 = tach__now();
		while (waitpid(-1, NULL, WNOHANG) > 0) /* orphans that ended */
			;
		struct rusage ru1;
		getrusage(RUSAGE_CHILDREN, &ru1);
		tot.cpu_seconds = tach__tv_seconds(ru1.ru_utime) - tach__tv_seconds(ru0.ru_utime) +
		                  tach__tv_seconds(ru1.ru_stime) - tach__tv_seconds(ru0.ru_stime);
		tot.duration = t1 - t0;
		tot.cpu_method = TACH_MONITOR_CPU_RUSAGE;
		/* a spawned child starts with tach's own high-water mark (Linux
		 * keeps it across exec): a maximum above it is the tree's own */
		if ((double)ru1.ru_maxrss * 1024 > hwm)
			tot.peak_proc_rss = (uint64_t)ru1.ru_maxrss * 1024;
		have_tot = tot.duration > 0 && (!m || !tach_monitor_set_totals(m, &tot));
	}
	if (stop_flag)
		cli_warn("interrupted: the summary covers what was sampled until now");

	tach_monitor_summary s;
	memset(&s, 0, sizeof s);
	s.interval = c.interval;
	if (m && tach_monitor_stop(m, &s))
		cli_warn("out of memory while sampling: later samples are missing");
	if (!m && have_tot) { /* ended before the first sample: totals only */
		s.duration = tot.duration;
		s.cpu_seconds = tot.cpu_seconds;
		s.cpu_method = tot.cpu_method;
		s.avg_cpu_percent = s.peak_cpu_percent = tot.cpu_seconds / tot.duration * 100;
		s.peak_proc_rss = tot.peak_proc_rss;
		s.peak_proc_exact = tot.peak_proc_rss > 0;
	}

	status = EXIT_OK;
	tach_result *r = NULL;
	if (c.json || c.export_json) {
		r = make_result(what, have_status, wstatus, &s, m);
		if (!r)
			status = cli_error("out of memory");
	}
	if (r && c.json && write_json(NULL, r))
		status = EXIT_USAGE;
	if (r && c.export_json && write_json(c.export_json, r))
		status = EXIT_USAGE;
	if (!c.json)
		print_summary(stdout, what, have_status, wstatus, &s, m, c.ascii);
	tach_result_free(r);
	tach_monitor_free(m);
	cli_parsed_free(&p);
	return status;
}
