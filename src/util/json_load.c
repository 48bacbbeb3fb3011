/* json_load.c - jansson's parser with its allocation failures seen.
 *
 * jansson does not report every allocation failure: when the buffer of
 * the string being scanned cannot grow it drops the byte and goes on
 * ("10:00:00" reads as "10:0:00"), and a failure elsewhere in the lexer
 * comes out as a syntax error.  So libtach chains its own functions in
 * front of whatever allocator jansson has (once, on first use), which
 * note a failed allocation in a per-thread flag; tach__json_loadb then
 * knows a parse ran out of memory, whatever jansson returned.  Memory
 * still comes from the allocator that was installed before, so an
 * application's own json_set_alloc_funcs keeps working (if it is called
 * later, only this detection is lost).
 */
#include <pthread.h>

#include "tach/error.h"
#include "util/json_load.h"

static json_malloc_t prev_malloc;
static json_free_t prev_free;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static __thread int failed;

static void *counted_malloc(size_t n)
{
	void *p = prev_malloc(n);
	if (!p)
		failed = 1;
	return p;
}

static void chained_free(void *p)
{
	prev_free(p);
}

static void install(void)
{
	json_get_alloc_funcs(&prev_malloc, &prev_free);
	json_set_alloc_funcs(counted_malloc, chained_free);
}

json_t *tach__json_loadb(const char *data, size_t len, json_error_t *je, int *rc)
{
	pthread_once(&once, install);
	failed = 0;
	json_t *root = json_loadb(data, len, 0, je);
	if (failed) {
		json_decref(root); /* whatever it holds may be missing bytes */
		*rc = TACH_ENOMEM;
		return NULL;
	}
	*rc = root ? 0 : TACH_EPARSE;
	return root;
}
