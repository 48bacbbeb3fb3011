/* emit.c - escaping for JSON, CSV, Markdown, AsciiDoc, Org, XML/HTML and terminal
 * output.
 *
 * One function per target format; reporters never write a name without
 * going through one of these, and the CLI writes every string that came
 * from a file, a store or another program through tach_text_write.
 * Text is read as UTF-8; a byte that is not valid UTF-8 and a code point
 * that acts instead of showing (acts()) are made visible or replaced.
 */
#include <math.h>
#include <string.h>

#include "tach/result.h"
#include "tach/units.h"
#include "report/emit.h"
#include "util/util.h"

void tach__emit_json_string(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	putc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20 || c == '<' || c == '>' || c == '&')
				fprintf(f, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
			else
				putc(c, f);
		}
	}
	putc('"', f);
}

void tach__emit_json_number(FILE *f, double d)
{
	char buf[TACH_DOUBLE_BUFSIZE];
	if (!isfinite(d)) {
		fputs("null", f);
		return;
	}
	tach_format_double(d, buf);
	fputs(buf, f);
}

/* A cell a spreadsheet would evaluate: text starting with = + - @, a tab
 * or a carriage return (CSV injection) -- but not a number such as -1.5,
 * which a spreadsheet reads as the number it is. */
static int formula_like(const char *s)
{
	if (!*s || !strchr("=+-@\t\r", *s))
		return 0;
	char *end;
	tach__strtod(s, &end); /* the C locale's numbers, as tach writes them */
	return end == s || *end;
}

void tach__emit_csv_field(FILE *f, const char *s)
{
	int formula = formula_like(s);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	/* a name from a stranger's file opened in a spreadsheet must not run:
	 * the apostrophe makes the cell text, as OWASP advises */
	if (formula)
		putc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

/* ---- code points ---- */

/* One piece of the input: a code point of valid UTF-8, or one byte that
 * is not (bad = 1, cp = the byte).  len is the bytes it takes. */
typedef struct piece {
	unsigned cp;
	size_t len;
	int bad;
} piece;

static piece next_piece(const unsigned char *s)
{
	piece p = {s[0], 1, 0};
	unsigned c = s[0], min;
	size_t n;
	if (c < 0x80)
		return p;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80, p.cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800, p.cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000, p.cp = c & 0x07;
	else
		return (piece){c, 1, 1};
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
			return (piece){c, 1, 1};
		p.cp = p.cp << 6 | (s[i] & 0x3f);
	}
	if (p.cp < min || p.cp > 0x10ffff || (p.cp >= 0xd800 && p.cp <= 0xdfff))
		return (piece){c, 1, 1};
	p.len = n;
	return p;
}

/* Code points that act instead of showing: C0 and C1 controls and DEL
 * (cursor movement, colours, CSI as U+009B), the line and paragraph
 * separators, and the bidirectional marks, embeddings, overrides and
 * isolates that reorder the text after them (U+202E shows "exe.txt" as
 * "txt.exe"). */
static int acts(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* ---- XML, HTML, Markdown ---- */

void tach__emit_xml(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		piece p = next_piece(u);
		switch (p.bad ? 0 : p.cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		/* as references, so a name keeps its line breaks in an
		 * attribute (which parsers turn into spaces) and the output its
		 * lines */
		case '\t': fputs("&#9;", f); break;
		case '\n': fputs("&#10;", f); break;
		case '\r': fputs("&#13;", f); break;
		default:
			if (p.bad || acts(p.cp)) /* XML forbids most; none may act */
				fputs("\xef\xbf\xbd", f);
			else
				fwrite(u, 1, p.len, f);
		}
		u += p.len;
	}
}

void tach__emit_md_cell(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		piece p = next_piece(u);
		unsigned c = p.bad ? 0x80 : p.cp;
		switch (c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '|': case '\\': case '`': case '*': case '_':
		case '[': case ']': case '#': case '~':
			putc('\\', f);
			putc((int)c, f);
			break;
		case '\n': case '\r': case '\t':
			putc(' ', f);
			break;
		default:
			if (c < 0x20 || c == 0x7f) /* the control's picture: U+241B for ESC */
				fprintf(f, "&#%u;", 0x2400u + (c == 0x7f ? 0x21u : c));
			else if (p.bad || acts(c))
				fputs("\xef\xbf\xbd", f);
			else
				fwrite(u, 1, p.len, f);
		}
		u += p.len;
	}
}

/* ---- AsciiDoc, Org ---- */

/* The text of a table cell of a markup without a general escape: a
 * newline, CR or tab becomes a space (a cell is one line), another C0
 * control or DEL its picture (U+241B for ESC), a byte that is not UTF-8
 * and a code point that acts U+FFFD; each ASCII character goes to
 * `special`, which writes it and returns 1, or returns 0 to have it
 * written as it is.  `prev` is the character before it (0 at the start). */
static void markup_cell(FILE *f, const char *s, size_t n,
                        int (*special)(FILE *f, unsigned c, unsigned prev))
{
	const unsigned char *u = (const unsigned char *)s, *end = u + n;
	unsigned prev = 0;
	while (u < end) {
		piece p = next_piece(u);
		unsigned c = p.bad ? 0x80 : p.cp;
		if (c == '\n' || c == '\r' || c == '\t')
			putc(' ', f);
		else if (c < 0x20 || c == 0x7f) {
			unsigned pic = 0x2400u + (c == 0x7f ? 0x21u : c); /* 3 bytes of UTF-8 */
			putc((int)(0xe0 | pic >> 12), f);
			putc((int)(0x80 | (pic >> 6 & 0x3f)), f);
			putc((int)(0x80 | (pic & 0x3f)), f);
		} else if (p.bad || acts(c))
			fputs("\xef\xbf\xbd", f);
		else if (c >= 0x80 || !special(f, c, prev))
			fwrite(u, 1, p.len, f);
		prev = c;
		u += p.len;
	}
}

/* Inside AsciiDoc's pass:c[...]: '|' would end the cell (the table
 * parser, which runs first, takes "\|" as a bar) and ']' the macro. */
static int adoc_special(FILE *f, unsigned c, unsigned prev)
{
	(void)prev;
	if (c != '|' && c != ']')
		return 0;
	putc('\\', f);
	putc((int)c, f);
	return 1;
}

void tach__emit_adoc_cell(FILE *f, const char *s)
{
	/* a backslash just before the closing ']' would escape it: trailing
	 * ones go after the macro as the attribute {backslash} */
	size_t n = strlen(s), body = n;
	while (body && s[body - 1] == '\\')
		body--;
	fputs("pass:c[", f);
	markup_cell(f, s, body, adoc_special);
	putc(']', f);
	for (size_t i = body; i < n; i++)
		fputs("{backslash}", f);
}

/* Org has no escape character; a zero-width space (its manual's advice)
 * around each emphasis, link, macro, snippet, LaTeX and sub/superscript
 * mark keeps it from pairing, and between two '-' or '.' keeps "--" and
 * "..." from becoming dashes and an ellipsis on export.  '|' and '\' are
 * the entities \vert{} and \backslash{}. */
#define ZWSP "\xe2\x80\x8b"
static int org_special(FILE *f, unsigned c, unsigned prev)
{
	switch (c) {
	case '|': fputs("\\vert{}", f); return 1;
	case '\\': fputs("\\backslash{}", f); return 1;
	case '*': case '/': case '_': case '=': case '~': case '+': case '^': case '$':
	case '@': case '[': case ']': case '{': case '}': case '<': case '>':
		fprintf(f, ZWSP "%c" ZWSP, (int)c);
		return 1;
	case '-': case '.':
		if (prev == c)
			fputs(ZWSP, f);
		return 0;
	}
	return 0;
}

void tach__emit_org_cell(FILE *f, const char *s)
{
	markup_cell(f, s, strlen(s), org_special);
}

/* ---- terminal text ---- */

/* The escape for p into out (at least 8 bytes) and its length, or 0 when
 * p is shown as it is. */
static size_t text_escape(piece p, char *out)
{
	if (p.bad || p.cp < 0x20 || p.cp == 0x7f)
		return (size_t)snprintf(out, 8, "\\x%02x", p.cp);
	if (acts(p.cp))
		return (size_t)snprintf(out, 8, "\\u%04x", p.cp);
	return 0;
}

size_t tach_text_escape(char *buf, size_t size, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t used = 0, kept = 0; /* bytes needed; bytes written to buf */
	while (*u) {
		piece p = next_piece(u);
		char esc[8];
		size_t n = text_escape(p, esc);
		const char *from = n ? esc : (const char *)u;
		if (!n)
			n = p.len;
		/* whole escapes and whole characters only, and room for the NUL */
		if (kept == used && used + n < size) {
			memcpy(buf + used, from, n);
			kept += n;
		}
		used += n;
		u += p.len;
	}
	if (size)
		buf[kept] = '\0';
	return used;
}

void tach_text_write(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		piece p = next_piece(u);
		char esc[8];
		size_t n = text_escape(p, esc);
		if (n)
			fwrite(esc, 1, n, f);
		else
			fwrite(u, 1, p.len, f);
		u += p.len;
	}
}

size_t tach__text_width(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t w = 0;
	while (*u) {
		piece p = next_piece(u);
		char esc[8];
		size_t n = text_escape(p, esc);
		w += n ? n : 1;
		u += p.len;
	}
	return w;
}

/* 1 if name shows value as a path part ("/64", "/64/...") or as
 * "key:value" / "key=value". */
static int shown(const char *name, const char *key, const char *value)
{
	size_t vl = strlen(value);
	for (const char *p = strstr(name, value); p; p = strstr(p + 1, value)) {
		char after = p[vl];
		if (after && after != '/' && after != ' ')
			continue;
		if (p > name && p[-1] == '/')
			return 1;
		size_t kl = strlen(key);
		if ((size_t)(p - name) > kl && (p[-1] == ':' || p[-1] == '=') &&
		    !strncmp(p - 1 - kl, key, kl))
			return 1;
	}
	return 0;
}

void tach__display_name(char *buf, size_t size, const char *name, const tach_kvlist *params)
{
	size_t used = (size_t)snprintf(buf, size, "%s", name);
	int open = 0;
	for (size_t i = 0; params && i < params->n && used < size; i++) {
		const tach_kv *kv = &params->items[i];
		if (shown(name, kv->key, kv->value))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", open ? ", " : " (",
		                         kv->key, kv->value);
		open = 1;
	}
	if (open && used < size)
		snprintf(buf + used, size - used, ")");
}
