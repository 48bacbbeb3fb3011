#!/usr/bin/env python3
"""check_symbols.py - the library's global symbols keep tach's naming rule.

Usage: check_symbols.py INCLUDE_DIR[:INCLUDE_DIR...] LIBTACH.so STATIC.a...
(the source tree's include/ and the build's, which holds generated headers)

A static library cannot hide what its files share with each other, so
every global symbol it defines must carry tach's prefix: `tach_` for the
API, `tach__` for internals, never a bare name that could clash with a
user's (a `pg__run` or `fail` of ours against theirs).  The shared
library exports only what a public header under include/tach/ declares:
`tach_` names, and a `tach__` name only where a public header declares
it (the timing loop's inline helpers, which a header explains).
Prints each offending symbol; exits 1 when there is one.
"""
import os
import re
import subprocess
import sys


# what a sanitizer build adds beside each global
SANITIZER = ("__odr_asan", "__asan", "___asan", "__ubsan", "__sancov")


def defined_globals(args):
    out = subprocess.run(["nm", "--defined-only"] + args, check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        # "ADDRESS TYPE NAME"; upper-case types are global (W/V: weak)
        if len(parts) == 3 and parts[1].isupper() and not parts[2].startswith(SANITIZER):
            names.add(parts[2])
    return names


def public_declarations(include_dirs):
    declared = set()
    for root, _, files in (w for d in include_dirs.split(":") for w in os.walk(d)):
        for f in files:
            if f.endswith(".h"):
                with open(os.path.join(root, f), encoding="utf-8") as h:
                    # TACH_API ... name( for functions, name; for variables
                    declared.update(re.findall(r"TACH_API[^;{(]*?\b(tach_\w+)\s*[(;\[]",
                                               h.read()))
    return declared


def main():
    include_dir, shared_lib, static_libs = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = []
    for static_lib in static_libs:
        for name in sorted(defined_globals([static_lib])):
            if not name.startswith("tach_"):
                bad.append(f"{static_lib}: global symbol '{name}' has no tach_ prefix")
    declared = public_declarations(include_dir)
    for name in sorted(defined_globals(["-D", shared_lib])):
        if name.startswith("_") and not name.startswith("tach"):
            continue  # the toolchain's own (_init, _fini, __bss_start...)
        if not name.startswith("tach_"):
            bad.append(f"{shared_lib}: exports '{name}' (not tach's)")
        elif name.startswith("tach__") and name not in declared:
            bad.append(f"{shared_lib}: exports internal '{name}', which no public "
                       "header declares")
        elif name not in declared:
            bad.append(f"{shared_lib}: exports '{name}', which no public header declares")
    for b in bad:
        print(b)
    if bad:
        return 1
    print("symbols: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
