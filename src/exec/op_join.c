/*
 * Operator: Join
 * Inputs:   scan batches of the query's sources (a left-deep join tree:
 *           join j combines the rows of scans 0..j with scan j+1).
 * Output:   wide rows: every source's columns side by side (scan i at
 *           plan->scan_off[i]), then the synthetic join key (ROWKEY: the
 *           last join's key, of its type) and the join timestamp; a
 *           missing side of an outer join is NULL.
 * State:    stream-table: the table side, latest row per key (a tombstone
 *           deletes); stream-stream: both sides' rows buffered per key with
 *           their ROWTIME until the join window plus grace has passed. Rows
 *           are malloc'd copies (strings and nested values included, one
 *           block per row) owned by the operator.
 * Time:     stream-table results carry the stream row's ROWTIME;
 *           stream-stream results the later of the two. Stream time is the
 *           highest ROWTIME a join has seen; a buffered row expires when
 *           its window (WITHIN before/after) plus grace is behind it
 *           (grace: GRACE PERIOD, or 24 hours without it). A row that
 *           arrives already past that (ts + after + grace below stream
 *           time for a left row, ts + before + grace for a right one) is
 *           late and joins nothing: an outer side's comes out null-padded
 *           at once, any other is dropped and counted (wr_qstats.late).
 * Emission: only the stream side triggers a stream-table join. Outer
 *           stream-stream joins without GRACE PERIOD emit the null-padded
 *           row eagerly when a row finds no match (ksqlDB's legacy
 *           behaviour); with GRACE PERIOD they emit it when the row expires
 *           without ever having matched.
 * Errors:   a NULL join key never matches (INNER drops the row; an outer
 *           side keeps it null-padded).
 */
#include "exec/exec_int.h"

#include <stdlib.h>

#include "exec/rowmap.h"

#define LEGACY_GRACE_MS (24LL * 3600 * 1000)

typedef struct jrow {
    wr_datum *d;  /* wide row (wide_ncols datums) */
    wr_datum key; /* join key of this side */
    int64_t ts;   /* ROWTIME */
    int64_t seq;  /* arrival order (orders expiry output) */
    bool matched; /* found a partner at least once */
    bool tomb;    /* an output row that deletes its key (joins of tables) */
} jrow;
_Static_assert(sizeof(jrow) % 16 == 0, "the wide row after a jrow is aligned");

/* One side's rows by join key; a table side has at most one per key. */
typedef struct jside {
    wr_rowmap m;
    const wr_type *kt[1]; /* the key type */
    size_t n;             /* rows kept */
    /* Stream sides: the rows again in a min-heap by (ROWTIME, arrival),
     * so that expiry touches only the rows that expire. */
    bool expires;
    jrow **h;
    size_t nh, ch;
} jside;

typedef struct jnode {
    jside left, right;   /* stream-stream buffers; right: the table */
    int64_t stream_time; /* highest ROWTIME seen */
} jnode;

struct wr_joinop {
    const wr_qplan *p;
    jnode *nodes;
    wr_datum **out; /* wide rows produced in this batch (owned) */
    int nout, ocap;
    int64_t arrivals;  /* rows buffered so far (jrow.seq) */
    int64_t late;      /* late rows dropped by this call */
    wr_arena *scratch; /* key evaluation */
};

/* True when a stream row of ROWTIME ts is past its join window (which
 * reaches span after it) plus grace at stream time now: ts + span + grace
 * < now (no overflow), which is when the row expires. */
static bool closed(int64_t ts, int64_t span, int64_t grace, int64_t now)
{
    return (wr_i128)ts + span + grace < (wr_i128)now;
}

static void row_free(void *r)
{
    if (r)
        wr_free(r);
}

/*
 * A jrow holding a copy of the wide row d (p->wide_ncols datums of
 * p->wide_types) and of the join key (type kt; NULL: none), strings and
 * nested values included, all in one wr_malloc'd block: row_free frees it.
 * Borrows p, d, kt and key; the caller owns the row (its nested values
 * point at the plan's types, which outlive it). NULL when out of memory.
 */
static jrow *row_new(const wr_qplan *p, const wr_datum *d, const wr_type *kt,
                     const wr_datum *key, int64_t ts)
{
    int w = p->wide_ncols;
    /* The datums follow the header: sizeof(jrow) is a multiple of 16 (it
     * holds a wr_datum), so they and the nested values stay 16-aligned. */
    size_t off = sizeof(jrow) + sizeof(wr_datum) * (size_t)w;
    wr_datum none = {.null = true};
    const wr_datum *k = key ? key : &none;
    size_t bytes = wr_row_place(w, p->wide_types, d, NULL, NULL, off);
    bytes = wr_datum_place(kt, k, NULL, NULL, bytes);
    jrow *r = wr_malloc(bytes);
    if (!r)
        return NULL;
    r->d = (wr_datum *)(r + 1);
    off = wr_row_place(w, p->wide_types, d, r->d, (char *)r, off);
    r->key = *k;
    wr_datum_place(kt, k, &r->key, (char *)r, off);
    r->ts = ts;
    r->seq = 0;
    r->matched = false;
    r->tomb = false;
    return r;
}

static bool older(const jrow *a, const jrow *b)
{
    return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static bool heap_push(jside *s, jrow *r)
{
    if (s->nh == s->ch) {
        size_t nc = s->ch ? s->ch * 2 : 64;
        jrow **h = wr_realloc(s->h, sizeof(void *) * nc);
        if (!h)
            return false;
        s->h = h;
        s->ch = nc;
    }
    size_t i = s->nh++;
    while (i > 0 && older(r, s->h[(i - 1) / 2])) {
        s->h[i] = s->h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->h[i] = r;
    return true;
}

static jrow *heap_pop(jside *s)
{
    jrow *top = s->h[0], *last = s->h[--s->nh];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->nh)
            break;
        if (c + 1 < s->nh && older(s->h[c + 1], s->h[c]))
            c++;
        if (!older(s->h[c], last))
            break;
        s->h[i] = s->h[c];
        i = c;
    }
    if (s->nh)
        s->h[i] = last;
    return top;
}

/* Keeps r (its seq already set) in s: appended to its key's rows and, on a
 * stream side, pushed on the expiry heap. Takes ownership of r only on
 * success; false when out of memory (s is unchanged). */
static bool side_insert(jside *s, jrow *r)
{
    if (!wr_rowmap_add(&s->m, &r->key, r))
        return false;
    if (s->expires && !heap_push(s, r)) { /* take it back out */
        wr_rment *e = wr_rowmap_find(&s->m, &r->key);
        if (e)
            wr_rowmap_remove(&s->m, e, e->n - 1);
        return false;
    }
    s->n++;
    return true;
}

/* Keeps r in s as its latest arrival (see side_insert). */
static bool side_add(wr_joinop *j, jside *s, jrow *r)
{
    r->seq = j->arrivals++;
    return side_insert(s, r);
}

wr_joinop *wr_joinop_new(const wr_qplan *p, weir_status *st)
{
    wr_joinop *j = wr_malloc(sizeof *j);
    if (!j) {
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    memset(j, 0, sizeof *j);
    j->p = p;
    j->nodes = wr_malloc(sizeof(jnode) * (size_t)p->njoin);
    j->scratch = wr_arena_new(1 << 14);
    if (!j->nodes || !j->scratch) {
        wr_joinop_free(j);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    memset(j->nodes, 0, sizeof(jnode) * (size_t)p->njoin);
    for (int i = 0; i < p->njoin; i++) {
        jnode *jn = &j->nodes[i];
        jn->stream_time = INT64_MIN;
        jn->left.kt[0] = wr_xexpr_type(p->joins[i].lkey);
        jn->right.kt[0] = wr_xexpr_type(p->joins[i].rkey);
        wr_rowmap_init(&jn->left.m, 1, jn->left.kt);
        wr_rowmap_init(&jn->right.m, 1, jn->right.kt);
        /* Stream sides expire; a table side keeps the latest row per
         * key until it is replaced or deleted. */
        jn->left.expires = jn->right.expires = !p->joins[i].right_table;
    }
    return j;
}

static void side_free(jside *s)
{
    wr_rowmap_fini(&s->m, row_free);
    wr_free(s->h);
}

void wr_joinop_free(wr_joinop *j)
{
    if (!j)
        return;
    for (int i = 0; j->nodes && i < j->p->njoin; i++) {
        side_free(&j->nodes[i].left);
        side_free(&j->nodes[i].right);
    }
    for (int i = 0; i < j->nout; i++)
        wr_free(j->out[i]);
    wr_free(j->out);
    wr_free(j->nodes);
    wr_arena_free(j->scratch);
    wr_free(j);
}

/* Evaluates key expression x over one wide row. */
static bool eval_key(wr_joinop *j, const wr_xexpr *x, const wr_datum *d,
                     wr_datum *out, wr_eval_ctx *cx, weir_status *st)
{
    int c = wr_xexpr_column(x);
    if (c >= 0) {
        *out = d[c];
        return true;
    }
    const wr_qplan *p = j->p;
    wr_batch b;
    if (!wr_batch_init(&b, j->scratch, p->wide_ncols, p->wide_types, 1))
        return false;
    for (int i = 0; i < p->wide_ncols; i++)
        wr_col_put(&b.cols[i], 0, &d[i]);
    b.n = 1;
    b.nsel = 1;
    wr_col oc;
    if (wr_expr_eval(x, &b, &oc, cx, st) != WEIR_OK)
        return false;
    wr_col_get(&oc, 0, out);
    return true;
}

static weir_rc emit(wr_joinop *j, int node, wr_datum *row, int64_t ts,
                    const wr_datum *key, bool tomb, wr_eval_ctx *cx,
                    weir_status *st);

/* The combination of a left wide row and a right one (right's scan
 * columns). Either may be NULL (outer joins). Result in scratch. */
static wr_datum *combine(wr_joinop *j, int node, const wr_datum *l,
                         const wr_datum *r)
{
    const wr_qplan *p = j->p;
    int w = p->wide_ncols;
    wr_datum *o = wr_arena_alloc(j->scratch, sizeof(wr_datum) * (size_t)w);
    if (!o)
        return NULL;
    for (int i = 0; i < w; i++)
        o[i].null = true;
    int rs = p->joins[node].right_scan;
    int r0 = p->scan_off[rs], r1 = r0 + p->scans[rs].ncols;
    for (int i = 0; i < w; i++) {
        bool right = i >= r0 && i < r1;
        if (right && r)
            o[i] = r[i];
        else if (!right && l)
            o[i] = l[i];
    }
    return o;
}

/* A join of two tables (Kafka Streams' KTable-KTable join): an update of
 * either side replaces that side's row and emits the new joined row for
 * the key, a delete emits a tombstone; the other side's row decides
 * whether there is a result (INNER: both; LEFT: the left one; RIGHT: the
 * right one; FULL: either). A delete of a key that had no result emits
 * nothing. Results carry the later of the two rows' ROWTIMEs. */
static weir_rc push_tables(wr_joinop *j, int node, bool left,
                           const wr_datum *row, const wr_datum *key, int64_t ts,
                           bool tomb, wr_eval_ctx *cx, weir_status *st)
{
    const wr_qplan *p = j->p;
    const wr_pjoin *pj = &p->joins[node];
    jnode *jn = &j->nodes[node];
    jside *mine = left ? &jn->left : &jn->right;
    jside *other = left ? &jn->right : &jn->left;
    if (key->null)
        return WEIR_OK;
    /* This side's new row replaces the old (kept until the end). */
    wr_rment *e = wr_rowmap_find(&mine->m, key);
    jrow *old = NULL;
    if (e) {
        old = e->rows[0];
        wr_rowmap_remove(&mine->m, e, 0);
        mine->n--;
    }
    jrow *cur = NULL;
    if (!tomb) {
        cur = row_new(p, row, mine->kt[0], key, ts);
        if (!cur || !side_add(j, mine, cur)) {
            row_free(cur);
            row_free(old);
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        }
    }
    const wr_rment *oe = wr_rowmap_find(&other->m, key);
    const jrow *o = oe ? oe->rows[0] : NULL;
    bool keep_mine = pj->type == WR_JOIN_FULL ||
                     pj->type == (left ? WR_JOIN_LEFT : WR_JOIN_RIGHT);
    bool keep_other = pj->type == WR_JOIN_FULL ||
                      pj->type == (left ? WR_JOIN_RIGHT : WR_JOIN_LEFT);
    /* Was there a result for the key before, and is there one now? */
    bool before = (old && (o || keep_mine)) || (!old && o && keep_other);
    bool after = (cur && (o || keep_mine)) || (!cur && o && keep_other);
    weir_rc rc = WEIR_OK;
    if (after || before) {
        const wr_datum *mr = cur ? cur->d : after ? NULL : old ? old->d : row;
        const wr_datum *od = o ? o->d : NULL;
        wr_datum *out =
            left ? combine(j, node, mr, od) : combine(j, node, od, mr);
        int64_t rts = o && o->ts > ts ? o->ts : ts;
        rc = out ? emit(j, node, out, rts, key, !after, cx, st)
                 : weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
    }
    row_free(old);
    return rc;
}

static weir_rc push(wr_joinop *j, int node, bool left, const wr_datum *row,
                    int64_t ts, bool tomb, wr_eval_ctx *cx, weir_status *st)
{
    const wr_qplan *p = j->p;
    const wr_pjoin *pj = &p->joins[node];
    jnode *jn = &j->nodes[node];
    wr_datum key;
    if (!eval_key(j, left ? pj->lkey : pj->rkey, row, &key, cx, st))
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    const wr_type *kt = wr_xexpr_type(left ? pj->lkey : pj->rkey);
    const wr_type *ktr = wr_xexpr_type(pj->rkey);
    bool louter = pj->type == WR_JOIN_LEFT || pj->type == WR_JOIN_FULL;
    bool router = pj->type == WR_JOIN_RIGHT || pj->type == WR_JOIN_FULL;
    if (pj->left_table && pj->right_table)
        return push_tables(j, node, left, row, &key, ts, tomb, cx, st);
    if (pj->right_table) {
        if (!left) {
            wr_rment *e = wr_rowmap_find(&jn->right.m, &key);
            if (e) {
                row_free(e->rows[0]);
                wr_rowmap_remove(&jn->right.m, e, 0);
                jn->right.n--;
            }
            if (tomb || key.null)
                return WEIR_OK;
            jrow *r = row_new(p, row, ktr, &key, ts);
            if (!r || !side_add(j, &jn->right, r)) {
                row_free(r);
                return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                       "out of memory");
            }
            return WEIR_OK;
        }
        if (tomb)
            return WEIR_OK;
        const wr_rment *e = wr_rowmap_find(&jn->right.m, &key);
        const jrow *m = e ? e->rows[0] : NULL;
        if (!m && !louter)
            return WEIR_OK;
        wr_datum *o = combine(j, node, row, m ? m->d : NULL);
        if (!o)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        return emit(j, node, o, ts, &key, false, cx, st);
    }
    /* Stream-stream. */
    if (tomb || key.null)
        return WEIR_OK;
    if (ts > jn->stream_time)
        jn->stream_time = ts;
    /* Late: the row's window plus grace has passed (stream time is beyond
     * ts + after + grace for a left row, ts + before + grace for a right
     * one), so it would expire at once. It joins nothing (Kafka Streams
     * drops it before the lookup): a row of an outer side comes out
     * NULL-padded at once (what ksqlDB's tests expect), any other row is
     * dropped and counted as late. */
    int64_t grace = pj->grace >= 0 ? pj->grace : LEGACY_GRACE_MS;
    if (closed(ts, left ? pj->after : pj->before, grace, jn->stream_time)) {
        if (!(left ? louter : router)) {
            j->late++;
            return WEIR_OK;
        }
        wr_datum *o =
            left ? combine(j, node, row, NULL) : combine(j, node, NULL, row);
        if (!o)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        return emit(j, node, o, ts, &key, false, cx, st);
    }
    jside *other = left ? &jn->right : &jn->left;
    bool any = false;
    wr_rment *e = wr_rowmap_find(&other->m, &key);
    for (int i = 0; e && i < e->n; i++) {
        jrow *x = e->rows[i];
        int64_t lo = left ? ts - pj->before : ts - pj->after;
        int64_t hi = left ? ts + pj->after : ts + pj->before;
        if (x->ts < lo || x->ts > hi)
            continue;
        any = true;
        x->matched = true;
        wr_datum *o =
            left ? combine(j, node, row, x->d) : combine(j, node, x->d, row);
        if (!o)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        weir_rc rc =
            emit(j, node, o, ts > x->ts ? ts : x->ts, &key, false, cx, st);
        if (rc != WEIR_OK)
            return rc;
    }
    jrow *r = row_new(p, row, kt, &key, ts);
    if (!r || !side_add(j, left ? &jn->left : &jn->right, r)) {
        row_free(r);
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    }
    r->matched = any;
    if (!any && pj->grace < 0 && (left ? louter : router)) {
        wr_datum *o =
            left ? combine(j, node, row, NULL) : combine(j, node, NULL, row);
        if (!o)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        return emit(j, node, o, ts, &key, false, cx, st);
    }
    return WEIR_OK;
}

static weir_rc emit(wr_joinop *j, int node, wr_datum *row, int64_t ts,
                    const wr_datum *key, bool tomb, wr_eval_ctx *cx,
                    weir_status *st)
{
    const wr_qplan *p = j->p;
    /* The result's key is the last join's (its type is that join's key
     * type, p->wide_types[p->joinkey_col]): the keys of the joins below
     * it, of other types, are not kept in the row. */
    if (key && node == p->njoin - 1)
        row[p->joinkey_col] = *key;
    row[p->ts_col].null = false;
    row[p->ts_col].u.i64 = ts;
    if (node + 1 < p->njoin)
        return push(j, node + 1, true, row, ts, tomb, cx, st);
    jrow *r = row_new(p, row, NULL, NULL, ts);
    if (!r)
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    r->tomb = tomb;
    if (j->nout == j->ocap) {
        int nc = j->ocap ? j->ocap * 2 : 16;
        wr_datum **n = wr_realloc(j->out, sizeof(void *) * (size_t)nc);
        if (!n) {
            row_free(r);
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        }
        j->out = n;
        j->ocap = nc;
    }
    j->out[j->nout++] = (wr_datum *)r; /* the block starts with the jrow */
    return WEIR_OK;
}

/* The unmatched outer rows one expiry collected. */
typedef struct expiry {
    jrow **dead;
    int ndead;
} expiry;

static int cmp_arrival(const void *a, const void *b)
{
    const jrow *x = *(jrow *const *)a, *y = *(jrow *const *)b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Expires buffered stream-stream rows whose window and grace are behind
 * stream time, emitting unmatched outer rows null-padded (with GRACE), in
 * the order they arrived. */
static weir_rc expire(wr_joinop *j, wr_eval_ctx *cx, weir_status *st)
{
    const wr_qplan *p = j->p;
    for (int node = 0; node < p->njoin; node++) {
        const wr_pjoin *pj = &p->joins[node];
        jnode *jn = &j->nodes[node];
        if (pj->right_table || jn->stream_time == INT64_MIN)
            continue;
        int64_t grace = pj->grace >= 0 ? pj->grace : LEGACY_GRACE_MS;
        for (int side = 0; side < 2; side++) {
            jside *s = side == 0 ? &jn->left : &jn->right;
            bool outer =
                side == 0
                    ? (pj->type == WR_JOIN_LEFT || pj->type == WR_JOIN_FULL)
                    : (pj->type == WR_JOIN_RIGHT || pj->type == WR_JOIN_FULL);
            int64_t span = side == 0 ? pj->after : pj->before;
            /* r stays while r->ts + span + grace >= stream time: the
             * heap yields exactly the rows past that, oldest first. */
            bool pad = outer && pj->grace >= 0;
            jrow **dead = NULL;
            int ndead = 0, cap = 0;
            while (s->nh && closed(s->h[0]->ts, span, grace, jn->stream_time)) {
                jrow *r = heap_pop(s);
                wr_rment *e = wr_rowmap_find(&s->m, &r->key);
                for (int i = 0; e && i < e->n; i++)
                    if (e->rows[i] == r) {
                        wr_rowmap_remove(&s->m, e, i);
                        break;
                    }
                s->n--;
                if (!pad || r->matched) {
                    row_free(r);
                    continue;
                }
                if (ndead == cap) {
                    int nc = cap ? cap * 2 : 16;
                    jrow **d = wr_realloc(dead, sizeof(void *) * (size_t)nc);
                    if (!d) {
                        row_free(r);
                        for (int i = 0; i < ndead; i++)
                            row_free(dead[i]);
                        wr_free(dead);
                        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                               "out of memory");
                    }
                    dead = d;
                    cap = nc;
                }
                dead[ndead++] = r;
            }
            expiry x = {dead, ndead};
            if (x.ndead > 1)
                qsort(x.dead, (size_t)x.ndead, sizeof(void *), cmp_arrival);
            weir_rc rc = WEIR_OK;
            for (int i = 0; i < x.ndead; i++) {
                jrow *r = x.dead[i];
                if (rc == WEIR_OK) {
                    wr_datum *o = side == 0 ? combine(j, node, r->d, NULL)
                                            : combine(j, node, NULL, r->d);
                    rc = o ? emit(j, node, o, r->ts, &r->key, false, cx, st)
                           : weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                             "out of memory");
                }
                row_free(r);
            }
            wr_free(x.dead);
            if (rc != WEIR_OK)
                return rc;
        }
    }
    return WEIR_OK;
}

static weir_rc out_batch(wr_joinop *j, wr_batch *out, wr_arena *ar,
                         weir_status *st);

/* Pushes the selected rows of scan si's batch in through the joins (the
 * results collect in j->out). Borrows everything; row is scratch in ar. */
static weir_rc push_rows(wr_joinop *j, int si, wr_batch *in, wr_arena *ar,
                         wr_eval_ctx *cx, weir_status *st)
{
    const wr_qplan *p = j->p;
    const wr_pscan *s = &p->scans[si];
    int w = p->wide_ncols;
    int off = p->scan_off[si];
    wr_datum *row = wr_arena_alloc(ar, sizeof(wr_datum) * (size_t)w);
    if (!row)
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    for (int k = 0; k < in->nsel; k++) {
        int r = wr_batch_row(in, k);
        for (int i = 0; i < w; i++)
            row[i].null = true;
        for (int c = 0; c < s->ncols; c++)
            wr_col_get(&in->cols[c], r, &row[off + c]);
        int64_t ts = WR_COL_I64(&in->cols[s->col_rowtime])[r];
        wr_arena_reset(j->scratch);
        weir_rc rc = si == 0
                         ? push(j, 0, true, row, ts, in->tomb[r], cx, st)
                         : push(j, si - 1, false, row, ts, in->tomb[r], cx, st);
        if (rc != WEIR_OK)
            return rc;
    }
    return WEIR_OK;
}

weir_rc wr_joinop_process(wr_joinop *j, int si, wr_batch *in, wr_batch *out,
                          wr_arena *ar, wr_qstats *stats, wr_eval_ctx *cx,
                          weir_status *st)
{
    for (int i = 0; i < j->nout; i++)
        wr_free(j->out[i]);
    j->nout = 0;
    j->late = 0;
    weir_rc rc = push_rows(j, si, in, ar, cx, st);
    stats->late += j->late;
    if (rc == WEIR_OK)
        rc = expire(j, cx, st);
    if (rc != WEIR_OK)
        return rc;
    return out_batch(j, out, ar, st);
}

weir_rc wr_joinop_tick(wr_joinop *j, int64_t now_ms, wr_batch *out,
                       wr_arena *ar, wr_eval_ctx *cx, weir_status *st)
{
    for (int i = 0; i < j->nout; i++)
        wr_free(j->out[i]);
    j->nout = 0;
    for (int node = 0; node < j->p->njoin; node++)
        if (j->nodes[node].stream_time < now_ms + 1)
            j->nodes[node].stream_time = now_ms + 1;
    weir_rc rc = expire(j, cx, st);
    if (rc != WEIR_OK)
        return rc;
    return out_batch(j, out, ar, st);
}

/* The rows emitted by the last call (j->out) as a wide batch in ar. */
static weir_rc out_batch(wr_joinop *j, wr_batch *out, wr_arena *ar,
                         weir_status *st)
{
    const wr_qplan *p = j->p;
    int w = p->wide_ncols;
    if (!wr_batch_init(out, ar, w, p->wide_types, j->nout ? j->nout : 1))
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    for (int i = 0; i < j->nout; i++) {
        const jrow *jr = (const jrow *)j->out[i];
        for (int c = 0; c < w; c++) {
            wr_datum d;
            if (!wr_datum_copy(ar, p->wide_types[c], &jr->d[c], &d))
                return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                       "out of memory");
            wr_col_put(&out->cols[c], i, &d);
        }
        out->tomb[i] = jr->tomb;
    }
    out->n = j->nout;
    out->nsel = j->nout;
    out->sel = NULL;
    return WEIR_OK;
}

/* ---- snapshots ------------------------------------------------------------
 *
 * The state is the seq counter, then per join node its stream time and
 * both sides' rows, each side as a count and its rows in arrival order
 * (seq): seq (as the step from the previous row's), ROWTIME, the flags
 * (1: matched, 2: tomb), the join key and the wide row. Loading re-adds
 * the rows in that order, so each key's rows are in arrival order again,
 * and rebuilds the expiry heaps; the output list (j->out) and the scratch
 * arena are per batch and not saved.
 */

/* Writes the rows of side s (borrowed, like j) into b in arrival order;
 * out of memory sets b->oom. */
static void side_save(const wr_joinop *j, const jside *s, wr_buf *b)
{
    const wr_qplan *p = j->p;
    jrow **v = wr_malloc(sizeof(jrow *) * (s->n ? s->n : 1));
    if (!v) {
        b->oom = true;
        return;
    }
    size_t n = 0;
    for (uint32_t i = 0; i < s->m.nb; i++)
        for (const wr_rment *e = s->m.b[i]; e; e = e->next)
            for (int k = 0; k < e->n && n < s->n; k++)
                v[n++] = e->rows[k];
    if (n > 1)
        qsort(v, n, sizeof(jrow *), cmp_arrival);
    wr_snap_int(b, (int64_t)n);
    int64_t prev = -1;
    for (size_t i = 0; i < n; i++) {
        const jrow *r = v[i];
        wr_snap_int(b, r->seq - prev);
        prev = r->seq;
        wr_snap_int(b, r->ts);
        wr_snap_int(b, (r->matched ? 1 : 0) | (r->tomb ? 2 : 0));
        wr_snap_datum(b, s->kt[0], &r->key);
        for (int c = 0; c < p->wide_ncols; c++)
            wr_snap_datum(b, p->wide_types[c], &r->d[c]);
    }
    wr_free(v);
}

/* Marks r damaged (r->oom too when oom); returns false. */
static bool load_fail(wr_snapr *r, bool oom)
{
    r->bad = true;
    r->oom = r->oom || oom;
    return false;
}

/* Reads the rows of side s (of a fresh operator) from r, copying them out
 * of the snapshot; d is scratch for a wide row. false when the snapshot is
 * damaged (a row with a NULL key, seqs out of order or not below
 * j->arrivals, two rows of one key on a table side) or memory ran out; the
 * rows read until then stay in s (freed with the operator). */
static bool side_load(wr_joinop *j, jside *s, wr_snapr *r, wr_datum *d)
{
    const wr_qplan *p = j->p;
    int64_t n = wr_snapr_range(r, 0, r->end - r->p);
    int64_t seq = -1;
    for (int64_t i = 0; i < n && !r->bad; i++) {
        /* Strictly increasing and below arrivals: the step is in
         * [1, arrivals - 1 - seq] (an empty range when nothing is left). */
        seq += wr_snapr_range(r, 1, j->arrivals - 1 - seq);
        int64_t ts = wr_snapr_int(r);
        int64_t flags = wr_snapr_range(r, 0, 3);
        wr_datum key;
        wr_snapr_datum(r, s->kt[0], &key);
        for (int c = 0; c < p->wide_ncols && !r->bad; c++)
            wr_snapr_datum(r, p->wide_types[c], &d[c]);
        if (r->bad)
            break;
        /* A NULL key is never kept; a table side has one row per key. */
        if (key.null || (!s->expires && wr_rowmap_find(&s->m, &key)))
            return load_fail(r, false);
        jrow *x = row_new(p, d, s->kt[0], &key, ts);
        if (!x)
            return load_fail(r, true);
        x->seq = seq;
        x->matched = flags & 1;
        x->tomb = (flags & 2) != 0;
        if (!side_insert(s, x)) {
            row_free(x);
            return load_fail(r, true);
        }
    }
    return !r->bad;
}

/*
 * Writes j's state into b (see above). Borrows j; out of memory sets
 * b->oom.
 */
void wr_joinop_save(const wr_joinop *j, wr_buf *b)
{
    const wr_qplan *p = j->p;
    wr_snap_int(b, p->njoin);
    wr_snap_int(b, j->arrivals);
    for (int i = 0; i < p->njoin; i++) {
        const jnode *jn = &j->nodes[i];
        wr_snap_int(b, jn->stream_time);
        side_save(j, &jn->left, b);
        side_save(j, &jn->right, b);
    }
}

/*
 * Reads the state written by wr_joinop_save into j, freshly created for
 * the same plan. Borrows r; copies what it keeps. false when the snapshot
 * is damaged (r->bad) or memory ran out (r->oom): j may then hold part of
 * the state and must only be freed.
 */
bool wr_joinop_load(wr_joinop *j, wr_snapr *r)
{
    const wr_qplan *p = j->p;
    wr_datum *d = wr_malloc(sizeof(wr_datum) * (size_t)(p->wide_ncols + 1));
    if (!d)
        return load_fail(r, true);
    wr_snapr_range(r, p->njoin, p->njoin);
    j->arrivals = wr_snapr_range(r, 0, INT64_MAX);
    for (int i = 0; i < p->njoin && !r->bad; i++) {
        jnode *jn = &j->nodes[i];
        jn->stream_time = wr_snapr_int(r);
        if (side_load(j, &jn->left, r, d))
            side_load(j, &jn->right, r, d);
    }
    wr_free(d);
    return !r->bad;
}
