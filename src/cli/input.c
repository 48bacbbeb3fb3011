/* input.c - reading results files for the commands.  The one place where
 * a command turns a reader error into a message; later the importers of
 * other tools' formats hook in here, so every command accepts them. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "tach/import.h"
#include "cli/cli.h"
#include "cli/input.h"
#include "cli/testbed.h"

const char *cli_db;

static int is_ref(const char *path)
{
	if (path[0] == '@' || path[0] == '#')
		return 1;
	/* a commit hash, perhaps with ":TESTBED" */
	size_t n = strcspn(path, ":");
	return n >= 4 && n <= 40 && strspn(path, "0123456789abcdefABCDEF") == n &&
	       access(path, F_OK) != 0;
}

/* A store's error, said after whatever stdout holds; rc again. */
static int store_failed(const tach_error *err, int rc)
{
	char msg[600];
	tach_error_format(err, msg, sizeof msg);
	fflush(stdout);
	cli_error("%s", msg);
	return rc;
}

int cli_resolve(tach_store *s, const char *ref, const char *testbed, int64_t *id)
{
	char here[TACH_TESTBED_MAX + 1] = "";
	/* #ID is exact: spare it the machine's facts */
	if (!testbed && ref[0] != '#')
		cli_testbed_here(here, sizeof here);
	tach_resolved r;
	tach_error err;
	if (tach_store_resolve_on(s, ref, testbed ? testbed : here, &r, &err))
		return store_failed(&err, EXIT_USAGE);
	if (r.fallback)
		cli_warn("'%s' names no run of testbed '%s'%s; using run #%lld of testbed '%s'", ref,
		         testbed ? testbed : here, testbed ? "" : " (this machine)", (long long)r.id,
		         r.testbed);
	*id = r.id;
	return 0;
}

static int read_ref(const char *ref, tach_result **out)
{
	tach_store *s;
	tach_error err;
	int64_t id;
	if (tach_store_open_readonly(cli_db, &s, &err))
		return store_failed(&err, EXIT_USAGE);
	int rc = cli_resolve(s, ref, NULL, &id);
	if (!rc && tach_store_get(s, id, out, &err))
		rc = store_failed(&err, EXIT_USAGE);
	tach_store_close(s);
	return rc;
}

void cli_import_warn(const tach_error *w, void *data)
{
	/* the place as tach_error_format writes it, then "warning: " */
	tach_error place = *w;
	char at[400];
	if (data)
		place.file = data;
	place.message[0] = '\0';
	tach_error_format(&place, at, sizeof at);
	size_t n = strlen(at);
	while (n && (at[n - 1] == ' ' || at[n - 1] == ':'))
		at[--n] = '\0';
	fflush(stdout);
	cli_error_placed("%s: warning: %s", at, w->message);
}

int cli_read_results(const char *path, tach_result **out)
{
	if (strcmp(path, "-") && is_ref(path) && access(path, F_OK) != 0)
		return read_ref(path, out);
	tach_error err;
	const char *shown = strcmp(path, "-") ? path : "(stdin)";
	int rc = tach_import_file_warn(path, NULL, cli_import_warn, (void *)shown, out, &err);
	if (rc == 0)
		return 0;
	char msg[512];
	err.file = shown;
	tach_error_format(&err, msg, sizeof msg);
	fflush(stdout);
	cli_error_placed("%s", msg);
	return rc;
}

int cli_save_run(const char *db, const tach_result *r)
{
	tach_store *s;
	tach_error err;
	int64_t id;
	int rc = tach_store_open(db ? db : cli_db, &s, &err);
	if (!rc) {
		rc = tach_store_add(s, r, NULL, &id, &err);
		if (!rc)
			cli_note("saved as run #%lld in %s", (long long)id, tach_store_location(s));
		tach_store_close(s);
	}
	return rc ? store_failed(&err, rc) : 0;
}
