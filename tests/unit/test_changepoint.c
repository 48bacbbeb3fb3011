/* test_changepoint.c - change-point detection (tach/changepoint.h). */
#include <criterion/criterion.h>

#include "tach/changepoint.h"

Test(changepoint, defaults)
{
	tach_changepoint_opts o = tach_changepoint_defaults();

	cr_assert_eq(o.max_p, 0.001);
}
