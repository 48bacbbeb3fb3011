/* failalloc.c - the allocator that fails the Nth allocation
 * (failalloc.h): the __wrap_ functions ld's --wrap sends libtach's calls
 * to, the jansson and SQLite hooks, and the set of live pointers that
 * turns a leak into a number a test can check. */
#include <errno.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>
#include <sqlite3.h>

#include "failalloc.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
FILE *__real_open_memstream(char **buf, size_t *len);
FILE *__real_fopen64(const char *path, const char *mode);
FILE *__real_fopencookie(void *cookie, const char *mode, cookie_io_functions_t io);
ssize_t __real___getdelim(char **line, size_t *cap, int delim, FILE *f);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
FILE *__wrap_open_memstream(char **buf, size_t *len);
FILE *__wrap_fopen64(const char *path, const char *mode);
FILE *__wrap_fopencookie(void *cookie, const char *mode, cookie_io_functions_t io);
ssize_t __wrap___getdelim(char **line, size_t *cap, int delim, FILE *f);

/* ---- the counter ---- */

static unsigned long count, fail_at, failed;
static int persistent;

void failalloc_arm(unsigned long n, int persist)
{
	count = failed = 0;
	fail_at = n;
	persistent = persist;
}

void failalloc_disarm(void)
{
	fail_at = 0;
}

unsigned long failalloc_count(void)
{
	return count;
}

unsigned long failalloc_failed(void)
{
	return failed;
}

/* Counts one allocation; 1 when it is to fail. */
static int fail_now(void)
{
	count++;
	if (fail_at && (count == fail_at || (persistent && count > fail_at))) {
		failed++;
		errno = ENOMEM;
		if (getenv("FAILALLOC_BACKTRACE")) { /* where, for debugging a sweep */
			void *at[32];
			fprintf(stderr, "allocation %lu fails at:\n", count);
			backtrace_symbols_fd(at, backtrace(at, 32), 2);
		}
		return 1;
	}
	return 0;
}

/* ---- the live set: open addressing, linear probing ---- */

#define TOMB ((void *)1)
static void **slots;
static size_t cap, used, live; /* used: live + tombstones */

static size_t hash(const void *p, size_t mask)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 17;
	x *= 0xed5ad4bbu;
	x ^= x >> 11;
	return (size_t)x & mask;
}

static void put(void *p);

static void grow(void)
{
	void **old = slots;
	size_t n = cap;
	cap = cap ? 2 * cap : 1 << 12;
	if (live * 4 < n)
		cap = n; /* mostly tombstones: rehash at the same size */
	slots = __real_calloc(cap, sizeof *slots);
	if (!slots)
		abort();
	used = live = 0;
	for (size_t i = 0; i < n; i++)
		if (old[i] && old[i] != TOMB)
			put(old[i]);
	__real_free(old);
}

static void put(void *p)
{
	if (!p)
		return;
	if ((used + 1) * 2 > cap)
		grow();
	size_t i = hash(p, cap - 1);
	while (slots[i] && slots[i] != TOMB)
		i = (i + 1) & (cap - 1);
	if (!slots[i])
		used++;
	slots[i] = p;
	live++;
}

/* Removes p; 0 when it was not in the set (allocated inside glibc). */
static int take(void *p)
{
	if (!p || !cap)
		return 0;
	for (size_t i = hash(p, cap - 1); slots[i]; i = (i + 1) & (cap - 1))
		if (slots[i] == p) {
			slots[i] = TOMB;
			live--;
			return 1;
		}
	return 0;
}

size_t failalloc_live(void)
{
	return live;
}

/* ---- libtach's calls ---- */

void *__wrap_malloc(size_t n)
{
	if (fail_now())
		return NULL;
	void *p = __real_malloc(n);
	put(p);
	return p;
}

void *__wrap_calloc(size_t k, size_t n)
{
	if (fail_now())
		return NULL;
	void *p = __real_calloc(k, n);
	put(p);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	if (fail_now())
		return NULL; /* p stays allocated, as realloc leaves it */
	int tracked = take(p);
	void *q = __real_realloc(p, n);
	if (q)
		put(q);
	else if (tracked)
		put(p);
	return q;
}

void __wrap_free(void *p)
{
	take(p);
	__real_free(p);
}

char *__wrap_strdup(const char *s)
{
	if (fail_now())
		return NULL;
	char *p = __real_strdup(s);
	put(p);
	return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
	if (fail_now())
		return NULL;
	char *p = __real_strndup(s, n);
	put(p);
	return p;
}

/* glibc allocates the FILE (and the line) of these itself: the whole call
 * fails as its allocation would.  The buffer open_memstream hands back
 * is glibc's, freed with free(): take() ignores it. */
FILE *__wrap_open_memstream(char **buf, size_t *len)
{
	return fail_now() ? NULL : __real_open_memstream(buf, len);
}

FILE *__wrap_fopen64(const char *path, const char *mode)
{
	return fail_now() ? NULL : __real_fopen64(path, mode);
}

FILE *__wrap_fopencookie(void *cookie, const char *mode, cookie_io_functions_t io)
{
	return fail_now() ? NULL : __real_fopencookie(cookie, mode, io);
}

ssize_t __wrap___getdelim(char **line, size_t *cap_, int delim, FILE *f)
{
	if (fail_now())
		return -1;
	/* getdelim may realloc a buffer the caller malloc'ed */
	int tracked = take(*line);
	ssize_t n = __real___getdelim(line, cap_, delim, f);
	if (tracked)
		put(*line);
	return n;
}

/* ---- jansson ---- */

/* jansson 2.14 cannot survive the failure of its lexer's buffer growth:
 * lex_save() drops the byte and goes on, and the string scanner then
 * walks past the buffer (valgrind: invalid read and write in json_loadb)
 * or an assert fires -- jansson's bug (akheron/jansson#362, open), not
 * libtach's.  That buffer starts at 16 bytes and doubles, so jansson's
 * allocations of 32, 64, 128 ... bytes are neither counted nor failed (its
 * arrays' tables grow the same way and are spared with them). */
static int lexer_growth(size_t n)
{
	return n >= 32 && (n & (n - 1)) == 0;
}

static void *json_alloc(size_t n)
{
	if (!lexer_growth(n) && fail_now())
		return NULL;
	void *p = __real_malloc(n);
	put(p);
	return p;
}

static void json_release(void *p)
{
	__wrap_free(p);
}

/* ---- SQLite ---- */

static sqlite3_mem_methods sqlite_default;
static long sqlite_live;

static void *sq_malloc(int n)
{
	if (fail_now())
		return NULL;
	void *p = sqlite_default.xMalloc(n);
	sqlite_live += p != NULL;
	return p;
}

static void sq_free(void *p)
{
	sqlite_live -= p != NULL;
	sqlite_default.xFree(p);
}

static void *sq_realloc(void *p, int n)
{
	return fail_now() ? NULL : sqlite_default.xRealloc(p, n);
}

static int sq_size(void *p)
{
	return sqlite_default.xSize(p);
}

static int sq_roundup(int n)
{
	return sqlite_default.xRoundup(n);
}

static int sq_init(void *ctx)
{
	return sqlite_default.xInit(ctx);
}

static void sq_shutdown(void *ctx)
{
	sqlite_default.xShutdown(ctx);
}

long failalloc_sqlite_live(void)
{
	return sqlite_live;
}

void failalloc_install(void)
{
	json_set_alloc_funcs(json_alloc, json_release);
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_default) != SQLITE_OK)
		abort();
	sqlite3_mem_methods m = sqlite_default;
	m.xMalloc = sq_malloc;
	m.xFree = sq_free;
	m.xRealloc = sq_realloc;
	m.xSize = sq_size;
	m.xRoundup = sq_roundup;
	m.xInit = sq_init;
	m.xShutdown = sq_shutdown;
	/* no lookaside: every SQLite allocation reaches the counter */
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK)
		abort();
}
