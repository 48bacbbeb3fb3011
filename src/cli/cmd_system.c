/* cmd_system.c - `tach system show|tune|reset`: what on this machine makes
 * numbers noisy, and the safe settings that make it quieter, applied and
 * undone (the checks and the settings are the library's, tach/system.h;
 * this file prints them and refuses what this process may not do).
 *
 * TACH_SYSTEM_ROOT, when set, is the directory standing for "/" (a fake
 * tree of /sys and /proc files): for tests, which must not write the
 * real sysfs.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/commands.h"

const char cmd_system_details[] =
	"show lists what makes timings on this machine noisy -- the CPU frequency\n"
	"governor, turbo boost, SMT, the load, isolated CPUs, ASLR,\n"
	"perf_event_paranoid, the memory cgroup tach run uses, a virtual machine --\n"
	"each as OK, INFO or WARN with what it does to the numbers and what to do.\n"
	"tune (as root) sets the governor to 'performance' and turns turbo off,\n"
	"saving the values it replaces in /run/tach/tune.json; reset writes them\n"
	"back.  Nothing else is changed (docs/cli.md says why).";

enum { OPT_FORMAT = 1, OPT_DRY_RUN };

static const cli_opt show_opts[] = {
	CLI_VALUE(OPT_FORMAT, "format", 'f', "FMT", "text (default) or json"),
	CLI_END,
};
static const cli_opt tune_opts[] = {
	CLI_FLAG(OPT_DRY_RUN, "dry-run", 'n', "print what would be changed, change nothing"),
	CLI_END,
};
static const cli_opt reset_opts[] = {CLI_END};

static const char *root_dir(void)
{
	const char *r = getenv("TACH_SYSTEM_ROOT");
	return r && *r ? r : NULL;
}

int cli_cpus_arg(const char *spelled, const char *value, tach_cpus *out)
{
	tach_error err;
	memset(&err, 0, sizeof err);
	if (tach_cpus_parse(value, out, &err)) {
		char why[300];
		snprintf(why, sizeof why, "column %u: %s (a list such as 0,2-3)", err.column,
		         err.message);
		return cli_bad_value(spelled, value, why);
	}
	if (tach_cpus_check(root_dir(), out, &err))
		return cli_bad_value(spelled, value, err.message);
	return 0;
}

/* A string of the machine's (a governor, a DMI vendor) as JSON: escaped
 * as terminal text when it is not UTF-8. */
static json_t *jtext(const char *s)
{
	char buf[400];
	json_t *j = json_string(s);
	return j ? j : json_string(cli_text(buf, sizeof buf, s));
}

static int show_json(const tach_system_report *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < r->n; i++) {
		const tach_finding *f = &r->findings[i];
		char level[8];
		snprintf(level, sizeof level, "%s", tach_finding_level_name(f->level));
		for (char *c = level; *c; c++)
			*c = (char)(*c - 'A' + 'a');
		json_t *o = json_pack("{s:s,s:s,s:o,s:s,s:o}", "check", f->check, "status", level,
		                      "found", jtext(f->found), "effect", f->effect, "advice",
		                      f->advice[0] ? jtext(f->advice) : json_null());
		if (!o || json_array_append_new(arr, o)) {
			json_decref(arr);
			arr = NULL;
		}
	}
	json_t *doc = arr ? json_pack("{s:o}", "findings", arr) : NULL;
	if (!doc)
		return cli_error("out of memory");
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(doc);
	return EXIT_OK;
}

static void show_text(const tach_system_report *r)
{
	static const char *const colour[] = {"\x1b[32m", "\x1b[36m", "\x1b[33m"};
	int c = cli_color_stdout();
	size_t count[3] = {0, 0, 0};
	for (size_t i = 0; i < r->n; i++) {
		const tach_finding *f = &r->findings[i];
		count[f->level]++;
		printf("%s%-4s%s  %-20s ", c ? colour[f->level] : "", tach_finding_level_name(f->level),
		       c ? "\x1b[0m" : "", f->check);
		tach_text_write(stdout, f->found);
		printf("\n%27s%s\n", "", f->effect);
		if (f->advice[0]) {
			printf("%27s-> ", "");
			tach_text_write(stdout, f->advice);
			putchar('\n');
		}
	}
	printf("\n%zu WARN, %zu INFO, %zu OK\n", count[TACH_FINDING_WARN], count[TACH_FINDING_INFO],
	       count[TACH_FINDING_OK]);
}

static int sys_show(int argc, char **argv, const cli_cmd *self)
{
	cli_parsed p;
	int status;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	int json = 0;
	for (size_t i = 0; i < p.n && !status; i++) {
		json = !strcmp(p.items[i].value, "json");
		if (!json && strcmp(p.items[i].value, "text"))
			status = cli_bad_value(p.items[i].spelled, p.items[i].value, "use text or json");
	}
	if (!status && p.npos)
		status = cli_error("'system show' takes no arguments");
	if (!status) {
		tach_system_report r;
		tach_system_check(root_dir(), &r);
		if (json)
			status = show_json(&r);
		else
			show_text(&r);
	}
	cli_parsed_free(&p);
	return status;
}

/* Refuses, naming every setting this process may not write, when there
 * is one: on a real machine these need root.  EXIT_USAGE or 0. */
static int need_root(const char *what, const tach_setting_list *l)
{
	size_t denied = 0;
	for (size_t i = 0; i < l->n; i++)
		denied += l->items[i].error != 0;
	if (!denied)
		return 0;
	cli_error("'system %s' needs root: %zu setting%s cannot be written by this user", what,
	          denied, denied == 1 ? "" : "s");
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].error)
			fprintf(stderr, "  %s: %s\n", l->items[i].path, tach_strerror(l->items[i].error));
	fprintf(stderr, "run 'sudo tach system %s'%s\n", what,
	        strcmp(what, "tune") ? "" : " ('tach system tune --dry-run' shows the changes)");
	return EXIT_USAGE;
}

/* One line per setting: "verb  PATH  FROM -> TO", or why it failed (in a
 * plan, its error only says this user may not write it).  EXIT_USAGE when
 * a write failed. */
static int print_settings(const char *verb, const tach_setting_list *l, int plan)
{
	int status = EXIT_OK;
	for (size_t i = 0; i < l->n; i++) {
		const tach_setting *s = &l->items[i];
		char from[160], to[160];
		printf("%-9s %s  %s -> %s", s->error && !plan ? "failed" : verb, s->path,
		       cli_text(from, sizeof from, s->from), cli_text(to, sizeof to, s->to));
		if (s->error && plan)
			printf("  (needs root)");
		else if (s->error) {
			printf(": %s", tach_strerror(s->error));
			status = EXIT_USAGE;
		}
		putchar('\n');
	}
	return status;
}

static int library_error(int rc, const tach_error *err)
{
	return cli_error("%s", err->message[0] ? err->message : tach_strerror(rc));
}

static int sys_tune(int argc, char **argv, const cli_cmd *self)
{
	cli_parsed p;
	int status;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	int dry = p.n > 0; /* --dry-run is the only option */
	if (p.npos)
		status = cli_error("'system tune' takes no arguments");
	tach_setting_list plan = {0}, done = {0};
	tach_error err;
	memset(&err, 0, sizeof err);
	if (!status && tach_system_tune_plan(root_dir(), &plan))
		status = cli_error("out of memory");
	if (!status && !plan.n) {
		printf("nothing to tune: the governor and turbo are already set, or not available "
		       "here ('tach system show' says which)\n");
	} else if (!status && dry) {
		status = print_settings("would set", &plan, 1);
	} else if (!status && !(status = need_root("tune", &plan))) {
		int rc = tach_system_tune(root_dir(), &done, &err);
		if (rc && rc != TACH_EIO)
			status = library_error(rc, &err);
		else
			status = print_settings("set", &done, 0);
		if (done.n)
			cli_note("the values replaced are saved in %s%s; 'tach system reset' restores them",
			         root_dir() ? root_dir() : "", TACH_SYSTEM_STATE);
	}
	tach_setting_list_release(&plan);
	tach_setting_list_release(&done);
	cli_parsed_free(&p);
	return status;
}

static int sys_reset(int argc, char **argv, const cli_cmd *self)
{
	cli_parsed p;
	int status;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	if (p.npos)
		status = cli_error("'system reset' takes no arguments");
	tach_setting_list saved = {0}, done = {0};
	tach_error err;
	memset(&err, 0, sizeof err);
	int rc = status ? 0 : tach_system_saved(root_dir(), &saved, &err);
	if (rc)
		status = library_error(rc, &err);
	if (!status && !saved.n)
		printf("nothing to reset: no %s%s ('tach system tune' has not run since boot, or "
		       "was reset)\n", root_dir() ? root_dir() : "", TACH_SYSTEM_STATE);
	else if (!status && !(status = need_root("reset", &saved))) {
		rc = tach_system_reset(root_dir(), &done, &err);
		if (rc && rc != TACH_EIO)
			status = library_error(rc, &err);
		else
			status = print_settings("restored", &done, 0);
		if (rc == TACH_EIO)
			cli_note("%s%s is kept: run 'tach system reset' again", root_dir() ? root_dir() : "",
			         TACH_SYSTEM_STATE);
	}
	tach_setting_list_release(&saved);
	tach_setting_list_release(&done);
	cli_parsed_free(&p);
	return status;
}

const cli_cmd cmd_system_subs[] = {
	{"show", sys_show, NULL, "check what makes numbers noisy on this machine", NULL, show_opts,
	 NULL},
	{"tune", sys_tune, NULL,
	 "as root: CPU governor 'performance', turbo off; the old values are saved", NULL,
	 tune_opts, NULL},
	{"reset", sys_reset, NULL, "as root: restore the values 'tach system tune' saved", NULL,
	 reset_opts, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

int cmd_system(int argc, char **argv, const cli_cmd *self)
{
	return cli_dispatch(cmd_system_subs, argc, argv, self);
}
