/* util.h - small helpers every stage may use: growing arrays, reading
 * files whole, copying strings, reading numbers in the C locale, setting
 * an error's message, seconds on the monotonic clock, the distance of a
 * misspelling.  Internal. */
#ifndef TACH_UTIL_H
#define TACH_UTIL_H

#include <stddef.h>
#include <sys/time.h>
#include <sys/types.h>

#include "tach/error.h"

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

/* Grows *arr (of *cap elements of `elem` bytes, doubling from 4) to hold
 * at least `need`.  0 or TACH_ENOMEM; *arr is unchanged on failure. */
TACH_HIDDEN int tach__grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Reads all of a short file into buf (NUL-terminated, at most size - 1
 * bytes); returns the length or -errno. */
TACH_HIDDEN ssize_t tach__read_text(const char *path, char *buf, size_t size);

/* Reads all of path ("-": standard input) into a new NUL-terminated
 * buffer the caller frees.  0, -errno or TACH_ENOMEM. */
TACH_HIDDEN int tach__read_file(const char *path, char **data, size_t *len);
/* The same for a file the user named, to be parsed: a failure is also
 * said in err (the file, "cannot read: why"). */
TACH_HIDDEN int tach__read_input(const char *path, char **data, size_t *len, tach_error *err);

/* strdup() that copies NULL as NULL. */
TACH_HIDDEN char *tach__strdup(const char *s);

/* strtod() in the C locale, whatever the program's locale is. */
TACH_HIDDEN double tach__strtod(const char *s, char **end);

/* Sets err's message printf-style; file/line/column untouched. */
TACH_HIDDEN void tach__error_set(tach_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A parse error in a one-line text (a command line, a CPU list) at `at`:
 * line 1, the column of `at` in `text`, msg; returns TACH_EPARSE. */
TACH_HIDDEN int tach__parse_fail(tach_error *err, const char *text, const char *at,
                                 const char *msg);

/* Edits between a (la bytes) and b (lb bytes), a swap of neighbours
 * counting one; SIZE_MAX when either is over 64 bytes (spelling.c). */
TACH_HIDDEN size_t tach__edit_distance(const char *a, size_t la, const char *b, size_t lb);

/* UTF-8 (utf8.c): the length of the valid sequence at p (1 for ASCII, 0
 * when invalid or cut by end); whether a string is valid; cp written at
 * o (room for 4 bytes), its length returned. */
TACH_HIDDEN size_t tach__utf8_seq(const unsigned char *p, const unsigned char *end);
TACH_HIDDEN int tach__utf8_valid(const char *s);
TACH_HIDDEN size_t tach__utf8_put(char *o, unsigned long cp);

/* Seconds on CLOCK_MONOTONIC (time.c). */
TACH_HIDDEN double tach__now(void);
/* A struct timeval in seconds. */
TACH_HIDDEN double tach__tv_seconds(struct timeval tv);

#endif
