/* testbed.c - the testbed options of the CLI (see testbed.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/testbed.h"

int cli_testbed_check(const char *spelled, const char *name)
{
	if (tach_testbed_name_valid(name))
		return 0;
	char why[160];
	snprintf(why, sizeof why,
	         "a testbed name is 1 to %d of A-Z a-z 0-9 . _ + -, not starting with '.' or '-'",
	         TACH_TESTBED_MAX);
	return cli_bad_value(spelled, name, why);
}

int cli_testbed_set(tach_result *r, const char *name)
{
	if (name && tach_meta_set(&r->meta.testbed, name))
		return cli_error("out of memory");
	return 0;
}

const char *cli_testbed_given;

void cli_testbed_here(char *out, size_t size)
{
	if (cli_testbed_given) {
		snprintf(out, size, "%s", cli_testbed_given);
		return;
	}
	tach_meta m = {.git_dirty = -1};
	char host[256];
	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		m.hostname = host;
	}
	tach_result *r = tach_result_new();
	/* tach_meta_collect also asks git, which the name does not need, but
	 * it is the one place that reads the CPU model */
	if (r && tach_meta_collect(&r->meta, "/") == 0)
		tach_meta_testbed(&r->meta, out, size);
	else
		tach_meta_testbed(&m, out, size);
	tach_result_free(r);
}

int cli_testbed_choose(tach_store *s, const char *asked, char *out, size_t size)
{
	tach_testbed_info *v = NULL;
	size_t n = 0;
	tach_error err = {0};
	if (tach_store_testbeds(s, &v, &n, &err)) {
		char msg[600];
		tach_error_format(&err, msg, sizeof msg);
		return cli_error("%s", msg);
	}
	if (asked)
		snprintf(out, size, "%s", asked);
	else
		cli_testbed_here(out, size);
	int found = n == 0;
	for (size_t i = 0; i < n && !found; i++)
		found = !strcmp(v[i].name, out);
	if (!found && !asked && n == 1) {
		snprintf(out, size, "%s", v[0].name);
		found = 1;
	}
	if (found) {
		tach_testbed_infos_free(v, n);
		return 0;
	}
	char list[1024] = "", loc[512];
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s'%s' (%zu run%s)",
		                        i ? ", " : "", v[i].name, v[i].n_runs, v[i].n_runs == 1 ? "" : "s");
	cli_error("%s: no runs of testbed '%s'%s; its testbeds: %s (choose one with --testbed NAME)",
	          cli_text(loc, sizeof loc, tach_store_location(s)), out,
	          asked ? "" : " (this machine)", list);
	tach_testbed_infos_free(v, n);
	return EXIT_USAGE;
}
