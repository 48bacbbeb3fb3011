/* time.c - seconds as doubles: now on the monotonic clock (deadlines,
 * durations of runs and waits) and a struct timeval's (rusage).  One
 * definition for every stage; the benchmark timer itself is clock.h's. */
#include <sys/time.h>
#include <time.h>

#include "util/util.h"

double tach__now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double tach__tv_seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}
