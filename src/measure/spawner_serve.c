/* spawner_serve.c - the spawner's side of starting a command: receive a
 * request from tach, clone the command as tach's child, reply.  Linked
 * into libtach (a fork of tach serves when the helper is missing) and into
 * the tach-spawn helper, so it depends on libc alone.  Everything is
 * static: the spawner touches as few pages as it can, since its resident
 * high-water mark is the floor of every command's peak RSS.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "measure/cgroup.h"
#include "measure/spawner.h"

enum { CHILD_STACK = 64 * 1024 };

/* Declared in cgroup.h; defined here so that the helper needs nothing
 * else.  Writing 0 means "the writer" in v1 and v2 alike, which saves the
 * child from formatting its pid. */
int tach__cgroup_enter(const char *procs_path)
{
	int fd = open(procs_path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = write(fd, "0", 1) == 1 ? 0 : -errno;
	close(fd);
	return rc;
}

static char msg[TACH__SPAWN_MAX_MSG];
static char *strings[TACH__SPAWN_MAX_STRINGS + 2];
static char child_stack[CHILD_STACK] __attribute__((aligned(16)));

typedef struct job {
	const cpu_set_t *cpus; /* NULL: not pinned */
	size_t cpus_len;
	const char *procs, *cwd;
	char **argv, **envp;
	int fd[3];
	double t0;
	int err;
} job;

/* In the child, on the spawner's memory (CLONE_VM): async-signal-safe
 * calls only. */
static int job_child(void *p)
{
	job *j = p;
	if (j->procs)
		tach__cgroup_enter(j->procs); /* failure: the probe says why */
	if (j->cpus && sched_setaffinity(0, j->cpus_len, j->cpus) < 0)
		goto fail;
	if (chdir(j->cwd) < 0)
		goto fail;
	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int i = 0; i < 3; i++)
		if (dup2(j->fd[i], i) < 0)
			goto fail;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	j->t0 = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	execvpe(j->argv[0], j->argv, j->envp);
fail:
	j->err = errno ? errno : ENOEXEC;
	_exit(127);
}

/* Splits n NUL-terminated strings starting at *p (ending before end) into
 * out[0..n), NULL-terminated.  0, or -1 when the message is malformed. */
static int split(char **p, const char *end, uint32_t n, char **out)
{
	for (uint32_t i = 0; i < n; i++) {
		char *z = memchr(*p, '\0', (size_t)(end - *p));
		if (!z)
			return -1;
		out[i] = *p;
		*p = z + 1;
	}
	out[n] = NULL;
	return 0;
}

static void serve_one(int sock, ssize_t len, int *fds, int nfds)
{
	tach__spawn_reply rep = {-1, EINVAL, 0};
	tach__spawn_request rq;
	job j;
	memset(&j, 0, sizeof j);
	char *p = msg + sizeof rq, *end = msg + len;
	if (len >= (ssize_t)sizeof rq && nfds == 3) {
		memcpy(&rq, msg, sizeof rq);
		if (rq.argc >= 1 && rq.argc + rq.envc + 2 <= TACH__SPAWN_MAX_STRINGS + 2 &&
		    rq.cwd_len >= 1 && rq.cpus_len <= sizeof(cpu_set_t) &&
		    (size_t)rq.cpus_len + rq.procs_len + rq.cwd_len <= (size_t)(end - p)) {
			/* the mask is copied out: the message has no alignment */
			static cpu_set_t cpus;
			memset(&cpus, 0, sizeof cpus);
			memcpy(&cpus, p, rq.cpus_len);
			j.cpus = rq.cpus_len ? &cpus : NULL;
			j.cpus_len = sizeof cpus;
			p += rq.cpus_len;
			j.procs = rq.procs_len ? p : NULL;
			p += rq.procs_len;
			j.cwd = p;
			p += rq.cwd_len;
			j.argv = strings;
			j.envp = strings + rq.argc + 1;
			if ((!j.procs || memchr(j.procs, '\0', rq.procs_len)) &&
			    memchr(j.cwd, '\0', rq.cwd_len) &&
			    split(&p, end, rq.argc, j.argv) == 0 &&
			    split(&p, end, rq.envc, j.envp) == 0) {
				memcpy(j.fd, fds, sizeof j.fd);
				pid_t pid = clone(job_child, child_stack + CHILD_STACK,
				                  CLONE_VM | CLONE_VFORK | CLONE_PARENT | SIGCHLD, &j);
				rep.pid = pid;
				rep.err = pid < 0 ? errno : j.err;
				rep.t0 = j.t0;
			}
		}
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	while (send(sock, &rep, sizeof rep, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

void tach__spawner_serve(int sock)
{
	/* the socket came across exec (tach-spawn's argument): no command it
	 * starts may inherit it -- one that did could ask for spawns itself,
	 * and would hold tach's end open after tach */
	fcntl(sock, F_SETFD, FD_CLOEXEC);
	for (;;) {
		union {
			char buf[CMSG_SPACE(3 * sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = {msg, sizeof msg};
		struct msghdr mh;
		memset(&mh, 0, sizeof mh);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof ctl.buf;
		ssize_t len = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			_exit(0); /* tach is gone */
		int fds[3], nfds = 0;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int *in = (int *)(void *)CMSG_DATA(c);
			for (size_t i = 0; i < n; i++) {
				if (nfds < 3)
					fds[nfds++] = in[i];
				else
					close(in[i]);
			}
		}
		serve_one(sock, (mh.msg_flags & MSG_TRUNC) ? 0 : len, fds, nfds);
	}
}

