/*
 * Operator: WindowScan (WINDOW without aggregation; Spark's window())
 * Input:    the rows that passed WHERE (scan or joined wide rows).
 * Output:   when a window closes, every row it contains, in arrival order,
 *           as a batch of the input's columns plus WINDOWSTART and
 *           WINDOWEND; the query projects and sinks it. A row is output
 *           once per window containing it (HOPPING windows overlap).
 * State:    the rows that an open window may still need: private copies
 *           (strings and nested values included, one block per row:
 *           wr_row_copy) in arrival order, dropped once every window that
 *           contains them has closed.
 * Time:     event time: windows [start, start + size) aligned on the epoch
 *           (starts are never negative, as in Kafka Streams) close when
 *           the watermark (stream time minus grace) reaches their end, and
 *           a bounded input closes the rest at its end; a row whose windows
 *           have all closed is late (counted, dropped). Processing time: as
 *           Spark, the windows end at zero + k * slide and hold the batches
 *           of times in (end - size, end]; they close at the tick of the
 *           batch at their end, and their rows carry the window end as
 *           ROWTIME.
 * Errors:   none of its own.
 */
#include "exec/exec_int.h"

#include "exec/rowmap.h"

typedef struct wrow {
    wr_datum *d; /* the row's columns (wr_row_copy) */
    int64_t ts;  /* its ROWTIME */
} wrow;

struct wr_wscanop {
    const wr_pwscan *w;
    wrow *rows; /* kept rows, arrival order */
    int n, cap;
    int64_t stream_time; /* highest ROWTIME seen (event time) */
    int64_t closed;      /* windows ending at or before this have been
                            emitted (event time: INT64_MIN at first) */
    int64_t zero;        /* processing time: the clock's zero */
};

wr_wscanop *wr_wscanop_new(const wr_pwscan *w, weir_status *st)
{
    wr_wscanop *op = wr_malloc(sizeof *op);
    if (!op) {
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    memset(op, 0, sizeof *op);
    op->w = w;
    op->stream_time = INT64_MIN;
    op->closed = INT64_MIN;
    return op;
}

void wr_wscanop_free(wr_wscanop *op)
{
    if (!op)
        return;
    for (int i = 0; i < op->n; i++)
        wr_free(op->rows[i].d);
    wr_free(op->rows);
    wr_free(op);
}

/* Processing time: the windows end at zero_ms + k * slide, and none has
 * closed before zero_ms. Event-time windows do not depend on the clock (a
 * closed mark at zero_ms would drop rows older than the start as late,
 * whatever the grace). */
void wr_wscanop_clock(wr_wscanop *op, int64_t zero_ms)
{
    op->zero = zero_ms;
    if (op->w->proc)
        op->closed = zero_ms;
}

static int64_t slide_of(const wr_pwscan *w)
{
    return w->window.kind == WR_W_HOPPING ? w->window.advance : w->window.size;
}

weir_rc wr_wscanop_add(wr_wscanop *op, const wr_batch *b, wr_qstats *stats,
                       weir_status *st)
{
    const wr_pwscan *w = op->w;
    const int64_t *rt = WR_COL_I64(&b->cols[w->ts_col]);
    wr_datum *d = wr_arena_alloc(b->ar, sizeof(wr_datum) * (size_t)w->ncols);
    if (!d)
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    for (int k = 0; k < b->nsel; k++) {
        int r = wr_batch_row(b, k);
        if (b->tomb[r])
            continue;
        int64_t ts = rt[r];
        /* Event time: late when its last window has closed. */
        int64_t adv = slide_of(w);
        int64_t last_end =
            wr_floor_div(ts, adv) * adv + w->window.size; /* latest window */
        if (!w->proc && last_end <= op->closed) {
            stats->late++;
            continue;
        }
        if (!w->proc && ts > op->stream_time)
            op->stream_time = ts;
        for (int c = 0; c < w->ncols; c++)
            wr_col_get(&b->cols[c], r, &d[c]);
        wr_datum *copy = wr_row_copy(w->ncols, w->types, d);
        if (!copy)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        if (op->n == op->cap) {
            int nc = op->cap ? op->cap * 2 : 256;
            wrow *nr = wr_realloc(op->rows, sizeof(wrow) * (size_t)nc);
            if (!nr) {
                wr_free(copy);
                return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                       "out of memory");
            }
            op->rows = nr;
            op->cap = nc;
        }
        op->rows[op->n++] = (wrow){copy, ts};
    }
    return WEIR_OK;
}

/* Emits window [ws, we) (rows with lo <= ts < hi) through fn. */
static weir_rc emit_window(wr_wscanop *op, int64_t ws, int64_t we, int64_t lo,
                           int64_t hi, wr_arena *ar, wr_wscan_fn fn, void *ctx,
                           weir_status *st)
{
    const wr_pwscan *w = op->w;
    int m = 0;
    for (int i = 0; i < op->n; i++)
        m += op->rows[i].ts >= lo && op->rows[i].ts < hi;
    if (m == 0)
        return WEIR_OK;
    wr_arena_reset(ar);
    wr_batch b;
    if (!wr_batch_init(&b, ar, w->ncols + 2, w->types, m))
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    int k = 0;
    wr_datum bound = {.null = false};
    for (int i = 0; i < op->n; i++) {
        const wrow *r = &op->rows[i];
        if (r->ts < lo || r->ts >= hi)
            continue;
        for (int c = 0; c < w->ncols; c++)
            wr_col_put(&b.cols[c], k, &r->d[c]);
        if (w->proc) { /* the window's rows are the batch at its end */
            bound.u.i64 = we;
            wr_col_put(&b.cols[w->ts_col], k, &bound);
        }
        bound.u.i64 = ws;
        wr_col_put(&b.cols[w->wcol], k, &bound);
        bound.u.i64 = we;
        wr_col_put(&b.cols[w->wcol + 1], k, &bound);
        k++;
    }
    b.n = b.nsel = m;
    return fn(ctx, &b, st);
}

/* Drops the rows older than keep_from (no open window holds them). */
static void drop_before(wr_wscanop *op, int64_t keep_from)
{
    int k = 0;
    for (int i = 0; i < op->n; i++) {
        if (op->rows[i].ts >= keep_from)
            op->rows[k++] = op->rows[i];
        else
            wr_free(op->rows[i].d);
    }
    op->n = k;
}

/* The start of the first window after the one starting at ws that holds
 * a kept row: the later of the next start and the first start of a
 * window holding the oldest row at or after it (rows before it are in no
 * later window). INT64_MAX when no row is left. */
static int64_t next_start(const wr_wscanop *op, int64_t ws, int64_t size,
                          int64_t adv)
{
    int64_t next = ws + adv, t = INT64_MAX;
    for (int i = 0; i < op->n; i++)
        if (op->rows[i].ts >= next && op->rows[i].ts < t)
            t = op->rows[i].ts;
    if (t == INT64_MAX)
        return INT64_MAX;
    int64_t first = wr_floor_div(t - size, adv) * adv + adv;
    return first > next ? first : next;
}

weir_rc wr_wscanop_emit(wr_wscanop *op, int64_t now_ms, bool all, wr_arena *ar,
                        wr_wscan_fn fn, void *ctx, weir_status *st)
{
    const wr_pwscan *w = op->w;
    int64_t size = w->window.size, adv = slide_of(w);
    weir_rc rc = WEIR_OK;
    if (w->proc) {
        /* Processing time: the batch of time now_ms has run; a window ends
         * now when now is a slide after zero. Its batches: (now - size,
         * now]; a batch's rows carry its time. */
        if (all || now_ms <= op->zero || (now_ms - op->zero) % adv != 0)
            return WEIR_OK;
        rc = emit_window(op, now_ms - size, now_ms, now_ms - size + 1,
                         now_ms + 1, ar, fn, ctx, st);
        op->closed = now_ms;
        drop_before(op, now_ms + adv - size + 1);
        return rc;
    }
    /* Event time: the windows ending at or before the watermark close
     * (all: every window), in start order, from the first window that
     * holds the oldest kept row to the last that holds the newest. */
    if (op->stream_time == INT64_MIN || op->n == 0)
        return WEIR_OK;
    int64_t wm = op->stream_time - w->grace;
    int64_t minst = INT64_MAX, maxst = INT64_MIN;
    for (int i = 0; i < op->n; i++) {
        if (op->rows[i].ts < minst)
            minst = op->rows[i].ts;
        if (op->rows[i].ts > maxst)
            maxst = op->rows[i].ts;
    }
    /* Empty windows are skipped (a gap in the times, say a row of 1970
     * and one of today, would otherwise take a step per window). */
    for (int64_t ws = wr_floor_div(minst - size, adv) * adv + adv;
         rc == WEIR_OK && ws <= maxst && (all || ws + size <= wm);
         ws = next_start(op, ws, size, adv))
        if (ws >= 0 && ws + size > op->closed) /* no negative starts */
            rc = emit_window(op, ws, ws + size, ws, ws + size, ar, fn, ctx, st);
    if (all) {
        drop_before(op, INT64_MAX);
        op->closed = wr_floor_div(maxst, adv) * adv + size;
        return rc;
    }
    int64_t closed = wr_floor_div(wm - size, adv) * adv + size;
    if (closed > op->closed)
        op->closed = closed;
    /* The first window still open starts after closed - size. */
    drop_before(op, wr_floor_div(op->closed - size, adv) * adv + adv);
    return rc;
}

/* ---- snapshots ------------------------------------------------------------
 *
 * The state is the time (stream time, the closed mark, the clock's zero)
 * and the kept rows in arrival order: the column count (a check), then
 * per row its ROWTIME and its columns.
 */

/*
 * Writes op's state into b (see above). Borrows op; out of memory sets
 * b->oom.
 */
void wr_wscanop_save(const wr_wscanop *op, wr_buf *b)
{
    const wr_pwscan *w = op->w;
    wr_snap_int(b, w->ncols);
    wr_snap_int(b, op->stream_time);
    wr_snap_int(b, op->closed);
    wr_snap_int(b, op->zero);
    wr_snap_int(b, op->n);
    for (int i = 0; i < op->n; i++) {
        wr_snap_int(b, op->rows[i].ts);
        for (int c = 0; c < w->ncols; c++)
            wr_snap_datum(b, w->types[c], &op->rows[i].d[c]);
    }
}

/*
 * Reads the state written by wr_wscanop_save into op, freshly created for
 * the same plan (and clocked: the saved time replaces the clock's, so the
 * windows stay aligned as they were). Borrows r; copies what it keeps.
 * false when the snapshot is damaged (r->bad) or memory ran out (r->oom):
 * op may then hold part of the rows and must only be freed.
 */
bool wr_wscanop_load(wr_wscanop *op, wr_snapr *r)
{
    const wr_pwscan *w = op->w;
    wr_snapr_range(r, w->ncols, w->ncols);
    int64_t stream_time = wr_snapr_int(r);
    int64_t closed = wr_snapr_int(r);
    int64_t zero = wr_snapr_int(r);
    /* Each row takes at least a byte. */
    int64_t n = wr_snapr_range(r, 0, r->end - r->p);
    if (r->bad)
        return false;
    if (n > INT32_MAX / 2) {
        r->bad = true;
        return false;
    }
    op->stream_time = stream_time;
    op->closed = closed;
    op->zero = zero;
    if (op->n + n > op->cap) { /* (op->n is 0: a fresh operator) */
        int64_t cap = op->n + n;
        wrow *rows = wr_realloc(op->rows, sizeof(wrow) * (size_t)cap);
        if (!rows) {
            r->bad = r->oom = true;
            return false;
        }
        op->rows = rows;
        op->cap = (int)cap;
    }
    wr_datum *d = wr_malloc(sizeof(wr_datum) * (size_t)(w->ncols + 1));
    if (!d) {
        r->bad = r->oom = true;
        return false;
    }
    for (int64_t i = 0; i < n && !r->bad; i++) {
        int64_t ts = wr_snapr_int(r);
        for (int c = 0; c < w->ncols && !r->bad; c++)
            wr_snapr_datum(r, w->types[c], &d[c]);
        if (r->bad)
            break;
        wr_datum *copy = wr_row_copy(w->ncols, w->types, d);
        if (!copy) {
            r->bad = r->oom = true;
            break;
        }
        op->rows[op->n++] = (wrow){copy, ts};
    }
    wr_free(d);
    return !r->bad;
}
