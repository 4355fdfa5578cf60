/*
 * Operator: TableChanges (materializes a table for aggregation)
 * Input:    the rows of a table's changelog reaching the aggregation: a
 *           table source's scan batch, or the wide rows of a join of
 *           tables; a tombstone row deletes its key.
 * Output:   per input row, in order: the row its key held before, as a
 *           retraction (neg = 1, carrying the new row's ROWTIME), then the
 *           row itself as an addition unless it is a tombstone. The
 *           aggregation subtracts retractions (COUNT, SUM and AVG invert)
 *           and adds additions, which is ksqlDB's table aggregation: an
 *           update moves a row from its old group to its new one, a delete
 *           takes it out, and a count may fall to 0.
 * State:    the latest row of every key (a private copy, strings and
 *           nested values included, one block per row: wr_row_copy), in a
 *           rowmap owned by the operator.
 * Time:     none of its own; output rows carry the input row's ROWTIME.
 * Errors:   a row with a NULL key is dropped (ksqlDB drops such table
 *           records).
 */
#include "exec/exec_int.h"

#include <stdlib.h>

#include "exec/rowmap.h"

struct wr_tableop {
    int ncols;                   /* columns of a row */
    const wr_type *const *types; /* their types (borrowed from the plan) */
    int nk;                      /* key columns */
    const int *keycols;          /* their indexes */
    const wr_type **kt;          /* their types */
    int ts_col;                  /* ROWTIME column */
    wr_rowmap rows;              /* key -> the latest row (wr_datum *) */
};

static void row_free(void *row)
{
    wr_free(row);
}

wr_tableop *wr_tableop_new(int ncols, const wr_type *const *types, int nk,
                           const int *keycols, int ts_col, weir_status *st)
{
    wr_tableop *t = wr_malloc(sizeof *t);
    const wr_type **kt = wr_malloc(sizeof(void *) * (size_t)(nk + 1));
    if (!t || !kt) {
        wr_free(t);
        wr_free(kt);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    for (int i = 0; i < nk; i++)
        kt[i] = types[keycols[i]];
    *t = (wr_tableop){ncols, types, nk, keycols, kt, ts_col, {0}};
    wr_rowmap_init(&t->rows, nk, kt);
    return t;
}

void wr_tableop_free(wr_tableop *t)
{
    if (!t)
        return;
    wr_rowmap_fini(&t->rows, row_free);
    wr_free(t->kt);
    wr_free(t);
}

static weir_rc nomem(weir_status *st)
{
    return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

weir_rc wr_tableop_process(wr_tableop *t, const wr_batch *in,
                           const int64_t *seq, wr_tchanges *out, wr_arena *ar,
                           weir_status *st)
{
    int cap = 2 * in->nsel + 1;
    out->neg = wr_arena_alloc(ar, (size_t)cap);
    out->seq = wr_arena_alloc(ar, sizeof(int64_t) * (size_t)cap);
    wr_datum *d = wr_arena_alloc(ar, sizeof(wr_datum) * (size_t)t->ncols);
    wr_datum *key = wr_arena_alloc(ar, sizeof(wr_datum) * (size_t)(t->nk + 1));
    if (!out->neg || !out->seq || !d || !key ||
        !wr_batch_init(&out->b, ar, t->ncols, t->types, cap))
        return nomem(st);
    int n = 0;
    for (int k = 0; k < in->nsel; k++) {
        int r = wr_batch_row(in, k);
        for (int i = 0; i < t->ncols; i++)
            wr_col_get(&in->cols[i], r, &d[i]);
        for (int i = 0; i < t->nk; i++)
            key[i] = d[t->keycols[i]];
        wr_rment *e = wr_rowmap_find(&t->rows, key);
        if (e) { /* retract what the key held */
            wr_datum *old = e->rows[0];
            wr_datum ts = d[t->ts_col];
            for (int i = 0; i < t->ncols; i++) {
                wr_datum c;
                if (!wr_datum_copy(ar, t->types[i], &old[i], &c))
                    return nomem(st);
                wr_col_put(&out->b.cols[i], n, i == t->ts_col ? &ts : &c);
            }
            out->neg[n] = 1;
            out->seq[n++] = seq[r];
            row_free(old);
            wr_rowmap_remove(&t->rows, e, 0);
        }
        bool null_key = false;
        for (int i = 0; i < t->nk; i++)
            null_key = null_key || key[i].null;
        if (in->tomb[r] || null_key)
            continue;
        wr_datum *keep = wr_row_copy(t->ncols, t->types, d);
        if (!keep || !wr_rowmap_add(&t->rows, key, keep)) {
            row_free(keep);
            return nomem(st);
        }
        for (int i = 0; i < t->ncols; i++)
            wr_col_put(&out->b.cols[i], n, &d[i]);
        out->neg[n] = 0;
        out->seq[n++] = seq[r];
    }
    out->b.n = n;
    out->b.nsel = n;
    out->b.sel = NULL;
    return WEIR_OK;
}

/* ---- snapshots ------------------------------------------------------------
 *
 * The state is the latest row of every key: the column count (a check),
 * the row count, then the rows, ordered by the bytes of their encoded key
 * so that the same rows always give the same bytes (the hash table's
 * order depends on its history). Nothing else persists across batches.
 */

/* A kept row and its encoded key, for sorting. */
typedef struct skey {
    const char *k;       /* encoded key (in the keys buffer) */
    size_t off, len;     /* its place in that buffer */
    const wr_datum *row; /* the row (borrowed from the map) */
} skey;

static int cmp_skey(const void *a, const void *b)
{
    const skey *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->k, y->k, n) : 0;
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

/*
 * Writes t's state into b (see above). Borrows t; out of memory sets
 * b->oom.
 */
void wr_tableop_save(const wr_tableop *t, wr_buf *b)
{
    size_t n = 0;
    for (uint32_t i = 0; i < t->rows.nb; i++)
        for (const wr_rment *e = t->rows.b[i]; e; e = e->next)
            n += (size_t)e->n;
    skey *v = wr_malloc(sizeof(skey) * (n ? n : 1));
    wr_buf keys = WR_BUF_INIT;
    size_t m = 0;
    for (uint32_t i = 0; v && i < t->rows.nb; i++)
        for (const wr_rment *e = t->rows.b[i]; e; e = e->next)
            for (int k = 0; k < e->n && m < n; k++) {
                v[m].off = keys.len;
                for (int c = 0; c < t->nk; c++)
                    wr_snap_datum(&keys, t->kt[c], &e->key[c]);
                v[m].len = keys.len - v[m].off;
                v[m++].row = e->rows[k];
            }
    if (!v || keys.oom) {
        b->oom = true;
        wr_free(v);
        wr_buf_fini(&keys);
        return;
    }
    for (size_t i = 0; i < m; i++)
        v[i].k = keys.s + v[i].off;
    if (m > 1)
        qsort(v, m, sizeof(skey), cmp_skey);
    wr_snap_int(b, t->ncols);
    wr_snap_int(b, (int64_t)m);
    for (size_t i = 0; i < m; i++)
        for (int c = 0; c < t->ncols; c++)
            wr_snap_datum(b, t->types[c], &v[i].row[c]);
    wr_free(v);
    wr_buf_fini(&keys);
}

/* Marks r damaged (r->oom too when oom); returns false. */
static bool load_fail(wr_snapr *r, bool oom)
{
    r->bad = true;
    r->oom = r->oom || oom;
    return false;
}

/*
 * Reads the state written by wr_tableop_save into t, freshly created with
 * the same columns. Borrows r; copies what it keeps. false when the
 * snapshot is damaged (r->bad; a row with a NULL key or a key twice is
 * damage) or memory ran out (r->oom): t may then hold part of the rows and
 * must only be freed.
 */
bool wr_tableop_load(wr_tableop *t, wr_snapr *r)
{
    wr_snapr_range(r, t->ncols, t->ncols);
    int64_t n = wr_snapr_range(r, 0, r->end - r->p);
    if (r->bad)
        return false;
    wr_datum *d = wr_malloc(sizeof(wr_datum) * (size_t)(t->ncols + 1));
    wr_datum *key = wr_malloc(sizeof(wr_datum) * (size_t)(t->nk + 1));
    if (!d || !key) {
        wr_free(d);
        wr_free(key);
        return load_fail(r, true);
    }
    for (int64_t i = 0; i < n && !r->bad; i++) {
        for (int c = 0; c < t->ncols && !r->bad; c++)
            wr_snapr_datum(r, t->types[c], &d[c]);
        if (r->bad)
            break;
        bool null_key = false;
        for (int c = 0; c < t->nk; c++) {
            key[c] = d[t->keycols[c]];
            null_key = null_key || key[c].null;
        }
        if (null_key || wr_rowmap_find(&t->rows, key)) {
            load_fail(r, false);
            break;
        }
        wr_datum *keep = wr_row_copy(t->ncols, t->types, d);
        if (!keep || !wr_rowmap_add(&t->rows, key, keep)) {
            row_free(keep);
            load_fail(r, true);
        }
    }
    wr_free(d);
    wr_free(key);
    return !r->bad;
}
