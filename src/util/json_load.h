/* json_load.h - jansson's json_loadb with its allocation failures
 * reported (json_load.c says why that needs help).  Internal. */
#ifndef TACH_JSON_LOAD_H
#define TACH_JSON_LOAD_H

#include <jansson.h>
#include <stddef.h>

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

/* Parses data[0..len) as json_loadb(data, len, 0, je) does.  *rc is 0
 * with the document, TACH_EPARSE with NULL and je filled in, or
 * TACH_ENOMEM with NULL when any allocation failed during the parse
 * (even one jansson went on without, or reported as a syntax error). */
TACH_HIDDEN json_t *tach__json_loadb(const char *data, size_t len, json_error_t *je, int *rc);

#endif
