/* error.c - error names and messages from the one list in tach/error.h,
 * the compiler-style formatting of parse errors, and setting a message
 * (tach__error_set, for every parser). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tach/error.h"
#include "tach/version.h"
#include "util/util.h"

const char *tach_strerror(int code)
{
	switch (code) {
#define TACH__ERR_MSG(name, value, msg) \
	case TACH_E##name:              \
		return msg;
		TACH_ERRNO_MAP(TACH__ERR_MSG)
#undef TACH__ERR_MSG
	}
	if (code < 0 && code > -4096)
		return strerror(-code);
	return "unknown error";
}

const char *tach_err_name(int code)
{
	switch (code) {
#define TACH__ERR_NAME(name, value, msg) \
	case TACH_E##name:               \
		return "TACH_E" #name;
		TACH_ERRNO_MAP(TACH__ERR_NAME)
#undef TACH__ERR_NAME
	}
	if (code < 0 && code > -4096) {
		const char *n = strerrorname_np(-code);
		return n ? n : "unknown";
	}
	return "unknown";
}

int tach_error_format(const tach_error *err, char *buf, size_t size)
{
	const char *file = err->file ? err->file : "";
	const char *sep = err->file ? ": " : "";
	if (err->file && err->line && err->column)
		return snprintf(buf, size, "%s:%u:%u: %s", file, err->line,
		                err->column, err->message);
	if (err->file && err->line)
		return snprintf(buf, size, "%s:%u: %s", file, err->line,
		                err->message);
	return snprintf(buf, size, "%s%s%s", file, sep, err->message);
}

void tach__error_set(tach_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

const char *tach_version(void)
{
	return TACH_VERSION_STRING;
}

int tach__parse_fail(tach_error *err, const char *text, const char *at, const char *msg)
{
	if (err) {
		err->line = 1;
		err->column = (unsigned)(at - text) + 1;
		snprintf(err->message, sizeof err->message, "%s", msg);
	}
	return TACH_EPARSE;
}
