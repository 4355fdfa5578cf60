#!/usr/bin/env python3
"""Generate docs/functions.md from the function registry in src/common/func.c
and the examples in docs/function-examples.txt.

The registry is a C table of SCALAR(...) and AGG(...) entries, each with the
function's name, argument counts, flags, signature table, synopsis and
description (see src/common/func.h). This script reads those entries, without
compiling anything, and the examples file (its format is described at its
top), and writes a Markdown reference: for aggregate and for scalar
functions, a summary table, then a section per function, in name order, with
its signatures, examples and their results, and an error. docs/check-functions
runs the examples through weir.

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
DEFAULT_EXAMPLES = os.path.join(HERE, "function-examples.txt")

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


class FnExamples:
    """The examples of one function, from docs/function-examples.txt."""

    def __init__(self, name, line):
        self.name = name      # upper case, as in the registry
        self.line = line      # line of the [NAME] header
        self.cols = []        # [(column, type)] of the input rows
        self.rows = []        # [[SQL literal text, ...]] one list per row
        self.input_line = 0   # line of the input line
        self.examples = []    # [(line, expression, result)]
        self.errors = []      # [(line, expression, message)]
        self.notes = []       # [text]


def split_top(text, sep=","):
    """Split text at sep outside quotes and parentheses; strip the parts."""
    parts, cur, depth, i = [], [], 0, 0
    while i < len(text):
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < len(text):
                if text[j] == c:
                    if j + 1 < len(text) and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if c == sep and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur).strip())
    return parts


def read_examples(path):
    """Return {NAME: FnExamples} from the examples file. Raises ValueError
    on a malformed line."""
    blocks = {}
    cur = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, raw in enumerate(lines, 1):
        ln = raw.strip()
        if not ln or ln.startswith("#"):
            continue

        def bad(why):
            return ValueError("%s:%d: %s" % (path, n, why))
        m = re.match(r"^\[(\w+)\]$", ln)
        if m:
            name = m.group(1).upper()
            if name in blocks:
                raise bad("second block for %s" % name)
            cur = blocks[name] = FnExamples(name, n)
            continue
        if cur is None:
            raise bad("a line before the first [NAME]")
        if ln.startswith("note:"):
            cur.notes.append(ln[5:].strip())
            continue
        m = re.match(r"^input\s*\((.*?)\)\s*:(.*)$", ln)
        if m:
            cur.input_line = n
            for col in split_top(m.group(1)):
                parts = col.split(None, 1)
                if len(parts) != 2:
                    raise bad("input column %r: expected NAME TYPE" % col)
                cur.cols.append((parts[0], parts[1]))
            for row in split_top(m.group(2)):
                if row.startswith("(") and row.endswith(")"):
                    vals = split_top(row[1:-1])
                else:
                    vals = [row]
                if len(vals) != len(cur.cols):
                    raise bad("row %s: %d values for %d columns" %
                              (row, len(vals), len(cur.cols)))
                cur.rows.append(vals)
            continue
        if " => " not in ln:
            raise bad("expected EXPR => RESULT, error EXPR => MESSAGE, "
                      "input (...): ... or note: ...")
        is_error = ln.startswith("error ")
        expr, result = (x.strip() for x in
                        (ln[6:] if is_error else ln).split(" => ", 1))
        (cur.errors if is_error else cur.examples).append((n, expr, result))
    return blocks


def cell(s):
    return s.replace("|", "\\|")


def code(s):
    """s as inline code in a table cell."""
    return "`%s`" % cell(s)


def render_function(w, e, ex):
    """Write the section of registry entry e with its examples ex (an
    FnExamples, or None)."""
    name, _, _, _, flags, syn, desc, sg = e
    w("### " + name)
    w("")
    extra = ""
    if "WR_FN_NONDETERMINISTIC" in flags:
        extra = " *Non-deterministic.*"
    w("`%s`: %s%s" % (syn, desc, extra))
    w("")
    w("Signatures (argument types → result): %s." %
      ", ".join("`%s`" % x for x in sg))
    w("")
    if ex is None:
        return
    if ex.cols:
        w("Input rows `(%s)`, in this order: %s." %
          (", ".join("%s %s" % c for c in ex.cols),
           ", ".join("`%s`" % (v[0] if len(v) == 1 else
                               "(%s)" % ", ".join(v)) for v in ex.rows)))
        w("")
    if ex.examples:
        w("| Example | Result |")
        w("|---|---|")
        for _, expr, result in ex.examples:
            w("| %s | %s |" % (code(expr), code(result)))
        w("")
    for note in ex.notes:
        w(note)
        w("")
    for _, expr, msg in ex.errors:
        w("Error: `%s` is rejected with \"%s\"" % (expr, msg))
        w("")


def render(entries, examples):
    out = []
    w = out.append
    w("# Functions")
    w("")
    w("<!-- Generated by docs/gen-functions.py from src/common/func.c and "
      "docs/function-examples.txt; do not edit. -->")
    w("")
    w("Every built-in function weir knows, with its synopsis, signatures, "
      "examples and an error. This file is generated from the function "
      "registry (`src/common/func.c`) and the examples in "
      "`docs/function-examples.txt`: regenerate it with "
      "`docs/gen-functions.py -o docs/functions.md` after changing either.")
    w("")
    w("Function names are case-insensitive. The binder checks every call "
      "against the function's signatures with ksqlDB's rules (see "
      "[Function calls](sql.md#function-calls) in the SQL reference): an "
      "exact match first, then, for scalar functions only, implicit "
      "numeric widening INT → BIGINT → DECIMAL → DOUBLE. A call that fits "
      "no signature is rejected by `weir check` with \"Function 'name' "
      "does not accept parameters (TYPES).\" The engine evaluates every "
      "function with ksqlDB's semantics; a function that fails for a row "
      "gives NULL for that row and counts an expression error.")
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
    w("**Examples.** `docs/check-functions` runs every example through "
      "weir, as `SELECT <example> FROM t`: for a scalar function over a "
      "stream `t` of one row; for an aggregate over the input rows shown, "
      "as one group. Results are written as weir prints them: `'text'` "
      "for a STRING, numbers as printed (a DECIMAL keeps its scale: "
      "`1.50`), `NULL`, `TRUE`, `FALSE`, `[a, b]` for an ARRAY, "
      "`{'k': v}` for a MAP; a TIMESTAMP prints as epoch milliseconds, a "
      "DATE as days since the epoch. It also checks that `weir check` "
      "rejects each error example with the message shown.")
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
        w("| Name | Synopsis | Description |")
        w("|---|---|---|")
        for e in sorted(rows):
            w("| [%s](#%s) | %s | %s |" % (e[0], e[0].lower(), code(e[5]),
                                         cell(e[6])))
        w("")
        for e in sorted(rows):
            render_function(w, e, examples.get(e[0]))
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", nargs="?", default=DEFAULT_SRC,
                    help="path of func.c (default: src/common/func.c)")
    ap.add_argument("--examples", default=DEFAULT_EXAMPLES,
                    help="the examples file (default: "
                    "docs/function-examples.txt)")
    ap.add_argument("-o", "--output", help="write to this file")
    ap.add_argument("--check", metavar="FILE",
                    help="exit 1 if FILE differs from the generated text")
    args = ap.parse_args(argv)
    try:
        entries = read_registry(args.source)
        examples = read_examples(args.examples)
        unknown = sorted(set(examples) - set(e[0] for e in entries))
        if unknown:
            raise ValueError("%s: no function %s in the registry" %
                             (args.examples, ", ".join(unknown)))
        md = render(entries, examples)
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
