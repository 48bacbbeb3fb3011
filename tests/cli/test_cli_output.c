/* test_cli_output.c - no command destroys a file it cannot finish or a
 * file it reads: outputs are written whole or not at all (a file-size
 * limit, a full device), never over one of the inputs, never twice to one
 * file, and a symbolic link at an output path is replaced, not followed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char dir[] = "/tmp/tach-cli-out-XXXXXX";
static char path_buf[8][512];

static void setup(void)
{
	cr_assert(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "%s", dir);
	/* the tests make only plain files and links in it */
	for (int i = 0; i < 8; i++)
		if (path_buf[i][0])
			unlink(path_buf[i]);
	rmdir(cmd);
}

static const char *at(int i, const char *name)
{
	snprintf(path_buf[i], sizeof path_buf[i], "%s/%s", dir, name);
	return path_buf[i];
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
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static size_t entries(void)
{
	size_t n = 0;
	for (int i = 0; i < 8; i++)
		n += path_buf[i][0] && access(path_buf[i], F_OK) == 0;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
	FILE *p = popen(cmd, "r");
	size_t all = 0;
	if (p) {
		if (fscanf(p, "%zu", &all) != 1)
			all = 0;
		pclose(p);
	}
	return all - n; /* files nobody named: temporary ones left behind */
}

static const char results[] =
	"{\"format\": 1, \"benchmarks\": [{\"name\": \"bm\", \"metrics\": [{\"name\": \"time\", "
	"\"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1, 2, 3]}]}]}\n";

TestSuite(cli_output, .init = setup, .fini = teardown);

/* a big import under `ulimit -f 4` (4 KiB): exit 2 with "File too large",
 * the old output byte for byte, nothing else left in the directory */
Test(cli_output, a_file_size_limit_leaves_the_old_output)
{
	const char *big = at(0, "big.json"), *good = at(1, "good.json");
	FILE *f = fopen(big, "w");
	cr_assert(f);
	fputs("{\"format\": 1, \"benchmarks\": [", f);
	for (int i = 0; i < 300; i++) {
		fprintf(f, "%s{\"name\": \"bm%d\", \"metrics\": [{\"name\": \"time\", \"unit\": \"s\", "
		        "\"direction\": \"lower\", \"samples\": [", i ? ", " : "", i);
		for (int k = 0; k < 20; k++)
			fprintf(f, "%s%d.5", k ? ", " : "", k + 1);
		fputs("]}]}", f);
	}
	fputs("]}\n", f);
	fclose(f);
	put(good, results);
	struct rlimit rl = {4096, 4096};
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0); /* inherited by tach */
	run_result r = run_tach(ARGV("import", big, "-o", good), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "good.json") && strstr(r.err, "File too large"), "%s", r.err);
	cr_expect_str_eq(slurp(good), results);
	cr_expect_eq(entries(), 0, "a temporary file was left");
	run_free(&r);
}

Test(cli_output, a_full_device_is_an_error)
{
	const char *in = at(0, "in.json");
	put(in, results);
	run_result r = run_tach(ARGV("import", in, "-o", "/dev/full"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, "No space left"), "%s", r.err);
	run_free(&r);
}

Test(cli_output, an_output_that_is_an_input_is_refused)
{
	const char *in = at(0, "r.json"), *link = at(1, "link.json"), *other = at(2, "b.json");
	put(in, results);
	put(other, results);
	cr_assert_eq(symlink(in, link), 0);
	char dotted[600];
	snprintf(dotted, sizeof dotted, "%s/./r.json", dir);
	const char *const *cases[] = {
		ARGV("report", in, "-o", in),
		ARGV("report", in, "-o", dotted),
		ARGV("report", "--base", other, "--cand", in, "-o", link),
		ARGV("compare", in, other, "-o", in),
		ARGV("compare", other, in, "-o", link),
		ARGV("import", other, in, "-o", dotted),
		ARGV("merge", other, "x=r.json", "-o", dotted),
	};
	cr_assert_eq(chdir(dir), 0);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		run_result r = run_tach(cases[i], NULL, NULL, NULL);
		cr_expect_eq(r.status, 2, "case %zu: %d %s", i, r.status, r.err);
		cr_expect(strstr(r.err, "is also an input"), "case %zu: %s", i, r.err);
		cr_expect_str_eq(slurp(in), results, "case %zu destroyed the input", i);
		run_free(&r);
	}
}

/* a link planted at the output path (in a shared directory, say) points
 * at someone's file: the report replaces the link, the file is untouched */
Test(cli_output, a_symlink_at_the_output_is_replaced_not_followed)
{
	const char *in = at(0, "r.json"), *victim = at(1, "victim"), *out = at(2, "report.html");
	put(in, results);
	put(victim, "precious\n");
	cr_assert_eq(symlink(victim, out), 0);
	run_result r = run_tach(ARGV("report", in, "-o", out), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(slurp(victim), "precious\n");
	struct stat st;
	cr_assert_eq(lstat(out, &st), 0);
	cr_expect(S_ISREG(st.st_mode));
	cr_expect(strstr(slurp(out), "<html"));
	run_free(&r);
}

Test(cli_output, run_exports_never_replace_each_other_or_a_program)
{
	const char *out = at(0, "x.json"), *prog = at(1, "prog");
	char dotted[600];
	snprintf(dotted, sizeof dotted, "%s/./x.json", dir);
	run_result r = run_tach(ARGV("run", "--runs", "2", "--export-json", out, "--export-csv",
	                             dotted, TACH_TESTPROG " --sleep 1"),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, "are the same file"), "%s", r.err);
	cr_expect_neq(access(out, F_OK), 0, "refused before any run");
	run_free(&r);
	/* the measured program itself */
	put(prog, "#!/bin/sh\nexit 0\n");
	chmod(prog, 0755);
	r = run_tach(ARGV("run", "--runs", "2", "--export-json", prog, prog), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, "is also an input"), "%s", r.err);
	cr_expect_str_eq(slurp(prog), "#!/bin/sh\nexit 0\n");
	run_free(&r);
}

/* a backup that fails half-way must not replace the last good one */
Test(cli_output, history_export_is_whole_or_untouched)
{
	const char *db = at(0, "h.db"), *in = at(1, "r.json"), *backup = at(2, "backup.jsonl");
	put(in, results);
	for (int i = 0; i < 40; i++) {
		run_result r = run_tach(ARGV("history", "add", "--db", db, in), NULL, NULL, NULL);
		cr_assert_eq(r.status, 0, "%s", r.err);
		run_free(&r);
	}
	put(backup, "last good backup\n");
	run_result r = run_tach(ARGV("history", "export", "--db", db, "-o", db), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, "is also an input"), "%s", r.err);
	run_free(&r);
	struct rlimit rl = {4096, 4096};
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	r = run_tach(ARGV("history", "export", "--db", db, "-o", backup), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, "File too large"), "%s", r.err);
	cr_expect_str_eq(slurp(backup), "last good backup\n");
	run_free(&r);
	unlink(at(3, "h.db-wal"));
	unlink(at(4, "h.db-shm"));
}

/* A benchmark program's --out under `ulimit -f`: the program says "File
 * too large" and exits 2, the previous results file stays whole. */
Test(cli_output, a_benchmark_programs_out_is_whole_or_untouched)
{
	if (!TACH_INSTR_BENCH[0])
		cr_skip_test("no benchmark program in a sanitizer build");
	const char *out = at(0, "bench.json");
	put(out, results);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {512, 512};
		setrlimit(RLIMIT_FSIZE, &rl);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execl(TACH_INSTR_BENCH, TACH_INSTR_BENCH, "--filter", "^bm_loop/100$", "--min-time",
		      "1ms", "--repetitions", "2", "--no-alloc", "--out", out, (char *)NULL);
		_exit(127);
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d", status);
	cr_expect_str_eq(slurp(out), results);
	cr_expect_eq(entries(), 0, "a temporary file was left");
}
