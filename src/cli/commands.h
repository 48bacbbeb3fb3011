/* commands.h - the entry points and option tables of the subcommands. */
#ifndef TACH_CLI_COMMANDS_H
#define TACH_CLI_COMMANDS_H

#include "cli/cli.h"

int cmd_merge(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_merge_opts[];
extern const char cmd_merge_details[];
int cmd_show(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_show_opts[];
extern const char cmd_show_details[];

int cmd_run(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_run_opts[];
extern const char cmd_run_details[];

int cmd_load(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_load_opts[];
extern const char cmd_load_details[];
/* 0 when cmd (a path, or a name found in PATH) can be run; else prints
 * why not and returns EXIT_USAGE (cmd_run.c). */
int cli_check_runnable(const char *cmd);

int cmd_monitor(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_monitor_opts[];
extern const char cmd_monitor_details[];

int cmd_import(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_import_opts[];
extern const char cmd_import_details[];

int cmd_compare(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_compare_opts[];
extern const char cmd_compare_details[];

int cmd_gate(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_gate_opts[];
extern const char cmd_gate_details[];

int cmd_history(int argc, char **argv, const cli_cmd *self);
extern const cli_cmd cmd_history_subs[];
extern const char cmd_history_details[];
int cmd_baseline(int argc, char **argv, const cli_cmd *self);
extern const cli_cmd cmd_baseline_subs[];

int cmd_trend(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_trend_opts[];
extern const char cmd_trend_details[];
int cmd_publish(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_publish_opts[];
extern const char cmd_publish_details[];

int cmd_bisect(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_bisect_opts[];
extern const char cmd_bisect_details[];

int cmd_report(int argc, char **argv, const cli_cmd *self);
extern const cli_opt cmd_report_opts[];
extern const char cmd_report_details[];

int cmd_system(int argc, char **argv, const cli_cmd *self);
extern const cli_cmd cmd_system_subs[];
extern const char cmd_system_details[];
/* A duration option's value (0.5, 500ms, 10s, 2m) into *out: 0, or
 * EXIT_USAGE after naming the option (values.c). */
int cli_duration_arg(const char *spelled, const char *value, double *out);
/* A --label KEY=VALUE set in *labels: 0, or EXIT_USAGE after naming the
 * option (no '=', an empty or over-long KEY, out of memory). */
struct tach_kvlist;
int cli_label_arg(const char *spelled, const char *value, struct tach_kvlist *labels);
/* A --cpus value (tach run): parsed, and every CPU checked to be online;
 * 0, or EXIT_USAGE after saying what is wrong. */
struct tach_cpus;
int cli_cpus_arg(const char *spelled, const char *value, struct tach_cpus *out);

int cmd_help(int argc, char **argv, const cli_cmd *self);
int cmd_version(int argc, char **argv, const cli_cmd *self);

#endif
