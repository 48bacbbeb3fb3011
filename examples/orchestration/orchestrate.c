/* orchestrate.c - the command: a durable workflow engine's stress test.
 * Creates (or resets) a SQLite database, enqueues N orchestrations of M
 * activities each, runs them to completion with W workers, prints one
 * summary line and optionally writes a tach results file and checks that
 * every orchestration completed exactly once.  --resume finishes what a
 * killed run left; it is how the crash test recovers.  Made to be run by
 * `tach run --duration --concurrency --monitor` (README.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tach/result.h>
#include <tach/stats.h>

#include "orch.h"

static const char USAGE[] =
	"usage: orchestrate [OPTIONS]\n"
	"\n"
	"a durable workflow engine on SQLite, as a stress test: enqueue N\n"
	"orchestrations of M activities, run them to completion with W workers\n"
	"that claim instances under leases and persist every activity result,\n"
	"print orchestrations/s and completion latency percentiles\n"
	"\n"
	"options:\n"
	"  --db PATH            database; %p becomes the process id, so that\n"
	"                       concurrent copies do not share one (default\n"
	"                       /tmp/orchestrate-%p.db); reset first, deleted at exit\n"
	"  --orchestrations N   instances to enqueue (default 100)\n"
	"  --activities M       activities per orchestration (default 5)\n"
	"  --payload SIZE[-MAX] input bytes per orchestration, or a range each size\n"
	"                       is drawn from: 256, 64K, 100K-1M (default 256)\n"
	"  --workers W          workers (default 4), threads unless --processes\n"
	"  --processes          workers are processes\n"
	"  --journal MODE       wal or delete (default wal)\n"
	"  --sync LEVEL         off, normal or full: PRAGMA synchronous (default normal)\n"
	"  --batch K            activity results persisted per transaction (default 1)\n"
	"  --lease TIME         how long a claim holds an instance: 300ms, 5s (default 5s)\n"
	"  --seed S             seed of payloads and sizes (default 1)\n"
	"  --out FILE           write a tach results file, or add this run's samples\n"
	"                       to an existing one (locked: concurrent copies can\n"
	"                       share it; %p as in --db)\n"
	"  --verify             check every orchestration completed exactly once,\n"
	"                       against a recomputation; exit 1 if not\n"
	"  --resume             no reset: finish what is pending in an existing\n"
	"                       database, taking over expired leases\n"
	"  --status             print the state of an existing database and exit;\n"
	"                       with --verify, check it as it is\n"
	"  --keep               do not delete the database at exit\n"
	"  --kill-after N       (tests) after N persists in the run, the worker making\n"
	"                       the next one SIGKILLs its process before its COMMIT\n"
	"  -h, --help           show this help and exit\n";

typedef struct cli {
	orch_shape shape;
	orch_options opt;
	const char *db, *out;
	int verify, resume, status, keep, journal_given;
} cli;

static int usage_error(const char *fmt, const char *arg)
{
	fputs("orchestrate: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	return 2;
}

static int parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* "256", "64K", "1M", "1MiB", "100KB" -> bytes. */
static int parse_size(const char *s, const char *end, int64_t *out)
{
	char *e;
	unsigned long long v = strtoull(s, &e, 10);
	if (e == s || e > end || *s == '-')
		return -1;
	uint64_t mul = 1;
	size_t rest = (size_t)(end - e);
	if (rest && (*e == 'K' || *e == 'k'))
		mul = 1024;
	else if (rest && *e == 'M')
		mul = 1024 * 1024;
	if (mul > 1) {
		e++;
		rest--;
		if (rest >= 2 && e[0] == 'i' && e[1] == 'B')
			e += 2;
		else if (rest >= 1 && e[0] == 'B')
			e++;
	} else if (rest == 1 && *e == 'B') {
		e++;
	}
	if (e != end || v > (64ull << 20))
		return -1;
	*out = (int64_t)(v * mul);
	return 0;
}

static int parse_payload(const char *s, orch_shape *sh)
{
	const char *dash = strchr(s, '-');
	const char *end = s + strlen(s);
	if (!dash)
		return parse_size(s, end, &sh->payload_min) ? -1
		       : (sh->payload_max = sh->payload_min, 0);
	if (parse_size(s, dash, &sh->payload_min) || parse_size(dash + 1, end, &sh->payload_max)
	    || sh->payload_max < sh->payload_min)
		return -1;
	return 0;
}

/* "300ms", "5s", "5" (seconds) -> milliseconds. */
static int parse_ms(const char *s, int64_t *out)
{
	char *e;
	double v = strtod(s, &e);
	if (e == s || !(v >= 0))
		return -1;
	if (strcmp(e, "ms") == 0)
		;
	else if (*e == 0 || strcmp(e, "s") == 0)
		v *= 1000;
	else
		return -1;
	if (v < 1 || v > 3600e3)
		return -1;
	*out = (int64_t)v;
	return 0;
}

/* Replaces every %p of a path by the process id.  Caller frees. */
static char *expand_pid(const char *path)
{
	char pid[24];
	size_t n = 0, lp = (size_t)snprintf(pid, sizeof pid, "%ld", (long)getpid());
	for (const char *p = path; *p; p++)
		n += (p[0] == '%' && p[1] == 'p') ? (p++, lp) : 1;
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = path; *p; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			memcpy(o, pid, lp);
			o += lp;
			p++;
		} else {
			*o++ = *p;
		}
	}
	*o = 0;
	return out;
}

enum { OPT_DB = 256, OPT_ORCH, OPT_ACT, OPT_PAYLOAD, OPT_WORKERS, OPT_PROC, OPT_JOURNAL, OPT_SYNC,
       OPT_BATCH, OPT_LEASE, OPT_SEED, OPT_OUT, OPT_VERIFY, OPT_RESUME, OPT_STATUS, OPT_KEEP, OPT_KILL };

static int parse_args(int argc, char **argv, cli *c)
{
	static const struct option opts[] = {
		{"db", 1, NULL, OPT_DB}, {"orchestrations", 1, NULL, OPT_ORCH},
		{"activities", 1, NULL, OPT_ACT}, {"payload", 1, NULL, OPT_PAYLOAD},
		{"workers", 1, NULL, OPT_WORKERS}, {"processes", 0, NULL, OPT_PROC},
		{"journal", 1, NULL, OPT_JOURNAL}, {"sync", 1, NULL, OPT_SYNC},
		{"batch", 1, NULL, OPT_BATCH}, {"lease", 1, NULL, OPT_LEASE},
		{"seed", 1, NULL, OPT_SEED}, {"out", 1, NULL, OPT_OUT},
		{"verify", 0, NULL, OPT_VERIFY}, {"resume", 0, NULL, OPT_RESUME},
		{"status", 0, NULL, OPT_STATUS}, {"keep", 0, NULL, OPT_KEEP},
		{"kill-after", 1, NULL, OPT_KILL}, {"help", 0, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int64_t v;
	int ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const char *a = optarg;
		switch (ch) {
		case OPT_DB: c->db = a; break;
		case OPT_OUT: c->out = a; break;
		case OPT_ORCH:
			if (parse_int(a, 1, 10000000, &c->shape.orchestrations))
				return usage_error("--orchestrations wants 1 or more, not '%s'", a);
			break;
		case OPT_ACT:
			if (parse_int(a, 1, 100000, &c->shape.activities))
				return usage_error("--activities wants 1 or more, not '%s'", a);
			break;
		case OPT_PAYLOAD:
			if (parse_payload(a, &c->shape))
				return usage_error("--payload wants a size or MIN-MAX (256, 64K, 100K-1M,"
				                   " at most 64M), not '%s'", a);
			break;
		case OPT_WORKERS:
			if (parse_int(a, 1, 1024, &v))
				return usage_error("--workers wants 1 to 1024, not '%s'", a);
			c->opt.workers = (int)v;
			break;
		case OPT_PROC: c->opt.processes = 1; break;
		case OPT_JOURNAL:
			if (strcmp(a, "wal") && strcmp(a, "delete"))
				return usage_error("--journal wants wal or delete, not '%s'", a);
			c->opt.wal = strcmp(a, "wal") == 0;
			c->journal_given = 1;
			break;
		case OPT_SYNC:
			if (strcmp(a, "off") == 0) c->opt.sync = 0;
			else if (strcmp(a, "normal") == 0) c->opt.sync = 1;
			else if (strcmp(a, "full") == 0) c->opt.sync = 2;
			else return usage_error("--sync wants off, normal or full, not '%s'", a);
			break;
		case OPT_BATCH:
			if (parse_int(a, 1, 100000, &v))
				return usage_error("--batch wants 1 or more, not '%s'", a);
			c->opt.batch = (int)v;
			break;
		case OPT_LEASE:
			if (parse_ms(a, &c->opt.lease_ms))
				return usage_error("--lease wants a time from 1ms to 1h (300ms, 5s), not '%s'", a);
			break;
		case OPT_SEED:
			if (parse_int(a, 0, INT64_MAX, &c->shape.seed))
				return usage_error("--seed wants a number from 0, not '%s'", a);
			break;
		case OPT_KILL:
			if (parse_int(a, 0, INT64_MAX, &v))
				return usage_error("--kill-after wants a count from 0, not '%s'", a);
			c->opt.kill_after = (long)v;
			break;
		case OPT_VERIFY: c->verify = 1; break;
		case OPT_RESUME: c->resume = 1; break;
		case OPT_STATUS: c->status = 1; break;
		case OPT_KEEP: c->keep = 1; break;
		case 'h': fputs(USAGE, stdout); return 0;
		default:
			return usage_error("unknown or incomplete option '%s' (see --help)",
			                   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s' (see --help)", argv[optind]);
	return -1; /* go on */
}

/* 256 B, 100 KiB, 1 MiB: for the summary line. */
static const char *human(int64_t b, char *buf, size_t n)
{
	if (b >= (1 << 20) && b % (1 << 20) == 0)
		snprintf(buf, n, "%lld MiB", (long long)(b >> 20));
	else if (b >= 1024 && b % 1024 == 0)
		snprintf(buf, n, "%lld KiB", (long long)(b >> 10));
	else
		snprintf(buf, n, "%lld B", (long long)b);
	return buf;
}

static const double QS[4] = {50, 95, 99, 99.9};
static const char *const QNAMES[4] = {"latency_p50", "latency_p95", "latency_p99",
                                      "latency_p999"};

/* Adds this invocation's samples to r: to the benchmark "orchestrate" with
 * the same parameters, created if r has none.  0 or a TACH_E* code. */
static int add_samples(tach_result *r, const cli *c, double rate, double act_rate,
                       const double *q, size_t n_lat)
{
	const orch_shape *s = &c->shape;
	char n_orch[24], n_act[24], lo[32], hi[32], payload[72], workers[48], batch[24];
	snprintf(n_orch, sizeof n_orch, "%lld", (long long)s->orchestrations);
	snprintf(n_act, sizeof n_act, "%lld", (long long)s->activities);
	human(s->payload_min, lo, sizeof lo);
	human(s->payload_max, hi, sizeof hi);
	snprintf(payload, sizeof payload, "%s%s%s", lo, s->payload_min == s->payload_max ? "" : "-",
	         s->payload_min == s->payload_max ? "" : hi);
	snprintf(workers, sizeof workers, "%d %s", c->opt.workers,
	         c->opt.processes ? "processes" : "threads");
	snprintf(batch, sizeof batch, "%d", c->opt.batch);
	const char *params[][2] = {
		{"orchestrations", n_orch}, {"activities", n_act}, {"payload", payload},
		{"workers", workers}, {"journal", c->opt.wal ? "wal" : "delete"},
		{"batch", batch},
	};
	const struct { const char *name, *unit; tach_direction dir; double v; } metrics[] = {
		{"orchestrations_per_second", "/s", TACH_HIGHER_IS_BETTER, rate},
		{"activities_per_second", "/s", TACH_HIGHER_IS_BETTER, act_rate},
		{QNAMES[0], "s", TACH_LOWER_IS_BETTER, q[0]},
		{QNAMES[1], "s", TACH_LOWER_IS_BETTER, q[1]},
		{QNAMES[2], "s", TACH_LOWER_IS_BETTER, q[2]},
		{QNAMES[3], "s", TACH_LOWER_IS_BETTER, q[3]},
	};
	/* No completions, no latencies: a missing sample, not a zero. */
	size_t n_metrics = n_lat ? 6 : 2;

	tach_kvlist want = {0};
	int rc = 0;
	for (size_t i = 0; !rc && i < sizeof params / sizeof params[0]; i++)
		rc = tach_kvlist_set(&want, params[i][0], params[i][1]);
	tach_benchmark *b = rc ? NULL : tach_result_find(r, "orchestrate", &want);
	tach_kvlist_release(&want);
	if (!rc && !b) {
		b = tach_result_add_benchmark(r, "orchestrate");
		rc = b ? tach_benchmark_set_source(b, TACH_SOURCE_LIBRARY, "orchestrate", NULL)
		       : TACH_ENOMEM;
		for (size_t i = 0; !rc && i < sizeof params / sizeof params[0]; i++)
			rc = tach_kvlist_set(&b->params, params[i][0], params[i][1]);
	}
	for (size_t i = 0; !rc && i < n_metrics; i++) {
		tach_metric *m = tach_benchmark_metric(b, metrics[i].name);
		if (!m)
			m = tach_benchmark_add_metric(b, metrics[i].name, metrics[i].unit,
			                              metrics[i].dir);
		rc = m ? tach_metric_add_sample(m, metrics[i].v) : TACH_ENOMEM;
	}
	return rc;
}

/* The results file: a new one, or an existing one this invocation's samples
 * are added to.  The file is locked while it is read and rewritten, so the
 * copies of a `tach run --concurrency` load test can share one. */
static int write_results(const cli *c, const char *path, double rate, double act_rate,
                         const double *q, size_t n_lat)
{
	tach_result *r = NULL;
	tach_error err = {0};
	struct stat sb;
	int rc = 0, fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) || fstat(fd, &sb))
		rc = -errno;
	else if (sb.st_size > 0)
		rc = tach_result_read_file(path, &r, &err);
	else if (!(r = tach_result_new()))
		rc = TACH_ENOMEM;
	else
		rc = tach_meta_collect(&r->meta, NULL);
	if (!rc)
		rc = add_samples(r, c, rate, act_rate, q, n_lat);
	if (!rc && ftruncate(fd, 0))
		rc = -errno;
	FILE *f = NULL;
	if (!rc && !(f = fdopen(fd, "w")))
		rc = -errno;
	if (f) {
		fd = -1; /* fclose closes it, and so releases the lock */
		rc = tach_result_write(r, f, &err);
		if (fclose(f) && !rc)
			rc = -errno;
	}
	if (fd >= 0)
		close(fd);
	if (rc && err.message[0]) {
		char where[512];
		tach_error_format(&err, where, sizeof where);
		fprintf(stderr, "orchestrate: %s\n", where);
	} else if (rc)
		fprintf(stderr, "orchestrate: cannot write '%s': %s\n", path, tach_strerror(rc));
	tach_result_free(r);
	return rc ? -1 : 0;
}

static int print_status(orch_store *s)
{
	orch_counts n;
	if (orch_store_counts(s, &n))
		return 1;
	printf("status: %lld instances: %lld done, %lld running, %lld pending;"
	       " %lld activity results, %lld claims\n", (long long)n.instances,
	       (long long)n.done, (long long)n.running, (long long)n.pending,
	       (long long)n.results, (long long)n.claims);
	return 0;
}

/* Creates and fills a fresh database, or opens the one to resume; the
 * journal mode is set here, by the only connection open. */
static int prepare_db(cli *c)
{
	orch_store *s;
	int rc;
	if (!c->resume) {
		orch_store_remove(c->opt.db_path);
		if (!(s = orch_store_open(&c->opt)))
			return -1;
		rc = orch_store_journal(s, c->opt.wal) || orch_store_create(s, &c->shape);
	} else {
		if (access(c->opt.db_path, F_OK) != 0) {
			perror(c->opt.db_path);
			return -1;
		}
		if (!(s = orch_store_open(&c->opt)))
			return -1;
		rc = c->journal_given ? orch_store_journal(s, c->opt.wal)
		                      : (c->opt.wal = orch_store_is_wal(s)) < 0;
		rc = rc || orch_store_load_shape(s, &c->shape);
	}
	orch_store_close(s);
	return rc ? -1 : 0;
}

/* After the workers: the summary line, the results file, the checks.
 * Returns the exit status. */
static int report(cli *c, const orch_worker_stats *st, int64_t t0, int64_t t1)
{
	orch_store *s = orch_store_open(&c->opt);
	orch_counts n;
	double *lat = NULL, q[4] = {0};
	size_t n_lat = 0;
	char lo[32], hi[32];
	int status = 0;
	if (!s || orch_store_counts(s, &n) || orch_store_latencies(s, t0, &lat, &n_lat)
	    || tach_stats_percentiles(lat, n_lat, QS, 4, q)) {
		orch_store_close(s);
		free(lat);
		return 1;
	}
	orch_worker_stats sum = {0};
	int64_t busiest = 0;
	for (int i = 0; i < c->opt.workers; i++) {
		if (st[i].recorded > busiest)
			busiest = st[i].recorded;
		sum.takeovers += st[i].takeovers;
		sum.executed += st[i].executed;
		sum.recorded += st[i].recorded;
		sum.lost_leases += st[i].lost_leases;
		sum.completed += st[i].completed;
	}
	double secs = (double)(t1 - t0) * 1e-9;
	double rate = (double)sum.completed / secs, act_rate = (double)sum.recorded / secs;
	human(c->shape.payload_min, lo, sizeof lo);
	human(c->shape.payload_max, hi, sizeof hi);
	printf("orchestrate: %lld orchestrations x %lld activities, %s%s%s payload,"
	       " %d %s, %s, batch %d: %lld completed in %.3f s, %.1f orchestrations/s,"
	       " %.0f activities/s; latency p50 %.2f ms p95 %.2f ms p99 %.2f ms"
	       " p99.9 %.2f ms; busiest worker %.0f%% of activities; %lld takeovers,"
	       " %lld lost leases, %lld activities re-run\n",
	       (long long)c->shape.orchestrations, (long long)c->shape.activities, lo,
	       c->shape.payload_min == c->shape.payload_max ? "" : "-",
	       c->shape.payload_min == c->shape.payload_max ? "" : hi, c->opt.workers,
	       c->opt.processes ? "processes" : "threads", c->opt.wal ? "wal" : "delete",
	       c->opt.batch, (long long)sum.completed, secs, rate, act_rate, q[0] * 1e3,
	       q[1] * 1e3, q[2] * 1e3, q[3] * 1e3,
	       sum.recorded ? 100.0 * (double)busiest / (double)sum.recorded : 0.0,
	       (long long)sum.takeovers,
	       (long long)sum.lost_leases, (long long)(sum.executed - sum.recorded));
	if (n.done != n.instances) {
		fprintf(stderr, "orchestrate: %lld of %lld orchestrations not completed\n",
		        (long long)(n.instances - n.done), (long long)n.instances);
		status = 1;
	}
	if (c->out) {
		char *path = expand_pid(c->out);
		if (!path || write_results(c, path, rate, act_rate, q, n_lat))
			status = 1;
		free(path);
	}
	if (c->verify) {
		int v = orch_verify(s, &c->shape);
		if (v)
			status = 1;
	}
	orch_store_close(s);
	free(lat);
	return status;
}

int main(int argc, char **argv)
{
	cli c = {
		.shape = {.orchestrations = 100, .activities = 5, .payload_min = 256,
		          .payload_max = 256, .seed = 1},
		.opt = {.wal = 1, .sync = 1, .workers = 4, .batch = 1, .lease_ms = 5000,
		        .kill_after = -1},
		.db = "/tmp/orchestrate-%p.db",
	};
	int rc = parse_args(argc, argv, &c);
	if (rc >= 0)
		return rc;
	char *db = expand_pid(c.db);
	if (!db) {
		fprintf(stderr, "orchestrate: out of memory\n");
		return 1;
	}
	c.opt.db_path = db;
	if (c.status) {
		orch_store *s = access(db, F_OK) == 0 ? orch_store_open(&c.opt) : NULL;
		if (!s)
			fprintf(stderr, "orchestrate: cannot open %s\n", db);
		rc = s ? print_status(s) : 1;
		if (!rc && c.verify)
			rc = orch_store_load_shape(s, &c.shape) ? 1 : orch_verify(s, &c.shape) != 0;
		orch_store_close(s);
		free(db);
		return rc;
	}
	orch_worker_stats *st = calloc((size_t)c.opt.workers, sizeof *st);
	int64_t t0 = orch_now_ns();
	if (!st || prepare_db(&c)) {
		rc = 1;
	} else {
		int failed = orch_run_workers(&c.opt, &c.shape, st);
		int64_t t1 = orch_now_ns();
		if (failed)
			fprintf(stderr, "orchestrate: %d worker%s failed\n", failed < 0 ? c.opt.workers : failed,
			        failed == 1 ? "" : "s");
		rc = report(&c, st, t0, t1);
		if (failed)
			rc = 1;
	}
	if (!c.keep)
		orch_store_remove(db);
	free(st);
	free(db);
	return rc;
}
