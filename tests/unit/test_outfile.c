/* test_outfile.c - output files that a failure cannot destroy
 * (src/util/outfile.c): the old file survives an abort, a file-size limit
 * and a full device; a symbolic link is replaced, never followed; no
 * temporary file is left behind; special files are written in place. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"

static char dir[] = "/tmp/tach-outfile-XXXXXX";

static void setup(void)
{
	cr_assert(mkdtemp(dir));
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	cr_assert(f, "%s: %s", path, strerror(errno));
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Entries of the directory besides the ones named: temporary files left. */
static int leftovers(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, ".", 1) && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

TestSuite(outfile, .init = setup, .fini = teardown);

Test(outfile, a_new_file_appears_whole)
{
	char p[512];
	snprintf(p, sizeof p, "%s/out.json", dir);
	tach_outfile *o;
	cr_assert_eq(tach_outfile_open(p, &o), 0);
	cr_expect_neq(access(p, F_OK), 0, "nothing at the target before the commit");
	fputs("new contents\n", tach_outfile_stream(o));
	cr_assert_eq(tach_outfile_commit(o), 0);
	cr_expect_str_eq(slurp(p), "new contents\n");
	cr_expect_eq(leftovers(), 0);
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	mode_t mask = umask(0);
	umask(mask);
	cr_expect_eq(st.st_mode & 0777, 0666 & ~mask, "mode %o", st.st_mode & 0777);
}

Test(outfile, an_abort_keeps_the_old_file_and_its_mode_is_kept)
{
	char p[512];
	snprintf(p, sizeof p, "%s/keep.json", dir);
	put(p, "old\n");
	chmod(p, 0640);
	tach_outfile *o;
	cr_assert_eq(tach_outfile_open(p, &o), 0);
	fputs("half", tach_outfile_stream(o));
	tach_outfile_abort(o);
	cr_expect_str_eq(slurp(p), "old\n");
	cr_expect_eq(leftovers(), 0);
	cr_assert_eq(tach_outfile_open(p, &o), 0);
	fputs("replaced\n", tach_outfile_stream(o));
	cr_assert_eq(tach_outfile_commit(o), 0);
	cr_expect_str_eq(slurp(p), "replaced\n");
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640, "mode %o", st.st_mode & 0777);
}

/* `ulimit -f`: the write fails with EFBIG half-way (SIGXFSZ ignored, as the
 * CLI does); the old file must be exactly as it was */
Test(outfile, a_file_size_limit_leaves_the_old_file)
{
	char p[512];
	snprintf(p, sizeof p, "%s/big.json", dir);
	put(p, "good old results\n");
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = {4096, 4096};
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	tach_outfile *o;
	cr_assert_eq(tach_outfile_open(p, &o), 0);
	for (int i = 0; i < 100000; i++)
		fputs("0123456789", tach_outfile_stream(o));
	cr_expect_eq(tach_outfile_commit(o), -EFBIG);
	cr_expect_str_eq(slurp(p), "good old results\n");
	cr_expect_eq(leftovers(), 0);
	cr_expect_str_eq(tach_strerror(-EFBIG), "File too large");

	/* the results writer names the file and the reason */
	tach_result *r = tach_result_new();
	tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, "bm"), "time", "s",
	                                           TACH_LOWER_IS_BETTER);
	for (int i = 0; i < 2000; i++)
		tach_metric_add_sample(m, 1.0 + i);
	tach_error err;
	memset(&err, 0, sizeof err);
	cr_expect_eq(tach_result_write_file(r, p, &err), -EFBIG);
	cr_expect(strstr(err.message, p) && strstr(err.message, "File too large"), "%s", err.message);
	cr_expect_str_eq(slurp(p), "good old results\n");
	cr_expect_eq(leftovers(), 0);
	tach_result_free(r);
}

/* a link planted at the output path: the link is replaced, its target
 * (another user's file, say) is never written */
Test(outfile, a_symlink_is_replaced_not_followed)
{
	char p[512], victim[512];
	snprintf(p, sizeof p, "%s/report.html", dir);
	snprintf(victim, sizeof victim, "%s/victim", dir);
	put(victim, "precious\n");
	cr_assert_eq(symlink(victim, p), 0);
	tach_outfile *o;
	cr_assert_eq(tach_outfile_open(p, &o), 0);
	fputs("<html>\n", tach_outfile_stream(o));
	cr_assert_eq(tach_outfile_commit(o), 0);
	cr_expect_str_eq(slurp(victim), "precious\n");
	struct stat st;
	cr_assert_eq(lstat(p, &st), 0);
	cr_expect(S_ISREG(st.st_mode), "the link became a file");
	cr_expect_str_eq(slurp(p), "<html>\n");
}

Test(outfile, special_files_are_written_in_place)
{
	tach_outfile *o;
	cr_assert_eq(tach_outfile_open("/dev/null", &o), 0);
	fputs("gone\n", tach_outfile_stream(o));
	cr_expect_eq(tach_outfile_commit(o), 0);
	struct stat st;
	cr_assert_eq(stat("/dev/null", &st), 0);
	cr_expect(S_ISCHR(st.st_mode), "/dev/null is still a device");

	/* a full device: the error, not a silent success */
	cr_assert_eq(tach_outfile_open("/dev/full", &o), 0);
	fputs("no room\n", tach_outfile_stream(o));
	cr_expect_eq(tach_outfile_commit(o), -ENOSPC);
}

Test(outfile, unwritable_places_are_errors)
{
	tach_outfile *o = (tach_outfile *)1;
	cr_expect_eq(tach_outfile_open(dir, &o), -EISDIR);
	cr_expect_null(o);
	char p[512];
	snprintf(p, sizeof p, "%s/no/such/dir/x.json", dir);
	cr_expect_eq(tach_outfile_open(p, &o), -ENOENT);
	snprintf(p, sizeof p, "%s/", dir);
	cr_expect_eq(tach_outfile_open(p, &o), -EISDIR);
	tach_outfile_abort(NULL);
}

Test(outfile, a_bare_name_goes_to_the_current_directory)
{
	cr_assert_eq(chdir(dir), 0);
	tach_outfile *o;
	cr_assert_eq(tach_outfile_open("bare.txt", &o), 0);
	fputs("here\n", tach_outfile_stream(o));
	cr_assert_eq(tach_outfile_commit(o), 0);
	cr_expect_str_eq(slurp("bare.txt"), "here\n");
	cr_expect_eq(leftovers(), 0);
}

Test(outfile, a_commit_without_sync_replaces_the_file_whole)
{
	char p[512];
	snprintf(p, sizeof p, "%s/page.html", dir);
	put(p, "old page\n");
	struct stat before, after;
	cr_assert_eq(stat(p, &before), 0);
	tach_outfile *o;
	cr_assert_eq(tach_outfile_open(p, &o), 0);
	fputs("new page\n", tach_outfile_stream(o));
	cr_expect_str_eq(slurp(p), "old page\n", "the old file until the commit");
	cr_assert_eq(tach_outfile_commit_nosync(o), 0);
	cr_expect_str_eq(slurp(p), "new page\n");
	cr_assert_eq(stat(p, &after), 0);
	cr_expect_neq(after.st_ino, before.st_ino, "renamed over the target, not written in it");
	cr_expect_eq(leftovers(), 0);
}
