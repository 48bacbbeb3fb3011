/* test_units.c - duration and size parsing, unit checks, display scaling. */
#include <criterion/criterion.h>
#include <string.h>

#include "tach/tach.h"

Test(units, durations)
{
	const struct {
		const char *text;
		double want;
	} ok[] = {
		{"0.5", 0.5}, {"10", 10},     {"500ms", 0.5}, {"10s", 10}, {"1.5h", 5400},
		{"2m", 120},  {"250us", 250e-6}, {"3ns", 3e-9}, {"1e-3", 1e-3}, {".5s", 0.5},
		{"0", 0},     {"2\xc2\xb5s", 2e-6},
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		double s = -1;
		cr_expect_eq(tach_parse_duration(ok[i].text, &s), 0, "%s", ok[i].text);
		cr_expect_float_eq(s, ok[i].want, 1e-12 * (ok[i].want + 1), "%s -> %g", ok[i].text, s);
	}
	const char *bad[] = {"", "-1", "1x", "10 s", " 1", "nan", "inf", "1e999", "s", "0x10", "1.s5", "5sec"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		double s;
		cr_expect_eq(tach_parse_duration(bad[i], &s), TACH_EINVAL, "'%s' accepted", bad[i]);
	}
}

Test(units, sizes)
{
	const struct {
		const char *text;
		uint64_t want;
	} ok[] = {
		{"0", 0}, {"4096", 4096}, {"4KiB", 4096}, {"1MiB", 1048576}, {"2GiB", 2147483648ull},
		{"1.5KiB", 1536}, {"64K", 65536}, {"1kB", 1000}, {"3MB", 3000000}, {"12B", 12},
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		uint64_t b = 1;
		cr_expect_eq(tach_parse_size(ok[i].text, &b), 0, "%s", ok[i].text);
		cr_expect_eq(b, ok[i].want, "%s -> %llu", ok[i].text, (unsigned long long)b);
	}
	const char *bad[] = {"", "-4K", "1.3B", "1KB2", "10 MiB", "1e30", "1PiB", "x"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		uint64_t b;
		cr_expect_eq(tach_parse_size(bad[i], &b), TACH_EINVAL, "'%s' accepted", bad[i]);
	}
}

Test(units, unit_check)
{
	tach_unit_class c;
	char why[200];
	cr_expect_eq(tach_unit_check("s", &c, NULL, 0), 0);
	cr_expect_eq(c, TACH_UNIT_TIME);
	cr_expect_eq(tach_unit_check("B/s", &c, NULL, 0), 0);
	cr_expect_eq(c, TACH_UNIT_BYTERATE);
	cr_expect_eq(tach_unit_check("msg/s", &c, NULL, 0), 0);
	cr_expect_eq(c, TACH_UNIT_RATE);
	cr_expect_eq(tach_unit_check("instructions", &c, NULL, 0), 0);
	cr_expect_eq(c, TACH_UNIT_CUSTOM);
	cr_expect_eq(tach_unit_check("ms", &c, why, sizeof why), TACH_EFORMAT);
	cr_expect(strstr(why, "seconds"), "%s", why);
	cr_expect_eq(tach_unit_check("MiB", &c, why, sizeof why), TACH_EFORMAT);
	cr_expect_eq(tach_unit_check("", &c, why, sizeof why), TACH_EFORMAT);
	cr_expect_eq(tach_unit_check("two words", &c, why, sizeof why), TACH_EFORMAT);
	cr_expect_eq(tach_unit_check("9lives", &c, why, sizeof why), TACH_EFORMAT);
}

static void expect_scaled(const char *unit, double v, const char *want)
{
	char num[64], buf[96];
	tach_scale sc = tach_scale_for(unit, v, 0);
	tach_format_scaled(num, sizeof num, v, sc);
	snprintf(buf, sizeof buf, "%s %s%s", num, sc.prefix, sc.unit);
	cr_expect_str_eq(buf, want);
}

Test(units, display_scaling)
{
	expect_scaled("s", 1.2345e-8, "12.35 ns");
	expect_scaled("s", 2.5e-5, "25.00 \xc2\xb5s");
	expect_scaled("s", 0.41234, "412.3 ms");
	expect_scaled("s", 75, "75 s");
	expect_scaled("s", 75.5, "75.50 s");
	expect_scaled("B", 50331648, "48.00 MiB");
	expect_scaled("B", 512, "512 B");
	expect_scaled("msg/s", 4092650, "4.093 M msg/s");
	expect_scaled("count", 3, "3 ");
	expect_scaled("B/s", 5.2e9, "5.200 GB/s");
	expect_scaled("/s", 81234567, "81.23 M/s");
	expect_scaled("%", 97.5, "97.50 %");
	tach_scale sc = tach_scale_for("s", 2.5e-5, 1);
	cr_expect_str_eq(sc.unit, "us");
}
