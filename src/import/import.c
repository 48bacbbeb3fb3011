/* import.c - other tools' results into tach's model: the table of
 * importers and format detection.
 *
 * tach's own format goes to its own reader (which places every error).
 * Anything else is parsed once as JSON with jansson (not the hot path; its
 * errors carry line and column); then every importer rates the input and
 * the most certain one reads it.  When none recognises the file, a file
 * that looks like JSON but does not parse gets the parser's placed error,
 * anything else a list of the formats tach reads.  An importer that fails
 * leaves nothing behind: the partly filled result is discarded.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "tach/import.h"
#include "import/internal.h"

static const tach__importer *const importers[] = {
	&tach__import_gbench_json, &tach__import_gbench_console, &tach__import_go,
	&tach__import_hyperfine,   &tach__import_pytest,         &tach__import_criterion,
	&tach__import_catch2,      &tach__import_nanobench,      &tach__import_jmh,
};
#define N_IMPORTERS (sizeof importers / sizeof *importers)

const char *tach_import_format_name(size_t i)
{
	if (i == 0)
		return "tach";
	return i <= N_IMPORTERS ? importers[i - 1]->name : NULL;
}

static void list_formats(char *buf, size_t size)
{
	size_t used = (size_t)snprintf(buf, size, "tach");
	for (size_t i = 0; i < N_IMPORTERS && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, ", %s", importers[i]->name);
}

static int read_with(const tach__importer *imp, const tach__import_input *in, tach_result **out,
                     tach_error *err)
{
	tach_result *r = tach_result_new();
	if (!r)
		return TACH_ENOMEM;
	int rc = imp->read(in, r, err);
	if (!rc)
		rc = tach_result_validate(r, err);
	if (rc) {
		tach_result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int tach_import_buffer(const char *data, size_t len, const char *name, const char *from,
                       tach_result **out, tach_error *err)
{
	*out = NULL;
	tach_error dummy;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof *err);
	err->file = name;
	const tach__importer *forced = NULL;
	if (from && strcmp(from, "tach")) {
		for (size_t i = 0; i < N_IMPORTERS && !forced; i++)
			if (!strcmp(from, importers[i]->name))
				forced = importers[i];
		if (!forced) {
			char known[256];
			list_formats(known, sizeof known);
			return tach__import_fail(err, TACH_EINVAL, 0, 0,
			                         "unknown format '%s' (known: %s)", from, known);
		}
	}
	size_t skip = 0;
	while (skip < len && isspace((unsigned char)data[skip]))
		skip++;
	if (skip == len)
		return tach__import_fail(err, TACH_EFORMAT, 0, 0, "empty file");
	if (from ? !forced
	         : (data[skip] == '{' && memmem(data, len < 4096 ? len : 4096, "\"format\"", 8) &&
	            memmem(data, len < 4096 ? len : 4096, "\"benchmarks\"", 12))) {
		int rc = tach_result_read_buffer(data, len, name, out, err);
		err->file = name;
		return rc;
	}
	json_error_t je;
	json_t *root = NULL;
	int jrc = 0;
	if (data[skip] == '{' || data[skip] == '[')
		root = tach__json_loadb(data, len, &je, &jrc);
	else
		memset(&je, 0, sizeof je);
	if (jrc == TACH_ENOMEM)
		return tach__import_json_fail(err, &je, jrc, 0, 0);
	tach__import_input in = {data, len, name, root, &je};
	const tach__importer *best = forced;
	if (!best) {
		int score = 0;
		for (size_t i = 0; i < N_IMPORTERS; i++) {
			int s = importers[i]->detect(&in);
			if (s > score)
				score = s, best = importers[i];
		}
	}
	int rc;
	if (best)
		rc = read_with(best, &in, out, err);
	else if (!root && (data[skip] == '{' || data[skip] == '['))
		rc = tach__import_fail(err, TACH_EPARSE, je.line > 0 ? (unsigned)je.line : 0,
		                       je.column > 0 ? (unsigned)je.column : 0, "not valid JSON: %s",
		                       je.text);
	else {
		char known[256];
		list_formats(known, sizeof known);
		rc = tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                       "not a results file of a format tach reads (%s)", known);
	}
	json_decref(root);
	err->file = name;
	/* an importer returns TACH_ENOMEM bare: say it, or the CLI would
	 * print the file name alone */
	if (rc && !err->message[0])
		snprintf(err->message, sizeof err->message, "%s", tach_strerror(rc));
	return rc;
}

int tach_import_file(const char *path, const char *from, tach_result **out, tach_error *err)
{
	char *data;
	size_t len;
	*out = NULL;
	int rc = tach__read_file(path, &data, &len);
	if (rc) {
		if (err) {
			memset(err, 0, sizeof *err);
			err->file = path;
			snprintf(err->message, sizeof err->message, "cannot read: %s", tach_strerror(rc));
		}
		return rc;
	}
	rc = tach_import_buffer(data, len, path, from, out, err);
	free(data);
	return rc;
}
