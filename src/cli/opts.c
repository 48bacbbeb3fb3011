/* opts.c - GNU-style option parsing from the commands' option tables, the
 * generated --help text, and the messages for bad options.
 *
 * Accepted: --name=value, --name value, -x value, -xvalue, bundled short
 * flags (-ab), "--" to end options; options and operands may mix.  An
 * option of several values takes them as the next words in either form
 * (-L n 1,2 is --parameter-list n 1,2).  Long names are never abbreviated,
 * so adding an option can never change the meaning of a script; a
 * mistyped one -- or a mistyped command -- gets a did-you-mean hint
 * instead.  An option that takes a value is given once unless its table
 * entry says CLI_REPEAT: a second one would silently replace the first.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/report.h"
#include "cli/cli.h"
#include "util/util.h"

int cli_color_mode = -1;

/* Writes prefix and the formatted message as one line on stderr, the
 * message escaped (tach_text_write): its strings come from files, stores,
 * other programs and the command line, and none may reach the terminal
 * as escape codes or forge a second line. */
static void message(const char *prefix, const char *fmt, va_list ap)
{
	char small[512], *msg = small;
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)))
		vsnprintf(msg, (size_t)n + 1, fmt, again);
	else if (n >= (int)sizeof small)
		msg = small; /* out of memory: the message cut short */
	va_end(again);
	fflush(stdout);
	fputs(prefix, stderr);
	tach_text_write(stderr, n < 0 ? fmt : msg);
	fputc('\n', stderr);
	if (msg != small)
		free(msg);
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message("tach: ", fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

int cli_error_placed(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message("", fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

void cli_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message("tach: ", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	message("tach: warning: ", fmt, ap);
	va_end(ap);
}

const char *cli_text(char *buf, size_t size, const char *s)
{
	tach_text_escape(buf, size, s ? s : "-");
	return buf;
}

int cli_bad_value(const char *spelled, const char *value, const char *why)
{
	return cli_error("invalid value '%s' for %s: %s", value, spelled, why);
}

int cli_color_stdout(void)
{
	if (cli_color_mode >= 0)
		return cli_color_mode;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(STDOUT_FILENO);
}

int cli_utf8_stdout(void)
{
	if (!isatty(STDOUT_FILENO))
		return 1;
	const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strstr(v, "UTF-8") || strstr(v, "utf8") ||
			       strstr(v, "UTF8") || strstr(v, "utf-8");
	}
	return 0;
}

/* ---- did you mean ---- */

static size_t edit_distance(const char *a, const char *b)
{
	return tach__edit_distance(a, strlen(a), b, strlen(b));
}

/* The name in names (read with `next` from `first`) closest to `name`, at
 * most two edits away, or NULL. */
static const char *closest(const char *name, const void *first,
                           const char *(*next)(const void **it))
{
	const char *best = NULL, *cand;
	size_t bd = 3; /* at most two edits away */
	for (const void *it = first; (cand = next(&it));) {
		size_t dd = edit_distance(name, cand);
		if (dd < bd) {
			bd = dd;
			best = cand;
		}
	}
	return best;
}

static const char *next_option(const void **it)
{
	const cli_opt *o = *it;
	if (!o || !o->id)
		return NULL;
	*it = o + 1;
	return o->name;
}

static const char *next_command(const void **it)
{
	const cli_cmd *c = *it;
	if (!c || !c->name)
		return NULL;
	*it = c + 1;
	return c->name;
}

static const char *closest_option(const cli_opt *opts, const char *name)
{
	const char *best = closest(name, opts, next_option);
	if (!best && edit_distance(name, "help") < 3)
		best = "help";
	return best;
}

/* The command a subcommand belongs to ("history" for "add"), or NULL. */
static const char *parent_of(const cli_cmd *cmd)
{
	for (const cli_cmd *c = cli_commands; c->name; c++)
		for (const cli_cmd *s = c->subcommands; s && s->name; s++)
			if (s == cmd)
				return c->name;
	return NULL;
}

static int unknown_option(const cli_cmd *cmd, const char *spelled, const char *name)
{
	const char *hint = name ? closest_option(cmd->opts, name) : NULL;
	if (hint)
		cli_error("unknown option '%s' (did you mean '--%s'?)", spelled, hint);
	else
		cli_error("unknown option '%s'", spelled);
	const char *parent = parent_of(cmd);
	fprintf(stderr, "try 'tach %s%s%s --help'\n", parent ? parent : "", parent ? " " : "",
	        cmd->name);
	return EXIT_USAGE;
}

int cli_unknown_command(const cli_cmd *table, const char *parent, const char *name)
{
	const char *hint = closest(name, table, next_command);
	char did[160] = "";
	if (hint)
		snprintf(did, sizeof did, " (did you mean '%s'?)", hint);
	if (parent)
		return cli_error("'%s' is not a 'tach %s' command%s; 'tach help %s' lists them", name,
		                 parent, did, parent);
	return cli_error("'%s' is not a tach command%s; 'tach --help' lists them", name, did);
}

static const char *next_word(const void **it)
{
	const char *const *w = *it;
	if (!*w)
		return NULL;
	*it = w + 1;
	return *w;
}

int cli_unknown_global_option(const char *spelled)
{
	static const char *const globals[] = {"version", "help", "color", NULL};
	char name[64];
	snprintf(name, sizeof name, "%s", spelled + strspn(spelled, "-"));
	name[strcspn(name, "=")] = 0;
	const char *hint = closest(name, globals, next_word);
	if (hint)
		cli_error("unknown option '%s' (did you mean '--%s'?)", spelled, hint);
	else
		cli_error("unknown option '%s'", spelled);
	fputs("usage: tach [--version] [--help] [--color=WHEN] COMMAND [ARGS]\n", stderr);
	return EXIT_USAGE;
}

/* ---- parsing ---- */

int cli_opt_values(const cli_opt *o)
{
	if (!o->arg)
		return 0;
	if (o->nargs < 0)
		return -1;
	int k = o->nargs & CLI_NARGS;
	return k ? k : 1;
}

static int add_item(cli_parsed *p, const cli_opt *o, const char *value, char **values,
                    const char *spelled, int attached)
{
	void *n = realloc(p->items, (p->n + 1) * sizeof *p->items);
	if (!n)
		return -1;
	p->items = n;
	memset(&p->items[p->n], 0, sizeof p->items[p->n]);
	p->items[p->n].id = o->id;
	p->items[p->n].value = value;
	p->items[p->n].values = values;
	p->items[p->n].opt = o;
	p->items[p->n].attached = attached;
	snprintf(p->items[p->n].name, sizeof p->items[p->n].name, "%s", spelled);
	p->n++;
	return 0;
}

void cli_parsed_free(cli_parsed *p)
{
	free(p->items);
	free(p->pos);
	memset(p, 0, sizeof *p);
}

/* The values of option o, named `spelled` ("--name" or "-x"), whose word
 * is argv[*i]; `attached` is the text after "=" or after the short
 * letter, NULL if none.  The long and the short form go through here
 * alike, so they cannot differ in what they hand on.  0, or EXIT_USAGE
 * after the message. */
static int take_values(const cli_opt *o, const char *spelled, const char *attached,
                       int argc, char **argv, int *i, const char **value, char ***values)
{
	char also[80] = "";
	if (spelled[1] != '-')
		snprintf(also, sizeof also, " (--%s)", o->name);
	int k = cli_opt_values(o);
	*value = NULL;
	*values = NULL;
	if (k == 0) {
		if (attached)
			return cli_error("option '%s'%s takes no value", spelled, also);
	} else if (k < 0) {
		*value = attached; /* optional, only attached */
	} else if (k == 1) {
		if (attached)
			*value = attached;
		else if (*i + 1 < argc)
			*value = argv[++*i];
		else
			return cli_error("option '%s'%s needs a value (%s)", spelled, also, o->arg);
	} else {
		if (attached)
			return cli_error("option '%s'%s takes %d values as separate words (%s)", spelled,
			                 also, k, o->arg);
		if (*i + k >= argc)
			return cli_error("option '%s'%s needs %d values (%s)", spelled, also, k, o->arg);
		*values = argv + *i + 1;
		*value = (*values)[0];
		*i += k;
	}
	return 0;
}

/* A CLI_COUNT value: decimal digits only, within the entry's range.
 * 0, or EXIT_USAGE after "invalid value 'x' for --runs: expected ...". */
static int count_value(const cli_opt *o, const char *spelled, const char *v,
                       unsigned long long *out)
{
	char want[96];
	if (o->max)
		snprintf(want, sizeof want, "a whole number from %llu to %llu", o->min, o->max);
	else if (o->min)
		snprintf(want, sizeof want, "a whole number from %llu", o->min);
	else
		snprintf(want, sizeof want, "a whole number");
	size_t digits = strspn(v, "0123456789");
	if (!digits || v[digits])
		return cli_error("invalid value '%s' for %s: expected %s", v, spelled, want);
	unsigned long long n = 0;
	for (size_t i = 0; i < digits; i++) {
		unsigned d = (unsigned)(v[i] - '0');
		if (n > (ULLONG_MAX - d) / 10)
			return cli_error("invalid value '%s' for %s: too large; expected %s", v,
			                 spelled, want);
		n = n * 10 + d;
	}
	if (n < o->min || (o->max && n > o->max))
		return cli_error("invalid value '%s' for %s: expected %s", v, spelled, want);
	*out = n;
	return 0;
}

/* "'--runs 3'" or "'-r5'": an occurrence as typed, for messages. */
static void occurrence(char *buf, size_t size, const cli_parsed *p, size_t k)
{
	const char *v = p->items[k].value;
	const char *sep = p->items[k].attached ? (p->items[k].name[1] == '-' ? "=" : "") : " ";
	if (v)
		snprintf(buf, size, "'%s%s%s'", p->items[k].name, sep, v);
	else
		snprintf(buf, size, "'%s'", p->items[k].name);
}

/* A second occurrence of an option that takes a value and is not
 * CLI_REPEAT would silently replace the first: an error naming both.
 * Flags may repeat (saying twice what is meant once changes nothing). */
static int check_repeats(const cli_parsed *p)
{
	for (size_t k = 1; k < p->n; k++) {
		const cli_opt *o = p->items[k].opt;
		if (!o->arg || (o->nargs > 0 && (o->nargs & CLI_REPEAT)))
			continue;
		for (size_t j = 0; j < k; j++)
			if (p->items[j].opt == o) {
				char a[160], b[160];
				occurrence(a, sizeof a, p, j);
				occurrence(b, sizeof b, p, k);
				return cli_error("option '--%s' given twice, as %s and as %s; give it once",
				                 o->name, a, b);
			}
	}
	return 0;
}

int cli_parse(const cli_cmd *cmd, int argc, char **argv, cli_parsed *out,
              int *status)
{
	memset(out, 0, sizeof *out);
	out->pos = calloc((size_t)argc + 1, sizeof *out->pos);
	if (!out->pos) {
		*status = cli_error("out of memory");
		return 1;
	}
	int only_operands = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_operands || a[0] != '-' || a[1] == '\0') {
			out->pos[out->npos++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_operands = 1;
			continue;
		}
		const cli_opt *o = cmd->opts;
		const char *attached = NULL;
		char spelled[80];
		if (a[1] == '-') { /* long option */
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			if (len == 4 && strncmp(name, "help", 4) == 0 && !eq) {
				cli_help(cmd, stdout);
				*status = EXIT_OK;
				cli_parsed_free(out);
				return 1;
			}
			for (; o && o->id; o++)
				if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
					break;
			if (!o || !o->id) {
				char buf[128];
				snprintf(buf, sizeof buf, "%.*s", (int)(len < 100 ? len : 100), name);
				cli_parsed_free(out);
				*status = unknown_option(cmd, a, buf);
				return 1;
			}
			snprintf(spelled, sizeof spelled, "--%s", o->name);
			attached = eq ? eq + 1 : NULL;
		} else { /* short options, possibly bundled: -ab, -xVALUE */
			const char *s = a + 1;
			for (;; s++) {
				if (*s == 'h') {
					cli_help(cmd, stdout);
					*status = EXIT_OK;
					cli_parsed_free(out);
					return 1;
				}
				for (o = cmd->opts; o && o->id; o++)
					if (o->short_name == *s)
						break;
				if (!o || !o->id) {
					char sp[3] = {'-', *s, 0};
					cli_parsed_free(out);
					*status = unknown_option(cmd, sp, NULL);
					return 1;
				}
				if (o->arg || !s[1])
					break;
				/* a flag followed by more letters */
				snprintf(spelled, sizeof spelled, "-%c", *s);
				if (add_item(out, o, NULL, NULL, spelled, 0)) {
					cli_parsed_free(out);
					*status = cli_error("out of memory");
					return 1;
				}
			}
			snprintf(spelled, sizeof spelled, "-%c", *s);
			attached = s[1] ? s + 1 : NULL;
		}
		const char *value;
		char **values;
		unsigned long long count = 0;
		if ((*status = take_values(o, spelled, attached, argc, argv, &i, &value, &values)) ||
		    (o->type == CLI_COUNT && value &&
		     (*status = count_value(o, spelled, value, &count)))) {
			cli_parsed_free(out);
			return 1;
		}
		if (add_item(out, o, value, values, spelled, attached != NULL)) {
			cli_parsed_free(out);
			*status = cli_error("out of memory");
			return 1;
		}
		out->items[out->n - 1].count = count;
	}
	for (size_t k = 0; k < out->n; k++)
		out->items[k].spelled = out->items[k].name;
	if ((*status = check_repeats(out))) {
		cli_parsed_free(out);
		return 1;
	}
	return 0;
}

/* ---- help ---- */

void cli_help(const cli_cmd *cmd, FILE *f)
{
	const char *parent = parent_of(cmd);
	fprintf(f, "usage: tach %s%s%s [OPTIONS]%s%s\n\n%s\n", parent ? parent : "",
	        parent ? " " : "", cmd->name,
	        cmd->args ? " " : "", cmd->args ? cmd->args : "", cmd->summary);
	if (cmd->details)
		fprintf(f, "\n%s\n", cmd->details);
	if (cmd->subcommands) {
		fputs("\ncommands:\n", f);
		for (const cli_cmd *c = cmd->subcommands; c->name; c++)
			fprintf(f, "  %-12s %s\n", c->name, c->summary);
	}
	fputs("\noptions:\n", f);
	for (const cli_opt *o = cmd->opts; o && o->id; o++) {
		char left[64];
		int n = o->short_name ? snprintf(left, sizeof left, "-%c, --%s", o->short_name, o->name)
		                      : snprintf(left, sizeof left, "    --%s", o->name);
		if (o->arg && n > 0 && (size_t)n < sizeof left)
			snprintf(left + n, sizeof left - (size_t)n, o->nargs < 0 ? "[=%s]" : " %s",
			         o->arg);
		if (strlen(left) > 24)
			fprintf(f, "  %s\n  %-24s  %s\n", left, "", o->help);
		else
			fprintf(f, "  %-24s  %s\n", left, o->help);
	}
	fprintf(f, "  %-24s  %s\n", "-h, --help", "show this help and exit");
}
