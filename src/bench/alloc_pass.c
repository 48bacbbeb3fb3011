/* alloc_pass.c - allocations per iteration for the benchmark binary
 * (libtach_main), counted in a process of their own so that the timed
 * process has no malloc interposer at all.
 *
 * After the timed repetitions the binary starts itself again
 * (/proc/self/exe, the same command line, TACH_ALLOC_CHILD set in its
 * environment) with the counting malloc family (alloc_count.c, whose
 * bytes are embedded in libtach_main at build time) preloaded from a
 * memfd: LD_PRELOAD=<the user's>:/proc/self/fd/N.  Three inherited
 * memfds: the shared object; the plan, one line "ITERATIONS NAME" per
 * instance, with the iteration count its timed repetitions used; and the
 * child's results file.  The child puts LD_PRELOAD back as the user had it
 * (and drops TACH_ALLOC_CHILD) before running anything, runs the counting
 * pass alone (tach_bench_run_opts.alloc_iterations) and writes its
 * results; the parent copies allocs_per_op and bytes_per_op, and the heap
 * growth (net_heap_growth_per_op, max_bytes_used), flagging a benchmark
 * whose net growth per iteration is above TACH_BENCH_LEAK_TOLERANCE as
 * leaking (a warning, and the context key "leaking").  When the
 * child cannot count (a sanitizer build, a static binary, a crash), the
 * timed results stand and the results' context says why.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/bench.h"
#include "tach/result.h"
#include "bench/alloc_count.h"
#include "bench/alloc_pass.h"

extern char **environ;

/* alloc_count.so, embedded by the build (embed_bytes.py) */
extern const unsigned char tach__alloc_so[];
extern const size_t tach__alloc_so_size;

/* The exit status of a child that could not count: its stderr says why. */
#define CHILD_CANNOT_COUNT 3

/* A sanitizer's runtime owns malloc; preloading another one would break
 * it (AddressSanitizer refuses to start).  NULL when there is none. */
static const char *sanitizer(void)
{
	static const char *const rt[][2] = {{"__asan_init", "AddressSanitizer"},
	                                    {"__tsan_init", "ThreadSanitizer"},
	                                    {"__msan_init", "MemorySanitizer"},
	                                    {"__hwasan_init", "HWAddressSanitizer"}};
	for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++)
		if (dlsym(RTLD_DEFAULT, rt[i][0]))
			return rt[i][1];
	return NULL;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The whole content of fd from its start, NUL-terminated; NULL on error. */
static char *read_all(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	if (!buf || lseek(fd, 0, SEEK_SET) < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

/* The last non-empty line of text, into buf. */
static void last_line(const char *text, char *buf, size_t size)
{
	buf[0] = 0;
	const char *end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	const char *start = end;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(buf, size, "%.*s", (int)(end - start), start);
}

/* ---- the counting process ---- */

/* LD_PRELOAD without `self` (the counting object's entry), as the user
 * had it: unset when nothing else was preloaded.  Processes the
 * benchmarks start must not inherit the counting malloc. */
static void restore_preload(const char *self)
{
	const char *v = getenv("LD_PRELOAD");
	if (!v)
		return;
	char *keep = malloc(strlen(v) + 1);
	if (!keep) {
		unsetenv("LD_PRELOAD");
		return;
	}
	size_t k = 0, len = strlen(self);
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ": ");
		if (n && !(n == len && !strncmp(p, self, n))) {
			if (k)
				keep[k++] = ':';
			memcpy(keep + k, p, n);
			k += n;
		}
		p += n;
		p += *p != 0;
	}
	keep[k] = 0;
	if (k)
		setenv("LD_PRELOAD", keep, 1);
	else
		unsetenv("LD_PRELOAD");
	free(keep);
}

typedef struct plan {
	char *text; /* the plan's lines, split in place */
	char **names;
	uint64_t *iters;
	size_t n;
} plan;

static uint64_t plan_iterations(void *ctx, const char *name)
{
	const plan *p = ctx;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->names[i], name))
			return p->iters[i];
	return 0;
}

static int plan_parse(plan *p)
{
	size_t lines = 1;
	for (const char *c = p->text; *c; c++)
		lines += *c == '\n';
	p->names = malloc(lines * sizeof *p->names);
	p->iters = malloc(lines * sizeof *p->iters);
	if (!p->names || !p->iters)
		return -1;
	for (char *line = p->text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		char *sp = strchr(line, ' ');
		if (!sp)
			return -1;
		*sp = 0;
		p->iters[p->n] = strtoull(line, NULL, 10);
		p->names[p->n++] = sp + 1;
	}
	return 0;
}

int tach__alloc_child(const char *prog, tach_bench_run_opts *o)
{
	const char *spec = getenv(TACH__ALLOC_CHILD_ENV);
	if (!spec)
		return -1;
	int plan_fd, out_fd, so_fd;
	int ok = sscanf(spec, "%d,%d,%d", &plan_fd, &out_fd, &so_fd) == 3;
	/* neither may reach the processes the benchmarks start (one of them
	 * may be a tach benchmark binary itself) */
	unsetenv(TACH__ALLOC_CHILD_ENV);
	if (!ok) {
		fprintf(stderr, "%s: invalid %s\n", prog, TACH__ALLOC_CHILD_ENV);
		return 2;
	}
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", so_fd);
	restore_preload(self);
	/* the loader has mapped the object; nothing the benchmarks start may
	 * inherit these */
	close(so_fd);
	fcntl(out_fd, F_SETFD, FD_CLOEXEC);
	tach__alloc_start_fn *start;
	tach__alloc_stop_fn *stop;
	tach__alloc_probe_fn *probe;
	tach__alloc_heap_fn *heap;
	/* copied, not cast: ISO C has no object-to-function pointer cast */
	void *sym[4] = {dlsym(RTLD_DEFAULT, TACH__ALLOC_START_SYM),
	                dlsym(RTLD_DEFAULT, TACH__ALLOC_STOP_SYM),
	                dlsym(RTLD_DEFAULT, TACH__ALLOC_PROBE_SYM),
	                dlsym(RTLD_DEFAULT, TACH__ALLOC_HEAP_SYM)};
	memcpy(&start, &sym[0], sizeof start);
	memcpy(&stop, &sym[1], sizeof stop);
	memcpy(&probe, &sym[2], sizeof probe);
	memcpy(&heap, &sym[3], sizeof heap);
	if (!start || !stop || !probe || !heap) {
		fprintf(stderr, "the counting malloc could not be preloaded (a static binary, or "
		                "the loader refused %s)\n", self);
		return CHILD_CANNOT_COUNT;
	}
	if (!probe()) {
		fprintf(stderr, "another malloc comes before the counting one (the program's own, or "
		                "an earlier LD_PRELOAD entry)\n");
		return CHILD_CANNOT_COUNT;
	}
	plan p;
	memset(&p, 0, sizeof p);
	size_t len;
	p.text = read_all(plan_fd, &len);
	close(plan_fd);
	int status = 2;
	tach_result *r = tach_result_new();
	tach_error err;
	memset(&err, 0, sizeof err);
	FILE *out = NULL;
	if (p.text && !plan_parse(&p) && r) {
		o->alloc_start = start;
		o->alloc_stop = stop;
		o->alloc_heap = heap;
		o->alloc_iterations = plan_iterations;
		o->alloc_ctx = &p;
		o->progress = NULL;
		int rc = tach_bench_run_all(o, r, &err);
		out = rc ? NULL : fdopen(out_fd, "w");
		if (rc)
			fprintf(stderr, "%s\n", err.message[0] ? err.message : tach_strerror(rc));
		else if (!out || tach_result_write(r, out, &err) || fflush(out))
			fprintf(stderr, "cannot write the counts: %s\n", strerror(errno));
		else
			status = 0;
	} else {
		fprintf(stderr, "cannot read the plan of the counting pass\n");
	}
	if (out)
		fclose(out);
	tach_result_free(r);
	free(p.text);
	free(p.names);
	free(p.iters);
	return status;
}

/* ---- the timed process ---- */

/* MFD_EXEC (Linux 6.3): a memfd that may be mapped executable even where
 * vm.memfd_noexec makes them no-exec by default; older kernels refuse the
 * flag (EINVAL) and their memfds are executable anyway. */
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* A memfd holding n bytes, inherited across exec (executable when exec is
 * set and the system allows it); -1 with errno. */
static int memfd_with(const char *name, const void *bytes, size_t n, int exec)
{
	int fd = exec ? memfd_create(name, MFD_EXEC) : -1;
	if (fd < 0)
		fd = memfd_create(name, 0);
	if (fd >= 0 && n && write_all(fd, bytes, n)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* A benchmark the counting process is asked to count: one with timed
 * samples and their iteration counts. */
static const tach_metric *planned(const tach_benchmark *b)
{
	const tach_metric *t = tach_benchmark_metric(b, TACH_M_TIME);
	if (b->error || b->skipped || !t || !t->n_samples || !t->iterations ||
	    strchr(b->name, '\n'))
		return NULL;
	return t;
}

/* The plan: "ITERATIONS NAME" per planned benchmark. */
static char *make_plan(const tach_result *r, size_t *len, size_t *n)
{
	size_t cap = 1;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		cap += strlen(r->benchmarks[i]->name) + 24;
	char *text = malloc(cap);
	if (!text)
		return NULL;
	size_t k = 0;
	*n = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		const tach_metric *t = planned(b);
		if (!t)
			continue;
		k += (size_t)snprintf(text + k, cap - k, "%llu %s\n",
		                      (unsigned long long)t->iterations[0], b->name);
		++*n;
	}
	text[k] = 0;
	*len = k;
	return text;
}

/* environ with LD_PRELOAD=<the user's entries>:<entry> and `marker`
 * (TACH__ALLOC_CHILD_ENV=...); NULL on no memory.  The counting object
 * comes last so that a malloc the user preloads is not replaced behind
 * their back (the child then says it cannot count). */
static char **child_env(const char *entry, char *marker, char **preload)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = malloc((n + 3) * sizeof *env);
	const char *user = getenv("LD_PRELOAD");
	size_t plen = strlen("LD_PRELOAD=") + (user ? strlen(user) + 1 : 0) + strlen(entry) + 1;
	*preload = malloc(plen);
	if (!env || !*preload) {
		free(env);
		free(*preload);
		return NULL;
	}
	snprintf(*preload, plen, "LD_PRELOAD=%s%s%s", user && *user ? user : "",
	         user && *user ? ":" : "", entry);
	size_t k = 0, ml = strlen(TACH__ALLOC_CHILD_ENV);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) &&
		    !(!strncmp(environ[i], TACH__ALLOC_CHILD_ENV, ml) && environ[i][ml] == '='))
			env[k++] = environ[i];
	env[k++] = *preload;
	env[k++] = marker;
	env[k] = NULL;
	return env;
}

/* The command line this process started with (/proc/self/cmdline), so
 * that a main() of the user's own that reads its options before calling
 * tach_main sees them again; argv when that cannot be read.  NULL-
 * terminated; *buf holds the strings (caller frees both). */
static char **own_command_line(int argc, char **argv, char **buf)
{
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	*buf = fd >= 0 ? read_all(fd, &len) : NULL;
	if (fd >= 0)
		close(fd);
	size_t n = 0;
	for (size_t i = 0; *buf && i < len; i++)
		n += (*buf)[i] == 0;
	char **v = calloc((n ? n : (size_t)argc) + 1, sizeof *v);
	if (!v)
		return NULL;
	if (n) {
		for (size_t i = 0, k = 0; k < n; i += strlen(*buf + i) + 1)
			v[k++] = *buf + i;
	} else {
		for (int i = 0; i < argc; i++)
			v[i] = argv[i];
	}
	return v;
}

/* Starts the counting process and waits for it.  Returns its wait status,
 * or -1 with the reason in why. */
static int run_child(int argc, char **argv, int plan_fd, int out_fd, int so_fd, int err_fd,
                     char *why, size_t why_size)
{
	char marker[96], entry[64];
	snprintf(marker, sizeof marker, "%s=%d,%d,%d", TACH__ALLOC_CHILD_ENV, plan_fd, out_fd,
	         so_fd);
	snprintf(entry, sizeof entry, "/proc/self/fd/%d", so_fd);
	char *args = NULL, *preload = NULL;
	char **cargv = own_command_line(argc, argv, &args);
	char **env = cargv ? child_env(entry, marker, &preload) : NULL;
	if (!env) {
		free(cargv);
		free(args);
		snprintf(why, why_size, "out of memory");
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	pid_t pid;
	int rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, cargv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(cargv);
	free(args);
	free(env);
	free(preload);
	if (rc) {
		snprintf(why, why_size, "cannot start the counting process: %s", strerror(rc));
		return -1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, why_size, "lost the counting process: %s", strerror(errno));
			return -1;
		}
	return status;
}

static const tach_benchmark *find(const tach_result *r, const char *name)
{
	for (size_t i = 0; i < r->n_benchmarks; i++)
		if (!strcmp(r->benchmarks[i]->name, name))
			return r->benchmarks[i];
	return NULL;
}

/* Copies allocs_per_op and bytes_per_op (and the heap growth) of the
 * child's benchmarks into the parent's of the same name; appends to note
 * each planned benchmark that got none, with the child's error for it. */
static void merge(const tach_result *child, tach_result *r, char *note, size_t size)
{
	/* the first two are what every counted benchmark has */
	static const char *const names[] = {TACH_M_ALLOCS_PER_OP, TACH_M_BYTES_PER_OP,
	                                    TACH_M_NET_HEAP_GROWTH_PER_OP, TACH_M_MAX_BYTES_USED};
	size_t len = strlen(note);
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		tach_benchmark *b = r->benchmarks[i];
		const tach_benchmark *cb = planned(b) ? find(child, b->name) : NULL;
		int copied = 0;
		for (size_t k = 0; cb && k < 4; k++) {
			const tach_metric *m = tach_benchmark_metric(cb, names[k]);
			if (!m || !m->n_samples || tach_benchmark_metric(b, names[k]))
				continue;
			tach_metric *to = tach_benchmark_add_metric(b, names[k], m->unit, m->direction);
			copied += to && !tach_metric_add_sample(to, m->samples[0]) && k < 2;
		}
		if (planned(b) && copied < 2 && len < size)
			len += (size_t)snprintf(note + len, size - len, "; not counted for '%s': %s",
			                        b->name, cb && cb->error ? cb->error
			                                 : "the counting process did not run it");
	}
}

/* Why the child's wait status means no counts, into why. */
static void child_failure(int status, const char *err_text, char *why, size_t size)
{
	char tail[300];
	last_line(err_text ? err_text : "", tail, sizeof tail);
	if (WIFSIGNALED(status))
		snprintf(why, size, "the counting process was killed by signal %d (%s)%s%s",
		         WTERMSIG(status), strsignal(WTERMSIG(status)), tail[0] ? ": " : "", tail);
	else if (WEXITSTATUS(status) == CHILD_CANNOT_COUNT)
		snprintf(why, size, "%s", tail[0] ? tail : "the counting process cannot count");
	else
		snprintf(why, size, "the counting process exited with status %d%s%s",
		         WEXITSTATUS(status), tail[0] ? ": " : "", tail);
}

/* The benchmarks whose net heap growth per iteration is above the
 * tolerance: a warning each, and their names in the context key
 * "leaking" (comma-separated, as "unstable"). */
static void flag_leaks(const char *prog, tach_result *r)
{
	char list[1024] = "";
	size_t len = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		const tach_metric *m = tach_benchmark_metric(b, TACH_M_NET_HEAP_GROWTH_PER_OP);
		const tach_metric *peak = tach_benchmark_metric(b, TACH_M_MAX_BYTES_USED);
		if (!m || !m->n_samples || !(m->samples[0] > TACH_BENCH_LEAK_TOLERANCE))
			continue;
		fprintf(stderr, "%s: warning: '%s' leaks: the heap grows by %.6g B per iteration "
		                "(bytes allocated minus bytes freed; at most %.6g B live)\n",
		        prog, b->name, m->samples[0], peak && peak->n_samples ? peak->samples[0] : 0);
		if (len < sizeof list)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? "," : "",
			                        b->name);
	}
	if (len)
		tach_kvlist_set(&r->meta.context, "leaking", list);
}

void tach__alloc_pass(const char *prog, int argc, char **argv, tach_result *r)
{
	char why[512] = "", note[1024] = "";
	const char *san = sanitizer();
	size_t plan_len = 0, n = 0;
	char *plan_text = san ? NULL : make_plan(r, &plan_len, &n);
	int so_fd = -1, plan_fd = -1, out_fd = -1, err_fd = -1;
	if (san) {
		snprintf(why, sizeof why, "built with %s, whose runtime owns malloc", san);
	} else if (!plan_text) {
		snprintf(why, sizeof why, "out of memory");
	} else if (!n) {
		free(plan_text);
		return; /* nothing was timed: nothing to count */
	} else if ((so_fd = memfd_with("tach_alloc_count.so", tach__alloc_so,
	                               tach__alloc_so_size, 1)) < 0 ||
	           (plan_fd = memfd_with("tach-alloc-plan", plan_text, plan_len, 0)) < 0 ||
	           (out_fd = memfd_with("tach-alloc-counts", NULL, 0, 0)) < 0 ||
	           (err_fd = memfd_with("tach-alloc-stderr", NULL, 0, 0)) < 0) {
		snprintf(why, sizeof why, "cannot make a memory file (memfd_create): %s",
		         strerror(errno));
	} else {
		int tty = isatty(STDERR_FILENO);
		if (tty)
			fprintf(stderr, "\r\x1b[K  counting allocations (%zu benchmark%s)", n,
			        n == 1 ? "" : "s");
		int status = run_child(argc, argv, plan_fd, out_fd, so_fd, err_fd, why, sizeof why);
		if (tty)
			fputs("\r\x1b[K", stderr);
		size_t len;
		char *err_text = read_all(err_fd, &len);
		char *text = status == 0 ? read_all(out_fd, &len) : NULL;
		tach_result *child = NULL;
		tach_error err;
		memset(&err, 0, sizeof err);
		if (status > 0 || (status == 0 && !text))
			child_failure(status, err_text, why, sizeof why);
		else if (status == 0 && tach_result_read_buffer(text, len, "counting process", &child,
		                                                &err))
			snprintf(why, sizeof why, "unreadable counts: %s", err.message);
		if (child) {
			snprintf(note, sizeof note, "counted in a separate process (counting malloc "
			                            "preloaded) at the timed iteration counts");
			merge(child, r, note, sizeof note);
			flag_leaks(prog, r);
		}
		tach_result_free(child);
		free(text);
		free(err_text);
	}
	int fds[] = {so_fd, plan_fd, out_fd, err_fd};
	for (size_t i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(plan_text);
	if (!note[0]) {
		snprintf(note, sizeof note, "not counted: %s", why);
		/* a sanitizer build never counts: the context says so, quietly */
		if (!san)
			fprintf(stderr, "%s: warning: allocations not counted: %s\n", prog, why);
	}
	tach_kvlist_set(&r->meta.context, "allocs", note);
}
