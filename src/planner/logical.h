/*
 * logical.h: the bound logical plan of a query: Scan, Join, Filter,
 * Aggregate, Project, Sink, printed as an indented tree by `weir explain`.
 *
 * Nodes live in the statement's query arena and point into its AST for
 * expressions (annotated in place by the binder). Expressions refer to
 * columns as (src, col): src indexes the query's scope (0..nsources-1 for
 * the sources in FROM/JOIN order, WR_SRC_AGG for the output of the
 * Aggregate node) and col indexes that scope entry's columns. The plan is
 * read-only once binding finishes; the lowering to the executor's DAG
 * (later) reads it and never changes it.
 */
#ifndef WEIR_PLANNER_LOGICAL_H
#define WEIR_PLANNER_LOGICAL_H

#include "common/buf.h"
#include "parser/ast.h"
#include "planner/catalog.h"

#define WR_SRC_AGG 1000     /* scope index of the Aggregate node's output */
#define WR_SRC_WINDOW 1001  /* WINDOWSTART (col 0) / WINDOWEND (col 1) */
#define WR_SRC_JOINKEY 1002 /* synthetic ROWKEY of a join */

typedef enum wr_lnode_kind {
    WR_L_SCAN,
    WR_L_JOIN,
    WR_L_FILTER,
    WR_L_AGGREGATE,
    WR_L_PROJECT,
    WR_L_REPARTITION,
    WR_L_SINK,
    WR_L_WINDOW, /* window scan: every row once per window containing it */
} wr_lnode_kind;

/* A column of a query's scope: a source column or a pseudo-column. */
typedef struct wr_scope_col {
    const char *name;    /* normalized name */
    const wr_type *type; /* its type */
    bool key;            /* part of the record key */
    bool pseudo;         /* ROWTIME, ROWPARTITION, ROWOFFSET, WINDOW* */
} wr_scope_col;

/* One source of a query as the binder resolved it. */
typedef struct wr_scope_src {
    const char *alias;    /* alias, or the source name */
    bool aliased;         /* the alias was written */
    const wr_source *src; /* catalog entry (borrowed for binding only) */
    const char *name;     /* source name (copied into the query arena) */
    bool table;           /* a table (else a stream) */
    int ncols;            /* columns: source columns, then pseudo ones */
    wr_scope_col *cols;   /* ncols entries */
} wr_scope_src;

/* An output column of a projection. */
typedef struct wr_out_col {
    const char *name;    /* output name */
    const wr_type *type; /* its type */
    bool key;            /* key column of the result */
    wr_expr *expr;       /* the expression computing it */
} wr_out_col;

typedef struct wr_lnode wr_lnode;
struct wr_lnode {
    wr_lnode_kind kind; /* node kind */
    wr_lnode *input;    /* input (left input of a join) */
    wr_lnode *right;    /* JOIN: right input */

    /* SCAN */
    int src; /* scope index */

    /* JOIN */
    wr_join_type join_type; /* INNER, LEFT, RIGHT, FULL */
    wr_expr *left_key;      /* left side of the ON equality */
    wr_expr *right_key;     /* right side of the ON equality */
    bool windowed_join;     /* WITHIN given (stream-stream) */
    int64_t within_before;  /* ms */
    int64_t within_after;   /* ms */
    int64_t join_grace;     /* ms; -1: not given */
    const char *join_desc;  /* "STREAM-STREAM", "STREAM-TABLE", ... */

    /* FILTER */
    wr_expr *pred;    /* predicate */
    const char *what; /* "WHERE" or "HAVING" */

    /* AGGREGATE */
    wr_list *group;        /* wr_expr* grouping expressions */
    wr_list *aggs;         /* wr_expr* aggregate calls */
    wr_window_spec window; /* window (kind 0: none) */
    wr_emit emit;          /* emission */
    bool emit_all;         /* EMIT FINAL ALL KEYS */
    bool emit_snapshot;    /* EMIT SNAPSHOT PER BATCH */

    /* REPARTITION */
    wr_list *partition; /* PARTITION BY expressions */

    /* PROJECT / SINK: output schema */
    int ncols;        /* number of output columns */
    wr_out_col *cols; /* output columns, keys first */

    /* SINK */
    const wr_source *sink; /* the target's definition (query arena) */
    bool create;           /* CREATE ... AS (else INSERT INTO) */
};

/* A bound query: its scope and plan. */
typedef struct wr_query {
    int nsrc;               /* number of sources */
    wr_scope_src *srcs;     /* sources in FROM/JOIN order */
    wr_lnode *plan;         /* root: SINK for persistent queries,
                               PROJECT for push queries */
    bool result_table;      /* the result is a table (else a stream) */
    bool aggregate;         /* the query aggregates */
    const char *limit;      /* LIMIT, or NULL */
    int nagg_cols;          /* AGGREGATE output: group keys, aggs, bounds */
    wr_scope_col *agg_cols; /* its columns */
} wr_query;

/* Appends the plan of q as an indented tree to b. */
void wr_plan_print(wr_buf *b, const wr_query *q);

#endif
