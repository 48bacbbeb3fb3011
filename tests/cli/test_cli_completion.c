/* test_cli_completion.c - issue 19 item 11: the shell completions that
 * `tach help --completion SHELL` writes from the command and option tables
 * (and the build installs).  The bash script is sourced in bash and its
 * function called with COMP_WORDS/COMP_CWORD as bash would; every command
 * of `tach --help` and every option of each command's --help must
 * complete, so a command or option added to a table completes without a
 * change to the generator.  zsh and fish check the syntax of theirs (and
 * fish completes a few words) when installed, and skip otherwise. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

extern char **environ;

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Runs argv (no shell of ours: the program is the shell under test) and
 * returns its stdout (caller frees); *status gets the exit status. */
static char *run_prog(char *const *argv, int *status)
{
	char path[] = "/tmp/tach-compl-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	unlink(path);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(rc, 0, "cannot start %s", argv[0]);
	int st;
	waitpid(pid, &st, 0);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	off_t len = lseek(fd, 0, SEEK_END);
	char *out = calloc(1, (size_t)len + 1);
	cr_assert(out);
	cr_assert_eq(pread(fd, out, (size_t)len, 0), len);
	close(fd);
	return out;
}

static int have(const char *prog)
{
	static const char *const dirs[] = {"/usr/bin", "/bin", "/usr/local/bin"};
	char p[256];
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", dirs[i], prog);
		if (access(p, X_OK) == 0)
			return 1;
	}
	return 0;
}

/* The script for shell, as tach writes it, in a temporary file. */
static const char *script(const char *shell)
{
	run_result r = run_tach(ARGV("help", "--completion", shell), NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.err, "");
	const char *path = temp_file(r.out, shell);
	run_free(&r);
	return path;
}

/* What bash completes for the words (the last one being completed):
 * the script sourced, COMP_WORDS and COMP_CWORD set, _tach called. */
static char *bash_complete(const char *path, const char *const *words)
{
	char code[1024];
	size_t len = (size_t)snprintf(code, sizeof code,
	                              "source \"$1\" || exit 3; shift; COMP_WORDS=(\"$@\"); "
	                              "COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _tach; "
	                              "printf '%%s\\n' \"${COMPREPLY[@]}\"");
	cr_assert_lt(len, sizeof code);
	char *argv[32] = {"bash", "--norc", "--noprofile", "-c", code, "bash", (char *)path};
	size_t n = 7;
	for (; *words && n < 31; words++)
		argv[n++] = (char *)*words;
	argv[n] = NULL;
	int status;
	char *out = run_prog(argv, &status);
	cr_assert_eq(status, 0, "bash exited %d", status);
	return out;
}

/* The line after the one p is in ("" at the end). */
static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');
	return nl ? nl + 1 : p + strlen(p);
}

static int has_line(const char *out, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = out; (p = strstr(p, line)); p++)
		if ((p == out || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

Test(cli_completion, bash_completes_commands_subcommands_and_options)
{
	cr_assert(have("bash"));
	const char *path = script("bash");
	static const struct {
		const char *words[6];
		const char *want; /* the only completion */
	} cases[] = {
		{{"tach", "co"}, "compare"},
		{{"tach", "compare", "--fo"}, "--format"},
		{{"tach", "history", "l"}, "list"},
		{{"tach", "history", "list", "--for"}, "--format"},
		{{"tach", "compare", "-f", "ju"}, "junit"},
		{{"tach", "compare", "--format", "=", "mark"}, "markdown"},
		{{"tach", "--color", "=", "ne"}, "never"},
		{{"tach", "help", "gat"}, "gate"},
		{{"tach", "baseline", "s"}, "set"},
		{{"tach", "gate", "--min-e"}, "--min-effect"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *out = bash_complete(path, cases[i].words);
		char want[64];
		snprintf(want, sizeof want, "%s\n", cases[i].want);
		cr_expect_str_eq(out, want, "case %zu", i);
		free(out);
	}
	/* a FILE value and an operand complete file names */
	char dir[] = "/tmp/tach-compl-dir-XXXXXX";
	cr_assert(mkdtemp(dir));
	char file[128];
	snprintf(file, sizeof file, "%s/results-one.json", dir);
	FILE *f = fopen(file, "w");
	cr_assert(f);
	fclose(f);
	char prefix[128];
	snprintf(prefix, sizeof prefix, "%s/results-", dir);
	char *out = bash_complete(path, ARGV("tach", "compare", "--output", prefix));
	cr_expect(has_line(out, file), "%s", out);
	free(out);
	out = bash_complete(path, ARGV("tach", "show", prefix));
	cr_expect(has_line(out, file), "%s", out);
	free(out);
	unlink(file);
	rmdir(dir);
}

/* Every option that `tach CMD [SUB] --help` lists completes after `tach
 * CMD [SUB] -` (sub NULL: none); returns how many were seen, and sets
 * *subs to the help's list of subcommands (in *help, freed by the caller
 * with run_free) or NULL. */
static size_t options_complete(const char *path, const char *cmd, const char *sub,
                               run_result *help, const char **subs)
{
	*help = sub ? run_tach(ARGV(cmd, sub, "--help"), NULL, NULL, NULL)
	            : run_tach(ARGV(cmd, "--help"), NULL, NULL, NULL);
	char *opts = sub ? bash_complete(path, ARGV("tach", cmd, sub, "-"))
	                 : bash_complete(path, ARGV("tach", cmd, "-"));
	const char *list = strstr(help->out, "\ncommands:\n");
	*subs = list ? list + 11 : NULL;
	size_t n = 0;
	const char *o = strstr(help->out, "\noptions:\n");
	for (o = o ? o + 10 : NULL; o && *o == ' '; o = next_line(o)) {
		const char *dash = strstr(o, "--");
		char name[64];
		if (!dash || sscanf(dash, "%63[-a-z0-9]", name) != 1)
			continue;
		n++;
		cr_expect(has_line(opts, name), "%s %s %s: %s", cmd, sub ? sub : "", name, opts);
	}
	free(opts);
	return n;
}

/* Every command tach --help lists, and every option of every command's
 * (and subcommand's) --help, completes: the script follows the tables. */
Test(cli_completion, bash_knows_every_command_and_option_of_the_help)
{
	const char *path = script("bash");
	run_result top = run_tach(ARGV("--help"), NULL, NULL, NULL);
	const char *p = strstr(top.out, "\ncommands:\n");
	cr_assert(p, "%s", top.out);
	size_t n_commands = 0, n_options = 0;
	for (p += 11; *p == ' '; p = next_line(p)) {
		char cmd[32];
		cr_assert_eq(sscanf(p, " %31s", cmd), 1);
		n_commands++;
		char *out = bash_complete(path, ARGV("tach", cmd));
		cr_expect(has_line(out, cmd), "command %s: %s", cmd, out);
		free(out);
		run_result h, sh;
		const char *s, *none;
		n_options += options_complete(path, cmd, NULL, &h, &s);
		for (; s && *s == ' '; s = next_line(s)) {
			char sub[32];
			cr_assert_eq(sscanf(s, " %31s", sub), 1);
			n_options += options_complete(path, cmd, sub, &sh, &none);
			run_free(&sh);
		}
		run_free(&h);
	}
	cr_expect_geq(n_commands, 10);
	cr_expect_geq(n_options, 100, "%zu options seen", n_options);
	run_free(&top);
}

Test(cli_completion, the_built_scripts_are_what_tach_writes)
{
	static const struct {
		const char *shell, *file;
	} built[] = {{"bash", "tach"}, {"zsh", "_tach"}, {"fish", "tach.fish"}};
	for (size_t i = 0; i < 3; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/completions/%s", TACH_BUILD_ROOT, built[i].file);
		FILE *f = fopen(path, "r");
		cr_assert(f, "the build writes %s", path);
		static char text[65536];
		size_t n = fread(text, 1, sizeof text - 1, f);
		text[n] = 0;
		fclose(f);
		run_result r = run_tach(ARGV("help", "--completion", built[i].shell), NULL, NULL, NULL);
		cr_expect_str_eq(text, r.out, "%s is stale", path);
		run_free(&r);
	}
}

Test(cli_completion, zsh_script_parses)
{
	if (!have("zsh"))
		cr_skip_test("zsh is not installed");
	const char *path = script("zsh");
	int status;
	char *out = run_prog((char *[]){"zsh", "-n", (char *)path, NULL}, &status);
	cr_expect_eq(status, 0, "zsh -n %s", path);
	free(out);
}

Test(cli_completion, fish_script_parses_and_completes)
{
	if (!have("fish"))
		cr_skip_test("fish is not installed");
	const char *path = script("fish");
	int status;
	char *out = run_prog((char *[]){"fish", "--no-config", "-n", (char *)path, NULL}, &status);
	cr_expect_eq(status, 0, "fish -n %s", path);
	free(out);
	char code[512];
	snprintf(code, sizeof code,
	         "source %s; complete -C 'tach co'; complete -C 'tach compare --fo'; "
	         "complete -C 'tach history l'; complete -C 'tach history show --f'",
	         path);
	out = run_prog((char *[]){"fish", "--no-config", "-c", code, NULL}, &status);
	cr_expect_eq(status, 0);
	cr_expect(!strncmp(out, "compare\t", 8), "%s", out);
	cr_expect(strstr(out, "\n--format\ttext (default), markdown, json, csv or junit\n"), "%s",
	          out);
	cr_expect(strstr(out, "\nlist\t"), "%s", out);
	cr_expect(strstr(out, "\n--format\ttext (default), json (the results file), markdown or csv\n"),
	          "history show's own --format: %s", out);
	free(out);
}

Test(cli_completion, unknown_shell_is_an_error)
{
	run_result r = run_tach(ARGV("help", "--completion", "tcsh"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "invalid value 'tcsh' for --completion: use bash, zsh or fish"), "%s",
	          r.err);
	cr_expect_str_eq(r.out, "");
	run_free(&r);
	r = run_tach(ARGV("help", "--completion"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	run_free(&r);
}
