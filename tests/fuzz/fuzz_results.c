/* fuzz_results.c - libFuzzer target for the results reader.
 *
 * Any input must either be rejected with a placed error or read into a
 * result set that writes and reads back to the same text (the round-trip
 * property, roundtrip.c); crashes, leaks and undefined behaviour are what
 * the fuzzer (and ASan/UBSan) look for.  Built with -Dfuzz=true under
 * clang; the replay driver (replay.c) runs the seeds in every `make test`.
 */
#include <stdint.h>

#include "roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tach_result *r = NULL;
	tach_error err;
	int rc = tach_result_read_buffer((const char *)data, size, "fuzz.json", &r, &err);
	fuzz_check_read(rc, r, &err);
	tach_result_free(r);
	return 0;
}
