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

/* Before any work whose result `path` would receive (a measurement of
 * minutes), makes sure it can be written then: an output of tach_outfile
 * is opened and abandoned (a temporary file beside it made and removed,
 * the target untouched); with append 1 (a file the measured commands
 * append to) the file must be writable or, missing, its directory; with
 * append 2 (a history store, whose missing directories are made) the
 * nearest directory that exists.  NULL and
 * "-" pass.  EXIT_OK, or EXIT_USAGE after "cannot write 'PATH' (given to
 * OPTION): why". */
int cli_out_check(const char *option, const char *path, int append);

/* Refuses outputs that would destroy an input or each other: an output
 * that is the same file as one of inputs[0..n_in) or as an earlier output
 * -- by device and inode, so another name, a symbolic link or "./x" for
 * "x" is caught -- is an error naming both, EXIT_USAGE.  Names that do
 * not exist (yet), "-" and NULL are skipped.  EXIT_OK otherwise. */
int cli_out_distinct(const char *const *inputs, size_t n_in, const char *const *outputs,
                     size_t n_out);

#endif
