/* roundtrip.c - the round-trip property shared by the fuzz targets
 * (roundtrip.h): one definition, so that every reader is held to the
 * same rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roundtrip.h"

char *fuzz_to_text(const tach_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	tach_error err;
	if (tach_result_write(r, f, &err) != 0)
		abort(); /* what a reader accepts, the writer must write */
	fclose(f);
	return buf;
}

void fuzz_check_round_trip(const tach_result *r)
{
	char *t1 = fuzz_to_text(r);
	tach_result *back = NULL;
	tach_error err;
	if (tach_result_read_buffer(t1, strlen(t1), "again.json", &back, &err) != 0)
		abort();
	char *t2 = fuzz_to_text(back);
	if (strcmp(t1, t2) != 0)
		abort();
	free(t1);
	free(t2);
	tach_result_free(back);
}

void fuzz_check_read(int rc, const tach_result *r, const tach_error *err)
{
	if (rc != 0) {
		if (r != NULL || rc > 0 || err->message[0] == '\0')
			abort(); /* errors must leave nothing and say why */
		return;
	}
	if (r == NULL)
		abort();
	fuzz_check_round_trip(r);
}
