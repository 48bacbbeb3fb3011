/* fuzz_history.c - libFuzzer target for the history's JSON lines (the
 * format `tach history export` writes and `history import` reads,
 * src/cli/cmd_history.c): the input is cut into lines as the import does,
 * each line read as a results document and added to a SQLite store in
 * memory (src/store/encode.c packs it), then read back from the store.
 * A line is rejected with a reason or stored; what is stored reads back
 * and survives the round trip (roundtrip.c); every run is removed again
 * so the store stays small over millions of inputs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roundtrip.h"
#include "tach/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tach_store *store;

static void close_store(void)
{
	tach_store_close(store);
}

static void add_line(const char *line, size_t len)
{
	tach_result *r = NULL;
	tach_error err;
	int rc = tach_result_read_buffer(line, len, "fuzz.jsonl", &r, &err);
	fuzz_check_read(rc, r, &err);
	if (rc)
		return;
	int64_t id;
	if (tach_store_add(store, r, NULL, &id, &err) == 0) {
		tach_result *back = NULL;
		if (tach_store_get(store, id, &back, &err) != 0 || back->n_benchmarks != r->n_benchmarks)
			abort(); /* a stored run reads back whole */
		fuzz_check_round_trip(back);
		tach_result_free(back);
		if (tach_store_remove(store, id, &err))
			abort();
	} else if (err.message[0] == '\0') {
		abort();
	}
	tach_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!store) {
		tach_error err;
		if (tach_store_open(":memory:", &store, &err))
			abort();
		atexit(close_store);
	}
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		if (!(len == 1 && *p == '\n'))
			add_line(p, len);
		p += len;
	}
	return 0;
}
