/* completion.c - shell completion scripts for bash, zsh and fish, written
 * from the command table (commands.c), the subcommand tables and every
 * command's option table, so a new command or option completes without a
 * change here.  The hidden `tach help --completion SHELL` prints one;
 * meson runs it at build time and installs the three (completions/).
 *
 * What an option's value completes to is read from its table entry: a
 * metavariable naming FILE or PATH completes file names, DIR directories;
 * the choices are the words of a metavariable written `a|b|c`, or of the
 * help's list around the word marked "(default)" -- "text (default),
 * markdown, json or csv" -- the convention every --format help follows.
 */
#include <ctype.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

/* The options main.c takes before the command, parsed there by hand. */
static const cli_opt global_opts[] = {
	CLI_FLAG(1, "version", 'V', "print tach's version"),
	CLI_VALUE_N(2, "color", 0, "WHEN", "colour: auto (default), always or never", -1),
	CLI_END,
};

enum { MAX_CHOICES = 16, CHOICE_LEN = 24 };

/* What the value of an option completes to. */
typedef struct value {
	int files, dirs;                       /* file or directory names */
	char words[MAX_CHOICES][CHOICE_LEN];   /* fixed choices */
	size_t n;
} value;

static int is_word(const char *s, size_t len)
{
	if (!len || len >= CHOICE_LEN || !islower((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && !strchr("-_", s[i]))
			return 0;
	return 1;
}

static void add_word(value *v, const char *s, size_t len)
{
	if (v->n < MAX_CHOICES && is_word(s, len)) {
		memcpy(v->words[v->n], s, len);
		v->words[v->n++][len] = 0;
	}
}

/* The help's list around "(default)": words joined by ", " and a final
 * " or ", parentheticals skipped.  Tokens are cut at blanks; a token
 * keeps its trailing comma as the separator to the next item. */
static void help_choices(const char *help, value *v)
{
	const char *def = strstr(help, "(default");
	if (!def)
		return;
	/* back to the start of the list: item by item while a comma (or the
	 * default's parenthetical) joins it to the next */
	const char *start = def;
	while (start > help && start[-1] == ' ')
		start--;
	while (start > help && start[-1] != ' ')
		start--; /* the default word itself */
	for (;;) {
		const char *p = start;
		while (p > help && p[-1] == ' ')
			p--;
		if (p == help || p[-1] != ',')
			break;
		const char *w = p - 1;
		while (w > help && w[-1] != ' ')
			w--;
		if (!is_word(w, (size_t)(p - 1 - w)))
			break;
		start = w;
	}
	/* forward: words, skipping parentheticals, until a word not followed
	 * by a comma or "or"; after "or" one more word ("a"/"an" skipped: "or
	 * a FILE" says files too) */
	const char *p = start;
	int final = 0; /* after "or": the next word ends the list */
	while (*p) {
		while (*p == ' ')
			p++;
		if (*p == '(') {
			const char *close = strchr(p, ')');
			if (!close)
				break;
			p = close + 1;
			continue;
		}
		const char *w = p;
		while (*p && *p != ' ' && *p != ',' && *p != '(')
			p++;
		size_t len = (size_t)(p - w);
		if ((len == 1 && *w == 'a') || (len == 2 && !strncmp(w, "an", 2)))
			continue;
		if (len == 2 && !strncmp(w, "or", 2)) {
			final = 1;
			continue;
		}
		if (!is_word(w, len)) {
			v->files |= len >= 4 && strstr(w, "FILE") != NULL;
			break;
		}
		add_word(v, w, len);
		if (final)
			break;
		/* go on only through a comma or an "or" (parentheticals between) */
		const char *q = p;
		while (*q == ' ' || *q == '(') {
			if (*q == '(') {
				const char *close = strchr(q, ')');
				q = close ? close + 1 : q + strlen(q);
			} else {
				q++;
			}
		}
		if (*q == ',')
			p = q + 1;
		else if (!strncmp(q, "or ", 3))
			p = q;
		else
			break;
	}
	/* one word is no list: "a shell (default /bin/sh)" */
	if (v->n < 2)
		v->n = 0;
}

static void value_of(const cli_opt *o, value *v)
{
	memset(v, 0, sizeof *v);
	if (!o->arg)
		return;
	v->files = strstr(o->arg, "FILE") != NULL || strstr(o->arg, "PATH") != NULL;
	v->dirs = strstr(o->arg, "DIR") != NULL;
	/* `a|b|c` of lowercase words */
	if (strchr(o->arg, '|')) {
		value alt = {0};
		size_t parts = 0;
		for (const char *p = o->arg;; parts++) {
			size_t len = strcspn(p, "|");
			add_word(&alt, p, len);
			if (!p[len])
				break;
			p += len + 1;
		}
		if (alt.n == parts + 1) {
			memcpy(v->words, alt.words, sizeof alt.words);
			v->n = alt.n;
			return;
		}
	}
	help_choices(o->help, v);
}

/* Every command's option tables, visited in table order: cmd, and sub
 * (NULL for a command without subcommands). */
typedef void (*visit_fn)(FILE *f, const cli_cmd *cmd, const cli_cmd *sub);

static void each_table(FILE *f, visit_fn fn)
{
	for (const cli_cmd *c = cli_commands; c->name; c++) {
		if (!c->subcommands) {
			fn(f, c, NULL);
			continue;
		}
		for (const cli_cmd *s = c->subcommands; s->name; s++)
			fn(f, c, s);
	}
}

static const cli_opt *opts_of(const cli_cmd *cmd, const cli_cmd *sub)
{
	return sub ? sub->opts : cmd->opts;
}

/* text inside single quotes of bash, zsh or fish: ' closes, reopens */
static void quoted(FILE *f, const char *s, const char *quote_escape, const char *extra)
{
	for (; *s; s++) {
		if (*s == '\'')
			fputs(quote_escape, f);
		else if (extra && strchr(extra, *s))
			fprintf(f, "\\%c", *s);
		else
			fputc(*s, f);
	}
}

static void words_of(FILE *f, const value *v)
{
	for (size_t i = 0; i < v->n; i++)
		fprintf(f, "%s%s", i ? " " : "", v->words[i]);
}

/* ---- bash ---- */

static void bash_key(FILE *f, const cli_cmd *cmd, const cli_cmd *sub)
{
	fprintf(f, "%s%s%s", cmd ? cmd->name : "", sub ? "/" : "", sub ? sub->name : "");
}

static void bash_opts(FILE *f, const cli_cmd *cmd, const cli_cmd *sub)
{
	fputs("\t", f);
	bash_key(f, cmd, sub);
	fputs(") REPLY='", f);
	for (const cli_opt *o = opts_of(cmd, sub); o && o->id; o++) {
		fprintf(f, "--%s ", o->name);
		if (o->short_name)
			fprintf(f, "-%c ", o->short_name);
	}
	fputs("--help -h' ;;\n", f);
}

/* one case of _tach_value: "KEY OPTION" (or "KEY OPTION=" for the
 * attached form) -> the kind */
static void bash_values_of(FILE *f, const cli_cmd *cmd, const cli_cmd *sub, const cli_opt *opts)
{
	for (const cli_opt *o = opts; o && o->id; o++) {
		if (!o->arg)
			continue;
		value v;
		value_of(o, &v);
		int optional = cli_opt_values(o) < 0; /* only attached: --name=V */
		fputs("\t", f);
		const char *sep = "";
		for (int eq = optional; eq < 2; eq++) {
			fprintf(f, "%s'", sep);
			bash_key(f, cmd, sub);
			fprintf(f, " --%s%s'", o->name, eq ? "=" : "");
			sep = "|";
			if (o->short_name && !eq) {
				fputs("|'", f);
				bash_key(f, cmd, sub);
				fprintf(f, " -%c'", o->short_name);
			}
		}
		fputs(") REPLY='", f);
		if (v.n) {
			fputs(v.files ? "wf " : "w ", f);
			words_of(f, &v);
		} else {
			fputs(v.dirs ? "d" : v.files ? "f" : "-", f);
		}
		fputs("' ;;\n", f);
	}
}

static void bash_values(FILE *f, const cli_cmd *cmd, const cli_cmd *sub)
{
	bash_values_of(f, cmd, sub, opts_of(cmd, sub));
}

static void bash(FILE *f)
{
	fputs("# bash completion for tach(1): written by 'tach help --completion bash'\n"
	      "# from tach's command and option tables; do not edit.\n\n"
	      "_tach_commands='", f);
	for (const cli_cmd *c = cli_commands; c->name; c++)
		fprintf(f, "%s%s", c == cli_commands ? "" : " ", c->name);
	fputs("'\n\n# The subcommands of command $1.\n_tach_subs()\n{\n\tcase $1 in\n", f);
	for (const cli_cmd *c = cli_commands; c->name; c++) {
		if (!c->subcommands)
			continue;
		fprintf(f, "\t%s) REPLY='", c->name);
		for (const cli_cmd *s = c->subcommands; s->name; s++)
			fprintf(f, "%s%s", s == c->subcommands ? "" : " ", s->name);
		fputs("' ;;\n", f);
	}
	fputs("\t*) REPLY= ;;\n\tesac\n}\n\n"
	      "# The options of command $1 (\"history/list\" for a subcommand).\n"
	      "_tach_opts()\n{\n\tcase $1 in\n\t'') REPLY='--help -h", f);
	for (const cli_opt *o = global_opts; o->id; o++) {
		fprintf(f, " --%s", o->name);
		if (o->short_name)
			fprintf(f, " -%c", o->short_name);
	}
	fputs("' ;;\n", f);
	each_table(f, bash_opts);
	fputs("\t*) REPLY='--help -h' ;;\n\tesac\n}\n\n"
	      "# The value of option $2 of command $1: 'w WORDS' (one of the words),\n"
	      "# 'wf WORDS' (or a file), f (a file), d (a directory), - (anything);\n"
	      "# empty for a flag.\n"
	      "_tach_value()\n{\n\tcase \"$1 $2\" in\n", f);
	bash_values_of(f, NULL, NULL, global_opts);
	each_table(f, bash_values);
	fputs("\t*) REPLY= ;;\n\tesac\n}\n\n", f);
	fputs("_tach()\n"
	      "{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= sub= i w REPLY\n"
	      "\t(( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tCOMPREPLY=()\n"
	      "\t# the command, and its subcommand: the first words that are not options\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\t[[ $w == -* || $w == = ]] && continue\n"
	      "\t\t[[ ${COMP_WORDS[i-1]} == = ]] && continue\n"
	      "\t\tif [[ -z $cmd ]]; then\n"
	      "\t\t\tcmd=$w\n"
	      "\t\t\t_tach_subs \"$cmd\"\n"
	      "\t\t\t[[ -n $REPLY ]] || break\n"
	      "\t\telse\n"
	      "\t\t\tsub=$w\n"
	      "\t\t\tbreak\n"
	      "\t\tfi\n"
	      "\tdone\n"
	      "\tlocal key=$cmd${sub:+/$sub}\n"
	      "\t# an option's value: --name VALUE, or --name=VALUE (which bash splits at =)\n"
	      "\tlocal opt=$prev eq=\n"
	      "\tif [[ $cur == = ]]; then\n"
	      "\t\teq='='; cur=\n"
	      "\telif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then\n"
	      "\t\teq='='; opt=${COMP_WORDS[COMP_CWORD-2]}\n"
	      "\tfi\n"
	      "\t[[ -n $eq ]] && opt=${opt}=\n"
	      "\tif [[ $opt == -* ]]; then\n"
	      "\t\t_tach_value \"$key\" \"$opt\"\n"
	      "\t\tcase $REPLY in\n"
	      "\t\tw\\ *) COMPREPLY=($(compgen -W \"${REPLY#w }\" -- \"$cur\")); return 0 ;;\n"
	      "\t\twf\\ *)\n"
	      "\t\t\tcompopt -o filenames 2>/dev/null\n"
	      "\t\t\tCOMPREPLY=($(compgen -W \"${REPLY#wf }\" -- \"$cur\") $(compgen -f -- \"$cur\"))\n"
	      "\t\t\treturn 0 ;;\n"
	      "\t\tf) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n"
	      "\t\td) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\")); return 0 ;;\n"
	      "\t\t-) return 0 ;;\n"
	      "\t\tesac\n"
	      "\tfi\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\t_tach_opts \"$key\"\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$REPLY\" -- \"$cur\"))\n"
	      "\telif [[ -z $cmd ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$_tach_commands\" -- \"$cur\"))\n"
	      "\telif _tach_subs \"$cmd\"; [[ -n $REPLY && -z $sub ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$REPLY\" -- \"$cur\"))\n", f);
	/* the commands whose operands are command names (help) */
	const char *sep = "\telif [[ ";
	int any = 0;
	for (const cli_cmd *c = cli_commands; c->name; c++)
		if (c->run == cmd_help) {
			fprintf(f, "%s$cmd == %s", sep, c->name);
			sep = " || ";
			any = 1;
		}
	if (any)
		fputs(" ]]; then\n\t\tCOMPREPLY=($(compgen -W \"$_tach_commands\" -- \"$cur\"))\n", f);
	fputs("\telse\n"
	      "\t\tcompopt -o filenames 2>/dev/null\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\tfi\n"
	      "\treturn 0\n"
	      "}\n\n"
	      "complete -F _tach tach\n", f);
}

/* ---- zsh ---- */

static void zsh_name(FILE *f, const cli_cmd *cmd, const cli_cmd *sub)
{
	fprintf(f, "_tach_%s%s%s", cmd->name, sub ? "_" : "", sub ? sub->name : "");
}

/* one _arguments spec per option: '(-f --format)'{-f+,--format=}'[help]:FMT:(a b)' */
static void zsh_spec(FILE *f, const cli_opt *o)
{
	int n = cli_opt_values(o);
	int repeat = o->arg && n > 0 && (o->nargs & CLI_REPEAT); /* -1 has every bit */
	const char *suffix = !o->arg ? "" : n < 0 ? "=-" : "=";
	const char *short_suffix = !o->arg ? "" : n < 0 ? "-" : "+";
	fputs("\t\t", f);
	if (o->short_name) {
		if (repeat)
			fputs("'*'", f);
		else
			fprintf(f, "'(-%c --%s)'", o->short_name, o->name);
		fprintf(f, "{-%c%s,--%s%s}'[", o->short_name, short_suffix, o->name, suffix);
	} else {
		fprintf(f, "'%s--%s%s[", repeat ? "*" : "", o->name, suffix);
	}
	quoted(f, o->help, "'\\''", "[]\\");
	fputc(']', f);
	if (o->arg) {
		value v;
		value_of(o, &v);
		/* one ':MESSAGE:ACTION' per value word (NAME MIN MAX) */
		char arg[128];
		snprintf(arg, sizeof arg, "%s", o->arg);
		int words = n > 1 ? n : 1;
		char *save = NULL, *w = words > 1 ? strtok_r(arg, " ", &save) : arg;
		for (int i = 0; i < words; i++) {
			fputs(n < 0 ? "::" : ":", f);
			quoted(f, w ? w : "VALUE", "'\\''", ":");
			fputc(':', f);
			if (i == 0 && v.n && v.files) {
				fputs("{_alternative \"words:value:(", f);
				words_of(f, &v);
				fputs(")\" \"files:file:_files\"}", f);
			} else if (i == 0 && v.n) {
				fputs("(", f);
				words_of(f, &v);
				fputs(")", f);
			} else if (i == 0 && v.dirs) {
				fputs("_files -/", f);
			} else if (i == 0 && v.files) {
				fputs("_files", f);
			} else {
				fputs(" ", f);
			}
			if (words > 1)
				w = strtok_r(NULL, " ", &save);
		}
	}
	fputs("' \\\n", f);
}

static void zsh_help_spec(FILE *f)
{
	fputs("\t\t'(- *)'{-h,--help}'[show this help and exit]' \\\n", f);
}

static void zsh_describe(FILE *f, const char *array, const cli_cmd *table)
{
	fprintf(f, "\tlocal -a %s\n\t%s=(\n", array, array);
	for (const cli_cmd *c = table; c->name; c++) {
		fprintf(f, "\t\t'%s:", c->name);
		quoted(f, c->summary ? c->summary : "", "'\\''", NULL);
		fputs("'\n", f);
	}
	fputs("\t)\n", f);
}

static void zsh_function(FILE *f, const cli_cmd *cmd, const cli_cmd *sub)
{
	zsh_name(f, cmd, sub);
	fputs("()\n{\n\t_arguments -s -S \\\n", f);
	for (const cli_opt *o = opts_of(cmd, sub); o && o->id; o++)
		zsh_spec(f, o);
	zsh_help_spec(f);
	if (cmd->run == cmd_help) {
		fputs("\t\t'*:command:(", f);
		for (const cli_cmd *c = cli_commands; c->name; c++)
			fprintf(f, "%s%s", c == cli_commands ? "" : " ", c->name);
		fputs(")'\n}\n\n", f);
	} else {
		fputs("\t\t'*:file:_files'\n}\n\n", f);
	}
}

/* a command with subcommands: the subcommand, then its function */
static void zsh_dispatch(FILE *f, const cli_cmd *cmd)
{
	fprintf(f, "_tach_%s()\n{\n\tlocal curcontext=$curcontext state line\n"
	           "\t_arguments -C \\\n", cmd->name);
	zsh_help_spec(f);
	fputs("\t\t'1:subcommand:->sub' \\\n\t\t'*::arg:->args'\n"
	      "\tcase $state in\n\tsub)\n", f);
	zsh_describe(f, "subs", cmd->subcommands);
	fprintf(f, "\t\t_describe -t subcommands 'tach %s subcommand' subs ;;\n"
	           "\targs)\n\t\tcase $words[1] in\n", cmd->name);
	for (const cli_cmd *s = cmd->subcommands; s->name; s++) {
		fprintf(f, "\t\t%s) ", s->name);
		zsh_name(f, cmd, s);
		fputs(" ;;\n", f);
	}
	fputs("\t\tesac ;;\n\tesac\n}\n\n", f);
}

static void zsh(FILE *f)
{
	fputs("#compdef tach\n"
	      "# zsh completion for tach(1): written by 'tach help --completion zsh'\n"
	      "# from tach's command and option tables; do not edit.\n\n", f);
	each_table(f, zsh_function);
	for (const cli_cmd *c = cli_commands; c->name; c++)
		if (c->subcommands)
			zsh_dispatch(f, c);
	fputs("_tach_main()\n{\n\tlocal curcontext=$curcontext state line\n"
	      "\t_arguments -C \\\n", f);
	zsh_help_spec(f);
	for (const cli_opt *o = global_opts; o->id; o++)
		zsh_spec(f, o);
	fputs("\t\t'1:command:->command' \\\n\t\t'*::arg:->args'\n"
	      "\tcase $state in\n\tcommand)\n", f);
	zsh_describe(f, "cmds", cli_commands);
	fputs("\t\t_describe -t commands 'tach command' cmds ;;\n"
	      "\targs)\n\t\tcase $words[1] in\n", f);
	for (const cli_cmd *c = cli_commands; c->name; c++)
		fprintf(f, "\t\t%s) _tach_%s ;;\n", c->name, c->name);
	fputs("\t\tesac ;;\n\tesac\n}\n\n_tach_main \"$@\"\n", f);
}

/* ---- fish ---- */

static void fish_text(FILE *f, const char *s)
{
	fputc('\'', f);
	quoted(f, s ? s : "", "\\'", "\\");
	fputc('\'', f);
}

static void fish_option(FILE *f, const char *cond, const cli_opt *o)
{
	fprintf(f, "complete -c tach -n %s", cond);
	if (o->short_name)
		fprintf(f, " -s %c", o->short_name);
	fprintf(f, " -l %s", o->name);
	if (o->arg) {
		value v;
		value_of(o, &v);
		if (v.n) {
			fputs(v.files ? " -r -F -a '" : " -x -a '", f);
			words_of(f, &v);
			fputc('\'', f);
		} else if (v.dirs) {
			fputs(" -x -a '(__fish_complete_directories)'", f);
		} else {
			fputs(v.files ? " -r -F" : " -x", f);
		}
	}
	fputs(" -d ", f);
	fish_text(f, o->help);
	fputc('\n', f);
}

static void fish_table(FILE *f, const cli_cmd *cmd, const cli_cmd *sub)
{
	char cond[128];
	if (sub)
		snprintf(cond, sizeof cond, "'__tach_sub %s %s'", cmd->name, sub->name);
	else
		snprintf(cond, sizeof cond, "'__tach_cmd %s'", cmd->name);
	for (const cli_opt *o = opts_of(cmd, sub); o && o->id; o++)
		fish_option(f, cond, o);
	fprintf(f, "complete -c tach -n %s -s h -l help -d 'show this help and exit'\n", cond);
	if (cmd->run == cmd_help) {
		fprintf(f, "complete -c tach -f -n %s -a '", cond);
		for (const cli_cmd *c = cli_commands; c->name; c++)
			fprintf(f, "%s%s", c == cli_commands ? "" : " ", c->name);
		fputs("'\n", f);
	}
}

static void fish(FILE *f)
{
	fputs("# fish completion for tach(1): written by 'tach help --completion fish'\n"
	      "# from tach's command and option tables; do not edit.\n\n"
	      "# the words typed so far that are not options: the command, the subcommand\n"
	      "function __tach_pos\n"
	      "\tset -l words (commandline -opc)\n"
	      "\tset -e words[1]\n"
	      "\tfor w in $words\n"
	      "\t\tstring match -q -- '-*' $w; or echo $w\n"
	      "\tend\n"
	      "end\n"
	      "function __tach_none\n"
	      "\ttest (count (__tach_pos)) -eq 0\n"
	      "end\n"
	      "function __tach_cmd\n"
	      "\tset -l pos (__tach_pos)\n"
	      "\ttest (count $pos) -ge 1; and test \"$pos[1]\" = $argv[1]\n"
	      "end\n"
	      "function __tach_nosub\n"
	      "\tset -l pos (__tach_pos)\n"
	      "\ttest (count $pos) -eq 1; and test \"$pos[1]\" = $argv[1]\n"
	      "end\n"
	      "function __tach_sub\n"
	      "\tset -l pos (__tach_pos)\n"
	      "\ttest (count $pos) -ge 2; and test \"$pos[1]\" = $argv[1]; and test \"$pos[2]\" = $argv[2]\n"
	      "end\n\n", f);
	fputs("complete -c tach -n __tach_none -s h -l help -d 'show help and exit'\n", f);
	for (const cli_opt *o = global_opts; o->id; o++)
		fish_option(f, "__tach_none", o);
	for (const cli_cmd *c = cli_commands; c->name; c++) {
		fprintf(f, "complete -c tach -f -n __tach_none -a %s -d ", c->name);
		fish_text(f, c->summary);
		fputc('\n', f);
		for (const cli_cmd *s = c->subcommands; s && s->name; s++) {
			fprintf(f, "complete -c tach -f -n '__tach_nosub %s' -a %s -d ", c->name, s->name);
			fish_text(f, s->summary);
			fputc('\n', f);
		}
	}
	fputc('\n', f);
	each_table(f, fish_table);
}

int cli_completion(const char *shell, FILE *f)
{
	static const struct {
		const char *name;
		void (*write)(FILE *f);
	} shells[] = {{"bash", bash}, {"zsh", zsh}, {"fish", fish}};
	for (size_t i = 0; i < sizeof shells / sizeof *shells; i++)
		if (!strcmp(shell, shells[i].name)) {
			shells[i].write(f);
			return 0;
		}
	return -1;
}
