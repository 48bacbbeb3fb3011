/* publish.h - the whole history as a static web site: an index of every
 * benchmark metric (latest value, change against the baseline, a
 * sparkline, open alerts) per testbed and branch, and a page per
 * benchmark (its series with their change points and commits, the
 * samples of its latest run).  `tach publish` writes it.
 *
 * The site is plain files: inline CSS, SVG and a little inline
 * JavaScript, nothing loaded from anywhere, so it reads from file:// as
 * well as from any web server.  docs/report.md describes the pages.
 */
#ifndef TACH_PUBLISH_H
#define TACH_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"
#include "tach/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tach_publish_opts {
	/* The run each series' latest value is compared with, as
	 * tach_store_resolve reads it ("@main", "#12", a commit).  NULL: the
	 * baseline named main when it is set, else each series' first run.
	 * A baseline run of another testbed than a series' is not used for
	 * it: that series is compared with its own first run. */
	const char *baseline;
	/* The site's title (NULL: "tach history"). */
	const char *title;
} tach_publish_opts;

/* What a publication did, for the caller to report. */
typedef struct tach_publish_stats {
	size_t benchmarks;  /* benchmark pages */
	size_t series;      /* benchmark metrics in every testbed and branch */
	size_t views;       /* testbed and branch pairs (one index page each) */
	size_t written;     /* files written: new, or their content changed */
	size_t unchanged;   /* files left alone: their content was the same */
	size_t removed;     /* pages of benchmarks or views no longer in the store */
	uint64_t bytes;     /* size of the whole site */
	uint64_t index_bytes; /* size of index.html */
} tach_publish_stats;

/* Writes the site of the history in `s` into directory `dir` (created
 * when missing, with its subdirectory b/ for the benchmark pages):
 * index.html for the default view (of the testbeds on branch main, else
 * master, else on any branch, the one with the most runs; ties to the
 * newest run's: a choice that stays when CI runners take turns),
 * index-ID.html for every
 * other testbed and branch, b/NAME-HASH.html per benchmark.  Each file is
 * generated in memory and compared with the one on disk; only a file
 * whose content differs is replaced (through tach_outfile: a temporary
 * file renamed over it), so a rebuild after one more run rewrites the
 * pages that run changed and leaves the others, their times and inodes,
 * as they were.  Pages of this site's pattern (b/[*].html, index-[*].html)
 * that no longer belong to it are removed.  Every string from the store
 * is escaped for HTML; file names are the name's letters and digits and
 * a hash of the whole name and parameters, so no name reaches outside
 * b/ and no two names share a file.  o may be NULL (defaults); st may be
 * NULL.  0, or an error with a message in err: the store's errors,
 * TACH_EINVAL (an unknown baseline), -errno of a file with its path,
 * TACH_ENOMEM. */
TACH_API int tach_publish(tach_store *s, const char *dir, const tach_publish_opts *o,
                          tach_publish_stats *st, tach_error *err);

#ifdef __cplusplus
}
#endif
#endif
