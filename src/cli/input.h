/* input.h - reading results files for any command, with errors printed
 * compiler-style ("base.json:3:14: expected ',' or '}'"). */
#ifndef TACH_CLI_INPUT_H
#define TACH_CLI_INPUT_H

#include "tach/result.h"

/* Reads path ("-" = stdin) into *out.  On failure prints the error to
 * stderr and returns nonzero (the caller exits with EXIT_USAGE). */
int cli_read_results(const char *path, tach_result **out);

#endif
