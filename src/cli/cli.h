/* cli.h - the command table, option parsing and output helpers shared by
 * the subcommands (src/cli/cmd_*.c).  Not part of libtach. */
#ifndef TACH_CLI_H
#define TACH_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Exit statuses: every command returns one of these. */
enum { EXIT_OK = 0, EXIT_REGRESSION = 1, EXIT_USAGE = 2 };

/* An option of a command.  Options are data: the parser, --help, the man
 * pages' OPTIONS and the did-you-mean hints all come from these tables,
 * written with the CLI_FLAG ... CLI_END macros below. */
typedef struct cli_opt {
	int id;             /* returned by the parser; 0 ends a table */
	const char *name;   /* long name without "--" */
	char short_name;    /* 0 if none */
	const char *arg;    /* metavariable ("FMT"), or NULL for a flag */
	const char *help;
	int nargs;          /* values the option takes when arg is set: 0
	                       means 1; more are consecutive words in both
	                       forms; -1: the value is optional and only
	                       given attached (--name=V, -xV); may be or-ed
	                       with CLI_REPEAT (not with -1) */
	/* What the value is.  The parser checks a typed value and hands it on
	 * parsed, so no command parses a number by hand and one rule holds
	 * for every option (as git's parse-options does). */
	enum cli_type {
		CLI_TEXT = 0, /* any text, checked by the command */
		/* a whole number from min to max (max 0: no upper bound):
		 * decimal digits only -- no sign, blank, 0x or unit -- handed on
		 * as cli_item.count */
		CLI_COUNT,
	} type;
	unsigned long long min, max;
} cli_opt;

/* Table entries, one macro per kind, so that an entry names what its
 * value is and every field is set:
 *   CLI_FLAG(id, name, short, help)             no value
 *   CLI_VALUE(id, name, short, arg, help)       one value, text
 *   CLI_VALUE_N(id, name, short, arg, help, n)  nargs n (a count of words,
 *                                               -1, or-ed with CLI_REPEAT)
 *   CLI_NUMBER(id, name, short, arg, help, lo, hi)
 *                                               a whole number lo..hi
 *                                               (hi 0: unbounded)
 *   CLI_END                                     ends a table */
#define CLI_FLAG(id, name, sh, help) {id, name, sh, NULL, help, 0, CLI_TEXT, 0, 0}
#define CLI_VALUE(id, name, sh, arg, help) {id, name, sh, arg, help, 0, CLI_TEXT, 0, 0}
#define CLI_VALUE_N(id, name, sh, arg, help, n) {id, name, sh, arg, help, n, CLI_TEXT, 0, 0}
#define CLI_NUMBER(id, name, sh, arg, help, lo, hi)                                        \
	{id, name, sh, arg, help, 0, CLI_COUNT, lo, hi}
#define CLI_END {0, NULL, 0, NULL, NULL, 0, CLI_TEXT, 0, 0}

/* In cli_opt.nargs: the option may be given more than once, and every
 * occurrence is handed on in order (labels, one --name per command, ...).
 * Any other option that takes a value is refused when given twice, naming
 * both occurrences, since the second would silently replace the first.
 * Flags may always repeat.  CLI_NARGS masks the count of values. */
enum { CLI_REPEAT = 0x100, CLI_NARGS = 0xff };
/* How many words of values o takes: 0 for a flag, -1 for an optional
 * value (only attached: --name=V, -xV), else 1 or more. */
int cli_opt_values(const cli_opt *o);

typedef struct cli_cmd cli_cmd;
struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv, const cli_cmd *self);
	const char *args;    /* synopsis after the options, e.g. "FILE..." */
	const char *summary; /* one line for `tach --help` */
	const char *details; /* paragraphs for `tach help CMD`, may be NULL */
	const cli_opt *opts;
	const cli_cmd *subcommands; /* nested table (history list ...), or NULL */
};

/* The top-level table (commands.c), NULL-name terminated. */
extern const cli_cmd cli_commands[];
const cli_cmd *cli_find(const cli_cmd *table, const char *name);
/* Runs the subcommand of `self` named by argv[1] from `table` (history
 * list ...), whose own parser sees argv from there; with no subcommand,
 * the help of self on stderr and EXIT_USAGE. */
int cli_dispatch(const cli_cmd *table, int argc, char **argv, const cli_cmd *self);
/* "'compre' is not a tach command (did you mean 'compare'?); ..." for
 * a name not in table (a subcommand's when parent is set, e.g.
 * "history"); returns EXIT_USAGE. */
int cli_unknown_command(const cli_cmd *table, const char *parent, const char *name);
/* The same for an option before the command (tach --verison). */
int cli_unknown_global_option(const char *spelled);
/* Prints the generated help of a command to f. */
void cli_help(const cli_cmd *cmd, FILE *f);
/* Prints the OPTIONS section of cmd's man page in roff (man.c): the
 * hidden `tach help --man CMD`, spliced into docs/man/ by
 * docs/man/update-options. */
void cli_man_options(const cli_cmd *cmd, FILE *f);
/* Prints the completion script for shell "bash", "zsh" or "fish"
 * (completion.c), generated from the command and option tables: the
 * hidden `tach help --completion SHELL`.  0, or -1 for another shell. */
int cli_completion(const char *shell, FILE *f);
/* Prints the list of commands (tach --help). */
void cli_usage(FILE *f);

/* Parsed options, in command-line order, and the positional arguments. */
typedef struct cli_item {
	int id;
	const char *value; /* NULL for flags */
	char **values;     /* all values (nargs > 1): value == values[0] */
	unsigned long long count; /* a CLI_COUNT value, parsed and checked */
	const char *spelled; /* as typed, "--format" or "-f", for messages
	                        (points into name) */
	const cli_opt *opt;  /* the option's table entry */
	int attached;        /* the value was given as --name=V or -xV */
	char name[80];
} cli_item;

typedef struct cli_parsed {
	size_t n;
	cli_item *items;
	size_t npos;
	char **pos;
} cli_parsed;

/* Parses argv[1..] against opts (plus the implicit --help/-h, which
 * prints help and makes the function return 1 with *status = 0).  On a bad
 * option -- unknown, a value missing, or given twice without CLI_REPEAT --
 * prints the error with a hint and returns 1 with *status = EXIT_USAGE;
 * so does a typed value that does not parse (CLI_COUNT: "invalid value
 * 'x' for --runs: expected a whole number from 1").  Returns 0 when the
 * command should go on.  Free with cli_parsed_free. */
int cli_parse(const cli_cmd *cmd, int argc, char **argv, cli_parsed *out,
              int *status);
void cli_parsed_free(cli_parsed *p);

/* Messages on stderr: "tach: message", one line, escaped as terminal text
 * (tach_text_write), so a name from a file cannot send escape codes or
 * forge lines.  cli_error returns EXIT_USAGE; cli_note is for news ("tach:
 * saved as run #3 in ..."); cli_error_placed writes a message that leads
 * with its place ("base.json:3:14: ...") without the "tach: " and returns
 * EXIT_USAGE.  Anything else a command prints that came from a file, a
 * store or another program goes through tach_text_write or cli_text. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_error_placed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s (NULL: "-") escaped as terminal text into buf (tach_text_escape, cut
 * to fit); returns buf, for a printf "%s". */
const char *cli_text(char *buf, size_t size, const char *s);
/* An option value that does not parse: "invalid value 'x' for --timeout:
 * why" and returns EXIT_USAGE. */
int cli_bad_value(const char *spelled, const char *value, const char *why);

/* Colour on stdout: only on a terminal, never with NO_COLOR set, and as
 * forced by --color=always|never (cli_color_mode). */
extern int cli_color_mode; /* -1 auto, 0 never, 1 always */
int cli_color_stdout(void);
/* The terminal can show UTF-8 (LANG/LC_* mention UTF-8) or the output is
 * not a terminal. */
int cli_utf8_stdout(void);

#endif
