#!/usr/bin/python3
"""check_report.py - the HTML report in a real browser: Debian's chromium
loads two reports made by tach (a comparison with a regression, names
with markup; results with every other panel: thread scaling, latency,
allocations, memory over time, complexity) and each page type of the site
`tach publish` writes (the default index, another testbed's index, a
benchmark's page), headless; the console must stay silent (no error, no uncaught
exception) and the screenshot must not be blank.  Exit 77 (skipped) when
chromium is not installed.

usage: check_report.py TACH EXAMPLE.json OUTDIR
(the candidate is EXAMPLE with its first benchmark 5 % slower and one name
full of markup)"""
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), "unexpected PNG layout"
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b, c = prev[x], prev[x - channels] if x >= channels else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def metric(name, unit, direction, values):
    return {"name": name, "unit": unit, "direction": direction, "samples": values}


def panels_doc(evil):
    """A results file with a 1/2/4-thread family, latency percentiles,
    allocations, a monitored command's memory series and complexity fits."""
    benches = []
    for threads, items in ((1, 100e6), (2, 180e6), (4, 200e6)):
        benches.append({"name": "bm_queue/threads:%d" % threads,
                        "params": {"threads": str(threads)},
                        "metrics": [metric("time", "s", "lower", [1e-8 * (1 + 0.01 * k) for k in range(5)]),
                                    metric("items_per_second", "/s", "higher", [items])]})
    benches.append({"name": "bm_latency", "metrics": [
        metric("time", "s", "lower", [1e-6, 1.1e-6, 0.9e-6]),
        metric("latency_p50", "s", "lower", [1e-6]), metric("latency_p99", "s", "lower", [9e-6]),
        metric("latency_p999", "s", "lower", [3e-5]), metric("allocs_per_op", "count", "lower", [2]),
        metric("bytes_per_op", "B", "lower", [64])]})
    rss = metric("peak_rss", "B", "lower", [50 * 2**20, 51 * 2**20])
    rss["series"] = [{"sample": run, "t": [0.01 * k for k in range(50)],
                      "v": [min(k, 25) * 2 * 2**20 + run * 2**20 for k in range(50)]} for run in (0, 1)]
    benches.append({"name": evil, "source": {"kind": "command", "command": "./srv '<b>'"},
                    "metrics": [metric("time", "s", "lower", [0.5, 0.51]), rss]})
    # a complexity fit: an O(n) scan over 8..1024 segments (one named evil)
    fits = []
    for name, coef, big_o, grow in (("lookup_scan", 5e-9, "N", True), (evil, 2e-9, "1", False)):
        names = []
        for n in (8, 64, 512, 1024):
            names.append("%s/%d" % (name, n))
            t = coef * (n if grow else 1)
            benches.append({"name": names[-1], "params": {"segments": str(n)},
                            "metrics": [metric("time", "s", "lower", [t, t * 1.02, t * 0.99])]})
        fits.append({"name": name, "param": "segments", "metric": "time", "big_o": big_o,
                     "automatic": True, "coefficient": coef, "rms": 0.01, "benchmarks": names})
    return {"format": 1, "meta": {"tool": "tach", "cpu_count": 2}, "benchmarks": benches,
            "complexity": fits}


def history_run(i, evil):
    """Run i of a small history: two hosts, two branches, bm_parse 20 %
    slower from run 16 on (an alert), one benchmark named with markup."""
    slow = 1.2 if i >= 16 else 1.0
    benches = []
    for name, base in (("bm_parse", 2e-6), ("bm_format/64", 5e-7), (evil, 1e-3)):
        f = slow if name == "bm_parse" else 1.0
        noise = [1 + 0.002 * ((i * 7 + k * 3) % 5) for k in range(8)]
        benches.append({"name": name, "metrics": [
            metric("time", "s", "lower", [base * f * n for n in noise]),
            metric("items_per_second", "/s", "higher", [1 / (base * f * n) for n in noise])]})
    return {"format": 1, "meta": {
        "tool": "tach", "timestamp": "2026-12-%02dT%02d:00:00Z" % (1 + i // 24, i % 24),
        "git": {"commit": "%08x%032x" % (0xc0ffee00 + i, i),
                "branch": "main" if i % 4 else "feature/<x>"},
        "host": {"hostname": "box<1>" if i % 5 else "ci&runner"}}, "benchmarks": benches}


def publish_site(tach, out, evil):
    """A history of 29 runs published (box<1> has most runs on main: the
    default index); the pages to look at."""
    db = os.path.join(out, "history.db")
    site = os.path.join(out, "site")
    for old in (db, db + "-wal", db + "-shm"):
        if os.path.exists(old):
            os.remove(old)
    shutil.rmtree(site, ignore_errors=True)
    for i in range(1, 30):
        run = os.path.join(out, "run.json")
        json.dump(history_run(i, evil), open(run, "w"))
        subprocess.run([tach, "history", "add", "--db", db, run], check=True,
                       stdout=subprocess.DEVNULL)
    subprocess.run([tach, "publish", "--db", db, "--title", "browser <site>", site], check=True)
    index = os.path.join(site, "index.html")
    other = sorted(f for f in os.listdir(site) if f.startswith("index-"))
    bench = sorted(f for f in os.listdir(os.path.join(site, "b")) if f.startswith("bm_parse-"))
    return [index, os.path.join(site, other[0]), os.path.join(site, "b", bench[0])]


def check_page(browser, page):
    """1 (and why, printed) when the page logs to the console or renders blank."""
    shot = page[:-5] + ".png"
    run = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                          "--window-size=1200,1400", "--screenshot=" + shot,
                          "file://" + os.path.abspath(page)],
                         capture_output=True, text=True, timeout=120)
    console = [l for l in run.stderr.splitlines() if ":CONSOLE" in l]
    if console:
        print("%s: console messages:\n%s" % (page, "\n".join(console)))
        return 1
    width, height, channels, rows = png_pixels(shot)
    colours = set()
    for row in rows[::7]:
        for x in range(0, width * channels, channels * 5):
            colours.add(row[x:x + 3])
    print("%s: screenshot %dx%d, %d distinct colours sampled" % (page, width, height, len(colours)))
    if len(colours) < 8:
        print("the screenshot is (nearly) blank")
        return 1
    return 0


def main():
    tach, example, out = sys.argv[1:4]
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("chromium is not installed: browser test skipped")
        return 77
    os.makedirs(out, exist_ok=True)
    doc = json.load(open(example))
    evil = "BM_<script>alert('x')</script>&\"\u202eevil"
    doc["benchmarks"][-1]["name"] = evil
    base = os.path.join(out, "base.json")
    json.dump(doc, open(base, "w"))
    for m in doc["benchmarks"][0]["metrics"]:
        factor = 1.05 if m["direction"] == "lower" else 1 / 1.05
        m["samples"] = [v * factor for v in m["samples"]]
    cand = os.path.join(out, "cand.json")
    json.dump(doc, open(cand, "w"))
    page = os.path.join(out, "report.html")
    subprocess.run([tach, "report", "--no-config", "--base", base, "--cand", cand,
                    "--title", "browser <test>", "-o", page], check=True)
    if check_page(browser, page):
        return 1
    # every other panel: thread scaling, latency percentiles, allocations,
    # memory over time
    panels = os.path.join(out, "panels.json")
    json.dump(panels_doc(evil), open(panels, "w"))
    page = os.path.join(out, "panels.html")
    subprocess.run([tach, "report", panels, "-o", page], check=True)
    if check_page(browser, page):
        return 1
    # the published site: each page type
    for page in publish_site(tach, out, evil):
        if check_page(browser, page):
            return 1
    return check_history(browser, tach, out, evil)


def check_history(browser, tach, out, evil):
    """The history section grouped by workload: 20 runs of three
    workloads, one series 20 % slower from run 11 on, one with a name full
    of markup; the worse group comes first, open, and the page renders."""
    db = os.path.join(out, "history.db")
    if os.path.exists(db):
        os.remove(db)
    names = ["calm/a", "calm/b", "slow/x", "slow/y", evil + "/z"]
    for run in range(20):
        doc = {"format": 1, "meta": {}, "benchmarks": []}
        for i, name in enumerate(names):
            level = 1e-6 * (i + 1) * (1.2 if name == "slow/x" and run >= 10 else 1)
            noise = [1 + 0.001 * ((run * 7 + k * 3 + i) % 5) for k in range(5)]
            doc["benchmarks"].append({"name": name, "metrics": [
                metric("time", "s", "lower", [level * f for f in noise])]})
        path = os.path.join(out, "run.json")
        json.dump(doc, open(path, "w"))
        subprocess.run([tach, "history", "add", "--db", db, path], check=True,
                       stdout=subprocess.DEVNULL)
    page = os.path.join(out, "history.html")
    subprocess.run([tach, "report", "--no-config", "--db", db, "--history", "-o", page],
                   check=True)
    html = open(page, encoding="utf-8").read()
    first = html.find("<details class=group")
    if not html.startswith("<details class=group open><summary><b>slow</b>", first):
        print("%s: the worse group is not first and open: %s" % (page, html[first:first + 120]))
        return 1
    if "<script>alert" in html:
        print("%s: a name was not escaped" % page)
        return 1
    return check_page(browser, page)


sys.exit(main())
