/*
 * batch.h: the columnar micro-batch.
 *
 * A wr_batch holds n rows as ncols columns. Each column is a typed array of
 * the representation given in value.h plus a null bitmap (bit i set: row i
 * is NULL). Strings are wr_str slices into the batch arena (or into input
 * buffers that outlive the batch). Operators narrow a batch with the
 * selection vector instead of copying rows: when sel is NULL every row
 * 0..n-1 is selected, otherwise sel[0..nsel) lists the selected rows in
 * increasing order.
 *
 * Memory: everything a batch points to lives in its arena `ar` (owned by the
 * operator or task that created the batch) or in buffers that the creator
 * guarantees outlive it. Keeping a pointer into a batch after the batch's
 * arena is reset is a bug; operators that retain data copy it into their
 * state arena (wr_datum_copy).
 *
 * `tomb` marks rows whose record value is null (a Kafka tombstone or a null
 * value): their value columns are all NULL, and operators treat them by
 * ksqlDB's rules (projection forwards them, WHERE and GROUP BY drop them).
 */
#ifndef WEIR_COMMON_BATCH_H
#define WEIR_COMMON_BATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/arena.h"
#include "common/value.h"

typedef struct wr_col {
    const wr_type *type; /* column type */
    uint64_t *nulls;     /* null bitmap, (cap + 63) / 64 words */
    void *data;          /* cap values of wr_value_size(type->kind) */
    int cap;             /* capacity in rows */
} wr_col;

typedef struct wr_batch {
    int n;         /* rows present */
    int cap;       /* row capacity of every column */
    int ncols;     /* number of columns */
    wr_col *cols;  /* ncols columns */
    uint32_t *sel; /* selected rows, or NULL: all of 0..n-1 */
    int nsel;      /* selected count (== n when sel is NULL) */
    uint8_t *tomb; /* per row: 1 when the record's value is null */
    wr_arena *ar;  /* owns the columns, strings and scratch */
} wr_batch;

static inline bool wr_col_is_null(const wr_col *c, int i)
{
    return (c->nulls[i >> 6] >> (i & 63)) & 1;
}

static inline void wr_col_set_null(wr_col *c, int i, bool null)
{
    if (null)
        c->nulls[i >> 6] |= (uint64_t)1 << (i & 63);
    else
        c->nulls[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

#define WR_COL_BOOL(c) ((uint8_t *)(c)->data)
#define WR_COL_I32(c) ((int32_t *)(c)->data)
#define WR_COL_I64(c) ((int64_t *)(c)->data)
#define WR_COL_F64(c) ((double *)(c)->data)
#define WR_COL_DEC(c) ((wr_i128 *)(c)->data)
#define WR_COL_STR(c) ((wr_str *)(c)->data)
#define WR_COL_NEST(c) ((const wr_val **)(c)->data)

/* Row index of the k-th selected row. */
static inline int wr_batch_row(const wr_batch *b, int k)
{
    return b->sel ? (int)b->sel[k] : k;
}

/*
 * Allocates column storage for cap rows of type t in ar, all rows NULL.
 * Returns WEIR_E_NOMEM (false) when out of memory. Borrows t, which must
 * outlive the column.
 */
bool wr_col_init(wr_col *c, wr_arena *ar, const wr_type *t, int cap);

/* Reads row i of c into *d (strings and nested values are borrowed). */
void wr_col_get(const wr_col *c, int i, wr_datum *d);

/* Writes *d into row i of c (borrowing strings/nested values: copy them into
 * the batch arena first if they may die sooner). */
void wr_col_put(wr_col *c, int i, const wr_datum *d);

/*
 * Sets up b with ncols columns of the given types and capacity cap, rows 0,
 * no selection, all in ar (borrowed; b is valid until ar is reset). Returns
 * false when out of memory.
 */
bool wr_batch_init(wr_batch *b, wr_arena *ar, int ncols,
                   const wr_type *const *types, int cap);

/* Narrows the selection to the rows that are not tombstones (a new
 * selection vector in b->ar; nothing changes when there are none). Returns
 * false when out of memory. */
bool wr_batch_drop_tombstones(wr_batch *b);

/* Selects every row again (drops the selection vector). */
void wr_batch_select_all(wr_batch *b);

#endif
