/* svg.h - what the HTML report draws its charts with: axes that choose
 * round ticks (linear, or logarithmic when values span more than two
 * decades), labels in a display unit, and mapping values to pixels.
 * Internal to src/report. */
#ifndef TACH_REPORT_SVG_H
#define TACH_REPORT_SVG_H

#include <stddef.h>
#include <stdio.h>

#define TACH_HIDDEN __attribute__((visibility("hidden")))

#define TACH_AXIS_MAX_TICKS 12

typedef struct tach__axis {
	double lo, hi; /* the range drawn (ticks included) */
	int log;       /* 1: logarithmic (base 10) */
	size_t n_ticks;
	double ticks[TACH_AXIS_MAX_TICKS];
	char labels[TACH_AXIS_MAX_TICKS][48]; /* "10 µs", "+5%" */
} tach__axis;

/* An axis over [lo, hi] of values in `unit` ("s", "B", "/s", "count",
 * "%" or custom): round ticks 1-2-5 x 10^k (about 5 of them), extended
 * to cover the data; logarithmic when allow_log and 0 < lo and hi/lo >
 * 100.  Labels are scaled once for the whole axis (ns/µs/ms/s, KiB/MiB,
 * k/M/G).  lo == hi gives a small range around the value.  0 or
 * TACH_EINVAL (non-finite bounds). */
TACH_HIDDEN int tach__axis_make(double lo, double hi, const char *unit, int allow_log,
                                tach__axis *out);

/* An axis of ratios shown as percentage changes ("-5%", "0%", "+10%"),
 * linear in the logarithm so that x2 and /2 are symmetric. */
TACH_HIDDEN int tach__axis_ratio(double lo, double hi, tach__axis *out);

/* Pixel position of v on the axis between px0 (at lo) and px1 (at hi),
 * clamped to the axis. */
TACH_HIDDEN double tach__axis_px(const tach__axis *a, double v, double px0, double px1);

/* Grid lines with their labels: vertical lines for an x axis drawn from
 * px0 (lo) to px1 (hi), spanning y0..y1, labels under y1; or horizontal
 * lines for a y axis drawn from py0 (lo) to py1 (hi), spanning x0..x1,
 * labels left of x0. */
TACH_HIDDEN void tach__svg_xgrid(FILE *f, const tach__axis *a, double px0, double px1, double y0,
                                 double y1);
TACH_HIDDEN void tach__svg_ygrid(FILE *f, const tach__axis *a, double py0, double py1, double x0,
                                 double x1);

/* A number for an SVG attribute: at most one decimal (a tenth of a
 * pixel), no exponent, never "-0". */
TACH_HIDDEN void tach__svg_num(FILE *f, double v);

#endif
