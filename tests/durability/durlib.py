"""durlib.py: helpers of the durability tests (run-crash-test, run-cron-test,
run-checkpoint-errors), Python standard library only.

- Work: a temporary work directory and every process the test started,
  cleaned up at exit (also on SIGINT/SIGTERM/SIGHUP); kept on failure when
  DUR_TEST_KEEP is set in the environment.
- start_broker / produce: `weir broker` (librdkafka's mock cluster on
  loopback) and `ktool produce`.
- Readers of the sinks as a crash-safe reader sees them: sqlite_rows (a
  table of the SQLite sink, sorted) and file_sink_rows (only the files
  named by valid `S` lines of DIR/_weir_index, see
  src/connectors/file_sink.h).
- Diagnostics of what a SIGKILL interrupted: file_sink_phase (rows written
  but not committed, a torn index line, committed but not sealed, renamed
  without its S line) and sqlite_wal_pending (frames of a transaction
  without its commit frame in the WAL).
- diff_multisets: missing / duplicated / unexpected counts.
"""

import collections
import json
import os
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zlib


class Work:
    """Temp dir + the processes started by the test, cleaned up at exit."""

    def __init__(self, name):
        self.dir = tempfile.mkdtemp(prefix="weir-%s-" % name)
        self.procs = []
        self.failed = 0
        self.passed = 0
        self._done = False
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, self._on_signal)

    def _on_signal(self, signum, frame):
        self.cleanup()
        os._exit(128 + signum)

    def path(self, *p):
        return os.path.join(self.dir, *p)

    def spawn(self, argv, cwd=None, stdout=None, stderr=None, stdin=None):
        p = subprocess.Popen(argv, cwd=cwd or self.dir, stdout=stdout,
                             stderr=stderr, stdin=stdin)
        self.procs.append(p)
        return p

    def reap(self, p):
        if p in self.procs:
            self.procs.remove(p)

    def cleanup(self):
        if self._done:
            return
        self._done = True
        for p in self.procs:
            if p.poll() is None:
                try:
                    p.kill()
                except OSError:
                    pass
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except Exception:
                pass
        self.procs = []
        if self.failed and os.environ.get("DUR_TEST_KEEP"):
            print("kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def ok(self, what):
        print("PASS %s" % what)
        self.passed += 1

    def bad(self, what, why=""):
        print("FAIL %s%s" % (what, ": " + why if why else ""))
        self.failed += 1

    def check(self, cond, what, why=""):
        if cond:
            self.ok(what)
        else:
            self.bad(what, why)
        return cond

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.stdout.flush()
        self.cleanup()
        return 1 if self.failed else 0


def tail(path, n=8):
    try:
        with open(path, errors="replace") as f:
            return " | ".join(f.read().splitlines()[-n:])
    except OSError:
        return "(no %s)" % path


def start_broker(work, *topics):
    """Starts `weir broker --topic T:N ...`; returns (process, bootstrap)."""
    out = work.path("broker.out")
    with open(out, "w") as o, open(work.path("broker.err"), "w") as e:
        argv = [WEIR, "broker"]
        for t in topics:
            argv += ["--topic", t]
        p = work.spawn(argv, stdout=o, stderr=e, stdin=subprocess.DEVNULL)
    for _ in range(100):
        with open(out) as f:
            m = re.search(r"^bootstrap: (\S+)", f.read(), re.M)
        if m:
            return p, m.group(1)
        if p.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit("broker did not start: %s" % tail(work.path("broker.err")))


def produce(work, bs, topic, lines):
    """lines: KEY TAB VALUE TAB TS [TAB PARTITION] without newlines."""
    data = "".join(l + "\n" for l in lines).encode()
    r = subprocess.run([KTOOL, "produce", bs, topic], input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    if r.returncode != 0:
        raise SystemExit("ktool produce failed: %s" % r.stderr.decode())


def run(work, args, cwd, log, timeout=120):
    """Runs `weir ARGS` to its end; returns its exit status (None when it
    had to be killed at the timeout; -N for a signal)."""
    with open(log, "w") as e:
        p = work.spawn([WEIR] + args, cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=e, stdin=subprocess.DEVNULL)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            rc = None
    work.reap(p)
    return rc


def crashed(rc, log):
    """Why a run counts as a crash (a signal, a sanitizer report), or ''."""
    if rc is None:
        return "timed out"
    if rc < 0:
        return "killed by signal %d" % -rc
    if rc >= 128:
        return "exit %d (a signal?)" % rc
    try:
        with open(log, errors="replace") as f:
            t = f.read()
    except OSError:
        t = ""
    for w in ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
              "ThreadSanitizer", "runtime error:", "Assertion", "Segmentation"):
        if w in t:
            return "the log says %r" % w
    return ""


def batch_lines(log):
    """(batch log lines, records they count, late count of the last)."""
    n = recs = late = 0
    try:
        with open(log, errors="replace") as f:
            for line in f:
                m = re.search(r" batch \d+: (\d+) records in .* (\d+) late", line)
                if m:
                    n += 1
                    recs += int(m.group(1))
                    late = max(late, int(m.group(2)))
    except OSError:
        pass
    return n, recs, late


# ---- sink readers ------------------------------------------------------


def sqlite_rows(db, table):
    """The rows of table, sorted, as tuples (None when db or table is
    missing). Read-only; no weir process may be running."""
    if not os.path.exists(db):
        return None
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        rows = c.execute('SELECT * FROM "%s"' % table.replace('"', '""')).fetchall()
    except sqlite3.Error:
        return None
    finally:
        c.close()
    return sorted(rows, key=repr)


def _unescape(s):
    if s == "%00":
        return ""
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), s)


def _index_lines(d):
    """The index's lines as (fields, valid), the last one maybe torn."""
    try:
        with open(os.path.join(d, "_weir_index"), "rb") as f:
            raw = f.read()
    except OSError:
        return None
    out = []
    parts = raw.split(b"\n")
    for i, l in enumerate(parts):
        if i == len(parts) - 1 and not l:
            break
        complete = i < len(parts) - 1
        sp = l.rfind(b" ")
        ok = complete and sp > 0 and len(l) - sp == 9
        if ok:
            h = l[sp + 1:]
            ok = re.fullmatch(rb"[0-9a-f]{8}", h) is not None and \
                int(h, 16) == zlib.crc32(l[:sp]) & 0xffffffff
        out.append((l[:sp].decode(errors="replace").split(" ") if ok else
                    l.decode(errors="replace").split(" "), ok))
    return out


def file_sink_rows(d):
    """(rows, problems): the committed rows of the exactly-once file sink
    directory d, as canonical JSON strings (sorted keys), read as the
    header of file_sink.h says a reader must: only files named by valid S
    lines; a torn last line is ignored. problems lists what contradicts the
    layout (missing files, row or byte counts that differ)."""
    lines = _index_lines(d)
    if lines is None:
        return None, ["no %s/_weir_index" % d]
    rows, problems = [], []
    for i, (f, ok) in enumerate(lines):
        if not ok:
            if i != len(lines) - 1:
                problems.append("invalid index line %d before valid ones" % (i + 1))
            continue
        if f[0] != "S":
            continue
        nrows, nbytes, name = int(f[3]), int(f[4]), _unescape(f[5])
        p = os.path.join(d, name)
        try:
            with open(p, "rb") as fh:
                data = fh.read()
        except OSError:
            problems.append("%s named by the index is missing" % name)
            continue
        if len(data) != nbytes:
            problems.append("%s: %d bytes, the index says %d" % (name, len(data), nbytes))
        got = [l for l in data.split(b"\n") if l]
        if len(got) != nrows:
            problems.append("%s: %d rows, the index says %d" % (name, len(got), nrows))
        for l in got:
            try:
                rows.append(json.dumps(json.loads(l), sort_keys=True))
            except ValueError:
                problems.append("%s: not JSON: %r" % (name, l[:80]))
    return rows, problems


def file_sink_phase(d):
    """What a kill left in file sink directory d (a diagnostic): one of
    'torn index line', 'rows not committed', 'committed, not sealed',
    'renamed, no S line', or '' (a clean state)."""
    lines = _index_lines(d)
    if not lines:
        return ""
    if not lines[-1][1]:
        return "torn index line"
    last_b = None
    after_s = False
    sealed = set()
    for f, ok in lines:
        if not ok:
            continue
        if f[0] == "B":
            last_b, after_s = f, True
        elif f[0] == "S":
            after_s = False
            sealed.add(_unescape(f[5]))
    names = os.listdir(d)
    hidden = [n for n in names if n.startswith(".part-") and n.endswith(".inprogress")]
    visible = [n for n in names if n.startswith("part-") and n not in sealed]
    if visible:
        return "renamed, no S line"
    if hidden:
        size = max(os.path.getsize(os.path.join(d, n)) for n in hidden)
        end = int(last_b[3]) if last_b and after_s else 0
        if size > end:
            return "rows not committed"
        if after_s:
            return "committed, not sealed"
    return ""


def sqlite_wal_pending(db):
    """True when db's WAL ends with frames of a transaction that has no
    commit frame (the process died inside a transaction's write)."""
    try:
        with open(db + "-wal", "rb") as f:
            w = f.read()
    except OSError:
        return False
    if len(w) < 32:
        return False
    magic, _, psz, _, s1, s2 = struct.unpack(">IIIIII", w[:24])
    if magic not in (0x377F0682, 0x377F0683) or psz == 0:
        return False
    off, pending = 32, False
    while off + 24 + psz <= len(w):
        _, commit, f1, f2 = struct.unpack(">IIII", w[off:off + 16])
        if (f1, f2) != (s1, s2):
            break
        pending = commit == 0
        off += 24 + psz
    return pending or (off < len(w) and off + 24 <= len(w) and
                       struct.unpack(">II", w[off + 8:off + 16]) == (s1, s2))


def diff_multisets(expected, actual):
    """(missing, duplicated, unexpected): rows of expected absent from
    actual; rows of actual that are copies of an expected row beyond its
    count; rows of actual that match no expected row at all."""
    e, a = collections.Counter(expected), collections.Counter(actual)
    missing = sum((e - a).values())
    extra = a - e
    dup = sum(v for k, v in extra.items() if k in e)
    unexpected = sum(v for k, v in extra.items() if k not in e)
    return missing, dup, unexpected


def compare(work, what, expected, actual, extra=""):
    """Prints `missing N, duplicated M` for a sink and counts a pass when
    both (and the unexpected rows) are 0 and expected is not empty."""
    if expected is None or actual is None:
        work.bad(what, "no rows to compare (reference %s, actual %s)" % (
            "missing" if expected is None else "%d rows" % len(expected),
            "missing" if actual is None else "%d rows" % len(actual)))
        return
    m, d, u = diff_multisets(expected, actual)
    line = "%s: %d rows (reference %d): missing %d, duplicated %d" % (
        what, len(actual), len(expected), m, d)
    if u:
        line += ", unexpected %d" % u
    if extra:
        line += extra
    if not expected:
        work.bad(line, "the reference has no rows")
    elif m or d or u:
        e, a = collections.Counter(expected), collections.Counter(actual)
        ex = list((e - a).elements())[:3]
        ax = list((a - e).elements())[:3]
        work.bad(line, "e.g. missing %s; extra %s" % (ex, ax))
    else:
        work.ok(line)


WEIR = KTOOL = None


def setup(argv, usage):
    global WEIR, KTOOL
    if len(argv) < 3:
        sys.stderr.write("usage: %s\n" % usage)
        sys.exit(2)
    WEIR = os.path.abspath(argv[1])
    KTOOL = os.path.abspath(argv[2])
    for b in (WEIR, KTOOL):
        if not os.access(b, os.X_OK):
            sys.stderr.write("%s: not an executable\n" % b)
            sys.exit(2)
