/* import.h - reading other tools' results into tach's model, with the
 * format detected from the content (or forced by name). */
#ifndef TACH_IMPORT_H
#define TACH_IMPORT_H

#include <stddef.h>

#include "tach/error.h"
#include "tach/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The names of the importable formats, i = 0, 1, ... until NULL:
 * "tach", "google-benchmark", "google-benchmark-console", "go",
 * "hyperfine", "pytest-benchmark", "criterion", "catch2", "nanobench",
 * "jmh" (docs/import.md describes each). */
TACH_API const char *tach_import_format_name(size_t i);

/* Reads results in any known format from memory.  `from` forces a format
 * by name (NULL: detect from the content).  On success *out is a new
 * result set (caller frees with tach_result_free); on failure *out is
 * NULL and err holds file (`name`), line, column where known, and why:
 * TACH_EPARSE (not valid JSON), TACH_EFORMAT (a format tach does not
 * know, or a file without results), TACH_EINVAL (unknown `from`),
 * TACH_EVERSION, TACH_ENOMEM. */
TACH_API int tach_import_buffer(const char *data, size_t len, const char *name,
                                const char *from, tach_result **out, tach_error *err);

/* The same from a path ("-": standard input); -errno when unreadable. */
TACH_API int tach_import_file(const char *path, const char *from, tach_result **out,
                              tach_error *err);

/* Told of a value an importer skipped because its format marks it as
 * missing (JMH's "NaN" score of a profiler that only prints text, a
 * hyperfine exit code of null for a run killed by a signal): `w` holds
 * the file, line and column (0: unknown) and what was skipped, borrowed
 * for the call.  Any other value that cannot be read is an error. */
typedef void (*tach_import_warn_fn)(const tach_error *w, void *data);

/* tach_import_buffer and tach_import_file that also report skipped
 * values to `warn` (NULL: not reported) with `data`. */
TACH_API int tach_import_buffer_warn(const char *data, size_t len, const char *name,
                                     const char *from, tach_import_warn_fn warn,
                                     void *warn_data, tach_result **out, tach_error *err);
TACH_API int tach_import_file_warn(const char *path, const char *from,
                                   tach_import_warn_fn warn, void *warn_data,
                                   tach_result **out, tach_error *err);

#ifdef __cplusplus
}
#endif
#endif
