/*
 * Operator: Filter
 * Inputs:   a batch (scan batch for WHERE, aggregate batch for HAVING).
 * Output:   the same batch with its selection vector narrowed to the rows
 *           where the predicate is TRUE (three-valued logic: NULL drops).
 * State:    none.
 * Time:     not involved.
 * Errors:   a row whose predicate fails to evaluate counts as NULL (dropped)
 *           and is counted in the evaluation context.
 * Tombstones (null-valued records) never reach the predicate: a stream's
 * are dropped by WHERE (ksqlDB), a table's are kept so deletes propagate.
 */
#include "exec/exec_int.h"

weir_rc wr_op_filter(const wr_xexpr *pred, wr_batch *b, bool keep_tomb,
                     wr_eval_ctx *cx, weir_status *st)
{
    int ntomb = 0;
    for (int k = 0; k < b->nsel; k++)
        ntomb += b->tomb[wr_batch_row(b, k)];
    if (ntomb == 0)
        return wr_expr_filter(pred, b, cx, st);
    /* Split: evaluate over the live rows, then merge the tombstones back
     * (when kept) in row order. */
    uint32_t *tombs = wr_arena_alloc(b->ar, sizeof(uint32_t) * (size_t)ntomb);
    uint32_t *live =
        wr_arena_alloc(b->ar, sizeof(uint32_t) * (size_t)(b->nsel + 1));
    if (!tombs || !live)
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    int nt = 0, nl = 0;
    for (int k = 0; k < b->nsel; k++) {
        int r = wr_batch_row(b, k);
        if (b->tomb[r])
            tombs[nt++] = (uint32_t)r;
        else
            live[nl++] = (uint32_t)r;
    }
    b->sel = live;
    b->nsel = nl;
    weir_rc rc = nl ? wr_expr_filter(pred, b, cx, st) : WEIR_OK;
    if (rc != WEIR_OK || !keep_tomb)
        return rc;
    uint32_t *m =
        wr_arena_alloc(b->ar, sizeof(uint32_t) * (size_t)(b->nsel + nt));
    if (!m)
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    int i = 0, j = 0, k = 0;
    while (i < b->nsel || j < nt) {
        uint32_t x = i < b->nsel ? (uint32_t)wr_batch_row(b, i) : UINT32_MAX;
        if (j < nt && tombs[j] < x)
            m[k++] = tombs[j++];
        else
            m[k++] = x, i++;
    }
    b->sel = m;
    b->nsel = k;
    return WEIR_OK;
}
