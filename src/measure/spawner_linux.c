/* spawner_linux.c - tach's side of the spawner: a small process that
 * starts every benchmarked command, so that each command's peak RSS is its
 * own.
 *
 * Why: Linux carries a process's resident high-water mark across exec
 * (exec folds the old address space's hiwater_rss into the process's
 * maxrss), and a child made by fork or vfork starts from its parent's
 * address space.  A command started from tach itself therefore reported
 * tach's RSS (7.5 MiB, with its 28 shared libraries) as its ru_maxrss;
 * /usr/bin/time, a tiny process, does not have the problem.  So tach forks
 * first thing in main and the child execs tach-spawn (spawn_helper.c), a
 * static program of a few hundred KiB, which starts commands with
 * clone(CLONE_VM | CLONE_VFORK | CLONE_PARENT): the command is still tach's
 * own child -- waited for, timed, killed and reaped by tach exactly as
 * before -- but its high-water mark starts from the helper's.  Without the
 * helper the fork serves itself (a copy of tach at start-up: about 2.6 MiB).
 *
 * The spawner is a "clone child" (no exit signal), so tach's
 * waitpid(-1, WNOHANG) never sees it; it ignores SIGINT and SIGQUIT (tach
 * decides) and exits when tach closes the socket or dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/run.h"
#include "measure/cgroup.h"
#include "measure/spawn.h"
#include "measure/spawner.h"
#include "measure/system.h"

extern char **environ;

static int spawner_fd = -1;
static pid_t spawner_pid;

/* ------------------------------------------------------------------
 * tach's side.
 */

/* Where tach-spawn is: $TACH_SPAWN_HELPER (tests of an uninstalled
 * build), next to the running executable (the build tree), or where it is
 * installed.  0 and the path in out, or -1. */
static int find_helper(char *out, size_t size)
{
	const char *env = getenv("TACH_SPAWN_HELPER");
	if (env && *env) {
		snprintf(out, size, "%s", env);
		return access(out, X_OK);
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(out, size, "%s/tach-spawn", self) < (int)size &&
			    access(out, X_OK) == 0)
				return 0;
		}
	}
#ifdef TACH_LIBEXECDIR
	snprintf(out, size, "%s/tach-spawn", TACH_LIBEXECDIR);
	return access(out, X_OK);
#else
	return -1;
#endif
}

int tach_exec_init(void)
{
	if (spawner_fd >= 0)
		return 0;
	char helper[PATH_MAX];
	int have_helper = find_helper(helper, sizeof helper) == 0;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid_t parent = getpid();
	/* clone without an exit signal: a "clone child", which wait and
	 * waitpid without __WALL leave alone, so the runner's "any child
	 * left?" check stays one syscall.  Fork semantics otherwise. */
	long pid = syscall(SYS_clone, 0L, 0L, 0L, 0L, 0L);
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return -e;
	}
	if (pid == 0) {
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* kept across exec */
		if (getppid() != parent)
			_exit(0);
		/* fds received must not land on 0-2, where dup2 would keep
		 * them close-on-exec: the socket goes above, 0-2 on /dev/null
		 * (holding tach's own would keep a pipe reading tach's output
		 * open after tach) */
		int sock = fcntl(sv[1], F_DUPFD, 3);
		close(sv[1]);
		int null = open("/dev/null", O_RDWR);
		for (int i = 0; i < 3; i++)
			if (null != i)
				dup2(null, i);
		if (null > 2)
			close(null);
		struct sigaction dfl;
		memset(&dfl, 0, sizeof dfl);
		dfl.sa_handler = SIG_DFL;
		for (int sig = 1; sig < NSIG; sig++)
			sigaction(sig, &dfl, NULL);
		signal(SIGINT, SIG_IGN); /* Ctrl-C is tach's to handle */
		signal(SIGQUIT, SIG_IGN);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (have_helper) {
			char num[16];
			snprintf(num, sizeof num, "%d", sock);
			char *args[] = {"tach-spawn", num, NULL};
			execv(helper, args);
		}
		tach__spawner_serve(sock); /* no helper: a copy of tach serves */
	}
	close(sv[1]);
	spawner_fd = sv[0];
	spawner_pid = (pid_t)pid;
	return 0;
}

pid_t tach__spawner_pid(void)
{
	return spawner_fd >= 0 ? spawner_pid : 0;
}

/* Opens what the command's fd `which` (0, 1, 2) should be. */
static int open_std(const tach_exec_opts *o, int pipe_w, int which)
{
	if (which == 0)
		return open(o->input_path ? o->input_path : "/dev/null", O_RDONLY | O_CLOEXEC);
	switch (o->output) {
	case TACH_OUTPUT_INHERIT:
		return fcntl(which, F_DUPFD_CLOEXEC, 3);
	case TACH_OUTPUT_PIPE:
		return fcntl(pipe_w, F_DUPFD_CLOEXEC, 3);
	case TACH_OUTPUT_FILE:
		return open(o->output_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	default:
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	}
}

/* Appends s with its NUL to buf at *at; 0, or -1 when it does not fit. */
static int put(char *buf, size_t *at, size_t size, const char *s)
{
	size_t n = strlen(s) + 1;
	if (n > size - *at)
		return -1;
	memcpy(buf + *at, s, n);
	*at += n;
	return 0;
}

int tach__spawner_spawn(char *const *argv, const tach_exec_opts *o, int pipe_w,
                        const char *procs_path, pid_t *pidp, double *t0)
{
	static char buf[TACH__SPAWN_MAX_MSG];
	char cwd[PATH_MAX];
	tach__spawn_request rq = {0, 0, 0, 0, 0};
	size_t at = sizeof rq;
	if (spawner_fd < 0)
		return ENOSYS; /* no spawner */
	const char *dir = o->cwd ? o->cwd : getcwd(cwd, sizeof cwd);
	if (!dir)
		return ENOSYS; /* a directory the spawner cannot be told */
	if (o->cpus) {
		cpu_set_t set;
		tach__cpus_to_set(o->cpus, &set);
		memcpy(buf + at, &set, sizeof set);
		at += sizeof set;
		rq.cpus_len = (uint32_t)sizeof set;
	}
	if (procs_path) {
		size_t from = at;
		if (put(buf, &at, sizeof buf, procs_path))
			return ENOSYS;
		rq.procs_len = (uint32_t)(at - from);
	}
	/* tach may have changed directory since the spawner was made */
	size_t before = at;
	if (put(buf, &at, sizeof buf, dir))
		return ENOSYS;
	rq.cwd_len = (uint32_t)(at - before);
	for (; argv[rq.argc]; rq.argc++)
		if (rq.argc >= TACH__SPAWN_MAX_STRINGS / 2 || put(buf, &at, sizeof buf, argv[rq.argc]))
			return ENOSYS; /* too big for a message: spawn directly */
	for (; environ && environ[rq.envc]; rq.envc++)
		if (rq.envc >= TACH__SPAWN_MAX_STRINGS / 2 || put(buf, &at, sizeof buf, environ[rq.envc]))
			return ENOSYS;
	memcpy(buf, &rq, sizeof rq);

	int fd[3] = {-1, -1, -1}, rc = 0;
	for (int i = 0; i < 3 && !rc; i++)
		if ((fd[i] = open_std(o, pipe_w, i)) < 0)
			rc = errno;
	if (!rc) {
		union {
			char buf[CMSG_SPACE(sizeof fd)];
			struct cmsghdr align;
		} ctl;
		memset(&ctl, 0, sizeof ctl);
		struct iovec iov = {buf, at};
		struct msghdr mh;
		memset(&mh, 0, sizeof mh);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof ctl.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof fd);
		memcpy(CMSG_DATA(c), fd, sizeof fd);
		ssize_t w;
		while ((w = sendmsg(spawner_fd, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
			;
		rc = w < 0 ? errno : 0;
		if (rc == EPIPE || rc == ECONNRESET) {
			/* the spawner was killed: start commands directly */
			close(spawner_fd);
			spawner_fd = -1;
		}
		if (rc == EMSGSIZE || rc == EPIPE || rc == ECONNRESET)
			rc = ENOSYS;
	}
	for (int i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	if (rc)
		return rc;
	tach__spawn_reply rep;
	ssize_t r;
	while ((r = recv(spawner_fd, &rep, sizeof rep, 0)) < 0 && errno == EINTR)
		;
	if (r != (ssize_t)sizeof rep)
		return r < 0 ? errno : EPIPE;
	if (rep.err) {
		if (rep.pid > 0) /* our child (CLONE_PARENT): reap it */
			waitpid(rep.pid, NULL, 0);
		return rep.err;
	}
	*pidp = rep.pid;
	*t0 = rep.t0;
	return 0;
}
