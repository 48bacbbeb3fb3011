#!/usr/bin/python3
# gen_stats.py - oracle test vectors for the statistics core (include/tach/stats.h).
#
# Writes JSON on stdout; tests/unit/test_stats_vectors.c checks every case
# against the tach_* functions.  Regenerate with Debian's Python (the pyenv
# python3 on PATH has no SciPy):
#     /usr/bin/python3 tests/vectors/gen_stats.py > tests/vectors/stats.json
# Made with SciPy 1.10.1 and NumPy 1.24.2 (Debian 12); the versions used are
# also recorded in the JSON's "meta".  Output is byte-for-byte deterministic:
# all data comes from seeded numpy Generators.
#
# Oracles: NumPy/SciPy as stats.h names them, with exact rational arithmetic
# (fractions) for the mean and variance and as a cross-check of NumPy's
# percentiles; the bootstrap re-implements the header's RNG with exact
# integers; the Hodges-Lehmann exact CI counts the U null distribution with
# exact integers (checked against SciPy's).  Values the header defines where
# SciPy gives NaN or raises are computed per the header and flagged
# "defined": true.  Non-finite doubles are written as the strings "inf",
# "-inf"; a null expected value means "not checked" (see the case's note).
# The family "moments_overflow" holds data near DBL_MAX, where NumPy's own
# sums overflow: its oracle is exact arithmetic, guarded by NumPy on the
# data scaled by a power of two.
# The normal and Student t values are cross-checked at 60 digits when mpmath
# is installed (Debian python3-mpmath; optional).  Any guard that fails (an
# ill-conditioned case, a knife-edge) makes the script exit 1.
import json
import math
import sys
import warnings
from fractions import Fraction

import numpy as np
import scipy
from scipy import stats

warnings.simplefilter("ignore")

DBL_MIN = 2.2250738585072014e-308
QS = [0, 1, 5, 12.5, 25, 33.3, 50, 75, 90, 95, 99, 99.9, 100]
ALTS = ["two-sided", "less", "greater"]
MASK = (1 << 64) - 1
problems = []


def warn(msg):
    problems.append(msg)
    print("gen_stats: " + msg, file=sys.stderr)


def rel_diff(a, b):
    a, b = float(a), float(b)
    if a == b:
        return 0.0
    if math.isinf(a) or math.isinf(b) or math.isnan(a) or math.isnan(b):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b))


def fl(v):
    """A JSON-safe double: finite floats as numbers, infinities as strings."""
    v = float(v)
    if math.isnan(v):
        raise ValueError("NaN in the vectors")
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def arr(x):
    return [fl(v) for v in x]


def gen(tag):
    """One seeded Generator per data set, so adding a case moves no other."""
    return np.random.default_rng([20240611, sum(ord(c) * 131 ** i for i, c in enumerate(tag)) & MASK])


# ---------------------------------------------------------------------------
# Descriptive statistics
def exact_mean_var(x):
    n = len(x)
    fx = [Fraction(v) for v in x]
    s1 = sum(fx, Fraction(0))
    mean = s1 / n
    if n < 2:
        return mean, Fraction(0)
    s2 = sum((v - mean) ** 2 for v in fx)
    return mean, s2 / (n - 1)


def sqrt_frac(f):
    """The square root of a non-negative Fraction, correctly rounded
    (integer square root with 80 spare bits), with overflow to inf."""
    if f == 0:
        return 0.0
    k = 2 * max(0, 160 - f.numerator.bit_length() + f.denominator.bit_length())
    r = math.isqrt(f.numerator * 4 ** k // f.denominator)
    return frac_to_float(Fraction(r, 2 ** k))


def scaled_numpy(fn, x, e):
    """fn (a NumPy reduction) of x * 2^-e, scaled back by 2^e: scaling by
    a power of two is exact, so this is NumPy's own value for data whose
    direct sums overflow (inf when the result itself does)."""
    with np.errstate(over="ignore"):
        return float(np.ldexp(np.float64(fn(np.ldexp(x, -e))), e))


def frac_to_float(f):
    """Correctly rounded, with overflow to inf (float(Fraction) raises)."""
    try:
        return float(f)
    except OverflowError:
        return math.inf if f > 0 else -math.inf


def exact_percentile(xs_sorted, q):
    n = len(xs_sorted)
    h = Fraction(n - 1) * Fraction(q) / 100
    f = math.floor(h)
    if f >= n - 1:
        return Fraction(xs_sorted[-1])
    a, b = Fraction(xs_sorted[f]), Fraction(xs_sorted[f + 1])
    return a + (h - f) * (b - a)


def descriptive_case(name, x, note=None, exact_fences=False):
    x = np.asarray(x, dtype=float)
    n = len(x)
    c = {"name": name, "x": arr(x)}
    if note:
        c["note"] = note
    finite = bool(np.all(np.isfinite(x)))
    scale = float(np.max(np.abs(x))) if n else 0.0

    if finite:
        if n == 0:
            c.update(mean=0.0, variance=0.0, stddev=0.0, cv=0.0, min=0.0, max=0.0)
        else:
            m_ex, v_ex = exact_mean_var(x)
            mean = frac_to_float(m_ex)
            var = frac_to_float(v_ex)
            # guard: NumPy must agree with the exact value (when NumPy can
            # represent it), else the case is ill-conditioned for a plain
            # two-pass algorithm and has no place in a 1e-9 test
            np_mean = float(np.mean(x))
            if rel_diff(np_mean, mean) > 1e-12:
                warn(f"{name}: numpy mean {np_mean!r} vs exact {mean!r}")
            # the variance must be exactly 0 or a normal double with room for
            # the squared deviations; else over/underflow decides the result
            var_ok = v_ex == 0 or (1e-300 < var < 1e300 and np.isfinite(np.var(x, ddof=1)))
            if n > 1 and var_ok and var != 0:
                np_var = float(np.var(x, ddof=1))
                if rel_diff(np_var, var) > 1e-11:
                    warn(f"{name}: numpy var {np_var!r} vs exact {var!r}")
            c["mean"] = mean
            c["min"] = float(np.min(x))
            c["max"] = float(np.max(x))
            if n < 2:
                c.update(variance=0.0, stddev=0.0, cv=0.0)
            elif var_ok:
                sd = math.sqrt(var)
                c["variance"] = var
                c["stddev"] = sd
                c["cv"] = 0.0 if mean == 0 else sd / abs(mean)
            else:
                c.update(variance=None, stddev=None, cv=None)
                c["note"] = "; ".join(filter(None, [c.get("note"),
                                                    "variance over/underflows a double: not checked"]))

        # percentiles, median, MAD
        if n == 0:
            c["percentiles"] = [0.0] * len(QS)
            c["median"] = 0.0
            c["mad"] = 0.0
        else:
            xs = sorted(float(v) for v in x)
            ps = [float(np.percentile(x, q)) for q in QS]
            for q, p in zip(QS, ps):
                ex = frac_to_float(exact_percentile(xs, q))
                if rel_diff(ex, p) > 1e-12 and abs(ex - p) > 4 * 5e-324:
                    warn(f"{name}: percentile {q}: numpy {p!r} vs exact {ex!r}")
            c["percentiles"] = ps
            c["median"] = float(np.median(x))
            if rel_diff(c["median"], ps[QS.index(50)]) > 1e-14:
                warn(f"{name}: median vs percentile 50")
            c["mad"] = float(stats.median_abs_deviation(x, scale=1.0))

        # Tukey fences
        if n == 0:
            c["outliers"] = dict(q1=0.0, q3=0.0, lo_severe=0.0, lo_mild=0.0, hi_mild=0.0,
                                 hi_severe=0.0, low_severe=0, low_mild=0, high_mild=0, high_severe=0)
        else:
            q1, q3 = float(np.percentile(x, 25)), float(np.percentile(x, 75))
            iqr = q3 - q1
            f = dict(lo_severe=q1 - 3 * iqr, lo_mild=q1 - 1.5 * iqr,
                     hi_mild=q3 + 1.5 * iqr, hi_severe=q3 + 3 * iqr)
            o = dict(q1=q1, q3=q3, **f)
            o["low_severe"] = int(np.sum(x < f["lo_severe"]))
            o["low_mild"] = int(np.sum((x >= f["lo_severe"]) & (x < f["lo_mild"])))
            o["high_mild"] = int(np.sum((x > f["hi_mild"]) & (x <= f["hi_severe"])))
            o["high_severe"] = int(np.sum(x > f["hi_severe"]))
            # no data point may sit within rounding distance of a fence unless
            # the fences are exact (integer data designed to hit them)
            for k, fv in f.items():
                d = np.abs(x - fv)
                near = (d > 0) & (d <= 64 * 2.0 ** -52 * max(abs(q1), abs(q3), 3 * iqr))
                if np.any(near) and not exact_fences:
                    warn(f"{name}: a value lies within rounding of fence {k}")
            c["outliers"] = o

    # geometric mean: SciPy's gmean for positive finite data, else EDOMAIN
    if n == 0:
        c["geomean"] = {"rc": 0, "value": 0.0}
    elif np.all(np.isfinite(x)) and np.all(x > 0):
        c["geomean"] = {"rc": 0, "value": float(stats.gmean(x))}
    else:
        c["geomean"] = {"rc": "TACH_EDOMAIN"}
    return c


def descriptive_cases():
    cs = []
    add = lambda *a, **k: cs.append(descriptive_case(*a, **k))
    add("empty", [], note="n = 0: every result defined as 0")
    add("n1", [3.5])
    add("n1_negative", [-2.25])
    add("n2", [1.0, 4.0])
    add("n2_mixed_sign", [-7.5, 2.25])
    add("n3", [2.0, -1.0, 5.5])
    add("n3_descending", [9.0, 5.0, 1.0])
    add("n3_two_equal", [4.0, 1.0, 4.0])
    add("identical_5", [0.1] * 5, note="all equal: variance, cv and MAD are 0")
    add("identical_1000", [0.1] * 1000)
    add("identical_negative", [-3.0] * 7)
    add("identical_huge", [1e300] * 4)
    add("identical_tiny", [3e-300] * 6)
    add("zero_mean_symmetric", [-3.0, -1.0, 1.0, 3.0], note="mean exactly 0: cv defined as 0")
    add("zero_mean_ties", [-2.0, 0.0, 0.0, 2.0])
    add("signed_zeros", [-0.0, 0.0, -0.0, 1.0, -1.0])
    add("all_zero", [0.0] * 9)
    add("ties_small", [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0])
    add("ties_integers_40", gen("ties40").integers(0, 5, 40).astype(float))
    add("ties_majority", [5.0] * 12 + [1.0, 2.0, 9.0, 20.0], note="more than half equal: MAD 0")
    add("huge_1e300", 1e300 * gen("huge300").lognormal(0.0, 0.5, 20))
    add("huge_1e300_mixed_sign", 1e300 * gen("huge300m").normal(0.0, 1.0, 15))
    add("huge_1e150", 1e150 * gen("huge150").normal(5.0, 1.0, 30))
    add("offset_1e15_exact", [1e15 + 4, 1e15 + 7, 1e15 + 13, 1e15 + 16], exact_fences=True,
        note="variance 30: the one-pass formula fails")
    add("offset_1e15_noise", 1e15 + gen("off15").normal(0.0, 1e6, 200))
    add("offset_1e9_noise", 1e9 + gen("off9").normal(0.0, 1.0, 500))
    add("tiny_1e-300", 1e-300 * gen("tiny300").lognormal(0.0, 1.0, 25))
    add("tiny_1e-140", 1e-140 * gen("tiny140").normal(3.0, 1.0, 25))
    add("subnormal_adjacent",
        [DBL_MIN * v for v in (1.0, 1.5, 2.0, 3.0, 7.0, 100.0, 2.5, 1.25)] + [4.9406564584124654e-322],
        note="values near DBL_MIN and one subnormal")
    add("lognormal_200", gen("logn200").lognormal(0.0, 1.5, 200))
    add("lognormal_3000", gen("logn3000").lognormal(3.0, 1.0, 3000))
    add("exponential_100", gen("exp100").exponential(2.0, 100))
    e = gen("expout").exponential(1.0, 300)
    e[[17, 140, 299]] = [1e3, 5e3, 250.0]
    add("exponential_outliers", e)
    o = np.concatenate([gen("both").normal(10.0, 1.0, 100), [-50.0, -20.0, 30.0, 80.0]])
    add("outliers_both_sides", o)
    add("fences_exact_on", [-70, -25, 0, 20, 25, 30, 35, 40, 45, 50, 60, 95, 140], exact_fences=True,
        note="q1 20, q3 50: -25 and 95 sit on the mild fences (not outliers), "
             "-70 and 140 on the severe ones (mild)")
    add("fences_exact_beyond", [141, -25, 0, 20, 25, 30, 35, 40, 45, 50, 60, 95, -71], exact_fences=True,
        note="as fences_exact_on, unsorted, with -71 and 141 severe")
    add("negative_lognormal", -gen("neglogn").lognormal(1.0, 0.7, 60))
    add("with_zero", [0.0, 1.0, 2.0, 3.0])
    add("negative_normal_5000", gen("neg5000").normal(-5.0, 2.0, 5000))
    add("normal_50", gen("norm50").normal(0.0, 1.0, 50))
    add("normal_1000", gen("norm1000").normal(100.0, 15.0, 1000))
    add("normal_7", gen("norm7").normal(3.0, 0.5, 7))
    add("uniform_11", gen("unif11").uniform(-1.0, 1.0, 11))
    add("geomean_inf", [1.0, 2.0, math.inf], note="only the geometric mean accepts infinities (EDOMAIN)")
    return cs


# ---------------------------------------------------------------------------
# Mann-Whitney U
def mwu_null_counts(m, n):
    """Number of arrangements with U = u, u = 0..m*n (exact integers)."""
    # coefficients of the Gaussian binomial [m+n choose m]_q by the recurrence
    # f(m, n) = f(m-1, n) shifted by n + f(m, n-1)
    f = [[None] * (n + 1) for _ in range(m + 1)]
    for i in range(m + 1):
        for j in range(n + 1):
            if i == 0 or j == 0:
                f[i][j] = [1]
                continue
            a = [0] * j + f[i - 1][j]
            b = f[i][j - 1]
            size = i * j + 1
            out = [0] * size
            for k, v in enumerate(a):
                out[k] += v
            for k, v in enumerate(b):
                out[k] += v
            f[i][j] = out
    return f[m][n]


def has_ties(v):
    v = np.asarray(v, dtype=float)
    return len(np.unique(v)) != len(v)


def mwu_case(name, x, y, note=None):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    nx, ny = len(x), len(y)
    c = {"name": name, "x": arr(x), "y": arr(y)}
    if note:
        c["note"] = note
    res = {}
    if nx == 0 or ny == 0:
        c["defined"] = True
        c["exact"] = None
        for a in ALTS:
            res[a] = {"statistic": 0.0, "pvalue": 1.0}
    else:
        exact = min(nx, ny) <= 8 and not has_ties(np.concatenate([x, y]))
        c["exact"] = exact
        for a in ALTS:
            r = stats.mannwhitneyu(x, y, use_continuity=True, alternative=a, method="auto")
            st, p = float(r.statistic), float(r.pvalue)
            res[a] = {"statistic": st, "pvalue": p}
            if exact:
                # cross-check SciPy's float recursion against exact counts
                cnt = mwu_null_counts(nx, ny)
                tot = sum(cnt)
                u1 = int(st)
                u2 = nx * ny - u1
                u = {"greater": u1, "less": u2, "two-sided": max(u1, u2)}[a]
                sf = Fraction(sum(cnt[u:]), tot)
                pe = min(Fraction(1), sf * (2 if a == "two-sided" else 1))
                if rel_diff(float(pe), p) > 1e-12:
                    warn(f"{name} {a}: scipy exact p {p!r} vs counted {float(pe)!r}")
        if np.all(np.concatenate([x, y]) == x[0]):
            for a in ALTS:
                assert res[a]["pvalue"] == 1.0
    c["results"] = res
    return c


def mann_whitney_cases():
    cs = []
    add = lambda *a, **k: cs.append(mwu_case(*a, **k))
    g = gen
    add("nx0", [], [1.0, 2.0, 3.0], note="empty sample: statistic 0, p = 1 (SciPy raises)")
    add("ny0", [1.0, 2.0], [])
    add("n1_n1_distinct", [1.0], [2.0])
    add("n1_n1_equal", [1.0], [1.0])
    add("n1_n5", [3.5], [1.0, 2.0, 4.0, 5.0, 6.0])
    add("n2_n3", [1.5, 7.0], [2.0, 3.0, 4.0])
    add("n3_n3_separated", [1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    add("n3_n3_interleaved", [1.0, 4.0, 5.0], [2.0, 3.0, 6.0])
    add("exact_5_7", g("mw57x").normal(0, 1, 5), g("mw57y").normal(0.5, 1, 7))
    add("exact_8_8", g("mw88x").normal(0, 1, 8), g("mw88y").normal(1.0, 1, 8))
    add("exact_8_9", g("mw89x").normal(0, 1, 8), g("mw89y").normal(0.3, 1, 9), note="min(nx, ny) = 8: exact")
    add("exact_9_8", g("mw98x").normal(0, 1, 9), g("mw98y").normal(-0.3, 1, 8))
    add("exact_8_40", g("mw840x").normal(0, 1, 8), g("mw840y").normal(0.8, 1, 40))
    add("exact_3_50", g("mw350x").lognormal(0, 1, 3), g("mw350y").lognormal(0, 1, 50))
    add("exact_1_20", [100.0], g("mw120y").normal(0, 1, 20), note="x above every y")
    add("exact_separated_8_30", g("mwsepx").normal(0, 1, 8) - 100, g("mwsepy").normal(0, 1, 30))
    add("asymptotic_9_9", g("mw99x").normal(0, 1, 9), g("mw99y").normal(0.5, 1, 9),
        note="both > 8: asymptotic")
    add("asymptotic_9_12", g("mw912x").normal(0, 1, 9), g("mw912y").normal(0, 1, 12))
    add("asymptotic_20_25", g("mw2025x").exponential(1, 20), g("mw2025y").exponential(1.5, 25))
    add("ties_small_5_6", [1.0, 2.0, 2.0, 3.0, 5.0], [2.0, 3.0, 3.0, 4.0, 6.0, 7.0], note="ties: asymptotic")
    add("tie_across_3_4", [1.0, 2.0, 3.0], [3.0, 4.0, 5.0, 6.0], note="one tie across the samples")
    add("signed_zero_tie", [-0.0, 1.0, 2.0], [0.0, 3.0, 4.0], note="-0.0 and +0.0 are a tie")
    add("ties_integers_30_40", g("mwti30").integers(0, 6, 30).astype(float),
        g("mwti40").integers(1, 7, 40).astype(float))
    same = g("mwsame").normal(0, 1, 6)
    add("identical_samples", same, same.copy())
    add("all_equal", [2.0] * 5, [2.0] * 7, note="all values equal: p = 1")
    add("all_equal_large", [7.0] * 50, [7.0] * 60)
    add("negative_values", -g("mwnegx").lognormal(0, 1, 15), -g("mwnegy").lognormal(0.4, 1, 18))
    add("huge_tiny_magnitudes", 1e300 * g("mwhx").lognormal(0, 1, 6), 1e-300 * g("mwhy").lognormal(0, 1, 7))
    add("offset_1e15", 1e15 + np.round(g("mwo15x").normal(0, 1e3, 12)),
        1e15 + np.round(g("mwo15y").normal(500, 1e3, 14)))
    add("large_shift_small", g("mwl1x").normal(0, 1, 1000), g("mwl1y").normal(0.1, 1, 1200))
    add("large_lognormal", g("mwl2x").lognormal(0, 1, 1500), g("mwl2y").lognormal(0.05, 1, 2000))
    add("tiny_p_500", g("mwt5x").normal(0, 1, 500), g("mwt5y").normal(3, 1, 500))
    add("separated_500", g("mwsx").normal(0, 1, 500), g("mwsy").normal(0, 1, 500) + 100,
        note="complete separation: p about 1e-165")
    add("tiny_p_300_ties", np.round(g("mwt3x").normal(0, 1, 300), 1),
        np.round(g("mwt3y").normal(2, 1, 300), 1))
    return cs


# ---------------------------------------------------------------------------
# Welch's t-test
def welch_case(name, x, y, note=None):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    nx, ny = len(x), len(y)
    c = {"name": name, "x": arr(x), "y": arr(y)}
    if note:
        c["note"] = note
    mx, my = float(np.mean(x)), float(np.mean(y))
    vx = float(np.var(x, ddof=1)) if nx > 1 else 0.0
    vy = float(np.var(y, ddof=1)) if ny > 1 else 0.0
    res = {}
    lone = (nx < 2) != (ny < 2) and nx > 0 and ny > 0
    vlone = vy if nx < 2 else vx
    if (nx < 2 and ny < 2) or nx == 0 or ny == 0:
        c["defined"] = True
        for a in ALTS:
            res[a] = {"statistic": 0.0, "pvalue": 1.0, "df": 0.0}
    elif lone and vlone > 0:
        # stats.h: the lone value gets the other side's variance
        c["defined"] = True
        t = (mx - my) / math.sqrt(vlone / nx + vlone / ny)
        df = float(max(nx, ny) - 1)
        for a in ALTS:
            if a == "two-sided":
                p = 2 * float(stats.t.cdf(-abs(t), df))
            elif a == "greater":
                p = float(stats.t.sf(t, df))
            else:
                p = float(stats.t.cdf(t, df))
            res[a] = {"statistic": t, "pvalue": p, "df": df}
    elif nx < 2 or ny < 2 or (vx == 0 and vy == 0):
        # stats.h's defined results where SciPy gives NaN
        c["defined"] = True
        for a in ALTS:
            if mx == my:
                res[a] = {"statistic": 0.0, "pvalue": 1.0, "df": 0.0}
            else:
                t = math.inf if mx > my else -math.inf
                if a == "two-sided":
                    p = 0.0
                elif a == "greater":
                    p = 0.0 if t > 0 else 1.0
                else:
                    p = 0.0 if t < 0 else 1.0
                res[a] = {"statistic": fl(t), "pvalue": p, "df": 0.0}
    else:
        vn1, vn2 = vx / nx, vy / ny
        df = (vn1 + vn2) ** 2 / (vn1 ** 2 / (nx - 1) + vn2 ** 2 / (ny - 1))
        # cross-check t and df with exact means and variances: a case whose
        # mean difference cancels (large offset, small shift) has no place
        # in a 1e-9 test
        mxe, vxe = exact_mean_var(x)
        mye, vye = exact_mean_var(y)
        a1, a2 = vxe / nx, vye / ny
        dfe = float((a1 + a2) ** 2 / (a1 ** 2 / (nx - 1) + a2 ** 2 / (ny - 1)))
        if rel_diff(df, dfe) > 1e-11:
            warn(f"{name}: welch df {df!r} vs exact {dfe!r}")
        te = float(mxe - mye) / math.sqrt(float(a1 + a2))
        for a in ALTS:
            r = stats.ttest_ind(x, y, equal_var=False, alternative=a)
            t, p = float(r.statistic), float(r.pvalue)
            if not (math.isfinite(t) and math.isfinite(p)):
                raise ValueError(f"{name}: SciPy gave {t} {p}")
            if rel_diff(t, te) > 1e-10 and abs(t - te) > 1e-13:
                warn(f"{name}: welch t {t!r} vs exact {te!r}")
            res[a] = {"statistic": t, "pvalue": p, "df": df}
    c["results"] = res
    return c


def welch_cases():
    cs = []
    add = lambda *a, **k: cs.append(welch_case(*a, **k))
    g = gen
    add("n1_n5_differ", [3.0], [1.0, 2.0, 4.0, 5.0, 7.0],
        note="nx = 1: the lone value gets y's variance, df = ny - 1")
    add("n5_n1_differ", [1.0, 2.0, 4.0, 5.0, 7.0], [3.0])
    add("n1_n1_equal", [2.5], [2.5], note="nx, ny < 2, equal means: t = 0, p = 1")
    add("n1_n1_differ", [2.5], [3.5], note="two lone values: no evidence, p = 1")
    add("n1_n4_zero_var", [2.5], [3.0, 3.0, 3.0, 3.0], note="lone value, other side without noise: certain")
    add("n1_n3_equal_mean", [2.0], [1.0, 2.0, 3.0])
    add("zero_var_equal", [2.0, 2.0, 2.0], [2.0, 2.0], note="both variances zero, equal means")
    add("zero_var_greater", [3.0, 3.0, 3.0], [2.0, 2.0, 2.0, 2.0], note="both variances zero: t = +inf")
    add("zero_var_less", [1.0, 1.0], [5.0, 5.0, 5.0], note="both variances zero: t = -inf")
    add("one_var_zero", [1.0, 1.0, 1.0], [0.0, 1.0, 2.0], note="t = 0 exactly, df = ny - 1")
    add("one_var_zero_shift", [4.0, 4.0, 4.0, 4.0], [0.0, 1.0, 2.0, 3.5])
    add("n2_n2", [1.0, 2.0], [3.0, 5.0])
    add("n2_n2_small_df", [0.0, 0.001], [1.0, 7.0], note="df just above 1")
    add("n2_n3", [1.5, 2.5], [4.0, 0.5, 9.0])
    add("n3_n3", [1.0, 2.0, 4.0], [2.0, 3.0, 7.0])
    same = g("wsame").normal(5, 2, 12)
    add("identical_samples", same, same.copy(), note="t = 0 exactly")
    add("normal_30_40", g("w3040x").normal(0, 1, 30), g("w3040y").normal(0.5, 2, 40))
    add("normal_10_10", g("w1010x").normal(10, 1, 10), g("w1010y").normal(10.2, 1, 10))
    add("normal_large", g("wlx").normal(100, 15, 1000), g("wly").normal(101, 10, 2000))
    add("negative_values", -g("wnx").lognormal(1, 0.5, 25), -g("wny").lognormal(1.2, 0.5, 20))
    add("skewed_lognormal", g("wskx").lognormal(0, 1.5, 60), g("wsky").lognormal(0.3, 1.5, 80))
    add("exponential_outliers", np.append(g("weox").exponential(1, 40), 200.0),
        g("weoy").exponential(1.2, 45))
    add("huge_1e70", 1e70 * g("wh70x").normal(5, 1, 15), 1e70 * g("wh70y").normal(6, 1, 18),
        note="Welch-Satterthwaite squares (v/n): beyond about 1e76 the naive formula overflows")
    add("tiny_1e-70", 1e-70 * g("wt70x").normal(5, 1, 15), 1e-70 * g("wt70y").normal(4, 2, 11))
    add("offset_1e5", 1e5 + g("wo5x").normal(0, 1, 100), 1e5 + g("wo5y").normal(0.5, 1, 100),
        note="the one-pass variance fails; a larger offset makes the mean difference itself cancel")
    add("tiny_p", g("wtpx").normal(0, 1, 200), g("wtpy").normal(10, 1, 200), note="p about 1e-300")
    add("tiny_p_small_df", g("wtp2x").normal(0, 1, 5), g("wtp2y").normal(100, 1, 4))
    add("huge_df_underflow_p", g("wup_x").normal(0, 1, 1000), g("wup_y").normal(50, 1, 1000),
        note="p underflows to 0")
    return cs


# ---------------------------------------------------------------------------
# Distributions
def norm_vectors():
    zs = [0.0, 1e-300, 1e-10, 1e-3, 0.1, 0.5, 0.6744897501960817, 1.0, 1.5, 1.959963984540054, 2.0,
          2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 8.5, 9.0, 10.0, 12.0, 15.0, 20.0, 25.0, 30.0, 35.0, 37.0]
    zs = sorted(set([-z for z in zs] + zs))
    cdf = [[z, float(stats.norm.cdf(z)), float(stats.norm.sf(z))] for z in zs]
    ps = [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-16, 1e-10, 1e-5, 1e-3, 0.01, 0.025, 0.05, 0.1, 0.2,
          0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-5, 1 - 1e-10,
          1 - 1e-15, 1 - 2.0 ** -53, DBL_MIN]
    ppf = [[p, float(stats.norm.ppf(p)), False] for p in sorted(ps)]
    # stats.h: p <= 0 -> -inf, p >= 1 -> +inf (SciPy gives NaN outside [0, 1])
    ppf += [[0.0, "-inf", True], [-0.5, "-inf", True], [1.0, "inf", True], [1.5, "inf", True]]
    return cdf, ppf


def t_vectors():
    ts = [0.0, 1e-8, 1e-3, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 10.0, 30.0, 100.0, 1e3]
    ts = sorted(set([-t for t in ts] + ts))
    dfs = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.7, 5.0, 7.25, 10.0, 29.5, 100.0, 1e3, 1e4, 1e5, 1e6]
    out = []
    for df in dfs:
        for t in ts:
            out.append([t, df, float(stats.t.cdf(t, df)), float(stats.t.sf(t, df))])
    return out


def check_distributions(ncdf, nppf, tv):
    """Compare SciPy with mpmath at 60 digits where mpmath is installed."""
    try:
        import mpmath as mp
    except ImportError:
        print("gen_stats: mpmath not installed: distributions not cross-checked", file=sys.stderr)
        return
    mp.mp.dps = 60

    def ok(name, got, exact):
        exact = float(exact)
        if got == exact:
            return
        if abs(got - exact) > max(1e-12 * abs(exact), 4 * 5e-324):
            warn(f"{name}: scipy {got!r} vs mpmath {exact!r}")

    for z, c, s in ncdf:
        ok(f"norm.cdf({z})", c, mp.ncdf(z))
        ok(f"norm.sf({z})", s, mp.ncdf(-z))
    for p, q, d in nppf:
        if d:
            continue
        if p == 0.5:
            ok("norm.ppf(0.5)", q, 0)
        elif p < 0.5:
            ok(f"norm.ppf({p})", q, mp.findroot(lambda v: mp.ncdf(v) - mp.mpf(p), q))
        else:
            tail = 1 - mp.mpf(p)  # exact: p is a double
            ok(f"norm.ppf({p})", q, -mp.findroot(lambda v: mp.ncdf(v) - tail, -q))
    for t, df, c, s in tv:
        t_, df_ = mp.mpf(t), mp.mpf(df)
        x = df_ / (df_ + t_ * t_)
        a, b = df_ / 2, mp.mpf(1) / 2
        try:
            tail = mp.betainc(a, b, 0, x, regularized=True) / 2
        except ValueError:
            # hypercomb gives up on astronomically small tails; the series'
            # leading term x^a (1-x)^b / (a B(a, b)) bounds them well enough
            lead = a * mp.log(x) + b * mp.log(1 - x) - mp.log(a) - mp.log(mp.beta(a, b))
            if lead > -720:
                raise
            tail = mp.mpf(0)
        lower = tail if t < 0 else 1 - tail
        upper = tail if t > 0 else 1 - tail
        ok(f"t.cdf({t}, {df})", c, lower)
        ok(f"t.sf({t}, {df})", s, upper)


# ---------------------------------------------------------------------------
# RNG and bootstrap (stats.h: splitmix64 seeding, xoshiro256**, Lemire)
class Rng:
    def __init__(self, seed):
        st = seed & MASK
        self.s = []
        for _ in range(4):
            st = (st + 0x9E3779B97F4A7C15) & MASK
            z = st
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self._rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def below(self, bound):
        threshold = ((1 << 64) - bound) % bound
        while True:
            m = self.next() * bound
            if (m & MASK) >= threshold:
                return m >> 64

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53


def hx(v):
    return "0x%016x" % v


def rng_vectors():
    # self-check against the published splitmix64 stream for seed 0
    assert Rng(0).s[0] == 0xE220A8397B1DCDAF
    out = []
    bounds = [1, 2, 3, 7, 10, 1000, (1 << 32) + 1, (1 << 63) + 1, MASK, 0xAAAAAAAAAAAAAAAB]
    for seed in [0, 1, 42, 0xDEADBEEFCAFEBABE, MASK]:
        r = Rng(seed)
        c = {"seed": hx(seed), "state": [hx(v) for v in r.s], "next": [hx(r.next()) for _ in range(16)]}
        below = []
        for b in bounds:
            r = Rng(seed)
            below.append({"bound": hx(b), "values": [hx(r.below(b)) for _ in range(12)]})
        c["below"] = below
        r = Rng(seed)
        c["uniform"] = [r.uniform() for _ in range(8)]
        out.append(c)
    return out


def np_median(v):
    return float(np.median(v))


def bootstrap_median_case(name, x, level, resamples, seed, note=None):
    x = np.asarray(x, dtype=float)
    n = len(x)
    c = {"name": name, "x": arr(x), "level": level, "resamples": resamples, "seed": hx(seed)}
    if note:
        c["note"] = note
    if not (0 < level < 1) or resamples < 1:
        c["rc"] = "TACH_EINVAL"
        return c
    c["rc"] = 0
    if n == 0:
        c.update(estimate=0.0, lo=0.0, hi=0.0)
        return c
    rng = Rng(seed)
    meds = np.empty(resamples)
    for r in range(resamples):
        idx = [rng.below(n) for _ in range(n)]
        meds[r] = np_median(x[idx])
    c["estimate"] = np_median(x)
    c["lo"] = float(np.percentile(meds, 100 * (1 - level) / 2))
    c["hi"] = float(np.percentile(meds, 100 * (1 + level) / 2))
    if n == 1:
        assert c["lo"] == c["hi"] == c["estimate"]
    return c


def bootstrap_ratio_case(name, base, cand, level, resamples, seed, note=None):
    base = np.asarray(base, dtype=float)
    cand = np.asarray(cand, dtype=float)
    nb, nc = len(base), len(cand)
    c = {"name": name, "base": arr(base), "cand": arr(cand), "level": level,
         "resamples": resamples, "seed": hx(seed)}
    if note:
        c["note"] = note
    if not (0 < level < 1) or resamples < 1:
        c["rc"] = "TACH_EINVAL"
        return c
    if nb == 0 or nc == 0 or np_median(base) == 0:
        c["rc"] = "TACH_EDOMAIN"
        return c
    c["rc"] = 0
    rng = Rng(seed)
    ratios = []
    for r in range(resamples):
        ib = [rng.below(nb) for _ in range(nb)]
        ic = [rng.below(nc) for _ in range(nc)]
        mb = np_median(base[ib])
        if mb == 0:
            continue  # stats.h: resamples whose base median is 0 are skipped
        ratios.append(np_median(cand[ic]) / mb)
    if not ratios:
        raise ValueError(f"{name}: every resample skipped")
    c["kept"] = len(ratios)
    c["estimate"] = np_median(cand) / np_median(base)
    c["lo"] = float(np.percentile(ratios, 100 * (1 - level) / 2))
    c["hi"] = float(np.percentile(ratios, 100 * (1 + level) / 2))
    return c


def bootstrap_cases():
    med, rat = [], []
    g = gen
    am = lambda *a, **k: med.append(bootstrap_median_case(*a, **k))
    ar = lambda *a, **k: rat.append(bootstrap_ratio_case(*a, **k))
    am("empty", [], 0.95, 100, 1, note="n = 0: all zero")
    am("n1", [4.5], 0.95, 100, 1, note="n = 1: lo = hi = estimate")
    am("n2", [1.0, 3.0], 0.9, 50, 7)
    am("n3", [5.0, -2.0, 9.5], 0.95, 200, 11)
    am("identical", [2.5] * 10, 0.99, 100, 3)
    am("ties", [1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 5.0], 0.95, 300, 5)
    am("normal_20_s1", g("bn20").normal(10, 2, 20), 0.95, 500, 1)
    am("normal_20_s2", g("bn20").normal(10, 2, 20), 0.95, 500, 2, note="same data, another seed")
    am("normal_20_l90", g("bn20").normal(10, 2, 20), 0.9, 500, 1)
    am("normal_20_l99", g("bn20").normal(10, 2, 20), 0.99, 500, 1)
    am("lognormal_50", g("bl50").lognormal(0, 1, 50), 0.95, 400, 0xDEADBEEFCAFEBABE)
    am("exponential_33", g("be33").exponential(3, 33), 0.9, 250, 12345)
    am("negative_15", -g("bneg").lognormal(2, 0.3, 15), 0.95, 150, 99)
    am("huge_9", 1e300 * g("bh9").lognormal(0, 0.3, 9), 0.95, 100, 8)
    am("tiny_9", 1e-300 * g("bt9").lognormal(0, 0.3, 9), 0.95, 100, 8)
    am("offset_1e15_12", 1e15 + np.round(g("bo15").normal(0, 100, 12)), 0.95, 120, 4)
    am("one_resample", [3.0, 1.0, 2.0, 8.0], 0.95, 1, 6)
    am("seed_max", g("bsm").normal(0, 1, 25), 0.95, 200, MASK)
    am("level_0", [1.0, 2.0], 0.0, 100, 1, note="level must be in (0, 1)")
    am("level_1", [1.0, 2.0], 1.0, 100, 1)
    am("resamples_0", [1.0, 2.0], 0.95, 0, 1)
    ar("n1_n1", [2.0], [3.0], 0.95, 100, 1)
    ar("n2_n3", [1.0, 3.0], [2.0, 5.0, 4.0], 0.9, 50, 7)
    ar("normal_20_25", g("rn20").normal(10, 1, 20), g("rn25").normal(11, 1.5, 25), 0.95, 500, 1)
    ar("normal_20_25_s3", g("rn20").normal(10, 1, 20), g("rn25").normal(11, 1.5, 25), 0.99, 300, 3)
    ar("lognormal_40_30", g("rl40").lognormal(0, 0.5, 40), g("rl30").lognormal(0.2, 0.5, 30), 0.9, 400, 42)
    ar("identical", [5.0] * 8, [5.0] * 8, 0.95, 100, 2)
    ar("ties", [1.0, 2.0, 2.0, 2.0, 3.0], [2.0, 2.0, 4.0, 4.0], 0.95, 200, 9)
    ar("zeros_in_base", [0.0, 0.0, 0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 2.5, 3.0], 0.95, 300, 5,
        note="median(base) 0.5, many resamples have base median 0 and are skipped")
    ar("negative", -g("rnegb").lognormal(1, 0.4, 12), g("rnegc").lognormal(1, 0.4, 14), 0.95, 200, 17)
    ar("huge_over_tiny", 1e-300 * g("rhb").lognormal(0, 0.2, 7), 1e-10 * g("rhc").lognormal(0, 0.2, 6),
       0.95, 100, 4)
    ar("base_median_zero", [0.0, 0.0, 1.0], [1.0, 2.0], 0.95, 100, 1, note="median(base) = 0: EDOMAIN")
    ar("base_empty", [], [1.0, 2.0], 0.95, 100, 1)
    ar("cand_empty", [1.0, 2.0], [], 0.95, 100, 1)
    ar("level_1", [1.0, 2.0], [1.0, 2.0], 1.0, 100, 1)
    ar("resamples_0", [1.0, 2.0], [1.0, 2.0], 0.95, 0, 1)
    return med, rat


# ---------------------------------------------------------------------------
# Hodges-Lehmann
def hl_case(name, x, y, level, note=None):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    nx, ny = len(x), len(y)
    c = {"name": name, "x": arr(x), "y": arr(y), "level": level}
    if note:
        c["note"] = note
    if not (0 < level < 1):
        c["rc"] = "TACH_EINVAL"
        return c
    c["rc"] = 0
    if nx == 0 or ny == 0:
        c.update(estimate=0.0, lo=0.0, hi=0.0)
        return c
    d = np.sort((y[None, :] - x[:, None]).ravel())
    N = len(d)
    c["estimate"] = float(np.median(d))
    pooled = np.concatenate([x, y])
    exact = min(nx, ny) <= 8 and not has_ties(pooled)
    c["exact"] = exact
    alpha = 1 - level
    if exact:
        cnt = mwu_null_counts(nx, ny)
        tot = sum(cnt)
        ks = []
        # three readings of "P(U <= k-1) <= alpha/2": rational with the double
        # alpha, rational with the decimal level, and SciPy's float cdf
        for a in (Fraction(alpha), 1 - Fraction(str(level))):
            k, cum = 0, 0
            for j in range(nx * ny + 1):
                cum += cnt[j]
                if Fraction(cum, tot) <= a / 2:
                    k = j + 1
                else:
                    break
            ks.append(k)
        from scipy.stats._mannwhitneyu import _mwu_state
        cdf = _mwu_state.cdf(np.arange(nx * ny + 1), nx, ny)
        kf = 0
        for j in range(nx * ny + 1):
            if cdf[j] <= alpha / 2:
                kf = j + 1
            else:
                break
        ks.append(kf)
        if len(set(ks)) != 1:
            raise ValueError(f"{name}: knife-edge exact k {ks}")
        k = ks[0]
        if k == 0:
            # P(U <= 0) > alpha/2: no k qualifies; take the widest interval
            k = 1
            c["note"] = "; ".join(filter(None, [c.get("note"),
                                                "P(U = 0) > alpha/2: no k qualifies, k = 1 assumed"]))
    else:
        _, t = np.unique(pooled, return_counts=True)
        T = float(np.sum(t.astype(float) ** 3 - t))
        n = nx + ny
        s = math.sqrt(nx * ny / 12 * ((n + 1) - T / (n * (n - 1))))
        z = float(stats.norm.ppf(1 - alpha / 2))
        v = N / 2 - z * s
        if abs(v - round(v)) < 1e-9 and s > 0:
            raise ValueError(f"{name}: knife-edge asymptotic k {v!r}")
        k = max(1, math.floor(v))
    c["k"] = k
    if k > N + 1 - k:
        c["lo"], c["hi"] = float(d[0]), float(d[-1])
    else:
        c["lo"], c["hi"] = float(d[k - 1]), float(d[N - k])
    return c


def hl_cases():
    cs = []
    g = gen
    add = lambda *a, **k: cs.append(hl_case(*a, **k))
    add("nx0", [], [1.0, 2.0], 0.95, note="empty sample: all zero")
    add("ny0", [1.0], [], 0.95)
    add("n1_n1", [1.0], [3.0], 0.95, note="N = 1")
    add("n2_n2", [1.0, 2.0], [4.0, 7.0], 0.9)
    add("n3_n3", [1.0, 2.5, 4.0], [3.0, 5.0, 8.0], 0.95)
    add("n4_n5", [0.5, 2.0, 3.0, 6.0], [1.0, 4.0, 5.0, 7.5, 9.0], 0.9)
    add("exact_6_7_l95", g("hl67x").normal(0, 1, 6), g("hl67y").normal(1, 1, 7), 0.95)
    add("exact_6_7_l90", g("hl67x").normal(0, 1, 6), g("hl67y").normal(1, 1, 7), 0.9)
    add("exact_8_8", g("hl88x").normal(0, 1, 8), g("hl88y").normal(0.5, 1, 8), 0.95)
    add("exact_8_20", g("hl820x").lognormal(0, 1, 8), g("hl820y").lognormal(0.5, 1, 20), 0.95)
    add("exact_5_30", g("hl530x").exponential(1, 5), g("hl530y").exponential(2, 30), 0.9)
    add("exact_20_3", g("hl203x").normal(0, 1, 20), g("hl203y").normal(-1, 1, 3), 0.95)
    add("exact_negative", -g("hlnx").lognormal(0, 1, 7), -g("hlny").lognormal(0.3, 1, 8), 0.95)
    add("asymptotic_9_9", g("hl99x").normal(0, 1, 9), g("hl99y").normal(0.5, 1, 9), 0.95)
    add("asymptotic_15_12", g("hl1512x").normal(0, 1, 15), g("hl1512y").normal(0.5, 1, 12), 0.9)
    add("asymptotic_40_50", g("hl4050x").lognormal(0, 1, 40), g("hl4050y").lognormal(0.3, 1, 50), 0.95)
    add("asymptotic_200_150", g("hl200x").normal(10, 2, 200), g("hl150y").normal(10.5, 2, 150), 0.95)
    add("ties_small", [1.0, 2.0, 2.0, 3.0], [2.0, 3.0, 4.0, 4.0, 5.0], 0.95, note="ties: asymptotic")
    add("ties_small_l90", [1.0, 2.0, 2.0, 3.0], [2.0, 3.0, 4.0, 4.0, 5.0], 0.9)
    add("ties_integers_25_30", g("hlt25").integers(0, 8, 25).astype(float),
        g("hlt30").integers(1, 9, 30).astype(float), 0.95)
    add("identical_samples", [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0], 0.95)
    add("all_equal", [4.0] * 6, [4.0] * 5, 0.95, note="all ties: s = 0, k = floor(N/2)")
    add("huge", 1e300 * g("hlhx").lognormal(0, 0.3, 6), 1e300 * g("hlhy").lognormal(0.1, 0.3, 7), 0.95)
    add("tiny", 1e-300 * g("hltx").lognormal(0, 0.3, 10), 1e-300 * g("hlty").lognormal(0.1, 0.3, 11), 0.9)
    add("offset_1e15", 1e15 + np.round(g("hlox").normal(0, 1e3, 12)),
        1e15 + np.round(g("hloy").normal(300, 1e3, 10)), 0.95)
    add("level_0", [1.0, 2.0], [3.0, 4.0], 0.0, note="level must be in (0, 1)")
    add("level_1", [1.0, 2.0], [3.0, 4.0], 1.0)
    return cs


# ---------------------------------------------------------------------------
# Moments of data near the overflow threshold: sums and squared deviations
# overflow a double, the results need not.  The oracle is exact rational
# arithmetic; the guard is NumPy on the data scaled by a power of two
# (exact), since NumPy itself overflows on the data as given.
def overflow_case(name, x, note):
    x = np.asarray(x, dtype=float)
    m_ex, v_ex = exact_mean_var(x)
    mean, var = frac_to_float(m_ex), frac_to_float(v_ex)
    sd = sqrt_frac(v_ex)
    cv = 0.0 if m_ex == 0 else sqrt_frac(v_ex / (m_ex * m_ex))
    np_mean = scaled_numpy(np.mean, x, 64)
    np_sd = scaled_numpy(lambda v: np.std(v, ddof=1), x, 600)
    xs = np.ldexp(x, -600)
    np_cv = 0.0 if m_ex == 0 else float(np.std(xs, ddof=1) / abs(np.mean(xs)))
    for what, a, b in (("mean", np_mean, mean), ("stddev", np_sd, sd), ("cv", np_cv, cv)):
        if rel_diff(a, b) > 1e-12 and abs(a - b) > 1e-12 * float(np.max(np.abs(x))):
            warn(f"{name}: numpy (scaled) {what} {a!r} vs exact {b!r}")
    return {"name": name, "x": arr(x), "note": note, "mean": fl(mean), "variance": fl(var),
            "stddev": fl(sd), "cv": fl(cv)}


def overflow_cases():
    return [
        overflow_case("pm_1e308", [1e308, 1e308, -1e308, -1e308] * 3,
                      "partial sums overflow to +inf and -inf: the mean is 0, not NaN; "
                      "the variance overflows (inf), the standard deviation does not"),
        overflow_case("positive_1e308", [1e308, 1.5e308] * 6,
                      "the sum overflows: mean, standard deviation and CV stay finite"),
        overflow_case("stddev_beyond_max", [-1.7e308, -1.7e308, 1.7e308, 1.7e308, 1.7e308],
                      "the standard deviation itself exceeds DBL_MAX (inf); the CV is finite"),
        overflow_case("lognormal_1e300", 1e300 * gen("huge300").lognormal(0.0, 0.5, 20),
                      "the data of descriptive huge_1e300, whose variance overflows"),
        overflow_case("mixed_sign_1e300", 1e300 * gen("huge300m").normal(0.0, 1.0, 15),
                      "the data of descriptive huge_1e300_mixed_sign"),
    ]


# ---------------------------------------------------------------------------
def dump(doc):
    """Top-level keys on their own lines, one case per line: small diffs."""
    parts = []
    for key, val in doc.items():
        if isinstance(val, list) and val and isinstance(val[0], (dict, list)):
            body = ",\n".join(json.dumps(v, separators=(",", ":"), allow_nan=False) for v in val)
            parts.append(json.dumps(key) + ": [\n" + body + "\n]")
        else:
            parts.append(json.dumps(key) + ": " + json.dumps(val, separators=(",", ":"), allow_nan=False))
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main():
    ncdf, nppf = norm_vectors()
    tv = t_vectors()
    check_distributions(ncdf, nppf, tv)
    bmed, brat = bootstrap_cases()
    doc = {
        "meta": {
            "generator": "tests/vectors/gen_stats.py",
            "command": "/usr/bin/python3 tests/vectors/gen_stats.py > tests/vectors/stats.json",
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "python": "%d.%d.%d" % sys.version_info[:3],
            "format": 1,
        },
        "percentile_qs": QS,
        "descriptive": descriptive_cases(),
        "moments_overflow": overflow_cases(),
        "mann_whitney": mann_whitney_cases(),
        "welch": welch_cases(),
        "norm_cdf_sf": ncdf,
        "norm_ppf": nppf,
        "t_cdf_sf": tv,
        "rng": rng_vectors(),
        "bootstrap_median": bmed,
        "bootstrap_ratio": brat,
        "hodges_lehmann": hl_cases(),
    }
    sys.stdout.write(dump(doc))
    if problems:
        print(f"gen_stats: {len(problems)} problem(s), see above", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
