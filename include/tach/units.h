/* units.h - parsing durations and sizes given on the command line, and
 * scaling canonical values for display (ns/us/ms/s, KiB/MiB/GiB, k/M/G/s).
 *
 * One parser for every duration and size option in every command, so
 * "--timeout 500ms" and "--min-time 0.5" mean the same thing everywhere.
 */
#ifndef TACH_UNITS_H
#define TACH_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"
#include "tach/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parses a duration: a plain non-negative number of seconds ("0.5", "10",
 * "1e-3") or a number with a unit suffix "ns", "us", "ms", "s", "m", "h"
 * ("500ms", "1.5h", "10 s" is rejected: no spaces).  Sets *seconds.
 * Returns 0, or TACH_EINVAL for anything else (negative, empty, NaN,
 * infinite, unknown suffix, trailing garbage). */
TACH_API int tach_parse_duration(const char *text, double *seconds);

/* Parses a size in bytes: a non-negative integer or decimal number with an
 * optional suffix "B", "KiB", "MiB", "GiB", "TiB" (powers of 1024) or "kB",
 * "MB", "GB", "TB" (powers of 1000); "K", "M", "G" alone mean KiB, MiB,
 * GiB.  The result must be a whole number of bytes below 2^63.  Returns 0
 * or TACH_EINVAL. */
TACH_API int tach_parse_size(const char *text, uint64_t *bytes);

/* A display scale for a set of values of one unit: the factor to divide by
 * and the unit text to print after the scaled number. */
typedef struct tach_scale {
	double divisor;
	const char *prefix; /* printed before unit: "", or "k ", "M ", "G "
	                       for custom rates such as "msg/s" */
	const char *unit;   /* static, or the custom unit string itself */
} tach_scale;

/* Chooses one scale for values of `unit` around `typical` (usually the
 * median), so that a column of numbers shares one unit: seconds go to
 * ns/us/ms/s, bytes to B/KiB/MiB/GiB, rates to /s, k/s, M/s, G/s (and the
 * same for B/s and custom "/s" units), others are left as they are. With
 * `ascii` set, "us" is used in place of "µs". */
TACH_API tach_scale tach_scale_for(const char *unit, double typical, int ascii);

/* The fixed time scale `name` names: "ns", "us" (or "µs"), "ms" or "s",
 * or hyperfine's "nanosecond", "microsecond", "millisecond", "second".
 * With `ascii`, microseconds print as "us".  0, or TACH_EINVAL (*out
 * untouched). */
TACH_API int tach_scale_time_unit(const char *name, int ascii, tach_scale *out);

/* Formats value/scale.divisor with 4 significant digits ("12.35",
 * "1.234", "123.4"; whole numbers below 1e7 without decimals when the scale
 * is 1, so counts read "3") into buf; returns what snprintf returns. */
TACH_API int tach_format_scaled(char *buf, size_t size, double value,
                                tach_scale scale);

/* Writes the shortest decimal text that reads back (with strtod in the C
 * locale) as exactly d, NUL-terminated, into buf, which must hold 32
 * bytes; returns its length.  The text is a valid JSON number for finite
 * d ("0.1", "1e-06"-style exponents as "1e-6", "-0").  Infinities and NaN
 * are written as "inf", "-inf" and "nan" (not JSON: callers check). */
#define TACH_DOUBLE_BUFSIZE 32
TACH_API size_t tach_format_double(double d, char *buf);

#ifdef __cplusplus
}
#endif
#endif
