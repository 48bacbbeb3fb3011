/* json_reader.c - the primitives of the pull reader of results files
 * (json_reader.h): an object's or array's next member, scalars of the
 * type a rule wants, key lists and duplicate keys, each error naming the
 * file, line and column and what was expected. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "result/json_reader.h"

char tach__jr_peek(const reader *r)
{
	return r->j.p < r->j.end ? *r->j.p : '\0';
}

int tach__jr_type_error(reader *r, const char *want, const char *what)
{
	return FAIL(r, r->j.p, "expected %s for %s, got %s", want, what,
	            tach__json_what(&r->j));
}

int tach__jr_obj_open(reader *r, const char *what)
{
	tach__json_ws(&r->j);
	if (r->j.p >= r->j.end || *r->j.p != '{')
		return tach__jr_type_error(r, "an object", what);
	r->j.p++;
	return 0;
}

int tach__jr_obj_next(reader *r, int *first)
{
	jlex *j = &r->j;
	tach__json_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	if (!*first) {
		if (j->p >= j->end || *j->p != ',')
			return tach__json_fail(j, j->p, TACH_EPARSE, "expected ',' or '}'");
		j->p++;
		tach__json_ws(j);
	}
	*first = 0;
	r->key_at = j->p;
	const char *s = j->p;
	size_t len;
	if (j->p >= j->end || *j->p != '"')
		return tach__json_fail(j, j->p, TACH_EPARSE,
		                       j->p >= j->end ? "unexpected end of file, expected a key"
		                                      : "expected a string key");
	if (tach__json_string(j, NULL, &len))
		return j->failed;
	if ((size_t)(j->p - s) < sizeof r->key) {
		j->p = s;
		tach__json_string(j, r->key, &len);
	} else {
		r->key[0] = '\0'; /* too long to be a key we know */
	}
	tach__json_ws(j);
	if (j->p >= j->end || *j->p != ':')
		return tach__json_fail(j, j->p, TACH_EPARSE, "expected ':'");
	j->p++;
	tach__json_ws(j);
	return 1;
}

int tach__jr_arr_open(reader *r, const char *what)
{
	tach__json_ws(&r->j);
	if (r->j.p >= r->j.end || *r->j.p != '[')
		return tach__jr_type_error(r, "an array", what);
	r->j.p++;
	return 0;
}

int tach__jr_arr_next(reader *r, int *first)
{
	jlex *j = &r->j;
	tach__json_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	if (!*first) {
		if (j->p >= j->end || *j->p != ',')
			return tach__json_fail(j, j->p, TACH_EPARSE, "expected ',' or ']'");
		j->p++;
		tach__json_ws(j);
	}
	*first = 0;
	return 1;
}

int tach__jr_get_string(reader *r, char **out, const char *what)
{
	jlex *j = &r->j;
	if (tach__jr_peek(r) != '"')
		return tach__jr_type_error(r, "a string", what);
	const char *s = j->p;
	size_t len;
	if (tach__json_string(j, NULL, &len))
		return j->failed;
	char *buf = malloc((size_t)(j->p - s) + 1);
	if (!buf)
		return tach__json_fail(j, s, TACH_ENOMEM, "out of memory");
	j->p = s;
	tach__json_string(j, buf, &len);
	free(*out);
	*out = buf;
	return 0;
}

int tach__jr_get_number(reader *r, double *out, const char *what)
{
	char c = tach__jr_peek(r);
	if (!(c == '-' || (c >= '0' && c <= '9') || c == 'N' || c == 'I' || c == 'n'))
		return tach__jr_type_error(r, "a number", what);
	return tach__json_number(&r->j, out, NULL);
}

int tach__jr_get_uint(reader *r, unsigned long long max, unsigned long long *out,
                    const char *what)
{
	const char *at = r->j.p;
	char c = tach__jr_peek(r);
	if (!(c == '-' || (c >= '0' && c <= '9')))
		return tach__jr_type_error(r, "an integer", what);
	double v;
	int is_int;
	if (tach__json_number(&r->j, &v, &is_int))
		return r->j.failed;
	if (!is_int || c == '-')
		return FAIL(r, at, "expected a non-negative integer for %s", what);
	errno = 0;
	unsigned long long u = strtoull(at, NULL, 10);
	if (errno || u > max)
		return FAIL(r, at, "%s is too large", what);
	*out = u;
	return 0;
}

int tach__jr_get_bool(reader *r, int *out, const char *what)
{
	jlex *j = &r->j;
	if (tach__jr_peek(r) == 't' || tach__jr_peek(r) == 'f') {
		*out = tach__jr_peek(r) == 't';
		j->p += *out ? 4 : 5;
		return 0;
	}
	return tach__jr_type_error(r, "true or false", what);
}

int tach__jr_get_kv(reader *r, tach_kvlist *l, const char *key, const char *what)
{
	if (tach_kvlist_get(l, key))
		return FAIL(r, r->key_at, "%s: duplicate key \"%s\"", what, key);
	char *val = NULL;
	const char *at = r->j.p;
	char c = tach__jr_peek(r);
	if (c == '-' || (c >= '0' && c <= '9')) {
		double v;
		if (tach__json_number(&r->j, &v, NULL))
			return r->j.failed;
		val = strndup(at, (size_t)(r->j.p - at));
	} else if (tach__jr_get_string(r, &val, what)) {
		return r->j.failed;
	}
	int rc = val ? tach_kvlist_set(l, key, val) : TACH_ENOMEM;
	free(val);
	if (rc)
		return tach__json_fail(&r->j, at, rc, "out of memory");
	return 0;
}

int tach__jr_get_kvlist(reader *r, tach_kvlist *l, const char *what)
{
	int first = 1, more;
	if (tach__jr_obj_open(r, what))
		return r->j.failed;
	while ((more = tach__jr_obj_next(r, &first)) == 1) {
		/* names, labels and parameters are anyone's text: a key too long
		 * for r->key (what the writer writes, as long as it likes) is
		 * read again whole */
		char *key = NULL;
		if (!r->key[0]) {
			const char *after = r->j.p;
			r->j.p = r->key_at;
			int rc = tach__jr_get_string(r, &key, what);
			r->j.p = after;
			if (rc)
				return rc;
			if (!key[0]) {
				free(key);
				return FAIL(r, r->key_at, "%s: empty key", what);
			}
		}
		int rc = tach__jr_get_kv(r, l, key ? key : r->key, what);
		free(key);
		if (rc)
			return rc;
	}
	return more < 0 ? r->j.failed : 0;
}

int tach__jr_dup_key(reader *r, unsigned *seen, const char *const *keys)
{
	for (unsigned i = 0; keys[i]; i++) {
		if (strcmp(r->key, keys[i]))
			continue;
		if (*seen & (1u << i))
			return FAIL(r, r->key_at, "duplicate key \"%s\"", r->key);
		*seen |= 1u << i;
		return 0;
	}
	return 0;
}

int tach__jr_skip(reader *r)
{
	return tach__json_skip(&r->j);
}

