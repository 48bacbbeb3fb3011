/* test_cli_docs.c - the docs list the options the program takes.  Every
 * command and subcommand that `tach --help` lists is asked for its --help;
 * each option found there must appear in that command's section of
 * docs/cli.md and in its man page docs/man/tach-CMD.1, whose OPTIONS section
 * must be what the option table writes (`tach help --man CMD`, spliced in by
 * `ninja -C build man`).  The pages also keep the sections a man page has.
 * Black-box on purpose: what is checked is the --help a user reads. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define DOCS TACH_SOURCE_ROOT "/docs"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (size_t got; buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
		n += got;
		if (cap - n < 2 && !(buf = realloc(buf, cap *= 2)))
			break;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* The output of `tach [CMD [SUB]] --help`; aborts the test if it fails. */
static char *help_of(const char *cmd, const char *sub)
{
	const char *argv[4] = {NULL};
	size_t n = 0;
	if (cmd)
		argv[n++] = cmd;
	if (sub)
		argv[n++] = sub;
	argv[n] = "--help";
	run_result r = run_tach(argv, NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "tach %s %s --help: exit %d: %s", cmd ? cmd : "", sub ? sub : "",
	             r.status, r.err);
	char *out = r.out;
	r.out = NULL;
	run_free(&r);
	return out;
}

/* The names listed under "HEADING:\n" of a help text, one per line
 * ("  name  summary"), as a NULL-terminated array the caller frees (and
 * each name). */
static char **listed(const char *help, const char *heading)
{
	char **names = calloc(64, sizeof *names);
	size_t n = 0;
	const char *p = strstr(help, heading);
	for (p = p ? strchr(p + 1, '\n') : NULL; p && p[1] == ' ' && n < 63; p = strchr(p + 1, '\n')) {
		const char *s = p + 1 + strspn(p + 1, " ");
		names[n++] = strndup(s, strcspn(s, " \n"));
	}
	return names;
}

static void free_list(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* The text of `## ...` section of cli.md whose heading names "tach CMD",
 * up to the next `## ` heading; NULL if there is none. */
static char *cli_md_section(const char *md, const char *cmd)
{
	char want[64];
	snprintf(want, sizeof want, "tach %s", cmd);
	for (const char *h = strstr(md, "\n## "); h; h = strstr(h + 1, "\n## ")) {
		const char *eol = strchr(h + 1, '\n');
		const char *hit = strstr(h + 1, want);
		size_t len = strlen(want);
		if (!eol || !hit || hit > eol || (hit[len] != ',' && hit[len] != '\n'))
			continue;
		const char *end = strstr(eol, "\n## ");
		return strndup(h, end ? (size_t)(end - h) : strlen(h));
	}
	return NULL;
}

/* The OPTIONS section of a man page, from ".SH OPTIONS" to the next .SH. */
static char *man_options(const char *page)
{
	const char *s = strstr(page, "\n.SH OPTIONS\n");
	if (!s)
		return NULL;
	s++;
	const char *end = strstr(s, "\n.SH ");
	return strndup(s, end ? (size_t)(end - s) + 1 : strlen(s));
}

/* Each "--name" of the "options:" part of a help text, "--help" left out:
 * every command has it, and the conventions say so once. */
static void check_options(const char *help, const char *what, const char *md_section,
                          const char *page, const char *page_path)
{
	const char *p = strstr(help, "\noptions:\n");
	cr_assert(p, "%s --help has no options: part", what);
	for (p = strstr(p, "--"); p; p = strstr(p + 2, "--")) {
		size_t len = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
		char opt[64], roff[128];
		snprintf(opt, sizeof opt, "%.*s", (int)len, p);
		if (!strcmp(opt, "--help"))
			continue;
		/* In roff every '-' is written '\-'. */
		size_t k = 0;
		for (const char *c = opt; *c && k + 3 < sizeof roff; c++) {
			if (*c == '-')
				roff[k++] = '\\';
			roff[k++] = *c;
		}
		roff[k] = '\0';
		cr_expect(md_section && strstr(md_section, opt),
		          "%s: option %s is not in its section of docs/cli.md", what, opt);
		cr_expect(page && strstr(page, roff), "%s: option %s is not in %s", what, opt,
		          page_path);
	}
}

Test(docs, every_option_of_every_help_is_in_cli_md_and_the_man_page)
{
	char *md = slurp(DOCS "/cli.md");
	cr_assert(md, "cannot read docs/cli.md");
	char *top = help_of(NULL, NULL);
	char **cmds = listed(top, "\ncommands:\n");
	cr_assert(cmds[0], "tach --help lists no commands");
	size_t checked = 0;
	for (size_t i = 0; cmds[i]; i++) {
		if (!strcmp(cmds[i], "help") || !strcmp(cmds[i], "version"))
			continue; /* no options; in tach.1 and the table of cli.md */
		char path[256], what[128];
		snprintf(path, sizeof path, DOCS "/man/tach-%s.1", cmds[i]);
		char *page = slurp(path);
		cr_expect(page, "%s: tach %s has no man page", path, cmds[i]);
		char *section = cli_md_section(md, cmds[i]);
		cr_expect(section, "docs/cli.md: no '## ' section names 'tach %s'", cmds[i]);
		char *help = help_of(cmds[i], NULL);
		char **subs = listed(help, "\ncommands:\n");
		if (!subs[0]) {
			snprintf(what, sizeof what, "tach %s", cmds[i]);
			check_options(help, what, section, page, path);
			checked++;
		}
		for (size_t j = 0; subs[j]; j++) {
			char *sub_help = help_of(cmds[i], subs[j]);
			snprintf(what, sizeof what, "tach %s %s", cmds[i], subs[j]);
			check_options(sub_help, what, section, page, path);
			free(sub_help);
			checked++;
		}
		free_list(subs);
		free(help);
		free(section);
		free(page);
	}
	cr_expect_geq(checked, 17, "only %zu commands and subcommands checked", checked);
	free_list(cmds);
	free(top);
	free(md);
}

Test(docs, the_options_before_the_command_are_in_tach_1_and_cli_md)
{
	char *md = slurp(DOCS "/cli.md"), *page = slurp(DOCS "/man/tach.1");
	cr_assert(md && page);
	char *top = help_of(NULL, NULL);
	const char *usage = strstr(top, "usage: tach ");
	cr_assert(usage);
	size_t n = 0;
	for (const char *p = strstr(usage, "--"); p && p < strchr(usage, '\n');
	     p = strstr(p + 2, "--"), n++) {
		char opt[32], roff[64];
		size_t len = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
		snprintf(opt, sizeof opt, "%.*s", (int)len, p);
		snprintf(roff, sizeof roff, "\\-\\-%s", opt + 2);
		cr_expect(strstr(md, opt), "docs/cli.md does not mention %s", opt);
		cr_expect(strstr(page, roff), "docs/man/tach.1 does not mention %s", opt);
	}
	cr_expect_eq(n, 3, "usage line: %s", usage);
	free(top);
	free(page);
	free(md);
}

/* A page is current when its OPTIONS section is what the table writes. */
Test(docs, every_man_page_is_whole_and_its_options_come_from_the_table)
{
	static const char *const sections[] = {".TH TACH\\-", "\n.SH NAME\n", "\n.SH SYNOPSIS\n",
	                                       "\n.SH DESCRIPTION\n", "\n.SH OPTIONS\n",
	                                       "\n.SH EXIT STATUS\n", "\n.SH SEE ALSO\n"};
	char *md = slurp(DOCS "/cli.md"), *index_page = slurp(DOCS "/man/tach.1");
	cr_assert(md && index_page);
	char *top = help_of(NULL, NULL);
	char **cmds = listed(top, "\ncommands:\n");
	for (size_t i = 0; cmds[i]; i++) {
		char row[64], ref[64];
		snprintf(row, sizeof row, "| `tach %s", cmds[i]);
		cr_expect(strstr(md, row), "docs/cli.md: the table of commands has no row for tach %s",
		          cmds[i]);
		if (!strcmp(cmds[i], "help") || !strcmp(cmds[i], "version"))
			continue;
		snprintf(ref, sizeof ref, ".BR tach\\-%s (1)", cmds[i]);
		cr_expect(strstr(index_page, ref), "docs/man/tach.1: SEE ALSO lacks tach-%s(1)",
		          cmds[i]);
		char path[256];
		snprintf(path, sizeof path, DOCS "/man/tach-%s.1", cmds[i]);
		char *page = slurp(path);
		if (!page) {
			cr_expect(0, "%s: tach %s has no man page", path, cmds[i]);
			continue;
		}
		for (size_t k = 0; k < sizeof sections / sizeof *sections; k++)
			cr_expect(strstr(page, sections[k]), "%s: no '%s'", path, sections[k] + 1);
		const char *argv[] = {"help", "--man", cmds[i], NULL};
		run_result r = run_tach(argv, NULL, NULL, NULL);
		cr_assert_eq(r.status, 0, "tach help --man %s: %s", cmds[i], r.err);
		char *have = man_options(page);
		cr_expect(have && !strcmp(have, r.out),
		          "%s: the OPTIONS section is not what the option table writes; run "
		          "'ninja -C build man'\n--- expected:\n%s--- found:\n%s",
		          path, r.out, have ? have : "(none)\n");
		free(have);
		run_free(&r);
		free(page);
	}
	free_list(cmds);
	free(top);
	free(index_page);
	free(md);
}

Test(docs, help_man_refuses_what_is_not_a_command)
{
	const char *none[] = {"help", "--man", NULL};
	const char *bad[] = {"help", "--man", "compre", NULL};
	run_result r = run_tach(none, NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "needs a command"), "%s", r.err);
	run_free(&r);
	r = run_tach(bad, NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "did you mean 'compare'"), "%s", r.err);
	run_free(&r);
}
