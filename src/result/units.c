/* units.c - canonical units: checking unit strings, parsing durations and
 * sizes from the command line, and choosing a display scale.
 *
 * Values are stored in canonical units only (seconds, bytes, counts, per
 * second, percent), so results from different tools compare without
 * conversion; scaling happens at display time.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tach/result.h"
#include "tach/units.h"
#include "result/internal.h"

static const struct {
	const char *unit;
	tach_unit_class cls;
} canonical[] = {
	{"s", TACH_UNIT_TIME},       {"B", TACH_UNIT_BYTES},
	{"count", TACH_UNIT_COUNT},  {"/s", TACH_UNIT_RATE},
	{"B/s", TACH_UNIT_BYTERATE}, {"%", TACH_UNIT_PERCENT},
};

/* Spellings of canonical units in another scale or form, rejected with a
 * hint, because accepting them would silently mix scales.  Compared
 * case-insensitively. */
static const struct {
	const char *alias, *hint;
} aliases[] = {
	{"ns", "write times in seconds with unit 's'"},
	{"us", "write times in seconds with unit 's'"},
	{"\xc2\xb5s", "write times in seconds with unit 's'"},
	{"ms", "write times in seconds with unit 's'"},
	{"sec", "write times in seconds with unit 's'"},
	{"secs", "write times in seconds with unit 's'"},
	{"second", "write times in seconds with unit 's'"},
	{"seconds", "write times in seconds with unit 's'"},
	{"min", "write times in seconds with unit 's'"},
	{"h", "write times in seconds with unit 's'"},
	{"byte", "write sizes in bytes with unit 'B'"},
	{"bytes", "write sizes in bytes with unit 'B'"},
	{"kb", "write sizes in bytes with unit 'B'"},
	{"kib", "write sizes in bytes with unit 'B'"},
	{"mb", "write sizes in bytes with unit 'B'"},
	{"mib", "write sizes in bytes with unit 'B'"},
	{"gb", "write sizes in bytes with unit 'B'"},
	{"gib", "write sizes in bytes with unit 'B'"},
	{"kb/s", "write byte rates in bytes per second with unit 'B/s'"},
	{"mb/s", "write byte rates in bytes per second with unit 'B/s'"},
	{"gb/s", "write byte rates in bytes per second with unit 'B/s'"},
	{"mib/s", "write byte rates in bytes per second with unit 'B/s'"},
	{"gib/s", "write byte rates in bytes per second with unit 'B/s'"},
	{"bytes/s", "write byte rates in bytes per second with unit 'B/s'"},
	{"1/s", "write rates per second with unit '/s'"},
	{"hz", "write rates per second with unit '/s'"},
	{"percent", "write percentages with unit '%'"},
};

int tach_unit_check(const char *unit, tach_unit_class *cls, char *why,
                    size_t why_size)
{
	tach_unit_class c;
	if (!cls)
		cls = &c;
	for (size_t i = 0; i < sizeof canonical / sizeof *canonical; i++) {
		if (strcmp(unit, canonical[i].unit) == 0) {
			*cls = canonical[i].cls;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
		if (strcasecmp(unit, aliases[i].alias) == 0) {
			if (why)
				snprintf(why, why_size, "%s", aliases[i].hint);
			return TACH_EFORMAT;
		}
	}
	size_t len = strlen(unit);
	int ok = len >= 1 && len <= 32 && isalpha((unsigned char)unit[0]);
	for (size_t i = 0; ok && i < len; i++)
		ok = unit[i] > ' ' && unit[i] < 127;
	if (!ok) {
		if (why)
			snprintf(why, why_size,
			         "a unit is s, B, count, /s, B/s, %% or a custom "
			         "name of 1-32 printable ASCII characters "
			         "starting with a letter");
		return TACH_EFORMAT;
	}
	*cls = len > 2 && strcmp(unit + len - 2, "/s") == 0 ? TACH_UNIT_RATE
	                                                    : TACH_UNIT_CUSTOM;
	return 0;
}

/* ---- parsing ---- */

/* Parses a non-negative finite decimal number at the start of text;
 * returns the number of bytes used, 0 on failure. */
static size_t parse_number(const char *text, double *out)
{
	/* strtod would also take "inf", "nan", hex floats and leading space:
	 * require a digit or a dot first. */
	if (!isdigit((unsigned char)text[0]) &&
	    !(text[0] == '.' && isdigit((unsigned char)text[1])))
		return 0;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		return 0;
	char *end;
	double v = tach__strtod(text, &end);
	if (end == text || !isfinite(v) || v < 0)
		return 0;
	*out = v;
	return (size_t)(end - text);
}

typedef struct suffix {
	const char *suffix;
	double factor;
} suffix;

/* A number followed by one of the n suffixes (exactly), times its
 * factor, into *out.  0 or TACH_EINVAL. */
static int scaled(const char *text, const suffix *table, size_t n, double *out)
{
	double v;
	size_t used = text ? parse_number(text, &v) : 0;
	if (!used)
		return TACH_EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(text + used, table[i].suffix) == 0) {
			*out = v * table[i].factor;
			return 0;
		}
	}
	return TACH_EINVAL;
}

int tach_parse_duration(const char *text, double *seconds)
{
	static const suffix suffixes[] = {
		{"", 1},      {"s", 1},     {"ms", 1e-3}, {"us", 1e-6},
		{"\xc2\xb5s", 1e-6}, {"ns", 1e-9}, {"m", 60},  {"h", 3600},
	};
	double s;
	if (scaled(text, suffixes, sizeof suffixes / sizeof *suffixes, &s) || !isfinite(s))
		return TACH_EINVAL;
	*seconds = s;
	return 0;
}

int tach_parse_size(const char *text, uint64_t *bytes)
{
	static const suffix suffixes[] = {
		{"", 1},         {"B", 1},           {"KiB", 1024.0},
		{"MiB", 1048576.0}, {"GiB", 1073741824.0},
		{"TiB", 1099511627776.0}, {"K", 1024.0}, {"M", 1048576.0},
		{"G", 1073741824.0}, {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6},
		{"GB", 1e9},     {"TB", 1e12},
	};
	double b;
	if (scaled(text, suffixes, sizeof suffixes / sizeof *suffixes, &b) ||
	    !(b < 9223372036854775808.0) || b != floor(b))
		return TACH_EINVAL;
	*bytes = (uint64_t)b;
	return 0;
}

/* ---- display ---- */

tach_scale tach_scale_for(const char *unit, double typical, int ascii)
{
	tach_unit_class cls = TACH_UNIT_CUSTOM;
	tach_scale sc = {1.0, "", unit};
	if (tach_unit_check(unit, &cls, NULL, 0) != 0)
		return sc;
	double a = fabs(typical);
	switch (cls) {
	case TACH_UNIT_TIME:
		if (a == 0 || a >= 1)
			sc = (tach_scale){1, "", "s"};
		else if (a >= 1e-3)
			sc = (tach_scale){1e-3, "", "ms"};
		else if (a >= 1e-6)
			sc = (tach_scale){1e-6, "", ascii ? "us" : "\xc2\xb5s"};
		else
			sc = (tach_scale){1e-9, "", "ns"};
		break;
	case TACH_UNIT_BYTES:
		if (a >= 1073741824.0)
			sc = (tach_scale){1073741824.0, "", "GiB"};
		else if (a >= 1048576.0)
			sc = (tach_scale){1048576.0, "", "MiB"};
		else if (a >= 1024.0)
			sc = (tach_scale){1024.0, "", "KiB"};
		else
			sc = (tach_scale){1, "", "B"};
		break;
	case TACH_UNIT_RATE:
	case TACH_UNIT_BYTERATE: {
		/* "/s" -> "k/s"; "B/s" -> "kB/s"; "msg/s" -> "k msg/s" */
		static const char *const plain[] = {"/s", "k/s", "M/s", "G/s"};
		static const char *const byte[] = {"B/s", "kB/s", "MB/s", "GB/s"};
		int i = a >= 1e9 ? 3 : a >= 1e6 ? 2 : a >= 1e3 ? 1 : 0;
		sc.divisor = i == 3 ? 1e9 : i == 2 ? 1e6 : i == 1 ? 1e3 : 1;
		if (cls == TACH_UNIT_BYTERATE)
			sc.unit = byte[i];
		else if (strcmp(unit, "/s") == 0)
			sc.unit = plain[i];
		else /* custom rate: "4.1 M msg/s" */
			sc.prefix = (const char *const[]){"", "k ", "M ", "G "}[i];
		break;
	}
	case TACH_UNIT_COUNT:
		sc.unit = "";
		break;
	default:
		break;
	}
	return sc;
}

int tach_scale_time_unit(const char *name, int ascii, tach_scale *out)
{
	static const struct {
		const char *name, *word;
		double divisor;
	} units[] = {
		{"ns", "nanosecond", 1e-9}, {"us", "microsecond", 1e-6},
		{"ms", "millisecond", 1e-3}, {"s", "second", 1},
	};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (!strcmp(name, units[i].name) || !strcmp(name, units[i].word) ||
		    (i == 1 && !strcmp(name, "\xc2\xb5s"))) {
			*out = (tach_scale){units[i].divisor, "",
			                    i == 1 && !ascii ? "\xc2\xb5s" : units[i].name};
			return 0;
		}
	return TACH_EINVAL;
}

int tach_format_scaled(char *buf, size_t size, double value, tach_scale scale)
{
	double v = value / scale.divisor;
	double a = fabs(v);
	if (a == 0)
		return snprintf(buf, size, "0");
	if (scale.divisor == 1 && v == floor(v) && a < 1e7)
		return snprintf(buf, size, "%.0f", v);
	if (a >= 1e7 || a < 1e-3)
		return snprintf(buf, size, "%.3g", v);
	int decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3;
	return snprintf(buf, size, "%.*f", decimals, v);
}
