/* system_tune.c - `tach system tune` and `reset`: the safe settings
 * (tach/system.h says which, and why no others) written to sysfs directly,
 * and the values they replaced kept in a state file under /run so that
 * reset restores exactly those.
 *
 * Order matters for undoing: the state file is written (whole, renamed
 * into place) before any setting is, so a tune cut short still leaves a
 * record of every value it may have changed; a second tune keeps the
 * values the first one saved, or reset would restore tuned values.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/outfile.h"
#include "tach/system.h"
#include "measure/system.h"
#include "util/json_load.h"
#include "util/util.h"

void tach_setting_list_release(tach_setting_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static int push(tach_setting_list *l, size_t *cap, const char *path, const char *from,
                const char *to)
{
	if (tach__grow((void **)&l->items, cap, l->n + 1, sizeof *l->items))
		return TACH_ENOMEM;
	tach_setting *s = &l->items[l->n++];
	memset(s, 0, sizeof *s);
	snprintf(s->path, sizeof s->path, "%s", path);
	snprintf(s->from, sizeof s->from, "%s", from);
	snprintf(s->to, sizeof s->to, "%s", to);
	return 0;
}

/* 1 when the space-separated list holds word. */
static int has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; *p;) {
		p += strspn(p, " ");
		size_t l = strcspn(p, " ");
		if (l == wl && strncmp(p, word, wl) == 0)
			return 1;
		p += l;
	}
	return 0;
}

/* Sets each setting's error to whether this process may write it. */
static void check_access(const char *root, tach_setting_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		char full[PATH_MAX];
		int rc = tach__system_path(root, l->items[i].path, full, sizeof full);
		l->items[i].error = rc ? rc : access(full, W_OK) == 0 ? 0 : -errno;
	}
}

int tach_system_tune_plan(const char *root, tach_setting_list *out)
{
	memset(out, 0, sizeof *out);
	size_t cap = 0;
	tach_cpus online;
	if (tach_cpus_online(root, &online))
		memset(&online, 0, sizeof online);
	for (int k = 0, cpu; (cpu = tach_cpus_nth(&online, (size_t)k)) >= 0; k++) {
		char gov[160], avail[160], v[64], list[256];
		snprintf(gov, sizeof gov, "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", cpu);
		snprintf(avail, sizeof avail,
		         "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_available_governors", cpu);
		/* only where the kernel offers it: writing it elsewhere fails */
		if (tach__system_read(root, gov, v, sizeof v) > 0 && strcmp(v, "performance") &&
		    tach__system_read(root, avail, list, sizeof list) > 0 &&
		    has_word(list, "performance") && push(out, &cap, gov, v, "performance"))
			goto nomem;
	}
	char v[16];
	static const char no_turbo[] = "/sys/devices/system/cpu/intel_pstate/no_turbo";
	static const char boost[] = "/sys/devices/system/cpu/cpufreq/boost";
	if (tach__system_read(root, no_turbo, v, sizeof v) > 0) {
		if (strcmp(v, "0") == 0 && push(out, &cap, no_turbo, v, "1"))
			goto nomem;
	} else if (tach__system_read(root, boost, v, sizeof v) > 0) {
		if (strcmp(v, "0") != 0 && push(out, &cap, boost, v, "0"))
			goto nomem;
	}
	check_access(root, out);
	return 0;
nomem:
	tach_setting_list_release(out);
	return TACH_ENOMEM;
}

/* ------------------------------------------------------------------
 * The state file: {"tach_tune": 1, "settings": [{"path": P, "saved": V,
 * "tuned": T}, ...]}.
 */

static int state_fail(tach_error *err, const char *path, int rc, const char *why)
{
	if (err)
		snprintf(err->message, sizeof err->message, "%.120s: %.120s", path,
		         why ? why : tach_strerror(rc));
	return rc;
}

/* Reads the state file into *l (from = saved, to = tuned).  0 (a file
 * that is not there: an empty list), -errno or TACH_EPARSE. */
static int state_load(const char *file, tach_setting_list *l, tach_error *err)
{
	memset(l, 0, sizeof *l);
	char *data = NULL;
	size_t len = 0, cap = 0;
	int rc = tach__read_file(file, &data, &len);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return state_fail(err, file, rc, NULL);
	json_error_t je;
	json_t *doc = tach__json_loadb(data, len, &je, &rc);
	free(data);
	if (!doc)
		return state_fail(err, file, rc, rc == TACH_ENOMEM ? NULL : je.text);
	json_t *arr = json_object_get(doc, "settings"), *it;
	size_t i;
	if (!json_is_array(arr))
		rc = TACH_EPARSE;
	json_array_foreach(arr, i, it) {
		const char *p = json_string_value(json_object_get(it, "path"));
		const char *saved = json_string_value(json_object_get(it, "saved"));
		const char *tuned = json_string_value(json_object_get(it, "tuned"));
		/* only settings tune could have made: a state file is no way to
		 * write anything anywhere */
		if (!p || !saved || !tuned || strncmp(p, "/sys/devices/system/cpu/", 24) ||
		    strstr(p, "..")) {
			rc = TACH_EPARSE;
			break;
		}
		if ((rc = push(l, &cap, p, saved, tuned)))
			break;
	}
	json_decref(doc);
	if (rc) {
		tach_setting_list_release(l);
		return state_fail(err, file, rc,
		                  rc == TACH_EPARSE ? "not a tach tune state file (settings with "
		                                      "path, saved and tuned under /sys/devices/system/cpu)"
		                                    : NULL);
	}
	return 0;
}

static int make_dirs(const char *file)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", file);
	for (char *s = strchr(dir + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

static int state_save(const char *file, const tach_setting_list *l, tach_error *err)
{
	json_t *doc = json_object(), *arr = json_array();
	int rc = doc && arr ? 0 : TACH_ENOMEM;
	if (!rc)
		rc = json_object_set_new(doc, "tach_tune", json_integer(1)) ||
		     json_object_set(doc, "settings", arr) ? TACH_ENOMEM : 0;
	for (size_t i = 0; !rc && i < l->n; i++) {
		json_t *o = json_pack("{s:s,s:s,s:s}", "path", l->items[i].path, "saved",
		                      l->items[i].from, "tuned", l->items[i].to);
		if (!o || json_array_append_new(arr, o))
			rc = TACH_ENOMEM;
	}
	tach_outfile *of = NULL;
	if (!rc && !(rc = make_dirs(file)))
		rc = tach_outfile_open(file, &of);
	if (!rc && (json_dumpf(doc, tach_outfile_stream(of), JSON_INDENT(2) | JSON_PRESERVE_ORDER) ||
	            fputc('\n', tach_outfile_stream(of)) == EOF))
		rc = TACH_EIO;
	if (of && rc)
		tach_outfile_abort(of);
	else if (of)
		rc = tach_outfile_commit(of);
	json_decref(arr);
	json_decref(doc);
	return rc ? state_fail(err, file, rc, NULL) : 0;
}

static const tach_setting *find(const tach_setting_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].path, path) == 0)
			return &l->items[i];
	return NULL;
}

int tach_system_saved(const char *root, tach_setting_list *out, tach_error *err)
{
	char file[PATH_MAX];
	memset(out, 0, sizeof *out);
	int rc = tach__system_path(root, TACH_SYSTEM_STATE, file, sizeof file);
	if (rc || (rc = state_load(file, out, err)))
		return rc;
	check_access(root, out);
	return 0;
}

/* Writes every setting's `to`, recording each error.  0 or TACH_EIO. */
static int apply(const char *root, tach_setting_list *l)
{
	int rc = 0;
	for (size_t i = 0; i < l->n; i++)
		if ((l->items[i].error = tach__system_write(root, l->items[i].path, l->items[i].to)))
			rc = TACH_EIO;
	return rc;
}

int tach_system_tune(const char *root, tach_setting_list *done, tach_error *err)
{
	char file[PATH_MAX];
	tach_setting_list saved;
	memset(done, 0, sizeof *done);
	int rc = tach__system_path(root, TACH_SYSTEM_STATE, file, sizeof file);
	if (rc || (rc = state_load(file, &saved, err)))
		return rc;
	if ((rc = tach_system_tune_plan(root, done))) {
		tach_setting_list_release(&saved);
		return rc;
	}
	/* the first tune's saved values win over what a later one finds */
	size_t cap = saved.n;
	for (size_t i = 0; !rc && i < done->n; i++)
		if (!find(&saved, done->items[i].path))
			rc = push(&saved, &cap, done->items[i].path, done->items[i].from,
			          done->items[i].to);
	if (!rc && done->n)
		rc = state_save(file, &saved, err);
	tach_setting_list_release(&saved);
	if (rc) {
		tach_setting_list_release(done);
		return rc;
	}
	return apply(root, done);
}

int tach_system_reset(const char *root, tach_setting_list *done, tach_error *err)
{
	char file[PATH_MAX];
	memset(done, 0, sizeof *done);
	int rc = tach__system_path(root, TACH_SYSTEM_STATE, file, sizeof file);
	if (rc || (rc = state_load(file, done, err)))
		return rc;
	/* from = what is set now, to = the value saved before the tune */
	for (size_t i = 0; i < done->n; i++) {
		tach_setting *s = &done->items[i];
		char now[64];
		snprintf(s->to, sizeof s->to, "%s", s->from);
		if (tach__system_read(root, s->path, now, sizeof now) < 0)
			snprintf(now, sizeof now, "?");
		snprintf(s->from, sizeof s->from, "%s", now);
	}
	rc = apply(root, done);
	if (!rc && done->n && unlink(file) < 0 && errno != ENOENT)
		rc = state_fail(err, file, -errno, NULL);
	return rc;
}
