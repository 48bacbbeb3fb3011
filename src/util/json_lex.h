/* json_lex.h - the JSON scanner shared by the results reader and the
 * importers (hence in util/): positions, strings, numbers, syntax check.
 * Internal. */
#ifndef TACH_JSON_LEX_H
#define TACH_JSON_LEX_H

#include <stddef.h>

#include "tach/error.h"
#include "util/util.h"

typedef struct jlex {
	const char *start, *p, *end;
	const char *name; /* file name for messages, may be NULL */
	tach_error *err;  /* may be NULL */
	int failed;       /* first error code, 0 while all is well */
} jlex;

/* Records the first error at byte position `at` (line/column computed
 * here) and returns `code`; later calls keep the first error. */
TACH_HIDDEN int tach__json_fail(jlex *j, const char *at, int code,
                                const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
TACH_HIDDEN void tach__json_ws(jlex *j);
/* "an object", "a string", ... for the value at j->p (for type errors). */
TACH_HIDDEN const char *tach__json_what(const jlex *j);
/* Scans a string at j->p; decodes into out (room for raw length + 1) if
 * out is not NULL. */
TACH_HIDDEN int tach__json_string(jlex *j, char *out, size_t *len);
/* Parses a number at j->p (exact, C locale); *is_int may be NULL. */
TACH_HIDDEN int tach__json_number(jlex *j, double *out, int *is_int);
/* Skips (and syntax-checks) one value. */
TACH_HIDDEN int tach__json_skip(jlex *j);
/* Syntax-checks the whole text: one value, nothing after it. */
TACH_HIDDEN int tach__json_check(jlex *j);

#endif
