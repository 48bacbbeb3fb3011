/* input.h - reading results files for any command, with errors printed
 * compiler-style ("base.json:3:14: expected ',' or '}'"). */
#ifndef TACH_CLI_INPUT_H
#define TACH_CLI_INPUT_H

#include <stdint.h>

#include "tach/error.h"
#include "tach/result.h"
#include "tach/store.h"

/* The history for references (--db of the command, else NULL: $TACH_DB
 * or the default file). */
extern const char *cli_db;

/* The run ref names in s (tach_store_resolve_on) into *id, preferring
 * the runs of `testbed`, NULL: this machine's (cli_testbed_here).  A
 * run of another testbed, taken because the preferred one has none, is
 * said in a warning naming both.  0, or EXIT_USAGE after printing the
 * error. */
int cli_resolve(tach_store *s, const char *ref, const char *testbed, int64_t *id);

/* Reads path ("-" = stdin) into *out.  A path that is not a file and
 * looks like a history reference (#ID, @NAME, @latest~N, @HEAD~N, a
 * commit hash, any but #ID perhaps with ":TESTBED") is read from the
 * history instead (cli_resolve).  On failure prints the error to
 * stderr and returns nonzero (the caller exits with EXIT_USAGE). */
int cli_read_results(const char *path, tach_result **out);

/* A tach_import_warn_fn for the commands: "file:line:col: warning: why"
 * on stderr (data: the file name to show, or NULL for w->file). */
void cli_import_warn(const tach_error *w, void *data);

/* Adds r to the history at db (NULL: $TACH_DB or the default file) and
 * prints "saved as run #ID in LOCATION" on stderr; on failure prints the
 * error and returns nonzero. */
int cli_save_run(const char *db, const tach_result *r);

#endif
