/* run.h - runs the tach executable for black-box tests and captures its
 * stdout, stderr and exit status. */
#ifndef TACH_TEST_RUN_H
#define TACH_TEST_RUN_H

#include <stddef.h>

typedef struct run_result {
	int status; /* exit status, or 128 + signal */
	char *out;  /* NUL-terminated, caller frees with run_free */
	char *err;
	size_t out_len;
} run_result;

/* Runs TACH_EXE with argv (NULL-terminated, without argv[0]); stdin from
 * stdin_text (NULL: /dev/null); extra environment "K=V" strings (NULL-
 * terminated, may be NULL) on top of a clean one (PATH, HOME, LANG=C.UTF-8).
 * stdout_path non-NULL sends stdout there instead of capturing it. */
run_result run_tach(const char *const *argv, const char *stdin_text,
                    const char *const *env, const char *stdout_path);
/* run_tach for another program: the executable at `exe`. */
run_result run_exe(const char *exe, const char *const *argv, const char *stdin_text,
                   const char *const *env, const char *stdout_path);
void run_free(run_result *r);
/* Writes text to a new temporary file and returns its path (static buffer
 * per call index 0..7). */
const char *temp_file(const char *text, const char *suffix);
/* Writes r as a results file at path (NULL: a new temporary file, as
 * temp_file) and returns the path; aborts if it cannot. */
/* Processes whose command line holds `marker` (tach itself, "tach run
 * ..." or "tach load ...", excluded); with kill_them, SIGKILLs them so that a failing test
 * leaves nothing behind. */
int count_marked(const char *marker, int kill_them);
struct tach_result;
const char *write_result(const struct tach_result *r, const char *path);

#endif
