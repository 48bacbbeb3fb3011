#!/usr/bin/python3
"""check_report.py - the HTML report in a real browser: Debian's chromium
loads a report made by tach (a comparison with a regression, names with
markup), headless; the console must stay silent (no error, no uncaught
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
    shot = os.path.join(out, "report.png")
    subprocess.run([tach, "report", "--no-config", "--base", base, "--cand", cand,
                    "--title", "browser <test>", "-o", page], check=True)
    run = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                          "--window-size=1200,1400", "--screenshot=" + shot,
                          "file://" + os.path.abspath(page)],
                         capture_output=True, text=True, timeout=120)
    console = [l for l in run.stderr.splitlines() if ":CONSOLE" in l]
    if console:
        print("console messages:\n" + "\n".join(console))
        return 1
    width, height, channels, rows = png_pixels(shot)
    colours = set()
    for row in rows[::7]:
        for x in range(0, width * channels, channels * 5):
            colours.add(row[x:x + 3])
    print("screenshot %dx%d, %d distinct colours sampled" % (width, height, len(colours)))
    if len(colours) < 8:
        print("the screenshot is (nearly) blank")
        return 1
    return 0


sys.exit(main())
