/* fuzz_results.c - libFuzzer target for the results reader.
 *
 * Any input must either be rejected with a placed error or read into a
 * result set that writes and reads back to the same text (the round-trip
 * property); crashes, leaks and undefined behaviour are what the fuzzer
 * (and ASan/UBSan) look for.  Built with -Dfuzz=true under clang; the
 * replay driver (replay.c) runs the seed corpus in every `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *to_text(const tach_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	tach_error err;
	if (tach_result_write(r, f, &err) != 0)
		abort(); /* what the reader accepts, the writer must write */
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tach_result *r = NULL;
	tach_error err;
	int rc = tach_result_read_buffer((const char *)data, size, "fuzz.json", &r, &err);
	if (rc != 0) {
		if (r != NULL || err.message[0] == '\0')
			abort(); /* errors must leave nothing and say why */
		return 0;
	}
	char *t1 = to_text(r);
	tach_result *back = NULL;
	if (tach_result_read_buffer(t1, strlen(t1), "again.json", &back, &err) != 0)
		abort();
	char *t2 = to_text(back);
	if (strcmp(t1, t2) != 0)
		abort();
	free(t1);
	free(t2);
	tach_result_free(back);
	tach_result_free(r);
	return 0;
}
