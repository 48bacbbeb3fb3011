#!/usr/bin/env python3
"""check_layers.py - keeps the direction of dependencies between the parts
of libtach: every `#include "..."` under src/ and include/tach/ must follow
an edge of the table in docs/design.md ("Layers"), and a private header
(src/<dir>/*.h) is included only by its own part, util's excepted.

Reads the table from the document itself, so the two cannot disagree.
Prints each refused include compiler-style (file:line: ...) and exits 1.

    check_layers.py SOURCE_ROOT     check the tree
    check_layers.py --self-test     check the checker on a tree of its own
"""
import fnmatch
import os
import re
import sys
import tempfile

INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
CODE_RE = re.compile(r"`([^`]+)`")


class TableError(Exception):
    pass


def read_table(design_md):
    """The rows of the Layers table: name -> (file patterns, public
    headers, names it may include)."""
    with open(design_md, encoding="utf-8") as f:
        lines = f.read().split("\n")
    try:
        start = lines.index("## Layers")
    except ValueError:
        raise TableError(f"{design_md}: no '## Layers' section")
    rows = {}
    header_seen = False
    for n, line in enumerate(lines[start + 1:], start + 2):
        if line.startswith("## "):
            break
        if not line.startswith("|"):
            if header_seen and rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not header_seen:
            if cells[:4] != ["part", "files", "public headers", "may include"]:
                raise TableError(f"{design_md}:{n}: expected the columns "
                                 "part | files | public headers | may include")
            header_seen = True
            continue
        if set(cells[0]) <= set("-: "):
            continue
        if len(cells) != 4:
            raise TableError(f"{design_md}:{n}: expected 4 cells, found {len(cells)}")
        name = cells[0].strip("`")
        files = CODE_RE.findall(cells[1])
        headers = CODE_RE.findall(cells[2])
        may = CODE_RE.findall(cells[3])
        if name in rows:
            raise TableError(f"{design_md}:{n}: part '{name}' twice")
        rows[name] = (files, headers, may)
    if not rows:
        raise TableError(f"{design_md}: the Layers section has no table")
    for name, (_, _, may) in rows.items():
        for m in may:
            if m not in rows:
                raise TableError(f"{design_md}: '{name}' may include unknown part '{m}'")
    check_acyclic(design_md, rows)
    return rows


def check_acyclic(design_md, rows):
    state = {}

    def visit(name, path):
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            cycle = path[path.index(name):] + [name]
            raise TableError(f"{design_md}: the table has a cycle: {' -> '.join(cycle)}")
        state[name] = "open"
        for m in rows[name][2]:
            visit(m, path + [name])
        state[name] = "done"

    for name in rows:
        visit(name, [])


def part_of(rows, rel):
    """The part a source file (path from the root) belongs to: the most
    specific pattern wins, a file pattern over a directory, a longer
    directory over a shorter one.  None if no row names it."""
    best, best_key = None, None
    for name, (files, _, _) in rows.items():
        for pat in files:
            if pat.endswith("/"):
                key = (0, len(pat)) if rel.startswith(pat) else None
            else:
                key = (1, len(pat)) if fnmatch.fnmatchcase(rel, pat) else None
            if key and (best_key is None or key > best_key):
                best, best_key = name, key
    return best


def header_owner(rows, header):
    for name, (_, headers, _) in rows.items():
        if header in headers:
            return name
    return None


def resolve(root, includer, target):
    """What a quoted include names, as the compiler finds it: beside the
    including file, then under include/ and src/ (the -I of meson.build).
    Returns ('public', 'x.h'), ('private', 'src/...') or None."""
    here = os.path.dirname(includer)
    if os.path.isfile(os.path.join(root, here, target)):
        rel = os.path.normpath(os.path.join(here, target))
        if rel.startswith("include/tach/"):
            return ("public", rel[len("include/tach/"):])
        return ("private", rel)
    if target.startswith("tach/"):
        name = target[len("tach/"):]
        path = os.path.join(root, "include", target)
        if os.path.isfile(path) or os.path.isfile(path + ".in"):
            return ("public", name)
        return None
    if os.path.isfile(os.path.join(root, "src", target)):
        return ("private", os.path.normpath(os.path.join("src", target)))
    return None


def source_files(root):
    out = []
    for top in ("src", "include/tach"):
        for d, _, names in os.walk(os.path.join(root, top)):
            for n in names:
                if n.endswith((".c", ".h", ".h.in")):
                    out.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(out)


def check(root):
    """Every problem found, as 'file:line: message' strings."""
    design = os.path.join(root, "docs", "design.md")
    try:
        rows = read_table(design)
    except TableError as e:
        return [str(e)]
    problems = []
    # every public header has one owner, and the table names no other
    public = set()
    for n in os.listdir(os.path.join(root, "include", "tach")):
        if n.endswith(".h"):
            public.add(n)
        elif n.endswith(".h.in"):
            public.add(n[:-3])
    listed = {}
    for name, (_, headers, _) in rows.items():
        for h in headers:
            if h in listed:
                problems.append(f"docs/design.md: tach/{h} belongs to both {listed[h]} and {name}")
            listed[h] = name
            if h not in public:
                problems.append(f"docs/design.md: no header include/tach/{h} ({name})")
    for h in sorted(public - set(listed)):
        problems.append(f"include/tach/{h}: in no part of the Layers table (docs/design.md)")

    for rel in source_files(root):
        if rel.startswith("include/tach/"):
            name = os.path.basename(rel)
            name = name[:-3] if name.endswith(".in") else name
            me = listed.get(name)
        else:
            me = part_of(rows, rel)
        if me is None:
            problems.append(f"{rel}: in no part of the Layers table (docs/design.md)")
            continue
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            for ln, line in enumerate(f, 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                target = m.group(1)
                where = resolve(root, rel, target)
                if where is None:
                    continue  # generated at build time (e.g. alloc_count_so.c)
                kind, what = where
                if kind == "public":
                    them = header_owner(rows, what)
                    if them is None:
                        continue  # reported above as a header in no part
                else:
                    them = part_of(rows, what)
                    if them is None:
                        continue  # reported as a file in no part
                    if them != me and them != "util":
                        problems.append(
                            f"{rel}:{ln}: {me} -> {them}: \"{target}\" is a private header "
                            f"of {them}; use its public header")
                        continue
                if them != me and them not in rows[me][2]:
                    allowed = ", ".join(rows[me][2]) or "nothing"
                    problems.append(f"{rel}:{ln}: {me} -> {them}: \"{target}\" "
                                    f"({me} may include {allowed})")
    return problems


def self_test():
    """The checker refuses what it should, on a tree of its own."""
    table = """# design
## Layers

| part | files | public headers | may include |
|------|-------|----------------|-------------|
| util | `src/util/` | `error.h` | |
| result | `src/result/` | `result.h` | `util` |
| main | `src/result/main.c` | | `result` `util` |
| cli | `src/cli/` | `tach.h` | `result` `util` |
"""
    files = {
        "docs/design.md": table,
        "include/tach/error.h": "",
        "include/tach/result.h": '#include "tach/error.h"\n',
        "include/tach/tach.h": '#include "tach/result.h"\n',
        "src/util/u.h": "",
        "src/util/u.c": '#include "tach/error.h"\n#include "tach/result.h"\n',
        "src/result/r.h": "",
        "src/result/r.c": '#include "r.h"\n#include "util/u.h"\n#include "tach/tach.h"\n',
        "src/result/main.c": '#include "result/r.h"\n',
        "src/cli/c.c": '#include "tach/tach.h"\n#include "result/r.h"\n',
    }
    with tempfile.TemporaryDirectory() as root:
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        got = check(root)
    want = [
        'src/cli/c.c:2: cli -> result: "result/r.h" is a private header of result; use its public header',
        'src/result/main.c:1: main -> result: "result/r.h" is a private header of result; use its public header',
        'src/result/r.c:3: result -> cli: "tach/tach.h" (result may include util)',
        'src/util/u.c:2: util -> result: "tach/result.h" (util may include nothing)',
    ]
    if got != want:
        print("self-test: expected\n  " + "\n  ".join(want) + "\ngot\n  " + "\n  ".join(got))
        return 1
    print(f"self-test: {len(want)} refused includes found, as expected")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
        return 2
    problems = check(argv[1])
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) against the Layers table in docs/design.md")
        return 1
    print("every include follows the Layers table in docs/design.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
