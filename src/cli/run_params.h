/* run_params.h - the parameters of `tach run` (--parameter-list,
 * --parameter-scan, --parameter-step): their values, every combination of
 * them, and a combination put into a command or a benchmark's name. */
#ifndef TACH_CLI_RUN_PARAMS_H
#define TACH_CLI_RUN_PARAMS_H

#include <stddef.h>

#include "tach/result.h"

#define CLI_MAX_PARAMS 16    /* --parameter-list and --parameter-scan options */
#define CLI_MAX_VALUES 10000 /* values of one scan, combinations, benchmarks */

/* One parameter, from --parameter-list (words: NAME VALUES) or
 * --parameter-scan (words: NAME MIN MAX). */
typedef struct cli_param {
	int scan;
	char **words; /* borrowed from argv */
	char **vals;  /* its values, owned (cli_params_values) */
	size_t n;
} cli_param;

typedef struct cli_params {
	cli_param p[CLI_MAX_PARAMS];
	size_t n;
	const char *step; /* --parameter-step, for every scan; NULL: 1 */
} cli_params;

/* Adds the words of one option, in command-line order.  0, or EXIT_USAGE
 * after the message when there are more than CLI_MAX_PARAMS. */
int cli_params_add(cli_params *c, int scan, char **words);
/* Computes every parameter's values: a list split at every comma (an
 * empty value kept), a scan MIN, MIN+S, ... MAX printed with the decimals
 * of its numbers.  Refused with a message naming the value, EXIT_USAGE: a
 * name given twice or containing braces, a value listed twice, a scan of
 * fewer than 2 or more than CLI_MAX_VALUES values, more than
 * CLI_MAX_VALUES combinations, a --parameter-step without a scan. */
int cli_params_values(cli_params *c);
/* How many combinations (1 without parameters). */
size_t cli_params_count(const cli_params *c);
/* The k-th combination, k < cli_params_count, as each parameter's value
 * index, in hyperfine's order: the first parameter varies fastest. */
void cli_params_combination(const cli_params *c, size_t k, size_t *idx);
/* text with every {NAME} replaced by the combination's value; with
 * `append`, a parameter text does not mention is added as "/NAME=VALUE",
 * so that a benchmark's name tells all its parameters.  Caller frees;
 * NULL when out of memory. */
char *cli_params_put(const cli_params *c, const size_t *idx, const char *text, int append);
/* Sets the combination's NAME=value pairs in *out.  0 or TACH_ENOMEM. */
int cli_params_kvlist(const cli_params *c, const size_t *idx, tach_kvlist *out);
/* Frees the values; the struct is then empty. */
void cli_params_release(cli_params *c);

#endif
