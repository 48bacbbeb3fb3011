/* main.c - tach's entry point: global options, then one subcommand from
 * the table in commands.c.  The subcommand's return value is the exit
 * status, unless writing stdout failed (a full disk never exits 0). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/testbed.h"

static int finish_stdout(int status)
{
	/* git does the same: a failed flush or close of stdout is an error.
	 * The message names the error of this flush; a write that failed
	 * earlier (a command's own fflush, a full buffer mid-run) left only
	 * the error flag, and errno since then may say anything, so that case
	 * says what is known rather than nothing. */
	errno = 0;
	int failed = fflush(stdout) != 0;
	int e = failed ? errno : 0;
	failed |= ferror(stdout) != 0;
	if (fclose(stdout) != 0 && !failed) {
		failed = 1;
		e = errno;
	}
	if (!failed || e == EPIPE) /* the reader went away: not tach's failure */
		return status;
	fprintf(stderr, "tach: cannot write standard output: %s\n",
	        e ? strerror(e) : "an earlier write failed (a full disk or device?)");
	return EXIT_USAGE;
}

/* A file-size limit (ulimit -f) must end in a message, not a silent death
 * with status 153 and a half-written file: with a handler, write(2) fails
 * with EFBIG and tach says "File too large".  A handler rather than
 * SIG_IGN because an ignored signal would stay ignored in the commands
 * tach runs, while a handler is reset by exec. */
static void on_xfsz(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	/* First, while tach is small: the spawner that starts benchmarked
	 * commands is a copy of tach now, and its size is the floor of every
	 * command's peak RSS (see tach_exec_init).  Failing, commands are
	 * spawned directly. */
	tach_exec_init();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_xfsz;
	sigaction(SIGXFSZ, &sa, NULL);
	int i = 1;
	const char *color = NULL; /* the --color given, for a second one */
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cli_usage(stdout);
			return finish_stdout(EXIT_OK);
		}
		if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			printf("tach %s (results format %d)\n", tach_version(), TACH_FORMAT_VERSION);
			return finish_stdout(EXIT_OK);
		}
		if (!strncmp(a, "--color=", 8) || !strncmp(a, "--colour=", 9)) {
			const char *v = strchr(a, '=') + 1;
			if (color)
				return cli_error("option '--color' given twice, as '%s' and as '%s'; give it "
				                 "once", color, a);
			color = a;
			if (!strcmp(v, "auto"))
				cli_color_mode = -1;
			else if (!strcmp(v, "always"))
				cli_color_mode = 1;
			else if (!strcmp(v, "never"))
				cli_color_mode = 0;
			else
				return cli_bad_value("--color", v, "use auto, always or never");
			continue;
		}
		return cli_unknown_global_option(a);
	}
	if (i >= argc) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	/* before any command measures with it (tach_meta_collect) */
	const char *testbed = getenv("TACH_TESTBED");
	if (testbed && *testbed && cli_testbed_check("TACH_TESTBED", testbed))
		return EXIT_USAGE;
	const cli_cmd *cmd = cli_find(cli_commands, argv[i]);
	if (!cmd)
		return cli_unknown_command(cli_commands, NULL, argv[i]);
	int status = cmd->run(argc - i, argv + i, cmd);
	return finish_stdout(status);
}
