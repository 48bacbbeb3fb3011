/* pg_rows.c - a run's benchmarks and metrics sent to PostgreSQL as
 * columns: one statement per chunk of benchmarks, each column one array
 * parameter in binary, unnested by the server into both tables.
 *
 * Why: with a statement per row a run of 200 benchmarks x 3 metrics was
 * 800 statements, and with many CI runners writing at once the server
 * spent its time parsing, planning and executing each of them (measured
 * by bench/bench_pg_team).  One statement per chunk inserts the same rows
 * with a per-statement cost paid once.  The rows, their order (a
 * benchmark's metrics keep the order of their ids) and the transaction
 * around them are those of the statement per row.
 */
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "tach/stats.h"
#include "store/internal.h"
#include "store/pg_wire.h"

/* A chunk ends after this many benchmarks, or once its sample blobs pass
 * CHUNK_BYTES, so that one statement stays far below the 1 GB a
 * parameter may hold and the client's buffer stays bounded. */
#define CHUNK_BENCHES 1000
#define CHUNK_BYTES (64u << 20)

/* Element types of the arrays (pg_type oids). */
enum { OID_BYTEA = 17, OID_INT4 = 23, OID_TEXT = 25, OID_FLOAT8 = 701 };

/* A one-dimensional array in PostgreSQL's binary format: a header (filled
 * in by arr_finish), then per element its length and bytes (-1: NULL). */
typedef struct arr {
	unsigned char *buf;
	size_t len, cap;
	uint32_t oid, n;
	int nulls;
} arr;

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (24 - 8 * i));
}

static int arr_bytes(arr *a, const void *v, size_t len)
{
	if (len > INT32_MAX)
		return TACH_ERANGE;
	if (!a->len)
		a->len = 20; /* room for the header */
	if (tach__grow((void **)&a->buf, &a->cap, a->len + 4 + len, 1))
		return TACH_ENOMEM;
	put32(a->buf + a->len, v ? (uint32_t)len : UINT32_MAX);
	if (v && len)
		memcpy(a->buf + a->len + 4, v, len);
	a->len += 4 + (v ? len : 0);
	a->nulls |= !v;
	a->n++;
	return 0;
}

static int arr_text(arr *a, const char *t)
{
	return arr_bytes(a, t, t ? strlen(t) : 0);
}

static int arr_int(arr *a, int64_t v)
{
	unsigned char b[4];
	put32(b, (uint32_t)v);
	return arr_bytes(a, b, 4);
}

static int arr_double(arr *a, const double *d)
{
	if (!d)
		return arr_bytes(a, NULL, 0);
	uint64_t u;
	unsigned char b[8];
	memcpy(&u, d, sizeof u);
	put32(b, (uint32_t)(u >> 32));
	put32(b + 4, (uint32_t)u);
	return arr_bytes(a, b, 8);
}

/* Writes the header; the array is then a parameter of buf, len bytes. */
static int arr_finish(arr *a)
{
	if (!a->n) {
		/* an empty array: no dimensions */
		if (tach__grow((void **)&a->buf, &a->cap, 12, 1))
			return TACH_ENOMEM;
		a->len = 12;
	}
	if (a->len > INT32_MAX)
		return TACH_ERANGE;
	put32(a->buf, a->n ? 1 : 0);
	put32(a->buf + 4, (uint32_t)a->nulls);
	put32(a->buf + 8, a->oid);
	if (a->n) {
		put32(a->buf + 12, a->n);
		put32(a->buf + 16, 1);
	}
	return 0;
}

/* The columns of one chunk (ST_ROWS's parameters $2... in this order). */
enum { B_ORD, B_NAME, B_KEY, B_PARAMS, B_EXTRA, M_ORD, M_NAME, M_UNIT, M_DIR, M_FLAGS, M_N,
       M_MEDIAN, M_SAMPLES, M_ITERS, M_SERIES,
       /* not ST_ROWS's: each metric's benchmark name, key and params, for
        * ST_SERIES and ST_POINTS */
       MB_NAME, MB_KEY, MB_PARAMS, N_COLS };

static const uint32_t col_oid[N_COLS] = {
	OID_INT4, OID_TEXT, OID_TEXT, OID_TEXT, OID_TEXT, OID_INT4, OID_TEXT, OID_TEXT,
	OID_INT4, OID_INT4, OID_INT4, OID_FLOAT8, OID_BYTEA, OID_BYTEA, OID_BYTEA,
	OID_TEXT, OID_TEXT, OID_TEXT,
};

static int add_metric(arr *c, int ord, const tach_metric *m, const char *bname,
                      const char *key, const char *params, size_t *bytes)
{
	size_t slen = 0, ilen = 0, serlen = 0;
	int oom;
	unsigned char *samples = tach__pack_doubles(m->samples, m->n_samples, &slen);
	unsigned char *iters = m->iterations ? tach__pack_u64(m->iterations, m->n_samples, &ilen)
	                                     : NULL;
	unsigned char *series = tach__pack_series(m, &serlen, &oom);
	double median = 0;
	int rc = 0;
	if (!samples || (m->iterations && !iters) || oom ||
	    (m->n_samples && tach_stats_median(m->samples, m->n_samples, &median)))
		rc = TACH_ENOMEM;
	if (!rc)
		rc = arr_int(&c[M_ORD], ord);
	if (!rc)
		rc = arr_text(&c[MB_NAME], bname);
	if (!rc)
		rc = arr_text(&c[MB_KEY], key);
	if (!rc)
		rc = arr_text(&c[MB_PARAMS], params);
	if (!rc)
		rc = arr_text(&c[M_NAME], m->name);
	if (!rc)
		rc = arr_text(&c[M_UNIT], m->unit);
	if (!rc)
		rc = arr_int(&c[M_DIR], (int64_t)m->direction);
	if (!rc)
		rc = arr_int(&c[M_FLAGS], (int64_t)m->flags);
	if (!rc)
		rc = arr_int(&c[M_N], (int64_t)m->n_samples);
	if (!rc) /* NULL: a metric without samples in this run */
		rc = arr_double(&c[M_MEDIAN], m->n_samples ? &median : NULL);
	if (!rc)
		rc = arr_bytes(&c[M_SAMPLES], samples, slen);
	if (!rc)
		rc = arr_bytes(&c[M_ITERS], iters, ilen);
	if (!rc)
		rc = arr_bytes(&c[M_SERIES], series, serlen);
	*bytes += slen + ilen + serlen;
	free(samples);
	free(iters);
	free(series);
	return rc;
}

static int add_bench(arr *c, int ord, const tach_benchmark *b, size_t *bytes)
{
	char *key = tach__params_key(&b->params), *params = tach__params_json(&b->params);
	char *extra = tach__bench_json(b);
	int rc = key && params && extra ? 0 : TACH_ENOMEM;
	if (!rc)
		rc = arr_int(&c[B_ORD], ord);
	if (!rc)
		rc = arr_text(&c[B_NAME], b->name);
	if (!rc)
		rc = arr_text(&c[B_KEY], key);
	if (!rc)
		rc = arr_text(&c[B_PARAMS], params);
	if (!rc)
		rc = arr_text(&c[B_EXTRA], extra);
	*bytes += strlen(b->name) + (key ? strlen(key) : 0) + (params ? strlen(params) : 0) +
	          (extra ? strlen(extra) : 0);
	for (size_t i = 0; !rc && i < b->n_metrics; i++)
		rc = add_metric(c, ord, b->metrics[i], b->name, key, params, bytes);
	free(key);
	free(params);
	free(extra);
	return rc;
}

/* Queues statement `which` with parameters the run id and then the
 * finished columns cols[] (ended by -1) of a chunk. */
static int queue_cols(tach_store *s, int which, int64_t run_id, const arr *c, const int *cols,
                      tach_error *err)
{
	args a = {0};
	tach__pg_arg_int(&a, run_id);
	for (int k = 0; cols[k] >= 0; k++)
		tach__pg_arg_blob(&a, c[cols[k]].buf, c[cols[k]].len);
	return tach__pg_queue(s, which, &a, err);
}

/* Queues (pipelined) the statements adding benchmarks [*from, end of the
 * chunk) of r to run `run_id`; *from moves past them. */
static int queue_chunk(tach_store *s, int64_t run_id, const tach_result *r, size_t *from,
                       tach_error *err)
{
	arr c[N_COLS];
	memset(c, 0, sizeof c);
	for (int i = 0; i < N_COLS; i++)
		c[i].oid = col_oid[i];
	size_t bytes = 0, i = *from;
	int rc = 0;
	while (!rc && i < r->n_benchmarks && i - *from < CHUNK_BENCHES && bytes < CHUNK_BYTES) {
		rc = add_bench(c, (int)i, r->benchmarks[i], &bytes);
		i++;
	}
	for (int k = 0; !rc && k < N_COLS; k++)
		rc = arr_finish(&c[k]);
	if (rc == TACH_ERANGE)
		/* past what one protocol message can carry */
		snprintf(err->message, sizeof err->message,
		         "%s: benchmark '%s' has too many samples", s->location,
		         r->benchmarks[i - 1]->name);
	/* the rows, then the chunk's series and points (schema 5) */
	static const int rows_cols[] = {B_ORD, B_NAME, B_KEY, B_PARAMS, B_EXTRA, M_ORD, M_NAME,
	                                M_UNIT, M_DIR, M_FLAGS, M_N, M_MEDIAN, M_SAMPLES, M_ITERS,
	                                M_SERIES, -1};
	static const int series_cols[] = {M_ORD, MB_NAME, MB_KEY, MB_PARAMS, M_NAME, M_UNIT, M_DIR,
	                                  -1};
	static const int points_cols[] = {M_ORD, MB_NAME, MB_KEY, M_NAME, M_N, M_MEDIAN, -1};
	if (!rc)
		rc = queue_cols(s, ST_ROWS, run_id, c, rows_cols, err);
	if (!rc)
		rc = queue_cols(s, ST_SERIES, run_id, c, series_cols, err);
	if (!rc)
		rc = queue_cols(s, ST_POINTS, run_id, c, points_cols, err);
	for (int k = 0; k < N_COLS; k++)
		free(c[k].buf);
	*from = i;
	return rc;
}

int tach__pg_queue_rows(tach_store *s, int64_t run_id, const tach_result *r, tach_error *err)
{
	int rc = 0;
	for (size_t from = 0; !rc && from < r->n_benchmarks;)
		rc = queue_chunk(s, run_id, r, &from, err);
	return rc;
}
