/*
 * join_bench.c: stream-stream join throughput and the size of its state.
 *
 *   join_bench [--runs N] [--limit EVENTS] [--slice-ms D] [--expect ROWS]
 *              A.jsonl B.jsonl SQL
 *
 * SQL is two CREATE STREAMs followed by one query (see join_bench.sh). A
 * query over two sources (FROM a JOIN b) gets A.jsonl as its first scan
 * and B.jsonl as its second; a query over one source (the baseline) gets
 * both files, as two sources of the same scan. Only the first --limit
 * lines of each file are read (all of them by default).
 *
 * Feeding. The files are streamed, not loaded: each source has a read
 * buffer that holds one slice of event time (plus a read chunk), so the
 * process's memory is the engine's state and not the input. Event time is
 * cut into slices of D ms (default 1000): the micro-batch of A's records
 * with ts before the slice's end, then B's, then the next slice; the two
 * sources never drift apart by more than D, so a join with a GRACE PERIOD
 * of at least D loses no pair to expiry. The ts is read from the line
 * ("ts": in the JSON object), the engine decodes the rest. Output rows go
 * to a null sink that only counts them.
 *
 * Measures. Only the engine's calls are timed (wr_qrun_batch and
 * wr_qrun_finish); reading the files and finding each line's ts are not.
 * records/s is the records of both files over that time, the median of N
 * runs. After every slice (outside the timed part) glibc's mallinfo2()
 * gives the heap in use (meaningless under ASan, which has its own heap); its
 * rise over the level before the run is the query's state (the join buffers,
 * plus transient output rows of the batch, plus the read buffers, which stay
 * small), reported as the peak and at each quarter of the stream, so that
 * growth with stream length shows up within one run. The engine itself does not
 * expose the size of join state. The process's peak RSS (getrusage ru_maxrss)
 * is printed last. Exits 1 when
 * --expect is given and the output row count differs.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine/engine_int.h"
#include "exec/exec.h"

#include "bench.h"

#define READ_CHUNK ((size_t)1 << 20) /* bytes per fread */

/* One source file, streamed line by line. */
typedef struct reader {
    const char *path; /* file name (borrowed from argv) */
    FILE *f;          /* open file */
    char *buf;        /* lines read, not yet fed; NUL after len */
    size_t cap;       /* buf size, minus the NUL */
    size_t len;       /* bytes held */
    size_t pos;       /* start of the next line to feed */
    bool eof;         /* nothing more to fread */
    long long lines;  /* lines taken so far */
    long long limit;  /* lines to take at most */
    wr_record *recs;  /* the records of the current slice */
    int nrec;         /* their count */
    int rcap;         /* recs capacity */
} reader;

static weir_rc count_out(void *ctx, const wr_qplan *p, const wr_out *o,
                         weir_status *st)
{
    (void)p;
    (void)o;
    (void)st;
    ++*(int64_t *)ctx;
    return WEIR_OK;
}

/* Bytes of heap in use (malloc'd and not freed). */
static double heap_used(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (double)(mi.uordblks + mi.hblkhd);
}

/* The number of lines of path, at most limit (a last line without a
 * newline counts), or -1 (with a message) when it cannot be read. */
static long long count_lines(const char *path, long long limit)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    char *buf = malloc(READ_CHUNK);
    long long n = 0;
    size_t got = 0;
    char lastc = '\n';
    while (buf && n < limit && (got = fread(buf, 1, READ_CHUNK, f)) > 0) {
        for (char *p = buf, *e = buf + got;
             n < limit && (p = memchr(p, '\n', (size_t)(e - p))); p++)
            n++;
        lastc = buf[got - 1];
    }
    if (n < limit && lastc != '\n')
        n++;
    free(buf);
    fclose(f);
    return n;
}

/* Opens rd on path, reading at most limit lines. Returns false (and says
 * why on stderr) when the file cannot be opened. */
static bool reader_open(reader *rd, const char *path, long long limit)
{
    memset(rd, 0, sizeof *rd);
    rd->path = path;
    rd->limit = limit;
    rd->f = fopen(path, "rb");
    if (!rd->f) {
        perror(path);
        return false;
    }
    return true;
}

static void reader_close(reader *rd)
{
    if (rd->f)
        fclose(rd->f);
    free(rd->buf);
    free(rd->recs);
    memset(rd, 0, sizeof *rd);
}

/* Reads one more chunk into rd->buf. Returns false at end of file. */
static bool reader_fill(reader *rd)
{
    if (rd->eof)
        return false;
    if (rd->cap - rd->len < READ_CHUNK) {
        size_t nc = rd->cap ? rd->cap * 2 : 4 * READ_CHUNK;
        while (nc - rd->len < READ_CHUNK)
            nc *= 2;
        char *nb = realloc(rd->buf, nc + 1);
        if (!nb) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        rd->buf = nb;
        rd->cap = nc;
    }
    size_t got = fread(rd->buf + rd->len, 1, READ_CHUNK, rd->f);
    rd->len += got;
    rd->buf[rd->len] = '\0';
    if (got < READ_CHUNK)
        rd->eof = true;
    return got > 0;
}

/* The value of "ts" in the JSON line [s, e), or fallback when absent (the
 * engine then counts the line as a decode error, or gives it its own
 * ROWTIME). The buffer is NUL-terminated after the last line. */
static int64_t line_ts(const char *s, const char *e, int64_t fallback)
{
    for (const char *q = s; q + 5 <= e; q++)
        if (q[0] == '"' && !memcmp(q, "\"ts\":", 5))
            return strtoll(q + 5, NULL, 10);
    return fallback;
}

/*
 * Takes the next lines of rd whose ts is before `before` (all the rest
 * when before is INT64_MAX) into rd->recs[0..nrec), which point into rd->buf
 * until the next call. seq numbers the records of all sources in feeding
 * order. Returns the ts of the first line not taken, INT64_MAX at the end.
 */
static int64_t reader_take(reader *rd, int64_t before, int64_t *seq)
{
    /* The records of the previous slice have been fed: drop their bytes. */
    if (rd->pos) {
        memmove(rd->buf, rd->buf + rd->pos, rd->len - rd->pos);
        rd->len -= rd->pos;
        rd->pos = 0;
        rd->buf[rd->len] = '\0';
    }
    rd->nrec = 0;
    int64_t last = 0;
    for (;;) {
        if (rd->lines >= rd->limit)
            break;
        char *s = rd->buf + rd->pos;
        char *nl =
            rd->len > rd->pos ? memchr(s, '\n', rd->len - rd->pos) : NULL;
        if (!nl && !rd->eof) {
            reader_fill(rd);
            continue;
        }
        if (!nl && rd->pos == rd->len)
            break;
        char *e = nl ? nl : rd->buf + rd->len; /* last line, no newline */
        int64_t ts = line_ts(s, e, last);
        if (ts >= before) {
            for (int i = 0; i < rd->nrec; i++)
                rd->recs[i].value = rd->buf + (uintptr_t)rd->recs[i].value;
            return ts;
        }
        last = ts;
        if (rd->nrec == rd->rcap) {
            rd->rcap = rd->rcap ? rd->rcap * 2 : 4096;
            rd->recs = realloc(rd->recs, sizeof *rd->recs * (size_t)rd->rcap);
            if (!rd->recs) {
                fprintf(stderr, "out of memory\n");
                exit(2);
            }
        }
        wr_record *r = &rd->recs[rd->nrec++];
        memset(r, 0, sizeof *r);
        r->value = (const char *)(uintptr_t)rd->pos; /* buf may move */
        r->vlen = (int32_t)(e - s);
        r->partition = -1;
        r->offset = ++rd->lines;
        r->seq = (*seq)++;
        r->topic = rd->path;
        rd->pos = (size_t)(e - rd->buf) + (nl != NULL);
    }
    for (int i = 0; i < rd->nrec; i++)
        rd->recs[i].value = rd->buf + (uintptr_t)rd->recs[i].value;
    return INT64_MAX;
}

/* The result of one run. */
typedef struct runres {
    double secs;       /* engine time (batches and finish) */
    long long records; /* records fed, both files */
    int64_t rows;      /* output rows */
    double peak;       /* heap in use, peak rise over the start (bytes) */
    double quarter[4]; /* the rise after 1/4, 1/2, 3/4 and all slices */
    long long nslices; /* slices fed */
} runres;

/*
 * One run of plan over the files path[0..1]: a fresh runtime, both files
 * streamed from their start, `total` records in all (for the quarters).
 * Returns false (with a message on stderr) when the engine fails.
 */
static bool run_once(const wr_qplan *plan, const char *const path[2],
                     long long limit, long long total, int64_t slice_ms,
                     runres *res)
{
    weir_status st;
    memset(res, 0, sizeof *res);
    reader rd[2];
    if (!reader_open(&rd[0], path[0], limit))
        return false;
    if (!reader_open(&rd[1], path[1], limit)) {
        reader_close(&rd[0]);
        return false;
    }
    int64_t seq = 0;
    /* The first slice starts at the first ts of either file: take nothing
     * (before = INT64_MIN) to learn it. */
    int64_t next[2];
    for (int s = 0; s < 2; s++)
        next[s] = reader_take(&rd[s], INT64_MIN, &seq);
    int64_t t0 = next[0] < next[1] ? next[0] : next[1];
    double base = heap_used();
    wr_qrun *q = wr_qrun_new(plan, 1, count_out, &res->rows, &st);
    if (!q) {
        fprintf(stderr, "run error: %s\n", st.msg);
        reader_close(&rd[0]);
        reader_close(&rd[1]);
        return false;
    }
    bool ok = true;
    int quarter = 0;
    for (int64_t t = t0; ok && (next[0] != INT64_MAX || next[1] != INT64_MAX);
         t += slice_ms) {
        for (int s = 0; s < 2 && ok; s++) {
            if (next[s] >= t + slice_ms)
                continue;
            next[s] = reader_take(&rd[s], t + slice_ms, &seq);
            if (!rd[s].nrec)
                continue;
            int si = plan->nscan > 1 ? s : 0;
            double c0 = bench_now();
            if (wr_qrun_batch(q, si, rd[s].recs, rd[s].nrec, &st) != WEIR_OK) {
                fprintf(stderr, "run error: %s\n", st.msg);
                ok = false;
            }
            res->secs += bench_now() - c0;
            res->records += rd[s].nrec;
        }
        res->nslices++;
        double h = heap_used() - base;
        if (h > res->peak)
            res->peak = h;
        /* The quarters of the stream, by records fed (both files). */
        while (quarter < 3 && res->records * 4 >= (quarter + 1) * total)
            res->quarter[quarter++] = h;
    }
    double c0 = bench_now();
    if (ok && wr_qrun_finish(q, &st) != WEIR_OK) {
        fprintf(stderr, "run error: %s\n", st.msg);
        ok = false;
    }
    res->secs += bench_now() - c0;
    res->quarter[3] = heap_used() - base;
    for (int k = quarter; k < 3; k++)
        res->quarter[k] = res->quarter[3];
    const wr_qstats *qs = wr_qrun_stats(q);
    if (qs->decode_errors || qs->late || qs->eval_errors)
        fprintf(stderr, "decode errors %lld, late %lld, eval errors %lld%s%s\n",
                (long long)qs->decode_errors, (long long)qs->late,
                (long long)qs->eval_errors, qs->last_error[0] ? "; last: " : "",
                qs->last_error);
    wr_qrun_free(q);
    reader_close(&rd[0]);
    reader_close(&rd[1]);
    return ok;
}

int main(int argc, char **argv)
{
    int runs = 3;
    long long limit = -1, expect = -1;
    int64_t slice_ms = 1000;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--limit"))
            limit = atoll(argv[i + 1]);
        else if (!strcmp(argv[i], "--slice-ms"))
            slice_ms = atoll(argv[i + 1]);
        else if (!strcmp(argv[i], "--expect"))
            expect = atoll(argv[i + 1]);
        else
            break;
    }
    if (argc - i != 3 || runs < 1 || slice_ms < 1) {
        fprintf(stderr, "usage: join_bench [--runs N] [--limit EVENTS] "
                        "[--slice-ms D] [--expect ROWS] A.jsonl B.jsonl SQL\n");
        return 2;
    }
    const char *path[2] = {argv[i], argv[i + 1]};
    const char *sql = argv[i + 2];
    if (limit < 0)
        limit = INT64_MAX;
    long long total = 0; /* records to feed, both files */
    for (int s = 0; s < 2; s++) {
        long long n = count_lines(path[s], limit);
        if (n < 0)
            return 2;
        total += n;
    }
    weir_status st;
    weir_engine *eng = weir_engine_new(&st);
    weir_stmt *keep = NULL;
    wr_qplan *plan =
        eng ? wr_engine_plan_first_query(eng, sql, "bench", &keep, &st) : NULL;
    if (!plan) {
        fprintf(stderr, "SQL error: %s\n", st.msg);
        return 2;
    }
    if (plan->nscan > 2) {
        fprintf(stderr, "join_bench: the query reads %d sources, at most 2\n",
                plan->nscan);
        return 2;
    }
    /* A null sink: rows are counted, not serialized. */
    plan->sink.key_format = WR_FMT_NONE;
    plan->sink.value_format = WR_FMT_NONE;
    double *rate = calloc((size_t)runs, sizeof *rate);
    runres res = {0}, worst = {0};
    for (int r = 0; r < runs; r++) {
        if (!run_once(plan, path, limit, total, slice_ms, &res))
            return 1;
        rate[r] = (double)res.records / res.secs;
        if (r == 0 || res.peak > worst.peak)
            worst = res;
    }
    qsort(rate, (size_t)runs, sizeof *rate, bench_cmp_double);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const double mb = 1024.0 * 1024.0;
    printf("records %lld (%d source%s) runs %d: median %.3f M records/s "
           "(min %.3f, max %.3f), output rows %lld (%.2f per record)\n",
           res.records, plan->nscan, plan->nscan > 1 ? "s" : "", runs,
           rate[runs / 2] / 1e6, rate[0] / 1e6, rate[runs - 1] / 1e6,
           (long long)res.rows,
           res.records ? (double)res.rows / (double)res.records : 0.0);
    if (plan->nscan > 1)
        printf("sources: %s <- %s, %s <- %s; a join row holds %d columns\n",
               plan->scans[0].name, path[0], plan->scans[1].name, path[1],
               plan->wide_ncols);
    else
        printf("sources: %s <- %s and %s\n", plan->scans[0].name, path[0],
               path[1]);
    printf("state: heap in use above the start, peak %.1f MB; after 1/4, "
           "1/2, 3/4 of the stream and at the end %.1f %.1f %.1f %.1f MB "
           "(%lld slices of %lld ms)\n",
           worst.peak / mb, worst.quarter[0] / mb, worst.quarter[1] / mb,
           worst.quarter[2] / mb, worst.quarter[3] / mb, worst.nslices,
           (long long)slice_ms);
    printf("peak RSS %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    wr_plan_free(plan);
    weir_stmt_free(keep);
    weir_engine_free(eng);
    free(rate);
    if (expect >= 0 && res.rows != expect) {
        fprintf(stderr, "MISMATCH: expected %lld output rows, got %lld\n",
                expect, (long long)res.rows);
        return 1;
    }
    return 0;
}
