/* cgroup.h - one fresh cgroup per run, so the kernel itself accounts the
 * memory of a whole process tree and keeps its peak.  Used by the runner
 * (spawn_linux.c); hidden from the library's ABI.  tach_cgroup_probe() in
 * tach/run.h says whether this works on the machine and why not.
 */
#ifndef TACH_MEASURE_CGROUP_H
#define TACH_MEASURE_CGROUP_H

#include <stdint.h>
#include <sys/types.h>

#include "tach/run.h"

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

/* A run's cgroup: a directory "tach-<pid>-<n>" next to (v2) or under (v1)
 * tach's own cgroup.  Life: create -> attach the run -> the run ends ->
 * read the peak -> kill_all -> destroy. */
typedef struct tach__cgroup tach__cgroup;

/* Where the cgroup code looks and how it makes and removes cgroups: the
 * kernel's by default.  Tests point it at a fake cgroup file system -- a
 * directory tree with the files the kernel provides -- to run the probe's
 * decisions, the path choice, the peak files and the fallbacks with their
 * reasons on any machine; what the kernel does behind a write (moving a
 * process, charging memory) is not faked. */
typedef struct tach__cgroup_fs {
	const char *proc_cgroup; /* instead of /proc/self/cgroup */
	const char *mountinfo;   /* instead of /proc/self/mountinfo */
	/* Makes a cgroup directory with the control files the kernel would
	 * give it; 0 or -errno (e.g. -EACCES where the caller may not). */
	int (*make_dir)(const char *dir);
	/* Removes a cgroup directory; 0 or -errno (-EBUSY: try again). */
	int (*remove_dir)(const char *dir);
} tach__cgroup_fs;

/* Uses `fs` from now on (NULL members: the kernel's; NULL: all of the
 * kernel's again) and forgets the probe's verdict, so the next call
 * probes afresh.  For tests only. */
TACH_HIDDEN void tach__cgroup_use_fs(const tach__cgroup_fs *fs);

/* When the probe chose cgroup v1: why v2 (a fresh cgroup and memory.peak
 * per run, no 256 KiB steps) could not be used; else NULL.  Borrowed. */
TACH_HIDDEN const char *tach__cgroup_why_not_v2(void);

/* Makes a fresh, empty cgroup for one run (its peak starts at 0, which is
 * how the peak is "reset": never reuse a cgroup for a second run).  Probes
 * first (see tach_cgroup_probe) and returns TACH_EUNSUPPORTED when the
 * machine has no usable cgroup; else 0, -errno or TACH_ENOMEM.  On success
 * the caller releases *out with tach__cgroup_destroy(). */
TACH_HIDDEN int tach__cgroup_create(tach__cgroup **out);

/* An O_RDONLY directory fd of the cgroup, for clone3(CLONE_INTO_CGROUP), on
 * cgroup v2; -1 on v1.  Owned by cg (closed by tach__cgroup_destroy). */
TACH_HIDDEN int tach__cgroup_fd(const tach__cgroup *cg);

/* Path of the cgroup's cgroup.procs, borrowed until tach__cgroup_destroy.
 * A child between fork() and exec() passes it to tach__cgroup_enter(). */
TACH_HIDDEN const char *tach__cgroup_procs_path(const tach__cgroup *cg);

/* Moves the calling process (all its threads) into the cgroup whose
 * cgroup.procs is `procs_path`, by writing "0" to it.  Only open, write and
 * close: async-signal-safe, so a forked child may call it before exec.
 * Defined in spawner_serve.c, which the tach-spawn helper links alone.
 * Do it before exec: memory is charged to the cgroup a page is first
 * touched in, and the exec'd image is then charged to the run.  0 or
 * -errno. */
TACH_HIDDEN int tach__cgroup_enter(const char *procs_path);

/* Moves process `pid` (all its threads) into the cgroup, from the parent,
 * e.g. right after spawning.  What the process touched before the move stays
 * charged to where it was.  Not async-signal-safe.  0 or -errno. */
TACH_HIDDEN int tach__cgroup_attach(tach__cgroup *cg, pid_t pid);

/* The largest memory the cgroup has been charged since it was made, in
 * bytes: v2 memory.peak, v1 memory.max_usage_in_bytes.  Both count what the
 * kernel charges to the run, i.e. anonymous memory (heap, stacks), page cache
 * of files the run first read or wrote (including tmpfs), and kernel memory
 * (page tables, slab), summed over all processes at the same instant.  So it
 * is not the sum of the processes' RSS: shared pages count once, and pages of
 * files already cached by someone else are not charged to the run.  v1 swap
 * is not included.  0, -errno or TACH_EPARSE. */
TACH_HIDDEN int tach__cgroup_peak(const tach__cgroup *cg, uint64_t *bytes);

/* SIGKILLs every process in the cgroup (v2 with cgroup.kill: atomically,
 * including ones forking meanwhile; else by pid, repeated until none is
 * left) and waits until the cgroup is empty, at most about 2 s.  Processes
 * that are tach's children still have to be reaped by the caller; zombies do
 * not keep the cgroup busy.  0, -ETIMEDOUT or -errno. */
TACH_HIDDEN int tach__cgroup_kill_all(tach__cgroup *cg);

/* Makes an empty cgroup ready for another run: restarts the peak (v1:
 * write 0 to memory.max_usage_in_bytes) at the usage earlier runs left
 * (page cache), which later peaks leave out; far cheaper than a new
 * cgroup.
 * TACH_EUNSUPPORTED on v2: make a new cgroup per run there. */
TACH_HIDDEN int tach__cgroup_reset(tach__cgroup *cg);

/* Removes the cgroup (it must be empty: call tach__cgroup_kill_all first)
 * and frees cg.  Retries briefly while the kernel still reports it busy;
 * NULL is a no-op. */
TACH_HIDDEN void tach__cgroup_destroy(tach__cgroup *cg);

/* The cgroup's directory (the memory hierarchy's on v1), borrowed until
 * tach__cgroup_destroy: the monitor reads its memory and CPU files. */
TACH_HIDDEN const char *tach__cgroup_dir(const tach__cgroup *cg);

#endif
