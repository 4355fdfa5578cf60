#!/usr/bin/env python3
"""Generate docs/functions.md from the function registry in src/common/func.c.

The registry is a C table of SCALAR(...) and AGG(...) entries, each with the
function's name, argument counts, flags, signature table, synopsis and
description (see src/common/func.h). This script reads those entries, without
compiling anything, and writes a Markdown reference: one table of aggregate
functions and one of scalar functions, in name order.

Usage (from the repository root):
  docs/gen-functions.py                      print the Markdown to stdout
  docs/gen-functions.py -o docs/functions.md write it to a file
  docs/gen-functions.py --check docs/functions.md
                                             exit 1 if the file is stale

Standard library only.
"""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SRC = os.path.join(HERE, "..", "src", "common", "func.c")

# Macro -> (kind, index of the synopsis argument, index of the description).
MACROS = {
    "SCALAR": ("scalar", 5, 6),  # SCALAR(name, mn, mx, flags, sg, syn, desc)
    "AGG": ("aggregate", 6, 7),  # AGG(name, mn, mx, flags, lit, sg, syn, desc)
}

# Signature codes of func.c's fn_sig tables (parameters and results).
TYPES = {
    "I_": "INT", "L_": "BIGINT", "D_": "DOUBLE", "N_": "DECIMAL(p, s)",
    "S_": "STRING", "B_": "BOOLEAN", "Y_": "BYTES", "TS_": "TIMESTAMP",
    "DT_": "DATE", "TM_": "TIME", "T_": "T", "AT_": "ARRAY<T>",
    "R_T": "T", "R_ARRAY_T": "ARRAY<T>",
    "R_DEC_ROUND": "DECIMAL(p - s, 0)",
    "R_DEC_WIDEN": "DECIMAL (wide enough for every argument)",
    "R_ARRAY_STRING": "ARRAY<STRING>", "R_ARRAY_BYTES": "ARRAY<BYTES>",
    "R_MAP_STRING_BIGINT": "MAP<STRING, BIGINT>",
}

ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def strip_comments(text):
    """Remove /* */ and // comments, keeping string literals intact."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_args(body):
    """Split a macro's argument text at top-level commas."""
    args, depth, cur, i = [], 0, [], 0
    while i < len(body):
        c = body[i]
        if c == '"':
            j = i + 1
            while body[j] != '"':
                j += 2 if body[j] == "\\" else 1
            cur.append(body[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    args.append("".join(cur).strip())
    return args


def c_string(arg):
    """The value of one argument made of adjacent C string literals."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    if not parts or re.sub(r'"((?:[^"\\]|\\.)*)"', "", arg).strip():
        raise ValueError("not a string literal: %r" % arg)
    s = "".join(parts)
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), s)


def read_sigs(text):
    """Return {table name: [signature text]} from the fn_sig tables."""
    tables = {}
    for m in re.finditer(r"fn_sig\s+(\w+)\[\]\s*=\s*\{(.*?)\n\};", text,
                         re.S):
        sigs = []
        for sm in re.finditer(r"\b(SIG0|SIG|VSIG)\s*\(([^()]*)\)", m.group(2)):
            codes = [c.strip() for c in sm.group(2).split(",")]
            ret, params = codes[0], codes[1:]
            names = [TYPES[c] for c in params]
            if sm.group(1) == "VSIG":
                # The last parameter repeats zero or more times.
                rep = names.pop()
                tail = "[, %s ...]" % rep if names else "[%s ...]" % rep
                names.append(tail)
            if ret in ("R_ARG0", "R_ARRAY_ARG0"):
                r = TYPES[params[0]]
                r = "ARRAY<%s>" % r if ret == "R_ARRAY_ARG0" else r
            else:
                r = TYPES[ret]
            args = ", ".join(names).replace(", [,", " [,")
            sigs.append("(%s) → %s" % (args, r))
        tables[m.group(1)] = sigs
    return tables


def read_registry(path):
    """Return [(name, kind, min_args, max_args, flags, synopsis, desc,
    signatures)]."""
    with open(path, encoding="utf-8") as f:
        text = strip_comments(f.read())
    sigs = read_sigs(text)
    start = text.find("defs[] = {")
    if start < 0:
        raise ValueError("%s: no 'defs[] = {' table" % path)
    end = text.find("\n};", start)
    table = text[start:end]
    entries = []
    for m in re.finditer(r"\b(SCALAR|AGG)\s*\(", table):
        # Find the matching parenthesis (strings may hold parentheses).
        i, depth = m.end(), 1
        while depth:
            c = table[i]
            if c == '"':
                i += 1
                while table[i] != '"':
                    i += 2 if table[i] == "\\" else 1
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            i += 1
        args = split_args(table[m.end():i - 1])
        kind, isyn, idesc = MACROS[m.group(1)]
        sg = args[isyn - 1]
        if sg not in sigs:
            raise ValueError("%s: unknown signature table %s" % (path, sg))
        entries.append((c_string(args[0]), kind, int(args[1]), int(args[2]),
                        args[3], c_string(args[isyn]), c_string(args[idesc]),
                        sigs[sg]))
    if not entries:
        raise ValueError("%s: no SCALAR/AGG entries found" % path)
    return entries


def cell(s):
    return s.replace("|", "\\|")


def render(entries):
    out = []
    w = out.append
    w("# Functions")
    w("")
    w("<!-- Generated by docs/gen-functions.py from src/common/func.c; "
      "do not edit. -->")
    w("")
    w("Every built-in function weir knows, with its synopsis and what it "
      "returns. This file is generated from the function registry "
      "(`src/common/func.c`): regenerate it with "
      "`docs/gen-functions.py -o docs/functions.md` after changing the "
      "registry.")
    w("")
    w("Function names are case-insensitive. The binder checks every call "
      "against the function's signatures with ksqlDB's rules (see "
      "[Function calls](sql.md#function-calls) in the SQL reference): an "
      "exact match first, then, for scalar functions only, implicit "
      "numeric widening INT → BIGINT → DECIMAL → DOUBLE. In this milestone "
      "functions are resolved and type-checked; they are evaluated by the "
      "engine of the next milestone.")
    w("")
    aggs = [e for e in entries if e[1] == "aggregate"]
    scalars = [e for e in entries if e[1] == "scalar"]
    w("%d functions: %d aggregate, %d scalar." %
      (len(entries), len(aggs), len(scalars)))
    w("")
    w("In the signatures, `T` stands for any type, the same at every place "
      "it appears in one call; `DECIMAL(p, s)` for any DECIMAL; `[, X ...]` "
      "for zero or more further arguments of type X (the synopsis gives "
      "how many arguments the function takes). A bare `NULL` argument fits "
      "any parameter.")
    w("")
    for title, rows, note in (
        ("Aggregate functions", aggs,
         "Aggregates fold the rows of a group (GROUP BY, optionally per "
         "WINDOW). They are allowed in the SELECT list and in HAVING, not "
         "in WHERE or GROUP BY, and cannot be nested. Their arguments are "
         "not implicitly widened."),
        ("Scalar functions", scalars,
         "Scalar functions compute one value per row."),
    ):
        w("## " + title)
        w("")
        w(note)
        w("")
        w("| Name | Synopsis | Description | Signatures (argument types → "
          "result) |")
        w("|---|---|---|---|")
        for name, _, _, _, flags, syn, desc, sg in sorted(rows):
            extra = ""
            if "WR_FN_NONDETERMINISTIC" in flags:
                extra = " *Non-deterministic.*"
            types = "<br>".join("`%s`" % cell(x) for x in sg)
            w("| %s | `%s` | %s%s | %s |" % (name, cell(syn), cell(desc),
                                             extra, types))
        w("")
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", nargs="?", default=DEFAULT_SRC,
                    help="path of func.c (default: src/common/func.c)")
    ap.add_argument("-o", "--output", help="write to this file")
    ap.add_argument("--check", metavar="FILE",
                    help="exit 1 if FILE differs from the generated text")
    args = ap.parse_args(argv)
    try:
        md = render(read_registry(args.source))
    except (OSError, ValueError, IndexError) as e:
        print("gen-functions: %s" % e, file=sys.stderr)
        return 2
    if args.check:
        try:
            with open(args.check, encoding="utf-8") as f:
                old = f.read()
        except OSError as e:
            print("gen-functions: %s" % e, file=sys.stderr)
            return 2
        if old != md:
            print("%s is out of date: run docs/gen-functions.py -o %s" %
                  (args.check, args.check), file=sys.stderr)
            return 1
        return 0
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(md)
    else:
        sys.stdout.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
