/* str.c - string helpers every stage uses: a strdup that copies NULL as
 * NULL, and strtod in the C locale (numbers in files never follow the
 * locale of the program that embeds libtach). */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

char *tach__strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

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
