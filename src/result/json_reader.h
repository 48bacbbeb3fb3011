/* json_reader.h - the pull reader of results files that the files of
 * src/result share: json_reader.c holds its primitives (objects, arrays,
 * scalars, key lists, with errors placed at file:line:col),
 * json_read_meta.c reads the metadata, json_read.c the rest of the
 * document.  Internal to src/result. */
#ifndef TACH_RESULT_JSON_READER_H
#define TACH_RESULT_JSON_READER_H

#include <stddef.h>

#include "tach/result.h"
#include "result/internal.h"
#include "util/json_lex.h"

typedef struct reader {
	jlex j;
	char key[256]; /* current member name; longer keys never match */
	const char *key_at;
	const char **bench_at; /* where each benchmark's object opens */
	size_t cap_bench_at;
} reader;

/* A format error at `at`, with the file, line and column. */
#define FAIL(r, at, ...) tach__json_fail(&(r)->j, (at), TACH_EFORMAT, __VA_ARGS__)

/* The byte at the reader's position, or NUL at the end of the text (the
 * buffer need not be NUL-terminated). */
TACH_HIDDEN char tach__jr_peek(const reader *r);
TACH_HIDDEN int tach__jr_type_error(reader *r, const char *want, const char *what);
/* Iteration over an object's members.  Call with *first = 1 after
 * obj_open; returns 1 with r->key set and j.p at the value, 0 at '}'. */
TACH_HIDDEN int tach__jr_obj_open(reader *r, const char *what);
TACH_HIDDEN int tach__jr_obj_next(reader *r, int *first);
TACH_HIDDEN int tach__jr_arr_open(reader *r, const char *what);
TACH_HIDDEN int tach__jr_arr_next(reader *r, int *first);
/* A string value into a new allocation (*out, replacing what was there). */
TACH_HIDDEN int tach__jr_get_string(reader *r, char **out, const char *what);
TACH_HIDDEN int tach__jr_get_number(reader *r, double *out, const char *what);
TACH_HIDDEN int tach__jr_get_uint(reader *r, unsigned long long max, unsigned long long *out,
                                   const char *what);
TACH_HIDDEN int tach__jr_get_bool(reader *r, int *out, const char *what);
/* One member of get_kvlist's object, named `key`: its value into l. */
TACH_HIDDEN int tach__jr_get_kv(reader *r, tach_kvlist *l, const char *key, const char *what);
/* An object of string (or number: its literal text) values into a list;
 * duplicate keys are an error. */
TACH_HIDDEN int tach__jr_get_kvlist(reader *r, tach_kvlist *l, const char *what);
/* A known key seen twice in one object is an error: the second "samples"
 * would otherwise be appended to the first, a second "name" would win.
 * `keys` is the NULL-terminated list of the object's known keys. */
TACH_HIDDEN int tach__jr_dup_key(reader *r, unsigned *seen, const char *const *keys);
TACH_HIDDEN int tach__jr_skip(reader *r);
/* "YYYY-MM-DDTHH:MM:SS[.f...]Z" */
TACH_HIDDEN int tach__jr_timestamp_ok(const char *s);
/* The "meta" object (json_read_meta.c) into m. */
TACH_HIDDEN int tach__jr_meta(reader *r, tach_meta *m);

#endif
