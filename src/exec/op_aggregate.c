/*
 * Operator: WindowAggregate
 * Inputs:   scan batches (after WHERE) of one key partition, with each row's
 *           processing sequence number.
 * Output:   the aggregate batch [group keys][aggregates][WINDOWSTART,
 *           WINDOWEND], then HAVING, the final projection and the sink.
 * State:    per group key (hash table, creation-ordered list): the key
 *           (copied out of the batch), and either one pane (no window), the
 *           panes of its time or row windows, or its sessions. A pane holds
 *           one state block (every accumulator of agg.h) plus its min/max
 *           ROWTIME. A group's panes are blocks of 128 contiguous slots
 *           (sliding reads memory in order, growth copies nothing, expiry
 *           frees whole blocks); panes and sessions are released when
 *           their windows close; keys live as long as their group.
 * Time:     stream time = highest ROWTIME seen; watermark = stream time -
 *           grace (ksqlDB's legacy 24 h when GRACE PERIOD is absent). Time
 *           windows are aligned to the epoch: TUMBLING panes are the
 *           windows; HOPPING windows are sliced into panes of gcd(size,
 *           advance), so a record updates one pane whatever size/advance
 *           is, and a window's value is the merge of its panes, computed
 *           by sliding over them with two stacks (two merges per window).
 *           Count windows (SIZE n ROWS) use the group's row number as their
 *           clock. SESSION windows merge on overlap of [ts - gap, ts + gap].
 *           A window closes when its end <= watermark; a record for a closed
 *           window is late: counted in the stats and dropped. A bounded
 *           input closes every window at its end (wr_aggop_close_all).
 *           Processing time (ROWTIME = batch time): grace 0, windows end
 *           at zero + n * advance and hold batches in (end - size, end]
 *           (wr_aggop_clock shifts ROWTIME so that epoch-aligned panes
 *           give exactly those windows); each driver tick closes the
 *           windows ending by then (wr_aggop_tick), and hopping windows of
 *           invertible aggregates slide by inverse reduction. An idle
 *           timeout advances event time on ticks without rows.
 * Emission: EMIT CHANGES: after each micro-batch, the current row of every
 *           (key, window) the batch changed, in order of first change;
 *           tombstones for sessions merged away and for rows whose HAVING
 *           turned false after having been emitted. EMIT FINAL: each window
 *           once, when it closes, group by group (creation order), each
 *           group's windows in start order. Rows are materialized in chunks
 *           of WR_VECTOR. The output timestamp is the highest ROWTIME of the
 *           window's records (processing time: the window end). EMIT FINAL
 *           ALL KEYS: every window of every group ever seen (groups are
 *           kept), empty windows too. EMIT SNAPSHOT PER BATCH: every group
 *           at each tick, stamped with the batch time.
 * Parallel: with several threads, each chunk of a batch folds into a
 *           partial operator of its own (stage 0); then each key partition
 *           (hash of the group key modulo the thread count) has a final
 *           operator that merges its keys of every partial, in chunk
 *           order, and emits (stage 1), on its own thread; the driver sinks
 *           the partitions' rows merged by first change (EMIT CHANGES) or by
 *           the group's first row (EMIT FINAL), the order one thread gives.
 *           Lateness is decided against the watermark at the start of the
 *           batch, so results do not depend on the thread count. Sessions
 *           and count windows, which depend on row order, run on one
 *           thread.
 */
#include "exec/exec_int.h"

#include <stdlib.h>

/* A pane's header; its start is pstart[] of its group, its aggregate
 * state follows the header (op->hdr bytes from the pane). Kept small: a
 * hopping window over sparse keys holds about one pane per row. A final
 * EMIT FINAL operator tracks no changes and counts no rows per batch: its
 * panes are "slim", only maxts (8 bytes, 16 before 16-aligned state), and
 * must not touch nrows or dirty. */
typedef struct wpane {
    int64_t maxts; /* highest ROWTIME folded in */
    int32_t nrows; /* rows folded in during the current batch */
    bool dirty;    /* changed in the current batch */
} wpane;

/* What follows the header when op->ext: EMIT CHANGES merges partials by
 * first change (seq), ROWS windows start at their first row (mints). */
typedef struct wpane_ext {
    int64_t seq;   /* first row folded in during the current batch */
    int64_t mints; /* lowest ROWTIME folded in */
} wpane_ext;

#define PBLK 128 /* panes per block */

_Static_assert(sizeof(wpane) == 16 && sizeof(wpane_ext) == 16,
               "pane headers keep states 16-aligned");

typedef struct wsess {
    int64_t start, end; /* first and last record time */
    int64_t maxts;      /* highest ROWTIME */
    int64_t seq;        /* first change in this batch */
    bool emitted;       /* a row for this window was emitted */
    bool dirty;         /* changed in the current batch */
    void *state;        /* accumulators (malloc'd) */
} wsess;

typedef struct wgroup wgroup;
struct wgroup {
    wgroup *hnext;       /* hash chain */
    wgroup *prev, *next; /* creation-order list */
    uint64_t hash;       /* hash of the key */
    wr_datum *key;       /* ngroup datums (strings in keymem) */
    char **blk;          /* panes in blocks of PBLK, sorted by start:
                            pane i is slot pbase + i (moved by inserts
                            and expiry: hold indices, not pointers) */
    int nblk, bcap;      /* blocks in use / allocated in blk[] */
    int pbase;           /* slot of pane 0 within blk[0] (expired prefix) */
    int64_t *pstart;     /* pstart[i]: start of pane i, kept apart
                            so that searches do not chase pointers */
    int np, pcap;        /* panes; capacity of pstart[] */
    int64_t last_start;  /* pstart[np - 1] when np > 0: the common lookup
                            without touching pstart[] */
    uint32_t moves;      /* out-of-order inserts so far (pane indices
                            taken before one may be stale) */
    wsess *sess;         /* sorted by start */
    int ns, scap;
    int64_t rows;       /* ROWS windows: rows seen */
    int64_t final_next; /* EMIT FINAL: first window start not emitted */
    int64_t id;         /* creation order */
    int64_t first_seq;  /* seq of the group's first row: orders EMIT FINAL
                           output across key partitions */
    int64_t *live;      /* HAVING: window starts emitted as rows */
    int nlive, lcap;
};

typedef struct change {
    wgroup *g;
    int64_t start; /* pane start, or session start */
    int64_t seq;   /* first change */
    int kind;      /* 0 pane, 1 session, 2 session tombstone */
    int64_t end;   /* tombstone: window end */
} change;

typedef struct ent {
    wgroup *g;
    int64_t ws, we, ts, seq;
    int sub;
    int kind; /* 0 pane window, 1 session, 2 tombstone */
    wsess *s;
} ent;

struct wr_aggop {
    const wr_qplan *p;
    const wr_pagg *a;
    int ngroup;
    wgroup **buckets;
    size_t nbuckets, ngroups;
    wgroup *first, *last;
    int64_t stream_time; /* highest ROWTIME seen (INT64_MIN: none) */
    bool at_end;         /* input ended: every window is closed */
    bool partial;        /* a per-chunk partial of a parallel batch */
    int64_t late_wm;     /* watermark at the start of the batch: rows of
                            windows that closed by then are late (the same
                            decision for every thread count) */
    int64_t next_id;     /* id of the next new group */
    size_t psz;          /* bytes of one pane: header + state, aligned */
    size_t hdr;          /* bytes of a pane's header (state offset) */
    bool ext;            /* panes carry a wpane_ext after the header */
    bool slim;           /* panes are only maxts (see wpane) */
    /* Pane blocks (see pblk_get): free list, chunks, current chunk. */
    void *pfree;   /* freed blocks, linked through their first word */
    char **chunks; /* owned, from wr_malloc_huge */
    int nchunk, chunkcap;
    char *cur;      /* next block of the newest chunk */
    size_t left;    /* bytes left after cur */
    size_t chunksz; /* bytes of a chunk */
    /* Processing-time windows (see wr_aggop_clock): ROWTIME t is kept as
     * t - pin, window bounds are reported + pout. */
    int64_t pin, pout;
    bool inverse; /* hopping windows slide by inverse reduction */
    /* Idle timeout of event-time windows (see wr_aggop_tick). */
    int64_t rows_tick; /* rows since the last tick */
    int64_t tick_at;   /* processing time of the last tick with rows */
    int64_t tick_st;   /* stream time then */
    bool ticked;       /* a tick came since the last emission */
    int64_t tick_now;  /* time of the last tick */
    change *ch;
    int nch, chcap;
    void *tmp; /* scratch state block */
    wr_buf kbuf, vbuf;
};

static weir_rc nomem(weir_status *st)
{
    return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

static bool grow(void **arr, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return true;
    int nc = *cap ? *cap * 2 : 4;
    while (nc < need)
        nc *= 2;
    void *n = wr_realloc(*arr, elem * (size_t)nc);
    if (!n)
        return false;
    *arr = n;
    *cap = nc;
    return true;
}

static void state_init(const wr_pagg *a, char *s)
{
    for (int j = 0; j < a->nagg; j++)
        wr_agg_init(a->aggs[j], s + a->state_off[j]);
}

static void state_fini(const wr_pagg *a, char *s)
{
    for (int j = 0; j < a->nagg; j++)
        wr_agg_fini(a->aggs[j], s + a->state_off[j]);
}

static bool state_merge(const wr_pagg *a, char *dst, const char *src)
{
    for (int j = 0; j < a->nagg; j++)
        if (!wr_agg_merge(a->aggs[j], dst + a->state_off[j],
                          src + a->state_off[j]))
            return false;
    return true;
}

/* Sets the pane layout (header, pane and chunk sizes) from op->ext and
 * op->partial; before the operator holds any pane. */
static void pane_layout(wr_aggop *op)
{
    const wr_pagg *a = op->a;
    op->slim = !op->ext && !op->partial;
    op->hdr = op->slim ? (a->state_align > sizeof(int64_t) ? a->state_align
                                                           : sizeof(int64_t))
                       : sizeof(wpane) + (op->ext ? sizeof(wpane_ext) : 0);
    op->psz =
        (op->hdr + a->state_size + a->state_align - 1) & ~(a->state_align - 1);
    /* Chunks of at least 8 blocks, in whole huge pages. */
    op->chunksz = (op->psz * PBLK * 8 + WR_HUGE_PAGE - 1) & ~(WR_HUGE_PAGE - 1);
}

wr_aggop *wr_aggop_new(const wr_qplan *p, weir_status *st)
{
    wr_aggop *op = wr_malloc(sizeof *op);
    if (!op) {
        nomem(st);
        return NULL;
    }
    memset(op, 0, sizeof *op);
    op->p = p;
    op->a = p->agg;
    op->ngroup = p->agg->ngroup;
    op->ext = p->agg->emit != WR_EMIT_FINAL || p->agg->window.rows;
    pane_layout(op);
    op->nbuckets = 1024;
    op->buckets = wr_malloc(sizeof(wgroup *) * op->nbuckets);
    op->tmp = wr_malloc(op->a->state_size + 16);
    if (!op->buckets || !op->tmp) {
        wr_aggop_free(op);
        nomem(st);
        return NULL;
    }
    memset(op->buckets, 0, sizeof(wgroup *) * op->nbuckets);
    op->stream_time = INT64_MIN;
    op->late_wm = INT64_MIN;
    op->tick_at = INT64_MIN;
    op->tick_st = INT64_MIN;
    op->inverse = op->a->proc && op->a->window.kind == WR_W_HOPPING &&
                  !op->a->window.rows;
    for (int j = 0; j < op->a->nagg; j++)
        op->inverse = op->inverse && wr_agg_invertible(op->a->aggs[j]);
    return op;
}

/* Pane i of group g (valid until the group's next insert or expiry). */
/* Panes live in blocks of PBLK slots: growing a group never copies its
 * panes (a reallocated array would, and fault in twice the memory), and
 * expiring a prefix frees whole blocks. */
#define PSLOT(op, g, j)                                                        \
    ((wpane *)((g)->blk[(j) / PBLK] + (size_t)((j) % PBLK) * (op)->psz))
#define PANE(op, g, i) PSLOT(op, g, (g)->pbase + (i))
#define PSTATE(op, pn) ((char *)(pn) + (op)->hdr)
#define PEXT(pn) ((wpane_ext *)((char *)(pn) + sizeof(wpane)))

/* The lowest ROWTIME of pane pn (only kept for ROWS windows). */
static int64_t pane_mints(const wr_aggop *op, const wpane *pn)
{
    return op->ext ? PEXT(pn)->mints : INT64_MAX;
}

/* Pane blocks (PBLK panes each) are carved from chunks of op->chunksz
 * bytes that the operator owns until it is freed; a released block goes
 * on a free list and is reused first. A hopping window over sparse keys
 * needs a new block every PBLK rows: from a chunk of transparent huge
 * pages that costs one page fault per 2 MiB instead of one per 4 KiB, and
 * in a steady state expired blocks come back without touching malloc.
 * Returns NULL when out of memory. */
static char *pblk_get(wr_aggop *op)
{
    size_t bsz = op->psz * PBLK;
    if (op->pfree) {
        char *b = op->pfree;
        memcpy(&op->pfree, b, sizeof(void *));
        return b;
    }
    if (op->left < bsz) {
        if (op->nchunk == op->chunkcap) {
            int nc = op->chunkcap ? op->chunkcap * 2 : 8;
            char **n = wr_realloc(op->chunks, sizeof(char *) * (size_t)nc);
            if (!n)
                return NULL;
            op->chunks = n;
            op->chunkcap = nc;
        }
        char *c = wr_malloc_huge(op->chunksz);
        if (!c)
            return NULL;
        op->chunks[op->nchunk++] = c;
        op->cur = c;
        op->left = op->chunksz;
    }
    char *b = op->cur;
    op->cur += bsz;
    op->left -= bsz;
    return b;
}

/* Gives block b back to op's free list (b stays owned by op's chunk). */
static void pblk_put(wr_aggop *op, char *b)
{
    memcpy(b, &op->pfree, sizeof(void *));
    op->pfree = b;
}

/* ARRAY, MAP and STRUCT keys are kept with wr_datum_keep (strings are
 * copied into the group's block). */
static bool nested(const wr_type *t)
{
    return t->kind == WR_T_ARRAY || t->kind == WR_T_MAP ||
           t->kind == WR_T_STRUCT;
}

static void group_free(wr_aggop *op, wgroup *g)
{
    for (int i = 0; i < op->ngroup; i++)
        if (nested(op->a->gtypes[i]))
            wr_datum_drop(op->a->gtypes[i], &g->key[i]);
    for (int i = 0; i < g->np; i++) {
        state_fini(op->a, PSTATE(op, PANE(op, g, i)));
    }
    for (int i = 0; i < g->ns; i++) {
        state_fini(op->a, g->sess[i].state);
        wr_free(g->sess[i].state);
    }
    for (int b = 0; b < g->nblk; b++)
        pblk_put(op, g->blk[b]);
    wr_free(g->blk);
    wr_free(g->pstart);
    wr_free(g->sess);
    wr_free(g->live);
    wr_free(g);
}

void wr_aggop_free(wr_aggop *op)
{
    if (!op)
        return;
    for (wgroup *g = op->first, *n; g; g = n) {
        n = g->next;
        group_free(op, g);
    }
    for (int c = 0; c < op->nchunk; c++)
        wr_free(op->chunks[c]);
    wr_free(op->chunks);
    wr_free(op->buckets);
    wr_free(op->tmp);
    wr_free(op->ch);
    wr_buf_fini(&op->kbuf);
    wr_buf_fini(&op->vbuf);
    wr_free(op);
}

/* ---- groups ---------------------------------------------------------------
 */

static inline bool str_equal(wr_str a, wr_str b)
{
    if (a.len != b.len)
        return false;
    for (int32_t i = 0; i < a.len; i++) /* keys are short: no libc call */
        if (a.p[i] != b.p[i])
            return false;
    return true;
}

static bool key_equal(const wr_aggop *op, const wgroup *g, const wr_datum *k)
{
    if (op->ngroup == 1 && op->a->gtypes[0]->kind == WR_T_STRING)
        return str_equal(g->key[0].u.str, k[0].u.str);
    for (int i = 0; i < op->ngroup; i++)
        if (!wr_datum_equal(op->a->gtypes[i], &g->key[i], &k[i]))
            return false;
    return true;
}

static bool rehash(wr_aggop *op)
{
    size_t nb = op->nbuckets * 2;
    wgroup **b = wr_malloc(sizeof(wgroup *) * nb);
    if (!b)
        return false;
    memset(b, 0, sizeof(wgroup *) * nb);
    for (wgroup *g = op->first; g; g = g->next) {
        size_t i = g->hash & (nb - 1);
        g->hnext = b[i];
        b[i] = g;
    }
    wr_free(op->buckets);
    op->buckets = b;
    op->nbuckets = nb;
    return true;
}

static wgroup *group_get(wr_aggop *op, uint64_t h, const wr_datum *k,
                         int64_t seq)
{
    for (wgroup *g = op->buckets[h & (op->nbuckets - 1)]; g; g = g->hnext)
        if (g->hash == h && key_equal(op, g, k))
            return g;
    if (op->ngroups >= op->nbuckets && !rehash(op))
        return NULL;
    size_t hdr = (sizeof(wgroup) + 15) & ~(size_t)15; /* wr_datum align */
    size_t bytes = hdr + sizeof(wr_datum) * (size_t)op->ngroup;
    for (int i = 0; i < op->ngroup; i++)
        if (!k[i].null && (op->a->gtypes[i]->kind == WR_T_STRING ||
                           op->a->gtypes[i]->kind == WR_T_BYTES))
            bytes += (size_t)k[i].u.str.len;
    wgroup *g = wr_malloc(bytes);
    if (!g)
        return NULL;
    memset(g, 0, sizeof *g);
    g->key = (wr_datum *)((char *)g + hdr);
    char *sp = (char *)(g->key + op->ngroup);
    for (int i = 0; i < op->ngroup; i++) {
        g->key[i] = k[i];
        if (!k[i].null && (op->a->gtypes[i]->kind == WR_T_STRING ||
                           op->a->gtypes[i]->kind == WR_T_BYTES)) {
            if (k[i].u.str.len)
                memcpy(sp, k[i].u.str.p, (size_t)k[i].u.str.len);
            g->key[i].u.str.p = sp;
            sp += k[i].u.str.len;
        } else if (!k[i].null && nested(op->a->gtypes[i]) &&
                   !wr_datum_keep(op->a->gtypes[i], &k[i], &g->key[i])) {
            while (i-- > 0)
                if (nested(op->a->gtypes[i]))
                    wr_datum_drop(op->a->gtypes[i], &g->key[i]);
            wr_free(g);
            return NULL;
        }
    }
    g->hash = h;
    g->id = op->next_id++;
    g->first_seq = seq;
    g->final_next = INT64_MIN;
    size_t bi = h & (op->nbuckets - 1);
    g->hnext = op->buckets[bi];
    op->buckets[bi] = g;
    g->prev = op->last;
    if (op->last)
        op->last->next = g;
    else
        op->first = g;
    op->last = g;
    op->ngroups++;
    return g;
}

static void group_unlink(wr_aggop *op, wgroup *g)
{
    wgroup **pp = &op->buckets[g->hash & (op->nbuckets - 1)];
    while (*pp != g)
        pp = &(*pp)->hnext;
    *pp = g->hnext;
    if (g->prev)
        g->prev->next = g->next;
    else
        op->first = g->next;
    if (g->next)
        g->next->prev = g->prev;
    else
        op->last = g->prev;
    op->ngroups--;
    group_free(op, g);
}

/* Binary search: index of the first pane with start >= s. */
static int pane_lower(const wgroup *g, int64_t s)
{
    int lo = 0, hi = g->np;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (g->pstart[mid] < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The index of g's pane starting at `start`, created (initialized) when
 * missing; -1 when out of memory. Creating moves later panes. */
static int pane_get(wr_aggop *op, wgroup *g, int64_t start)
{
    int i;
    if (g->np && g->last_start == start)
        return g->np - 1;
    if (!g->np || g->last_start < start)
        i = g->np;
    else {
        i = pane_lower(g, start);
        if (i < g->np && g->pstart[i] == start)
            return i;
    }
    if (g->np + 1 > g->pcap) {
        int nc = g->pcap ? g->pcap * 2 : 4;
        int64_t *ns = wr_realloc(g->pstart, sizeof(int64_t) * (size_t)nc);
        if (!ns)
            return -1;
        g->pstart = ns;
        g->pcap = nc;
    }
    int end = g->pbase + g->np; /* first free slot */
    if (end >= g->nblk * PBLK) {
        if (g->nblk == g->bcap) {
            int nc = g->bcap ? g->bcap * 2 : 4;
            char **nb = wr_realloc(g->blk, sizeof(char *) * (size_t)nc);
            if (!nb)
                return -1;
            g->blk = nb;
            g->bcap = nc;
        }
        char *b = pblk_get(op);
        if (!b)
            return -1;
        g->blk[g->nblk++] = b;
    }
    /* Make room at i: shift the later panes up one slot (an out-of-order
     * pane; appends move nothing). */
    for (int j = g->pbase + g->np; j > g->pbase + i; j--)
        memcpy(PSLOT(op, g, j), PSLOT(op, g, j - 1), op->psz);
    if (i < g->np)
        g->moves++;
    else
        g->last_start = start;
    memmove(&g->pstart[i + 1], &g->pstart[i],
            sizeof(int64_t) * (size_t)(g->np - i));
    wpane *p = PANE(op, g, i);
    if (!op->slim)
        memset(p, 0, op->hdr);
    p->maxts = INT64_MIN;
    if (op->ext)
        PEXT(p)->mints = INT64_MAX;
    state_init(op->a, PSTATE(op, p));
    g->pstart[i] = start;
    g->np++;
    /* The group's next pane will most likely go right after this one, but
     * only after many rows of other groups: fetch its lines now so that
     * creating it does not stall on memory. */
    int next = g->pbase + g->np;
    if (next < g->nblk * PBLK) {
        const char *q = (const char *)PSLOT(op, g, next);
        for (size_t off = 0; off < op->psz; off += 64)
            __builtin_prefetch(q + off, 1, 3);
    }
    return i;
}

/* The pane of g starting at `start`, or NULL. */
static wpane *pane_find(wr_aggop *op, wgroup *g, int64_t start)
{
    int i = g->np && g->last_start == start ? g->np - 1 : pane_lower(g, start);
    return i < g->np && g->pstart[i] == start ? PANE(op, g, i) : NULL;
}

static bool change_add(wr_aggop *op, wgroup *g, int64_t start, int64_t seq,
                       int kind, int64_t end)
{
    if (!grow((void **)&op->ch, &op->chcap, op->nch + 1, sizeof(change)))
        return false;
    op->ch[op->nch++] = (change){g, start, seq, kind, end};
    return true;
}

/* ---- windows ----------------------------------------------------------------
 */

static int64_t advance_of(const wr_pagg *a)
{
    return a->window.kind == WR_W_HOPPING ? a->window.advance : a->window.size;
}

/* End of the last window that covers the pane starting at p. */
static int64_t last_end(const wr_pagg *a, int64_t p)
{
    int64_t adv = advance_of(a);
    return wr_floor_div(p, adv) * adv + a->window.size;
}

/* First window start covering pane p (>= 0). */
static int64_t first_start(const wr_pagg *a, int64_t p)
{
    int64_t adv = advance_of(a);
    int64_t lo = p + a->pane - a->window.size;
    int64_t w = -wr_floor_div(-lo, adv) * adv; /* ceil to a multiple */
    return w < 0 ? 0 : w;
}

static int64_t watermark(const wr_aggop *op)
{
    if (op->at_end)
        return INT64_MAX;
    if (op->stream_time == INT64_MIN)
        return INT64_MIN;
    return op->stream_time - op->a->grace;
}

/* ---- sessions ---------------------------------------------------------------
 */

static weir_rc session_row(wr_aggop *op, wgroup *g, int64_t ts, int64_t seq,
                           const wr_col *const *acols, int row,
                           wr_qstats *stats, weir_status *st)
{
    const wr_pagg *a = op->a;
    int64_t gap = a->window.size;
    int64_t wm = op->late_wm;
    int64_t ms = ts, me = ts;
    int lo = -1, hi = -1;
    for (int i = 0; i < g->ns; i++) {
        if (g->sess[i].end >= ts - gap && g->sess[i].start <= ts + gap) {
            if (lo < 0)
                lo = i;
            hi = i;
            if (g->sess[i].start < ms)
                ms = g->sess[i].start;
            if (g->sess[i].end > me)
                me = g->sess[i].end;
        }
    }
    if (wm != INT64_MIN && me < wm - gap) { /* Kafka Streams: end < close */
        stats->late++;
        return WEIR_OK;
    }
    wsess ns;
    memset(&ns, 0, sizeof ns);
    ns.start = ms;
    ns.end = me;
    ns.maxts = ts;
    ns.seq = seq;
    ns.dirty = true;
    if (lo >= 0) {
        ns.state = g->sess[lo].state;
        if (g->sess[lo].maxts > ns.maxts)
            ns.maxts = g->sess[lo].maxts;
        for (int i = lo; i <= hi; i++) {
            wsess *o = &g->sess[i];
            bool same = o->start == ms && o->end == me;
            if (same)
                ns.emitted = o->emitted;
            else if (o->emitted && !change_add(op, g, o->start, seq, 2, o->end))
                return nomem(st);
            if (i > lo) {
                if (!state_merge(a, ns.state, o->state))
                    return nomem(st);
                state_fini(a, o->state);
                wr_free(o->state);
                if (o->maxts > ns.maxts)
                    ns.maxts = o->maxts;
            }
        }
        memmove(&g->sess[lo + 1], &g->sess[hi + 1],
                sizeof(wsess) * (size_t)(g->ns - hi - 1));
        g->ns -= hi - lo;
        g->sess[lo] = ns;
    } else {
        ns.state = wr_malloc(a->state_size + 16);
        if (!ns.state)
            return nomem(st);
        state_init(a, ns.state);
        if (!grow((void **)&g->sess, &g->scap, g->ns + 1, sizeof(wsess)))
            return nomem(st);
        int i = 0;
        while (i < g->ns && g->sess[i].start < ms)
            i++;
        memmove(&g->sess[i + 1], &g->sess[i],
                sizeof(wsess) * (size_t)(g->ns - i));
        g->sess[i] = ns;
        g->ns++;
        lo = i;
    }
    wsess *s = &g->sess[lo];
    uint32_t r = (uint32_t)row;
    for (int j = 0; j < a->nagg; j++) {
        void *sp = (char *)s->state + a->state_off[j];
        if (!wr_agg_update(a->aggs[j], &sp, acols[j], &r, &seq, 1))
            return nomem(st);
    }
    return change_add(op, g, s->start, seq, 1, 0) ? WEIR_OK : nomem(st);
}

/* ---- update -----------------------------------------------------------------
 */

/* Table aggregation: the rows[0..m) of one update, split into additions
 * and retractions (neg[rows[k]]), added then subtracted. The aggregates
 * are invertible (COUNT, SUM, AVG), so the order within a batch does not
 * change the result. */
static weir_rc table_update(wr_aggop *op, void **states, int n,
                            const wr_col **acols, uint32_t *rows, int64_t *seqs,
                            int m, const uint8_t *neg, wr_arena *ar,
                            weir_status *st)
{
    const wr_pagg *a = op->a;
    for (int sign = 0; sign < 2; sign++) {
        /* Compact this sign's rows (and their slots) to the front of a
         * scratch copy. */
        int k2 = 0;
        for (int k = 0; k < m; k++)
            if (neg[rows[k]] == sign)
                k2++;
        if (!k2)
            continue;
        void **sst = wr_arena_alloc(ar, sizeof(void *) * (size_t)k2 *
                                            (size_t)(a->nagg + 1));
        uint32_t *srow = wr_arena_alloc(ar, sizeof(uint32_t) * (size_t)k2);
        int64_t *sseq = wr_arena_alloc(ar, sizeof(int64_t) * (size_t)k2);
        bool ok = sst && srow && sseq;
        int c = 0;
        for (int k = 0; ok && k < m; k++) {
            if (neg[rows[k]] != sign)
                continue;
            for (int j = 0; j < a->nagg; j++)
                sst[(size_t)j * (size_t)k2 + (size_t)c] =
                    states[(size_t)j * (size_t)n + (size_t)k];
            srow[c] = rows[k];
            sseq[c++] = seqs[k];
        }
        for (int j = 0; ok && j < a->nagg; j++)
            ok = sign ? wr_agg_retract(a->aggs[j], sst + (size_t)j * (size_t)k2,
                                       acols[j], srow, sseq, k2)
                      : wr_agg_update(a->aggs[j], sst + (size_t)j * (size_t)k2,
                                      acols[j], srow, sseq, k2);
        if (!ok)
            return nomem(st);
    }
    return WEIR_OK;
}

weir_rc wr_aggop_update(wr_aggop *op, wr_batch *b, const int64_t *seq,
                        const uint8_t *neg, wr_eval_ctx *cx, wr_qstats *stats,
                        weir_status *st)
{
    const wr_pagg *a = op->a;
    /* GROUP BY ignores null-valued records. */
    if (!wr_batch_drop_tombstones(b))
        return nomem(st);
    if (b->nsel == 0)
        return WEIR_OK;
    op->rows_tick += b->nsel; /* activity, for the idle timeout */
    int ng = a->ngroup;
    wr_col *gcols = wr_arena_alloc(b->ar, sizeof(wr_col) * (size_t)(ng + 1));
    const wr_col **acols =
        wr_arena_alloc(b->ar, sizeof(void *) * (size_t)(a->nagg + 1));
    wr_col *argstore = NULL;
    int totargs = 0;
    for (int j = 0; j < a->nagg; j++)
        totargs += a->nargs[j];
    argstore = wr_arena_alloc(b->ar, sizeof(wr_col) * (size_t)(totargs + 1));
    if (!gcols || !acols || !argstore)
        return nomem(st);
    for (int i = 0; i < ng; i++) {
        weir_rc rc = wr_expr_eval(a->group[i], b, &gcols[i], cx, st);
        if (rc != WEIR_OK)
            return rc;
    }
    int ai = 0;
    for (int j = 0; j < a->nagg; j++) {
        acols[j] = &argstore[ai];
        for (int k = 0; k < a->nargs[j]; k++) {
            weir_rc rc =
                wr_expr_eval(a->args[j][k], b, &argstore[ai++], cx, st);
            if (rc != WEIR_OK)
                return rc;
        }
    }
    int n = b->nsel;
    void **states = wr_arena_alloc(b->ar, sizeof(void *) * (size_t)n *
                                              (size_t)(a->nagg + 1));
    uint32_t *rows = wr_arena_alloc(b->ar, sizeof(uint32_t) * (size_t)n);
    int64_t *seqs = wr_arena_alloc(b->ar, sizeof(int64_t) * (size_t)n);
    wr_datum *key = wr_arena_alloc(b->ar, sizeof(wr_datum) * (size_t)(ng + 1));
    wgroup **rg = wr_arena_alloc(b->ar, sizeof(wgroup *) * (size_t)n);
    int64_t *rps = wr_arena_alloc(b->ar, sizeof(int64_t) * (size_t)n);
    int *rpi = wr_arena_alloc(b->ar, sizeof(int) * (size_t)n);
    uint32_t *rmv = wr_arena_alloc(b->ar, sizeof(uint32_t) * (size_t)n);
    if (!states || !rows || !seqs || !key || !rg || !rps || !rpi || !rmv)
        return nomem(st);
    const int64_t *rt = WR_COL_I64(&b->cols[op->p->ts_col]);
    int kind = a->window.kind;
    bool rows_win = a->window.rows;
    bool str_key = ng == 1 && a->gtypes[0]->kind == WR_T_STRING;
    /* EMIT FINAL needs no record of what changed (closing decides what is
     * emitted), except in partial operators, whose changes order the
     * merge. */
    bool track = (a->emit != WR_EMIT_FINAL && !a->snapshot) || op->partial;
    int m = 0;
    for (int k = 0; k < n; k++) {
        int r = wr_batch_row(b, k);
        uint64_t h = 0x12345;
        bool null_key = false;
        if (str_key) { /* one STRING key: no datum round trip */
            if (wr_col_is_null(&gcols[0], r))
                continue;
            key[0].null = false;
            key[0].u.str = WR_COL_STR(&gcols[0])[r];
            h = (h ^ wr_datum_hash(a->gtypes[0], &key[0])) *
                0x9e3779b97f4a7c15ULL;
        }
        for (int i = str_key ? ng : 0; i < ng; i++) {
            wr_col_get(&gcols[i], r, &key[i]);
            if (key[i].null) {
                null_key = true;
                break;
            }
            h = (h ^ wr_datum_hash(a->gtypes[i], &key[i])) *
                0x9e3779b97f4a7c15ULL;
        }
        if (null_key)
            continue;
        int64_t ts = rt[r] - op->pin;
        if (kind && !rows_win) {
            if (ts < 0) {
                stats->late++;
                continue;
            }
            if (ts > op->stream_time)
                op->stream_time = ts;
        }
        wgroup *g = group_get(op, h, key, seq[r]);
        if (!g)
            return nomem(st);
        if (kind == WR_W_SESSION) {
            weir_rc rc = session_row(op, g, ts, seq[r], acols, r, stats, st);
            if (rc != WEIR_OK)
                return rc;
            continue;
        }
        int64_t ps = 0;
        if (rows_win) {
            ps = wr_floor_div(g->rows, a->pane) * a->pane;
            g->rows++;
        } else if (kind) {
            ps = wr_floor_div(ts, a->pane) * a->pane;
            if (last_end(a, ps) <= op->late_wm) {
                stats->late++;
                continue;
            }
        }
        int pi = pane_get(op, g, ps);
        if (pi < 0)
            return nomem(st);
        wpane *p = PANE(op, g, pi);
        if (ts > p->maxts)
            p->maxts = ts;
        if (op->ext && ts < PEXT(p)->mints)
            PEXT(p)->mints = ts;
        if (!op->slim)
            p->nrows++;
        if (track && !p->dirty) {
            p->dirty = true;
            if (op->ext)
                PEXT(p)->seq = seq[r];
            if (!change_add(op, g, ps, seq[r], 0, 0))
                return nomem(st);
        }
        /* Panes move when a group gets a new one: remember (group, pane)
         * now and take state addresses once every pane exists. */
        rg[m] = g;
        rps[m] = ps;
        rpi[m] = pi;
        rmv[m] = g->moves;
        rows[m] = (uint32_t)r;
        seqs[m] = seq[r];
        m++;
    }
    for (int k = 0; k < m; k++) {
        /* The index found in pass 1 still holds unless an out-of-order
         * pane was inserted before it since. */
        wgroup *g = rg[k];
        wpane *p =
            g->moves == rmv[k] ? PANE(op, g, rpi[k]) : pane_find(op, g, rps[k]);
        for (int j = 0; j < a->nagg; j++)
            states[(size_t)j * (size_t)n + (size_t)k] =
                PSTATE(op, p) + a->state_off[j];
    }
    if (neg) /* retractions after additions: the aggregates invert */
        return table_update(op, states, n, acols, rows, seqs, m, neg, b->ar,
                            st);
    for (int j = 0; j < a->nagg && m > 0; j++)
        if (!wr_agg_update(a->aggs[j], states + (size_t)j * (size_t)n, acols[j],
                           rows, seqs, m))
            return nomem(st);
    return WEIR_OK;
}

/* Folds the partial state of one chunk (an operator that only ran
 * wr_aggop_update over its chunk) into the final operator op, then empties
 * the partial. Partials must be merged in chunk order. */
weir_rc wr_aggop_merge_partial(wr_aggop *op, wr_aggop *part, int part_no,
                               int nparts, wr_qstats *stats, weir_status *st)
{
    const wr_pagg *a = op->a;
    for (wgroup *pg = part->first; pg; pg = pg->next) {
        if (nparts > 1 && pg->hash % (uint64_t)nparts != (uint64_t)part_no)
            continue;
        wgroup *g = group_get(op, pg->hash, pg->key, pg->first_seq);
        if (!g)
            return nomem(st);
        for (int i = 0; i < pg->np; i++) {
            wpane *pp = PANE(part, pg, i);
            int64_t pstart = pg->pstart[i];
            if (a->window.kind && last_end(a, pstart) <= op->late_wm) {
                stats->late += pp->nrows;
                continue;
            }
            int pi = pane_get(op, g, pstart);
            wpane *p = pi < 0 ? NULL : PANE(op, g, pi);
            if (!p || !state_merge(a, PSTATE(op, p), PSTATE(part, pp)))
                return nomem(st);
            if (pp->maxts > p->maxts)
                p->maxts = pp->maxts;
            if (op->ext && PEXT(pp)->mints < PEXT(p)->mints)
                PEXT(p)->mints = PEXT(pp)->mints;
            if (a->emit != WR_EMIT_FINAL && !a->snapshot && !p->dirty) {
                p->dirty = true;
                if (!change_add(op, g, pstart, PEXT(pp)->seq, 0, 0))
                    return nomem(st);
            }
        }
    }
    if (part->stream_time > op->stream_time)
        op->stream_time = part->stream_time;
    op->rows_tick += part->rows_tick;
    return WEIR_OK;
}

/* Empties a partial operator once every final partition has merged it. */
void wr_aggop_clear_partial(wr_aggop *part)
{
    for (wgroup *g = part->first, *n; g; g = n) {
        n = g->next;
        group_free(part, g);
    }
    part->first = part->last = NULL;
    part->ngroups = 0;
    part->nch = 0;
    part->stream_time = INT64_MIN;
    memset(part->buckets, 0, sizeof(wgroup *) * part->nbuckets);
}

/* Starts a micro-batch: fixes the watermark that decides lateness. */
void wr_aggop_begin_batch(wr_aggop *op)
{
    op->late_wm = watermark(op);
}

/* True when the aggregate can be split into per-chunk partials (order of
 * rows across chunks does not matter): not for sessions and count
 * windows. */
void wr_aggop_set_partial(wr_aggop *op)
{
    op->partial = true;
    pane_layout(op); /* partials count rows and track changes */
}

bool wr_aggop_splittable(const wr_aggop *op)
{
    return op->a->window.kind != WR_W_SESSION && !op->a->window.rows &&
           !op->a->table;
}

/* End of a bounded input: every window closes (EMIT FINAL emits the rest). */
void wr_aggop_close_all(wr_aggop *op)
{
    op->at_end = true;
}

/*
 * Processing time. Spark's window at T = zero + n * slide (n >= 1) holds
 * the batches with times in (T - size, T]. Keeping ROWTIME t as
 * t - pin with pin = zero + 1 - m * slide (m * slide >= size) turns that
 * into the half-open window [T - pin + 1 - size, T - pin + 1) of an
 * epoch-aligned window of the same size and slide, with a start >= 0 for
 * every window that ends after zero; bounds are reported + pout (pin - 1).
 */
void wr_aggop_clock(wr_aggop *op, int64_t zero_ms)
{
    const wr_pagg *a = op->a;
    if (!a->proc || !a->window.kind || a->window.kind == WR_W_SESSION ||
        a->window.rows)
        return;
    int64_t adv = advance_of(a);
    int64_t m = (a->window.size + adv - 1) / adv;
    op->pin = zero_ms + 1 - m * adv;
    op->pout = op->pin - 1;
}

/*
 * The batch of processing time now_ms has run. Processing-time windows
 * that end at or before now_ms close. Event-time windows with an idle
 * timeout: when no row came for idle_ms of processing time, stream time
 * moves on by the processing time elapsed since the last row, so that
 * windows close without waiting for the next record.
 */
void wr_aggop_tick(wr_aggop *op, int64_t now_ms, int64_t idle_ms)
{
    op->ticked = true;
    op->tick_now = now_ms;
    if (op->a->proc) {
        int64_t t = now_ms - op->pin + 1;
        if (t > op->stream_time)
            op->stream_time = t;
        return;
    }
    if (op->rows_tick || op->tick_at == INT64_MIN) {
        op->rows_tick = 0;
        op->tick_at = now_ms;
        op->tick_st = op->stream_time;
        return;
    }
    if (idle_ms > 0 && op->tick_st != INT64_MIN &&
        now_ms - op->tick_at >= idle_ms) {
        int64_t t = op->tick_st + (now_ms - op->tick_at);
        if (t > op->stream_time)
            op->stream_time = t;
    }
}

/* ---- emission ---------------------------------------------------------------
 */

static int ent_cmp_seq(const void *x, const void *y)
{
    const ent *a = x, *b = y;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return a->sub - b->sub;
}

static bool ents_add(ent **e, int *n, int *cap, ent v)
{
    if (!grow((void **)e, cap, *n + 1, sizeof(ent)))
        return false;
    (*e)[(*n)++] = v;
    return true;
}

/*
 * Sliding aggregation over a group's panes (two stacks): the windows of one
 * group are computed in increasing start order; panes enter at the back
 * (one merge each) and leave from the front, which holds suffix merges
 * rebuilt when it runs empty (two merges per pane). Each window then costs
 * two merges whatever its size / advance, which is what keeps a 1-hour
 * window advancing every second as cheap per record as a tumbling one.
 */
typedef struct slider {
    wgroup *g;       /* group being slid (NULL: none) */
    int lo, mid, hi; /* front panes [lo, mid), back panes [mid, hi) */
    char *front;     /* suffix states, slot i - fbase for pane i */
    int64_t *fmax, *fmin;
    int fbase, fcap;
    char *back; /* merge of the back panes */
    int64_t bmax, bmin;
    int64_t ws; /* start of the last window computed */
} slider;

static char *fslot(const wr_aggop *op, slider *sl, int i)
{
    return sl->front + (size_t)(i - sl->fbase) * op->a->state_size;
}

static void slider_reset(wr_aggop *op, slider *sl)
{
    for (int i = sl->lo; sl->g && i < sl->mid; i++)
        state_fini(op->a, fslot(op, sl, i));
    if (sl->g)
        state_fini(op->a, sl->back);
    sl->g = NULL;
}

static bool slider_flip(wr_aggop *op, slider *sl)
{
    const wr_pagg *a = op->a;
    int n = sl->hi - sl->lo;
    if (n > sl->fcap) {
        int nc = n * 2;
        char *f = wr_realloc(sl->front, a->state_size * (size_t)nc + 16);
        int64_t *mx = wr_realloc(sl->fmax, sizeof(int64_t) * (size_t)nc);
        int64_t *mn =
            mx ? wr_realloc(sl->fmin, sizeof(int64_t) * (size_t)nc) : NULL;
        if (f)
            sl->front = f;
        if (mx)
            sl->fmax = mx;
        if (mn)
            sl->fmin = mn;
        if (!f || !mx || !mn)
            return false;
        sl->fcap = nc;
    }
    sl->fbase = sl->lo;
    for (int i = sl->hi - 1; i >= sl->lo; i--) {
        wpane *p = PANE(op, sl->g, i);
        char *f = fslot(op, sl, i);
        state_init(a, f);
        if (!state_merge(a, f, PSTATE(op, p)))
            return false;
        int64_t mx = p->maxts, mn = pane_mints(op, p);
        if (i + 1 < sl->hi) {
            if (!state_merge(a, f, fslot(op, sl, i + 1)))
                return false;
            int k = i + 1 - sl->fbase;
            mx = mx > sl->fmax[k] ? mx : sl->fmax[k];
            mn = mn < sl->fmin[k] ? mn : sl->fmin[k];
        }
        sl->fmax[i - sl->fbase] = mx;
        sl->fmin[i - sl->fbase] = mn;
    }
    sl->mid = sl->hi;
    state_fini(a, sl->back);
    state_init(a, sl->back);
    sl->bmax = INT64_MIN;
    sl->bmin = INT64_MAX;
    return true;
}

/* Restarts sl at group g's window starting at ws unless it is sliding
 * over g already with an earlier window. */
static void slider_start(wr_aggop *op, slider *sl, wgroup *g, int64_t ws)
{
    if (sl->g == g && ws >= sl->ws)
        return;
    slider_reset(op, sl);
    sl->g = g;
    sl->lo = sl->mid = sl->hi = pane_lower(g, ws);
    state_init(op->a, sl->back);
    sl->bmax = INT64_MIN;
    sl->bmin = INT64_MAX;
}

/* Inverse reduction (processing time, every aggregate invertible): the
 * back state is the running window, panes entering are merged in and
 * panes leaving are taken out, as Spark's reduceByKeyAndWindow with an
 * inverse function. Event-time windows also need the highest ROWTIME of
 * the window, which cannot be taken out: they use the two stacks. */
static bool slide_inverse(wr_aggop *op, slider *sl, wgroup *g, int64_t ws,
                          int64_t we)
{
    const wr_pagg *a = op->a;
    slider_start(op, sl, g, ws);
    while (sl->hi < g->np && g->pstart[sl->hi] < we) {
        if (!state_merge(a, sl->back, PSTATE(op, PANE(op, g, sl->hi))))
            return false;
        sl->hi++;
    }
    for (; sl->lo < sl->hi && g->pstart[sl->lo] < ws; sl->lo++)
        for (int j = 0; j < a->nagg; j++)
            wr_agg_unmerge(a->aggs[j], sl->back + a->state_off[j],
                           PSTATE(op, PANE(op, g, sl->lo)) + a->state_off[j]);
    sl->mid = sl->lo; /* no front stack */
    sl->ws = ws;
    state_init(a, op->tmp);
    return state_merge(a, op->tmp, sl->back);
}

/* The state of window [ws, we) of g into op->tmp (initialized here; the
 * caller finis it), with the window's max/min ROWTIME. Windows of one group
 * must come in increasing ws. */
static bool slide_state(wr_aggop *op, slider *sl, wgroup *g, int64_t ws,
                        int64_t we, int64_t *maxts, int64_t *mints)
{
    const wr_pagg *a = op->a;
    slider_start(op, sl, g, ws);
    while (sl->hi < g->np && g->pstart[sl->hi] < we) {
        wpane *p = PANE(op, g, sl->hi);
        sl->hi++;
        if (!state_merge(a, sl->back, PSTATE(op, p)))
            return false;
        if (p->maxts > sl->bmax)
            sl->bmax = p->maxts;
        if (pane_mints(op, p) < sl->bmin)
            sl->bmin = pane_mints(op, p);
    }
    while (sl->lo < sl->hi && g->pstart[sl->lo] < ws) {
        if (sl->lo == sl->mid && !slider_flip(op, sl))
            return false;
        state_fini(a, fslot(op, sl, sl->lo));
        sl->lo++;
    }
    if (sl->lo == sl->hi) { /* empty: restart both stacks here */
        sl->mid = sl->hi;
        state_fini(a, sl->back);
        state_init(a, sl->back);
        sl->bmax = INT64_MIN;
        sl->bmin = INT64_MAX;
    }
    sl->ws = ws;
    state_init(a, op->tmp);
    *maxts = sl->bmax;
    *mints = sl->bmin;
    if (sl->lo < sl->mid) {
        int k = sl->lo - sl->fbase;
        if (!state_merge(a, op->tmp, fslot(op, sl, sl->lo)))
            return false;
        if (sl->fmax[k] > *maxts)
            *maxts = sl->fmax[k];
        if (sl->fmin[k] < *mints)
            *mints = sl->fmin[k];
    }
    return state_merge(a, op->tmp, sl->back);
}

static void slider_free(slider *sl)
{
    wr_free(sl->front);
    wr_free(sl->fmax);
    wr_free(sl->fmin);
    wr_free(sl->back);
}

static int ent_cmp_group(const void *x, const void *y, void *arg)
{
    const ent *e = arg;
    const ent *a = &e[*(const int *)x], *b = &e[*(const int *)y];
    if (a->g->id != b->g->id)
        return a->g->id < b->g->id ? -1 : 1;
    if (a->ws != b->ws)
        return a->ws < b->ws ? -1 : 1;
    return *(const int *)x - *(const int *)y;
}

/* Insertion-free sort of order[0..n) by (group, window start, row): a
 * merge sort, since qsort has no context argument in C11. */
static void sort_r(int *order, int n, const ent *e)
{
    if (n < 2)
        return;
    int *tmp = wr_malloc(sizeof(int) * (size_t)n);
    if (!tmp) { /* out of memory: insertion sort in place */
        for (int i = 1; i < n; i++)
            for (int j = i; j > 0 && ent_cmp_group(&order[j - 1], &order[j],
                                                   (void *)e) > 0;
                 j--) {
                int t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
        return;
    }
    for (int w = 1; w < n; w *= 2) {
        for (int lo = 0; lo < n; lo += 2 * w) {
            int mid = lo + w < n ? lo + w : n;
            int hi = lo + 2 * w < n ? lo + 2 * w : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = ent_cmp_group(&order[i], &order[j], (void *)e) <= 0
                               ? order[i++]
                               : order[j++];
            while (i < mid)
                tmp[k++] = order[i++];
            while (j < hi)
                tmp[k++] = order[j++];
        }
        memcpy(order, tmp, sizeof(int) * (size_t)n);
    }
    wr_free(tmp);
}

static bool live_has(const wgroup *g, int64_t ws)
{
    for (int i = 0; i < g->nlive; i++)
        if (g->live[i] == ws)
            return true;
    return false;
}

static bool live_set(wgroup *g, int64_t ws, bool on)
{
    for (int i = 0; i < g->nlive; i++)
        if (g->live[i] == ws) {
            if (!on)
                g->live[i] = g->live[--g->nlive];
            return true;
        }
    if (!on)
        return true;
    if (!grow((void **)&g->live, &g->lcap, g->nlive + 1, sizeof(int64_t)))
        return false;
    g->live[g->nlive++] = ws;
    return true;
}

static weir_rc collect_changes(wr_aggop *op, ent **e, int *n, int *cap,
                               weir_status *st)
{
    const wr_pagg *a = op->a;
    int sub = 0;
    /* A window the batch changed is emitted if it was open when the batch
     * began, even if later rows of the batch closed it: the micro-batch
     * then says what per-record processing would have said before. */
    int64_t wm = op->late_wm;
    for (int c = 0; c < op->nch; c++) {
        change *ch = &op->ch[c];
        wgroup *g = ch->g;
        wpane *chp = ch->kind == 0 ? pane_find(op, g, ch->start) : NULL;
        if (chp)
            chp->nrows = 0;
        if (ch->kind == 2) {
            if (!ents_add(e, n, cap,
                          (ent){g, ch->start, ch->end, ch->end, ch->seq, sub++,
                                2, NULL}))
                return nomem(st);
            continue;
        }
        if (ch->kind == 1) {
            for (int i = 0; i < g->ns; i++) {
                wsess *s = &g->sess[i];
                if (s->start == ch->start && s->dirty) {
                    s->dirty = false;
                    if (!ents_add(e, n, cap,
                                  (ent){g, s->start, s->end, s->maxts, ch->seq,
                                        sub++, 1, s}))
                        return nomem(st);
                }
            }
            continue;
        }
        if (!chp || !chp->dirty)
            continue;
        chp->dirty = false;
        if (!a->window.kind) {
            if (!ents_add(e, n, cap,
                          (ent){g, 0, 0, 0, ch->seq, sub++, 0, NULL}))
                return nomem(st);
            continue;
        }
        int64_t adv = advance_of(a);
        for (int64_t w = first_start(a, ch->start); w <= ch->start; w += adv) {
            int64_t we = w + a->window.size;
            if (!a->window.rows && we <= wm)
                continue;
            bool dup = false;
            for (int k = *n - 1; k >= 0 && !dup; k--)
                dup = (*e)[k].g == g && (*e)[k].ws == w && (*e)[k].kind == 0;
            if (!dup && !ents_add(e, n, cap,
                                  (ent){g, w, we, 0, ch->seq, sub++, 0, NULL}))
                return nomem(st);
        }
    }
    op->nch = 0;
    return WEIR_OK;
}

typedef struct emitter emitter;
static weir_rc emit_chunk(emitter *em, ent *e, int n, bool group_order);

/* EMIT FINAL: the windows that closed, group by group (creation order),
 * each group's in window order; handed to emit_chunk in chunks. */
static weir_rc collect_final(wr_aggop *op, emitter *em, ent **e, int *n,
                             int *cap, weir_status *st)
{
    const wr_pagg *a = op->a;
    int64_t wm = watermark(op);
    int sub = 0;
    for (int c = 0; c < op->nch; c++)
        if (op->ch[c].kind == 0) {
            wpane *chp = pane_find(op, op->ch[c].g, op->ch[c].start);
            if (chp && !op->slim) {
                chp->dirty = false;
                chp->nrows = 0;
            }
        } else if (op->ch[c].kind == 1) {
            for (int i = 0; i < op->ch[c].g->ns; i++)
                op->ch[c].g->sess[i].dirty = false;
        }
    op->nch = 0;
    if (!a->window.kind)
        return WEIR_OK; /* an unwindowed aggregate never closes */
    for (wgroup *g = op->first; g; g = g->next) {
        if (a->window.kind == WR_W_SESSION) {
            for (int i = 0; i < g->ns; i++) {
                wsess *s = &g->sess[i];
                if (!s->emitted && s->end + a->window.size < wm &&
                    !ents_add(
                        e, n, cap,
                        (ent){g, s->start, s->end, s->maxts, 0, sub++, 1, s}))
                    return nomem(st);
            }
            if (*n >= WR_VECTOR) {
                weir_rc rc = emit_chunk(em, *e, *n, true);
                *n = 0;
                if (rc != WEIR_OK)
                    return rc;
            }
            continue;
        }
        int64_t adv = advance_of(a);
        int64_t clock = a->window.rows && !op->at_end ? g->rows : wm;
        if (a->emit_all) {
            /* Every window from the group's first on, rows or not; at the
             * end of the input, up to the last window with a row. */
            if (op->at_end)
                clock = last_end(a, wr_floor_div(op->stream_time, a->pane) *
                                        a->pane);
            int64_t w = g->final_next;
            if (w == INT64_MIN)
                w = first_start(a, g->pstart[0]);
            for (; w + a->window.size <= clock; w += adv)
                if (!ents_add(
                        e, n, cap,
                        (ent){g, w, w + a->window.size, 0, 0, sub++, 0, NULL}))
                    return nomem(st);
            g->final_next = w;
            if (*n >= WR_VECTOR) {
                weir_rc rc = emit_chunk(em, *e, *n, true);
                *n = 0;
                if (rc != WEIR_OK)
                    return rc;
            }
            continue;
        }
        int64_t last = INT64_MIN;
        /* Panes before final_next - size only cover emitted windows. */
        int i0 = g->final_next == INT64_MIN
                     ? 0
                     : pane_lower(g, g->final_next - a->window.size);
        for (int i = i0; i < g->np; i++) {
            int64_t ps = g->pstart[i];
            if (ps >= clock)
                break; /* no window of this pane has closed yet */
            int64_t w = first_start(a, ps);
            if (last != INT64_MIN && w <= last)
                w = last + adv; /* windows up to `last` are already taken */
            if (w < g->final_next)
                w = g->final_next;
            for (; w <= ps; w += adv) {
                if (w + a->window.size > clock)
                    break;
                last = w;
                if (!ents_add(
                        e, n, cap,
                        (ent){g, w, w + a->window.size, 0, 0, sub++, 0, NULL}))
                    return nomem(st);
            }
        }
        if (last != INT64_MIN)
            g->final_next = last + adv;
        if (*n >= WR_VECTOR) {
            weir_rc rc = emit_chunk(em, *e, *n, true);
            *n = 0;
            if (rc != WEIR_OK)
                return rc;
        }
    }
    return WEIR_OK;
}

/* Frees panes and sessions whose windows are all closed, and empty
 * groups. */
static void expire(wr_aggop *op)
{
    const wr_pagg *a = op->a;
    if (!a->window.kind)
        return;
    int64_t wm = watermark(op);
    for (wgroup *g = op->first, *nx; g; g = nx) {
        nx = g->next;
        int64_t clock = a->window.rows ? g->rows : wm;
        /* Panes are sorted by start and last_end grows with it: expire a
         * prefix. */
        int k = 0;
        while (k < g->np && last_end(a, g->pstart[k]) <= clock &&
               (op->slim || !PANE(op, g, k)->dirty)) {
            state_fini(a, PSTATE(op, PANE(op, g, k)));
            k++;
        }
        if (k) {
            memmove(g->pstart, g->pstart + k,
                    sizeof(int64_t) * (size_t)(g->np - k));
            g->np -= k;
            g->pbase += k;
            /* Free the blocks the prefix has left entirely. */
            int gone = g->pbase / PBLK;
            if (g->np == 0)
                gone = g->nblk; /* nothing live: release every block */
            if (gone) {
                for (int b = 0; b < gone; b++)
                    pblk_put(op, g->blk[b]);
                memmove(g->blk, g->blk + gone,
                        sizeof(char *) * (size_t)(g->nblk - gone));
                g->nblk -= gone;
                g->pbase = g->np ? g->pbase - gone * PBLK : 0;
            }
        }
        k = 0;
        for (int i = 0; i < g->ns; i++) {
            wsess *s = &g->sess[i];
            if (s->end + a->window.size < wm && !s->dirty &&
                (a->emit != WR_EMIT_FINAL || s->emitted)) {
                state_fini(a, s->state);
                wr_free(s->state);
            } else {
                g->sess[k++] = *s;
            }
        }
        g->ns = k;
        for (int i = 0; i < g->nlive;) {
            int64_t end = a->window.kind == WR_W_SESSION
                              ? INT64_MAX
                              : g->live[i] + a->window.size;
            if (end <= clock)
                g->live[i] = g->live[--g->nlive];
            else
                i++;
        }
        if (g->np == 0 && g->ns == 0 && g->nlive == 0 && !a->emit_all)
            group_unlink(op, g);
    }
}

struct emitter {
    wr_aggop *op;
    wr_arena *ar;
    wr_eval_ctx *cx;
    wr_out_fn out;
    void *ctx;
    wr_qstats *stats;
    weir_status *st;
    wr_pendlist *pend; /* non-NULL: rows are queued, not sunk, and the
                          arena is not reset between chunks */
    slider sl;         /* persists across chunks: a group may span two */
};

weir_rc wr_aggop_emit(wr_aggop *op, wr_arena *ar, wr_eval_ctx *cx,
                      wr_out_fn out, void *ctx, wr_pendlist *pend,
                      wr_qstats *stats, weir_status *st)
{
    const wr_pagg *a = op->a;
    emitter em = {op, ar, cx, out, ctx, stats, st, pend, {0}};
    em.sl.back = wr_malloc(a->state_size + 16);
    if (!em.sl.back)
        return nomem(st);
    ent *e = NULL;
    int n = 0, cap = 0;
    weir_rc rc;
    if (a->snapshot) {
        /* The whole table once per tick, group by group. */
        rc = WEIR_OK;
        for (wgroup *g = op->ticked ? op->first : NULL; g && rc == WEIR_OK;
             g = g->next) {
            if (!ents_add(&e, &n, &cap,
                          (ent){g, 0, 0, op->tick_now, 0, n, 0, NULL}))
                rc = nomem(st);
            else if (n >= WR_VECTOR) {
                rc = emit_chunk(&em, e, n, true);
                n = 0;
            }
        }
        if (rc == WEIR_OK && n)
            rc = emit_chunk(&em, e, n, true);
        op->ticked = false;
    } else if (a->emit == WR_EMIT_FINAL) {
        rc = collect_final(op, &em, &e, &n, &cap, st);
        if (rc == WEIR_OK && n)
            rc = emit_chunk(&em, e, n, true);
    } else {
        rc = collect_changes(op, &e, &n, &cap, st);
        if (rc == WEIR_OK && n > 1)
            qsort(e, (size_t)n, sizeof *e, ent_cmp_seq);
        for (int off = 0; rc == WEIR_OK && off < n; off += WR_VECTOR)
            rc = emit_chunk(&em, e + off,
                            n - off < WR_VECTOR ? n - off : WR_VECTOR, false);
    }
    slider_reset(op, &em.sl);
    slider_free(&em.sl);
    wr_free(e);
    if (rc == WEIR_OK)
        expire(op);
    return rc;
}

/* Materializes n entries (rows in entry order) into an aggregate batch in
 * the emitter's arena (reset first), then HAVING, the projection and the
 * sink. Entries are computed group by group in window order (sorted here
 * unless group_order says they already are), so hopping windows slide. */
static weir_rc emit_chunk(emitter *em, ent *e, int n, bool group_order)
{
    wr_aggop *op = em->op;
    const wr_pagg *a = op->a;
    const wr_qplan *p = op->p;
    wr_arena *ar = em->ar;
    wr_eval_ctx *cx = em->cx;
    weir_status *st = em->st;
    weir_rc rc = WEIR_OK;
    if (!em->pend)
        wr_arena_reset(ar);
    wr_batch b;
    if (!wr_batch_init(&b, ar, a->ncols, a->types, n)) {
        return nomem(st);
    }
    int64_t *ts = wr_arena_alloc(ar, sizeof(int64_t) * (size_t)n);
    if (!ts) {
        return nomem(st);
    }
    int ng = a->ngroup;
    bool session = a->window.kind == WR_W_SESSION;
    /* Rows are written in emission order (row i = e[i]) but computed group
     * by group in window order, so that windows slide. */
    int *order = wr_arena_alloc(ar, sizeof(int) * (size_t)n);
    if (!order)
        return nomem(st);
    for (int i = 0; i < n; i++)
        order[i] = i;
    if (!group_order)
        sort_r(order, n, e);
    for (int oi = 0; oi < n; oi++) {
        int i = order[oi];
        ent *x = &e[i];
        /* Keys are borrowed from the group, which lives until expire()
         * runs after the emission, unless the rows are queued (pend): they
         * are sunk after expire() and get copies. */
        for (int k = 0; k < ng; k++) {
            wr_datum d = x->g->key[k];
            if (em->pend && !wr_datum_copy(ar, a->gtypes[k], &d, &d))
                return nomem(st);
            wr_col_put(&b.cols[k], i, &d);
        }
        int64_t ws = x->ws, we = x->we, maxts = x->ts;
        if (x->kind == 2) {
            b.tomb[i] = 1;
        } else {
            const char *state;
            if (x->kind == 1) {
                state = x->s->state;
                x->s->emitted = true;
            } else if (!a->window.kind ||
                       (a->window.kind == WR_W_TUMBLING && !a->window.rows)) {
                int pi = pane_lower(x->g, a->window.kind ? ws : 0);
                if (pi < x->g->np &&
                    x->g->pstart[pi] == (a->window.kind ? ws : 0)) {
                    wpane *pn = PANE(op, x->g, pi);
                    state = PSTATE(op, pn);
                    maxts = pn->maxts;
                } else { /* EMIT FINAL ALL KEYS: a window with no row */
                    state_init(a, op->tmp);
                    state = op->tmp;
                    maxts = INT64_MIN;
                }
                wpane *pn = state == op->tmp ? NULL : PANE(op, x->g, pi);
                if (a->window.rows && pn) {
                    ws = pane_mints(op, pn);
                    we = pn->maxts;
                }
            } else if (op->inverse) {
                if (!slide_inverse(op, &em->sl, x->g, ws, we))
                    return nomem(st);
                state = op->tmp;
                maxts = INT64_MIN; /* processing time: rows at window end */
            } else {
                int64_t mints;
                if (!slide_state(op, &em->sl, x->g, ws, we, &maxts, &mints))
                    return nomem(st);
                state = op->tmp;
                if (a->window.rows) {
                    ws = mints;
                    we = maxts;
                }
            }
            for (int j = 0; j < a->nagg; j++)
                if (!wr_agg_result(a->aggs[j], state + a->state_off[j],
                                   &b.cols[ng + j], i, ar)) {
                    return nomem(st);
                }
            if (state == op->tmp)
                state_fini(a, op->tmp);
        }
        if (a->snapshot)
            maxts = op->tick_now; /* emitted with the batch */
        if (a->window.kind && !a->window.rows &&
            a->window.kind != WR_W_SESSION) {
            ws += op->pout;
            we += op->pout;
            /* A processing-time window's rows are emitted at its end; an
             * empty window (ALL KEYS) at its last instant. */
            if (a->proc)
                maxts = we;
            else if (maxts == INT64_MIN)
                maxts = we - 1;
        }
        if (a->window.kind) {
            wr_datum d = {.null = false};
            d.u.i64 = ws;
            wr_col_put(&b.cols[ng + a->nagg], i, &d);
            d.u.i64 = we;
            wr_col_put(&b.cols[ng + a->nagg + 1], i, &d);
        }
        ts[i] = maxts;
        x->ws = ws;
        x->we = we;
    }
    b.n = n;
    b.nsel = n;
    /* HAVING: a failing row becomes a tombstone when its (key, window) was
     * emitted as a row before, else it is dropped. */
    uint8_t *drop = wr_arena_zalloc(ar, (size_t)n);
    if (!drop) {
        return nomem(st);
    }
    if (a->having) {
        uint32_t *sel = wr_arena_alloc(ar, sizeof(uint32_t) * (size_t)n);
        if (!sel) {
            return nomem(st);
        }
        int m = 0;
        for (int i = 0; i < n; i++)
            if (!b.tomb[i])
                sel[m++] = (uint32_t)i;
        b.sel = sel;
        b.nsel = m;
        uint8_t *pass = wr_arena_zalloc(ar, (size_t)n);
        if (!pass) {
            return nomem(st);
        }
        if (m && (rc = wr_expr_filter(a->having, &b, cx, st)) != WEIR_OK) {
            return rc;
        }
        for (int k = 0; k < b.nsel; k++)
            pass[wr_batch_row(&b, k)] = 1;
        for (int i = 0; i < n; i++) {
            int64_t key = session ? e[i].ws : e[i].ws;
            if (b.tomb[i]) {
                live_set(e[i].g, key, false);
            } else if (pass[i]) {
                if (!live_set(e[i].g, key, true)) {
                    return nomem(st);
                }
            } else if (live_has(e[i].g, key)) {
                b.tomb[i] = 1;
                live_set(e[i].g, key, false);
            } else {
                drop[i] = 1;
            }
        }
        b.sel = NULL;
        b.nsel = n;
    }
    wr_col *oc = wr_arena_alloc(ar, sizeof(wr_col) * (size_t)(p->nout + 1));
    if (!oc) {
        return nomem(st);
    }
    rc = wr_op_project(p->out, p->nout, &b, oc, cx, st);
    for (int i = 0; i < n && rc == WEIR_OK; i++) {
        if (drop[i])
            continue;
        wr_sink_row meta = {ts[i],   b.tomb[i] != 0, a->window.kind != 0,
                            e[i].ws, e[i].we,        session};
        if (b.tomb[i] && e[i].kind == 2)
            meta.ts = e[i].ts;
        if (em->pend) {
            /* Ordered later across key partitions: by first change (EMIT
             * CHANGES) or by the group's first row (EMIT FINAL). */
            int64_t key =
                a->emit == WR_EMIT_FINAL ? e[i].g->first_seq : e[i].seq;
            if (!wr_pend_add(em->pend, &(wr_pend){oc, i, meta, key}))
                return nomem(st);
            continue;
        }
        rc = wr_op_sink(p, oc, i, &meta, &op->kbuf, &op->vbuf, em->out, em->ctx,
                        st);
        em->stats->records_out++;
    }
    return rc;
}

/* ---- snapshots ------------------------------------------------------------
 */

/* Every accumulator of the state block s. */
static void states_save(const wr_pagg *a, const char *s, wr_buf *b)
{
    for (int j = 0; j < a->nagg; j++)
        wr_agg_save(a->aggs[j], s + a->state_off[j], b);
}

static bool states_load(const wr_pagg *a, char *s, wr_snapr *r)
{
    for (int j = 0; j < a->nagg && !r->bad; j++)
        wr_agg_load(a->aggs[j], s + a->state_off[j], r);
    return !r->bad;
}

static int first_seq_cmp(const void *x, const void *y)
{
    const wgroup *a = *(wgroup *const *)x, *b = *(wgroup *const *)y;
    return a->first_seq < b->first_seq ? -1 : a->first_seq > b->first_seq;
}

static void group_save(const wr_aggop *op, const wgroup *g, wr_buf *b)
{
    const wr_pagg *a = op->a;
    for (int i = 0; i < op->ngroup; i++)
        wr_snap_datum(b, a->gtypes[i], &g->key[i]);
    wr_snap_int(b, g->first_seq);
    wr_snap_int(b, g->rows);
    wr_snap_int(b, g->final_next);
    wr_snap_int(b, g->nlive);
    for (int i = 0; i < g->nlive; i++)
        wr_snap_int(b, g->live[i]);
    wr_snap_int(b, g->np);
    for (int i = 0; i < g->np; i++) {
        const wpane *p = PANE(op, g, i);
        wr_snap_int(b, g->pstart[i]);
        wr_snap_int(b, p->maxts);
        if (!op->slim) {
            wr_snap_int(b, p->nrows);
            wr_snap_int(b, p->dirty);
        }
        if (op->ext) {
            wr_snap_int(b, PEXT(p)->seq);
            wr_snap_int(b, PEXT(p)->mints);
        }
        states_save(a, PSTATE(op, p), b);
    }
    wr_snap_int(b, g->ns);
    for (int i = 0; i < g->ns; i++) {
        const wsess *s = &g->sess[i];
        wr_snap_int(b, s->start);
        wr_snap_int(b, s->end);
        wr_snap_int(b, s->maxts);
        wr_snap_int(b, s->seq);
        wr_snap_int(b, s->emitted);
        wr_snap_int(b, s->dirty);
        states_save(a, s->state, b);
    }
}

/* The operator's clocks are the same in every key partition (each merges
 * every partial's stream time); changes are empty between batches. Groups
 * are written in creation order, or with several partitions by their
 * first row, the order one thread creates them in. */
void wr_aggop_save(wr_aggop *const *fin, int nfin, wr_buf *b)
{
    const wr_aggop *op = fin[0];
    wr_snap_int(b, op->stream_time);
    wr_snap_int(b, op->late_wm);
    wr_snap_int(b, op->at_end);
    wr_snap_int(b, op->rows_tick);
    wr_snap_int(b, op->tick_at);
    wr_snap_int(b, op->tick_st);
    wr_snap_int(b, op->ticked);
    wr_snap_int(b, op->tick_now);
    size_t n = 0;
    for (int i = 0; i < nfin; i++)
        n += fin[i]->ngroups;
    wr_snap_int(b, (int64_t)n);
    if (nfin == 1) {
        for (const wgroup *g = op->first; g; g = g->next)
            group_save(op, g, b);
        return;
    }
    wgroup **v = wr_malloc(sizeof(wgroup *) * (n ? n : 1));
    if (!v) {
        b->oom = true;
        return;
    }
    size_t k = 0;
    for (int i = 0; i < nfin; i++)
        for (wgroup *g = fin[i]->first; g; g = g->next)
            v[k++] = g;
    qsort(v, n, sizeof *v, first_seq_cmp);
    for (size_t i = 0; i < n; i++)
        group_save(fin[v[i]->hash % (uint64_t)nfin], v[i], b);
    wr_free(v);
}

/* The hash of a group key, as wr_aggop_update computes it. */
static uint64_t key_hash(const wr_pagg *a, const wr_datum *key)
{
    uint64_t h = 0x12345;
    for (int i = 0; i < a->ngroup; i++)
        h = (h ^ wr_datum_hash(a->gtypes[i], &key[i])) * 0x9e3779b97f4a7c15ULL;
    return h;
}

static bool load_oom(wr_snapr *r)
{
    r->oom = r->bad = true;
    return false;
}

/* One group's windows, into the new group g of op. */
static bool group_load(wr_aggop *op, wgroup *g, wr_snapr *r)
{
    const wr_pagg *a = op->a;
    g->rows = wr_snapr_int(r);
    g->final_next = wr_snapr_int(r);
    int nlive = (int)wr_snapr_range(r, 0, r->end - r->p);
    if (r->bad)
        return false;
    if (!grow((void **)&g->live, &g->lcap, nlive, sizeof(int64_t)))
        return load_oom(r);
    for (int i = 0; i < nlive; i++)
        g->live[g->nlive++] = wr_snapr_int(r);
    int np = (int)wr_snapr_range(r, 0, r->end - r->p);
    for (int i = 0; i < np && !r->bad; i++) {
        int64_t start = wr_snapr_int(r);
        if (g->np && start <= g->last_start) { /* panes are in order */
            r->bad = true;
            break;
        }
        int pi = pane_get(op, g, start);
        if (pi < 0)
            return load_oom(r);
        wpane *p = PANE(op, g, pi);
        p->maxts = wr_snapr_int(r);
        if (!op->slim) {
            p->nrows = (int32_t)wr_snapr_range(r, 0, INT32_MAX);
            p->dirty = wr_snapr_range(r, 0, 1);
        }
        if (op->ext) {
            PEXT(p)->seq = wr_snapr_int(r);
            PEXT(p)->mints = wr_snapr_int(r);
        }
        states_load(a, PSTATE(op, p), r);
    }
    int ns = (int)wr_snapr_range(r, 0, r->end - r->p);
    if (r->bad)
        return false;
    if (!grow((void **)&g->sess, &g->scap, ns, sizeof(wsess)))
        return load_oom(r);
    for (int i = 0; i < ns && !r->bad; i++) {
        wsess *s = &g->sess[g->ns];
        memset(s, 0, sizeof *s);
        s->start = wr_snapr_int(r);
        s->end = wr_snapr_int(r);
        s->maxts = wr_snapr_int(r);
        s->seq = wr_snapr_int(r);
        s->emitted = wr_snapr_range(r, 0, 1);
        s->dirty = wr_snapr_range(r, 0, 1);
        if (!(s->state = wr_malloc(a->state_size + 16)))
            return load_oom(r);
        state_init(a, s->state);
        g->ns++; /* freed with the group from here on */
        states_load(a, s->state, r);
    }
    return !r->bad;
}

bool wr_aggop_load(wr_aggop *const *fin, int nfin, wr_snapr *r)
{
    const wr_pagg *a = fin[0]->a;
    int64_t clk[8];
    for (int i = 0; i < 8; i++)
        clk[i] = wr_snapr_int(r);
    for (int i = 0; i < nfin; i++) {
        wr_aggop *op = fin[i];
        op->stream_time = clk[0];
        op->late_wm = clk[1];
        op->at_end = clk[2] != 0;
        op->rows_tick = clk[3];
        op->tick_at = clk[4];
        op->tick_st = clk[5];
        op->ticked = clk[6] != 0;
        op->tick_now = clk[7];
    }
    int64_t n = wr_snapr_range(r, 0, r->end - r->p);
    wr_datum *key =
        wr_arena_alloc(r->ar, sizeof(wr_datum) * (size_t)(a->ngroup + 1));
    if (!key)
        return load_oom(r);
    for (int64_t k = 0; k < n && !r->bad; k++) {
        for (int i = 0; i < a->ngroup; i++)
            wr_snapr_datum(r, a->gtypes[i], &key[i]);
        int64_t first_seq = wr_snapr_int(r);
        if (r->bad)
            break;
        uint64_t h = key_hash(a, key);
        wr_aggop *op = fin[nfin > 1 ? h % (uint64_t)nfin : 0];
        size_t before = op->ngroups;
        wgroup *g = group_get(op, h, key, first_seq);
        if (!g)
            return load_oom(r);
        if (op->ngroups == before) { /* the same key twice */
            r->bad = true;
            break;
        }
        group_load(op, g, r);
    }
    return !r->bad;
}
