"""peer_stats.py - the NumPy/SciPy peer of bench_stats.c.

Loads the data bench_stats wrote (raw little-endian doubles: the median
set, the bootstrap set, then x and y for the U test), times each operation
itself with time.perf_counter over the given number of repetitions and
prints one line per operation: its name, the median seconds and the values
computed, so the C side can check that both agree.  Exit 3 when NumPy or
SciPy is missing.
"""
import argparse
import statistics
import sys
import time

try:
    import numpy as np
    import scipy
    import scipy.stats
except ImportError as e:
    print(f"peer_stats.py: {e}", file=sys.stderr)
    sys.exit(3)

# Bound the bootstrap's index matrix to 2^20 entries (8 MiB) per chunk: the
# fastest chunk size measured here, and memory stays flat for any B.
CHUNK_ELEMS = 1 << 20


def timed(fn, reps):
    """Median wall time of reps calls of fn, and fn's last value."""
    times = []
    value = None
    for _ in range(reps):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


def bootstrap_median_ci(x, resamples, level, seed):
    """Percentile bootstrap CI of the median, the natural NumPy way:
    resample indices in chunks, medians along rows, percentiles of those."""
    n = len(x)
    rng = np.random.default_rng(seed)
    chunk = max(1, CHUNK_ELEMS // n)
    meds = np.empty(resamples)
    for start in range(0, resamples, chunk):
        k = min(chunk, resamples - start)
        idx = rng.integers(0, n, (k, n))
        # x[idx] is a fresh array, so median may partition it in place
        meds[start:start + k] = np.median(x[idx], axis=1,
                                          overwrite_input=True)
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(meds, [tail, 100 - tail])
    return np.median(x), lo, hi


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--n-med", type=int, required=True)
    ap.add_argument("--n-boot", type=int, required=True)
    ap.add_argument("--n-mw", type=int, required=True)
    ap.add_argument("--resamples", type=int, required=True)
    ap.add_argument("--reps-med", type=int, required=True)
    ap.add_argument("--reps-boot", type=int, required=True)
    ap.add_argument("--reps-mw", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    a = ap.parse_args()

    data = np.fromfile(a.data, dtype="<f8")
    want = a.n_med + a.n_boot + 2 * a.n_mw
    if data.size != want:
        print(f"peer_stats.py: {a.data}: {data.size} doubles, expected {want}",
              file=sys.stderr)
        return 1
    med = data[:a.n_med]
    boot = data[a.n_med:a.n_med + a.n_boot]
    x = data[a.n_med + a.n_boot:a.n_med + a.n_boot + a.n_mw]
    y = data[a.n_med + a.n_boot + a.n_mw:]

    print(f"versions python {sys.version.split()[0]} numpy {np.__version__}"
          f" scipy {scipy.__version__}")
    t, v = timed(lambda: np.median(med), a.reps_med)
    print(f"median {t!r} {float(v)!r}")
    t, v = timed(lambda: np.percentile(med, 99), a.reps_med)
    print(f"p99 {t!r} {float(v)!r}")
    t, (est, lo, hi) = timed(
        lambda: bootstrap_median_ci(boot, a.resamples, 0.95, a.seed),
        a.reps_boot)
    print(f"bootstrap {t!r} {float(est)!r} {float(lo)!r} {float(hi)!r}")
    t, r = timed(lambda: scipy.stats.mannwhitneyu(x, y,
                                                  alternative="two-sided"),
                 a.reps_mw)
    print(f"mannwhitney {t!r} {float(r.statistic)!r} {float(r.pvalue)!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
