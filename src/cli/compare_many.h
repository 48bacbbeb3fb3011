/* compare_many.h - `tach compare` past two files: several inputs against
 * the first, the values of one key inside one file (--col), and the
 * --filter every file comparison applies. */
#ifndef TACH_CLI_COMPARE_MANY_H
#define TACH_CLI_COMPARE_MANY_H

#include "tach/tach.h"
#include "cli/decide.h"

/* Reads path as cli_read_results does, then keeps what filter (may be
 * NULL) keeps.  A file the filter empties is an error naming it and the
 * expression.  0, or EXIT_USAGE after printing the error. */
int cli_compare_read(const char *path, const tach_filter *filter, const char *expr,
                     tach_result **out);

/* A file argument LABEL=PATH (benchstat's way to name a column), unless
 * the whole argument is an existing file: returns the path to read and
 * sets *label (a copy in buf, cut to size) -- or, without a label, returns
 * arg and sets *label to arg. */
const char *cli_compare_split(const char *arg, const char **label, char *buf, size_t size);

typedef struct cli_many {
	const char *const *paths; /* the files ([LABEL=]PATH), the first is the base */
	size_t n;
	const char *col; /* --col KEY: one file, the key's values compared */
	const tach_filter *filter;
	const char *filter_expr;
	tach_report_format fmt;
	const char *out; /* -o, or NULL */
	int ascii;
	cli_decide *d;
} cli_many;

/* Compares, writes the report and returns the exit status: 1 when a later
 * input regressed beyond the gate (or missed a target of the config),
 * unless --warn-only; 0 otherwise; 2 after printing an input error. */
int cli_compare_many(const cli_many *m);

#endif
