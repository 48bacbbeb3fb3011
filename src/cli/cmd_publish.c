/* cmd_publish.c - `tach publish DIR`: the whole history as a static web
 * site in DIR (tach/publish.h writes it), then one line on stdout saying
 * what was written.  Rebuilding replaces only the pages whose content
 * changed, so publishing after every CI run is cheap and a web server or
 * rsync sees only the new pages.
 */
#include <stdio.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/input.h"

enum { OPT_DB = 1, OPT_BASELINE, OPT_TITLE };

const cli_opt cmd_publish_opts[] = {
	CLI_VALUE(OPT_DB, "db", 0, "PATH|URL", "the history (default: $TACH_DB, else .tach/history.db)"),
	CLI_VALUE(OPT_BASELINE, "baseline", 0, "RUN", "compare each latest value with this run (default: the baseline named main when set, else each series' first run)"),
	CLI_VALUE(OPT_TITLE, "title", 0, "TEXT", "the site's title (default: tach history)"),
	CLI_END,
};

const char cmd_publish_details[] =
	"Writes DIR/index.html (branch main on the testbed with most runs there), an index\n"
	"per other testbed and branch, and a page per benchmark under DIR/b/.  The\n"
	"pages need no network and no server: open DIR/index.html in a browser.\n"
	"A page is replaced only when its content changed; pages of benchmarks no\n"
	"longer in the history are removed.  Testbeds are the runs' host names.";

static int print_error(const tach_error *err)
{
	char msg[600];
	tach_error_format(err, msg, sizeof msg);
	return cli_error("%s", msg);
}

int cmd_publish(int argc, char **argv, const cli_cmd *self)
{
	int status = 0;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	const char *db = NULL;
	tach_publish_opts o = {0};
	for (size_t i = 0; i < p.n; i++) {
		const char *v = p.items[i].value;
		switch (p.items[i].id) {
		case OPT_DB: db = v; break;
		case OPT_BASELINE: o.baseline = v; break;
		case OPT_TITLE: o.title = v; break;
		}
	}
	if (p.npos != 1) {
		cli_parsed_free(&p);
		return cli_error("'tach publish' takes one directory (tach publish DIR)");
	}
	const char *dir = p.pos[0];
	tach_error err = {0};
	tach_store *s = NULL;
	tach_publish_stats st;
	if (tach_store_open_readonly(db ? db : cli_db, &s, &err) || tach_store_verify(s, &err) ||
	    tach_publish(s, dir, &o, &st, &err))
		status = print_error(&err);
	else {
		char d[1024];
		printf("%s: %zu benchmarks, %zu series, %zu testbed/branch views; %zu files written, "
		       "%zu unchanged, %zu removed; %.1f MB, index %.1f kB\n",
		       cli_text(d, sizeof d, dir), st.benchmarks, st.series, st.views, st.written,
		       st.unchanged, st.removed, (double)st.bytes / 1e6, (double)st.index_bytes / 1e3);
	}
	tach_store_close(s);
	cli_parsed_free(&p);
	return status;
}
