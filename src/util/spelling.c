/* spelling.c - how far a misspelling is from a name, for the did-you-mean
 * hints of options, commands and counter names: edits of one character
 * (insert, delete, replace), with a swap of two neighbours ("rnus") as
 * one edit, since that is the commonest slip of typing. */
#include <stdint.h>

#include "util/util.h"

size_t tach__edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	if (la > 64 || lb > 64) /* names are short; longer is no near miss */
		return SIZE_MAX;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			size_t best = sub < del ? sub : del;
			best = best < ins ? best : ins;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}
