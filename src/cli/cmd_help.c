/* cmd_help.c - `tach help [COMMAND]` and `tach version`.  The hidden
 * `tach help --man COMMAND` prints the man page's OPTIONS section (man.c)
 * for docs/man/update-options, and the hidden `tach help --completion
 * SHELL` a completion script (completion.c) for the build to install;
 * neither is in --help, being for the tree's own build and docs. */
#include <stdio.h>
#include <string.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/commands.h"

int cmd_help(int argc, char **argv, const cli_cmd *self)
{
	if (argc >= 2 && strcmp(argv[1], "--completion") == 0) {
		if (argc != 3)
			return cli_error("'tach help --completion' takes one shell: bash, zsh or fish");
		if (cli_completion(argv[2], stdout))
			return cli_bad_value("--completion", argv[2], "use bash, zsh or fish");
		return EXIT_OK;
	}
	int man = argc >= 2 && strcmp(argv[1], "--man") == 0;
	if (argc < 2 + man) {
		if (man)
			return cli_error("'tach help --man' needs a command");
		cli_usage(stdout);
		return EXIT_OK;
	}
	const cli_cmd *c = cli_find(cli_commands, argv[1 + man]);
	if (!c)
		return cli_unknown_command(cli_commands, NULL, argv[1 + man]);
	if (man) {
		if (argc > 3)
			return cli_error("'tach help --man' takes one command");
		cli_man_options(c, stdout);
		return EXIT_OK;
	}
	for (int i = 2; i < argc && c->subcommands; i++) {
		const cli_cmd *sub = cli_find(c->subcommands, argv[i]);
		if (!sub)
			return cli_unknown_command(c->subcommands, c->name, argv[i]);
		c = sub;
	}
	cli_help(c, stdout);
	return EXIT_OK;
}

int cmd_version(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	int extra = p.npos > 0;
	cli_parsed_free(&p);
	if (extra)
		return cli_error("'tach version' takes no arguments");
	printf("tach %s (results format %d)\n", tach_version(), TACH_FORMAT_VERSION);
	return EXIT_OK;
}
