"""peer_format.py - the Python json peer of bench_format.c.

  peer_format.py loads FILE REPS   times json.loads(text) of the file tach
                                   wrote; prints median seconds, input
                                   bytes, peak RSS, sample count and the
                                   sample checksum bench_format compares
  peer_format.py dumps FILE REPS   loads the file once, then times
                                   json.dumps(obj); prints median seconds,
                                   output bytes and peak RSS

One mode per process so each has its own peak RSS (ru_maxrss).  Standard
library only.
"""
import array
import json
import platform
import resource
import statistics
import sys
import time


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def checksum(doc):
    """sum of (k + 1) * bits(sample k) mod 2^64 over every sample in
    document order, the same as checksum() in bench_format.c."""
    samples = array.array("d", (s for b in doc["benchmarks"]
                                for m in b["metrics"] for s in m["samples"]))
    bits = array.array("Q", samples.tobytes())
    h = 0
    for k, v in enumerate(bits, 1):
        h += k * v
    return len(bits), h % (1 << 64)


def time_loads(path, reps):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    times = []
    doc = None
    for _ in range(reps):
        doc = None  # never hold two documents at once
        t0 = time.perf_counter()
        doc = json.loads(text)
        times.append(time.perf_counter() - t0)
    rss = peak_rss()
    count, h = checksum(doc)
    nbytes = len(text.encode("utf-8"))
    print(f"loads {statistics.median(times)!r} {nbytes} {rss} {count} {h}"
          f" {platform.python_version()}")


def time_dumps(path, reps):
    with open(path, encoding="utf-8") as f:
        doc = json.loads(f.read())
    times = []
    out = None
    for _ in range(reps):
        out = None
        t0 = time.perf_counter()
        out = json.dumps(doc)
        times.append(time.perf_counter() - t0)
    print(f"dumps {statistics.median(times)!r} {len(out.encode('utf-8'))}"
          f" {peak_rss()}")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("loads", "dumps"):
        print("usage: peer_format.py loads|dumps FILE REPS", file=sys.stderr)
        return 1
    mode, path, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    (time_loads if mode == "loads" else time_dumps)(path, reps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
