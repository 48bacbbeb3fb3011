/* commands.c - the table of tach's subcommands.  Adding a command is one
 * line here and one cmd_<name>.c file; nothing else dispatches. */
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

const cli_cmd cli_commands[] = {
	{"run", cmd_run, "COMMAND...", "benchmark whole commands: time, CPU and memory of the process tree",
	 cmd_run_details, cmd_run_opts, NULL},
	{"load", cmd_load, "-- COMMAND...",
	 "an open-loop load test: start a command at set rates, latency from the scheduled start",
	 cmd_load_details, cmd_load_opts, NULL},
	{"import", cmd_import, "FILE...", "read other tools' results into a tach results file",
	 cmd_import_details, cmd_import_opts, NULL},
	{"compare", cmd_compare, "BASE CAND [CAND...]",
	 "decide whether CAND is slower than BASE (files, or commands with --run)",
	 cmd_compare_details, cmd_compare_opts, NULL},
	{"gate", cmd_gate, "[BASE] CAND", "check results against the gate config: pass or fail",
	 cmd_gate_details, cmd_gate_opts, NULL},
	{"history", cmd_history, "COMMAND ...",
	 "the history of runs: add, list, show, rm, export, import", cmd_history_details, NULL,
	 cmd_history_subs},
	{"baseline", cmd_baseline, "set NAME RUN", "name a run of the history (then @NAME works)",
	 NULL, NULL, cmd_baseline_subs},
	{"trend", cmd_trend, NULL,
	 "every metric through the history: latest value, change vs baseline, change points",
	 cmd_trend_details, cmd_trend_opts, NULL},
	{"publish", cmd_publish, "DIR",
	 "write the whole history as a static web site: index, alerts, a page per benchmark",
	 cmd_publish_details, cmd_publish_opts, NULL},
	{"bisect", cmd_bisect, "--good REV --bad REV -- BENCH_CMD...",
	 "find the commit that made a benchmark slower (drives git bisect run)",
	 cmd_bisect_details, cmd_bisect_opts, NULL},
	{"report", cmd_report, "[FILE...]",
	 "write a self-contained HTML report of results or of a comparison",
	 cmd_report_details, cmd_report_opts, NULL},
	{"merge", cmd_merge, "[PREFIX=]FILE...",
	 "combine several results files into one result set (one run of the history)",
	 cmd_merge_details, cmd_merge_opts, NULL},
	{"show", cmd_show, "FILE...", "print a readable summary of results files",
	 cmd_show_details, cmd_show_opts, NULL},
	{"monitor", cmd_monitor, "(--pid PID | -- COMMAND...)",
	 "sample a process tree's memory, CPU and I/O over time",
	 cmd_monitor_details, cmd_monitor_opts, NULL},
	{"system", cmd_system, "COMMAND ...",
	 "what makes this machine's numbers noisy, and quieter settings: show, tune, reset",
	 cmd_system_details, NULL, cmd_system_subs},
	{"help", cmd_help, "[COMMAND]", "show help for tach or one of its commands",
	 NULL, NULL, NULL},
	{"version", cmd_version, NULL, "print tach's version and the results format version",
	 NULL, NULL, NULL},
	{NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

const cli_cmd *cli_find(const cli_cmd *table, const char *name)
{
	for (const cli_cmd *c = table; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int cli_dispatch(const cli_cmd *table, int argc, char **argv, const cli_cmd *self)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_help(self, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	const cli_cmd *c = cli_find(table, argv[1]);
	if (!c)
		return cli_unknown_command(table, self->name, argv[1]);
	return c->run(argc - 1, argv + 1, c);
}

void cli_usage(FILE *f)
{
	fputs("usage: tach [--version] [--help] [--color=WHEN] COMMAND [ARGS]\n\n"
	      "tach measures programs and code, decides whether a change made them\n"
	      "slower, remembers the history and shows it.\n\ncommands:\n", f);
	for (const cli_cmd *c = cli_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fputs("\nexit status: 0 success, 1 a regression was found, 2 usage or input error\n"
	      "'tach help COMMAND' or 'tach COMMAND --help' shows a command's options.\n", f);
}
