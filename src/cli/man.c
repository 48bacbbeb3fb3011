/* man.c - the OPTIONS section of a command's man page, in roff, written
 * from the same option tables as --help (cli_help in opts.c), so the pages
 * under docs/man/ cannot list other options than the program takes.  The
 * hidden `tach help --man CMD` prints it; docs/man/update-options splices it
 * into docs/man/tach-CMD.1 and tests/cli/test_cli_docs.c checks that it is
 * there.  The prose sections of the pages stay written by hand. */
#include <ctype.h>
#include <string.h>

#include "cli/cli.h"

/* s as roff text: a backslash is \e, a minus \- (a hyphen would be
 * typeset as one, and man pages are searched for "\-\-name"). */
static void roff_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

/* The tag line of a .TP entry: "-f, --format FMT" in bold and italics. */
static void option_tag(FILE *f, const cli_opt *o)
{
	fputs(".TP\n\\fB", f);
	if (o->short_name)
		fprintf(f, "\\-%c\\fR, \\fB", o->short_name);
	fputs("\\-\\-", f);
	roff_text(f, o->name);
	fputs("\\fR", f);
	if (o->arg) {
		fputs(o->nargs < 0 ? "[=\\fI" : " \\fI", f);
		roff_text(f, o->arg);
		fputs(o->nargs < 0 ? "\\fR]" : "\\fR", f);
	}
	fputc('\n', f);
}

/* The entries of one table, the implicit --help last as in cli_help. */
static void option_list(FILE *f, const cli_opt *opts)
{
	for (const cli_opt *o = opts; o && o->id; o++) {
		option_tag(f, o);
		/* Written as a sentence, like the prose of the pages: the
		 * help's first letter capitalised (they start with a word,
		 * never with '.' or '\'', so the line is never a request). */
		size_t len = strlen(o->help), cap = islower((unsigned char)o->help[0]) != 0;
		if (cap)
			fputc(toupper((unsigned char)o->help[0]), f);
		roff_text(f, o->help + cap);
		fputs(len && o->help[len - 1] != '.' ? ".\n" : "\n", f);
	}
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow this help and exit.\n", f);
}

void cli_man_options(const cli_cmd *cmd, FILE *f)
{
	fputs(".SH OPTIONS\n"
	      ".\\\" Written by 'tach help --man' from the option table: change the\n"
	      ".\\\" table, then run 'ninja -C build man'.\n", f);
	if (!cmd->subcommands) {
		option_list(f, cmd->opts);
		return;
	}
	for (const cli_cmd *s = cmd->subcommands; s->name; s++) {
		fprintf(f, ".SS \"%s %s\"\n", cmd->name, s->name);
		option_list(f, s->opts);
	}
}
