/*
 * bind.h: the binder: resolves names against the catalog, types every
 * expression, checks the statement's semantics and builds its logical plan.
 *
 * The binder reads the catalog and never changes it: the effect of a
 * statement (a source to add, a name to drop) is returned in the wr_bound
 * result and applied by the engine later. Everything it builds lives in the
 * statement's query arena, except the new source of a CREATE, which owns its
 * own arena and is handed over to the catalog on apply.
 */
#ifndef WEIR_PLANNER_BIND_H
#define WEIR_PLANNER_BIND_H

#include "parser/ast.h"
#include "planner/catalog.h"
#include "planner/logical.h"

typedef struct wr_bound {
    const wr_stmt *stmt;    /* the statement (for EXPLAIN: the inner one) */
    wr_query *query;        /* bound query, or NULL */
    wr_source *create;      /* source to add on apply (owned), or NULL */
    wr_source *explained;   /* EXPLAIN CREATE ... AS: the source it would
                               create, which the query points to (owned,
                               never added) */
    bool create_noop;       /* IF NOT EXISTS and it exists: nothing to do */
    const char *drop;       /* source to drop on apply, or NULL */
    const char *query_kind; /* "CSAS", "CTAS", "INSERTQUERY" or NULL */
    const char *sink_name;  /* target of the persistent query */
    const char *query_id;   /* its QUERY_ID (upper-cased, checked), or NULL:
                               the catalog numbers it */
} wr_bound;

/*
 * Binds stmt (whose spans point into text) against cat. Allocates in ar
 * (the statement's query arena); annotates stmt's expressions in place.
 * On success fills *out and returns WEIR_OK; on error returns the code with
 * st filled (message and span of the offending node) and nothing to free.
 * Borrows cat, which must not change until the result is applied or dropped.
 */
weir_rc wr_bind(const wr_catalog *cat, const char *text, wr_stmt *stmt,
                wr_arena *ar, wr_bound *out, weir_status *st);

/* Structural equality of two bound expressions (columns compare by their
 * resolved (src, col)), as used to match GROUP BY expressions. */
bool wr_expr_equal(const wr_expr *x, const wr_expr *y);

/* Frees what a wr_bound owns outside the query arena (the new source). */
void wr_bound_fini(wr_bound *b);

#endif
