/*
 * expr.h: vectorized expression evaluation.
 *
 * The lowering (planner) compiles each bound AST expression (wr_expr, typed
 * by the binder) into a wr_xexpr tree in the query arena with
 * wr_expr_compile(); the tree is read-only afterwards and may be evaluated
 * by several threads at once. Evaluation works a column at a time over the
 * selected rows of a batch: each node evaluates its operands into scratch
 * columns in the batch arena and then computes its own column.
 *
 * Semantics are ksqlDB's: SQL three-valued logic, Java integer overflow
 * (wrap-around) and division (truncation; division by zero gives NULL and
 * an error), DECIMAL exact with the binder's result types, and a function or
 * cast that fails for a row ("throws") gives NULL for that row and counts an
 * error in the wr_eval_ctx, never failing the batch.
 */
#ifndef WEIR_EXEC_EXPR_H
#define WEIR_EXEC_EXPR_H

#include "common/batch.h"
#include "parser/ast.h"
#include "weir/status.h"

typedef struct wr_xexpr wr_xexpr;

/*
 * Column mapping used while compiling: returns the index of the batch
 * column that holds the value of e, or -1 to compile e from its parts.
 * Called for every node before its operands (so a whole subexpression, such
 * as an aggregate call or a GROUP BY expression, can be mapped onto a
 * column); it must map every WR_E_COLUMN it is given.
 */
typedef int (*wr_expr_map_fn)(void *ctx, const wr_expr *e);

/* Per-task evaluation context: counts rows whose evaluation failed. */
typedef struct wr_eval_ctx {
    int64_t errors;       /* rows where a function/cast/division failed */
    char last_error[256]; /* message of the last such failure */
} wr_eval_ctx;

/*
 * Compiles e into a tree allocated in ar. Borrows e and ctx for the call.
 * Returns NULL with st set (WEIR_E_NOMEM, or WEIR_E_UNSUPPORTED naming the
 * construct with its span) on failure.
 */
wr_xexpr *wr_expr_compile(wr_arena *ar, const wr_expr *e, wr_expr_map_fn map,
                          void *ctx, weir_status *st);

/* Compiles a column reference to batch column `col` of type t. */
wr_xexpr *wr_expr_column(wr_arena *ar, int col, const wr_type *t);

/* The result type of x. */
const wr_type *wr_xexpr_type(const wr_xexpr *x);

/* When x is a plain column reference, its column index; else -1. */
int wr_xexpr_column(const wr_xexpr *x);

/*
 * Evaluates x over the selected rows of b into *out, which this function
 * initializes in b->ar with capacity b->n (rows not selected are
 * undefined). May return a column aliasing a batch column (no copy) when x
 * is a column reference. Returns WEIR_E_NOMEM with st set when the batch
 * arena is exhausted; row-level failures only count in cx.
 */
weir_rc wr_expr_eval(const wr_xexpr *x, wr_batch *b, wr_col *out,
                     wr_eval_ctx *cx, weir_status *st);

/*
 * Evaluates the BOOLEAN predicate x and narrows b's selection to the rows
 * where it is TRUE (NULL and FALSE drop the row).
 */
weir_rc wr_expr_filter(const wr_xexpr *x, wr_batch *b, wr_eval_ctx *cx,
                       weir_status *st);

/*
 * Evaluates a constant expression (no column references) to one datum in
 * ar, e.g. INSERT VALUES or TOPK's k. Returns WEIR_E_TYPE with st set when e
 * is not constant.
 */
weir_rc wr_expr_const(wr_arena *ar, const wr_expr *e, wr_datum *out,
                      weir_status *st);

#endif
