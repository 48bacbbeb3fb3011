/* spawner.h - the protocol between tach (spawner_linux.c) and its spawner
 * (spawner_serve.c, run inside the tiny tach-spawn helper or, failing that,
 * in a fork of tach): one request per command over a SOCK_SEQPACKET pair --
 * everything of tach's that a command inherits and tach may change after
 * start-up (working directory, environment, stdio) travels with it --
 * a header, the CPU affinity (may be empty), the cgroup.procs path (may be
 * empty), tach's working directory,
 * argv and the environment as NUL-terminated strings, and stdin, stdout, stderr as SCM_RIGHTS; one
 * reply.  Internal to src/measure.
 */
#ifndef TACH_MEASURE_SPAWNER_H
#define TACH_MEASURE_SPAWNER_H

#include <stdint.h>

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

enum {
	TACH__SPAWN_MAX_MSG = 192 * 1024, /* larger requests are spawned directly */
	TACH__SPAWN_MAX_STRINGS = 8192,   /* argc + envc */
};

typedef struct tach__spawn_request {
	uint32_t cpus_len;  /* bytes of a cpu_set_t to pin the command to, or 0 */
	uint32_t procs_len; /* bytes of the cgroup.procs path incl. NUL, or 0 */
	uint32_t cwd_len;   /* bytes of tach's working directory incl. NUL */
	uint32_t argc, envc;
} tach__spawn_request;

typedef struct tach__spawn_reply {
	int32_t pid; /* the command, tach's child; -1 when clone failed */
	int32_t err; /* errno of clone or exec; 0: the command runs */
	double t0;   /* CLOCK_MONOTONIC read by the child right before exec */
} tach__spawn_reply;

/* Serves requests on `sock` until it is closed, then _exits.  Each command
 * is started with clone(CLONE_VM | CLONE_VFORK | CLONE_PARENT), so it is
 * the child of the spawner's parent (tach), in a process group of its own,
 * with default signal dispositions and an empty mask. */
TACH_HIDDEN void tach__spawner_serve(int sock) __attribute__((noreturn));

#endif
