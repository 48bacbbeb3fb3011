/* cgroup_linux.c - a fresh cgroup per run, so the peak memory of a whole
 * process tree comes from the kernel's own accounting instead of sampling.
 * The probe runs once: it finds tach's own cgroup in /proc/self/cgroup and
 * /proc/self/mountinfo, prefers cgroup v2 (memory.peak) and falls back to a
 * writable v1 memory hierarchy (memory.max_usage_in_bytes), testing both by
 * really making, entering and removing a cgroup.  Every path it reads and
 * every directory it makes goes through `fs`, which tests point at a fake
 * cgroup file system (tach__cgroup_use_fs) to run the v1 and v2 paths and
 * their fallbacks on any machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "measure/cgroup.h"
#include "util/util.h"

struct tach__cgroup {
	int version; /* 1 or 2 */
	int dirfd;   /* v2 only, for CLONE_INTO_CGROUP; else -1 */
	char dir[PATH_MAX];
	char procs[PATH_MAX + 16];
	uint64_t baseline; /* v1: usage left by earlier runs (see reset) */
};

/* The probe's verdict, kept for the life of the process. */
static struct {
	int done;
	tach_peak_method method;
	int version;         /* 1 or 2 when method is TACH_PEAK_CGROUP */
	char base[PATH_MAX]; /* where runs' cgroups are made */
	char why[512];
	char why_not_v2[512]; /* when v1 was chosen: why not v2 */
} probe;

static unsigned run_counter;

static void sleep_ms(long ms);

/* ------------------------------------------------------------------
 * The file system: the kernel's, or a test's fake.
 */

static int real_make_dir(const char *dir)
{
	return mkdir(dir, 0755) == 0 ? 0 : -errno;
}

static int real_remove_dir(const char *dir)
{
	return rmdir(dir) == 0 ? 0 : -errno;
}

static const tach__cgroup_fs real_fs = {"/proc/self/cgroup", "/proc/self/mountinfo",
                                        real_make_dir, real_remove_dir};
static tach__cgroup_fs fs = {"/proc/self/cgroup", "/proc/self/mountinfo", real_make_dir,
                             real_remove_dir};

void tach__cgroup_use_fs(const tach__cgroup_fs *f)
{
	fs = f ? *f : real_fs;
	if (!fs.proc_cgroup)
		fs.proc_cgroup = real_fs.proc_cgroup;
	if (!fs.mountinfo)
		fs.mountinfo = real_fs.mountinfo;
	if (!fs.make_dir)
		fs.make_dir = real_make_dir;
	if (!fs.remove_dir)
		fs.remove_dir = real_remove_dir;
	memset(&probe, 0, sizeof probe);
}

/* Removes dir, retrying up to `tries` times while the kernel still
 * reports it busy (dying tasks, v1 charge reparenting). */
static void remove_dir(const char *dir, int tries)
{
	for (int i = 0; i < tries && fs.remove_dir(dir) == -EBUSY; i++)
		sleep_ms(5);
}

/* ------------------------------------------------------------------
 * Small file helpers.
 */

/* Reads up to size-1 bytes of path into buf, NUL-terminated; the length or
 * -errno. */
/* Writes s to a cgroup control file in one write(), as the kernel wants. */
static int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(s);
	ssize_t w = write(fd, s, len);
	int e = w < 0 ? errno : 0;
	if (close(fd) < 0 && !e && errno != EINTR)
		e = errno;
	if (!e && (size_t)w != len)
		e = EIO;
	return -e;
}

/* 1 if `word` is one of the words of `list` separated by any of `seps`. */
static int has_word(const char *list, const char *word, const char *seps)
{
	size_t wl = strlen(word);
	const char *p = list;
	while (*p) {
		p += strspn(p, seps);
		size_t l = strcspn(p, seps);
		if (l == wl && strncmp(p, word, wl) == 0)
			return 1;
		p += l;
	}
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int path_join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* ------------------------------------------------------------------
 * Where is tach's own cgroup?
 */

/* The path of tach's cgroup in the hierarchy from /proc/self/cgroup: the v2
 * line "0::/path" when `controller` is NULL, else the v1 line whose
 * controller list holds `controller`. */
static int own_cgroup_path(const char *controller, char *out, size_t size)
{
	FILE *f = fopen(fs.proc_cgroup, "re");
	if (!f)
		return -errno;
	char line[PATH_MAX + 256];
	int rc = -ENOENT;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		int match = controller ? has_word(c1 + 1, controller, ",")
		                       : strcmp(line, "0") == 0 && c1[1] == '\0';
		if (!match)
			continue;
		if (strlen(c2 + 1) >= size) {
			rc = -ENAMETOOLONG;
			break;
		}
		strcpy(out, c2 + 1);
		rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

/* Undoes mountinfo's octal escapes (\040 for a blank) in place. */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* The directory of cgroup `cgpath` in a mounted hierarchy of type `fstype`
 * ("cgroup2", or "cgroup" with `option` among its super options).  A mount
 * may show only a subtree (its root field), so the path is taken relative to
 * that root. */
static int cgroup_dir(const char *fstype, const char *option,
                      const char *cgpath, char *out, size_t size)
{
	FILE *f = fopen(fs.mountinfo, "re");
	if (!f)
		return -errno;
	char line[3 * PATH_MAX];
	int rc = -ENOENT;
	while (rc == -ENOENT && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *field[8] = {0}, *save = NULL, *tok;
		int n = 0, dash = 0;
		/* id parent maj:min root mountpoint opts [optional...] - type source superopts */
		for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			if (n < 5)
				field[n++] = tok;
			else if (!dash && strcmp(tok, "-") == 0)
				dash = 1, n = 5;
			else if (dash && n < 8)
				field[n++] = tok;
		}
		if (n < 8 || strcmp(field[5], fstype) != 0)
			continue;
		if (option && !has_word(field[7], option, ","))
			continue;
		char *root = field[3], *mnt = field[4];
		unescape(root);
		unescape(mnt);
		size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
		if (strncmp(cgpath, root, rl) != 0 || (cgpath[rl] != '/' && cgpath[rl] != '\0'))
			continue;
		const char *rel = cgpath + rl;
		if (strcmp(rel, "/") == 0)
			rel = "";
		int w = snprintf(out, size, "%s%s", mnt, rel);
		rc = w < 0 || (size_t)w >= size ? -ENAMETOOLONG : 0;
	}
	fclose(f);
	return rc;
}

/* ------------------------------------------------------------------
 * The probe.
 */

/* Makes a test cgroup under base, checks it has `peak_file`, moves a forked
 * child into it and removes it.  0, or -errno with why filled. */
static int try_child_cgroup(const char *base, const char *peak_file,
                            char *why, size_t size, const char *hint)
{
	char dir[PATH_MAX], file[PATH_MAX + 32];
	if (snprintf(dir, sizeof dir, "%s/tach-probe-%ld", base, (long)getpid()) >=
	    (int)sizeof dir)
		return -ENAMETOOLONG;
	int e = fs.make_dir(dir);
	if (e < 0 && e != -EEXIST) {
		snprintf(why, size, "cannot create a cgroup in %.300s: %s; %s", base,
		         strerror(-e), hint);
		return e;
	}
	int rc = 0;
	path_join(file, sizeof file, dir, peak_file);
	if (access(file, F_OK) < 0) {
		rc = -errno;
		if (strcmp(peak_file, "memory.peak") == 0)
			snprintf(why, size, "the kernel has no cgroup v2 memory.peak "
			         "(Linux 5.19 or later is needed)");
		else
			snprintf(why, size, "%.300s has no %s", dir, peak_file);
	}
	if (rc == 0) {
		/* Entering the cgroup can be refused even when making one is
		 * not (v2 wants write access to the common ancestor), so try
		 * it with a throwaway child. */
		path_join(file, sizeof file, dir, "cgroup.procs");
		pid_t pid = fork();
		if (pid == 0)
			_exit(-tach__cgroup_enter(file));
		int st = 0;
		if (pid < 0)
			rc = -errno;
		else if (waitpid(pid, &st, 0) < 0)
			rc = -errno;
		else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = WIFEXITED(st) ? -WEXITSTATUS(st) : -EIO;
		if (rc < 0)
			snprintf(why, size, "cannot move a process into %.300s: %s; %s", dir,
			         strerror(-rc), hint);
	}
	/* The child has exited; the kernel may need a moment to let go. */
	remove_dir(dir, 200);
	return rc;
}

static const char v2_hint[] =
	"run as root or in a delegated cgroup: "
	"systemd-run --user --scope -p Delegate=yes tach ...";

/* cgroup v2: runs' cgroups go next to tach, under tach's cgroup D, which
 * needs the memory controller enabled for its children.  v2 forbids that
 * while D holds processes ("no internal processes"), so when tach is alone in
 * D (as under systemd-run --scope), tach moves itself into the leaf
 * D/tach-self first.  Any other process in D makes this impossible. */
static int probe_v2(char *why, size_t size)
{
	char cgpath[PATH_MAX], dir[PATH_MAX], file[PATH_MAX + 32], buf[4096];
	if (own_cgroup_path(NULL, cgpath, sizeof cgpath) < 0 ||
	    cgroup_dir("cgroup2", NULL, cgpath, dir, sizeof dir) < 0) {
		snprintf(why, size, "no cgroup v2 hierarchy is mounted for this process");
		return -ENOENT;
	}
	path_join(file, sizeof file, dir, "cgroup.controllers");
	ssize_t n = tach__read_text(file, buf, sizeof buf);
	if (n < 0 || !has_word(buf, "memory", " \n")) {
		snprintf(why, size, "the cgroup v2 memory controller is not delegated "
		         "to %.300s; %s", dir, v2_hint);
		return -ENOTSUP;
	}
	path_join(file, sizeof file, dir, "cgroup.subtree_control");
	if (tach__read_text(file, buf, sizeof buf) < 0)
		buf[0] = '\0';
	if (!has_word(buf, "memory", " \n")) {
		int rc = write_text(file, "+memory");
		if (rc == -EBUSY) {
			char self[PATH_MAX], procs[PATH_MAX + 32], pid[32];
			path_join(procs, sizeof procs, dir, "cgroup.procs");
			char alone[40];
			snprintf(pid, sizeof pid, "%ld", (long)getpid());
			snprintf(alone, sizeof alone, "%s\n", pid);
			n = tach__read_text(procs, buf, sizeof buf);
			if (n < 0 || strcmp(buf, alone) != 0) {
				snprintf(why, size, "other processes share tach's cgroup "
				         "%.250s, so its memory controller cannot be enabled "
				         "for children; %s", dir, v2_hint);
				return -EBUSY;
			}
			if (path_join(self, sizeof self, dir, "tach-self") < 0)
				return -ENAMETOOLONG;
			rc = fs.make_dir(self);
			if (rc == -EEXIST)
				rc = 0;
			if (!rc && path_join(procs, sizeof procs, self, "cgroup.procs") < 0)
				rc = -ENAMETOOLONG;
			if (!rc && (rc = write_text(procs, pid)) == 0)
				rc = write_text(file, "+memory");
		}
		if (rc < 0) {
			snprintf(why, size, "cannot enable the memory controller in "
			         "%.250s: %s; %s", file, strerror(-rc), v2_hint);
			return rc;
		}
	}
	int rc = try_child_cgroup(dir, "memory.peak", why, size, v2_hint);
	if (rc == 0)
		snprintf(probe.base, sizeof probe.base, "%s", dir);
	return rc;
}

/* cgroup v1: runs' cgroups go under tach's own memory cgroup, which v1
 * allows while tach itself stays in it. */
static int probe_v1(char *why, size_t size)
{
	static const char hint[] = "run tach as root or chown its memory cgroup";
	char cgpath[PATH_MAX], dir[PATH_MAX];
	if (own_cgroup_path("memory", cgpath, sizeof cgpath) < 0 ||
	    cgroup_dir("cgroup", "memory", cgpath, dir, sizeof dir) < 0) {
		snprintf(why, size, "no cgroup v1 memory hierarchy is mounted");
		return -ENOENT;
	}
	int rc = try_child_cgroup(dir, "memory.max_usage_in_bytes", why, size, hint);
	if (rc == 0)
		snprintf(probe.base, sizeof probe.base, "%s", dir);
	return rc;
}

tach_peak_method tach_cgroup_probe(char *why, size_t size)
{
	if (!probe.done) {
		char why2[sizeof probe.why], why1[sizeof probe.why];
		probe.done = 1;
		probe.method = TACH_PEAK_NONE;
		if (probe_v2(why2, sizeof why2) == 0) {
			probe.method = TACH_PEAK_CGROUP;
			probe.version = 2;
			snprintf(probe.why, sizeof probe.why, "cgroup v2 under %.400s", probe.base);
		} else if (probe_v1(why1, sizeof why1) == 0) {
			probe.method = TACH_PEAK_CGROUP;
			probe.version = 1;
			snprintf(probe.why, sizeof probe.why, "cgroup v1 under %.400s", probe.base);
			snprintf(probe.why_not_v2, sizeof probe.why_not_v2, "%s", why2);
		} else if (strncmp(why1, "no cgroup v1", 12) == 0) {
			/* A pure v2 machine: only the v2 story matters. */
			snprintf(probe.why, sizeof probe.why, "%s", why2);
		} else {
			snprintf(probe.why, sizeof probe.why, "%.240s (v2: %.240s)", why1, why2);
		}
	}
	if (why && size > 0)
		snprintf(why, size, "%s", probe.why);
	return probe.method;
}

const char *tach__cgroup_why_not_v2(void)
{
	tach_cgroup_probe(NULL, 0);
	return probe.why_not_v2[0] ? probe.why_not_v2 : NULL;
}

const char *tach_cgroup_probe_method(void)
{
	if (tach_cgroup_probe(NULL, 0) != TACH_PEAK_CGROUP)
		return NULL;
	return probe.version == 2 ? "cgroup-v2" : "cgroup-v1";
}

/* ------------------------------------------------------------------
 * One run's cgroup.
 */

int tach__cgroup_create(tach__cgroup **out)
{
	*out = NULL;
	if (tach_cgroup_probe(NULL, 0) != TACH_PEAK_CGROUP)
		return TACH_EUNSUPPORTED;
	tach__cgroup *cg = calloc(1, sizeof *cg);
	if (!cg)
		return TACH_ENOMEM;
	cg->version = probe.version;
	cg->dirfd = -1;
	/* A name left over from an earlier tach with the same pid: skip it. */
	for (int tries = 0;; tries++) {
		int n = snprintf(cg->dir, sizeof cg->dir, "%s/tach-%ld-%u", probe.base,
		                 (long)getpid(), run_counter++);
		if (n < 0 || (size_t)n >= sizeof cg->dir) {
			free(cg);
			return -ENAMETOOLONG;
		}
		int e = fs.make_dir(cg->dir);
		if (e == 0)
			break;
		if (e != -EEXIST || tries >= 100) {
			free(cg);
			return e;
		}
	}
	path_join(cg->procs, sizeof cg->procs, cg->dir, "cgroup.procs");
	if (cg->version == 2) {
		cg->dirfd = open(cg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg->dirfd < 0) {
			int e = errno;
			fs.remove_dir(cg->dir);
			free(cg);
			return -e;
		}
	}
	*out = cg;
	return 0;
}

int tach__cgroup_fd(const tach__cgroup *cg)
{
	return cg->dirfd;
}

const char *tach__cgroup_procs_path(const tach__cgroup *cg)
{
	return cg->procs;
}

int tach__cgroup_attach(tach__cgroup *cg, pid_t pid)
{
	char s[32];
	snprintf(s, sizeof s, "%ld", (long)pid);
	/* cgroup.procs moves every thread of the process, in v1 too (its
	 * "tasks" file would move just one). */
	return write_text(cg->procs, s);
}

int tach__cgroup_peak(const tach__cgroup *cg, uint64_t *bytes)
{
	char file[PATH_MAX + 32], buf[64], *end;
	path_join(file, sizeof file, cg->dir,
	          cg->version == 2 ? "memory.peak" : "memory.max_usage_in_bytes");
	ssize_t n = tach__read_text(file, buf, sizeof buf);
	if (n < 0)
		return (int)n;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (end == buf || errno || (*end && *end != '\n'))
		return TACH_EPARSE;
	*bytes = v > cg->baseline ? v - cg->baseline : 0;
	return 0;
}

int tach__cgroup_reset(tach__cgroup *cg)
{
	char file[PATH_MAX + 32], buf[64];
	if (cg->version != 1)
		return TACH_EUNSUPPORTED; /* v2 peaks reset per fd (6.12+): not used */
	/* Restart the high-water mark at the current usage (page cache an
	 * earlier run left charged here) and remember that usage, so that
	 * the next peak counts only what the next run adds.  Reclaiming it
	 * instead (memory.force_empty) costs more than the run of a small
	 * program. */
	path_join(file, sizeof file, cg->dir, "memory.max_usage_in_bytes");
	int rc = write_text(file, "0");
	if (rc)
		return rc;
	path_join(file, sizeof file, cg->dir, "memory.usage_in_bytes");
	ssize_t n = tach__read_text(file, buf, sizeof buf);
	if (n < 0)
		return (int)n;
	cg->baseline = strtoull(buf, NULL, 10);
	return 0;
}

/* 1 when no process is left, 0 when some are, -errno. */
static int is_empty(const tach__cgroup *cg)
{
	char file[PATH_MAX + 32], buf[256];
	if (cg->version == 2) {
		/* "populated" is exactly what rmdir waits for. */
		path_join(file, sizeof file, cg->dir, "cgroup.events");
		ssize_t n = tach__read_text(file, buf, sizeof buf);
		if (n >= 0) {
			char *p = strstr(buf, "populated ");
			return p ? p[10] == '0' : -EIO;
		}
	}
	ssize_t n = tach__read_text(cg->procs, buf, sizeof buf);
	return n < 0 ? (int)n : n == 0;
}

/* Sends SIGKILL to every pid listed in cgroup.procs. */
static int kill_listed(const tach__cgroup *cg)
{
	FILE *f = fopen(cg->procs, "re");
	if (!f)
		return -errno;
	long pid;
	while (fscanf(f, "%ld", &pid) == 1)
		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
	fclose(f);
	return 0;
}

int tach__cgroup_kill_all(tach__cgroup *cg)
{
	char file[PATH_MAX + 32];
	int have_kill = 0;
	if (cg->version == 2) {
		/* cgroup.kill (Linux 5.14) also catches processes that fork
		 * while being killed, which a pid-by-pid loop can only chase. */
		path_join(file, sizeof file, cg->dir, "cgroup.kill");
		have_kill = write_text(file, "1") == 0;
	}
	double deadline = tach__now() + 2.0;
	for (;;) {
		int e = is_empty(cg);
		if (e < 0)
			return e;
		if (e)
			return 0;
		if (tach__now() > deadline)
			return -ETIMEDOUT;
		if (!have_kill) {
			int rc = kill_listed(cg);
			if (rc < 0)
				return rc;
		}
		sleep_ms(5);
	}
}

void tach__cgroup_destroy(tach__cgroup *cg)
{
	if (!cg)
		return;
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	/* Right after its last process exits the kernel may still hold the
	 * cgroup for a moment (dying tasks, v1 charge reparenting). */
	remove_dir(cg->dir, 200);
	free(cg);
}

const char *tach__cgroup_dir(const tach__cgroup *cg)
{
	return cg->dir;
}
