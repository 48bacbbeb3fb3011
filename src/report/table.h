/* table.h - aligned terminal tables: rows of cells, widths measured after
 * escaping, optional colour by row state.  Internal to src/report. */
#ifndef TACH_REPORT_TABLE_H
#define TACH_REPORT_TABLE_H

#include <stdio.h>

#define TACH_HIDDEN __attribute__((visibility("hidden")))

typedef struct tach_table tach_table;

enum {
	TACH_ROW_BAD = 1,   /* shown in red: an error */
	TACH_ROW_NOISY = 2, /* shown in yellow: a noisy measurement */
	TACH_ROW_GOOD = 4,  /* shown in green */
};

TACH_HIDDEN tach_table *tach__table_new(size_t columns);
TACH_HIDDEN void tach__table_free(tach_table *t);
TACH_HIDDEN void tach__table_align_right(tach_table *t, size_t column);
/* Appends a row of exactly `columns` strings (copied).  The first row
 * added is the header.  0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__table_row(tach_table *t, int flags, ...);
/* The same with the cells in an array (as many as the table's columns). */
TACH_HIDDEN int tach__table_row_v(tach_table *t, int flags, const char *const *cells);
/* Prints with two spaces between columns; the header underlined when
 * colour is on.  0, or TACH_ENOMEM with nothing printed. */
TACH_HIDDEN int tach__table_print(const tach_table *t, FILE *f, int color);

#endif
