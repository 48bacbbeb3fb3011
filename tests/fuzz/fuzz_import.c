/* fuzz_import.c - libFuzzer target for one importer of another tool's
 * results (src/import/), compiled once per format with FUZZ_FORMAT set to
 * the format's name ("go", "jmh", ...; "" detects the format from the
 * content, as `tach import` does by default).  A forced format makes the
 * fuzzer spend its time inside that one parser.  Whatever the input, the
 * import fails with a reason or gives a result set that survives the
 * round trip through tach's own format (roundtrip.c).
 */
#include <stdint.h>

#include "roundtrip.h"
#include "tach/import.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT ""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *from = FUZZ_FORMAT[0] ? FUZZ_FORMAT : NULL;
	tach_result *r = NULL;
	tach_error err;
	int rc = tach_import_buffer((const char *)data, size, "fuzz.txt", from, &r, &err);
	fuzz_check_read(rc, r, &err);
	tach_result_free(r);
	return 0;
}
