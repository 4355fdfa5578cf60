/*
 * exec_int.h: declarations shared by the operators and the query runtime
 * inside src/exec (not used outside it).
 */
#ifndef WEIR_EXEC_EXEC_INT_H
#define WEIR_EXEC_EXEC_INT_H

#include <pthread.h>

#include "common/snap.h"
#include "exec/exec.h"

#define WR_VECTOR 4096 /* rows per vector within a batch */

/* Where op_scan reports records it cannot decode (wr_qrun_on_bad). */
typedef struct wr_badsink {
    wr_bad_fn fn; /* NULL: count only */
    void *ctx;
    pthread_mutex_t *mu; /* serializes fn across workers */
} wr_badsink;

/* Records a data error "origin: msg" in the stats (last one kept) and
 * hands the record to bad (may be NULL). */
void wr_stats_error(wr_qstats *stats, const wr_badsink *bad,
                    const wr_record *rec, const char *msg);

/* op_scan.c */
int wr_op_scan(const wr_pscan *s, const wr_record *recs, int n, wr_batch *b,
               int64_t *seq, wr_qstats *stats, const wr_badsink *bad);

/* op_filter.c: WHERE over the scan batch. Tombstone rows are dropped for
 * streams and kept for tables (tables forward deletes). */
weir_rc wr_op_filter(const wr_xexpr *pred, wr_batch *b, bool keep_tomb,
                     wr_eval_ctx *cx, weir_status *st);

/* op_project.c: evaluates the output expressions over b's selected rows
 * into out[0..n) (columns of capacity b->n in b->ar). */
weir_rc wr_op_project(wr_xexpr *const *exprs, int n, wr_batch *b, wr_col *out,
                      wr_eval_ctx *cx, weir_status *st);

/* op_sink.c: encodes row `row` of the sink columns and hands it to the
 * output callback. */
typedef struct wr_sink_row {
    int64_t ts;     /* output timestamp (before a TIMESTAMP column) */
    bool tomb;      /* emit a tombstone (key only) */
    bool windowed;  /* the key carries a window */
    int64_t wstart; /* window bounds */
    int64_t wend;
    bool session; /* session window */
} wr_sink_row;
weir_rc wr_op_sink(const wr_qplan *p, const wr_col *cols, int row,
                   const wr_sink_row *meta, wr_buf *kbuf, wr_buf *vbuf,
                   wr_out_fn out, void *ctx, weir_status *st);

/* op_table.c: a table's changelog as retractions and additions, for
 * aggregation over tables. */
typedef struct wr_tableop wr_tableop;
typedef struct wr_tchanges {
    wr_batch b;   /* the rows (no tombstones), in ar */
    uint8_t *neg; /* per row: 1 for a retraction */
    int64_t *seq; /* per row: the sequence number of its input row */
} wr_tchanges;
/* Rows of ncols columns of types (borrowed: they must outlive the
 * operator), keyed by the columns keycols[0..nk) (borrowed too). */
wr_tableop *wr_tableop_new(int ncols, const wr_type *const *types, int nk,
                           const int *keycols, int ts_col, weir_status *st);
void wr_tableop_free(wr_tableop *t);
/* The changes made by the selected rows of in (seq: their sequence
 * numbers, by row) into out, allocated in ar. */
weir_rc wr_tableop_process(wr_tableop *t, const wr_batch *in,
                           const int64_t *seq, wr_tchanges *out, wr_arena *ar,
                           weir_status *st);

/* op_window_scan.c: WINDOW without aggregation. */
typedef struct wr_wscanop wr_wscanop;
/* Receives the rows of one closed window (a batch in the emit arena). */
typedef weir_rc (*wr_wscan_fn)(void *ctx, wr_batch *b, weir_status *st);
wr_wscanop *wr_wscanop_new(const wr_pwscan *w, weir_status *st);
void wr_wscanop_free(wr_wscanop *op);
/* Processing time: windows end at zero_ms + k * slide. */
void wr_wscanop_clock(wr_wscanop *op, int64_t zero_ms);
/* Keeps copies of b's selected rows (late ones are counted and dropped). */
weir_rc wr_wscanop_add(wr_wscanop *op, const wr_batch *b, wr_qstats *stats,
                       weir_status *st);
/* Emits the windows that closed (processing time: at the tick of batch
 * time now_ms; event time: by the watermark; all: every window, at the end
 * of a bounded input), each as one batch through fn; drops rows no open
 * window needs. ar is reset for each window. */
weir_rc wr_wscanop_emit(wr_wscanop *op, int64_t now_ms, bool all, wr_arena *ar,
                        wr_wscan_fn fn, void *ctx, weir_status *st);

/* op_join.c: joins of the left-deep join tree. */
typedef struct wr_joinop wr_joinop;
wr_joinop *wr_joinop_new(const wr_qplan *p, weir_status *st);
void wr_joinop_free(wr_joinop *j);
/* Runs the selected rows of scan si's batch `in` through the joins; out
 * gets the joined wide rows (in ar). Stream-stream rows that arrive after
 * their join window plus grace has passed join nothing: an outer side's
 * come out NULL-padded, the others are dropped and counted in
 * stats->late. Borrows in, ar, stats and cx; out lives in ar. */
weir_rc wr_joinop_process(wr_joinop *j, int si, wr_batch *in, wr_batch *out,
                          wr_arena *ar, wr_qstats *stats, wr_eval_ctx *cx,
                          weir_status *st);
/* Processing time: every row of the batch of time now_ms is in, so
 * stream-stream windows up to it close (unmatched outer rows with GRACE
 * are emitted into out). */
weir_rc wr_joinop_tick(wr_joinop *j, int64_t now_ms, wr_batch *out,
                       wr_arena *ar, wr_eval_ctx *cx, weir_status *st);

/* A projected output row waiting to be sunk in a deterministic order
 * (parallel stages produce rows on several threads; the driver thread sinks
 * them). oc lives in an arena that outlives the list's use. */
typedef struct wr_pend {
    wr_col *oc;       /* projected columns */
    int row;          /* row of oc */
    wr_sink_row meta; /* timestamp, tombstone, window */
    int64_t key;      /* order across lists (lists are each in order) */
} wr_pend;

typedef struct wr_pendlist {
    wr_pend *v; /* n entries (wr_malloc'd) */
    int n, cap;
} wr_pendlist;

/* Appends a copy of *p; false when out of memory. */
bool wr_pend_add(wr_pendlist *l, const wr_pend *p);

/* op_aggregate.c: the stateful (window) aggregate of one key partition. */
typedef struct wr_aggop wr_aggop;
wr_aggop *wr_aggop_new(const wr_qplan *p, weir_status *st);
void wr_aggop_free(wr_aggop *a);
/* Folds the selected rows of the scan batch b (with per-row seq) into the
 * state. Rows are evaluated for group keys and arguments here. neg (NULL:
 * none) marks, per row, a retraction: the row is subtracted (table
 * aggregation; only invertible aggregates, unwindowed). */
weir_rc wr_aggop_update(wr_aggop *a, wr_batch *b, const int64_t *seq,
                        const uint8_t *neg, wr_eval_ctx *cx, wr_qstats *stats,
                        weir_status *st);
/* Merges the groups of a chunk's partial operator that belong to key
 * partition part_no of nparts (hash % nparts) into that partition's final
 * operator; partials are merged in chunk order. */
weir_rc wr_aggop_merge_partial(wr_aggop *op, wr_aggop *part, int part_no,
                               int nparts, wr_qstats *stats, weir_status *st);
/* Empties a partial after every partition merged it. */
void wr_aggop_clear_partial(wr_aggop *part);
/* Starts a batch: rows for windows closed by now are late. */
void wr_aggop_begin_batch(wr_aggop *op);
bool wr_aggop_splittable(const wr_aggop *op);
/* Marks op as the partial operator of a chunk (it is only merged). */
void wr_aggop_set_partial(wr_aggop *op);
/* Marks the input as ended: the next emission closes every window. */
void wr_aggop_close_all(wr_aggop *op);
/* Processing time: the stream started at zero_ms (the time before the
 * first batch); aligns the windows on it. */
void wr_aggop_clock(wr_aggop *op, int64_t zero_ms);
/* The batch of time now_ms has run: closes processing-time windows that
 * end by then, or advances an idle event-time stream (idle_ms > 0). */
void wr_aggop_tick(wr_aggop *op, int64_t now_ms, int64_t idle_ms);
/* Ends the micro-batch: emits (EMIT CHANGES / closed windows for EMIT
 * FINAL) through HAVING, the projection and the sink. */
/* With pend, rows are queued (with their order key) instead of sunk, and
 * ar is not reset: the caller sinks them and resets ar. */
weir_rc wr_aggop_emit(wr_aggop *a, wr_arena *ar, wr_eval_ctx *cx, wr_out_fn out,
                      void *ctx, wr_pendlist *pend, wr_qstats *stats,
                      weir_status *st);

/*
 * Snapshots (wr_qrun_save / wr_qrun_load, common/snap.h): each stateful
 * operator writes its whole state between batches, and reads it back into
 * a fresh operator of the same plan (created, clocked, fed nothing), so
 * that the operator then behaves exactly as the one saved: same output for
 * the same later input. Saving borrows the operator and writes into b
 * (b->oom on failure). Loading copies what it keeps out of the snapshot;
 * it returns false when the snapshot is damaged (r->bad) or memory ran out
 * (r->oom, r->bad), and the operator must then only be freed.
 */
/* Saves the final operators fin[0..nfin) of a query (one per key
 * partition) as one, and loads them into fin[0..nfin) of another run:
 * each group goes to the key partition of its hash (the thread counts of
 * the two runs may differ). */
void wr_aggop_save(wr_aggop *const *fin, int nfin, wr_buf *b);
bool wr_aggop_load(wr_aggop *const *fin, int nfin, wr_snapr *r);
void wr_joinop_save(const wr_joinop *j, wr_buf *b);
bool wr_joinop_load(wr_joinop *j, wr_snapr *r);
void wr_tableop_save(const wr_tableop *t, wr_buf *b);
bool wr_tableop_load(wr_tableop *t, wr_snapr *r);
void wr_wscanop_save(const wr_wscanop *op, wr_buf *b);
bool wr_wscanop_load(wr_wscanop *op, wr_snapr *r);

#endif
