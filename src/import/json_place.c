/* json_place.c - places in the JSON documents importers read through
 * jansson, and typed access to their values.  jansson's tree keeps no
 * positions, so a place is kept as (node, member) and turned into a line
 * and column only when an error or warning is reported: the text is
 * walked again beside the tree with the results reader's scanner until
 * the node is met.  That costs a pass over the text, once per message.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/error.h"
#include "import/internal.h"
#include "util/json_lex.h"

tach__at tach__at_text(unsigned line, unsigned column)
{
	return (tach__at){.line = line, .column = column};
}

tach__at tach__at_member(const tach__jdoc *d, const json_t *node, const char *key, size_t i)
{
	return (tach__at){.doc = d, .node = node, .key = key, .index = i};
}

tach__at tach__at_node(const tach__jdoc *d, const json_t *node)
{
	return (tach__at){.doc = d, .node = node, .index = TACH__AT_NODE};
}

/* The key at j->p, decoded into a new string (NULL: not a string, or out
 * of memory); j->p moves past it. */
static char *read_key(jlex *j)
{
	const char *s = j->p;
	size_t len;
	if (tach__json_string(j, NULL, &len))
		return NULL;
	char *key = malloc((size_t)(j->p - s) + 1);
	if (!key)
		return NULL;
	j->p = s;
	tach__json_string(j, key, &len);
	key[len] = '\0';
	return key;
}

/* Walks the value at j->p, which is `cur` of the tree, looking for
 * `target`: its text position, or NULL (j->p then past the value).  An
 * object member whose key is given twice belongs to the last one, as in
 * jansson. */
static const char *find(jlex *j, const json_t *cur, const json_t *target)
{
	tach__json_ws(j);
	if (cur == target)
		return j->p;
	if (!json_is_object(cur) && !json_is_array(cur)) {
		tach__json_skip(j);
		return NULL;
	}
	int obj = json_is_object(cur);
	j->p++; /* '{' or '[' */
	for (size_t i = 0;; i++) {
		tach__json_ws(j);
		if (j->p >= j->end || j->failed)
			return NULL;
		if (*j->p == '}' || *j->p == ']') {
			j->p++;
			return NULL;
		}
		if (*j->p == ',') {
			j->p++;
			tach__json_ws(j);
		}
		const json_t *child;
		if (obj) {
			char *key = read_key(j);
			if (!key)
				return NULL;
			child = json_object_get(cur, key);
			free(key);
			tach__json_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return NULL;
			j->p++;
		} else {
			child = json_array_get(cur, i);
		}
		const char *at = child ? find(j, child, target) : NULL;
		if (at)
			return at;
		if (!child && tach__json_skip(j))
			return NULL;
	}
}

/* In the container at j->p, the value of member `key` (the last one of
 * that key) or of element i. */
static const char *member(jlex *j, const char *key, size_t i)
{
	const char *found = NULL;
	tach__json_ws(j);
	if (j->p >= j->end || (*j->p != '{' && *j->p != '['))
		return NULL;
	j->p++;
	for (size_t k = 0;; k++) {
		tach__json_ws(j);
		if (j->p >= j->end || j->failed || *j->p == '}' || *j->p == ']')
			return found;
		if (*j->p == ',') {
			j->p++;
			tach__json_ws(j);
		}
		int match = 0;
		if (key) {
			char *k2 = read_key(j);
			if (!k2)
				return found;
			match = !strcmp(k2, key);
			free(k2);
			tach__json_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return found;
			j->p++;
			tach__json_ws(j);
		} else {
			match = k == i;
		}
		if (match) {
			found = j->p;
			if (!key)
				return found;
		}
		if (tach__json_skip(j))
			return found;
	}
}

void tach__at_resolve(const tach__at *at, unsigned *line, unsigned *column)
{
	*line = *column = 0;
	if (!at)
		return;
	if (!at->doc) {
		*line = at->line;
		*column = at->column;
		return;
	}
	const tach__jdoc *d = at->doc;
	jlex j = {.start = d->text, .p = d->text, .end = d->text + d->len};
	const char *p = find(&j, d->root, at->node);
	if (p && at->index != TACH__AT_NODE) {
		j.p = p;
		j.failed = 0;
		p = member(&j, at->key, at->index);
	}
	if (!p)
		return;
	unsigned l = 1;
	const char *ls = d->file;
	for (const char *q = d->file; q < p; q++)
		if (*q == '\n')
			l++, ls = q + 1;
	*line = l;
	*column = (unsigned)(p - ls) + 1;
}

/* ---- typed values ---- */

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* The value (NULL: absent) and its place. */
static json_t *value(const tach__jdoc *d, const json_t *node, const char *key, size_t i,
                     tach__at *at)
{
	*at = tach__at_member(d, node, key, i);
	return key ? json_object_get(node, key) : json_array_get(node, i);
}

/* The key under which `target` is a member of an object of the tree at
 * cur, or NULL (an element of an array, the root). */
static const char *key_of(const json_t *cur, const json_t *target)
{
	const char *key, *found = NULL;
	json_t *v;
	size_t i;
	if (json_is_object(cur)) {
		json_object_foreach((json_t *)cur, key, v) {
			if (v == target)
				return key;
			if ((found = key_of(v, target)))
				return found;
		}
	}
	json_array_foreach(cur, i, v)
		if ((found = key_of(v, target)))
			return found;
	return NULL;
}

/* "\"real_time\"" or "element 3 of \"times\"" into buf, for messages. */
static const char *what(const tach__jdoc *d, const json_t *node, const char *key, size_t i,
                        char *buf, size_t size)
{
	const char *parent = key ? NULL : key_of(d->root, node);
	if (key)
		snprintf(buf, size, "\"%s\"", key);
	else if (parent)
		snprintf(buf, size, "element %zu of \"%s\"", i + 1, parent);
	else
		snprintf(buf, size, "element %zu", i + 1);
	return buf;
}

static int wrong(const tach__jdoc *d, const json_t *node, const char *key, size_t i,
                 const json_t *v, const char *want, tach_error *err)
{
	tach__at at = tach__at_member(d, node, key, i);
	char buf[200];
	return tach__import_fail_at(err, TACH_EFORMAT, &at, "expected %s for %s, got %s", want,
	                            what(d, node, key, i, buf, sizeof buf), type_name(v));
}

int tach__json_num(const tach__jdoc *d, const json_t *node, const char *key, size_t i,
                   double *out, tach_error *err)
{
	tach__at at;
	json_t *v = value(d, node, key, i, &at);
	if (!v)
		return 0;
	if (!json_is_number(v))
		return wrong(d, node, key, i, v, "a number", err);
	*out = json_number_value(v);
	return 1;
}

int tach__json_count(const tach__jdoc *d, const json_t *node, const char *key, size_t i,
                     uint64_t *out, tach_error *err)
{
	tach__at at;
	json_t *v = value(d, node, key, i, &at);
	if (!v)
		return 0;
	/* some writers (Python) write a whole count as 100.0 */
	double x = json_is_real(v) ? json_real_value(v) : 0;
	if (json_is_integer(v) ? json_integer_value(v) < 0
	                       : !json_is_real(v) || x < 0 || x >= 0x1p64 || x != floor(x))
		return wrong(d, node, key, i, v,
		             json_is_number(v) ? "a non-negative whole number" : "a count", err);
	*out = json_is_integer(v) ? (uint64_t)json_integer_value(v) : (uint64_t)x;
	return 1;
}

int tach__json_str(const tach__jdoc *d, const json_t *node, const char *key, size_t i,
                   const char **out, tach_error *err)
{
	tach__at at;
	json_t *v = value(d, node, key, i, &at);
	if (!v)
		return 0;
	if (!json_is_string(v))
		return wrong(d, node, key, i, v, "a string", err);
	*out = json_string_value(v);
	return 1;
}

int tach__json_container(const tach__jdoc *d, const json_t *node, const char *key, size_t i,
                         int want_array, json_t **out, tach_error *err)
{
	tach__at at;
	json_t *v = value(d, node, key, i, &at);
	if (!v)
		return 0;
	if (want_array ? !json_is_array(v) : !json_is_object(v))
		return wrong(d, node, key, i, v, want_array ? "an array" : "an object", err);
	*out = v;
	return 1;
}

int tach__json_need_array(const tach__jdoc *d, const json_t *node, const char *key,
                          const char *title, json_t **out, tach_error *err)
{
	*out = NULL;
	int rc = tach__json_container(d, node, key, 0, 1, out, err);
	if (rc)
		return rc < 0 ? rc : 0;
	tach__at at = tach__at_node(d, node);
	return tach__import_fail_at(err, TACH_EFORMAT, &at, "%s%s%sno \"%s\" array",
	                            title ? "not " : "", title ? title : "", title ? ": " : "", key);
}
