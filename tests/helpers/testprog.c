/* testprog.c - the child process the runner and cgroup tests spawn: it
 * allocates memory (alone, in K processes, or in a 3-deep tree, all held at
 * once), burns CPU, sleeps, prints, daemonizes, hangs, raises a signal or
 * exits with a code, in that fixed order.  Options are parsed by hand so no
 * shell is ever involved.  Usage: see usage() below.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: tach_testprog [options], done in this order:\n"
	"  --alloc MiB      allocate and touch MiB of memory, held until exit\n"
	"  --procs K        K processes in all (K-1 children) each holding --alloc\n"
	"  --tree           parent 50 MiB, child 200 MiB, grandchild 120 MiB at once\n"
	"  --burn MS        busy-loop MS ms of CPU time\n"
	"  --spin N         a loop of exactly N steps (a known amount of work)\n"
	"  --sleep MS       sleep MS ms\n"
	"  --print TEXT     write TEXT and a newline to stdout\n"
	"  --daemon         leave a setsid() grandchild sleeping 60 s\n"
	"  --daemon-alloc MiB  the daemon touches MiB first\n"
	"  --hang           sleep forever\n"
	"  --signal SIG     raise SIG (number or name) at the end\n"
	"  --exit N         exit with status N (default 0)\n"
	"  --ignore-term    ignore SIGTERM\n"
	"  --marker STR     ignored; lets tests find leftovers in /proc/*/cmdline\n"
	"or: tach_testprog -c TEXT   a shell that runs nothing (exit 0)\n";

static void die(const char *what)
{
	fprintf(stderr, "tach_testprog: %s: %s\n", what, strerror(errno));
	exit(125);
}

static long number(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s ? s : "", &end, 10);
	if (!s || end == s || *end || errno || v < 0) {
		fprintf(stderr, "tach_testprog: %s needs a non-negative number\n", opt);
		exit(2);
	}
	return v;
}

static int signal_number(const char *s)
{
	static const struct { const char *name; int sig; } names[] = {
		{"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"ABRT", SIGABRT},
		{"KILL", SIGKILL}, {"SEGV", SIGSEGV}, {"PIPE", SIGPIPE},
		{"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"USR1", SIGUSR1},
		{"USR2", SIGUSR2}, {"BUS", SIGBUS}, {"FPE", SIGFPE},
	};
	if (s && strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; s && i < sizeof names / sizeof *names; i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].sig;
	return (int)number("--signal", s);
}

/* Maps and writes every page, so the memory is really charged (reading
 * would only map the shared zero page). */
static void alloc_touch(long mib)
{
	if (mib <= 0)
		return;
	size_t len = (size_t)mib << 20, page = (size_t)sysconf(_SC_PAGESIZE);
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == (volatile char *)MAP_FAILED)
		die("mmap");
	for (size_t i = 0; i < len; i += page)
		p[i] = 1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Pipes that make all allocating processes hold their memory at the same
 * time: each helper writes a byte to ready[1] once its memory is touched,
 * then blocks on hold[0] until the main process closes hold[1] (or dies). */
static int ready[2] = {-1, -1}, hold[2] = {-1, -1};
static int helpers; /* how many ready bytes to wait for */

static void hold_then_exit(void)
{
	char c;
	if (write(ready[1], "r", 1) != 1)
		_exit(125);
	close(ready[1]);
	while (read(hold[0], &c, 1) < 0 && errno == EINTR)
		;
	while (wait(NULL) > 0) /* a tree child waits for its grandchild */
		;
	_exit(0);
}

static void open_pipes(void)
{
	if (ready[0] < 0 && (pipe(ready) < 0 || pipe(hold) < 0))
		die("pipe");
}

/* Forks a helper that allocates `mib` (after forking `grand_mib` first as a
 * grandchild holder, when that is > 0) and holds it. */
static void spawn_holder(long mib, long grand_mib)
{
	open_pipes();
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	helpers += grand_mib > 0 ? 2 : 1; /* both tree levels say ready */
	if (pid > 0)
		return;
	close(ready[0]);
	close(hold[1]);
	if (grand_mib > 0) {
		pid_t g = fork();
		if (g < 0)
			_exit(125);
		if (g == 0) {
			alloc_touch(grand_mib);
			hold_then_exit();
		}
	}
	alloc_touch(mib);
	hold_then_exit();
}

static void wait_helpers(void)
{
	char c;
	for (int got = 0; got < helpers;) {
		ssize_t r = read(ready[0], &c, 1);
		if (r == 1)
			got++;
		else if (r == 0 || errno != EINTR)
			break; /* a helper died: go on rather than hang */
	}
}

static void release_helpers(void)
{
	if (hold[1] < 0)
		return;
	close(hold[1]);
	hold[1] = -1;
	while (wait(NULL) > 0)
		;
}

/* Double fork: the grandchild is reparented (to init or a subreaper), gets
 * a session of its own and stdio on /dev/null like a well-behaved daemon,
 * and tells us it exists before we go on. */
static void daemonize(long mib)
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		/* Our holders must see EOF when we release them, not when the
		 * daemon dies. */
		if (hold[1] >= 0)
			close(hold[1]);
		if (ready[0] >= 0)
			close(ready[0]);
		pid_t g = fork();
		if (g != 0)
			_exit(g < 0 ? 125 : 0);
		setsid();
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			if (null > 2)
				close(null);
		}
		alloc_touch(mib);
		if (write(p[1], "d", 1) != 1)
			_exit(125);
		close(p[1]);
		sleep_ms(60000);
		_exit(0);
	}
	close(p[1]);
	waitpid(pid, NULL, 0);
	char c;
	while (read(p[0], &c, 1) < 0 && errno == EINTR)
		;
	close(p[0]);
}

static void burn(long ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	volatile unsigned long x = 0;
	do {
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000L + (t.tv_nsec - t0.tv_nsec) / 1000000L < ms);
}

/* N steps of a loop the compiler cannot fold: the same instructions
 * every time, so a simulator's count is linear in N. */
static void spin(long n)
{
	volatile unsigned long x = 0;
	for (long i = 0; i < n; i++)
		x = x + (unsigned long)i;
}

int main(int argc, char **argv)
{
	long alloc = 0, procs = 1, burn_ms = 0, sleep_ms_ = 0, exit_code = 0, spin_n = 0;
	long daemon_mib = 0;
	int tree = 0, daemon_ = 0, hang = 0, sig = 0;
	const char *print = NULL;

	/* as a "shell" (tach run --shell=testprog): `-c TEXT` does nothing, so
	 * every command costs exactly what the empty one does */
	if (argc == 3 && strcmp(argv[1], "-c") == 0)
		return 0;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(o, "--alloc") == 0)
			alloc = number(o, v), i++;
		else if (strcmp(o, "--procs") == 0)
			procs = number(o, v), i++;
		else if (strcmp(o, "--burn") == 0)
			burn_ms = number(o, v), i++;
		else if (strcmp(o, "--spin") == 0)
			spin_n = number(o, v), i++;
		else if (strcmp(o, "--sleep") == 0)
			sleep_ms_ = number(o, v), i++;
		else if (strcmp(o, "--exit") == 0)
			exit_code = number(o, v), i++;
		else if (strcmp(o, "--signal") == 0)
			sig = signal_number(v), i++;
		else if (strcmp(o, "--print") == 0 && v)
			print = v, i++;
		else if (strcmp(o, "--marker") == 0 && v)
			i++;
		else if (strcmp(o, "--tree") == 0)
			tree = 1;
		else if (strcmp(o, "--daemon") == 0)
			daemon_ = 1;
		else if (strcmp(o, "--daemon-alloc") == 0)
			daemon_mib = number(o, v), i++;
		else if (strcmp(o, "--hang") == 0)
			hang = 1;
		else if (strcmp(o, "--ignore-term") == 0)
			signal(SIGTERM, SIG_IGN);
		else {
			fprintf(stderr, "tach_testprog: unknown option '%s'\n%s", o, usage_text);
			return 2;
		}
	}

	/* Children first, then our own share: everything is touched after the
	 * forks, so nothing is shared copy-on-write and the peak is the sum. */
	for (long k = 1; k < procs; k++)
		spawn_holder(alloc, 0);
	if (tree)
		spawn_holder(200, 120);
	alloc_touch(alloc);
	if (tree)
		alloc_touch(50);
	if (helpers) {
		close(ready[1]);
		close(hold[0]);
		wait_helpers();
	}

	if (burn_ms)
		burn(burn_ms);
	if (spin_n)
		spin(spin_n);
	if (sleep_ms_)
		sleep_ms(sleep_ms_);
	if (print) {
		printf("%s\n", print);
		fflush(stdout);
	}
	if (daemon_)
		daemonize(daemon_mib);
	while (hang)
		pause();
	release_helpers();
	if (sig) {
		/* No core files from tests, and SIGTERM must not stay ignored. */
		struct rlimit no_core = {0, 0};
		setrlimit(RLIMIT_CORE, &no_core);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return (int)exit_code;
}
