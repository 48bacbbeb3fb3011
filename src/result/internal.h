/* internal.h - helpers shared by the files of the results model (src/result).
 * Hidden from the library's ABI. */
#ifndef TACH_RESULT_INTERNAL_H
#define TACH_RESULT_INTERNAL_H

#include <stddef.h>

#include "tach/result.h"
#include "util/util.h"

#define TACH_HIDDEN __attribute__((visibility("hidden")))

TACH_HIDDEN char *tach__strdup(const char *s);
TACH_HIDDEN void tach__benchmark_free(tach_benchmark *b);
TACH_HIDDEN void tach__meta_release(tach_meta *m);

/* Shortest decimal text that reads back as exactly d (finite d only).
 * Writes a JSON number, NUL-terminated, into buf (at least 32 bytes) and
 * returns its length. */
TACH_HIDDEN size_t tach__dtoa(double d, char *buf);

/* strtod() in the C locale, whatever the program's locale is. */
TACH_HIDDEN double tach__strtod(const char *s, char **end);

/* 1 if s is well-formed UTF-8. */
TACH_HIDDEN int tach__utf8_valid(const char *s);

/* Reads all of path ("-": standard input) into a new NUL-terminated
 * buffer the caller frees.  0, -errno or TACH_ENOMEM. */
TACH_HIDDEN int tach__read_file(const char *path, char **data, size_t *len);

/* Sets err's message printf-style; file/line/column untouched. */
TACH_HIDDEN void tach__error_set(tach_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
