/* input.c - reading results files for the commands.  The one place where
 * a command turns a reader error into a message; later the importers of
 * other tools' formats hook in here, so every command accepts them. */
#include <stdio.h>
#include <string.h>

#include "tach/tach.h"
#include "tach/import.h"
#include "cli/cli.h"
#include "cli/input.h"

int cli_read_results(const char *path, tach_result **out)
{
	tach_error err;
	const char *shown = strcmp(path, "-") ? path : "(stdin)";
	int rc = tach_import_file(path, NULL, out, &err);
	if (rc == 0)
		return 0;
	char msg[512];
	err.file = shown;
	tach_error_format(&err, msg, sizeof msg);
	fflush(stdout);
	fprintf(stderr, "%s\n", msg);
	return rc;
}
