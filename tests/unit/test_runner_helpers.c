/* test_runner_helpers.c - a command's own prepare, cleanup and conclude
 * (tach_runner_set_helpers, what `tach run --prepare A --prepare B X Y`
 * uses) against the runner's shared ones, with a fake executor that logs
 * what ran and a fake clock. */
#include <criterion/criterion.h>
#include <string.h>

#include "tach/tach.h"

typedef struct fake {
	double clock;
	char log[2048]; /* "pA x cA pB y cB ..." */
} fake;

static int fake_exec(void *ctx, char *const *argv, const tach_exec_opts *o,
                     tach_run_sample *out, tach_error *err)
{
	fake *f = ctx;
	(void)o;
	(void)err;
	memset(out, 0, sizeof *out);
	out->wall = 0.01;
	f->clock += 0.01;
	if (strlen(f->log) + strlen(argv[0]) + 2 < sizeof f->log) {
		strcat(f->log, argv[0]);
		strcat(f->log, " ");
	}
	return 0;
}

static double fake_now(void *ctx)
{
	return ((fake *)ctx)->clock;
}

static char *pa[] = {"pA", NULL}, *pb[] = {"pB", NULL}, *ca[] = {"cA", NULL},
            *cb[] = {"cB", NULL}, *za[] = {"zA", NULL}, *zall[] = {"zAll", NULL},
            *x[] = {"x", NULL}, *y[] = {"y", NULL};

Test(runner_helpers, each_command_its_own_prepare_cleanup_conclude)
{
	fake f = {0};
	tach_executor ex = {fake_exec, fake_now, &f, NULL};
	tach_runner_opts o = {.runs = 2, .no_interleave = 1, .conclude = zall};
	tach_runner *r = tach_runner_new(&o, &ex);
	cr_assert(r);
	cr_expect_eq(tach_runner_set_helpers(r, pa, ca, za), TACH_EINVAL, "no command yet");
	cr_assert_eq(tach_runner_add(r, "x", "x", x, NULL), 0);
	cr_assert_eq(tach_runner_set_helpers(r, pa, ca, za), 0);
	cr_assert_eq(tach_runner_add(r, "y", "y", y, NULL), 0);
	cr_assert_eq(tach_runner_set_helpers(r, pb, cb, NULL), 0, "NULL keeps the shared one");
	tach_result *res = tach_result_new();
	tach_error err;
	cr_assert_eq(tach_runner_run(r, res, &err), 0, "%s", err.message);
	cr_expect_str_eq(f.log, "pA x cA pA x cA zA pB y cB pB y cB zAll ");
	tach_result_free(res);
	tach_runner_free(r);
}
