/*
 * plan.h: the physical plan (the DAG the executor runs), produced from a
 * bound query by wr_plan_lower() and read-only afterwards (PostgreSQL's Plan
 * vs PlanState split: executor state lives in src/exec, never here).
 *
 * Shape. A query is a DAG of stages separated by shuffles:
 *
 *   stage 0 (narrow, one task per input slice chunk, parallel):
 *       Scan(decode, only the columns the query uses) -> Filter(WHERE)
 *         -> either Project -> Sink                       (stateless)
 *         -> or   PartialAggregate(group keys, panes)      (aggregating)
 *   shuffle: partial states hash-partitioned by group key
 *   stage 1 (one task per key partition, parallel):
 *       WindowAggregate(final: merge, windows, watermark, emission)
 *         -> Filter(HAVING) -> Project -> Sink
 *
 * Tables: a table source is materialized (latest row per key) by a
 * TableSource operator before its Filter/Project, so table-to-table queries
 * forward updates and deletes. Every batch column index below refers to the
 * layout of the batch at that point: the scan batch is the source's scope
 * columns (declared columns keys first, then ROWTIME, ROWPARTITION,
 * ROWOFFSET, ROWTOPIC, and WINDOWSTART/WINDOWEND of windowed sources); the
 * aggregate batch is [group keys][aggregates][WINDOWSTART, WINDOWEND].
 *
 * Memory: everything is allocated in the query arena of the owning
 * wr_qplan and borrows the bound query's AST and the catalog's types, which
 * the owner keeps alive as long as the plan.
 */
#ifndef WEIR_PLANNER_PLAN_H
#define WEIR_PLANNER_PLAN_H

#include "common/buf.h"
#include "exec/agg.h"
#include "exec/expr.h"
#include "formats/format.h"
#include "planner/bind.h"

/* Scan of one source: decoding into the scan batch. */
typedef struct wr_pscan {
    const char *name;      /* source name */
    const char *topic;     /* topic (or file path) read */
    bool table;            /* a table: materialize latest row per key */
    int ncols;             /* scan batch columns */
    const wr_type **types; /* their types */
    const char **names;    /* their names */
    int nkeys;             /* key columns (0..nkeys-1) */
    wr_format key_format;  /* key format */
    wr_format value_format;
    wr_decoder *dec;  /* value decoder (projection pushed down) */
    wr_decoder *kdec; /* multi-column keys: key decoder (JSON object or
                         DELIMITED fields), else NULL */
    int nvalue;       /* declared value columns */
    bool *used;       /* per scan column: referenced by the query */
    int col_rowtime;  /* pseudo-columns */
    int col_partition;
    int col_offset;
    int col_topic;
    int col_wstart; /* windowed source: WINDOWSTART, else -1 */
    int col_wend;
    int ts_col;            /* TIMESTAMP='col' column, else -1 */
    bool proc;             /* processing time: ROWTIME = the batch time */
    const char *file;      /* FILE= path for file sources, else NULL */
    bool follow;           /* FOLLOW=true: the file is followed (tail -F) */
    const char *socket;    /* SOCKET='host:port', else NULL */
    const char *zmq;       /* ZMQ= endpoint, else NULL */
    const char *zmq_topic; /* ZMQ_TOPIC= subscription, else NULL */
    char delim;            /* DELIMITED separator */
} wr_pscan;

/* Where a sink writes and how it encodes. */
typedef struct wr_psink {
    const char *name;         /* sink source name (NULL: push query) */
    const char *topic;        /* topic (or FILE path) */
    wr_format key_format;     /* key format (NONE: keyless) */
    wr_format value_format;   /* value format */
    char delim;               /* DELIMITED separator */
    int ncols;                /* output columns (keys first) */
    int nkeys;                /* key columns */
    const char **names;       /* column names */
    const wr_type **types;    /* column types */
    int ts_col;               /* TIMESTAMP='col' on the sink, else -1 */
    wr_window_spec window;    /* windowed result (key carries the window) */
    bool table;               /* the result is a table (changelog) */
    bool file_sink;           /* topic is a FILE= path */
    bool file_dir;            /* ... of a directory (FILE='dir/' or an
                                 existing directory): file_sink.h */
    int64_t roll_bytes;       /* FILE_ROLL_BYTES, 0: none */
    int64_t roll_ms;          /* FILE_ROLL_MS, 0: none */
    const char *sqlite;       /* SQLITE= database path, or NULL */
    const char *sqlite_table; /* SQLITE_TABLE (default: the sink name) */
    bool unwrap;              /* WRAP_SINGLE_VALUE=false: the one value
                                 column is written bare (JSON) */
} wr_psink;

/* The aggregate part of a plan. */
typedef struct wr_pagg {
    int ngroup;             /* group key expressions */
    wr_xexpr **group;       /* over the scan batch */
    const wr_type **gtypes; /* their types */
    int nagg;               /* aggregate calls */
    wr_agg **aggs;          /* accumulators */
    int *nargs;             /* per aggregate: argument count */
    wr_xexpr ***args;       /* per aggregate: arguments over the scan batch */
    size_t *state_off;      /* per aggregate: offset in a pane's state */
    size_t state_size;      /* bytes of all aggregates' state */
    size_t state_align;     /* their alignment: 8 or 16 */
    const wr_type **types;  /* aggregate batch column types */
    int ncols;              /* ngroup + nagg + 2 */
    wr_window_spec window;  /* kind 0: not windowed */
    int64_t pane;           /* slice width (gcd(size, advance)); rows too */
    int64_t grace;          /* effective grace in ms */
    wr_emit emit;           /* CHANGES (default) or FINAL */
    bool emit_all;          /* FINAL ALL KEYS: every key seen, every window */
    bool snapshot;          /* SNAPSHOT PER BATCH: every group at each tick */
    bool proc;              /* processing time: windows end at batch times
                               (Spark's alignment, see op_aggregate.c) */
    wr_xexpr *having;       /* over the aggregate batch, or NULL */
    /* Aggregation over a table (a table source, or a join of tables): the
     * input is materialized by its key (TableChanges, op_table.c) and
     * updates retract the old row before adding the new one. */
    bool table;
    int ntkey;  /* key columns of the table rows (scan or wide batch) */
    int *tkey;  /* their indexes */
    int tncols; /* columns of those rows */
    const wr_type **ttypes; /* and their types */
    int tts_col;            /* their ROWTIME */
} wr_pagg;

/* A window scan (WINDOW without aggregation, Spark's window()): the rows
 * that reach the projection are kept and, when a window closes, every row
 * it contains is projected again, with WINDOWSTART/WINDOWEND as two extra
 * columns after the batch's (at `wcol`). */
typedef struct wr_pwscan {
    wr_window_spec window; /* TUMBLING or HOPPING of time */
    int64_t grace;         /* effective grace in ms (event time) */
    bool proc;             /* processing time: Spark's alignment */
    int ncols;             /* columns of a kept row (the batch's) */
    const wr_type **types; /* ncols + 2 types (window bounds last) */
    int wcol;              /* = ncols: WINDOWSTART, then WINDOWEND */
    int ts_col;            /* the rows' ROWTIME */
} wr_pwscan;

/* One binary join of a left-deep join tree: the rows of scans 0..j (the
 * left side, a stream or a join result) with scan j+1 (the right side). */
typedef struct wr_pjoin {
    wr_join_type type;     /* INNER, LEFT, RIGHT, FULL */
    bool right_table;      /* stream-table join: right side is a table */
    bool left_table;       /* with right_table: a join of two tables */
    bool windowed;         /* stream-stream: WITHIN given */
    int64_t before, after; /* WITHIN (before, after) in ms */
    int64_t grace;         /* GRACE PERIOD in ms, -1: not given (eager
                              null-padded outer results, ksqlDB legacy) */
    wr_xexpr *lkey;        /* left key over the wide row */
    wr_xexpr *rkey;        /* right key over the wide row */
    int right_scan;        /* j + 1 */
} wr_pjoin;

typedef struct wr_qplan {
    const char *id;             /* query id (CSAS_X_0) or "push" */
    const char *sql;            /* statement text (borrowed) */
    int nscan;                  /* sources (1 without joins) */
    wr_pscan *scans;            /* nscan scans */
    int njoin;                  /* joins (nscan - 1), 0 without joins */
    wr_pjoin *joins;            /* left-deep, bottom first */
    int *scan_off;              /* joins: first wide column of each scan */
    int wide_ncols;             /* joins: columns of the wide row */
    const wr_type **wide_types; /* joins: their types */
    int joinkey_col;            /* joins: the synthetic ROWKEY column */
    int ts_col;        /* ROWTIME of the batch reaching WHERE: the scan's,
                          or the wide row's join timestamp */
    wr_xexpr *where;   /* over the scan batch, or NULL */
    wr_pagg *agg;      /* aggregation, or NULL */
    wr_pwscan *wscan;  /* window scan, or NULL */
    int nout;          /* output columns = sink columns */
    wr_xexpr **out;    /* over the scan batch, or the aggregate batch */
    wr_psink sink;     /* output */
    bool source_table; /* the (single) source is a table */
    bool proc;         /* the sources use processing time (batch time) */
    int64_t limit;     /* LIMIT of a push query, -1: none */
    wr_arena *ar;      /* owns the plan */
} wr_qplan;

/*
 * Lowers the bound query q (from wr_bind; q->plan is PROJECT or SINK) to a
 * physical plan in a new arena owned by the returned plan. `sink` is the new
 * or target source of a persistent query (NULL for a push query), `id` its
 * query id. Borrows q, sink and cat (their memory must outlive the plan).
 * Returns NULL with st set: WEIR_E_UNSUPPORTED (with the span) for what the
 * executor cannot run yet, WEIR_E_NOMEM.
 */
wr_qplan *wr_plan_lower(const wr_catalog *cat, const wr_query *q,
                        const wr_source *sink, const char *id, weir_status *st);

/* Frees a plan. NULL is a no-op. */
void wr_plan_free(wr_qplan *p);

/* Appends the DAG with its stages as text (`weir explain`), or as Graphviz
 * dot when dot is true. */
void wr_plan_print_dag(wr_buf *b, const wr_qplan *p, bool dot);

#endif
