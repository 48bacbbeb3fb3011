/* hashtable.c - inserts into and looks up in a chained hash table: items/s
 * from tach_set_items, and allocs/op and bytes/op (one node per insert)
 * from the library's separate allocation pass. */
#include <stdint.h>
#include <stdlib.h>

#include <tach/bench.h>

typedef struct node {
	uint64_t key;
	struct node *next;
} node;

#define BUCKETS 4096

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

TACH_BENCH(bm_hash_insert_lookup, .args = TACH_ARGS(1000, 100000), .arg_names = "keys")
{
	uint64_t n = (uint64_t)tach_arg(s, 0), found = 0;
	node **table = calloc(BUCKETS, sizeof *table);
	node *all = NULL;
	uint64_t k = 0;
	TACH_LOOP(s) {
		/* one insert (one allocation) and one lookup per iteration */
		uint64_t key = mix(k++ % n);
		node *e = malloc(sizeof *e);
		e->key = key;
		e->next = table[key % BUCKETS];
		table[key % BUCKETS] = e;
		for (node *p = table[mix(k * 7 % n) % BUCKETS]; p; p = p->next)
			if (p->key == mix(k * 7 % n)) {
				found++;
				break;
			}
		if (k % n == 0) { /* keep the table at n keys: start over */
			tach_pause(s);
			for (size_t b = 0; b < BUCKETS; b++)
				while (table[b]) {
					node *x = table[b];
					table[b] = x->next;
					x->next = all;
					all = x;
				}
			while (all) {
				node *x = all;
				all = x->next;
				free(x);
			}
			tach_resume(s);
		}
	}
	tach_do_not_optimize(found);
	tach_set_items(s, tach_iterations(s));
	for (size_t b = 0; b < BUCKETS; b++)
		while (table[b]) {
			node *x = table[b];
			table[b] = x->next;
			free(x);
		}
	free(table);
}

TACH_MAIN()
