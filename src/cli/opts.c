/* opts.c - GNU-style option parsing from the commands' option tables, the
 * generated --help text, and the messages for bad options.
 *
 * Accepted: --name=value, --name value, -x value, -xvalue, bundled short
 * flags (-ab), "--" to end options; options and operands may mix.  Long
 * names are never abbreviated, so adding an option can never change the
 * meaning of a script; a mistyped one gets a did-you-mean hint instead.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/report.h"
#include "cli/cli.h"

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
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			size_t best = sub < del ? sub : del;
			best = best < ins ? best : ins;
			/* a swap of two neighbours ("rnus") counts as one edit */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

static const char *closest_option(const cli_opt *opts, const char *name)
{
	const char *best = NULL;
	size_t bd = 3; /* at most two edits away */
	for (; opts && opts->id; opts++) {
		size_t dd = edit_distance(name, opts->name);
		if (dd < bd) {
			bd = dd;
			best = opts->name;
		}
	}
	if (!best && edit_distance(name, "help") < 3)
		best = "help";
	return best;
}

static int unknown_option(const cli_cmd *cmd, const char *spelled, const char *name)
{
	const char *hint = name ? closest_option(cmd->opts, name) : NULL;
	if (hint)
		cli_error("unknown option '%s' (did you mean '--%s'?)", spelled, hint);
	else
		cli_error("unknown option '%s'", spelled);
	fprintf(stderr, "try 'tach %s --help'\n", cmd->name);
	return EXIT_USAGE;
}

/* ---- parsing ---- */

static int add_items(cli_parsed *p, int id, const char *value, char **values,
                     const char *spelled);

static int add_item(cli_parsed *p, int id, const char *value, const char *spelled)
{
	return add_items(p, id, value, NULL, spelled);
}

static int add_items(cli_parsed *p, int id, const char *value, char **values,
                     const char *spelled)
{
	void *n = realloc(p->items, (p->n + 1) * sizeof *p->items);
	if (!n)
		return -1;
	p->items = n;
	p->items[p->n].id = id;
	p->items[p->n].value = value;
	p->items[p->n].values = values;
	p->items[p->n].spelled = spelled;
	p->n++;
	return 0;
}

void cli_parsed_free(cli_parsed *p)
{
	free(p->items);
	free(p->pos);
	memset(p, 0, sizeof *p);
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
		if (a[1] == '-') { /* long option */
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			if (len == 4 && strncmp(name, "help", 4) == 0 && !eq) {
				cli_help(cmd, stdout);
				*status = EXIT_OK;
				return 1;
			}
			const cli_opt *o = cmd->opts;
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
			const char *value = NULL;
			char **values = NULL;
			if (o->arg && o->nargs > 1) {
				if (eq || i + o->nargs >= argc) {
					cli_parsed_free(out);
					*status = cli_error("option '--%s' needs %d values (%s)", o->name,
					                    o->nargs, o->arg);
					return 1;
				}
				values = argv + i + 1;
				value = values[0];
				i += o->nargs;
			} else if (o->arg && o->nargs < 0) {
				value = eq ? eq + 1 : NULL; /* optional, only as --name=V */
			} else if (o->arg) {
				if (eq) {
					value = eq + 1;
				} else if (i + 1 < argc) {
					value = argv[++i];
				} else {
					cli_parsed_free(out);
					*status = cli_error("option '--%s' needs a value (%s)", o->name, o->arg);
					return 1;
				}
			} else if (eq) {
				cli_parsed_free(out);
				*status = cli_error("option '--%s' takes no value", o->name);
				return 1;
			}
			if (add_items(out, o->id, value, values, a)) {
				cli_parsed_free(out);
				*status = cli_error("out of memory");
				return 1;
			}
			continue;
		}
		/* short options, possibly bundled */
		for (const char *s = a + 1; *s; s++) {
			if (*s == 'h') {
				cli_help(cmd, stdout);
				*status = EXIT_OK;
				return 1;
			}
			const cli_opt *o = cmd->opts;
			for (; o && o->id; o++)
				if (o->short_name == *s)
					break;
			if (!o || !o->id) {
				char spelled[3] = {'-', *s, 0};
				cli_parsed_free(out);
				*status = unknown_option(cmd, spelled, NULL);
				return 1;
			}
			const char *value = NULL;
			if (o->arg) {
				if (s[1]) {
					value = s + 1;
				} else if (i + 1 < argc) {
					value = argv[++i];
				} else {
					cli_parsed_free(out);
					*status = cli_error("option '-%c' needs a value (%s)", *s, o->arg);
					return 1;
				}
			}
			if (add_item(out, o->id, value, a)) {
				cli_parsed_free(out);
				*status = cli_error("out of memory");
				return 1;
			}
			if (value)
				break;
		}
	}
	return 0;
}

/* ---- help ---- */

/* The command a subcommand belongs to ("history" for "add"), or NULL. */
static const char *parent_of(const cli_cmd *cmd)
{
	for (const cli_cmd *c = cli_commands; c->name; c++)
		for (const cli_cmd *s = c->subcommands; s && s->name; s++)
			if (s == cmd)
				return c->name;
	return NULL;
}

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
