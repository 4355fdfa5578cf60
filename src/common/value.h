/*
 * value.h: runtime values shared by formats, expressions, aggregates and
 * operators.
 *
 * A value's meaning always comes from a wr_type known from context (the
 * column, the expression, the field); the representation per kind is:
 *
 *   BOOLEAN          uint8_t (0 or 1)
 *   INT, DATE, TIME  int32_t (DATE: days since epoch, TIME: ms of the day)
 *   BIGINT,TIMESTAMP int64_t (TIMESTAMP: ms since epoch)
 *   DOUBLE           double
 *   DECIMAL          wr_i128: the unscaled value; the scale is the type's
 *   STRING, BYTES    wr_str: a slice {p, len}, not NUL-terminated, pointing
 *                    into an arena that outlives the value (batch arena for
 *                    batch data, state arena for operator state)
 *   ARRAY,MAP,STRUCT const wr_val *: a nested value in an arena
 *
 * wr_datum is one such value plus a null flag, for constants, keys, nested
 * elements and aggregate results. Columns (batch.h) store the bare
 * representation in typed arrays with a separate null bitmap.
 */
#ifndef WEIR_COMMON_VALUE_H
#define WEIR_COMMON_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/types.h"

__extension__ typedef __int128 wr_i128;          /* DECIMAL unscaled */
__extension__ typedef unsigned __int128 wr_u128; /* helper for DECIMAL */

/* A byte string slice; p need not be NUL-terminated. */
typedef struct wr_str {
    const char *p; /* first byte (may be NULL when len == 0) */
    int32_t len;   /* length in bytes */
} wr_str;

typedef struct wr_val wr_val;

/* One value of a known type, or NULL. */
typedef struct wr_datum {
    bool null; /* SQL NULL: u is meaningless */
    union {
        uint8_t b;          /* BOOLEAN */
        int32_t i32;        /* INT, DATE, TIME */
        int64_t i64;        /* BIGINT, TIMESTAMP */
        double f64;         /* DOUBLE */
        wr_i128 dec;        /* DECIMAL (unscaled) */
        wr_str str;         /* STRING, BYTES */
        const wr_val *nest; /* ARRAY, MAP, STRUCT */
    } u;
} wr_datum;

/*
 * A nested value. ARRAY: n elements of type->elem. MAP: n entries stored as
 * 2n items (key, value, key, value, ...) in insertion order. STRUCT:
 * n == type->nfields items, field i of type->fields[i].type.
 */
struct wr_val {
    const wr_type *type; /* ARRAY, MAP or STRUCT type */
    int n;               /* elements / entries / fields */
    wr_datum *items;     /* n items (2n for MAP) */
};

/* Size in bytes of one value of kind k in a column (0 for WR_T_NULL). */
size_t wr_value_size(wr_type_kind k);

/* Hash of a datum of type t (64-bit, seedless; equal values hash equal,
 * including DOUBLE -0.0 and 0.0). NULL hashes to a fixed value. */
uint64_t wr_datum_hash(const wr_type *t, const wr_datum *d);

/* Equality of two datums of the same type t (NULL equals NULL here: this is
 * grouping equality, not SQL `=`). */
bool wr_datum_equal(const wr_type *t, const wr_datum *a, const wr_datum *b);

/* Ordering of two non-NULL datums of the same primitive type t: <0, 0, >0.
 * Strings compare by bytes; DOUBLE by value (NaN last). */
int wr_datum_cmp(const wr_type *t, const wr_datum *a, const wr_datum *b);

/* Deep-copies d (strings and nested values) into ar; returns false when out
 * of memory. *out may alias d. */
bool wr_datum_copy(wr_arena *ar, const wr_type *t, const wr_datum *d,
                   wr_datum *out);

/* The type of item i of a nested value of type t (ARRAY: the element;
 * MAP: key, value, key, ...; STRUCT: field i). */
const wr_type *wr_val_item_type(const wr_type *t, int i);

/*
 * Lays out the variable part (string bytes, nested values with their items)
 * of d, of type t, in the caller's block at base + off, and points out's
 * string or nested pointer at the copy; with base NULL it only measures
 * (out is then not touched and may be NULL). *out must already hold *d.
 * Borrows t, d and base (the copy belongs to whoever owns base; nested
 * copies point at t, which must outlive them). Returns the offset after
 * the last byte used, or off for NULL, non-variable kinds and a NULL t.
 * Nested values are 16-aligned relative to base, so base must be too. A
 * row of datums and their variable parts can thus share one allocation:
 * measure every datum, allocate, then lay them out with the same offsets.
 */
size_t wr_datum_place(const wr_type *t, const wr_datum *d, wr_datum *out,
                      char *base, size_t off);

/* Copies src (type t) into *dst so that it owns its strings and nested
 * values in one wr_malloc'd block (none for numbers and empty strings), for
 * operator state. Borrows src. Returns false when out of memory (*dst is
 * then NULL). */
bool wr_datum_keep(const wr_type *t, const wr_datum *src, wr_datum *dst);
/* Frees what wr_datum_keep allocated for d and makes d NULL. */
void wr_datum_drop(const wr_type *t, wr_datum *d);

/* a / b rounded toward negative infinity (b > 0): the window or batch
 * that time a falls in, for times before the epoch too. */
static inline int64_t wr_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

#endif
