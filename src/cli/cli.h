/* cli.h - the command table, option parsing and output helpers shared by
 * the subcommands (src/cli/cmd_*.c).  Not part of libtach. */
#ifndef TACH_CLI_H
#define TACH_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Exit statuses: every command returns one of these. */
enum { EXIT_OK = 0, EXIT_REGRESSION = 1, EXIT_USAGE = 2 };

/* An option of a command.  Options are data: the parser, --help and the
 * did-you-mean hints all come from these tables. */
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
} cli_opt;

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
/* Prints the list of commands (tach --help). */
void cli_usage(FILE *f);

/* Parsed options, in command-line order, and the positional arguments. */
typedef struct cli_parsed {
	size_t n;
	struct {
		int id;
		const char *value; /* NULL for flags */
		char **values;     /* all values (nargs > 1): value == values[0] */
		const char *spelled; /* as typed, "--format" or "-f", for messages
		                        (points into name) */
		const cli_opt *opt;  /* the option's table entry */
		int attached;        /* the value was given as --name=V or -xV */
		char name[80];
	} *items;
	size_t npos;
	char **pos;
} cli_parsed;

/* Parses argv[1..] against opts (plus the implicit --help/-h, which
 * prints help and makes the function return 1 with *status = 0).  On a bad
 * option -- unknown, a value missing, or given twice without CLI_REPEAT --
 * prints the error with a hint and returns 1 with *status = EXIT_USAGE.  Returns 0 when the command should go on.  Free with
 * cli_parsed_free. */
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
