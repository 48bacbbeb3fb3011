#!/usr/bin/python3
# gen_complexity.py - oracle vectors for the complexity fit
# (tach_stats_complexity in include/tach/stats.h, src/stats/complexity.c).
#
# Writes JSON on stdout; tests/unit/test_bench_complexity.c checks every case.
# Regenerate with Debian's Python (NumPy 1.24.2, Debian 12; the version is
# also recorded in the JSON's "meta"):
#     /usr/bin/python3 tests/vectors/gen_complexity.py > tests/vectors/complexity.json
# Output is byte-for-byte deterministic: data comes from seeded numpy
# Generators.
#
# Oracle: for each curve f (1, log2 n, n, n log2 n, n^2, n^3) the
# coefficient is NumPy's least squares through the origin,
# np.linalg.lstsq(f(n)[:, None], t), and the RMS is
# sqrt(mean((t - c f(n))^2)) / mean(t).  "auto" is the curve with the lowest
# RMS, the first in that order on a tie; a case whose best two RMS values
# are within 1e-6 relative of each other (a knife edge the C code could
# resolve either way) makes the script exit 1.
import json
import sys

import numpy as np

CURVES = [
    ("1", lambda n: np.ones_like(n)),
    ("lgN", lambda n: np.log2(n)),
    ("N", lambda n: n),
    ("NlgN", lambda n: n * np.log2(n)),
    ("N^2", lambda n: n * n),
    ("N^3", lambda n: n * n * n),
]


def fit(n, t, f):
    x = f(n)[:, None]
    coef = float(np.linalg.lstsq(x, t, rcond=None)[0][0])
    resid = t - coef * f(n)
    mean = float(np.mean(t))
    rms = float(np.sqrt(np.mean(resid * resid)) / mean) if mean > 0 else 0.0
    return coef, rms


def case(name, n, t, note):
    n = np.asarray(n, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    fits = {}
    for cname, f in CURVES:
        coef, rms = fit(n, t, f)
        fits[cname] = {"coefficient": coef, "rms": rms}
    order = [c for c, _ in CURVES]
    best = min(order, key=lambda c: (fits[c]["rms"], order.index(c)))
    rest = sorted(fits[c]["rms"] for c in order)
    if rest[1] - rest[0] <= 1e-6 * max(rest[1], 1e-300):
        sys.stderr.write("%s: the best two curves are within 1e-6 of each other\n" % name)
        sys.exit(1)
    return {"name": name, "note": note, "n": n.tolist(), "t": t.tolist(), "fits": fits,
            "auto": best}


def main():
    rng = np.random.default_rng(20261206)
    cases = []
    sizes = {
        "pow2": [2.0 ** k for k in range(3, 15)],
        "pow8": [8.0, 64.0, 512.0, 4096.0, 32768.0],
        "dense": [float(k) for k in range(1, 41)],
        "two": [16.0, 1024.0],
        "with_one": [1.0, 2.0, 4.0, 8.0, 16.0, 32.0],
    }
    truths = [("1", 5e-9), ("lgN", 2e-9), ("N", 1.5e-9), ("NlgN", 3e-10), ("N^2", 1e-12),
              ("N^3", 1e-15)]
    for sname, n in sizes.items():
        n = np.asarray(n)
        for cname, scale in truths:
            f = dict(CURVES)[cname]
            for noise in (0.0, 0.02, 0.2):
                base = scale * f(n) + (1e-9 if cname == "1" else 0.0)
                t = base * (1 + noise * rng.standard_normal(len(n)))
                t = np.abs(t) + 1e-12
                cases.append(case("%s/%s/noise%g" % (sname, cname, noise), n, t,
                                  "times from %s with %g relative noise" % (cname, noise)))
    # the seeds' lookup: a linear scan against arithmetic, 8..1024 segments
    n = np.asarray([8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0])
    t = 4.9e-9 * n * (1 + 0.03 * rng.standard_normal(len(n)))
    cases.append(case("lookup_linear_scan", n, t, "O(n) lookup"))
    t = 5e-9 * (1 + 0.03 * rng.standard_normal(len(n)))
    cases.append(case("lookup_arithmetic", n, t, "O(1) lookup"))
    out = {"meta": {"generator": "tests/vectors/gen_complexity.py",
                    "numpy": np.__version__,
                    "curves": [c for c, _ in CURVES]},
           "cases": cases}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


main()
