/* xml.c - just enough XML for what Catch2's XML reporter writes:
 * elements with double-quoted attributes, comments, the declaration, and
 * text; entities decoded in attribute values.  Lines are counted as the
 * reader moves, so that an importer's error names line and column.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "import/internal.h"
#include "import/xml.h"

void tach__xml_advance(xml_state *x, size_t to)
{
	for (; x->pos < to; x->pos++)
		if (x->data[x->pos] == '\n')
			x->line++, x->line_start = x->data + x->pos + 1;
}

unsigned tach__xml_column(const xml_state *x, const char *at)
{
	return (unsigned)(at - x->line_start) + 1;
}

/* Writes code point cp as UTF-8 at o ('?' for none, a surrogate or one
 * past U+10FFFF); never longer than the entity it replaces. */
static char *utf8(char *o, unsigned long cp)
{
	if (!cp || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
		*o++ = '?';
		return o;
	}
	return o + tach__utf8_put(o, cp);
}

/* Decodes an attribute value's entities into a new string. */
char *tach__xml_unescape(const char *p, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (p[i] != '&') {
			*o++ = p[i];
			continue;
		}
		const char *semi = memchr(p + i, ';', len - i);
		size_t n = semi ? (size_t)(semi - (p + i)) : 0;
		static const struct {
			const char *name;
			char c;
		} ents[] = {{"&lt", '<'}, {"&gt", '>'}, {"&amp", '&'}, {"&quot", '"'}, {"&apos", '\''}};
		int done = 0;
		for (size_t e = 0; semi && e < 5 && !done; e++)
			if (strlen(ents[e].name) == n && !memcmp(p + i, ents[e].name, n))
				*o++ = ents[e].c, done = 1;
		if (!done && semi && n > 2 && p[i + 1] == '#') {
			unsigned long cp = p[i + 2] == 'x' ? strtoul(p + i + 3, NULL, 16)
			                                   : strtoul(p + i + 2, NULL, 10);
			o = utf8(o, cp);
			done = 1;
		}
		if (done)
			i += n;
		else
			*o++ = '&';
	}
	*o = 0;
	return out;
}


int tach__xml_next_tag(xml_state *x, xml_tag *t)
{
	for (;;) {
		const char *lt = memchr(x->data + x->pos, '<', x->len - x->pos);
		if (!lt)
			return 0;
		tach__xml_advance(x, (size_t)(lt - x->data));
		const char *end = x->data + x->len;
		if (lt + 4 <= end && !memcmp(lt, "<!--", 4)) {
			const char *c = memmem(lt, (size_t)(end - lt), "-->", 3);
			tach__xml_advance(x, c ? (size_t)(c - x->data) + 3 : x->len);
			continue;
		}
		/* the tag ends at the first '>' outside quotes */
		const char *p = lt + 1;
		int quoted = 0;
		while (p < end && (quoted || *p != '>')) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		if (p == end)
			return tach__import_fail(x->err, TACH_EPARSE, x->line, tach__xml_column(x, lt),
			                         "unterminated tag");
		memset(t, 0, sizeof *t);
		const char *q = lt + 1;
		if (*q == '/')
			t->closing = 1, q++;
		t->name = q;
		while (q < p && !isspace((unsigned char)*q) && *q != '/')
			q++;
		t->name_len = (size_t)(q - t->name);
		t->attrs = q;
		t->empty = p[-1] == '/';
		t->attrs_len = (size_t)(p - q - t->empty);
		if (*t->name == '?' || *t->name == '!') {
			tach__xml_advance(x, (size_t)(p - x->data) + 1);
			continue;
		}
		return 1;
	}
}

/* The raw value of attribute `key`: 1 and its place, or 0 when the tag
 * has no such attribute. */
int tach__xml_attr_raw(const xml_tag *t, const char *key, const char **val, size_t *vlen)
{
	size_t klen = strlen(key);
	const char *p = t->attrs, *end = t->attrs + t->attrs_len;
	while (p < end) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		const char *k = p;
		while (p < end && *p != '=' && !isspace((unsigned char)*p))
			p++;
		size_t kl = (size_t)(p - k);
		while (p < end && (isspace((unsigned char)*p) || *p == '='))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			return 0;
		const char *close = memchr(p + 1, *p, (size_t)(end - p - 1));
		if (!close)
			return 0;
		if (kl == klen && !memcmp(k, key, klen)) {
			*val = p + 1;
			*vlen = (size_t)(close - p - 1);
			return 1;
		}
		p = close + 1;
	}
	return 0;
}

/* The unescaped value of attribute `key` (a new string); NULL with
 * *missing set when there is none, NULL alone when out of memory. */
char *tach__xml_attr(const xml_tag *t, const char *key, int *missing)
{
	const char *v;
	size_t n;
	*missing = !tach__xml_attr_raw(t, key, &v, &n);
	return *missing ? NULL : tach__xml_unescape(v, n);
}

int tach__xml_tag_is(const xml_tag *t, const char *name)
{
	return t->name_len == strlen(name) && !memcmp(t->name, name, t->name_len);
}
