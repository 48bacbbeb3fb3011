/* bench_format.c - tach's results-file writer and reader against Python's
 * json module on the same document: 10,000 benchmarks x 3 metrics x 30
 * samples.  Each measurement runs in a process of its own (this program
 * re-executed with --child-*, or the Python peer) so each has its own peak
 * RSS; the parent stays small until they are done, then checks that the
 * file reads back bit-identical.  Usage: bench_format [--quick]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "bench_util.h"

#ifndef PEER_DIR
#define PEER_DIR "bench"
#endif

#define DATA_SEED 20260102u
#define N_SAMPLES 30

typedef struct config {
	const char *name;
	size_t n_bench;
	int reps;
} config;

static const config FULL = {"full", 10000, 7};
static const config QUICK = {"quick", 1000, 3};

/* ------------------------------------------------------------------ */
/* The document: what a large Google Benchmark import would look like. */

static int set_meta(tach_meta *m)
{
	int rc = 0;
	rc |= tach_meta_set(&m->timestamp, "2026-01-02T03:04:05.678Z");
	rc |= tach_meta_set(&m->git_commit,
	                    "3f1c2a9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39");
	rc |= tach_meta_set(&m->git_branch, "main");
	rc |= tach_meta_set(&m->hostname, "bench-host");
	rc |= tach_meta_set(&m->os, "Linux x86_64");
	rc |= tach_meta_set(&m->kernel, "6.1.0-27-amd64");
	rc |= tach_meta_set(&m->cpu_model, "Example CPU @ 2.90GHz");
	rc |= tach_meta_set(&m->compiler, "gcc 12.2.0");
	rc |= tach_meta_set(&m->compiler_flags, "-O2 -g");
	m->git_dirty = 0;
	m->cpu_count = 2;
	return rc ? TACH_ENOMEM : 0;
}

/* One benchmark: time (s), bytes_per_op (B) and items_per_second (/s),
 * each 30 lognormal samples carried at full double precision. */
static int add_case(tach_result *r, tach_rng *rng, size_t i)
{
	char name[64], size[24], threads[8];
	unsigned long long sz = 1ull << (i % 24);
	snprintf(name, sizeof name, "BM_case_%zu/%llu/threads:%u", i, sz,
	         1u << (i % 3));
	snprintf(size, sizeof size, "%llu", sz);
	snprintf(threads, sizeof threads, "%u", 1u << (i % 3));

	tach_benchmark *b = tach_result_add_benchmark(r, name);
	if (!b || tach_kvlist_set(&b->params, "size", size) ||
	    tach_kvlist_set(&b->params, "threads", threads) ||
	    tach_benchmark_set_source(b, TACH_SOURCE_LIBRARY, "tach", NULL))
		return TACH_ENOMEM;
	tach_metric *t = tach_benchmark_add_metric(b, TACH_M_TIME, "s",
	                                           TACH_LOWER_IS_BETTER);
	tach_metric *by = tach_benchmark_add_metric(b, TACH_M_BYTES_PER_OP, "B",
	                                            TACH_LOWER_IS_BETTER);
	tach_metric *ips = tach_benchmark_add_metric(
		b, TACH_M_ITEMS_PER_SECOND, "/s", TACH_HIGHER_IS_BETTER);
	if (!t || !by || !ips)
		return TACH_ENOMEM;

	/* 1 ns .. 1 ms per iteration; allocation around 8 B .. 8 MiB */
	double base = 1e-9 * bench_lognormal(rng, 4.0);
	double bytes = 8.0 * (double)(1u << (i % 20)) * bench_lognormal(rng, 0.5);
	for (int s = 0; s < N_SAMPLES; s++) {
		double v = base * bench_lognormal(rng, 0.05);
		if (tach_rng_below(rng, 100) == 0)
			v *= 2 + 8 * tach_rng_uniform(rng);
		if (tach_metric_add_sample(t, v) ||
		    tach_metric_add_sample(by, bytes * bench_lognormal(rng, 0.01)) ||
		    tach_metric_add_sample(ips, 1.0 / v))
			return TACH_ENOMEM;
	}
	return 0;
}

static tach_result *build(size_t n_bench)
{
	tach_result *r = tach_result_new();
	if (!r || set_meta(&r->meta) != 0) {
		tach_result_free(r);
		return NULL;
	}
	tach_rng rng;
	tach_rng_seed(&rng, DATA_SEED);
	for (size_t i = 0; i < n_bench; i++) {
		if (add_case(r, &rng, i) != 0) {
			tach_result_free(r);
			return NULL;
		}
	}
	return r;
}

/* Order-sensitive checksum of every sample's bits, in document order:
 * sum of (k + 1) * bits(sample k) mod 2^64.  peer_format.py computes the
 * same from what json.loads returns. */
static uint64_t checksum(const tach_result *r, uint64_t *count)
{
	uint64_t h = 0, k = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		for (size_t j = 0; j < b->n_metrics; j++) {
			const tach_metric *m = b->metrics[j];
			for (size_t s = 0; s < m->n_samples; s++) {
				uint64_t bits;
				memcpy(&bits, &m->samples[s], 8);
				h += ++k * bits;
			}
		}
	}
	*count = k;
	return h;
}

/* ------------------------------------------------------------------ */
/* Children: each prints one line and exits. */

static void die_tach(const char *what, int rc, const tach_error *err)
{
	char buf[400] = "";
	if (err && err->message[0])
		tach_error_format(err, buf, sizeof buf);
	fprintf(stderr, "bench_format: %s: %s%s%s\n", what, tach_strerror(rc),
	        buf[0] ? ": " : "", buf);
	exit(1);
}

static int child_gen(const char *path, size_t n_bench)
{
	tach_result *r = build(n_bench);
	if (!r)
		die_tach("build", TACH_ENOMEM, NULL);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bench_format: %s: %s\n", path, strerror(errno));
		return 1;
	}
	tach_error err = {0};
	int rc = tach_result_write(r, f, &err);
	long bytes = ftell(f);
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc != 0)
		die_tach(path, rc, &err);
	uint64_t count, sum = checksum(r, &count);
	printf("gen %ld %" PRIu64 " %" PRIu64 "\n", bytes, count, sum);
	tach_result_free(r);
	return 0;
}

/* Times tach_result_write to a file (fopen to fclose, so the kernel's copy
 * into the page cache is included): what `tach` does with its results.
 * An open_memstream buffer would mostly measure glibc's growth of it. */
static int child_write(const char *path, size_t n_bench, int reps)
{
	reps = reps < 1 ? 1 : reps > 64 ? 64 : reps;
	tach_result *r = build(n_bench);
	if (!r)
		die_tach("build", TACH_ENOMEM, NULL);
	double t[64];
	long bytes = 0;
	for (int i = 0; i < reps; i++) {
		tach_error err = {0};
		double t0 = bench_now();
		FILE *f = fopen(path, "w");
		int rc = f ? tach_result_write(r, f, &err) : -errno;
		bytes = f ? ftell(f) : 0;
		if (f && fclose(f) != 0 && rc == 0)
			rc = -errno;
		t[i] = bench_now() - t0;
		if (rc != 0)
			die_tach(path, rc, &err);
	}
	uint64_t rss = bench_peak_rss();
	printf("write %.9g %ld %" PRIu64 "\n", bench_median(t, (size_t)reps),
	       bytes, rss);
	tach_result_free(r);
	return 0;
}

/* Times tach_result_read_file: reading the file (page cache) and parsing
 * it into a result set. */
static int child_read(const char *path, int reps)
{
	reps = reps < 1 ? 1 : reps > 64 ? 64 : reps;
	double t[64];
	uint64_t count = 0, sum = 0;
	for (int i = 0; i < reps; i++) {
		tach_result *r = NULL;
		tach_error err = {0};
		double t0 = bench_now();
		int rc = tach_result_read_file(path, &r, &err);
		t[i] = bench_now() - t0;
		if (rc != 0)
			die_tach("read", rc, &err);
		sum = checksum(r, &count);
		tach_result_free(r);
	}
	uint64_t rss = bench_peak_rss();
	printf("read %.9g %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
	       bench_median(t, (size_t)reps), rss, count, sum);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The parent. */

/* Runs argv, returns its stdout (caller frees) or NULL after a message;
 * *missing is set when the program itself is absent. */
static char *run(char *const argv[], const char *what, int *missing)
{
	char *out = NULL, st[32];
	size_t len;
	int status = 0;
	int rc = bench_run_capture(argv, &out, &len, &status);
	if (rc == -ENOENT && missing) {
		*missing = 1;
		return NULL;
	}
	if (rc != 0) {
		fprintf(stderr, "bench_format: cannot run %s: %s\n", argv[0],
		        strerror(-rc));
		return NULL;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_format: %s failed (%s)\n", what,
		        bench_status_text(status, st, sizeof st));
		free(out);
		return NULL;
	}
	return out;
}

typedef struct figures {
	double gen_bytes, gen_count;
	uint64_t gen_sum;
	double w_s, w_bytes, w_rss;
	double r_s, r_rss, r_count;
	uint64_t r_sum;
	double l_s, l_bytes, l_rss, l_count;
	uint64_t l_sum;
	double d_s, d_bytes, d_rss;
	char py_version[64];
} figures;

/* The peer: 0, 2 when Python is missing, 1 on other failures. */
static int run_peers(const char *path, const config *cfg, figures *fg)
{
	char reps[16];
	snprintf(reps, sizeof reps, "%d", cfg->reps);
	char *argv_l[] = {BENCH_PYTHON, PEER_DIR "/peer_format.py", "loads",
	                  (char *)path, reps, NULL};
	char *argv_d[] = {BENCH_PYTHON, PEER_DIR "/peer_format.py", "dumps",
	                  (char *)path, reps, NULL};
	int missing = 0;
	char *out = run(argv_l, "peer_format.py loads", &missing);
	if (missing) {
		fprintf(stderr, "bench_format: the peer needs " BENCH_PYTHON
		        " (Debian package python3; bench_stats also needs "
		        "python3-numpy python3-scipy)\n");
		return 2;
	}
	if (!out || sscanf(out, "loads %lf %lf %lf %lf %" SCNu64 " %63s",
	                   &fg->l_s, &fg->l_bytes, &fg->l_rss, &fg->l_count,
	                   &fg->l_sum, fg->py_version) != 6) {
		free(out);
		return 1;
	}
	free(out);
	out = run(argv_d, "peer_format.py dumps", NULL);
	if (!out || sscanf(out, "dumps %lf %lf %lf", &fg->d_s, &fg->d_bytes,
	                   &fg->d_rss) != 3) {
		free(out);
		return 1;
	}
	free(out);
	return 0;
}

static int run_children(const char *path, const char *out_path,
                        const config *cfg, figures *fg)
{
	char n[24], reps[16];
	snprintf(n, sizeof n, "%zu", cfg->n_bench);
	snprintf(reps, sizeof reps, "%d", cfg->reps);
	char *self = "/proc/self/exe";
	char *argv_g[] = {self, "--child-gen", (char *)path, n, NULL};
	char *argv_w[] = {self, "--child-write", (char *)out_path, n, reps,
	                  NULL};
	char *argv_r[] = {self, "--child-read", (char *)path, reps, NULL};

	char *out = run(argv_g, "--child-gen", NULL);
	if (!out || sscanf(out, "gen %lf %lf %" SCNu64, &fg->gen_bytes,
	                   &fg->gen_count, &fg->gen_sum) != 3)
		goto fail;
	free(out);
	out = run(argv_w, "--child-write", NULL);
	if (!out || sscanf(out, "write %lf %lf %lf", &fg->w_s, &fg->w_bytes,
	                   &fg->w_rss) != 3)
		goto fail;
	free(out);
	out = run(argv_r, "--child-read", NULL);
	if (!out || sscanf(out, "read %lf %lf %lf %" SCNu64, &fg->r_s,
	                   &fg->r_rss, &fg->r_count, &fg->r_sum) != 4)
		goto fail;
	free(out);
	return 0;
fail:
	free(out);
	return 1;
}

/* Compares two result sets field by field, doubles by their bits.
 * Returns NULL when equal, else what differs first. */
static const char *diff_results(const tach_result *a, const tach_result *b)
{
	if (a->n_benchmarks != b->n_benchmarks)
		return "benchmark count";
	for (size_t i = 0; i < a->n_benchmarks; i++) {
		const tach_benchmark *x = a->benchmarks[i], *y = b->benchmarks[i];
		if (strcmp(x->name, y->name) != 0)
			return "benchmark name";
		if (x->params.n != y->params.n)
			return "parameter count";
		for (size_t p = 0; p < x->params.n; p++) {
			if (strcmp(x->params.items[p].key, y->params.items[p].key) ||
			    strcmp(x->params.items[p].value, y->params.items[p].value))
				return "parameter";
		}
		if (x->n_metrics != y->n_metrics)
			return "metric count";
		for (size_t j = 0; j < x->n_metrics; j++) {
			const tach_metric *m = x->metrics[j], *k = y->metrics[j];
			if (strcmp(m->name, k->name) || strcmp(m->unit, k->unit) ||
			    m->direction != k->direction)
				return "metric name, unit or direction";
			if (m->n_samples != k->n_samples)
				return "sample count";
			if (memcmp(m->samples, k->samples,
			           m->n_samples * sizeof *m->samples) != 0)
				return "sample bits";
		}
	}
	return NULL;
}

/* 1 when the two files hold the same bytes. */
static int same_bytes(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;
	while (same) {
		char x[65536], y[65536];
		size_t na = fread(x, 1, sizeof x, fa), nb = fread(y, 1, sizeof y, fb);
		same = na == nb && memcmp(x, y, na) == 0;
		if (na == 0)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* Rebuilds the document, reads the file back and compares; 0 when equal. */
static int verify(const char *path, const char *out_path, const config *cfg,
                  const figures *fg)
{
	tach_result *want = build(cfg->n_bench), *got = NULL;
	tach_error err = {0};
	int rc = want ? tach_result_read_file(path, &got, &err) : TACH_ENOMEM;
	if (rc != 0)
		die_tach("verify", rc, &err);
	const char *d = diff_results(want, got);
	uint64_t count, sum = checksum(want, &count);
	tach_result_free(want);
	tach_result_free(got);

	int ok_read = !d;
	int ok_sums = fg->gen_sum == sum && fg->r_sum == sum &&
	              fg->l_sum == sum && (uint64_t)fg->r_count == count &&
	              (uint64_t)fg->l_count == count;
	printf("\ncorrectness:\n");
	printf("  tach read-back vs the set written: %s\n",
	       d ? d : "identical (names, params, units, every sample's bits)");
	printf("  sample checksum (sum of (k+1)*bits mod 2^64) over %" PRIu64
	       " samples:\n    written %016" PRIx64 "  tach read %016" PRIx64
	       "  json.loads %016" PRIx64 "  %s\n",
	       count, fg->gen_sum, fg->r_sum, fg->l_sum,
	       ok_sums ? "equal" : "DIFFERENT");
	int ok_bytes = same_bytes(path, out_path);
	printf("  the timed writes' file vs the document: %s\n",
	       ok_bytes ? "same bytes" : "DIFFERENT");
	return ok_read && ok_sums && ok_bytes ? 0 : 1;
}

static void print_way(const char *way, double tach_s, double tach_bytes,
                      double tach_rss, double py_s, double py_bytes,
                      double py_rss)
{
	double ratio = py_s / tach_s;
	printf("%-6s %8.1f ms %9.1f %8.1f ms %9.1f %7.2fx  >= 1x %-6s "
	       "%7.1f MiB %7.1f MiB\n",
	       way, tach_s * 1e3, tach_bytes / tach_s / 1e6, py_s * 1e3,
	       py_bytes / py_s / 1e6, ratio, ratio >= 1 ? "met" : "MISSED",
	       tach_rss / 1048576, py_rss / 1048576);
}

static void print_table(const config *cfg, const figures *fg)
{
	printf("bench_format (%s sizes): %zu benchmarks x 3 metrics x %d "
	       "samples = %.0f samples\n", cfg->name, cfg->n_bench, N_SAMPLES,
	       fg->gen_count);
	printf("tach %s vs Python %s json; median of %d repetitions, each way "
	       "in its own process\n", tach_version(), fg->py_version, cfg->reps);
	printf("write: tach_result_write to a file (fopen..fclose, page cache) "
	       "vs json.dumps(obj) -> str\n"
	       "read:  tach_result_read_file (file in page cache) vs "
	       "json.loads(str)\n");
	printf("document: tach writes %.2f MB (indented); json.dumps %.2f MB "
	       "(no indent); MB/s over each side's own bytes,\n"
	       "ratio = python time / tach time for the same document\n\n",
	       fg->w_bytes / 1e6, fg->d_bytes / 1e6);
	printf("%-6s %11s %9s %11s %9s %8s  %-12s %11s %11s\n", "", "tach",
	       "tach", "python", "python", "", "", "peak RSS", "peak RSS");
	printf("%-6s %11s %9s %11s %9s %8s  %-12s %11s %11s\n", "way", "median",
	       "MB/s", "median", "MB/s", "ratio", "goal", "tach", "python");
	print_way("write", fg->w_s, fg->w_bytes, fg->w_rss, fg->d_s,
	          fg->d_bytes, fg->d_rss);
	print_way("read", fg->r_s, fg->gen_bytes, fg->r_rss, fg->l_s,
	          fg->l_bytes, fg->l_rss);
	printf("(python's write RSS includes loading the document first; "
	       "tach's includes building it)\n");
}

static int usage(const char *arg)
{
	fprintf(stderr, "bench_format: unknown option '%s'\n"
	        "usage: bench_format [--quick]\n", arg);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--child-gen") == 0)
		return child_gen(argv[2], strtoul(argv[3], NULL, 10));
	if (argc == 5 && strcmp(argv[1], "--child-write") == 0)
		return child_write(argv[2], strtoul(argv[3], NULL, 10),
		                   atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "--child-read") == 0)
		return child_read(argv[2], atoi(argv[3]));

	const config *cfg = &FULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			cfg = &QUICK;
		else
			return usage(argv[i]);
	}

	/* the document (written once, read by tach and Python) and the
	 * target of the timed writes */
	char path[] = "/tmp/tach-bench-format-XXXXXX";
	char out_path[] = "/tmp/tach-bench-format-XXXXXX";
	int fd = mkstemp(path), fd2 = fd >= 0 ? mkstemp(out_path) : -1;
	if (fd < 0 || fd2 < 0) {
		fprintf(stderr, "bench_format: /tmp: %s\n", strerror(errno));
		if (fd >= 0)
			unlink(path);
		return 1;
	}
	close(fd);
	close(fd2);

	/* Nothing big is allocated here before the children ran: a spawned
	 * child's ru_maxrss starts from its parent's peak. */
	figures fg = {0};
	int status = run_children(path, out_path, cfg, &fg);
	if (status == 0)
		status = run_peers(path, cfg, &fg);
	if (status == 0) {
		print_table(cfg, &fg);
		status = verify(path, out_path, cfg, &fg);
	}
	unlink(out_path);
	unlink(path);
	if (fflush(stdout) != 0 || ferror(stdout))
		status = 1;
	return status;
}
