/*
 * window_bench.c: windowed-aggregation throughput of the executor.
 *
 *   window_bench [--threads K] [--runs N] [--expect GROUPS] FILE.jsonl SQL
 *
 * Loads the JSON-lines event file (../shared/bench/gen_events.py) into
 * memory, then runs the query (a CREATE STREAM for the file followed by one
 * aggregating query) over it as micro-batches of WR batch size, with K
 * worker threads, into a null sink that only counts rows (they are not
 * serialized). Reports the
 * median records/s of N runs (the load is not timed) and the number of
 * output rows, and exits 1 when --expect is given and differs. "ingest" is
 * the rate of the batches alone; "final emission" is the time of
 * wr_qrun_finish, where a bounded input closes its remaining windows (all
 * of them when the grace period outlasts the data, as with ksqlDB's
 * default 24 hours).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine_int.h"
#include "exec/exec.h"

#include "bench.h"

static weir_rc count_out(void *ctx, const wr_qplan *p, const wr_out *o,
                         weir_status *st)
{
    (void)p;
    (void)o;
    (void)st;
    ++*(int64_t *)ctx;
    return WEIR_OK;
}

int main(int argc, char **argv)
{
    int threads = 1, runs = 3;
    long long expect = -1;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "--threads"))
            threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--expect"))
            expect = atoll(argv[i + 1]);
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: window_bench [--threads K] [--runs N] "
                        "[--expect GROUPS] FILE.jsonl SQL\n");
        return 2;
    }
    const char *path = argv[i], *sql = argv[i + 1];
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    fclose(f);
    int nrec = 0;
    for (long k = 0; k < size; k++)
        nrec += data[k] == '\n';
    wr_record *recs = calloc((size_t)nrec + 1, sizeof *recs);
    int n = 0;
    for (char *p = data, *e = data + size; p < e && n < nrec;) {
        char *nl = memchr(p, '\n', (size_t)(e - p));
        recs[n].value = p;
        recs[n].vlen = (int32_t)(nl - p);
        recs[n].partition = -1;
        recs[n].offset = n + 1;
        recs[n].seq = n;
        recs[n].topic = path;
        n++;
        p = nl + 1;
    }
    weir_status st;
    weir_engine *eng = weir_engine_new(&st);
    weir_stmt *keep = NULL;
    wr_qplan *plan = wr_engine_plan_first_query(eng, sql, "bench", &keep, &st);
    if (!plan) {
        fprintf(stderr, "SQL error: %s\n", st.msg);
        return 2;
    }
    /* A null sink: rows are counted, not serialized. */
    plan->sink.key_format = WR_FMT_NONE;
    plan->sink.value_format = WR_FMT_NONE;
    double *rate = calloc((size_t)runs, sizeof *rate);
    double *ingest = calloc((size_t)runs, sizeof *ingest);
    double *emit = calloc((size_t)runs, sizeof *emit);
    int64_t rows = 0;
    for (int r = 0; r < runs; r++) {
        rows = 0;
        wr_qrun *q = wr_qrun_new(plan, threads, count_out, &rows, &st);
        double t0 = bench_now();
        const int batch = 1 << 20; /* records per micro-batch */
        for (int k = 0; k < n; k += batch)
            if (wr_qrun_batch(q, 0, recs + k, n - k < batch ? n - k : batch,
                              &st) != WEIR_OK) {
                fprintf(stderr, "run error: %s\n", st.msg);
                return 1;
            }
        double t1 = bench_now();
        if (wr_qrun_finish(q, &st) != WEIR_OK) {
            fprintf(stderr, "run error: %s\n", st.msg);
            return 1;
        }
        double t = bench_now() - t0;
        const wr_qstats *qs = wr_qrun_stats(q);
        if (qs->decode_errors || qs->late)
            fprintf(stderr, "decode errors %lld, late %lld\n",
                    (long long)qs->decode_errors, (long long)qs->late);
        wr_qrun_free(q);
        rate[r] = n / t;
        ingest[r] = n / (t1 - t0);
        emit[r] = t - (t1 - t0);
    }
    qsort(rate, (size_t)runs, sizeof *rate, bench_cmp_double);
    qsort(ingest, (size_t)runs, sizeof *ingest, bench_cmp_double);
    qsort(emit, (size_t)runs, sizeof *emit, bench_cmp_double);
    printf("records %d threads %d runs %d: median %.2f M records/s "
           "(min %.2f, max %.2f), output rows %lld; ingest %.2f M records/s, "
           "final emission %.2f s\n",
           n, threads, runs, rate[runs / 2] / 1e6, rate[0] / 1e6,
           rate[runs - 1] / 1e6, (long long)rows, ingest[runs / 2] / 1e6,
           emit[runs / 2]);
    free(ingest);
    free(emit);
    wr_plan_free(plan);
    weir_stmt_free(keep);
    weir_engine_free(eng);
    free(rate);
    free(recs);
    free(data);
    if (expect >= 0 && rows != expect) {
        fprintf(stderr, "MISMATCH: expected %lld output rows, got %lld\n",
                expect, (long long)rows);
        return 1;
    }
    return 0;
}
