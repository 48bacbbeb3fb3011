/* xml.h - the small XML reader Catch2's XML reporter needs (xml.c):
 * elements with quoted attributes, comments, the declaration and text,
 * with line and column kept for placed errors.  Internal to src/import. */
#ifndef TACH_IMPORT_XML_H
#define TACH_IMPORT_XML_H

#include <stddef.h>

#include "tach/error.h"
#include "util/util.h"

/* A reader over data: where it is, and its line for placed errors. */
typedef struct xml_state {
	const char *data;
	size_t len, pos;
	unsigned line; /* of pos */
	const char *line_start;
	tach_error *err;
} xml_state;

/* One tag <name attr="v" ...> at x->pos (on '<'); sets its name, whether
 * it closes (</x>) or is empty (<x/>), and where its attributes are. */
typedef struct xml_tag {
	const char *name, *attrs;
	size_t name_len, attrs_len;
	int closing, empty;
} xml_tag;

/* Moves x->pos to `to`, counting lines; the column of `at` on x's line. */
TACH_HIDDEN void tach__xml_advance(xml_state *x, size_t to);
TACH_HIDDEN unsigned tach__xml_column(const xml_state *x, const char *at);
/* Decodes an attribute value's entities into a new string (NULL: out of
 * memory). */
TACH_HIDDEN char *tach__xml_unescape(const char *p, size_t len);
/* The next tag at or after x->pos: 1 with *t, 0 at the end, or an error
 * (an unterminated tag) in x->err. */
TACH_HIDDEN int tach__xml_next_tag(xml_state *x, xml_tag *t);
/* Attribute `key`: its raw place (1, or 0 when absent), or its unescaped
 * value as a new string (NULL with *missing set when absent). */
TACH_HIDDEN int tach__xml_attr_raw(const xml_tag *t, const char *key, const char **val,
                                   size_t *vlen);
TACH_HIDDEN char *tach__xml_attr(const xml_tag *t, const char *key, int *missing);
/* Whether t's name is `name`. */
TACH_HIDDEN int tach__xml_tag_is(const xml_tag *t, const char *name);

#endif
