/* test_check.h - the CHECK macro of test_eventbus and the component
 * tests it runs (test_components.c): a FAIL line and a counted failure,
 * the test goes on. */
#ifndef EVENTBUS_TEST_CHECK_H
#define EVENTBUS_TEST_CHECK_H

#include <stdio.h>

extern int failures;

#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			failures++;                                           \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);           \
			printf(__VA_ARGS__);                                  \
			printf("\n");                                         \
		}                                                             \
	} while (0)

/* test_components.c: the process manager, log store, proxy and
 * realistic workload. */
void test_components(void);

#endif
