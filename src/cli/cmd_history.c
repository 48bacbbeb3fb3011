/* cmd_history.c - `tach history add|list|show|rm|export|import` and
 * `tach baseline set|list`: the runs in the store.
 *
 * export writes JSON lines, one complete result set per run (the results
 * format on one line), oldest first; import reads them back in one
 * transaction, all or nothing, so that a rerun after fixing a bad line
 * adds no run twice: the way to back up a store or move it between SQLite
 * and PostgreSQL.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "cli/testbed.h"

const char cmd_history_details[] =
	"Runs are stored in a SQLite file (default .tach/history.db at the top of the\n"
	"git work tree; made by the first command that adds a run, while list, show\n"
	"and export say \"no history at ...\") or in PostgreSQL (--db postgresql://...\n"
	"or TACH_DB).  Wherever a results file is accepted (compare, gate, show,\n"
	"history show), a run of the history works too: #ID, @NAME (a baseline),\n"
	"@latest, @latest~N, @BRANCH, @HEAD~N, or a commit hash.  @latest, @BRANCH and\n"
	"@HEAD~N choose among this machine's runs (its testbed), else warn and take\n"
	"another testbed's; REF:TESTBED (@main:ci-3) names the testbed.";

enum { OPT_DB = 1, OPT_LABEL, OPT_BENCH, OPT_BRANCH, OPT_SINCE, OPT_LIMIT, OPT_FORMAT, OPT_OUT,
       OPT_TESTBED };

#define DB_OPT CLI_VALUE(OPT_DB, "db", 0, "PATH|URL", "the history (default: $TACH_DB, else .tach/history.db)")

static const cli_opt add_opts[] = {
	DB_OPT,
	CLI_VALUE_N(OPT_LABEL, "label", 'l', "KEY=VALUE", "a label stored with the run (repeatable)", CLI_REPEAT),
	CLI_VALUE(OPT_TESTBED, "testbed", 0, "NAME", "the testbed the runs are stored under (default: each file's own)"),
	CLI_END,
};
static const cli_opt list_opts[] = {
	DB_OPT,
	CLI_VALUE(OPT_BENCH, "bench", 'b', "PATTERN", "only runs with a benchmark matching the glob"),
	CLI_VALUE(OPT_BRANCH, "branch", 0, "NAME", "only runs on this git branch"),
	CLI_VALUE(OPT_TESTBED, "testbed", 0, "NAME", "only runs of this testbed"),
	CLI_VALUE(OPT_SINCE, "since", 0, "DATE", "only runs measured at or after DATE (2026-11-01)"),
	CLI_NUMBER(OPT_LIMIT, "limit", 'n', "N", "at most N runs (newest first)", 1, 0),
	CLI_VALUE(OPT_FORMAT, "format", 'f', "FMT", "text (default) or json"),
	CLI_END,
};
static const cli_opt show_opts[] = {
	DB_OPT,
	CLI_VALUE(OPT_FORMAT, "format", 'f', "FMT", "text (default), json (the results file), markdown or csv"),
	CLI_END,
};
static const cli_opt db_opts[] = {DB_OPT, CLI_END};
static const cli_opt export_opts[] = {
	DB_OPT,
	CLI_VALUE(OPT_OUT, "output", 'o', "FILE", "write to FILE (default: standard output)"),
	CLI_END,
};

/* Options shared by every history subcommand: --db, then the rest. */
typedef struct hist {
	cli_parsed p;
	const char *db;
	tach_store *store;
} hist;

/* Parses the options and opens the store: for a command that only reads
 * (readonly), an existing store only, read-only, else "no history at"
 * it; for one that writes, created when missing. */
/* The options, and which store they name: 0, or 1 with *status set. */
static int parse_hist(hist *h, int argc, char **argv, const cli_cmd *self, int *status)
{
	memset(h, 0, sizeof *h);
	if (cli_parse(self, argc, argv, &h->p, status))
		return 1;
	for (size_t i = 0; i < h->p.n; i++)
		if (h->p.items[i].id == OPT_DB)
			h->db = h->p.items[i].value;
	*status = EXIT_OK;
	return 0;
}

/* Opens the store parse_hist found (a writer's connection makes it). */
static int open_parsed(hist *h, int readonly, int *status)
{
	tach_error err;
	const char *where = h->db ? h->db : cli_db;
	if ((readonly ? tach_store_open_readonly : tach_store_open)(where, &h->store, &err)) {
		char msg[600];
		tach_error_format(&err, msg, sizeof msg);
		cli_error("%s", msg);
		*status = EXIT_USAGE;
		return 1;
	}
	*status = EXIT_OK;
	return 0;
}

static int open_store(hist *h, int argc, char **argv, const cli_cmd *self, int readonly,
                      int *status)
{
	if (parse_hist(h, argc, argv, self, status))
		return 1;
	if (open_parsed(h, readonly, status)) {
		cli_parsed_free(&h->p);
		return 1;
	}
	return 0;
}

static int done(hist *h, int status)
{
	tach_store_close(h->store);
	cli_parsed_free(&h->p);
	return status;
}

static int store_error(const tach_error *err)
{
	char msg[600];
	tach_error_format(err, msg, sizeof msg);
	fflush(stdout);
	cli_error("%s", msg);
	return EXIT_USAGE;
}

static int hist_add(int argc, char **argv, const cli_cmd *self)
{
	hist h;
	int status;
	/* options and files first: a mistake in them makes no store */
	if (parse_hist(&h, argc, argv, self, &status))
		return status;
	tach_kvlist labels = {0};
	const char *testbed = NULL;
	for (size_t i = 0; i < h.p.n && !status; i++)
		if (h.p.items[i].id == OPT_LABEL)
			status = cli_label_arg(h.p.items[i].spelled, h.p.items[i].value, &labels);
		else if (h.p.items[i].id == OPT_TESTBED)
			status = cli_testbed_check(h.p.items[i].spelled, testbed = h.p.items[i].value);
	if (!status && !h.p.npos)
		status = cli_error("no results file to add");
	/* every file is read before anything is added */
	tach_result **rs = calloc(h.p.npos + 1, sizeof *rs);
	for (size_t i = 0; !status && i < h.p.npos; i++)
		if (!rs || cli_read_results(h.p.pos[i], &rs[i]) || cli_testbed_set(rs[i], testbed))
			status = EXIT_USAGE;
	if (!status)
		open_parsed(&h, 0, &status);
	for (size_t i = 0; !status && i < h.p.npos; i++) {
		int64_t id;
		tach_error err;
		char path[1024];
		if (tach_store_add(h.store, rs[i], &labels, &id, &err))
			status = store_error(&err);
		else
			printf("#%lld  %s  (%zu benchmarks)\n", (long long)id,
			       cli_text(path, sizeof path, h.p.pos[i]), rs[i]->n_benchmarks);
	}
	for (size_t i = 0; rs && i < h.p.npos; i++)
		tach_result_free(rs[i]);
	free(rs);
	tach_kvlist_release(&labels);
	return done(&h, status);
}

static int hist_list(int argc, char **argv, const cli_cmd *self)
{
	hist h;
	int status;
	if (open_store(&h, argc, argv, self, 1, &status))
		return status;
	tach_run_filter f = {0};
	int json = 0;
	for (size_t i = 0; i < h.p.n && !status; i++) {
		const char *v = h.p.items[i].value, *sp = h.p.items[i].spelled;
		switch (h.p.items[i].id) {
		case OPT_BENCH: f.bench = v; break;
		case OPT_BRANCH: f.branch = v; break;
		case OPT_TESTBED: f.testbed = v; status = cli_testbed_check(sp, v); break;
		case OPT_SINCE: f.since = v; break;
		case OPT_LIMIT: f.limit = (size_t)h.p.items[i].count; break;
		case OPT_FORMAT:
			json = !strcmp(v, "json");
			if (!json && strcmp(v, "text"))
				status = cli_bad_value(sp, v, "use text or json");
			break;
		}
	}
	tach_run_info *runs = NULL;
	size_t n = 0;
	tach_error err;
	/* damage can hide whole runs from a listing: check the file first */
	if (!status && (tach_store_verify(h.store, &err) ||
	                tach_store_list(h.store, &f, &runs, &n, &err)))
		status = store_error(&err);
	if (!status && json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n && !status; i++) {
			json_t *o = json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:I}", "id", (json_int_t)runs[i].id,
			                      "timestamp", runs[i].timestamp, "git_commit",
			                      runs[i].git_commit, "git_branch", runs[i].git_branch, "host",
			                      runs[i].hostname, "testbed", runs[i].testbed, "benchmarks",
			                      (json_int_t)runs[i].n_benchmarks);
			if (!o) {
				/* tach stores only UTF-8: anything else is damage, and
				 * leaving the run out would be a shorter answer */
				status = cli_error("%s: run #%lld holds text that is not UTF-8 (a damaged store)",
				                   tach_store_location(h.store), (long long)runs[i].id);
				break;
			}
			json_t *l = json_object();
			for (size_t k = 0; k < runs[i].labels.n; k++)
				json_object_set_new(l, runs[i].labels.items[k].key,
				                    json_string(runs[i].labels.items[k].value));
			json_object_set_new(o, "labels", l);
			json_array_append_new(a, o);
		}
		if (!status) {
			json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
		}
		json_decref(a);
	} else if (!status) {
		char loc[1024], ts[128], commit[64], branch[256], testbed[256];
		if (!n)
			printf("no runs in %s\n", cli_text(loc, sizeof loc, tach_store_location(h.store)));
		for (size_t i = 0; i < n; i++) {
			/* a store is a file anyone may edit: every string escaped */
			const tach_run_info *r = &runs[i];
			printf("#%-5lld %-24s %-12.12s %-16s %-24s %5zu benchmarks", (long long)r->id,
			       cli_text(ts, sizeof ts, r->timestamp),
			       cli_text(commit, sizeof commit, r->git_commit),
			       cli_text(branch, sizeof branch, r->git_branch),
			       cli_text(testbed, sizeof testbed, r->testbed), r->n_benchmarks);
			if (r->git_dirty == 1)
				fputs("  dirty", stdout);
			for (size_t k = 0; k < r->labels.n; k++) {
				fputs(k ? ", " : "  ", stdout);
				tach_text_write(stdout, r->labels.items[k].key);
				putchar('=');
				tach_text_write(stdout, r->labels.items[k].value);
			}
			putchar('\n');
		}
	}
	tach_run_infos_free(runs, n);
	return done(&h, status);
}

static int resolve(hist *h, const char *ref, int64_t *id)
{
	char buf[64];
	/* a bare number is a run id, as `history list` prints it */
	if (ref[0] >= '1' && ref[0] <= '9' && strspn(ref, "0123456789") == strlen(ref)) {
		snprintf(buf, sizeof buf, "#%s", ref);
		ref = buf;
	}
	return cli_resolve(h->store, ref, NULL, id);
}

static int hist_show(int argc, char **argv, const cli_cmd *self)
{
	hist h;
	int status;
	if (open_store(&h, argc, argv, self, 1, &status))
		return status;
	tach_report_format fmt = TACH_REPORT_TEXT;
	for (size_t i = 0; i < h.p.n && !status; i++)
		if (h.p.items[i].id == OPT_FORMAT &&
		    (tach_report_format_parse(h.p.items[i].value, &fmt) || fmt == TACH_REPORT_JUNIT))
			status = cli_bad_value(h.p.items[i].spelled, h.p.items[i].value,
			                       "use text, json, markdown or csv");
	if (!status && h.p.npos != 1)
		status = cli_error("expected one run (#ID, @NAME, @latest, a commit)");
	int64_t id;
	tach_result *r = NULL;
	tach_error err;
	if (!status && !(status = resolve(&h, h.p.pos[0], &id)) &&
	    tach_store_get(h.store, id, &r, &err))
		status = store_error(&err);
	if (!status) {
		char name[64];
		snprintf(name, sizeof name, "run #%lld", (long long)id);
		if (fmt == TACH_REPORT_JSON) {
			if (tach_result_write(r, stdout, &err))
				status = store_error(&err);
		} else {
			tach_report_input in = {r, name};
			tach_report_opts o = {fmt == TACH_REPORT_TEXT && cli_color_stdout(),
			                      !cli_utf8_stdout()};
			tach_report_summary(stdout, &in, 1, fmt, &o);
		}
	}
	tach_result_free(r);
	return done(&h, status);
}

static int hist_rm(int argc, char **argv, const cli_cmd *self)
{
	hist h;
	int status;
	if (open_store(&h, argc, argv, self, 0, &status))
		return status;
	if (!h.p.npos)
		status = cli_error("expected the runs to remove (#ID ...)");
	for (size_t i = 0; !status && i < h.p.npos; i++) {
		int64_t id;
		tach_error err;
		if (!(status = resolve(&h, h.p.pos[i], &id))) {
			if (tach_store_remove(h.store, id, &err))
				status = store_error(&err);
			else
				printf("removed #%lld\n", (long long)id);
		}
	}
	return done(&h, status);
}

static int hist_export(int argc, char **argv, const cli_cmd *self)
{
	hist h;
	int status;
	if (open_store(&h, argc, argv, self, 1, &status))
		return status;
	const char *out_path = NULL;
	for (size_t i = 0; i < h.p.n; i++)
		if (h.p.items[i].id == OPT_OUT)
			out_path = h.p.items[i].value;
	/* the export must not replace the store it reads */
	const char *store_path = tach_store_location(h.store);
	if ((status = cli_out_distinct(&store_path, 1, &out_path, 1)))
		return done(&h, status);
	tach_outfile *of = cli_out_open(out_path);
	if (!of)
		return done(&h, EXIT_USAGE);
	FILE *out = tach_outfile_stream(of);
	tach_run_info *runs = NULL;
	size_t n = 0;
	tach_error err;
	/* a backup must hold every run: a damaged file is an error */
	if (tach_store_verify(h.store, &err) || tach_store_list(h.store, NULL, &runs, &n, &err))
		status = store_error(&err);
	/* oldest first, so that an import keeps the order */
	for (size_t i = n; !status && i-- > 0;) {
		tach_result *r;
		if (tach_store_get(h.store, runs[i].id, &r, &err)) {
			status = store_error(&err);
			break;
		}
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		int rc = mem ? tach_result_write(r, mem, &err) : TACH_ENOMEM;
		if (mem)
			fclose(mem);
		tach_result_free(r);
		if (rc) {
			free(text);
			status = store_error(&err);
			break;
		}
		/* one line per run: the writer's newlines are only layout */
		json_t *doc = json_loadb(text, len, 0, NULL);
		free(text);
		if (!doc || json_dumpf(doc, out, JSON_COMPACT | JSON_PRESERVE_ORDER))
			status = cli_error("cannot write the export");
		json_decref(doc);
		fputc('\n', out);
	}
	tach_run_infos_free(runs, n);
	if (status)
		tach_outfile_abort(of); /* a half backup must not replace a whole one */
	else
		status = cli_out_commit(of, out_path);
	return done(&h, status);
}

static int hist_import(int argc, char **argv, const cli_cmd *self)
{
	hist h;
	int status;
	if (open_store(&h, argc, argv, self, 0, &status))
		return status;
	if (!h.p.npos)
		status = cli_error("expected an export file (JSON lines; - for standard input)");
	size_t added = 0;
	tach_error err;
	if (!status && tach_store_begin(h.store, &err))
		status = store_error(&err);
	for (size_t i = 0; !status && i < h.p.npos; i++) {
		const char *path = h.p.pos[i];
		FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
		if (!f) {
			status = cli_error("%s: %s", path, strerror(errno));
			break;
		}
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		unsigned lineno = 0;
		while (!status && (len = getline(&line, &cap, f)) > 0) {
			lineno++;
			if (len == 1 && line[0] == '\n')
				continue;
			tach_result *r;
			if (tach_result_read_buffer(line, (size_t)len, path, &r, &err)) {
				/* a results file (or a pretty-printed run) opens with
				 * a lone brace: say what the file is, not where the
				 * first line ended */
				size_t lead = strspn(line, " \t\r");
				if (line[lead] == '{' && !line[lead + 1 + strspn(line + lead + 1, " \t\r\n")]) {
					status = cli_error("%s:%u: a JSON document over several lines, not a history "
					                   "export (one run per line); a results file is added with "
					                   "'tach history add'",
					                   path, lineno);
					break;
				}
				/* the reader counts lines within this one; past its
				 * newline is its end */
				if (err.line > 1)
					err.column = (unsigned)strcspn(line, "\n") + 1;
				err.line = lineno;
				status = store_error(&err);
				break;
			}
			int64_t id;
			if (tach_store_add(h.store, r, NULL, &id, &err))
				status = store_error(&err);
			else
				added++;
			tach_result_free(r);
		}
		free(line);
		if (f != stdin)
			fclose(f);
	}
	if (!status && tach_store_commit(h.store, &err))
		status = store_error(&err);
	if (status) {
		tach_store_rollback(h.store);
		fprintf(stderr, "tach: nothing imported into %s\n", tach_store_location(h.store));
	} else {
		printf("imported %zu run%s into %s\n", added, added == 1 ? "" : "s",
		       tach_store_location(h.store));
	}
	return done(&h, status);
}

const cli_cmd cmd_history_subs[] = {
	{"add", hist_add, "FILE...", "add results files (any format tach reads) as runs", NULL,
	 add_opts, NULL},
	{"list", hist_list, NULL, "list the runs, newest first", NULL, list_opts, NULL},
	{"show", hist_show, "RUN", "print one run (#ID, @NAME, @latest~N, @HEAD~N, a commit)", NULL,
	 show_opts, NULL},
	{"rm", hist_rm, "RUN...", "remove runs", NULL, db_opts, NULL},
	{"export", hist_export, NULL, "write every run as JSON lines (a backup, or to move stores)",
	 NULL, export_opts, NULL},
	{"import", hist_import, "FILE...", "add the runs of an export", NULL, db_opts, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

static int baseline_set(int argc, char **argv, const cli_cmd *self)
{
	hist h;
	int status;
	if (open_store(&h, argc, argv, self, 0, &status))
		return status;
	if (h.p.npos != 2)
		return done(&h, cli_error("expected NAME RUN"));
	const char *name = h.p.pos[0];
	/* a ':' would read as @NAME:TESTBED */
	if (!name[0] || strpbrk(name, "~:") || name[0] == '@' || name[0] == '#' ||
	    !strcmp(name, "latest"))
		return done(&h, cli_error("'%s' cannot be a baseline name", name));
	int64_t id;
	tach_error err;
	char buf[512];
	if (!(status = resolve(&h, h.p.pos[1], &id))) {
		if (tach_store_baseline_set(h.store, name, id, &err))
			status = store_error(&err);
		else
			printf("@%s -> #%lld\n", cli_text(buf, sizeof buf, name), (long long)id);
	}
	return done(&h, status);
}

const cli_cmd cmd_baseline_subs[] = {
	{"set", baseline_set, "NAME RUN", "name a run (then @NAME works wherever a file does)", NULL,
	 db_opts, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

int cmd_history(int argc, char **argv, const cli_cmd *self)
{
	return cli_dispatch(cmd_history_subs, argc, argv, self);
}

int cmd_baseline(int argc, char **argv, const cli_cmd *self)
{
	return cli_dispatch(cmd_baseline_subs, argc, argv, self);
}
