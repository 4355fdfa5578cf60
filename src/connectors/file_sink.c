/*
 * file_sink.c: the exactly-once file sink (file_sink.h): rows appended to a
 * hidden open part, batches committed by an fsync'd line in an append-only
 * index, parts sealed by a rename.
 *
 * State. Everything the index says is loaded at open and kept in memory:
 * the last committed batch, the latest next offset of every source
 * partition (a small array searched linearly: a query reads few
 * partitions), and the open part (first and last batch, rows, bytes, the
 * clock at its first commit). The index itself is only appended to;
 * `ilen` is the length of its valid prefix, where the next line goes.
 *
 * Batches. A batch's rows are encoded into `wbuf` and written with pwrite
 * at the part's committed length plus what the batch wrote so far, so a
 * rolled-back or failed batch is cut off with one ftruncate and a replay
 * of it writes the same bytes at the same offset. Nothing of the batch
 * enters the in-memory state before its B line is durable.
 *
 * Failure. An error before the commit point rolls the batch back and the
 * sink stays usable. After a failed fsync the kernel may have dropped the
 * dirty pages (so the file's contents are unknown), and after a failure
 * past the commit point the state on disk is between two of the states
 * open repairs: in both cases the sink is marked failed and refuses work
 * until it is reopened. The crash hook (wr_fsink_opts.crash_at) marks it
 * dead instead, which also stops close from touching any file.
 *
 * Memory: the sink owns an arena (paths, names, layout, offset sources),
 * the offsets array, two buffers and its descriptors. Records are borrowed
 * for the duration of a put.
 */
#include "connectors/file_sink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/buf.h"
#include "formats/format.h"

#define INDEX_NAME "_weir_index"
#define FLUSH_BYTES ((size_t)1 << 20) /* write the row buffer out past this */
#define NAME_MAX_Q 160                /* bytes of the query id in names */

/* The committed next offset of one source partition. */
typedef struct fs_off {
    const char *source; /* in the sink's arena */
    int32_t partition;  /* -1: a file */
    int64_t next;       /* offset the next batch starts at */
} fs_off;

struct wr_fsink {
    wr_arena *ar;       /* owns the strings and arrays below */
    const char *dir;    /* the directory, for messages */
    const char *query;  /* query id as given */
    const char *qname;  /* query id as used in file names */
    const char *ext;    /* "jsonl" or "csv" */
    wr_format fmt;      /* JSON or DELIMITED */
    char delim;         /* DELIMITED separator */
    bool bare;          /* write the one value unwrapped */
    bool windowed;      /* lines end with the window bounds */
    int nkeys;          /* key columns (written first) */
    int nout;           /* columns written for a row */
    int *colidx;        /* their sink column indexes */
    const char **names; /* their names */
    wr_col *scratch;    /* nout shallow column copies, per put */
    wr_fsink_opts opts; /* roll limits, clock, crash hook */
    int dfd;            /* the directory */
    int ifd;            /* the index, locked */
    int64_t ilen;       /* valid bytes of the index */
    int pfd;            /* the open part, -1: none */
    int64_t last;       /* last committed batch, -1: none */
    fs_off *offs;       /* committed offsets */
    int noffs;          /* entries used */
    int capoffs;        /* entries allocated */
    bool part_open;     /* committed rows wait in the hidden part */
    int64_t pfirst;     /* its first batch */
    int64_t plast;      /* its last batch */
    int64_t prows;      /* its rows */
    int64_t pbytes;     /* its committed length */
    int64_t pt0;        /* clock when its first batch committed */
    bool in_batch;      /* between begin and commit/rollback */
    bool replay;        /* the open batch is already committed */
    bool created;       /* the open batch created the part file */
    bool lost;          /* a put of the open batch failed */
    int64_t batch;      /* the open batch's id */
    int64_t brows;      /* its rows */
    int64_t bbytes;     /* its bytes written to the part so far */
    wr_buf wbuf;        /* rows not yet written */
    wr_buf line;        /* index lines; scratch */
    bool failed;        /* refuses work until reopened */
    bool dead;          /* crashed by the test hook */
    char why[200];      /* what failed, for later calls */
};

static weir_rc nomem(weir_status *st)
{
    return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

/* Fails with WEIR_E_IO: "<dir>[/<name>]: <what>[: strerror(err)]". */
static weir_rc io_fail(const wr_fsink *s, const char *name, int err,
                       weir_status *st, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static weir_rc io_fail(const wr_fsink *s, const char *name, int err,
                       weir_status *st, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "FILE sink %s%s%s: %s%s%s",
                    s->dir, name ? "/" : "", name ? name : "", what,
                    err ? ": " : "", err ? strerror(err) : "");
    return WEIR_E_IO;
}

/* Marks the sink failed with st's message (see the file comment). */
static weir_rc fail_hard(wr_fsink *s, weir_rc rc, const weir_status *st)
{
    s->failed = true;
    snprintf(s->why, sizeof s->why, "%.*s", (int)sizeof s->why - 1,
             st ? st->msg : "an earlier error");
    return rc;
}

/* The crash hook: true (and the sink dead) when commit must stop at c. */
static bool crash(wr_fsink *s, wr_fsink_crash c, weir_status *st)
{
    if (s->opts.crash_at != c || s->batch < s->opts.crash_batch)
        return false;
    s->dead = true;
    weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                    "FILE sink %s: simulated crash (%d)", s->dir, (int)c);
    return true;
}

static int64_t now_ms(const wr_fsink *s)
{
    if (s->opts.clock_ms)
        return s->opts.clock_ms();
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- names and index lines --------------------------------------------- */

static void part_name(const wr_fsink *s, int64_t first, char *out, size_t n)
{
    snprintf(out, n, ".part-%019" PRId64 "-%s.%s.inprogress", first, s->qname,
             s->ext);
}

static void sealed_name(const wr_fsink *s, int64_t first, int64_t last,
                        char *out, size_t n)
{
    snprintf(out, n, "part-%019" PRId64 "-%019" PRId64 "-%s.%s", first, last,
             s->qname, s->ext);
}

/* CRC-32 (IEEE 802.3, reflected, bit by bit: index lines are short). */
static uint32_t crc32_of(const char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= (unsigned char)p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

/* Appends str as one index token: %XX for bytes <= ' ', '%' and >= 0x7f;
 * "" as "%00". */
static void put_esc(wr_buf *b, const char *str)
{
    if (!*str) {
        wr_buf_puts(b, "%00");
        return;
    }
    for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
        if (*c <= ' ' || *c == '%' || *c >= 0x7f)
            wr_buf_printf(b, "%%%02X", *c);
        else
            wr_buf_putc(b, (char)*c);
    }
}

/* A cursor over the space-separated tokens of a line body. */
typedef struct fs_cur {
    const char *p;   /* next token */
    const char *end; /* end of the body */
} fs_cur;

static bool next_tok(fs_cur *c, const char **t, size_t *n)
{
    if (c->p >= c->end)
        return false;
    const char *sp = memchr(c->p, ' ', (size_t)(c->end - c->p));
    const char *e = sp ? sp : c->end;
    *t = c->p;
    *n = (size_t)(e - c->p);
    c->p = sp ? sp + 1 : c->end;
    return *n > 0;
}

/* Reads a decimal integer token ("-" allowed, no overflow). */
static bool tok_i64(fs_cur *c, int64_t *v)
{
    const char *t;
    size_t n;
    if (!next_tok(c, &t, &n))
        return false;
    size_t i = t[0] == '-';
    if (i == n || n - i > 19)
        return false;
    uint64_t u = 0;
    for (; i < n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return false;
        u = u * 10 + (uint64_t)(t[i] - '0');
    }
    if (u > (uint64_t)INT64_MAX)
        return false;
    *v = t[0] == '-' ? -(int64_t)u : (int64_t)u;
    return true;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* Reads an escaped token into out (reset first). False when malformed. */
static bool tok_str(fs_cur *c, wr_buf *out)
{
    const char *t;
    size_t n;
    wr_buf_reset(out);
    if (!next_tok(c, &t, &n))
        return false;
    if (n == 3 && !memcmp(t, "%00", 3)) {
        wr_buf_puts(out, ""); /* allocates: wr_buf_str stays valid */
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        if (t[i] != '%') {
            wr_buf_putc(out, t[i]);
            continue;
        }
        int hi = i + 2 < n ? hexval(t[i + 1]) : -1;
        int lo = i + 2 < n ? hexval(t[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
            return false;
        wr_buf_putc(out, (char)(hi * 16 + lo));
        i += 2;
    }
    return true;
}

/* ---- index writes ------------------------------------------------------ */

/* Writes all of p[0..n) at offset off; an errno value, or 0. */
static int pwrite_all(int fd, const char *p, size_t n, int64_t off)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno;
        if (w == 0)
            return EIO;
        p += w;
        n -= (size_t)w;
        off += w;
    }
    return 0;
}

/* Appends s->line (a body) as an index line with its CRC, then fsyncs the
 * index. torn: the crash hook that writes half the line. A failed write
 * is cut off again (the sink stays usable); a failed fsync, or a failed
 * cut, fails the sink. */
static weir_rc index_append(wr_fsink *s, wr_fsink_crash torn, weir_status *st)
{
    wr_buf *b = &s->line;
    wr_buf_printf(b, " %08" PRIx32 "\n", crc32_of(b->s, b->len));
    if (b->oom) {
        wr_buf_fini(b); /* clears oom */
        return nomem(st);
    }
    if (torn != WR_FSINK_CRASH_NONE && s->opts.crash_at == torn &&
        s->batch >= s->opts.crash_batch) {
        (void)pwrite_all(s->ifd, b->s, b->len / 2, s->ilen);
        crash(s, torn, st);
        return WEIR_E_IO;
    }
    int err = pwrite_all(s->ifd, b->s, b->len, s->ilen);
    if (err) {
        io_fail(s, INDEX_NAME, err, st, "cannot append");
        if (ftruncate(s->ifd, (off_t)s->ilen) != 0)
            return fail_hard(s, WEIR_E_IO, st);
        return WEIR_E_IO;
    }
    if (fsync(s->ifd) != 0)
        return fail_hard(s, io_fail(s, INDEX_NAME, errno, st, "fsync"), st);
    s->ilen += (int64_t)b->len;
    return WEIR_OK;
}

/* The H line of a new index. */
static weir_rc write_header(wr_fsink *s, weir_status *st)
{
    wr_buf_reset(&s->line);
    wr_buf_puts(&s->line, "H 1 ");
    put_esc(&s->line, s->query);
    wr_buf_puts(&s->line, s->fmt == WR_FMT_JSON ? " json" : " csv");
    weir_rc rc = index_append(s, WR_FSINK_CRASH_NONE, st);
    if (rc == WEIR_OK && fsync(s->dfd) != 0)
        rc = io_fail(s, NULL, errno, st, "fsync of the directory");
    return rc;
}

/* Seals the open part: rename to its final name, fsync the directory,
 * append the S line. Its rows are durable already. Any failure fails the
 * sink: the part is committed, the next open finishes the seal. */
static weir_rc seal(wr_fsink *s, weir_status *st)
{
    char from[256], to[256];
    part_name(s, s->pfirst, from, sizeof from);
    sealed_name(s, s->pfirst, s->plast, to, sizeof to);
    if (s->pfd >= 0)
        close(s->pfd);
    s->pfd = -1;
    if (renameat(s->dfd, from, s->dfd, to) != 0)
        return fail_hard(
            s, io_fail(s, from, errno, st, "cannot rename to %s", to), st);
    if (crash(s, WR_FSINK_CRASH_RENAMED, st))
        return WEIR_E_IO;
    if (fsync(s->dfd) != 0)
        return fail_hard(
            s, io_fail(s, NULL, errno, st, "fsync of the directory"), st);
    wr_buf_reset(&s->line);
    wr_buf_printf(&s->line,
                  "S %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " ",
                  s->pfirst, s->plast, s->prows, s->pbytes);
    put_esc(&s->line, to);
    weir_rc rc = index_append(s, WR_FSINK_CRASH_TORN_SEAL, st);
    if (rc != WEIR_OK)
        return s->dead ? rc : fail_hard(s, rc, st);
    s->part_open = false;
    return WEIR_OK;
}

/* ---- index reads ------------------------------------------------------- */

/* Sets the committed next offset of source/partition. */
static bool set_offset(wr_fsink *s, const char *source, int32_t partition,
                       int64_t next)
{
    for (int i = 0; i < s->noffs; i++)
        if (s->offs[i].partition == partition &&
            !strcmp(s->offs[i].source, source)) {
            s->offs[i].next = next;
            return true;
        }
    if (s->noffs == s->capoffs) {
        int cap = s->capoffs ? s->capoffs * 2 : 8;
        fs_off *o = wr_realloc(s->offs, sizeof *o * (size_t)cap);
        if (!o)
            return false;
        s->offs = o;
        s->capoffs = cap;
    }
    const char *src = wr_arena_strdup(s->ar, source);
    if (!src)
        return false;
    s->offs[s->noffs++] = (fs_off){src, partition, next};
    return true;
}

/* Line check results. */
enum { LINE_OK, LINE_TORN, LINE_BAD };

/*
 * Checks one index line p[0..n) (without its newline) and, when apply,
 * applies it to the state. LINE_TORN: wrong CRC or syntax (what a crash
 * leaves); LINE_BAD: a valid line that contradicts the index so far, or
 * another owner (with st set); LINE_OK. scratch is reset and reused.
 */
static int check_line(wr_fsink *s, const char *p, size_t n, bool first,
                      bool apply, wr_buf *scratch, weir_status *st)
{
    const char *sp = n >= 10 ? p + n - 9 : NULL;
    if (!sp || *sp != ' ')
        return LINE_TORN;
    uint32_t crc = 0;
    for (int i = 1; i <= 8; i++) {
        int h = hexval(sp[i]);
        if (h < 0 || (sp[i] >= 'A' && sp[i] <= 'F'))
            return LINE_TORN;
        crc = crc * 16 + (uint32_t)h;
    }
    if (crc != crc32_of(p, (size_t)(sp - p)))
        return LINE_TORN;
    fs_cur c = {p, sp};
    const char *t;
    size_t tn;
    if (!next_tok(&c, &t, &tn) || tn != 1)
        return LINE_TORN;
    char kind = t[0];
    if (first != (kind == 'H')) {
        io_fail(s, INDEX_NAME, 0, st, "%s",
                first ? "no header line" : "a second header line");
        return LINE_BAD;
    }
    int64_t v[4];
    if (kind == 'H') {
        const char *f;
        size_t fn;
        if (!tok_i64(&c, &v[0]) || !tok_str(&c, scratch) ||
            !next_tok(&c, &f, &fn) || c.p != c.end)
            return LINE_TORN;
        if (v[0] != 1) {
            io_fail(s, INDEX_NAME, 0, st,
                    "index version %" PRId64 " is not supported", v[0]);
            return LINE_BAD;
        }
        const char *mine = s->fmt == WR_FMT_JSON ? "json" : "csv";
        if (strcmp(wr_buf_str(scratch), s->query) != 0 || fn != strlen(mine) ||
            memcmp(f, mine, fn) != 0) {
            weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                            "FILE sink %s: the directory holds the %.*s "
                            "output of query %s; it cannot take the %s "
                            "output of query %s",
                            s->dir, (int)fn, f, wr_buf_str(scratch), mine,
                            s->query);
            return LINE_BAD;
        }
        return LINE_OK;
    }
    if (kind == 'S') {
        if (!tok_i64(&c, &v[0]) || !tok_i64(&c, &v[1]) || !tok_i64(&c, &v[2]) ||
            !tok_i64(&c, &v[3]) || !tok_str(&c, scratch) || c.p != c.end)
            return LINE_TORN;
        char want[256];
        sealed_name(s, s->pfirst, s->plast, want, sizeof want);
        if (!s->part_open || v[0] != s->pfirst || v[1] != s->plast ||
            v[2] != s->prows || v[3] != s->pbytes ||
            strcmp(wr_buf_str(scratch), want) != 0) {
            io_fail(s, INDEX_NAME, 0, st,
                    "seal of batches %" PRId64 "..%" PRId64
                    " does not match the batches committed before it",
                    v[0], v[1]);
            return LINE_BAD;
        }
        if (apply)
            s->part_open = false;
        return LINE_OK;
    }
    if (kind != 'B')
        return LINE_TORN;
    int64_t batch, rows, end, nsrc;
    if (!tok_i64(&c, &batch) || !tok_i64(&c, &rows) || !tok_i64(&c, &end) ||
        !tok_i64(&c, &nsrc) || nsrc < 0 || rows < 0)
        return LINE_TORN;
    for (int64_t i = 0; i < nsrc; i++) {
        if (!tok_str(&c, scratch) || !tok_i64(&c, &v[0]) ||
            !tok_i64(&c, &v[1]) || v[0] < INT32_MIN || v[0] > INT32_MAX)
            return LINE_TORN;
        if (apply && !set_offset(s, wr_buf_str(scratch), (int32_t)v[0], v[1])) {
            nomem(st);
            return LINE_BAD;
        }
    }
    if (c.p != c.end)
        return LINE_TORN;
    int64_t base = s->part_open ? s->pbytes : 0;
    if (batch <= s->last || batch < 0 || (rows > 0 && end <= base) ||
        (rows == 0 && end != base)) {
        io_fail(s, INDEX_NAME, 0, st,
                "batch %" PRId64 " does not follow the batches before it",
                batch);
        return LINE_BAD;
    }
    if (!apply)
        return LINE_OK;
    s->last = batch;
    if (rows > 0) {
        if (!s->part_open) {
            s->part_open = true;
            s->pfirst = batch;
            s->prows = 0;
        }
        s->plast = batch;
        s->prows += rows;
        s->pbytes = end;
    }
    return LINE_OK;
}

/* Reads the index, cuts a torn tail, and loads the state; writes the
 * header of a new (or never completed) index. */
static weir_rc load_index(wr_fsink *s, weir_status *st)
{
    struct stat sb;
    if (fstat(s->ifd, &sb) != 0)
        return io_fail(s, INDEX_NAME, errno, st, "stat");
    size_t size = (size_t)sb.st_size;
    char *text = wr_malloc(size + 1);
    if (!text)
        return nomem(st);
    size_t got = 0;
    while (got < size) {
        ssize_t r = pread(s->ifd, text + got, size - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            wr_free(text);
            return io_fail(s, INDEX_NAME, r < 0 ? errno : EIO, st, "read");
        }
        got += (size_t)r;
    }
    wr_buf scratch = WR_BUF_INIT;
    weir_rc rc = WEIR_OK;
    size_t pos = 0;
    int lineno = 0;
    while (pos < size) {
        const char *nl = memchr(text + pos, '\n', size - pos);
        int r = LINE_TORN;
        if (nl) {
            size_t n = (size_t)(nl - (text + pos));
            r = check_line(s, text + pos, n, lineno == 0, false, &scratch, st);
            if (r == LINE_OK)
                r = check_line(s, text + pos, n, lineno == 0, true, &scratch,
                               st);
        }
        if (scratch.oom) /* never mistake our own failure for a tear */
            r = (nomem(st), LINE_BAD);
        if (r == LINE_BAD) {
            rc = st ? st->code : WEIR_E_IO;
            if (rc == WEIR_OK)
                rc = WEIR_E_IO;
            break;
        }
        if (r == LINE_TORN) {
            /* A crash tears the last line only: a valid line after this
             * one means the index is damaged, not torn. */
            for (const char *q = nl; q && q + 1 < text + size;) {
                const char *e =
                    memchr(q + 1, '\n', (size_t)(text + size - q - 1));
                if (!e)
                    break;
                if (check_line(s, q + 1, (size_t)(e - q - 1), false, false,
                               &scratch, NULL) != LINE_TORN ||
                    scratch.oom) {
                    rc = io_fail(s, INDEX_NAME, 0, st,
                                 "line %d is damaged but later lines are "
                                 "not; refusing to cut committed batches",
                                 lineno + 1);
                    break;
                }
                q = e;
            }
            if (rc != WEIR_OK)
                break;
            if (ftruncate(s->ifd, (off_t)pos) != 0 || fsync(s->ifd) != 0) {
                rc = io_fail(s, INDEX_NAME, errno, st,
                             "cannot cut the torn last line");
                break;
            }
            break;
        }
        lineno++;
        pos = (size_t)(nl - text) + 1;
    }
    wr_free(text);
    wr_buf_fini(&scratch);
    s->ilen = (int64_t)pos;
    if (rc == WEIR_OK && lineno == 0) /* new, or the header was torn */
        rc = write_header(s, st);
    return rc;
}

/* Removes stale hidden parts of this query, then seals the open part, or
 * finishes its seal when it was renamed already. */
static weir_rc recover(wr_fsink *s, weir_status *st)
{
    char mine[256], pre[8] = ".part-", suf[220];
    part_name(s, s->pfirst, mine, sizeof mine);
    snprintf(suf, sizeof suf, "-%s.%s.inprogress", s->qname, s->ext);
    size_t nsuf = strlen(suf);
    bool found = false;
    DIR *d = opendir(s->dir);
    if (!d)
        return io_fail(s, NULL, errno, st, "cannot list the directory");
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, pre, strlen(pre)) != 0 || n < nsuf ||
            strcmp(e->d_name + n - nsuf, suf) != 0)
            continue;
        if (s->part_open && !strcmp(e->d_name, mine)) {
            found = true;
            continue;
        }
        if (unlinkat(s->dfd, e->d_name, 0) != 0 && errno != ENOENT) {
            int err = errno;
            closedir(d);
            return io_fail(s, e->d_name, err, st, "cannot remove");
        }
    }
    closedir(d);
    if (!s->part_open)
        return WEIR_OK;
    char sealed[256];
    sealed_name(s, s->pfirst, s->plast, sealed, sizeof sealed);
    struct stat sb;
    if (found) {
        s->pfd = openat(s->dfd, mine, O_RDWR | O_CLOEXEC);
        if (s->pfd < 0 || fstat(s->pfd, &sb) != 0)
            return io_fail(s, mine, errno, st, "cannot open");
        if (sb.st_size < s->pbytes)
            return io_fail(s, mine, 0, st,
                           "has %lld bytes but batches %" PRId64 "..%" PRId64
                           " committed %" PRId64,
                           (long long)sb.st_size, s->pfirst, s->plast,
                           s->pbytes);
        if (sb.st_size > s->pbytes &&
            (ftruncate(s->pfd, (off_t)s->pbytes) != 0 || fsync(s->pfd) != 0))
            return io_fail(s, mine, errno, st, "cannot cut uncommitted rows");
        return seal(s, st);
    }
    if (fstatat(s->dfd, sealed, &sb, 0) != 0 || sb.st_size != s->pbytes)
        return io_fail(s, NULL, 0, st,
                       "committed batches %" PRId64 "..%" PRId64
                       " are missing: neither %s nor %s (%" PRId64
                       " bytes) exists",
                       s->pfirst, s->plast, mine, sealed, s->pbytes);
    /* Renamed before the crash: only the S line is missing. */
    wr_buf_reset(&s->line);
    wr_buf_printf(&s->line,
                  "S %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " ",
                  s->pfirst, s->plast, s->prows, s->pbytes);
    put_esc(&s->line, sealed);
    weir_rc rc = index_append(s, WR_FSINK_CRASH_NONE, st);
    if (rc == WEIR_OK)
        s->part_open = false;
    return rc;
}

/* ---- open -------------------------------------------------------------- */

/* The written columns: keys, then values, less a windowed result's copies
 * of its window bounds. */
static bool build_layout(wr_fsink *s, const wr_psink *schema)
{
    size_t n = (size_t)schema->ncols + 1;
    s->colidx = wr_arena_zalloc(s->ar, sizeof(int) * n);
    s->names = wr_arena_zalloc(s->ar, sizeof(char *) * n);
    s->scratch = wr_arena_zalloc(s->ar, sizeof(wr_col) * n);
    if (!s->colidx || !s->names || !s->scratch)
        return false;
    for (int i = 0; i < schema->ncols; i++) {
        const char *name = schema->names[i];
        if (i >= s->nkeys && s->windowed &&
            (!strcmp(name, "WINDOWSTART") || !strcmp(name, "WINDOWEND")))
            continue;
        s->colidx[s->nout] = i;
        if (!(s->names[s->nout++] = wr_arena_strdup(s->ar, name)))
            return false;
    }
    return true;
}

/* The '/' before `slash` in dir, or NULL (memrchr is a GNU extension). */
static const char *memrchr_compat(const char *dir, const char *slash)
{
    for (const char *c = slash - 1; c >= dir; c--)
        if (*c == '/')
            return c;
    return NULL;
}

/* The query id for file names: [A-Za-z0-9_.-], others as '_'. */
static char *file_query(wr_arena *ar, const char *q)
{
    size_t n = strlen(q);
    if (n > NAME_MAX_Q)
        n = NAME_MAX_Q;
    char *out = wr_arena_strndup(ar, q, n);
    for (size_t i = 0; out && i < n; i++) {
        char c = out[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        if (!ok)
            out[i] = '_';
    }
    return out;
}

/* Fsyncs the directory holding s->dir (after creating s->dir). */
static weir_rc sync_parent(wr_fsink *s, weir_status *st)
{
    const char *slash = strrchr(s->dir, '/');
    while (slash && slash > s->dir && slash[1] == '\0') /* "a/b/" */
        slash = memrchr_compat(s->dir, slash);
    char *parent =
        !slash ? wr_arena_strdup(s->ar, ".")
        : slash == s->dir
            ? wr_arena_strdup(s->ar, "/")
            : wr_arena_strndup(s->ar, s->dir, (size_t)(slash - s->dir));
    if (!parent)
        return nomem(st);
    int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return io_fail(s, NULL, err, st, "fsync of its parent directory");
    }
    close(fd);
    return WEIR_OK;
}

static weir_rc open_files(wr_fsink *s, weir_status *st)
{
    if (mkdir(s->dir, 0777) == 0) {
        /* The new directory's own entry must be durable too, or a power
         * loss could take the committed batches with it. */
        weir_rc rc = sync_parent(s, st);
        if (rc != WEIR_OK)
            return rc;
    } else if (errno != EEXIST) {
        return io_fail(s, NULL, errno, st, "cannot create the directory");
    }
    s->dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dfd < 0 && errno == ENOTDIR)
        return io_fail(s, NULL, 0, st,
                       "not a directory (an exactly-once FILE sink writes "
                       "a directory of part files)");
    if (s->dfd < 0)
        return io_fail(s, NULL, errno, st, "cannot open the directory");
    s->ifd = openat(s->dfd, INDEX_NAME, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (s->ifd < 0)
        return io_fail(s, INDEX_NAME, errno, st, "cannot open");
    struct flock lk;
    memset(&lk, 0, sizeof lk);
    lk.l_type = F_WRLCK;
    lk.l_whence = SEEK_SET;
    if (fcntl(s->ifd, F_SETLK, &lk) != 0) {
        int err = errno;
        io_fail(s, INDEX_NAME, err, st, "%s",
                err == EACCES || err == EAGAIN
                    ? "in use by another process (a query already writes "
                      "this directory)"
                    : "cannot lock");
        if (st)
            st->retriable = err == EACCES || err == EAGAIN;
        return WEIR_E_IO;
    }
    weir_rc rc = load_index(s, st);
    return rc == WEIR_OK ? recover(s, st) : rc;
}

wr_fsink *wr_fsink_open(const char *dir, const wr_psink *schema,
                        const char *query_id, const wr_fsink_opts *opts,
                        weir_status *st)
{
    if (schema->value_format != WR_FMT_JSON &&
        schema->value_format != WR_FMT_DELIMITED) {
        weir_status_set(st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                        "FILE sink %s: VALUE_FORMAT %s cannot be written to "
                        "files; use JSON or DELIMITED",
                        dir, wr_format_name(schema->value_format));
        return NULL;
    }
    if (schema->ncols < 0 || schema->nkeys < 0 ||
        schema->nkeys > schema->ncols) {
        weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                        "FILE sink %s: bad schema", dir);
        return NULL;
    }
    wr_fsink *s = wr_malloc(sizeof *s);
    if (!s) {
        nomem(st);
        return NULL;
    }
    memset(s, 0, sizeof *s);
    s->wbuf = (wr_buf)WR_BUF_INIT;
    s->line = (wr_buf)WR_BUF_INIT;
    s->dfd = s->ifd = s->pfd = -1;
    s->last = -1;
    s->failed = true; /* until open completes: close touches no file */
    s->fmt = schema->value_format;
    s->delim = schema->delim ? schema->delim : ',';
    s->windowed = schema->window.kind != 0;
    s->nkeys = schema->nkeys;
    s->bare = schema->unwrap && schema->nkeys == 0 && !s->windowed &&
              schema->ncols == 1;
    s->ext = s->fmt == WR_FMT_JSON ? "jsonl" : "csv";
    if (opts)
        s->opts = *opts;
    if (!query_id || !*query_id)
        query_id = "out";
    s->ar = wr_arena_new(0);
    if (!s->ar || !(s->dir = wr_arena_strdup(s->ar, dir)) ||
        !(s->query = wr_arena_strdup(s->ar, query_id)) ||
        !(s->qname = file_query(s->ar, query_id)) || !build_layout(s, schema)) {
        wr_fsink_close(s);
        nomem(st);
        return NULL;
    }
    if (open_files(s, st) != WEIR_OK) {
        wr_fsink_close(s);
        return NULL;
    }
    s->failed = false;
    return s;
}

/* ---- batches ----------------------------------------------------------- */

/* Refuses work on a failed or dead sink. */
static weir_rc check_usable(const wr_fsink *s, weir_status *st)
{
    if (s->dead)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                               "FILE sink %s: crashed (test hook)", s->dir);
    if (s->failed)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                               "FILE sink %s: failed earlier (%s); reopen it",
                               s->dir, s->why);
    return WEIR_OK;
}

weir_rc wr_fsink_begin(wr_fsink *s, int64_t batch_id, weir_status *st)
{
    weir_rc rc = check_usable(s, st);
    if (rc != WEIR_OK)
        return rc;
    if (s->in_batch)
        return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "FILE sink %s: batch %" PRId64 " is still open",
                               s->dir, s->batch);
    if (batch_id < 0)
        return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "FILE sink %s: negative batch id %" PRId64,
                               s->dir, batch_id);
    s->in_batch = true;
    s->replay = batch_id <= s->last;
    s->batch = batch_id;
    s->brows = s->bbytes = 0;
    s->created = false;
    s->lost = false;
    wr_buf_reset(&s->wbuf);
    return WEIR_OK;
}

/* Writes the buffered rows to the open part (creating it for the part's
 * first batch). */
static weir_rc flush_rows(wr_fsink *s, weir_status *st)
{
    if (s->wbuf.len == 0)
        return WEIR_OK;
    char name[256];
    part_name(s, s->part_open ? s->pfirst : s->batch, name, sizeof name);
    if (s->pfd < 0) {
        s->pfd = openat(s->dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        0666);
        if (s->pfd < 0)
            return io_fail(s, name, errno, st, "cannot create");
        s->created = true;
    }
    int64_t off = (s->part_open ? s->pbytes : 0) + s->bbytes;
    int err = pwrite_all(s->pfd, s->wbuf.s, s->wbuf.len, off);
    if (err)
        return io_fail(s, name, err, st, "cannot write batch %" PRId64,
                       s->batch);
    s->bbytes += (int64_t)s->wbuf.len;
    wr_buf_reset(&s->wbuf);
    return WEIR_OK;
}

/* Appends o's line (see file_sink.h, Rows) to b. */
static void encode_row(wr_fsink *s, const wr_out *o, wr_buf *b)
{
    if (s->bare && o->value) {
        wr_encode_value_unwrapped(s->fmt, &o->cols[0], o->row, b);
        wr_buf_putc(b, '\n');
        return;
    }
    int m = o->value ? s->nout : s->nkeys;
    for (int j = 0; j < m; j++)
        s->scratch[j] = o->cols[s->colidx[j]];
    size_t start = b->len;
    wr_encode_value(s->fmt, s->delim, s->names, s->scratch, m, o->row, b);
    if (s->fmt == WR_FMT_JSON) {
        if (b->oom || b->len <= start || b->s[b->len - 1] != '}')
            return;
        b->len--; /* reopen the object */
        const char *sep = m > 0 ? "," : "";
        if (s->windowed) {
            wr_buf_printf(
                b, "%s\"WINDOWSTART\":%" PRId64 ",\"WINDOWEND\":%" PRId64, sep,
                o->wstart, o->wend);
            sep = ",";
        }
        if (!o->value)
            wr_buf_printf(b, "%s\"_deleted\":true", sep);
        wr_buf_putc(b, '}');
    } else if (s->windowed) {
        if (m > 0)
            wr_buf_putc(b, s->delim);
        wr_buf_printf(b, "%" PRId64 "%c%" PRId64, o->wstart, s->delim, o->wend);
    }
    wr_buf_putc(b, '\n');
}

weir_rc wr_fsink_put(wr_fsink *s, const wr_out *o, weir_status *st)
{
    weir_rc rc = check_usable(s, st);
    if (rc != WEIR_OK)
        return rc;
    if (!s->in_batch)
        return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "FILE sink %s: write outside a batch", s->dir);
    if (o->windowed != s->windowed)
        return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "FILE sink %s: the sink is %s but the record "
                               "is %s",
                               s->dir,
                               s->windowed ? "windowed" : "not windowed",
                               o->windowed ? "windowed" : "not windowed");
    if (s->replay)
        return WEIR_OK;
    encode_row(s, o, &s->wbuf);
    if (s->wbuf.oom) {
        wr_buf_fini(&s->wbuf); /* clears oom */
        s->lost = true;
        return nomem(st);
    }
    s->brows++;
    rc = s->wbuf.len >= FLUSH_BYTES ? flush_rows(s, st) : WEIR_OK;
    s->lost = s->lost || rc != WEIR_OK;
    return rc;
}

void wr_fsink_rollback(wr_fsink *s)
{
    if (!s || !s->in_batch || s->dead)
        return;
    s->in_batch = false;
    wr_buf_reset(&s->wbuf);
    if (s->replay || s->failed || s->pfd < 0)
        return;
    if (s->part_open) {
        if (ftruncate(s->pfd, (off_t)s->pbytes) != 0) {
            s->failed = true;
            snprintf(s->why, sizeof s->why,
                     "cannot cut a rolled-back batch: %s", strerror(errno));
        }
        return;
    }
    char name[256];
    part_name(s, s->batch, name, sizeof name);
    close(s->pfd);
    s->pfd = -1;
    unlinkat(s->dfd, name, 0); /* else removed by the next open */
}

/* Whether the open part is due to be sealed after a commit. */
static bool due(const wr_fsink *s)
{
    const wr_fsink_opts *o = &s->opts;
    if (o->roll_bytes <= 0 && o->roll_ms <= 0)
        return true;
    return (o->roll_bytes > 0 && s->pbytes >= o->roll_bytes) ||
           (o->roll_ms > 0 && now_ms(s) - s->pt0 >= o->roll_ms);
}

weir_rc wr_fsink_commit(wr_fsink *s, int n, const char *const *sources,
                        const int32_t *partitions, const int64_t *next_offsets,
                        weir_status *st)
{
    weir_rc rc = check_usable(s, st);
    if (rc != WEIR_OK)
        return rc;
    if (!s->in_batch)
        return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "FILE sink %s: commit outside a batch", s->dir);
    if (s->replay) { /* committed before: the first commit wins */
        s->in_batch = false;
        return WEIR_OK;
    }
    if (s->lost) {
        wr_fsink_rollback(s);
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                               "FILE sink %s: batch %" PRId64 " lost rows in "
                               "a failed write; it was rolled back",
                               s->dir, s->batch);
    }
    /* 1. rows durable (and the new part's directory entry) */
    if (s->brows > 0) {
        char name[256];
        part_name(s, s->part_open ? s->pfirst : s->batch, name, sizeof name);
        if ((rc = flush_rows(s, st)) != WEIR_OK) {
            wr_fsink_rollback(s);
            return rc;
        }
        if (crash(s, WR_FSINK_CRASH_UNSYNCED, st))
            return WEIR_E_IO;
        if (fsync(s->pfd) != 0)
            return fail_hard(s, io_fail(s, name, errno, st, "fsync"), st);
        if (s->created && fsync(s->dfd) != 0)
            return fail_hard(
                s, io_fail(s, NULL, errno, st, "fsync of the directory"), st);
    }
    /* 2. the commit point: the B line */
    int64_t end = (s->part_open ? s->pbytes : 0) + s->bbytes;
    wr_buf *b = &s->line;
    wr_buf_reset(b);
    wr_buf_printf(b, "B %" PRId64 " %" PRId64 " %" PRId64 " %d", s->batch,
                  s->brows, end, n);
    for (int i = 0; i < n; i++) {
        wr_buf_putc(b, ' ');
        put_esc(b, sources[i]);
        wr_buf_printf(b, " %" PRId32 " %" PRId64, partitions[i],
                      next_offsets[i]);
    }
    rc = index_append(s, WR_FSINK_CRASH_TORN_COMMIT, st);
    if (rc != WEIR_OK) {
        if (!s->dead)
            wr_fsink_rollback(s);
        return rc;
    }
    s->in_batch = false;
    s->last = s->batch;
    for (int i = 0; i < n; i++)
        if (!set_offset(s, sources[i], partitions[i], next_offsets[i]))
            return fail_hard(s, nomem(st), st); /* on disk, not in memory */
    if (s->brows > 0) {
        if (!s->part_open) {
            s->part_open = true;
            s->pfirst = s->batch;
            s->prows = 0;
            s->pt0 = now_ms(s);
        }
        s->plast = s->batch;
        s->prows += s->brows;
        s->pbytes = end;
    }
    if (crash(s, WR_FSINK_CRASH_COMMITTED, st))
        return WEIR_E_IO;
    /* 3. roll */
    if (s->part_open && due(s) && (rc = seal(s, st)) != WEIR_OK) {
        if (st && !s->dead) {
            char msg[sizeof st->msg];
            snprintf(msg, sizeof msg,
                     "batch %" PRId64 " is committed, but %.*s", s->batch,
                     (int)sizeof msg - 60, st->msg);
            snprintf(st->msg, sizeof st->msg, "%s", msg);
        }
        return rc;
    }
    return WEIR_OK;
}

weir_rc wr_fsink_offsets(wr_fsink *s, const char *source, int32_t partition,
                         int64_t *next, weir_status *st)
{
    (void)st;
    *next = -1;
    for (int i = 0; i < s->noffs; i++)
        if (s->offs[i].partition == partition &&
            !strcmp(s->offs[i].source, source))
            *next = s->offs[i].next;
    return WEIR_OK;
}

weir_rc wr_fsink_last_batch(wr_fsink *s, int64_t *batch, weir_status *st)
{
    (void)st;
    *batch = s->last;
    return WEIR_OK;
}

void wr_fsink_close(wr_fsink *s)
{
    if (!s)
        return;
    if (!s->dead && !s->failed) {
        wr_fsink_rollback(s);
        if (s->part_open && !s->failed)
            (void)seal(s, NULL);
    }
    if (s->pfd >= 0)
        close(s->pfd);
    if (s->ifd >= 0)
        close(s->ifd); /* releases the lock */
    if (s->dfd >= 0)
        close(s->dfd);
    wr_buf_fini(&s->wbuf);
    wr_buf_fini(&s->line);
    wr_free(s->offs);
    wr_arena_free(s->ar);
    wr_free(s);
}
