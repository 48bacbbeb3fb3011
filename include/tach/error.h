/* error.h - error codes and the error record parsers fill in.
 *
 * Every library call returns 0 on success or a negative TACH_E* code; system
 * failures come back as -errno.  One X-macro list below makes the codes,
 * tach_strerror() and tach_err_name(), so the three can never disagree.
 */
#ifndef TACH_ERROR_H
#define TACH_ERROR_H

#include <stddef.h>

#include "tach/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, message).  Values stay clear of the errno range. */
#define TACH_ERRNO_MAP(X)                                                   \
	X(NOMEM, -1001, "out of memory")                                    \
	X(INVAL, -1002, "invalid argument")                                 \
	X(PARSE, -1003, "malformed input")                                  \
	X(FORMAT, -1004, "input does not follow the results format")        \
	X(VERSION, -1005, "results format version is newer than supported") \
	X(DOMAIN, -1006, "value outside the domain of the function")        \
	X(RANGE, -1007, "value out of range")                               \
	X(IO, -1008, "input/output error")                                  \
	X(UNSUPPORTED, -1009, "operation not supported")

enum {
#define TACH__ERR_ENUM(name, value, msg) TACH_E##name = (value),
	TACH_ERRNO_MAP(TACH__ERR_ENUM)
#undef TACH__ERR_ENUM
};

/* A human-readable message for a code from this library or a -errno value.
 * The string is static; never NULL. */
TACH_API const char *tach_strerror(int code);

/* The symbolic name ("TACH_EPARSE", "ENOENT", ...) of a code; never NULL. */
TACH_API const char *tach_err_name(int code);

/* Where and why input was rejected.  Parsers fill this in when they return
 * TACH_EPARSE or TACH_EFORMAT.  `file` is the path exactly as the caller
 * gave it (borrowed from the caller, not copied); line and column count from
 * 1, and 0 means "unknown".  The column counts bytes. */
typedef struct tach_error {
	const char *file;
	unsigned line;
	unsigned column;
	char message[256];
} tach_error;

/* Formats an error compiler-style, "file:line:column: message", dropping
 * the parts that are unknown.  Writes at most `size` bytes including the
 * terminating NUL and returns what snprintf() returns. */
TACH_API int tach_error_format(const tach_error *err, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
