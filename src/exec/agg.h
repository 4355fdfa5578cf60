/*
 * agg.h: aggregate functions (COUNT, SUM, AVG, MIN, MAX, COUNT(DISTINCT),
 * EARLIEST_BY_OFFSET, LATEST_BY_OFFSET, COLLECT_LIST, COLLECT_SET, TOPK, ...)
 * as accumulators with a fixed-size state slot.
 *
 * The window/group operators own the state slots (wr_agg_state_size bytes,
 * aligned to wr_agg_state_align: 8 or 16) and call:
 *   init    once per new slot;
 *   update  for a vector of rows, each with its own slot (states[k] for
 *           rows[k]), in processing order;
 *   merge   to combine two partial states (panes of a hopping window,
 *           partial/final split), dst older than src in processing order;
 *   retract to remove rows again (only when wr_agg_invertible: COUNT, SUM,
 *           AVG), for table aggregation and inverse window reduction;
 *   result  to produce the current value;
 *   fini    to free what a slot holds outside the arena (lists, sets).
 * Null rules are ksqlDB's: COUNT(*) counts rows, COUNT(x) non-null x, the
 * others skip NULL arguments; the initial value of SUM is 0.
 * `seq` gives each row's processing sequence number (offset order), which
 * EARLIEST/LATEST_BY_OFFSET keep in their state so that merge is exact.
 *
 * A wr_agg is read-only after creation and may be shared by threads; slots
 * are not synchronized (one thread owns a slot at a time).
 */
#ifndef WEIR_EXEC_AGG_H
#define WEIR_EXEC_AGG_H

#include "common/batch.h"
#include "common/func.h"
#include "common/snap.h"
#include "weir/status.h"

typedef struct wr_agg wr_agg;

/*
 * Creates the accumulator for a call of aggregate fn with nargs arguments
 * of the given types (COUNT(*) has nargs == 0), `nlit` trailing literal
 * arguments already evaluated (TOPK's k, ...), DISTINCT flag, and the result
 * type the binder computed. Allocated in ar (borrowing the types). NULL with
 * st set (WEIR_E_UNSUPPORTED) when the function has no implementation.
 */
wr_agg *wr_agg_new(wr_arena *ar, const wr_func *fn, const wr_type *const *args,
                   int nargs, const wr_datum *lits, int nlit, bool distinct,
                   const wr_type *result, weir_status *st);

size_t wr_agg_state_size(const wr_agg *a);
size_t wr_agg_state_align(const wr_agg *a);
bool wr_agg_invertible(const wr_agg *a);

void wr_agg_init(const wr_agg *a, void *state);

/* args: the nargs argument columns (rows indexed by rows[k]); seq[k] the
 * row's sequence number. Returns false when out of memory. */
bool wr_agg_update(const wr_agg *a, void *const *states, const wr_col *args,
                   const uint32_t *rows, const int64_t *seq, int n);
bool wr_agg_retract(const wr_agg *a, void *const *states, const wr_col *args,
                    const uint32_t *rows, const int64_t *seq, int n);
bool wr_agg_merge(const wr_agg *a, void *dst, const void *src);
/* Takes a merged src out of dst again (only when wr_agg_invertible):
 * Spark's inverse reduction of the batches that leave a window. */
void wr_agg_unmerge(const wr_agg *a, void *dst, const void *src);

/* Writes the current value into row `row` of out (type = result type);
 * strings/nested values are copied into ar. Returns false when out of
 * memory. */
bool wr_agg_result(const wr_agg *a, const void *state, wr_col *out, int row,
                   wr_arena *ar);

void wr_agg_fini(const wr_agg *a, void *state);

/* Snapshots (exec_int.h): writes the state of one slot into b (b->oom on
 * failure); reads one back into an initialized slot, copying what it
 * keeps. false: damaged (r->bad) or out of memory (r->oom too). */
bool wr_agg_save(const wr_agg *a, const void *state, wr_buf *b);
bool wr_agg_load(const wr_agg *a, void *state, wr_snapr *r);

#endif
