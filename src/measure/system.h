/* system.h - files of /sys and /proc read and written under a root
 * directory (tach/system.h says why: tests point it at a fake tree), and
 * a CPU set in the kernel's form.  Internal to src/measure.
 */
#ifndef TACH_MEASURE_SYSTEM_H
#define TACH_MEASURE_SYSTEM_H

#include <sched.h>
#include <stddef.h>

#include "tach/system.h"

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

/* <root><path> into out ("/" when root is NULL or ""): 0 or
 * -ENAMETOOLONG. */
TACH_HIDDEN int tach__system_path(const char *root, const char *path, char *out, size_t size);

/* Reads the file <root><path> into buf (NUL-terminated, its trailing
 * newline removed): its length, or -errno. */
TACH_HIDDEN int tach__system_read(const char *root, const char *path, char *buf, size_t size);

/* Writes value to the existing file <root><path> in one write(), as
 * sysfs wants: 0 or -errno. */
TACH_HIDDEN int tach__system_write(const char *root, const char *path, const char *value);

/* c as a cpu_set_t, for sched_setaffinity and pthread attributes. */
TACH_HIDDEN void tach__cpus_to_set(const tach_cpus *c, cpu_set_t *set);

#endif
