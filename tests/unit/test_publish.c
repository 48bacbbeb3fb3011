/* test_publish.c - the published site (tach_publish) from a small SQLite
 * history: its pages and their links, alerts, views per testbed and
 * branch, hostile names escaped and kept out of file names, a rebuild
 * that rewrites only the pages whose content changed (checked by inode:
 * a rewrite renames a new file over the old one), and stale pages
 * removed. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tach/tach.h"

static const char *evil = "BM_<script>alert('x')</script>&\"\xe2\x80\xae";
static char tmpdir[64], db[128], site[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tach-publish-XXXXXX");
	cr_assert(mkdtemp(tmpdir));
	snprintf(db, sizeof db, "%s/h.db", tmpdir);
	snprintf(site, sizeof site, "%s/site", tmpdir);
}

static void teardown(void)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

/* Run i (from 1): on testbed box-1 (host "box<1>") except every 5th
 * (ci+runner, host "ci&runner"), on branch main except every 4th
 * ("feature/<x>"); BM_sort/64's time 30 % slower from run 13 on.  only:
 * just that benchmark, else three. */
static int64_t add_run(tach_store *s, int i, int only)
{
	tach_result *r = tach_result_new();
	char ts[40], commit[48];
	snprintf(ts, sizeof ts, "2026-12-%02dT%02d:00:00Z", 1 + i / 24, i % 24);
	snprintf(commit, sizeof commit, "%08x%032x", 0xc0ffee00u + (unsigned)i, i);
	tach_meta_set(&r->meta.timestamp, ts);
	tach_meta_set(&r->meta.git_commit, commit);
	tach_meta_set(&r->meta.git_branch, i % 4 ? "main" : "feature/<x>");
	tach_meta_set(&r->meta.hostname, i % 5 ? "box<1>" : "ci&runner");
	tach_meta_set(&r->meta.testbed, i % 5 ? "box-1" : "ci+runner");
	const char *names[3] = {"BM_sort/64", evil, "../../etc/passwd"};
	for (int b = 0; b < (only ? 1 : 3); b++) {
		tach_benchmark *bb = tach_result_add_benchmark(r, names[b]);
		double f = b == 0 && i >= 13 ? 1.3 : 1;
		tach_metric *t = tach_benchmark_add_metric(bb, "time", "s", TACH_LOWER_IS_BETTER);
		tach_metric *q = tach_benchmark_add_metric(bb, "items_per_second", "/s",
		                                           TACH_HIGHER_IS_BETTER);
		for (int k = 0; k < 5; k++) {
			double noise = 1 + 0.001 * ((i * 7 + k * 3) % 5);
			tach_metric_add_sample(t, 1e-3 * f * noise);
			tach_metric_add_sample(q, 1e6 / (f * noise));
		}
	}
	int64_t id;
	tach_error err;
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	tach_result_free(r);
	return id;
}

static tach_store *history(int runs)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(db, &s, &err), 0, "%s", err.message);
	for (int i = 1; i <= runs; i++)
		add_run(s, i, 0);
	return s;
}

static char *slurp(const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", site, rel);
	FILE *f = fopen(path, "rb");
	cr_assert(f, "missing %s", path);
	char *data = NULL;
	size_t cap = 0, len = 0, got;
	do {
		cap = cap * 2 + 4096;
		data = realloc(data, cap);
		got = fread(data + len, 1, cap - len - 1, f);
		len += got;
	} while (got);
	data[len] = '\0';
	fclose(f);
	return data;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The site's files, relative to site, with their inodes. */
typedef struct entry {
	char name[300];
	ino_t ino;
} entry;

static size_t list_site(entry *v, size_t max)
{
	size_t n = 0;
	const char *dirs[2] = {"", "b/"};
	for (int k = 0; k < 2; k++) {
		char path[300];
		snprintf(path, sizeof path, "%s/%s", site, dirs[k]);
		DIR *d = opendir(path);
		cr_assert(d);
		struct dirent *e;
		while ((e = readdir(d)) && n < max) {
			if (!strstr(e->d_name, ".html"))
				continue;
			snprintf(v[n].name, sizeof v[n].name, "%s%s", dirs[k], e->d_name);
			char full[700];
			snprintf(full, sizeof full, "%s/%s", site, v[n].name);
			struct stat st;
			cr_assert_eq(stat(full, &st), 0);
			v[n++].ino = st.st_ino;
		}
		closedir(d);
	}
	return n;
}

static ino_t inode_of(const entry *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return v[i].ino;
	return 0;
}

static void publish(tach_store *s, tach_publish_stats *st)
{
	tach_error err;
	cr_assert_eq(tach_publish(s, site, NULL, st, &err), 0, "%s", err.message);
}

Test(publish, pages_links_views_and_alerts, .init = setup, .fini = teardown)
{
	tach_store *s = history(24);
	tach_publish_stats st;
	publish(s, &st);
	cr_expect_eq(st.benchmarks, 3);
	/* box<1> and ci&runner, each on main and feature/<x> */
	cr_expect_eq(st.views, 4);
	cr_expect_eq(st.written, 3 + 4);
	cr_expect_eq(st.unchanged, 0);
	entry files[32];
	size_t n = list_site(files, 32);
	cr_expect_eq(n, 7);
	char *index = slurp("index.html");
	/* the default view: the newest run's testbed (run 24: box<1>) on main */
	cr_expect(strstr(index, "box-1 · main:"), "%s", index);
	cr_expect(strstr(index, "<nav aria-label=testbed>"));
	cr_expect(strstr(index, "ci+runner"));
	cr_expect(strstr(index, "feature/&lt;x&gt;"));
	cr_expect(strstr(index, "@media print"));
	/* one alert: BM_sort/64's time 30 % slower on box<1>/main, none
	 * for items_per_second (it fell too: also worse) */
	cr_expect(strstr(index, "Open alerts (2)"), "%s", index);
	cr_expect(strstr(index, "<td class=worse>+30.00%"), "%s", index);
	/* two metrics x three benchmarks, each a row with a sparkline */
	cr_expect_eq(count(index, "<tr data-name="), 6);
	cr_expect_eq(count(index, "<svg class=spark"), 6);
	/* no script but the page's own, nothing loaded from anywhere */
	cr_expect_eq(count(index, "<script"), 1);
	cr_expect_eq(count(index, "src="), 0);
	cr_expect_eq(count(index, "http"), 0);
	/* every link points at a file of the site */
	for (const char *p = strstr(index, "href='"); p; p = strstr(p + 1, "href='")) {
		char rel[300];
		size_t k = strcspn(p + 6, "'#");
		cr_assert_lt(k, sizeof rel);
		memcpy(rel, p + 6, k);
		rel[k] = '\0';
		cr_expect(inode_of(files, n, rel), "link to a missing page %s", rel);
	}
	/* the benchmark page: a section per view, a chart and change point
	 * table per metric, the latest run's samples */
	char *page = NULL;
	for (size_t i = 0; i < n && !page; i++)
		if (!strncmp(files[i].name, "b/bm_sort_64-", 13))
			page = slurp(files[i].name);
	cr_assert(page, "no page for BM_sort/64");
	cr_expect_eq(count(page, "<section class=view"), 4);
	cr_expect_eq(count(page, "<section class=view id='v-"), 4);
	cr_expect_eq(count(page, " data-default>"), 1);
	cr_expect_eq(count(page, "<svg class=dist"), 8);
	cr_expect(strstr(page, "Samples of the latest run, #24"));
	cr_expect(strstr(page, "<td class=worse>+30.00%"), "%s", page);
	cr_expect(strstr(page, "c0ffee0d0000"), "the change point's commit");
	free(page);
	free(index);
	tach_store_close(s);
}

Test(publish, hostile_names_are_escaped_and_kept_in_b, .init = setup, .fini = teardown)
{
	tach_store *s = history(6);
	tach_publish_stats st;
	publish(s, &st);
	entry files[32];
	size_t n = list_site(files, 32);
	for (size_t i = 0; i < n; i++) {
		const char *name = files[i].name;
		if (strncmp(name, "b/", 2)) {
			cr_expect(!strcmp(name, "index.html") || !strncmp(name, "index-", 6), "%s", name);
			continue;
		}
		/* letters, digits, '-', '_' and ".html": no '/', no "..", no markup */
		size_t k = strspn(name + 2, "abcdefghijklmnopqrstuvwxyz0123456789-_");
		cr_expect_str_eq(name + 2 + k, ".html", "%s", name);
		char *page = slurp(name);
		cr_expect_eq(count(page, "<script>alert"), 0, "%s", name);
		cr_expect_eq(count(page, "box<1>"), 0, "%s", name);
		cr_expect_eq(count(page, "ci&runner"), 0, "%s", name);
		cr_expect_eq(count(page, "<x>"), 0, "%s", name);
		free(page);
	}
	char *index = slurp("index.html");
	cr_expect_eq(count(index, "<script>alert"), 0);
	cr_expect(strstr(index, "BM_&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;") ||
	              strstr(index, "BM_&lt;script&gt;alert(&apos;x&apos;)"),
	          "%s", index);
	/* nothing written next to the site */
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int others = 0;
	while ((e = readdir(d)))
		others += e->d_name[0] != '.' && strcmp(e->d_name, "h.db") && strcmp(e->d_name, "site") &&
		          strncmp(e->d_name, "h.db-", 5);
	closedir(d);
	cr_expect_eq(others, 0);
	free(index);
	tach_store_close(s);
}

Test(publish, rebuild_rewrites_only_changed_pages, .init = setup, .fini = teardown)
{
	tach_store *s = history(24);
	tach_publish_stats st;
	publish(s, &st);
	entry before[32], after[32];
	size_t n = list_site(before, 32);
	/* nothing new: nothing written, every file the same inode */
	publish(s, &st);
	cr_expect_eq(st.written, 0);
	cr_expect_eq(st.unchanged, n);
	size_t m = list_site(after, 32);
	cr_assert_eq(m, n);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(inode_of(after, m, before[i].name), before[i].ino, "%s", before[i].name);
	/* one more run of BM_sort/64 alone on box<1>/main (run 26): its page
	 * and that view's index change, nothing else */
	add_run(s, 26, 1);
	publish(s, &st);
	cr_expect_eq(st.written, 2);
	cr_expect_eq(st.unchanged, n - 2);
	m = list_site(after, 32);
	cr_assert_eq(m, n);
	for (size_t i = 0; i < n; i++) {
		int changed = !strcmp(before[i].name, "index.html") ||
		              !strncmp(before[i].name, "b/bm_sort_64-", 13);
		ino_t now = inode_of(after, m, before[i].name);
		if (changed)
			cr_expect_neq(now, before[i].ino, "%s kept", before[i].name);
		else
			cr_expect_eq(now, before[i].ino, "%s rewritten", before[i].name);
	}
	/* the newest run on the other testbed (run 25: ci&runner, main) does
	 * not move the default view: its page and that view's index change,
	 * index.html and the other pages' links stay */
	memcpy(before, after, sizeof after);
	add_run(s, 25, 1);
	publish(s, &st);
	cr_expect_eq(st.written, 2);
	m = list_site(after, 32);
	cr_assert_eq(m, n);
	cr_expect_eq(inode_of(after, m, "index.html"), inode_of(before, n, "index.html"));
	for (size_t i = 0; i < n; i++)
		if (!strncmp(before[i].name, "b/", 2) && strncmp(before[i].name, "b/bm_sort_64-", 13))
			cr_expect_eq(inode_of(after, m, before[i].name), before[i].ino, "%s rewritten",
			             before[i].name);
	tach_store_close(s);
}

Test(publish, stale_pages_go_other_files_stay, .init = setup, .fini = teardown)
{
	tach_store *s = history(8);
	tach_publish_stats st;
	publish(s, &st);
	const char *extra[3] = {"b/gone-0123456789abcdef.html", "index-0123456789abcdef.html",
	                        "notes.html"};
	for (int i = 0; i < 3; i++) {
		char path[300];
		snprintf(path, sizeof path, "%s/%s", site, extra[i]);
		FILE *f = fopen(path, "w");
		cr_assert(f);
		fputs("old", f);
		fclose(f);
	}
	publish(s, &st);
	cr_expect_eq(st.removed, 2);
	cr_expect_eq(st.written, 0);
	char path[300];
	struct stat sb;
	snprintf(path, sizeof path, "%s/notes.html", site);
	cr_expect_eq(stat(path, &sb), 0, "a file not of the site's pattern was removed");
	snprintf(path, sizeof path, "%s/b/gone-0123456789abcdef.html", site);
	cr_expect_neq(stat(path, &sb), 0);
	tach_store_close(s);
}

Test(publish, baseline_named_and_unknown, .init = setup, .fini = teardown)
{
	tach_store *s = history(24);
	tach_error err;
	/* run 13 (box<1>, main) is the baseline: BM_sort/64 is 0 % against it */
	cr_assert_eq(tach_store_baseline_set(s, "main", 13, &err), 0, "%s", err.message);
	tach_publish_stats st;
	publish(s, &st);
	char *index = slurp("index.html");
	cr_expect(strstr(index, "<td class=meta>baseline<td>"), "%s", index);
	cr_expect_eq(count(index, "first run<td>"), 0);
	free(index);
	/* the other testbed cannot use box<1>'s run: its first run instead */
	entry files[32];
	size_t n = list_site(files, 32);
	int other = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(files[i].name, "index-", 6))
			continue;
		char *p = slurp(files[i].name);
		if (strstr(p, "ci+runner · main:")) {
			other = 1;
			cr_expect_eq(count(p, "<td class=meta>baseline<td>"), 0);
		}
		free(p);
	}
	cr_expect(other);
	tach_publish_opts o = {.baseline = "#999"};
	cr_expect_eq(tach_publish(s, site, &o, &st, &err), TACH_EINVAL);
	cr_expect(strstr(err.message, "999"), "%s", err.message);
	tach_store_close(s);
}

Test(publish, empty_store_says_so, .init = setup, .fini = teardown)
{
	tach_store *s = history(0);
	tach_publish_stats st;
	publish(s, &st);
	cr_expect_eq(st.written, 1);
	char *index = slurp("index.html");
	cr_expect(strstr(index, "no runs yet"));
	free(index);
	tach_store_close(s);
}

Test(publish, an_alert_undone_later_is_not_open, .init = setup, .fini = teardown)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(db, &s, &err), 0, "%s", err.message);
	/* BM_blip: 30 % slower in runs 10 to 19, then back (a revert) */
	for (int i = 0; i < 30; i++) {
		tach_result *r = tach_result_new();
		char ts[40];
		snprintf(ts, sizeof ts, "2026-12-01T%02d:%02d:00Z", i / 60, i % 60);
		tach_meta_set(&r->meta.timestamp, ts);
		tach_meta_set(&r->meta.git_branch, "main");
		tach_meta_set(&r->meta.hostname, "h");
		tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, "BM_blip"), "time",
		                                           "s", TACH_LOWER_IS_BETTER);
		for (int k = 0; k < 5; k++)
			tach_metric_add_sample(m, 1e-3 * (i >= 10 && i < 20 ? 1.3 : 1) *
			                              (1 + 0.001 * ((i * 7 + k * 3) % 5)));
		int64_t id;
		cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
		tach_result_free(r);
	}
	tach_publish_stats st;
	publish(s, &st);
	char *index = slurp("index.html");
	cr_expect(strstr(index, "Open alerts (0)"), "%s", index);
	free(index);
	/* the benchmark's page still shows both change points */
	entry files[8];
	size_t n = list_site(files, 8);
	char *page = NULL;
	for (size_t i = 0; i < n && !page; i++)
		if (!strncmp(files[i].name, "b/", 2))
			page = slurp(files[i].name);
	cr_assert(page);
	cr_expect(strstr(page, "<td class=worse>+30.00%"), "%s", page);
	cr_expect(strstr(page, "<td class=better>-23.08%"), "%s", page);
	free(page);
	tach_store_close(s);
}
