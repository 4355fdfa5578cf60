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
 * State:    the latest row of every key (a private copy, strings
 *           included; nested values are not kept), in a rowmap owned by
 *           the operator.
 * Time:     none of its own; output rows carry the input row's ROWTIME.
 * Errors:   a row with a NULL key is dropped (ksqlDB drops such table
 *           records).
 */
#include "exec/exec_int.h"

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
