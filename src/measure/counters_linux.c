/* counters_linux.c - performance counters of a run's process tree through
 * perf_event_open: one counting event per name (no groups, so the kernel can
 * multiplex them and we scale), opened disabled on the waiting child with
 * enable_on_exec + inherit, read after the tree is gone.  Failures become
 * per-event reasons a user can act on (no PMU in a VM, perf_event_paranoid,
 * seccomp), never a failed run.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tach/counters.h"
#include "util/util.h"

/* ------------------------------------------------------------------
 * The events tach knows, in the order --help lists them.
 */

typedef struct ev_def {
	const char *name;   /* canonical, as perf(1) spells it */
	const char *alias;  /* or NULL */
	const char *metric; /* metric name in results */
	uint32_t type;
	uint64_t config;
	int seconds;        /* a clock in ns, reported in s */
	int kernel_only;    /* happens only in the kernel: user-space-only
	                       counting would always read 0 */
} ev_def;

#define HW(n, m, c) {n, NULL, m, PERF_TYPE_HARDWARE, PERF_COUNT_HW_##c, 0, 0}
#define SW(n, a, m, c, sec, k) {n, a, m, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_##c, sec, k}

static const ev_def defs[] = {
	HW("cycles", "cycles", CPU_CYCLES),
	HW("instructions", "instructions", INSTRUCTIONS),
	HW("cache-references", "cache_references", CACHE_REFERENCES),
	HW("cache-misses", "cache_misses", CACHE_MISSES),
	HW("branches", "branches", BRANCH_INSTRUCTIONS),
	HW("branch-misses", "branch_misses", BRANCH_MISSES),
	HW("stalled-cycles-frontend", "stalled_cycles_frontend", STALLED_CYCLES_FRONTEND),
	HW("stalled-cycles-backend", "stalled_cycles_backend", STALLED_CYCLES_BACKEND),
	HW("ref-cycles", "ref_cycles", REF_CPU_CYCLES),
	SW("task-clock", NULL, "task_clock", TASK_CLOCK, 1, 0),
	SW("cpu-clock", NULL, "cpu_clock", CPU_CLOCK, 1, 0),
	SW("context-switches", "cs", "context_switches", CONTEXT_SWITCHES, 0, 1),
	SW("cpu-migrations", "migrations", "cpu_migrations", CPU_MIGRATIONS, 0, 1),
	SW("page-faults", "faults", "page_faults", PAGE_FAULTS, 0, 0),
	SW("minor-faults", NULL, "minor_faults", PAGE_FAULTS_MIN, 0, 0),
	SW("major-faults", NULL, "major_faults", PAGE_FAULTS_MAJ, 0, 0),
};
#define N_DEFS (sizeof defs / sizeof *defs)

typedef struct counter {
	const ev_def *def;
	int fd;            /* -1 when not open */
	int available;
	int user_only;     /* exclude_kernel: the only way paranoid allowed */
	char reason[224];  /* why unavailable, or a caveat; "" if neither */
} counter;

struct tach_counter_set {
	counter *ev;
	size_t n;
	int open;
};

const char *tach_counters_known(size_t i)
{
	return i < N_DEFS ? defs[i].name : NULL;
}

/* ------------------------------------------------------------------
 * Parsing.
 */

/* 1 if a user's spelling s[0..len) matches the start of name (which has at
 * least len bytes): case-insensitive, '_' == '-'. */
static int starts(const char *s, size_t len, const char *name)
{
	for (size_t i = 0; i < len; i++) {
		int c = tolower((unsigned char)s[i]);
		if ((c == '_' ? '-' : c) != name[i])
			return 0;
	}
	return 1;
}

static int name_eq(const char *s, size_t len, const char *name)
{
	return name && strlen(name) == len && starts(s, len, name);
}

static const ev_def *lookup(const char *s, size_t len)
{
	for (size_t i = 0; i < N_DEFS; i++)
		if (name_eq(s, len, defs[i].name) || name_eq(s, len, defs[i].alias))
			return &defs[i];
	return NULL;
}

/* Edits between the spelling, normalized as name_eq does (case, '_' for
 * '-'), and a name, for the did-you-mean hint. */
static size_t distance(const char *s, size_t len, const char *name)
{
	char norm[65];
	if (len >= sizeof norm)
		return SIZE_MAX;
	for (size_t i = 0; i < len; i++) {
		int c = tolower((unsigned char)s[i]);
		norm[i] = (char)(c == '_' ? '-' : c);
	}
	return tach__edit_distance(norm, len, name, strlen(name));
}

/* The closest name to a misspelling, or NULL if none is close: within a
 * third of the length (at least 2 edits), or one the spelling begins
 * ("instr" -> instructions). */
static const char *suggest(const char *s, size_t len)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, limit = len / 3 > 2 ? len / 3 : 2;
	for (size_t i = 0; i < N_DEFS; i++) {
		const char *cand[2] = {defs[i].name, defs[i].alias};
		for (int k = 0; k < 2; k++) {
			if (!cand[k])
				continue;
			size_t d = distance(s, len, cand[k]);
			if (len >= 3 && strlen(cand[k]) > len && starts(s, len, cand[k]))
				d = 1;
			if (d < best_d) {
				best_d = d;
				best = defs[i].name;
			}
		}
	}
	return best_d <= limit ? best : NULL;
}

/* The valid names for an error message, compact enough to fit in one
 * with the misspelling (tach_counters_known lists them one by one). */
static const char valid_list[] =
	"cycles, instructions, cache-references, cache-misses, branches, "
	"branch-misses, stalled-cycles-{frontend,backend}, ref-cycles, task-clock, "
	"cpu-clock, context-switches, cpu-migrations, {page,minor,major}-faults";

/* Fills err for a bad name s[0..len) at `column`: with a hint when one is
 * close, else with the valid names.  The name is cut to 16 bytes so that
 * the whole message fits in err->message. */
static void set_err(tach_error *err, unsigned column, const char *s, size_t len)
{
	if (!err)
		return;
	err->line = 0;
	err->column = column;
	if (len == 0) {
		snprintf(err->message, sizeof err->message,
		         "empty counter name; valid: %s", valid_list);
		return;
	}
	const char *hint = suggest(s, len);
	int shown = len > 16 ? 16 : (int)len;
	const char *cut = len > 16 ? "..." : "";
	if (hint)
		snprintf(err->message, sizeof err->message,
		         "unknown counter '%.*s%s' (did you mean '%s'?)", shown, s, cut, hint);
	else
		snprintf(err->message, sizeof err->message,
		         "unknown counter '%.*s%s'; valid: %s", shown, s, cut, valid_list);
}

int tach_counters_parse(const char *list, tach_counter_set **out, tach_error *err)
{
	*out = NULL;
	if (!list)
		return TACH_EINVAL;
	tach_counter_set *s = calloc(1, sizeof *s);
	/* At most one entry per name, however the list repeats them. */
	counter *ev = calloc(N_DEFS, sizeof *ev);
	if (!s || !ev) {
		free(s);
		free(ev);
		return TACH_ENOMEM;
	}
	s->ev = ev;
	const char *p = list;
	for (;;) {
		p += strspn(p, " \t");
		size_t len = strcspn(p, ",");
		size_t trimmed = len;
		while (trimmed && (p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t'))
			trimmed--;
		unsigned column = (unsigned)(p - list) + 1;
		if (trimmed == 0) {
			set_err(err, column, p, 0);
			tach_counters_free(s);
			return TACH_EINVAL;
		}
		const ev_def *d = lookup(p, trimmed);
		if (!d) {
			set_err(err, column, p, trimmed);
			tach_counters_free(s);
			return TACH_EINVAL;
		}
		size_t i = 0;
		while (i < s->n && s->ev[i].def != d)
			i++;
		if (i == s->n) {
			s->ev[s->n].def = d;
			s->ev[s->n].fd = -1;
			s->ev[s->n].available = 1;
			s->n++;
		}
		if (p[len] != ',')
			break;
		p += len + 1;
	}
	*out = s;
	return 0;
}

/* ------------------------------------------------------------------
 * Opening: real errors, injected errors, and what they mean to a user.
 */

static int paranoid_level(int *level)
{
	char buf[32];
	if (tach__read_text("/proc/sys/kernel/perf_event_paranoid", buf, sizeof buf) <= 0)
		return 0;
	char *end;
	long v = strtol(buf, &end, 10);
	if (end == buf)
		return 0;
	*level = (int)v;
	return 1;
}

/* Says why opening failed with errno e, in terms of what to do about it. */
static void explain(int e, char *buf, size_t size)
{
	int level;
	switch (e) {
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		snprintf(buf, size, "not supported here (no PMU: a VM?)");
		break;
	case EACCES:
	case EPERM:
		if (!paranoid_level(&level))
			snprintf(buf, size, "not permitted: perf events are disabled in "
			         "this kernel or container");
		else if (level > 1 && geteuid() != 0)
			snprintf(buf, size, "perf_event_paranoid is %d: run as root or "
			         "lower it with sysctl kernel.perf_event_paranoid=1", level);
		else
			snprintf(buf, size, "not permitted although perf_event_paranoid "
			         "is %d: a container's seccomp policy or a security "
			         "module forbids perf_event_open", level);
		break;
	case ENOSYS:
		snprintf(buf, size, "perf_event_open does not exist here (kernel "
		         "without perf events, or blocked by seccomp)");
		break;
	case EMFILE:
	case ENFILE:
		snprintf(buf, size, "too many open files: raise the limit (ulimit -n)");
		break;
	case EBUSY:
		snprintf(buf, size, "the PMU is busy: another tool holds it exclusively");
		break;
	case EINVAL:
		snprintf(buf, size, "rejected by the kernel (EINVAL): not supported "
		         "by this CPU or kernel");
		break;
	default:
		snprintf(buf, size, "cannot be opened: %s", tach_strerror(-e));
		break;
	}
}

static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{"ENOENT", ENOENT}, {"EOPNOTSUPP", EOPNOTSUPP}, {"ENODEV", ENODEV},
	{"EACCES", EACCES}, {"EPERM", EPERM}, {"EMFILE", EMFILE},
	{"ENFILE", ENFILE}, {"ENOSYS", ENOSYS}, {"EINVAL", EINVAL},
	{"EBUSY", EBUSY},
};

/* The errno TACH_COUNTERS_FAIL injects for def, or 0.  A testing hook:
 * "name:ERRNO,name:ERRNO", see counters.h. */
static int injected(const char *env, const ev_def *def)
{
	for (const char *p = env; p && *p;) {
		size_t len = strcspn(p, ",");
		const char *colon = memchr(p, ':', len);
		if (colon && lookup(p, (size_t)(colon - p)) == def) {
			const char *e = colon + 1;
			size_t elen = len - (size_t)(e - p);
			for (size_t i = 0; i < sizeof errno_names / sizeof *errno_names; i++)
				if (strlen(errno_names[i].name) == elen &&
				    strncmp(e, errno_names[i].name, elen) == 0)
					return errno_names[i].value;
			char num[16];
			if (elen > 0 && elen < sizeof num) {
				memcpy(num, e, elen);
				num[elen] = '\0';
				char *end;
				long v = strtol(num, &end, 10);
				if (*end == '\0' && v > 0 && v < 4096)
					return (int)v;
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* One perf_event_open; the fd or -errno. */
/* 1 while tach_counters_open_self opens: count from now, not from exec */
static int counting_self;

static int open_event(const ev_def *d, pid_t pid, int user_only, int inject)
{
	if (inject)
		return -inject;
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.size = sizeof a;
	a.type = d->type;
	a.config = d->config;
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	/* Counting starts at the child's exec, not now: the setup between
	 * fork and exec is tach's, not the command's. */
	a.disabled = counting_self ? 0 : 1;
	a.enable_on_exec = counting_self ? 0 : 1;
	/* Children, threads and their descendants count too; their counts are
	 * added to ours when they exit. */
	a.inherit = 1;
	a.exclude_hv = 1;
	a.exclude_kernel = user_only ? 1 : 0;
	long fd = syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

static void mark_unavailable(counter *c, int e)
{
	c->available = 0;
	explain(e, c->reason, sizeof c->reason);
}

/* The one-line summary: names grouped by reason, in the set's order. */
static void summarize(const tach_counter_set *s, char *why, size_t size)
{
	if (!why || size == 0)
		return;
	why[0] = '\0';
	size_t used = 0;
	for (size_t i = 0; i < s->n; i++) {
		const char *r = s->ev[i].reason;
		if (!r[0])
			continue;
		size_t k = 0;
		while (k < i && strcmp(s->ev[k].reason, r) != 0)
			k++;
		if (k < i)
			continue; /* listed with an earlier event */
		for (size_t j = i; j < s->n; j++) {
			if (strcmp(s->ev[j].reason, r) != 0)
				continue;
			int n = snprintf(why + used, size - used, "%s%s",
			                 j == i ? (used ? "; " : "") : ", ",
			                 s->ev[j].def->name);
			if (n < 0 || (size_t)n >= size - used)
				return;
			used += (size_t)n;
		}
		int n = snprintf(why + used, size - used, ": %s", r);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
}

/* Both ways of opening; pid 0 is the calling thread, whose children
 * inherit the events (see tach_counters_open_children). */
static int open_all(tach_counter_set *s, pid_t pid, char *why, size_t size)
{
	const char *env = getenv("TACH_COUNTERS_FAIL");
	int opened = 0;
	for (size_t i = 0; i < s->n; i++) {
		counter *c = &s->ev[i];
		if (!c->available)
			continue;
		int inject = injected(env, c->def);
		int fd = open_event(c->def, pid, c->user_only, inject);
		if ((fd == -EACCES || fd == -EPERM) && !c->user_only) {
			/* perf_event_paranoid 2 allows an unprivileged user to
			 * count user space only: better than nothing, except for
			 * events that never happen there. */
			int fd2 = open_event(c->def, pid, 1, inject);
			if (fd2 >= 0 && c->def->kernel_only) {
				close(fd2);
			} else if (fd2 >= 0) {
				int level = 0;
				paranoid_level(&level);
				c->user_only = 1;
				snprintf(c->reason, sizeof c->reason, "user space only "
				         "(perf_event_paranoid is %d)", level);
				fd = fd2;
			}
		}
		if (fd == -ESRCH) {
			tach_counters_close(s);
			summarize(s, why, size);
			return -ESRCH;
		}
		if (fd < 0) {
			mark_unavailable(c, -fd);
			continue;
		}
		c->fd = fd;
		opened++;
	}
	s->open = 1;
	summarize(s, why, size);
	return opened;
}

int tach_counters_open(tach_counter_set *s, pid_t pid, char *why, size_t size)
{
	if (why && size)
		why[0] = '\0';
	if (!s || s->open || pid <= 0)
		return TACH_EINVAL;
	return open_all(s, pid, why, size);
}

int tach_counters_open_children(tach_counter_set *s, char *why, size_t size)
{
	if (why && size)
		why[0] = '\0';
	if (!s || s->open)
		return TACH_EINVAL;
	/* On ourselves, disabled and never enabled (tach does not exec):
	 * only the inherited copies in children that exec ever count, and
	 * the kernel adds them to ours as each child exits. */
	return open_all(s, 0, why, size);
}

int tach_counters_open_self(tach_counter_set *s, char *why, size_t size)
{
	if (why && size)
		why[0] = '\0';
	if (!s || s->open)
		return TACH_EINVAL;
	/* Enabled at once on the calling thread; threads it creates later
	 * inherit the events, and their counts join ours when they exit. */
	counting_self = 1;
	int rc = open_all(s, 0, why, size);
	counting_self = 0;
	return rc;
}

/* ------------------------------------------------------------------
 * Reading and closing.
 */

int tach_counters_read(tach_counter_set *s, tach_counter_value *vals, size_t n)
{
	if (vals && n)
		memset(vals, 0, n * sizeof *vals);
	if (!s || !s->open)
		return TACH_EINVAL;
	int valid = 0;
	for (size_t i = 0; i < s->n && i < n && vals; i++) {
		counter *c = &s->ev[i];
		tach_counter_value *v = &vals[i];
		uint64_t buf[3];
		if (c->fd < 0)
			continue;
		ssize_t r;
		while ((r = read(c->fd, buf, sizeof buf)) < 0 && errno == EINTR)
			;
		if (r != (ssize_t)sizeof buf)
			continue;
		v->raw = buf[0];
		v->enabled = buf[1];
		v->running = buf[2];
		/* Never on the PMU (multiplexed out the whole time, or the
		 * child never exec'd): no measurement, not a zero. */
		if (v->running == 0)
			continue;
		double x = (double)v->raw;
		if (v->running < v->enabled) {
			x = x * ((double)v->enabled / (double)v->running);
			v->scaled = 1;
		}
		v->value = c->def->seconds ? x / 1e9 : x;
		v->valid = 1;
		valid++;
	}
	tach_counters_close(s);
	return valid;
}

void tach_counters_close(tach_counter_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->ev[i].fd >= 0) {
			close(s->ev[i].fd);
			s->ev[i].fd = -1;
		}
	s->open = 0;
}

void tach_counters_free(tach_counter_set *s)
{
	if (!s)
		return;
	tach_counters_close(s);
	free(s->ev);
	free(s);
}

/* ------------------------------------------------------------------
 * Accessors.
 */

size_t tach_counters_count(const tach_counter_set *s)
{
	return s ? s->n : 0;
}

static const counter *at(const tach_counter_set *s, size_t i)
{
	return s && i < s->n ? &s->ev[i] : NULL;
}

const char *tach_counters_name(const tach_counter_set *s, size_t i)
{
	const counter *c = at(s, i);
	return c ? c->def->name : NULL;
}

const char *tach_counters_metric(const tach_counter_set *s, size_t i)
{
	const counter *c = at(s, i);
	return c ? c->def->metric : NULL;
}

const char *tach_counters_unit(const tach_counter_set *s, size_t i)
{
	const counter *c = at(s, i);
	return c ? (c->def->seconds ? "s" : "count") : NULL;
}

int tach_counters_is_hardware(const tach_counter_set *s, size_t i)
{
	const counter *c = at(s, i);
	return c && c->def->type == PERF_TYPE_HARDWARE;
}

int tach_counters_available(const tach_counter_set *s, size_t i)
{
	const counter *c = at(s, i);
	return c && c->available;
}

const char *tach_counters_reason(const tach_counter_set *s, size_t i)
{
	const counter *c = at(s, i);
	return c ? c->reason : NULL;
}
