/* import.c - other tools' results into tach's model: the table of
 * importers and format detection.
 *
 * tach's own format goes to its own reader (which places every error).
 * Anything else is parsed once as JSON with jansson (not the hot path; its
 * errors carry line and column); then every importer rates the input and
 * the most certain one reads it.  When none recognises the file, a JSON
 * object with "format" goes to tach's reader after all (so a broken tach
 * file hears what is wrong with it), a file that looks like JSON but does
 * not parse gets the parser's placed error, anything else a list of the
 * formats tach reads placed at its first character.  An importer that
 * fails leaves nothing behind: the partly filled result is discarded.  A
 * UTF-8 byte order mark is skipped before all this.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/import.h"
#include "tach/result.h"
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

/* The line and column of byte `off` of data. */
static void place_of(const char *data, size_t off, unsigned *line, unsigned *column)
{
	unsigned l = 1;
	size_t ls = 0;
	for (size_t i = 0; i < off; i++)
		if (data[i] == '\n')
			l++, ls = i + 1;
	*line = l;
	*column = (unsigned)(off - ls) + 1;
}

int tach_import_buffer_warn(const char *data, size_t len, const char *name, const char *from,
                            tach_import_warn_fn warn, void *warn_data, tach_result **out,
                            tach_error *err)
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
	/* A UTF-8 byte order mark (some Windows tools write one) is not part
	 * of the content: it is skipped, as most JSON tools do, and columns
	 * on line 1 still count its three bytes. */
	size_t bom = len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
	size_t skip = bom;
	while (skip < len && isspace((unsigned char)data[skip]))
		skip++;
	if (skip == len) {
		place_of(data, skip, &err->line, &err->column);
		return tach__import_fail(err, TACH_EFORMAT, err->line, err->column, "empty file");
	}
	if (from ? !forced
	         : (data[skip] == '{' && memmem(data, len < 4096 ? len : 4096, "\"format\"", 8) &&
	            memmem(data, len < 4096 ? len : 4096, "\"benchmarks\"", 12))) {
		int rc = tach_result_read_buffer(data, len, name, out, err);
		err->file = name;
		return rc;
	}
	data += bom, len -= bom, skip -= bom;
	json_error_t je;
	json_t *root = NULL;
	int jrc = 0;
	if (data[skip] == '{' || data[skip] == '[')
		root = tach__json_loadb(data, len, &je, &jrc);
	else
		memset(&je, 0, sizeof je);
	if (jrc == TACH_ENOMEM)
		return tach__import_json_fail(err, &je, jrc, 0, 0);
	tach__import_input in = {data, len, name, root, &je, warn, warn_data};
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
	else if (json_is_object(root) && json_object_get(root, "format")) {
		/* tach's own file, broken: its reader says where and why */
		json_decref(root);
		rc = tach_result_read_buffer(data - bom, len + bom, name, out, err);
		err->file = name;
		return rc;
	} else if (!root && (data[skip] == '{' || data[skip] == '['))
		rc = tach__import_fail(err, TACH_EPARSE, je.line > 0 ? (unsigned)je.line : 1,
		                       je.column > 0 ? (unsigned)je.column : 1, "not valid JSON: %s",
		                       je.text);
	else {
		char known[256];
		unsigned line, column;
		list_formats(known, sizeof known);
		place_of(data, skip, &line, &column);
		rc = tach__import_fail(err, TACH_EFORMAT, line, column,
		                       "not a results file of a format tach reads (%s)", known);
	}
	json_decref(root);
	err->file = name;
	if (rc && err->line == 1 && err->column)
		err->column += (unsigned)bom;
	/* an importer returns TACH_ENOMEM bare: say it, or the CLI would
	 * print the file name alone */
	if (rc && !err->message[0])
		snprintf(err->message, sizeof err->message, "%s", tach_strerror(rc));
	return rc;
}

int tach_import_buffer(const char *data, size_t len, const char *name, const char *from,
                       tach_result **out, tach_error *err)
{
	return tach_import_buffer_warn(data, len, name, from, NULL, NULL, out, err);
}

int tach_import_file(const char *path, const char *from, tach_result **out, tach_error *err)
{
	return tach_import_file_warn(path, from, NULL, NULL, out, err);
}

int tach_import_file_warn(const char *path, const char *from, tach_import_warn_fn warn,
                          void *warn_data, tach_result **out, tach_error *err)
{
	char *data;
	size_t len;
	*out = NULL;
	int rc = tach__read_input(path, &data, &len, err);
	if (rc)
		return rc;
	rc = tach_import_buffer_warn(data, len, path, from, warn, warn_data, out, err);
	free(data);
	return rc;
}
