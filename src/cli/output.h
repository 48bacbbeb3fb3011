/* output.h - the files a command writes: opened through tach_outfile (a
 * temporary file renamed over the target once whole, tach/outfile.h), with
 * the CLI's messages, and checked never to be one of the command's inputs
 * or another of its outputs. */
#ifndef TACH_CLI_OUTPUT_H
#define TACH_CLI_OUTPUT_H

#include <stddef.h>

#include "tach/outfile.h"

/* Opens `path` (NULL or "-": standard output).  NULL after printing
 * "cannot write 'PATH': why". */
tach_outfile *cli_out_open(const char *path);

/* Commits o (see tach_outfile_commit): EXIT_OK, or EXIT_USAGE after
 * printing "cannot write 'PATH': why" (the old file is then untouched). */
int cli_out_commit(tach_outfile *o, const char *path);

/* Refuses outputs that would destroy an input or each other: an output
 * that is the same file as one of inputs[0..n_in) or as an earlier output
 * -- by device and inode, so another name, a symbolic link or "./x" for
 * "x" is caught -- is an error naming both, EXIT_USAGE.  Names that do
 * not exist (yet), "-" and NULL are skipped.  EXIT_OK otherwise. */
int cli_out_distinct(const char *const *inputs, size_t n_in, const char *const *outputs,
                     size_t n_out);

#endif
