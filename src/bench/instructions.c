/* instructions.c - the benchmark binary's --instructions (deterministic
 * mode, docs/deterministic.md).
 *
 * The binary starts itself again under `valgrind --tool=callgrind` with
 * collection off; the child (tach_bench_run_all notices Valgrind) runs
 * each benchmark a fixed number of iterations, switches collection on
 * only inside the loop and dumps one profile part per repetition, tagged
 * with the benchmark's index.  The child's own results file gives names,
 * parameters and iteration counts; the parts give the counts, divided
 * here by the iterations.  Everything lives in a temporary directory that
 * is removed afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/bench.h"
#include "tach/result.h"
#include "tach/run.h"
#include "tach/sim.h"
#include "bench/instructions.h"

extern char **environ;

/* Options the child gets as they are (with their value). */
static int forwarded(const char *name, int *takes_value)
{
	static const char *const with_value[] = {"--filter", "--repetitions", "--iterations",
	                                         "--seed", "--label", "--threads", NULL};
	static const char *const flags[] = {"--instructions", NULL};
	for (size_t i = 0; with_value[i]; i++)
		if (!strcmp(name, with_value[i]))
			return *takes_value = 1, 1;
	for (size_t i = 0; flags[i]; i++)
		if (!strcmp(name, flags[i]))
			return *takes_value = 0, 1;
	/* options main.c knows to take a value: skipped with it */
	static const char *const skipped[] = {"--min-time", "--max-repetitions", "--warmup",
	                                      "--format", "--out", "--counters", NULL};
	*takes_value = 0;
	for (size_t i = 0; skipped[i]; i++)
		if (!strcmp(name, skipped[i]))
			*takes_value = 1;
	return 0;
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[4200];
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

/* The last lines of the child's stderr, for an error message. */
static void tail_of(const char *path, char *buf, size_t size)
{
	buf[0] = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f))
		if (line[0] != '\n')
			snprintf(buf, size, "%s", line);
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

static int spawn_child(const char *prog, char **argv, const char *err_path)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	/* written in place on purpose: err_path is a scratch file in this
	 * run's own mkdtemp directory (0700), the child's stderr read back
	 * for a diagnosis, never a file of the user's that a failed write
	 * could destroy */
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_path, O_WRONLY | O_CREAT | O_TRUNC,
	                                 0600);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fprintf(stderr, "%s: cannot start %s: %s\n", prog, argv[0], strerror(rc));
		return -1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Adds the counts of every tagged part in dir to the benchmarks of r that
 * mirror those of child (same order). */
static int read_parts(const char *prog, const char *dir, const tach_result *child, tach_result *r,
                      size_t first)
{
	DIR *d = opendir(dir);
	if (!d)
		return 2;
	size_t n = child->n_benchmarks;
	/* parts arrive in file order; keep them per benchmark and repetition */
	typedef struct part {
		size_t bench, rep;
		tach_sim_counts c;
	} part;
	part *parts = NULL;
	size_t n_parts = 0, cap = 0;
	struct dirent *e;
	int status = 0;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "cg.out", 6))
			continue;
		char path[4200], tag[128];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		tach_sim_counts c;
		tach_error err;
		memset(&err, 0, sizeof err);
		if (tach_sim_read(path, &c, tag, sizeof tag, &err)) {
			char msg[512];
			tach_error_format(&err, msg, sizeof msg);
			fprintf(stderr, "%s: %s\n", prog, msg);
			status = 2;
			break;
		}
		size_t b, rep;
		if (sscanf(tag, "tach:%zu:%zu", &b, &rep) != 2 || b >= n)
			continue; /* the part written at exit, collected nothing */
		if (n_parts == cap) {
			cap = cap ? cap * 2 : 16;
			part *np = realloc(parts, cap * sizeof *np);
			if (!np) {
				status = 2;
				break;
			}
			parts = np;
		}
		parts[n_parts++] = (part){b, rep, c};
	}
	closedir(d);
	for (size_t b = 0; !status && b < n; b++) {
		const tach_metric *t = tach_benchmark_metric(child->benchmarks[b], TACH_M_TIME);
		size_t reps = t ? t->n_samples : 0;
		for (size_t rep = 0; rep < reps; rep++)
			for (size_t k = 0; k < n_parts; k++)
				if (parts[k].bench == b && parts[k].rep == rep) {
					double per = t->iterations && t->iterations[rep] ? (double)t->iterations[rep]
					                                                 : 1;
					if (tach_sim_add_samples(r->benchmarks[first + b], &parts[k].c, per))
						status = 2;
				}
	}
	free(parts);
	return status;
}

/* A copy of a child benchmark without its (meaningless) timings. */
static int copy_benchmark(const tach_benchmark *from, tach_result *r)
{
	tach_benchmark *b = tach_result_add_benchmark(r, from->name);
	if (!b || tach_benchmark_set_source(b, TACH_SOURCE_LIBRARY, "tach", NULL))
		return TACH_ENOMEM;
	if (tach_kvlist_copy(&b->params, &from->params))
		return TACH_ENOMEM;
	if (from->error && !(b->error = strdup(from->error)))
		return TACH_ENOMEM;
	if (from->skipped && !(b->skipped = strdup(from->skipped)))
		return TACH_ENOMEM;
	return 0;
}

int tach__instr_parent(const char *prog, int argc, char **argv, tach_result *r)
{
	char valgrind[4096];
	tach_error err;
	memset(&err, 0, sizeof err);
	if (tach_bench_under_valgrind() < 0) {
		fprintf(stderr, "%s: --instructions: this binary was built without Valgrind's headers "
		                "(install valgrind, then rebuild tach and the benchmarks)\n", prog);
		return 2;
	}
	if (tach_sim_find(valgrind, sizeof valgrind, &err)) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		return 2;
	}
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0) {
		fprintf(stderr, "%s: cannot find this program's own path: %s\n", prog, strerror(errno));
		return 2;
	}
	self[len] = 0;
	char dir[] = "/tmp/tach-instructions-XXXXXX";
	if (!mkdtemp(dir)) {
		fprintf(stderr, "%s: cannot make a temporary directory: %s\n", prog, strerror(errno));
		return 2;
	}
	char out[4200], log[4200], child_json[4200], child_err[4200];
	snprintf(out, sizeof out, "%s/cg.out", dir);
	snprintf(log, sizeof log, "%s/valgrind.log", dir);
	snprintf(child_json, sizeof child_json, "%s/child.json", dir);
	snprintf(child_err, sizeof child_err, "%s/child.err", dir);
	size_t n_prefix = 0;
	char **prefix = tach_sim_prefix(valgrind, out, log, 0, 0, &n_prefix);
	char **cargv = prefix ? calloc(n_prefix + (size_t)argc + 8, sizeof *cargv) : NULL;
	if (!cargv) {
		tach_words_free(prefix);
		remove_dir(dir);
		return 2;
	}
	size_t k = 0;
	for (size_t i = 0; i < n_prefix; i++)
		cargv[k++] = prefix[i];
	cargv[k++] = self;
	for (int i = 1; i < argc; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s", argv[i]);
		char *eq = strchr(name, '=');
		if (eq)
			*eq = 0;
		int takes = 0, keep = forwarded(name, &takes);
		if (keep)
			cargv[k++] = argv[i];
		if (takes && !eq && i + 1 < argc) {
			i++;
			if (keep)
				cargv[k++] = argv[i];
		}
	}
	cargv[k++] = "--no-alloc";
	cargv[k++] = "--out";
	cargv[k++] = child_json;
	cargv[k] = NULL;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "%s: counting instructions under Valgrind's callgrind "
		                "(20-100x slower than native)...\n", prog);
	int status = spawn_child(prog, cargv, child_err);
	int rc = 0;
	if (status == -1) {
		rc = 2;
	} else if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
		char why[600] = "", tail[512];
		if (!tach_sim_diagnose(log, why, sizeof why)) {
			tail_of(child_err, tail, sizeof tail);
			if (WIFSIGNALED(status))
				snprintf(why, sizeof why, "it was killed by signal %d%s%s", WTERMSIG(status),
				         tail[0] ? ": " : "", tail);
			else
				snprintf(why, sizeof why, "it exited with status %d%s%s", WEXITSTATUS(status),
				         tail[0] ? ": " : "", tail);
		}
		fprintf(stderr, "%s: --instructions: the benchmarks failed under Valgrind: %s\n", prog,
		        why);
		rc = 2;
	}
	tach_result *child = NULL;
	if (!rc && tach_result_read_file(child_json, &child, &err)) {
		char msg[512];
		tach_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "%s: --instructions: %s\n", prog, msg);
		rc = 2;
	}
	size_t first = r->n_benchmarks;
	for (size_t i = 0; !rc && i < child->n_benchmarks; i++)
		if (copy_benchmark(child->benchmarks[i], r))
			rc = 2;
	if (!rc)
		rc = read_parts(prog, dir, child, r, first);
	if (!rc) {
		tach_kvlist_set(&r->meta.context, "mode", "instructions (valgrind callgrind, "
		                                          "--I1=32768,8,64 --D1=32768,8,64 "
		                                          "--LL=8388608,16,64)");
		const char *it = child ? tach_kvlist_get(&child->meta.context, "fixed_iterations") : NULL;
		if (it)
			tach_kvlist_set(&r->meta.context, "fixed_iterations", it);
	}
	tach_result_free(child);
	free(cargv);
	tach_words_free(prefix);
	remove_dir(dir);
	return rc;
}
