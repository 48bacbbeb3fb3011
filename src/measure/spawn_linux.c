/* spawn_linux.c - one run of one command: spawn in its own process group,
 * wait with a timeout, account for the whole tree, leave nothing behind.
 *
 * States: spawned -> running -> exited | signalled | timed-out | killed.
 * The leader is watched through a pidfd (poll, no SIGCHLD handler, no
 * busy wait).  CPU time is the growth of RUSAGE_CHILDREN across the run,
 * which covers every descendant tach reaps -- including daemons re-parented
 * to tach as child subreaper -- and not only the leader that wait4 sees.
 * Two peaks: the largest single process's high-water RSS, from wait4 of
 * every process tach reaps (the leader's ru_maxrss already covers the
 * descendants it reaped itself); and the whole tree's simultaneous peak,
 * from a cgroup per run when the machine allows it, else from sampling with
 * --monitor.  Commands are started by the spawner (spawner_linux.c), so that
 * their high-water mark does not start at tach's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "tach/monitor.h"
#include "tach/run.h"
#include "measure/cgroup.h"
#include "measure/spawn.h"
#include "measure/system.h"

extern char **environ;

const char *tach_peak_method_name(tach_peak_method m)
{
	switch (m) {
	case TACH_PEAK_CGROUP: return "cgroup";
	case TACH_PEAK_SAMPLED: return "sampled";
	case TACH_PEAK_RUSAGE_MAX: return "rusage-max";
	default: return "none";
	}
}

/* The group of the run in progress, for tach_exec_interrupt. */
static volatile sig_atomic_t current_pgid, interrupted;

void tach_exec_interrupt(void)
{
	interrupted = 1;
	if (current_pgid > 0)
		kill(-(pid_t)current_pgid, SIGKILL);
}

int tach__exec_interrupted(void)
{
	return interrupted != 0;
}

int tach_become_subreaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -errno;
}

void tach__init_subreaper(void)
{
	static int done;
	if (!done) {
		tach_become_subreaper();
		done = 1;
	}
}


/* PIDs of the living children of this process, from /proc (the only way
 * to find adopted orphans without waiting for them). */
static size_t list_children(pid_t self, pid_t *out, size_t max)
{
	char path[320];
	size_t n = 0;
	/* /proc/self/task/<tid>/children lists children per thread */
	DIR *tasks = opendir("/proc/self/task");
	if (!tasks)
		return 0;
	struct dirent *t;
	while ((t = readdir(tasks)) && n < max) {
		if (t->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/children", t->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		long pid;
		while (n < max && fscanf(f, "%ld", &pid) == 1)
			if (pid != self && pid != tach__spawner_pid())
				out[n++] = (pid_t)pid;
		fclose(f);
	}
	closedir(tasks);
	return n;
}

/* Reaps pid (-1: any, without waiting), raising *maxrss to its ru_maxrss
 * in bytes; waitpid's return. */
static pid_t reap(pid_t pid, int flags, uint64_t *maxrss)
{
	struct rusage ru;
	pid_t r;
	while ((r = wait4(pid, NULL, flags, &ru)) < 0 && errno == EINTR)
		;
	if (r > 0 && (uint64_t)ru.ru_maxrss * 1024 > *maxrss)
		*maxrss = (uint64_t)ru.ru_maxrss * 1024;
	return r;
}

static int kept(pid_t pid, const pid_t *keep, size_t n_keep)
{
	for (size_t i = 0; i < n_keep; i++)
		if (keep[i] == pid)
			return 1;
	return 0;
}

static int kill_descendants(const pid_t *keep, size_t n_keep, uint64_t *maxrss)
{
	int killed = 0;
	pid_t self = getpid();
	/* Killing a child re-parents its children to us (subreaper): repeat
	 * until no child but those kept is left. */
	for (int round = 0; round < 1000; round++) {
		pid_t kids[256];
		size_t n = list_children(self, kids, 256), other = 0;
		for (size_t i = 0; i < n; i++) {
			if (kept(kids[i], keep, n_keep))
				continue;
			other++;
			kill(-kids[i], SIGKILL); /* its group, if it leads one */
			kill(kids[i], SIGKILL);
			killed++;
		}
		for (size_t i = 0; i < n; i++)
			if (!kept(kids[i], keep, n_keep))
				reap(kids[i], 0, maxrss);
		if (!other)
			break;
	}
	return killed;
}

int tach_kill_descendants(int except)
{
	uint64_t ignored = 0;
	pid_t keep = (pid_t)except;
	return kill_descendants(&keep, except ? 1 : 0, &ignored);
}

uint64_t tach__kill_orphans(const pid_t *keep, size_t n_keep)
{
	uint64_t maxrss = 0;
	kill_descendants(keep, n_keep, &maxrss);
	return maxrss;
}

/* After the leader is reaped: anything still alive is a descendant that
 * outlived it.  waitpid(-1, WNOHANG) answers "any children?" without a
 * /proc scan, which keeps the common case (none) cheap. */
uint64_t tach__reap_leftovers(pid_t pgid)
{
	uint64_t maxrss = 0;
	if (pgid > 0) /* kill(-0) would be our own group */
		kill(-pgid, SIGKILL);
	for (;;) {
		pid_t r = reap(-1, WNOHANG, &maxrss);
		if (r > 0)
			continue; /* reaped a zombie; look again */
		if (r < 0)
			return maxrss; /* ECHILD: nothing left */
		/* 0: a child lives -- maybe only the spawner, which wait4
		 * does not reap (a clone child) but still counts */
		if (!kill_descendants(NULL, 0, &maxrss))
			return maxrss;
	}
}

int tach__pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Waits until the leader exits or `deadline` (monotonic seconds, 0 =
 * none) passes; drains `pipe_fd` meanwhile.  Returns 1 if it exited. */
static int wait_exit(int pidfd, int pipe_fd, double deadline)
{
	char sink[65536];
	for (;;) {
		struct pollfd p[2] = {{pidfd, POLLIN, 0}, {pipe_fd, POLLIN, 0}};
		int ms = -1;
		if (deadline > 0) {
			double left = deadline - tach__now();
			if (left <= 0)
				return 0;
			ms = (int)(left * 1000) + 1;
		}
		int r = poll(p, pipe_fd >= 0 ? 2 : 1, ms);
		if (r < 0 && errno != EINTR)
			return 0;
		if (r > 0 && pipe_fd >= 0 && (p[1].revents & (POLLIN | POLLHUP))) {
			ssize_t got = read(pipe_fd, sink, sizeof sink);
			if (got <= 0)
				pipe_fd = -1; /* EOF: all writers gone */
		}
		if (r > 0 && (p[0].revents & POLLIN))
			return 1;
	}
}

static int setup_fds(posix_spawn_file_actions_t *fa, const tach_exec_opts *o,
                     int pipe_w)
{
	int rc = posix_spawn_file_actions_addopen(fa, 0, o->input_path ? o->input_path : "/dev/null",
	                                          O_RDONLY, 0);
	switch (o->output) {
	case TACH_OUTPUT_INHERIT:
		break;
	case TACH_OUTPUT_PIPE:
		rc = rc ? rc : posix_spawn_file_actions_adddup2(fa, pipe_w, 1);
		rc = rc ? rc : posix_spawn_file_actions_adddup2(fa, pipe_w, 2);
		break;
	case TACH_OUTPUT_FILE:
		rc = rc ? rc : posix_spawn_file_actions_addopen(fa, 1, o->output_path,
		                                                O_WRONLY | O_CREAT | O_APPEND, 0644);
		rc = rc ? rc : posix_spawn_file_actions_adddup2(fa, 1, 2);
		break;
	default:
		rc = rc ? rc : posix_spawn_file_actions_addopen(fa, 1, "/dev/null", O_WRONLY, 0);
		rc = rc ? rc : posix_spawn_file_actions_adddup2(fa, 1, 2);
		break;
	}
	return rc;
}

/* One cgroup serves run after run where its peak can be reset (v1):
 * creating and removing a memory cgroup costs about as much as spawning
 * /bin/true, which would double the wall time per run.  It is removed at
 * exit. */
static tach__cgroup *spare;

static void remove_spare(void)
{
	if (spare) {
		tach__cgroup_kill_all(spare);
		tach__cgroup_destroy(spare);
		spare = NULL;
	}
}

tach__cgroup *tach__run_cgroup(void)
{
	static int registered;
	tach__cgroup *cg = spare;
	spare = NULL;
	if (cg && tach__cgroup_reset(cg) == 0)
		return cg;
	tach__cgroup_destroy(cg);
	cg = NULL;
	if (tach__cgroup_create(&cg) != 0)
		return NULL;
	if (!registered) {
		atexit(remove_spare);
		registered = 1;
	}
	return cg;
}

/* After a run: keep the (empty) cgroup for the next one if it can be
 * reset, else remove it. */
void tach__release_cgroup(tach__cgroup *cg)
{
	if (!spare && tach__cgroup_reset(cg) == 0) {
		spare = cg;
		return;
	}
	tach__cgroup_destroy(cg);
}

/* Spawning into a cgroup: clone(CLONE_VM | CLONE_VFORK) like posix_spawn
 * does, with a child that joins the cgroup before exec, so every page the
 * program and its descendants touch is charged to it.  A plain fork()
 * would copy tach's page tables: on a VM that cost the run 1.7x the wall
 * time of a posix_spawn.  Joining a v1 cgroup is slow and not the
 * command's time, so the child reads the clock itself right before exec
 * and leaves it in memory the two share (CLONE_VM); the parent resumes
 * when the child has exec'd or died.  The same child pins itself to the
 * CPUs of --cpus (posix_spawn has no attribute for that).  Only
 * async-signal-safe calls in the child. */
typedef struct clone_args {
	char *const *argv;
	const tach_exec_opts *o;
	int pipe_w;
	const char *procs_path; /* NULL: no cgroup */
	const cpu_set_t *cpus;  /* NULL: not pinned */
	double t0;
	int err; /* errno of a failed exec, written by the child */
} clone_args;

static int cgroup_child(void *p)
{
	clone_args *a = p;
	if (a->procs_path)
		tach__cgroup_enter(a->procs_path); /* failure: measured elsewhere */
	if (a->cpus && sched_setaffinity(0, sizeof *a->cpus, a->cpus) < 0)
		goto fail;
	if (a->o->cwd && chdir(a->o->cwd) < 0)
		goto fail;
	setpgid(0, 0);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	const char *in = a->o->input_path ? a->o->input_path : "/dev/null";
	int ifd = open(in, O_RDONLY);
	if (ifd < 0 || dup2(ifd, 0) < 0)
		goto fail;
	if (a->o->output == TACH_OUTPUT_PIPE) {
		if (dup2(a->pipe_w, 1) < 0 || dup2(a->pipe_w, 2) < 0)
			goto fail;
	} else if (a->o->output != TACH_OUTPUT_INHERIT) {
		int ofd = a->o->output == TACH_OUTPUT_FILE
		                  ? open(a->o->output_path, O_WRONLY | O_CREAT | O_APPEND, 0644)
		                  : open("/dev/null", O_WRONLY);
		if (ofd < 0 || dup2(ofd, 1) < 0 || dup2(ofd, 2) < 0)
			goto fail;
	}
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	a->t0 = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	execvp(a->argv[0], a->argv);
fail:
	a->err = errno ? errno : ENOEXEC;
	_exit(127);
}

/* Into a cgroup (procs_path), pinned to CPUs (o->cpus) or in another
 * directory (o->cwd), which posix_spawn cannot do.  Returns 0 or an errno value. */
static int spawn_cloned(pid_t *pidp, double *t0, char *const *argv,
                        const tach_exec_opts *o, int pipe_w, const char *procs_path)
{
	enum { STACK = 64 * 1024 };
	char *stack = malloc(STACK);
	if (!stack)
		return ENOMEM;
	cpu_set_t cpus;
	if (o->cpus)
		tach__cpus_to_set(o->cpus, &cpus);
	clone_args a = {argv, o, pipe_w, procs_path, o->cpus ? &cpus : NULL, 0, 0};
	/* block signals so no handler of tach's runs on the child's stack */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid_t pid = clone(cgroup_child, stack + STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
	int e = pid < 0 ? errno : 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(stack);
	if (e)
		return e;
	if (a.err) {
		waitpid(pid, NULL, 0);
		return a.err;
	}
	*t0 = a.t0;
	*pidp = pid;
	return 0;
}

int tach__spawn(char *const *argv, const tach_exec_opts *o, int pipe_w,
                tach__cgroup *cg, pid_t *pidp, double *t0)
{
	int src = o->direct ? ENOSYS
	                    : tach__spawner_spawn(argv, o, pipe_w,
	                                          cg ? tach__cgroup_procs_path(cg) : NULL, pidp, t0);
	if (src != ENOSYS)
		return src;
	if (cg || o->cpus || o->cwd)
		return spawn_cloned(pidp, t0, argv, o, pipe_w, cg ? tach__cgroup_procs_path(cg) : NULL);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	int rc = setup_fds(&fa, o, pipe_w);
	/* own process group, default signal dispositions and mask */
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                  POSIX_SPAWN_SETSIGDEF);
	*t0 = tach__now();
	if (rc == 0)
		rc = posix_spawnp(pidp, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc;
}

int tach_exec(char *const *argv, const tach_exec_opts *o, tach_run_sample *out,
              tach_error *err)
{
	tach__init_subreaper();
	memset(out, 0, sizeof *out);
	if (err)
		err->line = err->column = 0;

	int pipefd[2] = {-1, -1};
	if (o->output == TACH_OUTPUT_PIPE && pipe2(pipefd, O_CLOEXEC) != 0)
		return -errno;

	tach__cgroup *cg = NULL;
	if (o->measure_memory && tach_cgroup_probe(NULL, 0) == TACH_PEAK_CGROUP)
		cg = tach__run_cgroup(); /* NULL: fall back to rusage */

	struct rusage before, after, leader;
	getrusage(RUSAGE_CHILDREN, &before);
	pid_t pid = -1;
	double t0 = 0;
	int rc = tach__spawn(argv, o, pipefd[1], cg, &pid, &t0);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (rc != 0) {
		if (pipefd[0] >= 0)
			close(pipefd[0]);
		if (cg)
			tach__release_cgroup(cg);
		if (err)
			snprintf(err->message, sizeof err->message, "cannot run '%s'%s%s%s: %s",
			         argv[0], o->cwd ? " in '" : "", o->cwd ? o->cwd : "",
			         o->cwd ? "'" : "", strerror(rc));
		return -rc;
	}

	current_pgid = pid;
	if (interrupted) /* the signal came while spawning */
		kill(-pid, SIGKILL);
	tach_monitor *mon = NULL;
	if (o->monitor > 0) {
		tach_monitor_opts mo = {o->monitor, 0, cg ? tach__cgroup_dir(cg) : NULL};
		if (tach_monitor_start(pid, &mo, &mon) != 0)
			mon = NULL; /* already gone: nothing to sample */
	}
	int pidfd = tach__pidfd_open(pid);
	double deadline = o->timeout > 0 ? t0 + o->timeout : 0;
	int exited = pidfd >= 0 ? wait_exit(pidfd, pipefd[0], deadline) : 1;
	double t1 = tach__now();
	if (!exited) {
		/* timed out: TERM the group, then KILL after the grace period */
		out->state = TACH_RUN_TIMED_OUT;
		kill(-pid, SIGTERM);
		double grace = o->grace > 0 ? o->grace : 0.5;
		if (!wait_exit(pidfd, pipefd[0], tach__now() + grace))
			kill(-pid, SIGKILL);
	}
	int status = 0;
	while (wait4(pid, &status, 0, &leader) < 0 && errno == EINTR)
		;
	if (out->state != TACH_RUN_TIMED_OUT) {
		out->wall = t1 - t0;
		if (WIFEXITED(status)) {
			out->state = TACH_RUN_EXITED;
			out->exit_code = WEXITSTATUS(status);
		} else if (WIFSIGNALED(status)) {
			out->state = TACH_RUN_SIGNALLED;
			out->signal = WTERMSIG(status);
		}
	} else {
		out->wall = t1 - t0;
		out->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	current_pgid = 0;
	if (interrupted)
		out->state = TACH_RUN_KILLED;
	if (cg)
		tach__cgroup_kill_all(cg);
	uint64_t rest = tach__reap_leftovers(pid);
	getrusage(RUSAGE_CHILDREN, &after);
	out->user = tach__tv_seconds(after.ru_utime) - tach__tv_seconds(before.ru_utime);
	out->system = tach__tv_seconds(after.ru_stime) - tach__tv_seconds(before.ru_stime);
	uint64_t peak;
	tach_monitor_summary sum;
	memset(&sum, 0, sizeof sum);
	if (mon) {
		tach_monitor_stop(mon, &sum);
		out->monitor = mon;
	}
	/* the leader's ru_maxrss covers what it reaped; `rest` what tach did */
	out->peak_rss = (uint64_t)leader.ru_maxrss * 1024;
	if (rest > out->peak_rss)
		out->peak_rss = rest;
	out->peak_method = TACH_PEAK_RUSAGE_MAX;
	if (cg && tach__cgroup_peak(cg, &peak) == 0) {
		out->tree_peak = peak;
		out->tree_method = TACH_PEAK_CGROUP;
	} else if (mon) {
		/* the tree at its largest sample holds at least the largest
		 * process at its peak, which a sample may have missed */
		out->tree_peak = sum.peak_tree_rss > out->peak_rss ? sum.peak_tree_rss
		                                                   : out->peak_rss;
		out->tree_method = TACH_PEAK_SAMPLED;
	}
	if (cg)
		tach__release_cgroup(cg);
	if (pidfd >= 0)
		close(pidfd);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	return 0;
}
