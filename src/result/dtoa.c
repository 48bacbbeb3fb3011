/* dtoa.c - doubles to the shortest JSON text that reads back bit-identical.
 *
 * Grisu2 (F. Loitsch, "Printing Floating-Point Numbers Quickly and
 * Accurately with Integers", PLDI 2010): scale the double and the two
 * midpoints to its neighbours by a cached power of ten so that the integer
 * part fits 32 bits, then emit digits until the number is pinned inside
 * the rounding interval, shrunk by one unit on each side to cover the
 * error of the 64-bit products.  The result always reads back exactly;
 * it is the shortest such text in all but a tiny fraction of cases (then
 * one digit longer).  About ten times faster than printf("%.17g"), which
 * is what lets the writer outpace Python's json (bench/bench_format).
 */
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/units.h"
#include "result/internal.h"

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
		*p++ = 'e';
		if (e10 < 0) {
			*p++ = '-';
			e10 = -e10;
		}
		if (e10 >= 100)
			*p++ = (char)('0' + e10 / 100);
		if (e10 >= 10)
			*p++ = (char)('0' + e10 / 10 % 10);
		*p++ = (char)('0' + e10 % 10);
	}
	*p = '\0';
	return (size_t)(p - out);
}

typedef struct diyfp {
	uint64_t f;
	int e; /* value = f * 2^e */
} diyfp;

__extension__ typedef unsigned __int128 u128;

#include "result/pow10.h"

static diyfp mul(diyfp a, diyfp b)
{
	u128 p = (u128)a.f * b.f;
	uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p;
	hi += lo >> 63; /* round to nearest */
	return (diyfp){hi, a.e + b.e + 64};
}

static diyfp normalize(diyfp x)
{
	int s = __builtin_clzll(x.f);
	return (diyfp){x.f << s, x.e - s};
}

/* Moves the last digit down while that brings the number closer to the
 * exact value and stays inside the interval (Grisu's "round weed"). */
static void weed(char *buf, int len, uint64_t delta, uint64_t rest,
                 uint64_t ten_kappa, uint64_t wp_w)
{
	while (rest < wp_w && delta - rest >= ten_kappa &&
	       (rest + ten_kappa < wp_w || wp_w - rest > rest + ten_kappa - wp_w)) {
		buf[len - 1]--;
		rest += ten_kappa;
	}
}

static const uint32_t pow10_32[] = {1,         10,         100,     1000,
                                    10000,     100000,     1000000, 10000000,
                                    100000000, 1000000000};

/* Digits of the upper bound mp until they are within delta; *k gets the
 * decimal exponent of the last digit added. */
static int digit_gen(diyfp w, diyfp mp, uint64_t delta, char *buf, int *k)
{
	const int shift = -mp.e; /* 32..60 */
	const uint64_t one = 1ull << shift;
	const uint64_t wp_w = mp.f - w.f;
	uint32_t p1 = (uint32_t)(mp.f >> shift);
	uint64_t p2 = mp.f & (one - 1);
	int len = 0, kappa = 10;
	while (kappa > 1 && p1 < pow10_32[kappa - 1])
		kappa--;
	while (kappa > 0) {
		uint32_t div = pow10_32[kappa - 1];
		uint32_t d = p1 / div;
		p1 %= div;
		if (d || len)
			buf[len++] = (char)('0' + d);
		kappa--;
		uint64_t rest = ((uint64_t)p1 << shift) + p2;
		if (rest <= delta) {
			*k += kappa;
			weed(buf, len, delta, rest, (uint64_t)pow10_32[kappa] << shift, wp_w);
			return len;
		}
	}
	uint64_t unit = 1;
	for (;;) {
		p2 *= 10;
		delta *= 10;
		unit *= 10;
		char d = (char)(p2 >> shift);
		if (d || len)
			buf[len++] = (char)('0' + d);
		p2 &= one - 1;
		kappa--;
		if (p2 < delta) {
			*k += kappa;
			weed(buf, len, delta, p2, one, wp_w * unit);
			return len;
		}
	}
}

/* Shortest digits of a finite d > 0: buf gets them, returns their count,
 * *e10 the decimal exponent of the first digit. */
static int grisu2(double d, char *buf, int *e10)
{
	uint64_t bits;
	memcpy(&bits, &d, sizeof bits);
	uint64_t frac = bits & ((1ull << 52) - 1);
	int bexp = (int)(bits >> 52 & 0x7ff);
	diyfp v = bexp ? (diyfp){frac | 1ull << 52, bexp - 1075}
	               : (diyfp){frac, -1074};
	/* the midpoints to the neighbouring doubles; the lower one is closer
	 * when v is a power of two (the spacing halves below it) */
	diyfp mp = normalize((diyfp){(v.f << 1) + 1, v.e - 1});
	diyfp mm = frac == 0 && bexp > 1 ? (diyfp){(v.f << 2) - 1, v.e - 2}
	                                 : (diyfp){(v.f << 1) - 1, v.e - 1};
	mm.f <<= mm.e - mp.e;
	mm.e = mp.e;
	diyfp w = normalize(v);

	/* a cached power c with -60 <= c.e + mp.e + 64 <= -32 */
	int want = -60 - (mp.e + 64);
	int dk = (int)ceil((want + 63) * 0.30102999566398114);
	int i = (dk - TACH_POW10_MIN + TACH_POW10_STEP - 1) / TACH_POW10_STEP;
	if (i < 0)
		i = 0;
	while (tach_pow10[i].e + mp.e + 64 < -60)
		i++;
	while (i > 0 && tach_pow10[i].e + mp.e + 64 > -32)
		i--;
	diyfp c = {tach_pow10[i].f, tach_pow10[i].e};
	int mk = TACH_POW10_MIN + TACH_POW10_STEP * i;

	diyfp W = mul(w, c), Wp = mul(mp, c), Wm = mul(mm, c);
	Wm.f++; /* stay inside the interval despite rounded products */
	Wp.f--;
	int k = -mk;
	int len = digit_gen(W, Wp, Wp.f - Wm.f, buf, &k);
	*e10 = len + k - 1;
	return len;
}

/* A run of four '0' or '9' digits after the first. */
static int has_run(const char *dig, int nd)
{
	int run = 0;
	for (int i = 2; i < nd; i++) {
		if (dig[i] == dig[i - 1] && (dig[i] == '0' || dig[i] == '9')) {
			if (++run == 3)
				return 1;
		} else {
			run = 0;
		}
	}
	return 0;
}

size_t tach__dtoa(double d, char *buf)
{
	if (d == 0)
		return (size_t)sprintf(buf, signbit(d) ? "-0" : "0");
	char dig[20];
	int e10;
	int nd = grisu2(fabs(d), dig, &e10);
	dig[nd] = '\0';
	/* Grisu2 misses the shortest form in ~0.05% of cases; the misses that
	 * matter are values a person typed (0.000689496 coming out as
	 * 0.0006894960000000001).  Their tell is a run of zeros or nines:
	 * then ask the C library, which is exact but slow. */
	if (nd >= 16 && has_run(dig, nd)) {
		for (int p = 15; p <= 16; p++) {
			char tmp[40];
			snprintf(tmp, sizeof tmp, "%.*e", p - 1, fabs(d));
			if (tach__strtod(tmp, NULL) != fabs(d))
				continue;
			/* "d.ddde[+-]X" -> digits and exponent */
			dig[0] = tmp[0];
			memcpy(dig + 1, tmp + 2, (size_t)(p - 1));
			e10 = atoi(tmp + p + 2);
			nd = p;
			break;
		}
	}
	return render(buf, d < 0, dig, nd, e10);
}

size_t tach_format_double(double d, char *buf)
{
	if (isnan(d))
		return (size_t)sprintf(buf, "nan");
	if (isinf(d))
		return (size_t)sprintf(buf, d < 0 ? "-inf" : "inf");
	return tach__dtoa(d, buf);
}
