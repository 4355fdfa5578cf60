/*
 * Operator: Project
 * Inputs:   a batch (scan batch, or the aggregate batch of an aggregating
 *           query) with its selection.
 * Output:   the output columns (keys first), one column per expression,
 *           evaluated over the selected rows; plain column references alias
 *           the input column without copying.
 * State:    none.
 * Time:     the output timestamp is decided by the caller (input ROWTIME,
 *           or the aggregate's maximum), not here.
 * Errors:   rows whose expression fails get NULL in that column (counted).
 */
#include "exec/exec_int.h"

weir_rc wr_op_project(wr_xexpr *const *exprs, int n, wr_batch *b, wr_col *out,
                      wr_eval_ctx *cx, weir_status *st)
{
    for (int i = 0; i < n; i++) {
        weir_rc rc = wr_expr_eval(exprs[i], b, &out[i], cx, st);
        if (rc != WEIR_OK)
            return rc;
    }
    return WEIR_OK;
}
