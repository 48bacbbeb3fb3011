/* cmd_help.c - `tach help [COMMAND]` and `tach version`. */
#include <stdio.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/commands.h"

int cmd_help(int argc, char **argv, const cli_cmd *self)
{
	if (argc < 2) {
		cli_usage(stdout);
		return EXIT_OK;
	}
	const cli_cmd *c = cli_find(cli_commands, argv[1]);
	if (!c)
		return cli_unknown_command(cli_commands, NULL, argv[1]);
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
