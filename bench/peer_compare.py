#!/usr/bin/python3
"""peer_compare.py - the peer of bench_compare's speed figure: what a
Python comparison script (Google Benchmark's compare.py does this) spends
to compare two suites, per benchmark and metric a one-sided Mann-Whitney
U test with SciPy and the ratio of medians with NumPy.  The data have the
same shape as bench_compare's: N benchmarks x 3 metrics x 20 samples per
side, log-normal with CV 1 %, one benchmark in a hundred 5 % slower.
Prints "compare SECONDS ROWS FLAGGED" (median of REPS); exits 3 without
SciPy.
usage: peer_compare.py N REPS"""
import sys
import time

try:
    import numpy as np
    from scipy.stats import mannwhitneyu
except ImportError:
    sys.exit(3)


def main():
    n, reps = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(1)
    base = rng.lognormal(0, 0.01, size=(n, 3, 20)) * 1e-3
    cand = rng.lognormal(0, 0.01, size=(n, 3, 20)) * 1e-3
    cand[::100] *= 1.05
    times = []
    flagged = 0
    for _ in range(reps):
        t0 = time.perf_counter()
        flagged = 0
        for i in range(n):
            for m in range(3):
                x, y = base[i, m], cand[i, m]
                p = mannwhitneyu(y, x, alternative="greater").pvalue
                ratio = np.median(y) / np.median(x)
                flagged += p < 0.01 and ratio > 1.01
        times.append(time.perf_counter() - t0)
    times.sort()
    print("compare %.6f %d %d" % (times[len(times) // 2], n * 3, flagged))


main()
