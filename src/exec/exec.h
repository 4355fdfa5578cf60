/*
 * exec.h: the executor's internal interface: input records, the query
 * runtime that runs a physical plan (planner/plan.h) one micro-batch at a
 * time, and the output callback.
 *
 * A wr_qrun holds the executor state of one query (operator state parallel
 * to the read-only plan). The driver hands it the records of a micro-batch
 * (the slices it planned, already read) with wr_qrun_batch(); the runtime
 * decodes, filters, aggregates and emits, and calls the output callback once
 * per output record, in a deterministic order that does not depend on the
 * thread count. Records are borrowed for the duration of the call only.
 */
#ifndef WEIR_EXEC_EXEC_H
#define WEIR_EXEC_EXEC_H

#include "planner/plan.h"

/* One input record (borrowed). */
typedef struct wr_record {
    const char *key;   /* key bytes, NULL: null key */
    int32_t klen;      /* key length */
    const char *value; /* value bytes, NULL: null value (tombstone) */
    int32_t vlen;      /* value length */
    int64_t ts;        /* record timestamp (ms) */
    int32_t partition; /* partition; -1 for a file (offset = line) */
    int64_t offset;    /* offset (or line number / byte offset) */
    int64_t seq;       /* processing order, increasing within a query */
    const char *topic; /* topic or file name, for messages */
    bool windowed;     /* the key carries a window */
    int64_t wstart;    /* window start */
    int64_t wend;      /* window end */
} wr_record;

/* One output record: encoded bytes plus the logical row it came from. */
typedef struct wr_out {
    const char *key; /* encoded key, NULL when keyless */
    int32_t klen;
    const char *value; /* encoded value, NULL: tombstone */
    int32_t vlen;
    int64_t ts;     /* output timestamp */
    bool windowed;  /* key carries a window */
    int64_t wstart; /* window bounds */
    int64_t wend;
    bool session;       /* a session window */
    const wr_col *cols; /* the sink columns (keys first) */
    int row;            /* the row of cols */
} wr_out;

typedef weir_rc (*wr_out_fn)(void *ctx, const wr_qplan *p, const wr_out *o,
                             weir_status *st);

/* Counters of a query, cumulative. */
typedef struct wr_qstats {
    int64_t records_in;    /* records given to the query */
    int64_t records_out;   /* records emitted */
    int64_t decode_errors; /* records skipped: could not be decoded */
    int64_t late;          /* records dropped: window already closed */
    int64_t eval_errors;   /* rows where an expression failed (NULL) */
    int64_t batches;       /* micro-batches run */
    char last_error[300];  /* the last data error, with its origin */
} wr_qstats;

typedef struct wr_qrun wr_qrun;

/*
 * Creates the runtime of plan p (borrowed; must outlive the runtime) with
 * `threads` worker threads (>= 1) and the output callback. NULL with st set
 * when out of memory.
 */
wr_qrun *wr_qrun_new(const wr_qplan *p, int threads, wr_out_fn out, void *ctx,
                     weir_status *st);

/*
 * Runs one micro-batch: recs[0..n) from scan `si` in processing order.
 * Returns WEIR_OK, or an error (out of memory, the output callback failed).
 * Bad records never fail the batch: they are counted and reported in the
 * stats with topic[partition]@offset.
 */
/* Where the next wr_qrun_batch cuts its records into per-thread chunks
 * when it runs in parallel: cut[0..threads] (cut[0] = 0, cut[threads] = n,
 * increasing), copied; NULL: equal chunks. The driver uses it to keep a
 * source partition on one thread (Spark's PreferConsistent / PreferFixed).
 * The output does not depend on the cut. */
void wr_qrun_cut(wr_qrun *r, const int *cut);

weir_rc wr_qrun_batch(wr_qrun *r, int si, const wr_record *recs, int n,
                      weir_status *st);

/* One micro-batch fed in several wr_qrun_batch calls (a source's
 * partitions as they arrive, runs of several sources): wr_qrun_begin
 * fixes the batch's watermark (lateness is decided against it for every
 * call) and the calls until wr_qrun_end emit nothing of the aggregate;
 * wr_qrun_end emits once, as one call with all the records would. The
 * result does not depend on how the batch was cut. */
void wr_qrun_begin(wr_qrun *r);
weir_rc wr_qrun_end(wr_qrun *r, weir_status *st);

/*
 * Ends a bounded input (a file read once, the inputs of `weir test`): every
 * window closes, so EMIT FINAL emits what is still open. The runtime can
 * take no more batches afterwards.
 */
weir_rc wr_qrun_finish(wr_qrun *r, weir_status *st);

/*
 * The driver's clock. Batches come every batch_ms from zero_ms on (batch k,
 * k >= 1, at zero_ms + k * batch_ms, Spark's batch time); records of a
 * processing-time source get ROWTIME = the time of the batch that reads
 * them. Window sizes and advances of a processing-time query must be
 * multiples of batch_ms (WEIR_E_BIND otherwise). idle_ms > 0 lets
 * event-time windows close after idle_ms of processing time without a
 * record. Call once, before the first batch; a processing-time query
 * cannot run without it.
 */
weir_rc wr_qrun_clock(wr_qrun *r, int64_t zero_ms, int64_t batch_ms,
                      int64_t idle_ms, weir_status *st);

/*
 * Ends the batch of time now_ms (after its wr_qrun_batch calls, one per
 * source, or none for an empty batch): processing-time windows ending by
 * now_ms emit, and the next records get ROWTIME now_ms + batch_ms.
 */
weir_rc wr_qrun_tick(wr_qrun *r, int64_t now_ms, weir_status *st);

/* True once a push query's LIMIT has been reached. */
bool wr_qrun_done(const wr_qrun *r);

const wr_qstats *wr_qrun_stats(const wr_qrun *r);

/* Called for every record the query cannot decode, with the reason (both
 * borrowed for the call), after it is counted and skipped: the driver's
 * error policy (stop, dead-letter). Calls are serialized (worker threads
 * take a lock). */
typedef void (*wr_bad_fn)(void *ctx, const wr_record *rec, const char *why);
void wr_qrun_on_bad(wr_qrun *r, wr_bad_fn fn, void *ctx);

/*
 * Snapshots of the state (checkpoints): wr_qrun_save writes everything
 * that decides the runtime's later output (every operator's state, the
 * clocks, the counters, where sequence numbers go on) into out, between
 * batches (after wr_qrun_tick). wr_qrun_load reads it into a fresh runtime
 * of the same plan (created and clocked, fed nothing; its thread count may
 * differ), which then gives the output the saved one would have for the
 * same later input. Sources restart their sequence numbers at 0: the
 * loaded runtime continues the saved one's. Load errors: WEIR_E_IO for a
 * damaged snapshot or another version's, WEIR_E_NOMEM; the runtime must
 * then only be freed. data is borrowed.
 */
weir_rc wr_qrun_save(const wr_qrun *r, wr_buf *out, weir_status *st);
weir_rc wr_qrun_load(wr_qrun *r, const void *data, size_t n, weir_status *st);

/*
 * Encodes row `row` of the sink columns cols (keys first) as sink s
 * writes it: the key (KAFKA, JSON or DELIMITED; NULL for a NULL key or a
 * keyless sink) into kbuf and, unless tomb, the value into vbuf; o's key
 * and value point into them (the buffers are reset first; the caller owns
 * them). false when out of memory. The Sink operator and INSERT ...
 * VALUES write records this way.
 */
bool wr_sink_encode(const wr_psink *s, const wr_col *cols, int row, bool tomb,
                    wr_buf *kbuf, wr_buf *vbuf, wr_out *o);

/* Frees the runtime and all its state. NULL is a no-op. */
void wr_qrun_free(wr_qrun *r);

#endif
