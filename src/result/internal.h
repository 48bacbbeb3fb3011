/* internal.h - helpers shared by the files of the results model (src/result);
 * the helpers every stage uses are in util/util.h.  Hidden from the
 * library's ABI. */
#ifndef TACH_RESULT_INTERNAL_H
#define TACH_RESULT_INTERNAL_H

#include <stddef.h>

#include "tach/result.h"
#include "util/util.h"

#define TACH_HIDDEN __attribute__((visibility("hidden")))

TACH_HIDDEN void tach__benchmark_free(tach_benchmark *b);
TACH_HIDDEN void tach__meta_release(tach_meta *m);
/* fit.c: the complexity fits of a result set */
TACH_HIDDEN void tach__fits_free(tach_result *r);
TACH_HIDDEN int tach__fit_curve_valid(const char *big_o);
TACH_HIDDEN int tach__fits_validate(const tach_result *r, tach_error *err);

/* Shortest decimal text that reads back as exactly d (finite d only).
 * Writes a JSON number, NUL-terminated, into buf (at least 32 bytes) and
 * returns its length. */
TACH_HIDDEN size_t tach__dtoa(double d, char *buf);

#endif
