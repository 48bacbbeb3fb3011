/* index.c - benchmarks found by name and parameters in constant time, so
 * that comparing two files of 10,000 benchmarks stays linear; the same
 * index finds two benchmarks a comparison could not tell apart. */
#include <stdlib.h>
#include <string.h>

#include "compare/internal.h"

/* FNV-1a over the name, then the parameters combined order-independently
 * (a sum of per-pair hashes), since {a=1, b=2} and {b=2, a=1} match. */
static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull;
}

static uint64_t hash(const tach_benchmark *b)
{
	uint64_t h = fnv(0xcbf29ce484222325ull, b->name), p = 0;
	for (size_t i = 0; i < b->params.n; i++)
		p += fnv(fnv(0xcbf29ce484222325ull, b->params.items[i].key), b->params.items[i].value);
	return h ^ (p * 0x9e3779b97f4a7c15ull);
}

static int same(const tach_benchmark *a, const tach_benchmark *b)
{
	if (strcmp(a->name, b->name) || a->params.n != b->params.n)
		return 0;
	for (size_t i = 0; i < a->params.n; i++) {
		const char *v = tach_kvlist_get(&b->params, a->params.items[i].key);
		if (!v || strcmp(v, a->params.items[i].value))
			return 0;
	}
	return 1;
}

int tach__bench_index_build(tach__bench_index *idx, const tach_result *r, size_t *dup)
{
	size_t size = 16;
	while (size < 2 * r->n_benchmarks)
		size *= 2;
	idx->r = r;
	idx->mask = size - 1;
	if (!(idx->slots = calloc(size, sizeof *idx->slots)))
		return TACH_ENOMEM;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		size_t s = hash(r->benchmarks[i]) & idx->mask;
		while (idx->slots[s]) {
			if (same(r->benchmarks[idx->slots[s] - 1], r->benchmarks[i])) {
				/* a duplicate: matching would pair the first copy
				 * and call the second gone */
				if (dup) {
					dup[0] = idx->slots[s] - 1;
					dup[1] = i;
					return 1;
				}
				break;
			}
			s = (s + 1) & idx->mask;
		}
		if (!idx->slots[s])
			idx->slots[s] = i + 1;
	}
	return 0;
}

ptrdiff_t tach__bench_index_find(const tach__bench_index *idx, const tach_benchmark *b)
{
	for (size_t s = hash(b) & idx->mask; idx->slots[s]; s = (s + 1) & idx->mask)
		if (same(idx->r->benchmarks[idx->slots[s] - 1], b))
			return (ptrdiff_t)idx->slots[s] - 1;
	return -1;
}

void tach__bench_index_free(tach__bench_index *idx)
{
	free(idx->slots);
	idx->slots = NULL;
}
