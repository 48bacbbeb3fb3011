/* dtoa.c - doubles to the shortest JSON text that reads back bit-identical.
 *
 * Seventeen significant digits always round-trip a double, but print 0.1
 * as 0.10000000000000001.  We take the correctly rounded 17 digits from the
 * C library once, then try the 15- and 16-digit roundings of that string
 * and keep the first that strtod() maps back to the same bits.  Any double
 * that has a representation of 15 digits or fewer gets it (DBL_DIG = 15
 * guarantees such a decimal survives the trip), so values typed by people
 * or written by other tools come back as they were.  In rare double-
 * rounding cases a 16-digit form is missed and 17 digits are written:
 * still exact, one digit longer.
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/units.h"
#include "result/internal.h"

static locale_t c_locale(void)
{
	/* strtod follows LC_NUMERIC; a program embedding libtach may have set
	 * a locale with a decimal comma.  Created once, never freed. */
	static locale_t loc;
	if (!loc)
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return loc;
}

double tach__strtod(const char *s, char **end)
{
	locale_t loc = c_locale();
	return loc ? strtod_l(s, end, loc) : strtod(s, end);
}

/* Renders sign, `nd` digits and decimal exponent `e10` (value =
 * 0.d1d2... * 10^(e10+1), i.e. d1 is the units digit at e10 = 0) in the
 * style of %g: positional for -5 <= e10 < 17, else d.ddde[-]X. */
static size_t render(char *out, int neg, const char *dig, int nd, int e10)
{
	char *p = out;
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	if (neg)
		*p++ = '-';
	if (e10 >= -5 && e10 < 17) {
		if (e10 < 0) {
			*p++ = '0';
			*p++ = '.';
			for (int i = -1; i > e10; i--)
				*p++ = '0';
			memcpy(p, dig, (size_t)nd);
			p += nd;
		} else {
			for (int i = 0; i <= e10; i++)
				*p++ = i < nd ? dig[i] : '0';
			if (nd > e10 + 1) {
				*p++ = '.';
				memcpy(p, dig + e10 + 1, (size_t)(nd - e10 - 1));
				p += nd - e10 - 1;
			}
		}
	} else {
		*p++ = dig[0];
		if (nd > 1) {
			*p++ = '.';
			memcpy(p, dig + 1, (size_t)(nd - 1));
			p += nd - 1;
		}
		p += sprintf(p, "e%d", e10);
	}
	*p = '\0';
	return (size_t)(p - out);
}

/* Rounds the 17 digits in `d17` to `k` digits (half up on the digit
 * string) into `out`; adjusts *e10 on carry-out. */
static void round_digits(const char *d17, int k, char *out, int *e10)
{
	memcpy(out, d17, (size_t)k);
	if (d17[k] >= '5') {
		int i = k - 1;
		while (i >= 0 && out[i] == '9')
			out[i--] = '0';
		if (i >= 0) {
			out[i]++;
		} else { /* 999.. -> 1000.. */
			out[0] = '1';
			(*e10)++;
		}
	}
}

size_t tach__dtoa(double d, char *buf)
{
	if (d == 0)
		return (size_t)sprintf(buf, signbit(d) ? "-0" : "0");

	char sci[40];
	/* "-d.dddddddddddddddde-XXX": 17 significant digits, correctly rounded */
	snprintf(sci, sizeof sci, "%.16e", d);
	const char *s = sci;
	int neg = *s == '-';
	if (neg)
		s++;
	char d17[18];
	d17[0] = s[0];
	memcpy(d17 + 1, s + 2, 16);
	d17[17] = '\0';
	int e10 = atoi(s + 19);

	for (int k = 15; k <= 16; k++) {
		char dig[17];
		int e = e10;
		round_digits(d17, k, dig, &e);
		size_t len = render(buf, neg, dig, k, e);
		if (tach__strtod(buf, NULL) == d)
			return len;
	}
	return render(buf, neg, d17, 17, e10);
}

size_t tach_format_double(double d, char *buf)
{
	if (isnan(d))
		return (size_t)sprintf(buf, "nan");
	if (isinf(d))
		return (size_t)sprintf(buf, d < 0 ? "-inf" : "inf");
	return tach__dtoa(d, buf);
}
