/* publish.c - the site writer behind tach_publish (tach/publish.h): reads
 * the store once (runs, catalog, every series), splits each series by
 * view (testbed and branch), finds change points, and writes each page
 * only when its bytes differ from the file on disk.
 *
 * Order of work: runs -> views; catalog -> benchmark file names; per
 * benchmark its series, page and index rows (so that only one
 * benchmark's points are in memory at a time); then the index pages and
 * the removal of pages that no longer belong to the site.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/changepoint.h"
#include "tach/outfile.h"
#include "tach/publish.h"
#include "tach/store.h"
#include "util/util.h"
#include "report/publish.h"

/* A run's view, found by id. */
typedef struct run_view {
	int64_t id;
	size_t view;
} run_view;

typedef struct pub {
	tach__site site;
	tach_store *store;
	const char *dir;
	tach_error *err;
	tach_publish_stats *st;
	tach_run_info *runs;
	size_t n_runs;
	run_view *by_id; /* sorted by id */
	tach_result *catalog;
	int64_t base_id;        /* 0: no baseline run */
	const char *base_testbed; /* the baseline run's testbed */
	size_t cap_rows, cap_alerts;
	char **files; /* every file of the site, relative to dir */
	size_t n_files, cap_files;
	/* the newest runs read whole, for their samples: n_views + 4 of
	 * them, each marked with the benchmark (+ 1) that used it last, so
	 * that one benchmark's views never evict each other's runs */
	tach_result **cache;
	int64_t *cache_id;
	size_t *cache_user;
	size_t n_cache, cache_next;
} pub;

/* The machine a run ran on: the store's testbed (docs/history.md,
 * "Testbeds"; "unknown" for old runs that say nothing of the machine). */
static const char *testbed_of(const tach_run_info *r)
{
	return r->testbed && *r->testbed ? r->testbed : "unknown";
}

static const char *branch_of(const tach_run_info *r)
{
	return r->git_branch ? r->git_branch : "";
}

int tach__pub_worse(tach_direction d, double change)
{
	return d == TACH_HIGHER_IS_BETTER ? change < 1 : change > 1;
}

/* FNV-1a, 64 bits, over n strings each followed by a NUL: names are
 * compared whole, so "a"+"bc" and "ab"+"c" differ. */
static uint64_t hash_strings(const char *const *v, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)(v[i] ? v[i] : "");
		do {
			h ^= *p;
			h *= 1099511628211ull;
		} while (*p++);
	}
	return h;
}

static int fail(pub *p, int rc, const char *what)
{
	if (rc == TACH_ENOMEM)
		tach__error_set(p->err, "out of memory");
	else
		tach__error_set(p->err, "%s: %s", what, tach_strerror(rc));
	return rc;
}

/* ---- views ---- */

static int view_cmp(const void *a, const void *b)
{
	const tach__pub_view *x = a, *y = b;
	int c = strcmp(x->testbed, y->testbed);
	return c ? c : strcmp(x->branch, y->branch);
}

static int id_cmp(const void *a, const void *b)
{
	const run_view *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static size_t find_view(const tach__site *s, const char *testbed, const char *branch)
{
	for (size_t v = 0; v < s->n_views; v++)
		if (!strcmp(s->views[v].testbed, testbed) && !strcmp(s->views[v].branch, branch))
			return v;
	return (size_t)-1;
}

static int load_views(pub *p)
{
	tach__site *s = &p->site;
	int rc = tach_store_list(p->store, NULL, &p->runs, &p->n_runs, p->err);
	if (rc)
		return rc;
	size_t cap = 0;
	for (size_t i = 0; i < p->n_runs; i++) {
		const char *tb = testbed_of(&p->runs[i]), *br = branch_of(&p->runs[i]);
		if (find_view(s, tb, br) != (size_t)-1)
			continue;
		if (tach__grow((void **)&s->views, &cap, s->n_views + 1, sizeof *s->views))
			return fail(p, TACH_ENOMEM, NULL);
		tach__pub_view *v = &s->views[s->n_views++];
		memset(v, 0, sizeof *v);
		v->testbed = tb;
		v->branch = br;
		const char *both[2] = {tb, br};
		snprintf(v->id, sizeof v->id, "%016llx", (unsigned long long)hash_strings(both, 2));
	}
	if (s->n_views)
		qsort(s->views, s->n_views, sizeof *s->views, view_cmp);
	if (!(p->by_id = malloc((p->n_runs + 1) * sizeof *p->by_id)))
		return fail(p, TACH_ENOMEM, NULL);
	for (size_t i = 0; i < p->n_runs; i++) {
		p->by_id[i].id = p->runs[i].id;
		p->by_id[i].view = find_view(s, testbed_of(&p->runs[i]), branch_of(&p->runs[i]));
	}
	qsort(p->by_id, p->n_runs, sizeof *p->by_id, id_cmp);
	/* the default view: of those on branch main (else master, else
	 * all), the one with the most runs, ties to the newest run's.  Stable
	 * from run to run even when CI runners take turns, since a change of
	 * default changes every page's links. */
	size_t *runs_in = calloc(s->n_views + 1, sizeof *runs_in);
	if (!runs_in)
		return fail(p, TACH_ENOMEM, NULL);
	for (size_t i = 0; i < p->n_runs; i++)
		runs_in[find_view(s, testbed_of(&p->runs[i]), branch_of(&p->runs[i]))]++;
	static const char *const prefer[3] = {"main", "master", NULL};
	s->default_view = 0;
	for (int k = 0, found = 0; k < 3 && !found; k++) {
		size_t best = (size_t)-1;
		/* the list is newest first: the first of equal counts is newest */
		for (size_t i = 0; i < p->n_runs; i++) {
			size_t v = find_view(s, testbed_of(&p->runs[i]), branch_of(&p->runs[i]));
			if (prefer[k] && strcmp(s->views[v].branch, prefer[k]))
				continue;
			if (best == (size_t)-1 || runs_in[v] > runs_in[best])
				best = v;
		}
		if (best != (size_t)-1) {
			s->default_view = best;
			found = 1;
		}
	}
	free(runs_in);
	for (size_t v = 0; v < s->n_views; v++) {
		if (v == s->default_view)
			snprintf(s->views[v].index, sizeof s->views[v].index, "index.html");
		else
			snprintf(s->views[v].index, sizeof s->views[v].index, "index-%s.html",
			         s->views[v].id);
	}
	return 0;
}

static size_t view_of_run(const pub *p, int64_t id)
{
	run_view key = {id, 0};
	const run_view *r = bsearch(&key, p->by_id, p->n_runs, sizeof *p->by_id, id_cmp);
	return r ? r->view : (size_t)-1;
}

/* ---- file names ---- */

static int file_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "b/" + up to 40 of the name's letters, digits, '-' and '_' (lower
 * case; anything else '_') + '-' + 16 hex digits of a hash of the name
 * and every parameter: nothing reaches outside b/, and names differing
 * only in case or punctuation still get files of their own. */
static void bench_file(char *buf, size_t size, const tach_benchmark *b)
{
	char slug[41];
	size_t n = 0;
	for (const char *c = b->name; *c && n < sizeof slug - 1; c++) {
		unsigned char ch = (unsigned char)*c;
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		slug[n++] = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ? (char)ch
		                                                                                : '_';
	}
	slug[n] = '\0';
	const char *parts[1 + 2 * 64];
	size_t k = 0;
	parts[k++] = b->name;
	for (size_t i = 0; i < b->params.n && k + 2 <= sizeof parts / sizeof *parts; i++) {
		parts[k++] = b->params.items[i].key;
		parts[k++] = b->params.items[i].value;
	}
	snprintf(buf, size, "b/%s-%016llx.html", slug, (unsigned long long)hash_strings(parts, k));
}

static int load_benches(pub *p)
{
	tach__site *s = &p->site;
	int rc = tach_store_catalog(p->store, NULL, NULL, &p->catalog, p->err);
	if (rc)
		return rc;
	s->n_benches = p->catalog->n_benchmarks;
	if (!(s->benches = calloc(s->n_benches + 1, sizeof *s->benches)))
		return fail(p, TACH_ENOMEM, NULL);
	char **names = malloc((s->n_benches + 1) * sizeof *names);
	if (!names)
		return fail(p, TACH_ENOMEM, NULL);
	for (size_t i = 0; i < s->n_benches; i++) {
		s->benches[i].b = p->catalog->benchmarks[i];
		bench_file(s->benches[i].file, sizeof s->benches[i].file, s->benches[i].b);
		names[i] = s->benches[i].file;
	}
	/* 64 bits of hash: a collision is a one in 10^19 event per pair, but
	 * one would merge two pages silently, so it is refused */
	qsort(names, s->n_benches, sizeof *names, file_cmp);
	for (size_t i = 1; i < s->n_benches; i++)
		if (!strcmp(names[i - 1], names[i])) {
			tach__error_set(p->err, "two benchmarks hash to one page %s", names[i]);
			free(names);
			return TACH_EINVAL;
		}
	free(names);
	return 0;
}

/* ---- files ---- */

static int mkdir_p(const char *path)
{
	char buf[4096];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -ENAMETOOLONG;
	for (char *c = buf + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -errno;
		*c = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return -errno;
	return 0;
}

/* 1 when the file at path holds exactly data[0..len). */
static int same_content(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	struct stat sb;
	int same = !fstat(fileno(f), &sb) && S_ISREG(sb.st_mode) && (size_t)sb.st_size == len;
	char buf[65536];
	for (size_t off = 0; same && off < len;) {
		size_t want = len - off < sizeof buf ? len - off : sizeof buf;
		size_t got = fread(buf, 1, want, f);
		same = got == want && !memcmp(buf, data + off, got);
		off += got;
	}
	fclose(f);
	return same;
}

/* Writes dir/rel unless it already holds these bytes. */
static int put_file(pub *p, const char *rel, const char *data, size_t len)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s", p->dir, rel) >= (int)sizeof path)
		return fail(p, -ENAMETOOLONG, p->dir);
	char *copy = tach__strdup(rel);
	if (!copy || tach__grow((void **)&p->files, &p->cap_files, p->n_files + 1, sizeof *p->files)) {
		free(copy);
		return fail(p, TACH_ENOMEM, NULL);
	}
	p->files[p->n_files++] = copy;
	p->st->bytes += len;
	if (same_content(path, data, len)) {
		p->st->unchanged++;
		return 0;
	}
	tach_outfile *o;
	int rc = tach_outfile_open(path, &o);
	if (rc)
		return fail(p, rc, path);
	if (len && fwrite(data, 1, len, tach_outfile_stream(o)) != len) {
		tach_outfile_abort(o);
		return fail(p, -EIO, path);
	}
	/* synced once for the whole site, at the end (sync_site) */
	if ((rc = tach_outfile_commit_nosync(o)))
		return fail(p, rc, path);
	p->st->written++;
	return 0;
}

/* A page written into memory by `fill`, then put in place. */
typedef struct page {
	char *data;
	size_t len;
	FILE *f;
} page;

static int page_open(pub *p, page *pg)
{
	pg->data = NULL;
	pg->len = 0;
	if (!(pg->f = open_memstream(&pg->data, &pg->len)))
		return fail(p, TACH_ENOMEM, NULL);
	return 0;
}

static int page_put(pub *p, page *pg, const char *rel)
{
	int bad = fclose(pg->f);
	int rc = bad ? fail(p, TACH_ENOMEM, NULL) : put_file(p, rel, pg->data, pg->len);
	free(pg->data);
	return rc;
}

/* Removes the site's pages that this build did not write: b/[*].html and
 * index-[*].html, nothing else of the directory. */
static int remove_stale(pub *p)
{
	qsort(p->files, p->n_files, sizeof *p->files, file_cmp);
	static const char *const dirs[2] = {"b", "."};
	for (int k = 0; k < 2; k++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", p->dir, dirs[k]);
		DIR *d = opendir(path);
		if (!d)
			return fail(p, -errno, path);
		struct dirent *e;
		while ((e = readdir(d))) {
			size_t n = strlen(e->d_name);
			if (n < 6 || strcmp(e->d_name + n - 5, ".html") || e->d_name[0] == '.')
				continue;
			if (k == 1 && strncmp(e->d_name, "index-", 6))
				continue;
			char rel[600];
			snprintf(rel, sizeof rel, "%s%s", k ? "" : "b/", e->d_name);
			const char *key = rel;
			if (bsearch(&key, p->files, p->n_files, sizeof *p->files, file_cmp))
				continue;
			snprintf(path, sizeof path, "%s/%s", p->dir, rel);
			if (unlink(path) && errno != ENOENT) {
				int rc = -errno;
				closedir(d);
				return fail(p, rc, path);
			}
			p->st->removed++;
		}
		closedir(d);
	}
	return 0;
}

/* Puts every page written on disk with one flush of the file system
 * (rather than two fsyncs a page: seconds for a site of 500 pages). */
static int sync_site(pub *p)
{
	if (!p->st->written && !p->st->removed)
		return 0;
	int fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(p, -errno, p->dir);
	int rc = syncfs(fd) ? -errno : 0;
	close(fd);
	return rc ? fail(p, rc, p->dir) : 0;
}

/* ---- one benchmark ---- */

static const tach_result *run_result(pub *p, int64_t id, size_t bench)
{
	for (size_t i = 0; i < p->n_cache; i++)
		if (p->cache[i] && p->cache_id[i] == id) {
			p->cache_user[i] = bench + 1;
			return p->cache[i];
		}
	tach_result *r;
	tach_error dummy;
	/* a run that cannot be read shows no samples; the history stays */
	if (tach_store_get(p->store, id, &r, &dummy))
		return NULL;
	size_t k = p->cache_next++ % p->n_cache;
	while (p->cache_user[k] == bench + 1) /* at most n_views are */
		k = p->cache_next++ % p->n_cache;
	tach_result_free(p->cache[k]);
	p->cache[k] = r;
	p->cache_id[k] = id;
	p->cache_user[k] = bench + 1;
	return r;
}

static int add_row(pub *p, size_t bench, const tach__pub_line *l)
{
	tach__site *s = &p->site;
	if (tach__grow((void **)&s->rows, &p->cap_rows, s->n_rows + 1, sizeof *s->rows))
		return fail(p, TACH_ENOMEM, NULL);
	tach__pub_row *r = &s->rows[s->n_rows++];
	memset(r, 0, sizeof *r);
	r->bench = bench;
	r->view = l->view;
	r->metric = l->metric;
	r->n = l->n;
	r->latest = l->pts[l->n - 1].median;
	r->base = l->base;
	r->named_base = l->named_base;
	size_t from = l->n > TACH__SPARK_POINTS ? l->n - TACH__SPARK_POINTS : 0;
	for (size_t i = from; i < l->n; i++)
		r->spark[r->n_spark++] = l->pts[i].median;
	r->n_cps = l->n_cps;
	for (size_t k = 0; k < l->n_cps; k++) {
		const tach_changepoint *c = &l->cps[k];
		/* open while the level since then is still worse than before
		 * it: a later change back (a revert, a fix) closes it */
		double since = 1;
		for (size_t j = k; j < l->n_cps; j++)
			since *= l->cps[j].change;
		if (!tach__pub_worse(l->metric->direction, c->change) ||
		    !tach__pub_worse(l->metric->direction, since))
			continue;
		r->n_worse++;
		if (tach__grow((void **)&s->alerts, &p->cap_alerts, s->n_alerts + 1, sizeof *s->alerts))
			return fail(p, TACH_ENOMEM, NULL);
		tach__pub_alert *a = &s->alerts[s->n_alerts++];
		const tach_history_point *pt = &l->pts[c->index];
		a->bench = bench;
		a->view = l->view;
		a->metric = l->metric;
		a->change = c->change;
		a->p = c->p;
		a->run = pt->run;
		a->timestamp = pt->timestamp ? tach__strdup(pt->timestamp) : NULL;
		a->commit = pt->git_commit ? tach__strdup(pt->git_commit) : NULL;
		if ((pt->timestamp && !a->timestamp) || (pt->git_commit && !a->commit))
			return fail(p, TACH_ENOMEM, NULL);
	}
	return 0;
}

/* The line of metric m in view v from its whole series all[0..n). */
static int make_line(pub *p, tach__pub_line *l, const tach_metric *m, size_t v,
                     const tach_history_point *all, size_t n)
{
	memset(l, 0, sizeof *l);
	l->metric = m;
	l->view = v;
	l->base = NAN;
	if (!(l->pts = malloc((n + 1) * sizeof *l->pts)))
		return fail(p, TACH_ENOMEM, NULL);
	const tach_history_point *base = NULL;
	for (size_t i = 0; i < n; i++) {
		if (view_of_run(p, all[i].run) == v)
			l->pts[l->n++] = all[i];
		if (p->base_id && all[i].run == p->base_id)
			base = &all[i];
	}
	if (!l->n)
		return 0;
	/* the baseline is a run of one machine: other testbeds compare with
	 * their own first run */
	if (base && !strcmp(p->base_testbed, p->site.views[v].testbed)) {
		l->base = base->median;
		l->base_run = base->run;
		l->named_base = 1;
	} else {
		l->base = l->pts[0].median;
		l->base_run = l->pts[0].run;
	}
	double *x = malloc((l->n + 1) * sizeof *x);
	if (!x)
		return fail(p, TACH_ENOMEM, NULL);
	for (size_t i = 0; i < l->n; i++)
		x[i] = l->pts[i].median;
	tach_changepoint_opts co = tach_changepoint_defaults();
	int rc = tach_changepoints(x, l->n, &co, &l->cps, &l->n_cps);
	free(x);
	return rc ? fail(p, rc, "change points") : 0;
}

static int publish_bench(pub *p, size_t bi)
{
	tach__site *s = &p->site;
	const tach_benchmark *b = s->benches[bi].b;
	size_t nm = b->n_metrics;
	tach_history_point **all = calloc(nm + 1, sizeof *all);
	size_t *n_all = calloc(nm + 1, sizeof *n_all);
	tach__pub_line *lines = calloc(nm * s->n_views + 1, sizeof *lines);
	const tach_benchmark **latest = calloc(s->n_views + 1, sizeof *latest);
	int64_t *latest_run = calloc(s->n_views + 1, sizeof *latest_run);
	size_t n_lines = 0;
	int rc = 0;
	if (!all || !n_all || !lines || !latest || !latest_run)
		rc = fail(p, TACH_ENOMEM, NULL);
	for (size_t k = 0; !rc && k < nm; k++)
		rc = tach_store_series(p->store, b->name, &b->params, b->metrics[k]->name, NULL,
		                       &all[k], &n_all[k], p->err);
	for (size_t v = 0; !rc && v < s->n_views; v++) {
		const tach_history_point *newest = NULL;
		for (size_t k = 0; !rc && k < nm; k++) {
			tach__pub_line *l = &lines[n_lines];
			rc = make_line(p, l, b->metrics[k], v, all[k], n_all[k]);
			if (!l->n) {
				free(l->pts);
				continue;
			}
			n_lines++;
			const tach_history_point *last = &l->pts[l->n - 1];
			if (!newest || strcmp(last->timestamp ? last->timestamp : "",
			                      newest->timestamp ? newest->timestamp : "") > 0)
				newest = last;
			if (!rc)
				rc = add_row(p, bi, l);
		}
		if (newest) {
			const tach_result *r = run_result(p, newest->run, bi);
			latest[v] = r ? tach_result_find(r, b->name, &b->params) : NULL;
			latest_run[v] = newest->run;
		}
	}
	page pg;
	if (!rc && !(rc = page_open(p, &pg))) {
		tach__pub_bench_page(pg.f, s, bi, lines, n_lines, latest, latest_run);
		rc = page_put(p, &pg, s->benches[bi].file);
	}
	for (size_t i = 0; i < n_lines; i++) {
		free(lines[i].pts);
		free(lines[i].cps);
	}
	for (size_t k = 0; all && k < nm; k++)
		tach_history_points_free(all[k], n_all[k]);
	free(all);
	free(n_all);
	free(lines);
	free(latest);
	free(latest_run);
	return rc;
}

/* Newest first: by time, then by run. */
static int alert_cmp(const void *a, const void *b)
{
	const tach__pub_alert *x = a, *y = b;
	int c = strcmp(y->timestamp ? y->timestamp : "", x->timestamp ? x->timestamp : "");
	return c ? c : y->run < x->run ? -1 : y->run > x->run;
}

static void release(pub *p)
{
	tach__site *s = &p->site;
	for (size_t i = 0; i < s->n_alerts; i++) {
		free(s->alerts[i].timestamp);
		free(s->alerts[i].commit);
	}
	free(s->alerts);
	free(s->rows);
	free(s->benches);
	free(s->views);
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i]);
	free(p->files);
	for (size_t i = 0; p->cache && i < p->n_cache; i++)
		tach_result_free(p->cache[i]);
	free(p->cache);
	free(p->cache_id);
	free(p->cache_user);
	tach_result_free(p->catalog);
	free(p->by_id);
	tach_run_infos_free(p->runs, p->n_runs);
}

int tach_publish(tach_store *s, const char *dir, const tach_publish_opts *o,
                 tach_publish_stats *st, tach_error *err)
{
	tach_error dummy;
	tach_publish_stats dummy_st;
	pub p;
	memset(&p, 0, sizeof p);
	p.store = s;
	p.dir = dir;
	p.err = err ? err : &dummy;
	p.st = st ? st : &dummy_st;
	memset(p.st, 0, sizeof *p.st);
	memset(p.err, 0, sizeof *p.err);
	p.site.title = o && o->title ? o->title : "tach history";
	if (!s || !dir || !*dir) {
		tach__error_set(p.err, "no store or no directory to publish into");
		return TACH_EINVAL;
	}
	int rc = load_views(&p);
	if (!rc && o && o->baseline)
		rc = tach_store_resolve(s, o->baseline, &p.base_id, p.err);
	else if (!rc)
		rc = tach_store_baseline_get(s, "main", &p.base_id, p.err);
	if (!rc && p.base_id) {
		size_t v = view_of_run(&p, p.base_id);
		if (v == (size_t)-1) {
			tach__error_set(p.err, "%s: no run #%lld", tach_store_location(s),
			                (long long)p.base_id);
			rc = TACH_EINVAL;
		} else
			p.base_testbed = p.site.views[v].testbed;
	}
	if (!rc) {
		p.n_cache = p.site.n_views + 4;
		p.cache = calloc(p.n_cache, sizeof *p.cache);
		p.cache_id = calloc(p.n_cache, sizeof *p.cache_id);
		p.cache_user = calloc(p.n_cache, sizeof *p.cache_user);
		if (!p.cache || !p.cache_id || !p.cache_user)
			rc = fail(&p, TACH_ENOMEM, NULL);
	}
	if (!rc)
		rc = load_benches(&p);
	if (!rc) {
		char sub[4096];
		snprintf(sub, sizeof sub, "%s/b", dir);
		if ((rc = mkdir_p(sub)))
			fail(&p, rc, sub);
	}
	for (size_t i = 0; !rc && i < p.site.n_benches; i++)
		rc = publish_bench(&p, i);
	if (!rc && p.site.n_alerts)
		qsort(p.site.alerts, p.site.n_alerts, sizeof *p.site.alerts, alert_cmp);
	/* an empty store still gets an index that says so */
	for (size_t v = 0; !rc && v < (p.site.n_views ? p.site.n_views : 1); v++) {
		page pg;
		if ((rc = page_open(&p, &pg)))
			break;
		tach__pub_index(pg.f, &p.site, p.site.n_views ? v : (size_t)-1);
		uint64_t before = p.st->bytes;
		rc = page_put(&p, &pg, p.site.n_views ? p.site.views[v].index : "index.html");
		if (!rc && (!p.site.n_views || v == p.site.default_view))
			p.st->index_bytes = p.st->bytes - before;
	}
	if (!rc)
		rc = remove_stale(&p);
	if (!rc)
		rc = sync_site(&p);
	p.st->benchmarks = p.site.n_benches;
	p.st->series = p.site.n_rows;
	p.st->views = p.site.n_views;
	release(&p);
	return rc;
}
