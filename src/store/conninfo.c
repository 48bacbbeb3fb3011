/* conninfo.c - PostgreSQL connection strings, as libpq reads them: telling
 * one from a file path, printing one with its password hidden, and the
 * timeouts tach adds when the string sets none.
 *
 * The masking follows libpq's own two grammars (a URL, and keyword=value
 * pairs with optional spaces, quotes and backslash escapes) rather than
 * searching for "password=", so that every spelling libpq accepts is
 * hidden: a password libpq would use is a password tach must not print.
 */
#include <ctype.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "store/conninfo.h"

static int is_uri(const char *s)
{
	return !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11);
}

/* Is `key` (len bytes) a keyword libpq knows?  Its list, not ours, so
 * that a newer libpq's keywords count too: an empty string parses into
 * every keyword with no value (PQconndefaults would also read the
 * environment and the service file, and fail with them). */
static int libpq_keyword(const char *key, size_t len)
{
	PQconninfoOption *opts = PQconninfoParse("", NULL);
	int found = 0;
	for (PQconninfoOption *o = opts; o && o->keyword && !found; o++)
		found = strlen(o->keyword) == len && !strncmp(o->keyword, key, len);
	PQconninfoFree(opts);
	return found;
}

int tach__is_conninfo(const char *loc)
{
	if (is_uri(loc))
		return 1;
	/* keyword=value: the first word is one of libpq's keywords */
	const char *p = loc;
	while (isspace((unsigned char)*p))
		p++;
	const char *key = p;
	while (*p && *p != '=' && !isspace((unsigned char)*p))
		p++;
	size_t len = (size_t)(p - key);
	while (isspace((unsigned char)*p))
		p++;
	return *p == '=' && len && libpq_keyword(key, len);
}

/* Appends n bytes. */
static void put(char **o, const char *s, size_t n)
{
	memcpy(*o, s, n);
	*o += n;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* Is the percent-encoded URL text [s, end) "password"? */
static int uri_key_is_password(const char *s, const char *end)
{
	char key[16];
	size_t n = 0;
	while (s < end && n < sizeof key - 1) {
		if (*s == '%' && end - s >= 3 && hexval((unsigned char)s[1]) >= 0 &&
		    hexval((unsigned char)s[2]) >= 0) {
			key[n++] = (char)(hexval((unsigned char)s[1]) * 16 + hexval((unsigned char)s[2]));
			s += 3;
		} else {
			key[n++] = *s++;
		}
	}
	key[n] = 0;
	return s == end && !strcmp(key, "password");
}

/* postgresql://[user[:password]@][hosts][/dbname][?key=value&...]: the
 * password of the user part and of a password parameter become "***". */
static void mask_uri(const char *s, char *o)
{
	const char *p = strstr(s, "://") + 3;
	put(&o, s, (size_t)(p - s));
	/* libpq's user part: up to the first '@' before any '/' */
	const char *at = p;
	while (*at && *at != '@' && *at != '/')
		at++;
	if (*at == '@') {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		if (colon) {
			put(&o, p, (size_t)(colon + 1 - p));
			put(&o, "***", 3);
			p = at;
		}
	}
	const char *q = strchr(p, '?');
	if (!q) {
		strcpy(o, p);
		return;
	}
	put(&o, p, (size_t)(q + 1 - p));
	for (p = q + 1; *p;) {
		const char *end = p + strcspn(p, "&"), *eq = memchr(p, '=', (size_t)(end - p));
		if (eq && uri_key_is_password(p, eq)) {
			put(&o, p, (size_t)(eq + 1 - p));
			put(&o, "***", 3);
		} else {
			put(&o, p, (size_t)(end - p));
		}
		p = end;
		if (*p)
			*o++ = *p++;
	}
	*o = 0;
}

/* key = value pairs as libpq's conninfo_parse reads them: spaces around
 * '=', a value quoted with '...' or bare, '\' escaping the next byte in
 * either.  The value of every password key becomes "***"; the rest is
 * copied as it was. */
static void mask_pairs(const char *s, char *o)
{
	const char *p = s;
	while (*p) {
		const char *start = p;
		while (isspace((unsigned char)*p))
			p++;
		const char *key = p;
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		int secret = (size_t)(p - key) == 8 && !strncmp(key, "password", 8);
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '=')
			p++;
		while (isspace((unsigned char)*p))
			p++;
		put(&o, start, (size_t)(p - start));
		const char *value = p;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
		} else {
			while (*p && !isspace((unsigned char)*p))
				p += *p == '\\' && p[1] ? 2 : 1;
		}
		if (secret)
			put(&o, "***", 3);
		else
			put(&o, value, (size_t)(p - value));
		if (p == start) /* cannot happen: every turn moves on */
			break;
	}
	*o = 0;
}

char *tach__conninfo_masked(const char *loc)
{
	/* "***" is never longer than what it replaces plus 3 bytes, once per
	 * key=value pair at most */
	char *m = malloc(2 * strlen(loc) + 8);
	if (!m)
		return NULL;
	if (is_uri(loc))
		mask_uri(loc, m);
	else if (tach__is_conninfo(loc))
		mask_pairs(loc, m);
	else
		strcpy(m, loc);
	return m;
}

int tach__conninfo_params(const char *conninfo, const char **keys, const char **vals)
{
	size_t n = 0;
	/* dbname expands the whole string; the keys after it override what
	 * it says (tach reads and writes UTF-8, whatever the string asks) */
	keys[n] = "dbname", vals[n++] = conninfo;
	keys[n] = "fallback_application_name", vals[n++] = "tach";
	keys[n] = "client_encoding", vals[n++] = "UTF8";
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	int timeout_set = getenv("PGCONNECT_TIMEOUT") && *getenv("PGCONNECT_TIMEOUT");
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, "connect_timeout") && o->val && *o->val)
			timeout_set = 1;
	PQconninfoFree(opts);
	if (!timeout_set)
		keys[n] = "connect_timeout", vals[n++] = TACH__PG_CONNECT_TIMEOUT;
	keys[n] = NULL, vals[n] = NULL;
	return (int)n;
}
