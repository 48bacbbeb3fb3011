/* mutex.c - a counter behind one mutex, run with 1, 2 and 4 threads: the
 * output's scaling_efficiency (throughput_N / (N x throughput_1)) shows
 * what contention costs. */
#include <pthread.h>
#include <stdint.h>

#include <tach/bench.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t counter;

TACH_BENCH(bm_mutex_counter, .threads = TACH_THREADS(1, 2, 4))
{
	TACH_LOOP(s) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	tach_set_items(s, tach_iterations(s));
}

TACH_MAIN()
