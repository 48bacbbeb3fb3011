/* system.h - the machine under the numbers: what on it makes timings
 * noisy (tach_system_check), the few settings tach may change to make it
 * quieter and change back (tach_system_tune / tach_system_reset), and
 * lists of CPUs to pin benchmarks to (tach_cpus).
 *
 * Every function that reads the machine takes `root`: the directory that
 * stands for "/" (NULL or "" for the real one), under which /sys and /proc
 * are read and the tune state is kept, so that tests run every decision
 * on a fake tree of files.  A file that is not there is never an error:
 * the finding says the setting is not available here.
 */
#ifndef TACH_SYSTEM_H
#define TACH_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --------------------------------------------------------------------
 * Lists of CPUs.
 */

enum { TACH_CPUS_MAX = 1024 }; /* CPU numbers 0 .. TACH_CPUS_MAX - 1 */

/* A set of CPU numbers (a bit each).  Zero-initialised: empty. */
typedef struct tach_cpus {
	uint64_t bits[TACH_CPUS_MAX / 64];
} tach_cpus;

/* Parses a CPU list as the kernel writes them and taskset -c takes them:
 * numbers and ranges separated by commas, "0,2-3"; a trailing newline is
 * allowed (sysfs files end in one) and an empty text is the empty set.
 * Returns 0, or TACH_EPARSE with err->message saying what is wrong
 * ("expected a CPU number", "range 3-1 runs backwards", "CPU 4096 is
 * above 1023") and err->column where (1-based).  err may be NULL. */
TACH_API int tach_cpus_parse(const char *text, tach_cpus *out, tach_error *err);

/* How many CPUs the set holds; whether it holds `cpu`; adds `cpu`
 * (ignored when cpu >= TACH_CPUS_MAX). */
TACH_API size_t tach_cpus_count(const tach_cpus *c);
TACH_API int tach_cpus_has(const tach_cpus *c, unsigned cpu);
TACH_API void tach_cpus_add(tach_cpus *c, unsigned cpu);

/* The n-th CPU of the set (0-based, in increasing order), or -1 when the
 * set holds n or fewer. */
TACH_API int tach_cpus_nth(const tach_cpus *c, size_t n);

/* Writes the set as the kernel's list form ("0,2-3"; "" when empty) into
 * buf, cut to fit size; returns the length the whole text needs. */
TACH_API size_t tach_cpus_format(const tach_cpus *c, char *buf, size_t size);

/* The CPUs online now, from <root>/sys/devices/system/cpu/online; when
 * that file is missing, CPUs 0 .. sysconf(_SC_NPROCESSORS_ONLN) - 1.
 * 0, -errno or TACH_EPARSE. */
TACH_API int tach_cpus_online(const char *root, tach_cpus *out);

/* Checks that every CPU of c is online (a CPU that is not would be left
 * out of the affinity silently).  0; TACH_EINVAL when c is empty or a CPU
 * is not online, with err->message saying which ("CPU 7 is not online
 * (online: 0-1)"); the error of tach_cpus_online. */
TACH_API int tach_cpus_check(const char *root, const tach_cpus *c, tach_error *err);

/* Pins the calling thread -- and so every thread and process it starts
 * afterwards, which inherit the mask -- to the CPUs of c
 * (sched_setaffinity).  0 or -errno. */
TACH_API int tach_cpus_pin(const tach_cpus *c);

/* Pins the calling thread to one CPU of c: the (k mod count)-th, so that
 * threads 0, 1, 2 ... of a benchmark spread over the set one per CPU.
 * 0, -errno, or TACH_EINVAL when c is empty. */
TACH_API int tach_cpus_pin_one(const tach_cpus *c, size_t k);

/* --------------------------------------------------------------------
 * What makes numbers noisy.
 */

typedef enum tach_finding_level {
	TACH_FINDING_OK = 0,   /* set the way quiet numbers want it */
	TACH_FINDING_INFO = 1, /* worth knowing; not available here, or
	                          nothing tach or the user has to change */
	TACH_FINDING_WARN = 2, /* makes numbers noisier; `advice` says what
	                          to do about it */
} tach_finding_level;

/* "OK", "INFO" or "WARN". */
TACH_API const char *tach_finding_level_name(tach_finding_level l);

/* One check of tach_system_check: what was found, what it does to the
 * numbers, and what to do.  Plain text, one line each. */
typedef struct tach_finding {
	char check[32];   /* its name: "cpu-governor", "turbo", "smt",
	                     "load", "isolated-cpus", "aslr",
	                     "perf-event-paranoid", "memory-cgroup",
	                     "virtual-machine" */
	tach_finding_level level;
	char found[256];  /* what is set, and where it was read */
	char effect[320]; /* what it does to the numbers */
	char advice[320]; /* what to do; "" when nothing */
} tach_finding;

enum { TACH_SYSTEM_CHECKS = 9 };

typedef struct tach_system_report {
	tach_finding findings[TACH_SYSTEM_CHECKS];
	size_t n;
} tach_system_report;

/* Runs every check, in the order of tach_finding.check above, reading
 * under `root` (the memory cgroup check runs tach_cgroup_probe of
 * tach/run.h, which reads the real /proc whatever root is).  Files that
 * are missing or unreadable make "not available here" findings.  Returns
 * 0; nothing is allocated. */
TACH_API int tach_system_check(const char *root, tach_system_report *out);

/* --------------------------------------------------------------------
 * Tuning: the safe settings, applied and undone.
 *
 * Safe means: reversible at once, system-wide only in speed and power,
 * and changing nothing a program can observe but time -- the CPU
 * frequency governor set to "performance" on every CPU that offers it
 * (no ramp-up from a low clock) and turbo boost turned off (intel_pstate
 * no_turbo = 1, or cpufreq boost = 0: no clock that depends on
 * temperature and on how many cores are busy).  ASLR (on is what lets
 * runs average over memory layouts), perf_event_paranoid (a security
 * setting), SMT and isolated CPUs (need a reboot or take CPUs away) are
 * reported by tach_system_check and never changed.
 *
 * The values a tune replaced are saved in <root>/run/tach/tune.json
 * (TACH_SYSTEM_STATE) before anything is written: /run is emptied at boot,
 * exactly when the kernel's settings go back to their defaults.  A second
 * tune keeps the values saved first; reset writes them back and removes
 * the file.
 */

#define TACH_SYSTEM_STATE "/run/tach/tune.json"

/* One setting: a file under root, the value it had and the value tune
 * writes (for reset: the value written back and the one found). */
typedef struct tach_setting {
	char path[160]; /* absolute, as on the real machine ("/sys/...") */
	char from[64];
	char to[64];
	/* In a plan (tach_system_tune_plan, tach_system_saved): 0, or the
	 * -errno of access(W_OK) -- -EACCES: this process may not write it,
	 * which on a real machine means it needs root.  After tune or reset:
	 * 0, or the -errno of its write. */
	int error;
} tach_setting;

typedef struct tach_setting_list {
	tach_setting *items; /* caller frees with tach_setting_list_release */
	size_t n;
} tach_setting_list;

/* Frees l's items and empties it; NULL is a no-op. */
TACH_API void tach_setting_list_release(tach_setting_list *l);

/* The settings tune would change now (those already as tune wants them
 * are left out): *out, which the caller releases.  0 or TACH_ENOMEM. */
TACH_API int tach_system_tune_plan(const char *root, tach_setting_list *out);

/* The settings the state file saved (from = the value saved, to = the
 * value tune wrote), each with error set as in a plan: *out, which the
 * caller releases; empty when there is no state file.  0, or the state
 * file's -errno / TACH_EPARSE with err->message naming it. */
TACH_API int tach_system_saved(const char *root, tach_setting_list *out, tach_error *err);

/* Applies the plan: saves the current values in the state file (merged
 * with a state file already there, whose saved values win), then writes
 * each setting.  *done lists every setting tried, each with its error
 * (0 when written).  Returns 0 when every write succeeded, TACH_EIO when
 * some failed (the state file still records them all, so reset undoes
 * what was written), or the -errno / TACH_EPARSE of the state file with
 * err->message naming it -- then nothing was written.  err may be NULL. */
TACH_API int tach_system_tune(const char *root, tach_setting_list *done, tach_error *err);

/* Writes back the values the state file saved and removes it.  *done
 * lists them (to = the saved value written back, from = the value found
 * before) with their errors.  Returns 0 (also when there is no state
 * file: then *done is empty), TACH_EIO when some write failed (the file is
 * kept for another try), or the state file's -errno / TACH_EPARSE with
 * err->message naming it. */
TACH_API int tach_system_reset(const char *root, tach_setting_list *done, tach_error *err);

#ifdef __cplusplus
}
#endif

#endif
