/* testbed.h - the testbed options of the CLI: --testbed NAME checked, the
 * name set on a result set to save, this machine's name, and the one
 * testbed the history commands (trend, report --history, bisect) read. */
#ifndef TACH_CLI_TESTBED_H
#define TACH_CLI_TESTBED_H

#include <stddef.h>

#include "tach/tach.h"

/* Checks the value of --testbed (spelled as the user did): 0, or
 * EXIT_USAGE after printing why. */
int cli_testbed_check(const char *spelled, const char *name);

/* Sets the testbed of a result set about to be saved: name (checked
 * already) when given, else nothing (the derived name).  0 or EXIT_USAGE
 * (out of memory, printed). */
int cli_testbed_set(tach_result *r, const char *name);

/* The --testbed a command was given for what it saves (checked), or
 * NULL: the command says this is that machine, so references prefer it. */
extern const char *cli_testbed_given;

/* This machine's testbed, as a run measured now would record it:
 * cli_testbed_given, else $TACH_TESTBED, else the name derived from its
 * facts (tach_meta_testbed), into out (TACH_TESTBED_MAX + 1 bytes). */
void cli_testbed_here(char *out, size_t size);

/* The testbed whose runs a history command reads, into out (at least
 * TACH_TESTBED_MAX + 1 bytes): `asked` when given, else this machine's
 * (tach_meta_testbed of its facts), else, when that has no runs and the
 * store holds runs of exactly one testbed, that one.  A testbed without
 * runs (asked, or this machine's among several) is an error naming the
 * testbeds present.  A store without runs yields this machine's.  0, or
 * EXIT_USAGE after printing why. */
int cli_testbed_choose(tach_store *s, const char *asked, char *out, size_t size);

#endif
