/* grow.c - growing arrays by doubling, for every stage's lists. */
#include <stdint.h>
#include <stdlib.h>

#include "tach/error.h"
#include "util/util.h"

int tach__grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 4;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return TACH_ENOMEM;
		ncap *= 2;
	}
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return TACH_ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}
