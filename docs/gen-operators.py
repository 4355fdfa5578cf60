#!/usr/bin/env python3
"""Generate docs/operators.md from the `Operator:` comment blocks that open
each src/exec/op_*.c (STYLE.md section 6), as sqlite extracts its opcode
documentation from vdbe.c.

usage: docs/gen-operators.py [--check] docs/operators.md

Without --check, writes the file. With --check, exits 1 (printing
`0 passed, 1 failed`) when the file is not what would be generated, so the
reference cannot drift from the code. Standard library only.
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def blocks():
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "src/exec/op_*.c"))):
        text = open(path).read()
        m = re.match(r"/\*(.*?)\*/", text, re.S)
        if not m:
            continue
        lines = [re.sub(r"^ ?\* ?", "", l) for l in m.group(1).splitlines()]
        lines = [l.rstrip() for l in lines if l.strip() != ""]
        if not lines or not lines[0].startswith("Operator:"):
            continue
        name = lines[0].split(":", 1)[1].strip()
        fields, cur, rest = [], None, []
        for l in lines[1:]:
            fm = re.match(r"^(\w[\w ]*):\s+(.*)$", l)
            if fm and not l.startswith(" "):
                cur = [fm.group(1), fm.group(2)]
                fields.append(cur)
            elif cur is not None and l.startswith(" "):
                cur[1] += " " + l.strip()
            else:
                cur = None
                rest.append(l.strip())
        out.append((name, os.path.relpath(path, ROOT), fields, " ".join(rest)))
    return out


def render():
    s = ["# Operators", "",
         "The operators of weir's micro-batch executor (`src/exec/op_*.c`),",
         "generated from the `Operator:` block that opens each file by",
         "`docs/gen-operators.py`; ctest checks that this page is current.",
         "How they are wired into stages is in",
         "[src/exec/README.md](../src/exec/README.md); `weir explain` prints",
         "the DAG of a query.", ""]
    for name, path, fields, rest in blocks():
        s += ["## %s" % name, "", "`%s`" % path, ""]
        for k, v in fields:
            s.append("- **%s**: %s" % (k, v))
        if rest:
            s += ["", rest]
        s.append("")
    return "\n".join(s).rstrip() + "\n"


def main():
    args = sys.argv[1:]
    check = "--check" in args
    files = [a for a in args if a != "--check"]
    if len(files) != 1:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    want = render()
    if check:
        have = open(files[0]).read() if os.path.exists(files[0]) else ""
        if have != want:
            print("%s is out of date: run docs/gen-operators.py %s"
                  % (files[0], files[0]))
            print("0 passed, 1 failed")
            return 1
        print("1 passed, 0 failed")
        return 0
    open(files[0], "w").write(want)
    return 0


if __name__ == "__main__":
    sys.exit(main())
