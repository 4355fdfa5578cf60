/*
 * func.h: the function registry: names, kinds and type signatures of every
 * scalar and aggregate SQL function.
 *
 * The registry is a static, read-only table (safe to share between threads).
 * The binder looks a call up by name and asks the entry to resolve its result
 * type from the argument types; errors are written as one line into a buffer
 * the caller supplies, in ksqlDB's wording where ksqlDB has one
 * ("Function 'greatest' does not accept parameters (STRING, INTEGER).").
 * Evaluation lives in the executor (later); this file knows types only.
 */
#ifndef WEIR_COMMON_FUNC_H
#define WEIR_COMMON_FUNC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/arena.h"
#include "common/types.h"

typedef enum wr_func_kind {
    WR_FN_SCALAR,    /* one value per row */
    WR_FN_AGGREGATE, /* folds rows of a group (GROUP BY / window) */
} wr_func_kind;

/* wr_func.flags */
enum {
    WR_FN_STAR_OK = 1 << 0,          /* accepts f(*), e.g. COUNT(*) */
    WR_FN_DISTINCT_OK = 1 << 1,      /* accepts f(DISTINCT x), e.g. COUNT */
    WR_FN_STRUCT_STATE = 1 << 2,     /* aggregate state is a STRUCT (AVG) */
    WR_FN_NONDETERMINISTIC = 1 << 3, /* RANDOM, NOW-like */
};

typedef struct wr_func wr_func;

/*
 * Resolves the result type of a call with nargs arguments of the given
 * types (a bare NULL literal has kind WR_T_NULL). Returns the type
 * (a singleton or allocated in ar), or NULL with a one-line message in
 * err[errlen] when the arguments do not fit any signature.
 */
typedef const wr_type *(*wr_func_resolve_fn)(const wr_func *f,
                                             const wr_type *const *args,
                                             int nargs, wr_arena *ar, char *err,
                                             size_t errlen);

struct wr_func {
    const char *name;           /* upper-case SQL name */
    wr_func_kind kind;          /* scalar or aggregate */
    int min_args;               /* fewest arguments accepted */
    int max_args;               /* most arguments accepted; -1: variadic */
    unsigned flags;             /* WR_FN_* */
    unsigned literal_args;      /* bit i: argument i must be a literal */
    wr_func_resolve_fn resolve; /* result type from argument types */
    const char *synopsis;       /* "ROUND(x [, digits])" */
    const char *description;    /* one sentence for docs and the shell */
};

/* Returns the function named name (any case, length len), or NULL. */
const wr_func *wr_func_lookup(const char *name, size_t len);

/*
 * Resolves a call of f; see wr_func_resolve_fn. Also checks the argument
 * count against min_args/max_args, with ksqlDB's message on mismatch.
 * Borrows args; the result is owned by ar or static.
 */
const wr_type *wr_func_resolve(const wr_func *f, const wr_type *const *args,
                               int nargs, wr_arena *ar, char *err,
                               size_t errlen);

/* Iteration over the registry, for SHOW FUNCTIONS, docs and completion. */
int wr_func_count(void);
const wr_func *wr_func_at(int i);

#endif
