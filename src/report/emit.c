/* emit.c - escaping for JSON, CSV, Markdown and terminal output.
 *
 * One function per target format; reporters never write a name without
 * going through one of these.
 */
#include <math.h>
#include <string.h>

#include "tach/result.h"
#include "tach/units.h"
#include "report/emit.h"

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

void tach__emit_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

void tach__emit_xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				fputs("\xef\xbf\xbd", f);
			else
				putc(c, f);
		}
	}
}

void tach__emit_md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '|': case '\\': case '`': case '*': case '_':
		case '[': case ']': case '#': case '~':
			putc('\\', f);
			putc(c, f);
			break;
		case '\n': case '\r': case '\t':
			putc(' ', f);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "&#%u;", 0x2400u + (c == 0x7f ? 0x21u : c));
			else
				putc(c, f);
		}
	}
}

void tach__emit_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			putc(c, f);
	}
}

size_t tach__text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			w += 4;
		else if ((c & 0xc0) != 0x80)
			w++;
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
