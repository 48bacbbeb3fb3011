/* roundtrip.h - the property every fuzz target that yields a result set
 * checks: what a reader accepted, the writer writes, and that text reads
 * back and writes again to the same bytes.  Aborts (the fuzzer's crash)
 * when it does not. */
#ifndef TACH_FUZZ_ROUNDTRIP_H
#define TACH_FUZZ_ROUNDTRIP_H

#include "tach/tach.h"

/* The result set written as results JSON (caller frees); aborts when the
 * writer refuses it. */
char *fuzz_to_text(const tach_result *r);

/* Checks the round trip of r (not freed). */
void fuzz_check_round_trip(const tach_result *r);

/* Checks the outcome of a reader: on failure nothing is returned and the
 * error says why; on success the round trip holds. */
void fuzz_check_read(int rc, const tach_result *r, const tach_error *err);

#endif
