/*
 * types.h: SQL types as the binder, the function registry and (later) the
 * executor see them.
 *
 * A wr_type is immutable once built. Primitive types are static singletons
 * returned by wr_type_prim(); parameterized and nested types (DECIMAL(p,s),
 * ARRAY, MAP, STRUCT) are allocated in an arena chosen by the caller, usually
 * the query arena; the catalog deep-copies the types it keeps with
 * wr_type_dup(). Two types are compared with wr_type_equal(), never by
 * pointer. Names follow ksqlDB's spelling when printed (INTEGER, STRING,
 * DECIMAL(12, 2), ARRAY<STRING>, STRUCT<`A` INTEGER>).
 */
#ifndef WEIR_COMMON_TYPES_H
#define WEIR_COMMON_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"

typedef enum wr_type_kind {
    WR_T_NULL, /* the type of a bare NULL literal: unknown */
    WR_T_BOOLEAN,
    WR_T_INT,    /* 32-bit signed (ksqlDB INTEGER) */
    WR_T_BIGINT, /* 64-bit signed */
    WR_T_DOUBLE,
    WR_T_DECIMAL, /* precision 1..38, scale 0..precision */
    WR_T_STRING,
    WR_T_BYTES,
    WR_T_TIMESTAMP, /* milliseconds since the epoch */
    WR_T_DATE,      /* days since the epoch */
    WR_T_TIME,      /* milliseconds since midnight */
    WR_T_ARRAY,
    WR_T_MAP,
    WR_T_STRUCT,
    WR_T_KIND_COUNT
} wr_type_kind;

#define WR_DECIMAL_MAX_PRECISION 38

typedef struct wr_type wr_type;

typedef struct wr_field {
    const char *name;    /* field name, case kept as declared */
    const wr_type *type; /* field type */
} wr_field;

struct wr_type {
    wr_type_kind kind;      /* what this is */
    int precision;          /* DECIMAL: total digits */
    int scale;              /* DECIMAL: digits after the point */
    const wr_type *elem;    /* ARRAY element, MAP value */
    const wr_type *key;     /* MAP key (always STRING in ksqlDB) */
    int nfields;            /* STRUCT: number of fields */
    const wr_field *fields; /* STRUCT: fields in declaration order */
};

/* Returns the singleton of a primitive kind; NULL for ARRAY, MAP and
 * STRUCT. For DECIMAL it is DECIMAL(38, 0), which the function registry
 * uses as "any DECIMAL"; build a specific one with wr_type_decimal(). */
const wr_type *wr_type_prim(wr_type_kind kind);

/* Builds DECIMAL(precision, scale) in ar. Returns NULL when out of memory.
 * The caller validates the bounds (wr_type_decimal_valid). */
const wr_type *wr_type_decimal(wr_arena *ar, int precision, int scale);
bool wr_type_decimal_valid(int precision, int scale);

/* Builds ARRAY<elem> / MAP<key, value> in ar. Borrow the element types,
 * which must live at least as long as ar. NULL when out of memory. */
const wr_type *wr_type_array(wr_arena *ar, const wr_type *elem);
const wr_type *wr_type_map(wr_arena *ar, const wr_type *key,
                           const wr_type *value);

/* Builds STRUCT<fields> in ar, copying the field array (not the names or
 * types, which must outlive ar). NULL when out of memory. */
const wr_type *wr_type_struct(wr_arena *ar, const wr_field *fields, int n);

/* Deep-copies t (names and nested types) into ar. NULL when out of memory. */
const wr_type *wr_type_dup(wr_arena *ar, const wr_type *t);

/* Structural equality. */
bool wr_type_equal(const wr_type *a, const wr_type *b);

/* Formats t as ksqlDB spells it into buf (always NUL-terminated when
 * n > 0). Returns buf. */
char *wr_type_format(const wr_type *t, char *buf, size_t n);

/* The base name of a kind: "INTEGER", "DECIMAL", "ARRAY", ... */
const char *wr_type_kind_name(wr_type_kind kind);

/* Numeric predicates: INT, BIGINT, DECIMAL, DOUBLE. */
bool wr_type_is_numeric(const wr_type *t);

/* Position of a kind in ksqlDB's implicit widening order INT (1) < BIGINT
 * (2) < DECIMAL (3) < DOUBLE (4); 0 when the kind is not numeric. */
int wr_type_numeric_rank(wr_type_kind kind);

/* True for the primitive kinds (not ARRAY, MAP, STRUCT). */
bool wr_type_is_primitive(const wr_type *t);

/*
 * The DECIMAL a whole-number type widens to when it meets a DECIMAL:
 * INT -> DECIMAL(10, 0), BIGINT -> DECIMAL(19, 0); DECIMAL itself is
 * returned unchanged. NULL for other types or when out of memory.
 */
const wr_type *wr_type_to_decimal(wr_arena *ar, const wr_type *t);

/*
 * The common numeric type of a and b for arithmetic and comparison, by
 * ksqlDB's widening INT < BIGINT < DECIMAL < DOUBLE (a DECIMAL meeting an
 * integer widens the integer first). NULL types adopt the other side.
 * Returns NULL when a or b is not numeric (or out of memory).
 */
const wr_type *wr_type_numeric_common(wr_arena *ar, const wr_type *a,
                                      const wr_type *b);

/*
 * True when a value of type from may be used where type to is expected
 * without an explicit CAST (identity, NULL, and numeric widening
 * INT -> BIGINT -> DECIMAL -> DOUBLE; a DECIMAL widens to a DECIMAL that
 * holds it).
 */
bool wr_type_widens_to(const wr_type *from, const wr_type *to);

/* True when CAST(from AS to) is permitted. */
bool wr_type_castable(const wr_type *from, const wr_type *to);

/*
 * Looks up a primitive type by its SQL name, case-insensitively: BOOLEAN,
 * INT, INTEGER, BIGINT, DOUBLE, VARCHAR, STRING, BYTES, TIMESTAMP, DATE,
 * TIME. DECIMAL and the nested types are built by the binder. Returns
 * WR_T_KIND_COUNT when the name is not a primitive type name.
 */
wr_type_kind wr_type_kind_by_name(const char *name, size_t len);

#endif
