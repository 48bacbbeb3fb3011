/* table.c - aligned terminal tables for show and compare.
 *
 * Cells are stored raw and escaped when printed (tach__emit_text), and
 * widths are measured on the escaped form, so a name holding an escape
 * sequence can neither break the alignment nor reach the terminal.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tach/error.h"
#include "report/emit.h"
#include "report/table.h"

struct tach_table {
	size_t columns, rows, cap;
	char **cells;   /* rows * columns */
	int *flags;     /* per row */
	int *right;     /* per column */
};

tach_table *tach__table_new(size_t columns)
{
	tach_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->columns = columns;
	t->right = calloc(columns, sizeof *t->right);
	if (!t->right) {
		free(t);
		return NULL;
	}
	return t;
}

void tach__table_free(tach_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->rows * t->columns; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->flags);
	free(t->right);
	free(t);
}

void tach__table_align_right(tach_table *t, size_t column)
{
	if (column < t->columns)
		t->right[column] = 1;
}

/* Room for one more row.  0 or TACH_ENOMEM. */
static int reserve(tach_table *t)
{
	if (t->rows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, ncap * t->columns * sizeof *c);
		if (!c)
			return TACH_ENOMEM;
		t->cells = c;
		int *fl = realloc(t->flags, ncap * sizeof *fl);
		if (!fl)
			return TACH_ENOMEM;
		t->flags = fl;
		t->cap = ncap;
	}
	return 0;
}

int tach__table_row(tach_table *t, int flags, ...)
{
	if (reserve(t))
		return TACH_ENOMEM;
	va_list ap;
	va_start(ap, flags);
	char **row = t->cells + t->rows * t->columns;
	int rc = 0;
	for (size_t i = 0; i < t->columns; i++) {
		const char *s = va_arg(ap, const char *);
		row[i] = strdup(s ? s : "");
		if (!row[i])
			rc = TACH_ENOMEM;
	}
	va_end(ap);
	if (rc) {
		for (size_t i = 0; i < t->columns; i++)
			free(row[i]);
		return rc;
	}
	t->flags[t->rows++] = flags;
	return 0;
}

int tach__table_row_v(tach_table *t, int flags, const char *const *cells)
{
	if (reserve(t))
		return TACH_ENOMEM;
	char **row = t->cells + t->rows * t->columns;
	for (size_t i = 0; i < t->columns; i++)
		if (!(row[i] = strdup(cells[i] ? cells[i] : ""))) {
			while (i-- > 0)
				free(row[i]);
			return TACH_ENOMEM;
		}
	t->flags[t->rows++] = flags;
	return 0;
}

int tach__table_print(const tach_table *t, FILE *f, int color)
{
	size_t *w = calloc(t->columns, sizeof *w);
	if (!w)
		return TACH_ENOMEM;
	for (size_t r = 0; r < t->rows; r++)
		for (size_t c = 0; c < t->columns; c++) {
			size_t cw = tach__text_width(t->cells[r * t->columns + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	for (size_t r = 0; r < t->rows; r++) {
		const char *on = "";
		if (color && r == 0)
			on = "\x1b[1m";
		else if (color && (t->flags[r] & TACH_ROW_BAD))
			on = "\x1b[31m";
		else if (color && (t->flags[r] & TACH_ROW_NOISY))
			on = "\x1b[33m";
		else if (color && (t->flags[r] & TACH_ROW_GOOD))
			on = "\x1b[32m";
		fputs(on, f);
		/* the last column is not padded on the right */
		size_t last = t->columns;
		while (last > 1 && !*t->cells[r * t->columns + last - 1])
			last--;
		for (size_t c = 0; c < last; c++) {
			const char *s = t->cells[r * t->columns + c];
			size_t pad = w[c] - tach__text_width(s);
			if (c)
				fputs("  ", f);
			if (t->right[c])
				fprintf(f, "%*s", (int)pad, "");
			tach__emit_text(f, s);
			if (!t->right[c] && c + 1 < last)
				fprintf(f, "%*s", (int)pad, "");
		}
		fputs(*on ? "\x1b[0m\n" : "\n", f);
	}
	free(w);
	return 0;
}
