/* failalloc.h - a test-only allocator that fails the Nth allocation.
 *
 * The allocation-failure test links libtach's static library with
 * -Wl,--wrap= for every allocating function libtach's own code calls
 * (malloc, calloc, realloc, free, strdup, strndup, and open_memstream,
 * fopen, fopencookie and getdelim, which allocate inside glibc and are
 * failed as a whole), and gives jansson (json_set_alloc_funcs) and SQLite
 * (SQLITE_CONFIG_MALLOC) allocators that count through the same counter.
 * Allocations made inside glibc on libtach's behalf (the buffer of an
 * open_memstream stream as it grows, a stdio buffer) cannot be reached
 * and are never failed.
 *
 * Every pointer handed out by the wrapped functions or jansson is kept in
 * a set until freed, so a test sees a leak as a count that does not come
 * back, without ASan (which the ASan build adds on top); SQLite's are
 * counted apart since it frees through its own functions.
 */
#ifndef TACH_TEST_FAILALLOC_H
#define TACH_TEST_FAILALLOC_H

#include <stddef.h>

/* Installs the jansson and SQLite allocators; call first, before any
 * SQLite use. */
void failalloc_install(void);

/* From now on the nth counted allocation (1-based) fails, and with
 * `persistent` every one after it too; the counter restarts at 0. */
void failalloc_arm(unsigned long n, int persistent);
/* Stops failing; counting goes on. */
void failalloc_disarm(void);

/* Allocations counted since the last arm, and how many were failed. */
unsigned long failalloc_count(void);
unsigned long failalloc_failed(void);

/* Live allocations: made through the wrapped functions or by jansson and
 * not freed yet; and SQLite's. */
size_t failalloc_live(void);
long failalloc_sqlite_live(void);

#endif
