/* test_error.c - error codes, names, messages and their formatting. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "tach/tach.h"

Test(error, names_and_messages_cover_every_code)
{
	const int codes[] = {
#define X(name, value, msg) TACH_E##name,
		TACH_ERRNO_MAP(X)
#undef X
	};
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
		cr_expect(strncmp(tach_err_name(codes[i]), "TACH_E", 6) == 0);
		cr_expect_str_neq(tach_strerror(codes[i]), "unknown error");
		for (size_t j = 0; j < i; j++)
			cr_expect_neq(codes[i], codes[j], "duplicate code value");
	}
	cr_expect_str_eq(tach_err_name(TACH_EPARSE), "TACH_EPARSE");
	cr_expect_str_eq(tach_err_name(-ENOENT), "ENOENT");
	cr_expect_str_eq(tach_strerror(-ENOENT), strerror(ENOENT));
	cr_expect_str_eq(tach_strerror(12345), "unknown error");
}

Test(error, compiler_style_format)
{
	tach_error e = {"base.json", 3, 14, "expected ',' or '}'"};
	char buf[128];
	tach_error_format(&e, buf, sizeof buf);
	cr_expect_str_eq(buf, "base.json:3:14: expected ',' or '}'");
	e.column = 0;
	tach_error_format(&e, buf, sizeof buf);
	cr_expect_str_eq(buf, "base.json:3: expected ',' or '}'");
	e.line = 0;
	tach_error_format(&e, buf, sizeof buf);
	cr_expect_str_eq(buf, "base.json: expected ',' or '}'");
	e.file = NULL;
	tach_error_format(&e, buf, sizeof buf);
	cr_expect_str_eq(buf, "expected ',' or '}'");
}

Test(error, version)
{
	cr_expect_str_eq(tach_version(), TACH_VERSION_STRING);
}
