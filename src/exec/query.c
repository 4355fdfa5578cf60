/*
 * query.c: the query runtime (wr_qrun): runs a physical plan one
 * micro-batch at a time.
 *
 * Control flow of wr_qrun_batch(): the batch's records are cut into vectors
 * of WR_VECTOR rows; each vector is decoded into a scan batch (Scan),
 * filtered (Filter), and either projected and written (Project, Sink) or
 * folded into the aggregate state (WindowAggregate). After the last vector
 * the aggregate emits. With several threads, the vectors of a large batch
 * are split into contiguous chunks, one per thread (stage 0); stateless
 * output is buffered per chunk and written in chunk order, so the output is
 * identical for every thread count.
 *
 * Memory: each worker has a batch arena, reset after every vector; the
 * aggregate's state lives in the operator (op_aggregate.c).
 */
#include "exec/exec_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct worker {
    wr_arena *ar;      /* batch arena */
    int64_t *seq;      /* WR_VECTOR sequence numbers */
    wr_eval_ctx cx;    /* evaluation errors */
    wr_qstats stats;   /* counters of this chunk */
    wr_buf kbuf, vbuf; /* encode buffers */
    /* Output of a parallel stateless chunk, sunk later in chunk order by
     * the driver thread: projected columns live in `keep` until then. */
    wr_arena *keep;
    wr_pendlist pend;      /* rows to sink, in this worker's order */
    struct wr_aggop *part; /* partial aggregate of this chunk */
    /* Chunk assignment. */
    struct wr_qrun *r;
    int si;
    const wr_record *recs;
    int n;
    weir_rc rc;
    weir_status st;
} worker;

struct wr_qrun {
    const wr_qplan *p;
    int threads;
    wr_out_fn out;
    void *ctx;
    wr_aggop *agg;     /* the final aggregate (key partition 0) */
    wr_aggop **fin;    /* nfin final aggregates, one per key partition */
    int nfin;          /* 1, or threads when the aggregate splits */
    wr_joinop *join;   /* joins, or NULL */
    wr_tableop *table; /* aggregation over a table: its changes, or NULL */
    wr_wscanop *wscan; /* window scan, or NULL */
    worker *w;         /* threads workers */
    wr_qstats stats;
    int64_t emitted;
    bool done;
    bool clocked;     /* wr_qrun_clock was called */
    bool held;        /* between wr_qrun_begin and wr_qrun_end: one
                         batch fed in several calls */
    int64_t batch_ms; /* batch interval */
    int64_t idle_ms;  /* idle timeout of event-time windows, 0: none */
    int64_t now;      /* ROWTIME of processing-time records */
    wr_badsink bad;   /* undecodable records: the driver's policy */
    int *cut;         /* chunk boundaries of the next batch, or NULL */
    /* Sequence numbers, per scan: a record's is its source's plus base
     * (a runtime loaded from a snapshot continues the saved one's, whose
     * next number was next). */
    int64_t *seq_base, *seq_next;
    pthread_mutex_t bad_mu;
};

static weir_rc nomem(weir_status *st)
{
    return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

wr_qrun *wr_qrun_new(const wr_qplan *p, int threads, wr_out_fn out, void *ctx,
                     weir_status *st)
{
    wr_qrun *r = wr_malloc(sizeof *r);
    if (!r) {
        nomem(st);
        return NULL;
    }
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->bad_mu, NULL);
    r->bad.mu = &r->bad_mu;
    r->p = p;
    r->threads = threads < 1 ? 1 : threads;
    r->out = out;
    r->ctx = ctx;
    r->w = wr_malloc(sizeof(worker) * (size_t)r->threads);
    if (!r->w)
        goto fail;
    memset(r->w, 0, sizeof(worker) * (size_t)r->threads);
    r->seq_base = wr_malloc(sizeof(int64_t) * (size_t)(p->nscan + 1));
    r->seq_next = wr_malloc(sizeof(int64_t) * (size_t)(p->nscan + 1));
    if (!r->seq_base || !r->seq_next)
        goto fail;
    memset(r->seq_base, 0, sizeof(int64_t) * (size_t)(p->nscan + 1));
    memset(r->seq_next, 0, sizeof(int64_t) * (size_t)(p->nscan + 1));
    for (int i = 0; i < r->threads; i++) {
        r->w[i].ar = wr_arena_new(1 << 20);
        r->w[i].seq = wr_malloc(sizeof(int64_t) * WR_VECTOR);
        r->w[i].keep = r->threads > 1 ? wr_arena_new(1 << 20) : NULL;
        if (!r->w[i].ar || !r->w[i].seq || (r->threads > 1 && !r->w[i].keep))
            goto fail;
    }
    if (p->agg && !(r->agg = wr_aggop_new(p, st))) {
        wr_qrun_free(r);
        return NULL;
    }
    if (p->njoin && !(r->join = wr_joinop_new(p, st))) {
        wr_qrun_free(r);
        return NULL;
    }
    if (p->wscan && !(r->wscan = wr_wscanop_new(p->wscan, st))) {
        wr_qrun_free(r);
        return NULL;
    }
    if (p->agg && p->agg->table &&
        !(r->table =
              wr_tableop_new(p->agg->tncols, p->agg->ttypes, p->agg->ntkey,
                             p->agg->tkey, p->agg->tts_col, st))) {
        wr_qrun_free(r);
        return NULL;
    }
    /* With several threads, a splittable aggregate has one partial per
     * worker (stage 0) and one final per key partition (stage 1). */
    r->nfin = 1;
    r->fin = &r->agg;
    if (p->agg && r->threads > 1 && wr_aggop_splittable(r->agg)) {
        r->fin = wr_malloc(sizeof(wr_aggop *) * (size_t)r->threads);
        if (!r->fin) {
            r->fin = &r->agg;
            wr_qrun_free(r);
            nomem(st);
            return NULL;
        }
        memset(r->fin, 0, sizeof(wr_aggop *) * (size_t)r->threads);
        r->nfin = r->threads;
        r->fin[0] = r->agg;
        for (int i = 1; i < r->nfin; i++)
            if (!(r->fin[i] = wr_aggop_new(p, st))) {
                wr_qrun_free(r);
                return NULL;
            }
    }
    /* Partial aggregates, one per worker, for parallel stage 0. */
    for (int i = 0; p->agg && r->threads > 1 && wr_aggop_splittable(r->agg) &&
                    i < r->threads;
         i++)
        if (!(r->w[i].part = wr_aggop_new(p, st))) {
            wr_qrun_free(r);
            return NULL;
        } else {
            wr_aggop_set_partial(r->w[i].part);
        }
    return r;
fail:
    wr_qrun_free(r);
    nomem(st);
    return NULL;
}

void wr_qrun_free(wr_qrun *r)
{
    if (!r)
        return;
    for (int i = 0; r->w && i < r->threads; i++) {
        wr_arena_free(r->w[i].ar);
        wr_free(r->w[i].seq);
        wr_buf_fini(&r->w[i].kbuf);
        wr_buf_fini(&r->w[i].vbuf);
        wr_arena_free(r->w[i].keep);
        wr_free(r->w[i].pend.v);
    }
    for (int i = 0; r->w && i < r->threads; i++)
        wr_aggop_free(r->w[i].part);
    wr_free(r->w);
    wr_free(r->seq_base);
    wr_free(r->seq_next);
    if (r->fin && r->fin != &r->agg) {
        for (int i = 1; i < r->nfin; i++)
            wr_aggop_free(r->fin[i]);
        wr_free(r->fin);
    }
    wr_aggop_free(r->agg);
    wr_joinop_free(r->join);
    wr_tableop_free(r->table);
    wr_wscanop_free(r->wscan);
    wr_free(r->cut);
    pthread_mutex_destroy(&r->bad_mu);
    wr_free(r);
}

void wr_qrun_cut(wr_qrun *r, const int *cut)
{
    if (!cut) {
        wr_free(r->cut);
        r->cut = NULL;
        return;
    }
    if (!r->cut)
        r->cut = wr_malloc(sizeof(int) * (size_t)(r->threads + 1));
    if (r->cut)
        memcpy(r->cut, cut, sizeof(int) * (size_t)(r->threads + 1));
}

void wr_qrun_on_bad(wr_qrun *r, wr_bad_fn fn, void *ctx)
{
    r->bad.fn = fn;
    r->bad.ctx = ctx;
}

const wr_qstats *wr_qrun_stats(const wr_qrun *r)
{
    return &r->stats;
}

bool wr_qrun_done(const wr_qrun *r)
{
    return r->done;
}

bool wr_pend_add(wr_pendlist *l, const wr_pend *p)
{
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 1024;
        void *n = wr_realloc(l->v, sizeof(*l->v) * (size_t)nc);
        if (!n)
            return false;
        l->v = n;
        l->cap = nc;
    }
    l->v[l->n++] = *p;
    return true;
}

static weir_rc project_sink(wr_qrun *r, worker *w, int si, wr_batch *b,
                            bool collect, wr_arena *bar, wr_out_fn out,
                            void *ctx, weir_status *st);

/* Runs the rows of b (scan si's batch, or the joined wide batch) through
 * WHERE, then into the aggregate or through the projection to the sink
 * (or, when collect, into w's pending list). An aggregation over a table
 * takes the table's changes instead (retractions and additions). */
static weir_rc run_rows(wr_qrun *r, worker *w, int si, wr_batch *b,
                        bool keep_tomb, bool collect, wr_arena *bar,
                        wr_out_fn out, void *ctx, weir_status *st)
{
    const int64_t *seq = w->seq;
    const uint8_t *neg = NULL;
    wr_tchanges tc;
    if (r->table) {
        weir_rc rc = wr_tableop_process(r->table, b, w->seq, &tc, w->ar, st);
        if (rc != WEIR_OK)
            return rc;
        b = &tc.b;
        seq = tc.seq;
        neg = tc.neg;
    }
    const wr_qplan *p = r->p;
    weir_rc rc;
    if (p->where &&
        (rc = wr_op_filter(p->where, b, keep_tomb, &w->cx, st)) != WEIR_OK)
        return rc;
    if (b->nsel == 0)
        return WEIR_OK;
    if (r->agg)
        return wr_aggop_update(w->part ? w->part : r->agg, b, seq, neg, &w->cx,
                               &w->stats, st);
    if (r->wscan)
        return wr_wscanop_add(r->wscan, b, &w->stats, st);
    return project_sink(r, w, si, b, collect, bar, out, ctx, st);
}

/* Projects the selected rows of b and sinks them (or, when collect, adds
 * them to w's pending list, the projection kept in bar). */
static weir_rc project_sink(wr_qrun *r, worker *w, int si, wr_batch *b,
                            bool collect, wr_arena *bar, wr_out_fn out,
                            void *ctx, weir_status *st)
{
    const wr_qplan *p = r->p;
    const wr_pscan *s = &p->scans[si];
    weir_rc rc;
    wr_col *oc = wr_arena_alloc(bar, sizeof(wr_col) * (size_t)(p->nout + 1));
    if (!oc)
        return nomem(st);
    if ((rc = wr_op_project(p->out, p->nout, b, oc, &w->cx, st)) != WEIR_OK)
        return rc;
    const int64_t *rt = WR_COL_I64(&b->cols[p->ts_col]);
    for (int k = 0; k < b->nsel; k++) {
        int row = wr_batch_row(b, k);
        wr_sink_row meta = {rt[row], b->tomb[row] != 0, false, 0, 0, false};
        if (!r->join && s->col_wstart >= 0 &&
            !wr_col_is_null(&b->cols[s->col_wstart], row)) {
            meta.windowed = true;
            meta.wstart = WR_COL_I64(&b->cols[s->col_wstart])[row];
            meta.wend = WR_COL_I64(&b->cols[s->col_wend])[row];
        }
        if (collect) {
            /* Ordered by chunk: the chunk's worker index. */
            if (!wr_pend_add(&w->pend, &(wr_pend){oc, row, meta, w - r->w}))
                return nomem(st);
            continue;
        }
        rc = wr_op_sink(p, oc, row, &meta, &w->kbuf, &w->vbuf, out, ctx, st);
        if (rc != WEIR_OK)
            return rc;
        w->stats.records_out++;
    }
    return WEIR_OK;
}

/* Runs recs[0..n) of scan si through stage 0 on worker w. Stateless
 * results go to out/ctx; aggregating rows are folded into r->agg (only on
 * the calling thread). */
static weir_rc run_chunk(wr_qrun *r, worker *w, int si, const wr_record *recs,
                         int n, wr_out_fn out, void *ctx, weir_status *st)
{
    const wr_qplan *p = r->p;
    const wr_pscan *s = &p->scans[si];
    for (int off = 0; off < n; off += WR_VECTOR) {
        int m = n - off < WR_VECTOR ? n - off : WR_VECTOR;
        bool collect = out == NULL && !r->agg; /* parallel stateless */
        wr_arena *bar = collect ? w->keep : w->ar;
        wr_arena_reset(w->ar);
        wr_batch b;
        if (!wr_batch_init(&b, bar, s->ncols, s->types, m))
            return nomem(st);
        wr_op_scan(s, recs + off, m, &b, w->seq, &w->stats, &r->bad);
        if (b.n == 0)
            continue;
        for (int i = 0; r->seq_base[si] && i < b.n; i++)
            w->seq[i] += r->seq_base[si];
        if (s->proc) { /* ROWTIME is the batch time */
            int64_t *rt = WR_COL_I64(&b.cols[s->col_rowtime]);
            for (int i = 0; i < b.n; i++)
                rt[i] = r->now;
        }
        bool keep_tomb = s->table;
        if (r->join) {
            wr_batch jb;
            weir_rc rc = wr_joinop_process(r->join, si, &b, &jb, w->ar,
                                           &w->stats, &w->cx, st);
            if (rc != WEIR_OK)
                return rc;
            b = jb;
            /* A join of tables is a table: its deletes go on. */
            keep_tomb = p->joins[p->njoin - 1].left_table &&
                        p->joins[p->njoin - 1].right_table;
            if (b.n == 0)
                continue;
        }
        weir_rc rc =
            run_rows(r, w, si, &b, keep_tomb, collect, bar, out, ctx, st);
        if (rc != WEIR_OK)
            return rc;
    }
    return WEIR_OK;
}

static void *chunk_thread(void *arg)
{
    worker *w = arg;
    weir_status_clear(&w->st);
    w->rc = run_chunk(w->r, w, w->si, w->recs, w->n, NULL, NULL, &w->st);
    return NULL;
}

static void fold_stats(wr_qrun *r, worker *w)
{
    r->stats.records_in += w->stats.records_in;
    r->stats.records_out += w->stats.records_out;
    r->stats.decode_errors += w->stats.decode_errors;
    r->stats.late += w->stats.late;
    r->stats.eval_errors += w->cx.errors;
    if (w->stats.last_error[0])
        memcpy(r->stats.last_error, w->stats.last_error,
               sizeof r->stats.last_error);
    if (w->cx.errors && w->cx.last_error[0])
        snprintf(r->stats.last_error, sizeof r->stats.last_error, "%s",
                 w->cx.last_error);
    memset(&w->stats, 0, sizeof w->stats);
    w->cx.errors = 0;
    w->cx.last_error[0] = '\0';
}

/* Output callback wrapper enforcing a push query's LIMIT. */
static weir_rc limited_out(wr_qrun *r, const wr_out *o, weir_status *st)
{
    if (r->done)
        return WEIR_OK;
    weir_rc rc = r->out(r->ctx, r->p, o, st);
    if (rc == WEIR_OK && r->p->limit > 0 && ++r->emitted >= r->p->limit)
        r->done = true;
    return rc;
}

static weir_rc direct_out(void *ctx, const wr_qplan *p, const wr_out *o,
                          weir_status *st)
{
    (void)p;
    return limited_out(ctx, o, st);
}

/* A window scan's closed window: its rows projected and sunk. */
static weir_rc wscan_out(void *ctx, wr_batch *b, weir_status *st)
{
    wr_qrun *r = ctx;
    worker *w = &r->w[0];
    return project_sink(r, w, 0, b, false, b->ar, direct_out, r, st);
}

/* Emits the window scan's closed windows (see wr_wscanop_emit). */
static weir_rc wscan_emit(wr_qrun *r, int64_t now_ms, bool all, weir_status *st)
{
    if (!r->wscan)
        return WEIR_OK;
    worker *w = &r->w[0];
    weir_rc rc =
        wr_wscanop_emit(r->wscan, now_ms, all, w->ar, wscan_out, r, st);
    fold_stats(r, w);
    return rc;
}

/* Runs fn(r, i) for i in 0..n-1, on n threads (the calling one too). */
typedef struct task {
    wr_qrun *r;
    int i;
    void (*fn)(wr_qrun *r, int i);
} task;

static void *task_thread(void *arg)
{
    task *t = arg;
    t->fn(t->r, t->i);
    return NULL;
}

static void run_parallel(wr_qrun *r, int n, void (*fn)(wr_qrun *r, int i))
{
    pthread_t tid[256];
    task t[256];
    bool started[256] = {false};
    for (int i = 1; i < n && i < 256; i++) {
        t[i] = (task){r, i, fn};
        started[i] = pthread_create(&tid[i], NULL, task_thread, &t[i]) == 0;
        if (!started[i])
            fn(r, i);
    }
    fn(r, 0);
    for (int i = 1; i < n && i < 256; i++)
        if (started[i])
            pthread_join(tid[i], NULL);
}

/* Stage 0 task: chunk i of the batch. */
static void chunk_task(wr_qrun *r, int i)
{
    chunk_thread(&r->w[i]);
}

/* Stage 1 task: final partition i merges its keys of every partial, in
 * chunk order. */
static void merge_task(wr_qrun *r, int i)
{
    worker *w = &r->w[i];
    for (int c = 0; c < r->threads && w->rc == WEIR_OK; c++)
        if (r->w[c].part)
            w->rc = wr_aggop_merge_partial(r->fin[i], r->w[c].part, i, r->nfin,
                                           &w->stats, &w->st);
}

/* Stage 1 task: final partition i emits into its worker's pending list. */
static void emit_task(wr_qrun *r, int i)
{
    worker *w = &r->w[i];
    w->pend.n = 0;
    wr_arena_reset(w->keep);
    if (w->rc == WEIR_OK)
        w->rc = wr_aggop_emit(r->fin[i], w->keep, &w->cx, NULL, NULL, &w->pend,
                              &w->stats, &w->st);
}

/* Sinks the pending rows of workers 0..k-1, merging their lists by key
 * (each list is in order; equal keys come from one list only): key
 * partitions by first change or first row, stateless chunks by chunk. */
static weir_rc sink_merged(wr_qrun *r, int k, weir_status *st)
{
    int pos[256] = {0};
    for (;;) {
        int best = -1;
        for (int i = 0; i < k && i < 256; i++) {
            worker *w = &r->w[i];
            if (pos[i] < w->pend.n &&
                (best < 0 ||
                 w->pend.v[pos[i]].key < r->w[best].pend.v[pos[best]].key))
                best = i;
        }
        if (best < 0)
            return WEIR_OK;
        worker *w = &r->w[best];
        wr_pend *x = &w->pend.v[pos[best]++];
        weir_rc rc = wr_op_sink(r->p, x->oc, x->row, &x->meta, &w->kbuf,
                                &w->vbuf, direct_out, r, st);
        if (rc != WEIR_OK)
            return rc;
        w->stats.records_out++;
    }
}

/* First worker error (its status into st), or WEIR_OK. */
static weir_rc worker_error(wr_qrun *r, int n, weir_status *st)
{
    for (int i = 0; i < n; i++)
        if (r->w[i].rc != WEIR_OK) {
            if (st)
                *st = r->w[i].st;
            return r->w[i].rc;
        }
    return WEIR_OK;
}

/* Stage 1 of a partitioned aggregate: merge the partials into the key
 * partitions, emit each partition, sink in a deterministic order. */
/* Stage 1 without emitting (a batch fed in several calls): merge the
 * partials into the key partitions. */
static weir_rc merge_partials(wr_qrun *r, weir_status *st)
{
    for (int i = 0; i < r->nfin; i++) {
        r->w[i].rc = WEIR_OK;
        weir_status_clear(&r->w[i].st);
    }
    run_parallel(r, r->nfin, merge_task);
    for (int c = 0; c < r->threads; c++)
        if (r->w[c].part)
            wr_aggop_clear_partial(r->w[c].part);
    return worker_error(r, r->nfin, st);
}

static weir_rc partitioned_stage1(wr_qrun *r, bool merge, weir_status *st)
{
    for (int i = 0; i < r->nfin; i++) {
        r->w[i].rc = WEIR_OK;
        weir_status_clear(&r->w[i].st);
    }
    if (merge) {
        run_parallel(r, r->nfin, merge_task);
        for (int c = 0; c < r->threads; c++)
            if (r->w[c].part)
                wr_aggop_clear_partial(r->w[c].part);
    }
    weir_rc rc = worker_error(r, r->nfin, st);
    if (rc != WEIR_OK)
        return rc;
    run_parallel(r, r->nfin, emit_task);
    rc = worker_error(r, r->nfin, st);
    return rc == WEIR_OK ? sink_merged(r, r->nfin, st) : rc;
}

/* Emits the aggregate of every key partition outside a batch (the end
 * of the input, a tick), then folds the workers' counters. */
static weir_rc emit_all_partitions(wr_qrun *r, weir_status *st)
{
    weir_rc rc;
    if (r->nfin > 1) {
        rc = partitioned_stage1(r, false, st);
    } else {
        worker *w = &r->w[0];
        wr_arena_reset(w->ar);
        rc = wr_aggop_emit(r->agg, w->ar, &w->cx, direct_out, r, NULL,
                           &w->stats, st);
    }
    for (int i = 0; i < r->threads; i++)
        fold_stats(r, &r->w[i]);
    return rc;
}

void wr_qrun_begin(wr_qrun *r)
{
    if (r->held || (r->p->proc && !r->clocked))
        return;
    r->stats.batches++;
    for (int i = 0; r->agg && i < r->nfin; i++)
        wr_aggop_begin_batch(r->fin[i]);
    r->held = true;
}

weir_rc wr_qrun_end(wr_qrun *r, weir_status *st)
{
    if (!r->held)
        return WEIR_OK;
    r->held = false;
    return r->agg ? emit_all_partitions(r, st) : WEIR_OK;
}

weir_rc wr_qrun_finish(wr_qrun *r, weir_status *st)
{
    if (r->wscan && !r->p->proc)
        return wscan_emit(r, 0, true, st);
    if (!r->agg)
        return WEIR_OK;
    for (int i = 0; i < r->nfin; i++)
        wr_aggop_close_all(r->fin[i]);
    return emit_all_partitions(r, st);
}

weir_rc wr_qrun_clock(wr_qrun *r, int64_t zero_ms, int64_t batch_ms,
                      int64_t idle_ms, weir_status *st)
{
    const wr_pagg *a = r->p->agg;
    if (r->p->proc && batch_ms <= 0)
        return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                               "query %s uses processing time: it needs a "
                               "batch interval (SET 'batch.interval')",
                               r->p->id);
    if (r->p->proc && a && a->window.kind && !a->window.rows) {
        const char *what = a->window.kind == WR_W_SESSION ? "gap" : "size";
        if (a->window.size % batch_ms != 0)
            return weir_status_set(
                st, WEIR_E_BIND, WEIR_NOLOC,
                "processing-time window %s %lld ms is not a multiple of the "
                "batch interval %lld ms",
                what, (long long)a->window.size, (long long)batch_ms);
        if (a->window.kind == WR_W_HOPPING && a->window.advance % batch_ms != 0)
            return weir_status_set(
                st, WEIR_E_BIND, WEIR_NOLOC,
                "processing-time window advance %lld ms is not a multiple of "
                "the batch interval %lld ms",
                (long long)a->window.advance, (long long)batch_ms);
    }
    const wr_pwscan *ws = r->p->wscan;
    if (r->p->proc && ws &&
        (ws->window.size % batch_ms != 0 ||
         (ws->window.kind == WR_W_HOPPING &&
          ws->window.advance % batch_ms != 0)))
        return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                               "processing-time window size %lld ms or "
                               "advance %lld ms is not a multiple of the "
                               "batch interval %lld ms",
                               (long long)ws->window.size,
                               (long long)ws->window.advance,
                               (long long)batch_ms);
    if (r->wscan)
        wr_wscanop_clock(r->wscan, zero_ms);
    r->clocked = true;
    r->batch_ms = batch_ms;
    r->idle_ms = idle_ms;
    r->now = zero_ms + batch_ms;
    for (int i = 0; r->agg && i < r->nfin; i++)
        wr_aggop_clock(r->fin[i], zero_ms);
    for (int i = 0; r->agg && i < r->threads; i++)
        if (r->w[i].part)
            wr_aggop_clock(r->w[i].part, zero_ms);
    return WEIR_OK;
}

weir_rc wr_qrun_tick(wr_qrun *r, int64_t now_ms, weir_status *st)
{
    r->now = now_ms + r->batch_ms;
    if (r->join && r->p->proc) {
        /* Join windows of the batch close: null-padded outer rows. */
        worker *w = &r->w[0];
        wr_arena_reset(w->ar);
        wr_batch jb;
        weir_rc rc = wr_joinop_tick(r->join, now_ms, &jb, w->ar, &w->cx, st);
        if (rc == WEIR_OK && jb.n)
            rc = run_rows(r, w, 0, &jb, false, false, w->ar, direct_out, r, st);
        fold_stats(r, w);
        if (rc != WEIR_OK)
            return rc;
    }
    if (r->wscan && r->p->proc)
        return wscan_emit(r, now_ms, false, st);
    if (!r->agg)
        return WEIR_OK;
    for (int i = 0; i < r->nfin; i++) {
        wr_aggop_tick(r->fin[i], now_ms, r->idle_ms);
        wr_aggop_begin_batch(r->fin[i]);
    }
    return emit_all_partitions(r, st);
}

weir_rc wr_qrun_batch(wr_qrun *r, int si, const wr_record *recs, int n,
                      weir_status *st)
{
    weir_rc rc = WEIR_OK;
    if (r->p->proc && !r->clocked)
        return wr_qrun_clock(r, 0, 0, 0, st);
    if (!r->held) {
        r->stats.batches++;
        for (int i = 0; r->agg && i < r->nfin; i++)
            wr_aggop_begin_batch(r->fin[i]);
    }
    for (int i = 0; i < n; i++)
        if (recs[i].seq >= r->seq_next[si])
            r->seq_next[si] = recs[i].seq + 1;
    int k = r->threads;
    bool parallel = k > 1 && !r->join && !r->wscan && n >= 2 * WR_VECTOR &&
                    (!r->agg || r->nfin > 1);
    if (parallel || r->nfin > 1) {
        /* Stage 0: one chunk per worker (a small batch of a partitioned
         * aggregate is one chunk, so that it takes the same path). */
        int nch = parallel ? k : 1;
        int per = (n + nch - 1) / nch;
        bool cut = parallel && r->cut && r->cut[0] == 0 && r->cut[k] == n;
        for (int i = 0; i < k; i++) {
            worker *w = &r->w[i];
            w->r = r;
            w->si = si;
            w->recs = recs + (size_t)(i < nch ? i : 0) * (size_t)per;
            w->n = i >= nch || i * per >= n
                       ? 0
                       : (n - i * per < per ? n - i * per : per);
            if (cut) { /* the driver's chunks: whole partitions */
                w->recs = recs + r->cut[i];
                w->n = r->cut[i + 1] - r->cut[i];
            }
            w->pend.n = 0;
            w->rc = WEIR_OK;
            if (w->keep)
                wr_arena_reset(w->keep);
        }
        run_parallel(r, nch, chunk_task);
        rc = worker_error(r, nch, st);
        if (rc == WEIR_OK && !r->agg) {
            rc = sink_merged(r, nch, st);
        } else if (rc == WEIR_OK) {
            rc = r->held ? merge_partials(r, st)
                         : partitioned_stage1(r, true, st);
        }
        for (int i = 0; i < k; i++)
            fold_stats(r, &r->w[i]);
        return rc;
    }
    worker *w = &r->w[0];
    struct wr_aggop *part = w->part; /* sequential: fold into the final */
    w->part = NULL;
    rc = run_chunk(r, w, si, recs, n, direct_out, r, st);
    w->part = part;
    if (rc == WEIR_OK && r->wscan && !r->p->proc) {
        fold_stats(r, w);
        return wscan_emit(r, 0, false, st);
    }
    if (rc == WEIR_OK && r->agg && !r->held) {
        wr_arena_reset(w->ar);
        rc = wr_aggop_emit(r->agg, w->ar, &w->cx, direct_out, r, NULL,
                           &w->stats, st);
    }
    fold_stats(r, w);
    return rc;
}

/* ---- snapshots ------------------------------------------------------ */

/* The snapshot format: bump it whenever what an operator writes changes;
 * a snapshot of another version is refused. */
#define SNAP_MAGIC 0x57524e53 /* "WRNS" */
#define SNAP_VERSION 1

/* FNV-1a over a snapshot: its last 8 bytes, so that damage is found
 * before anything is read. */
static uint64_t snap_sum(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

weir_rc wr_qrun_save(const wr_qrun *r, wr_buf *out, weir_status *st)
{
    if (r->held)
        return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "a snapshot is taken between batches");
    const wr_qplan *p = r->p;
    wr_snap_int(out, SNAP_MAGIC);
    wr_snap_int(out, SNAP_VERSION);
    wr_snap_int(out, p->nscan);
    for (int i = 0; i < p->nscan; i++)
        wr_snap_int(out, r->seq_base[i] + r->seq_next[i]);
    const wr_qstats *s = &r->stats;
    wr_snap_int(out, s->records_in);
    wr_snap_int(out, s->records_out);
    wr_snap_int(out, s->decode_errors);
    wr_snap_int(out, s->late);
    wr_snap_int(out, s->eval_errors);
    wr_snap_int(out, s->batches);
    wr_snap_bytes(out, s->last_error, strlen(s->last_error));
    wr_snap_int(out, r->emitted);
    wr_snap_int(out, r->done);
    wr_snap_int(out, r->now);
    wr_snap_int(out, (r->agg != NULL) | (r->join != NULL) << 1 |
                         (r->table != NULL) << 2 | (r->wscan != NULL) << 3);
    if (r->agg)
        wr_aggop_save(r->fin, r->nfin, out);
    if (r->join)
        wr_joinop_save(r->join, out);
    if (r->table)
        wr_tableop_save(r->table, out);
    if (r->wscan)
        wr_wscanop_save(r->wscan, out);
    if (out->oom)
        return nomem(st);
    uint64_t h = snap_sum((const unsigned char *)out->s, out->len);
    char sum[8];
    for (int i = 0; i < 8; i++)
        sum[i] = (char)(h >> (8 * i));
    wr_buf_putn(out, sum, 8);
    return out->oom ? nomem(st) : WEIR_OK;
}

weir_rc wr_qrun_load(wr_qrun *r, const void *data, size_t n, weir_status *st)
{
    const wr_qplan *p = r->p;
    wr_arena *ar = wr_arena_new(0);
    if (!ar)
        return nomem(st);
    size_t body = n >= 8 ? n - 8 : 0; /* before the checksum */
    wr_snapr rd = {data, (const unsigned char *)data + body, ar, false, false};
    const char *why = NULL;
    uint64_t h = 0;
    for (int i = 0; n >= 8 && i < 8; i++)
        h |= (uint64_t)((const unsigned char *)data)[body + i] << (8 * i);
    if (n < 8 || h != snap_sum(data, body))
        why = "damaged (its checksum does not match)";
    else if (wr_snapr_int(&rd) != SNAP_MAGIC)
        why = "not a weir snapshot";
    else if (wr_snapr_int(&rd) != SNAP_VERSION)
        why = "written by another version of weir (format differs)";
    else if (wr_snapr_int(&rd) != p->nscan)
        why = "saved by another query";
    for (int i = 0; !why && i < p->nscan; i++)
        r->seq_base[i] = wr_snapr_range(&rd, 0, INT64_MAX);
    wr_qstats *s = &r->stats;
    if (!why) {
        s->records_in = wr_snapr_int(&rd);
        s->records_out = wr_snapr_int(&rd);
        s->decode_errors = wr_snapr_int(&rd);
        s->late = wr_snapr_int(&rd);
        s->eval_errors = wr_snapr_int(&rd);
        s->batches = wr_snapr_int(&rd);
        int32_t len;
        const char *e = wr_snapr_bytes(&rd, &len);
        if ((size_t)len >= sizeof s->last_error)
            len = (int32_t)sizeof s->last_error - 1;
        memcpy(s->last_error, e, (size_t)len);
        s->last_error[len] = '\0';
        r->emitted = wr_snapr_int(&rd);
        r->done = wr_snapr_range(&rd, 0, 1);
        r->now = wr_snapr_int(&rd);
        int ops = (int)wr_snapr_range(&rd, 0, 15);
        if (!rd.bad &&
            ops != ((r->agg != NULL) | (r->join != NULL) << 1 |
                    (r->table != NULL) << 2 | (r->wscan != NULL) << 3))
            why = "saved by another query";
    }
    if (!why && !rd.bad && r->agg)
        wr_aggop_load(r->fin, r->nfin, &rd);
    if (!why && !rd.bad && r->join)
        wr_joinop_load(r->join, &rd);
    if (!why && !rd.bad && r->table)
        wr_tableop_load(r->table, &rd);
    if (!why && !rd.bad && r->wscan)
        wr_wscanop_load(r->wscan, &rd);
    if (!why && !rd.bad && rd.p != rd.end)
        why = "damaged (bytes left over)";
    if (!why && rd.bad)
        why = rd.oom ? NULL : "damaged";
    bool oom = !why && rd.oom;
    wr_arena_free(ar);
    if (oom)
        return nomem(st);
    if (why)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                               "cannot load the state snapshot of %s: %s "
                               "(--reset-checkpoint starts the query over)",
                               p->id, why);
    return WEIR_OK;
}
