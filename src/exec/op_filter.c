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
 * are dropped by WHERE (ksqlDB). On a table, deletes propagate and a row
 * that fails the predicate becomes a tombstone for its key (Kafka Streams'
 * KTable filter), so the result table never keeps a row that stopped
 * matching.
 */
#include "exec/exec_int.h"

weir_rc wr_op_filter(const wr_xexpr *pred, wr_batch *b, bool keep_tomb,
                     wr_eval_ctx *cx, weir_status *st)
{
    /* A table keeps its selection: a row that fails the predicate no
     * longer exists downstream, so it becomes a tombstone (Kafka Streams'
     * KTable filter); existing tombstones pass. */
    int n = b->nsel;
    uint32_t *all = NULL;
    uint8_t *pass = NULL;
    if (keep_tomb) {
        all = wr_arena_alloc(b->ar, sizeof(uint32_t) * (size_t)(n + 1));
        pass = wr_arena_zalloc(b->ar, (size_t)(b->n + 1));
        if (!all || !pass)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        for (int k = 0; k < n; k++)
            all[k] = (uint32_t)wr_batch_row(b, k);
    }
    /* The predicate sees live rows only; a stream drops what fails it. */
    if (!wr_batch_drop_tombstones(b))
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    weir_rc rc = b->nsel ? wr_expr_filter(pred, b, cx, st) : WEIR_OK;
    if (!keep_tomb || rc != WEIR_OK)
        return rc;
    for (int k = 0; k < b->nsel; k++)
        pass[wr_batch_row(b, k)] = 1;
    for (int k = 0; k < n; k++)
        if (!pass[all[k]])
            b->tomb[all[k]] = 1;
    b->sel = all;
    b->nsel = n;
    return WEIR_OK;
}
