/* json_lex.c - the JSON scanner under the results reader and the importers
 * (their error places): whitespace, strings, numbers, syntax checking and
 * error positions.
 *
 * Positions are byte offsets; line and column are computed only when an
 * error is reported, so the hot path does no bookkeeping.  The syntax check
 * (tach__json_check) runs over the whole text before anything is built,
 * which is what makes "never half-loads" and "version errors first" cheap.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/error.h"
#include "util/json_lex.h"

#define MAX_DEPTH 256

int tach__json_fail(jlex *j, const char *at, int code, const char *fmt, ...)
{
	if (j->failed)
		return j->failed;
	j->failed = code;
	if (!j->err)
		return code;
	unsigned line = 1;
	const char *ls = j->start;
	if (at > j->end)
		at = j->end;
	for (const char *p = j->start; p < at; p++) {
		if (*p == '\n') {
			line++;
			ls = p + 1;
		}
	}
	j->err->file = j->name;
	j->err->line = line;
	j->err->column = (unsigned)(at - ls) + 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->err->message, sizeof j->err->message, fmt, ap);
	va_end(ap);
	return code;
}

void tach__json_ws(jlex *j)
{
	const char *p = j->p;
	while (p < j->end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++;
	j->p = p;
}

const char *tach__json_what(const jlex *j)
{
	if (j->p >= j->end)
		return "end of file";
	switch (*j->p) {
	case '{': return "an object";
	case '[': return "an array";
	case '"': return "a string";
	case 't':
	case 'f': return "a boolean";
	case 'n': return "null";
	default: return "a number";
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_u4(jlex *j, const char *p, unsigned *out)
{
	if (j->end - p < 4)
		return tach__json_fail(j, p, TACH_EPARSE, "truncated \\u escape");
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return tach__json_fail(j, p + i, TACH_EPARSE,
			                       "invalid hex digit in \\u escape");
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return 0;
}

/* Scans (and, when out is not NULL, decodes) the string at j->p.  On
 * success j->p is past the closing quote and *len the decoded length; out
 * needs room for the raw length + 1 (decoding never grows the text). */
int tach__json_string(jlex *j, char *out, size_t *len)
{
	const char *p = j->p;
	if (p >= j->end || *p != '"')
		return tach__json_fail(j, p, TACH_EPARSE, "expected a string");
	p++;
	size_t n = 0;
	for (;;) {
		const char *run = p;
		while (p < j->end && (unsigned char)*p >= 0x20 && *p != '"' &&
		       *p != '\\' && (unsigned char)*p < 0x80)
			p++;
		if (out) {
			memcpy(out + n, run, (size_t)(p - run));
			n += (size_t)(p - run);
		}
		if (p >= j->end)
			return tach__json_fail(j, j->p, TACH_EPARSE,
			                       "unterminated string");
		unsigned char c = (unsigned char)*p;
		if (c == '"') {
			p++;
			break;
		}
		if (c < 0x20)
			return tach__json_fail(j, p, TACH_EPARSE,
			                       "control character in string (escape it as \\u%04x)", c);
		if (c >= 0x80) {
			size_t k = tach__utf8_seq((const unsigned char *)p,
			                          (const unsigned char *)j->end);
			if (!k)
				return tach__json_fail(j, p, TACH_EPARSE,
				                       "invalid UTF-8 in string");
			if (out)
				memcpy(out + n, p, k);
			n += k;
			p += k;
			continue;
		}
		/* backslash */
		if (p + 1 >= j->end)
			return tach__json_fail(j, p, TACH_EPARSE, "unterminated string");
		char e = p[1];
		const char *esc = p;
		p += 2;
		char ch;
		switch (e) {
		case '"': ch = '"'; break;
		case '\\': ch = '\\'; break;
		case '/': ch = '/'; break;
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'n': ch = '\n'; break;
		case 'r': ch = '\r'; break;
		case 't': ch = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (read_u4(j, p, &cp))
				return j->failed;
			p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return tach__json_fail(j, esc, TACH_EPARSE,
				                       "unpaired low surrogate in \\u escape");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (j->end - p < 6 || p[0] != '\\' || p[1] != 'u')
					return tach__json_fail(j, esc, TACH_EPARSE,
					                       "unpaired high surrogate in \\u escape");
				if (read_u4(j, p + 2, &lo))
					return j->failed;
				if (lo < 0xdc00 || lo > 0xdfff)
					return tach__json_fail(j, esc, TACH_EPARSE,
					                       "unpaired high surrogate in \\u escape");
				p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0)
				return tach__json_fail(j, esc, TACH_EFORMAT,
				                       "\\u0000 is not allowed in strings");
			char u[4];
			size_t k = tach__utf8_put(u, cp);
			if (out)
				memcpy(out + n, u, k);
			n += k;
			continue;
		}
		default:
			return tach__json_fail(j, esc, TACH_EPARSE,
			                       "invalid escape '\\%c' in string", e);
		}
		if (out)
			out[n] = ch;
		n++;
	}
	if (out)
		out[n] = '\0';
	*len = n;
	j->p = p;
	return 0;
}

/* Checks the JSON number grammar at j->p; on success *nend is its end. */
static int scan_number(jlex *j, const char **nend, int *is_int)
{
	const char *p = j->p, *e = j->end;
	*is_int = 1;
	if (p < e && *p == '-')
		p++;
	if (p >= e || !(*p >= '0' && *p <= '9')) {
		const char *s = p;
		if ((e - s >= 3 && !memcmp(s, "NaN", 3)) ||
		    (e - s >= 8 && !memcmp(s, "Infinity", 8)) ||
		    (e - s >= 3 && !memcmp(s, "nan", 3)) ||
		    (e - s >= 3 && !memcmp(s, "inf", 3)))
			return tach__json_fail(j, j->p, TACH_EFORMAT,
			                       "NaN and Infinity are not valid JSON numbers; "
			                       "samples must be finite");
		return tach__json_fail(j, j->p, TACH_EPARSE, "expected a value");
	}
	if (*p == '0') {
		p++;
		if (p < e && *p >= '0' && *p <= '9')
			return tach__json_fail(j, j->p, TACH_EPARSE,
			                       "leading zeros are not allowed in numbers");
	} else {
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && *p == '.') {
		*is_int = 0;
		p++;
		if (p >= e || !(*p >= '0' && *p <= '9'))
			return tach__json_fail(j, p, TACH_EPARSE,
			                       "expected a digit after the decimal point");
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		*is_int = 0;
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || !(*p >= '0' && *p <= '9'))
			return tach__json_fail(j, p, TACH_EPARSE,
			                       "expected a digit in the exponent");
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	*nend = p;
	return 0;
}

int tach__json_number(jlex *j, double *out, int *is_int)
{
	const char *nend;
	int isint;
	if (scan_number(j, &nend, &isint))
		return j->failed;
	double v;
	if (nend < j->end) {
		/* the byte after a valid JSON number ends strtod's scan too */
		v = tach__strtod(j->p, NULL);
	} else {
		char tmp[400];
		size_t n = (size_t)(nend - j->p);
		if (n >= sizeof tmp)
			return tach__json_fail(j, j->p, TACH_EFORMAT, "number too long");
		memcpy(tmp, j->p, n);
		tmp[n] = '\0';
		v = tach__strtod(tmp, NULL);
	}
	if (!isfinite(v))
		return tach__json_fail(j, j->p, TACH_EFORMAT,
		                       "number out of range of a double");
	j->p = nend;
	*out = v;
	if (is_int)
		*is_int = isint;
	return 0;
}

static int expect_lit(jlex *j, const char *lit, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return tach__json_fail(j, j->p, TACH_EPARSE, "expected a value");
	j->p += n;
	return 0;
}

/* After a member or an element: 1 past a ',' (more follow), 0 past the
 * closing `close`, else the error. */
static int more_or_close(jlex *j, char close)
{
	tach__json_ws(j);
	if (j->p < j->end && (*j->p == ',' || *j->p == close))
		return *j->p++ == ',';
	return tach__json_fail(j, j->p, TACH_EPARSE, close == '}' ? "expected ',' or '}'"
	                                                          : "expected ',' or ']'");
}

/* Syntax check of one value (recursive up to MAX_DEPTH). */
static int check_value(jlex *j, int depth)
{
	size_t len;
	if (depth > MAX_DEPTH)
		return tach__json_fail(j, j->p, TACH_EPARSE, "nesting deeper than %d levels", MAX_DEPTH);
	tach__json_ws(j);
	if (j->p >= j->end)
		return tach__json_fail(j, j->p, TACH_EPARSE, "unexpected end of file, expected a value");
	switch (*j->p) {
	case '{':
		j->p++;
		tach__json_ws(j);
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return 0;
		}
		for (;;) {
			tach__json_ws(j);
			if (j->p >= j->end || *j->p != '"')
				return tach__json_fail(j, j->p, TACH_EPARSE,
				                       j->p >= j->end ? "unexpected end of file, expected a key"
				                                      : "expected a string key");
			if (tach__json_string(j, NULL, &len))
				return j->failed;
			tach__json_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return tach__json_fail(j, j->p, TACH_EPARSE, "expected ':'");
			j->p++;
			if (check_value(j, depth + 1))
				return j->failed;
			int more = more_or_close(j, '}');
			if (more != 1)
				return more;
		}
	case '[':
		j->p++;
		tach__json_ws(j);
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return 0;
		}
		for (;;) {
			if (check_value(j, depth + 1))
				return j->failed;
			int more = more_or_close(j, ']');
			if (more != 1)
				return more;
		}
	case '"':
		return tach__json_string(j, NULL, &len);
	case 't':
		return expect_lit(j, "true", 4);
	case 'f':
		return expect_lit(j, "false", 5);
	case 'n':
		if (j->end - j->p >= 3 && !memcmp(j->p, "nan", 3)) {
			const char *e;
			int i;
			return scan_number(j, &e, &i);
		}
		return expect_lit(j, "null", 4);
	default: {
		const char *e;
		int i;
		if (scan_number(j, &e, &i))
			return j->failed;
		j->p = e;
		return 0;
	}
	}
}

int tach__json_skip(jlex *j)
{
	return check_value(j, 0);
}

int tach__json_check(jlex *j)
{
	const char *save = j->p;
	if (j->end - j->p >= 3 && !memcmp(j->p, "\xef\xbb\xbf", 3))
		save = j->p += 3; /* tolerate a UTF-8 byte order mark */
	tach__json_ws(j);
	if (j->p >= j->end)
		return tach__json_fail(j, j->p, TACH_EPARSE, "empty file, expected a JSON object");
	if (check_value(j, 0))
		return j->failed;
	tach__json_ws(j);
	if (j->p < j->end)
		return tach__json_fail(j, j->p, TACH_EPARSE,
		                       "unexpected text after the JSON value");
	j->p = save;
	return 0;
}
