/* fuzz_units.c - libFuzzer target for the duration and size parsers
 * (tach_parse_duration, tach_parse_size: "500ms", "1.5m", "64k",
 * "1MiB"), which read command-line options and tach.conf values.  The
 * input is taken as one C string (up to its first NUL).  A parse either
 * fails or gives a finite non-negative duration / a whole size below
 * 2^63; nothing is read past the string. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tach/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1); /* exactly sized: ASan sees overreads */
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	double s = -1;
	if (tach_parse_duration(text, &s) == 0 && !(isfinite(s) && s >= 0))
		abort();
	uint64_t b = 0;
	if (tach_parse_size(text, &b) == 0 && b >= (UINT64_C(1) << 63))
		abort();
	free(text);
	return 0;
}
