/* compare_cells.h - the cells of a comparison row as the two-input
 * writers print them (comparison.c), shared with the N-way writer
 * (comparison_multi.c) so that a change reads the same in both. */
#ifndef TACH_REPORT_COMPARE_CELLS_H
#define TACH_REPORT_COMPARE_CELLS_H

#include <stdio.h>

#include "tach/compare.h"
#include "tach/report.h"
#include "tach/units.h"

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

typedef struct tach__compare_cells {
	char base[64], cand[64], change[32], ci[80], p[24], n[48], cv[32], verdict[64];
} tach__compare_cells;

/* x as a signed percentage ("+3.20%", "-" for NaN, a factor past -90 %
 * and +900 %). */
TACH_HIDDEN void tach__compare_pct(char *buf, size_t size, double x);
/* v in the scale sc with its unit, "-" for NaN. */
TACH_HIDDEN void tach__compare_value(char *buf, size_t size, double v, tach_scale sc);
/* Every cell of row r as text. */
TACH_HIDDEN void tach__compare_row_cells(const tach_compare_row *r, const tach_report_opts *o,
                                         tach__compare_cells *c);
/* "2 regressed, 1 improved, ... · geomean time +1.2%" and a newline
 * (md: Markdown, the regressed count in bold). */
TACH_HIDDEN void tach__compare_summary_line(FILE *f, const tach_comparison *c, int md);
/* JSON: "summary": {...}<sep>"geomeans": [...] of c. */
TACH_HIDDEN void tach__compare_json_summary(FILE *f, const tach_comparison *c, const char *sep);
/* CSV: name,params,metric,unit,direction (no newline; params "k=v;k=v"). */
TACH_HIDDEN void tach__compare_csv_lead(FILE *f, const char *name, const tach_kvlist *params,
                                        const char *metric, const char *unit,
                                        tach_direction dir);
/* CSV: ",v" with v round-tripping, or "," for a number that is not finite. */
TACH_HIDDEN void tach__compare_csv_num(FILE *f, double v);
/* JUnit: one <testsuite> named `name`, a test case per row of c. */
TACH_HIDDEN void tach__compare_junit_suite(FILE *f, const tach_comparison *c, const char *name,
                                           const tach_report_opts *o);

#endif
