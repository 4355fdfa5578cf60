/*
 * catalog.h: the streams and tables an engine knows, and the persistent
 * queries that feed them.
 *
 * Each wr_source owns an arena holding all its strings, columns and types;
 * the catalog owns its sources. The binder reads sources through const
 * pointers that stay valid until the source is dropped or replaced, which
 * only wr_catalog_put/drop do (called when a statement is applied, never
 * while a statement is being bound).
 */
#ifndef WEIR_PLANNER_CATALOG_H
#define WEIR_PLANNER_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/types.h"
#include "weir/status.h"

typedef enum wr_format {
    WR_FMT_NONE,
    WR_FMT_JSON,
    WR_FMT_DELIMITED,
    WR_FMT_KAFKA,
    WR_FMT_AVRO,
    WR_FMT_PROTOBUF,
    WR_FMT_JSON_SR,
    WR_FMT_COUNT
} wr_format;

/* A column of a schema. */
typedef struct wr_column {
    const char *name;       /* normalized name */
    const wr_type *type;    /* its type */
    bool key;               /* part of the record key */
    bool headers;           /* HEADERS / HEADER('k') column */
    const char *header_key; /* HEADER('k'): the key; NULL otherwise */
} wr_column;

/* Time windowing of a windowed source (the output of a windowed
 * aggregation): its keys carry the window. */
typedef struct wr_window_spec {
    int kind;          /* wr_window_kind (0: not windowed) */
    bool rows;         /* count-based: sizes are row counts */
    int64_t size;      /* ms (or rows); SESSION: the gap */
    int64_t advance;   /* HOPPING: ms (or rows) */
    int64_t retention; /* ms; -1: not given */
    int64_t grace;     /* ms; -1: not given */
} wr_window_spec;

/* A WITH property as given, normalized to text. */
typedef struct wr_kv {
    const char *key;   /* upper-case property name */
    const char *value; /* value as text (strings unquoted) */
} wr_kv;

typedef struct wr_source {
    const char *name;       /* normalized name */
    bool table;             /* TABLE (else STREAM) */
    int ncols;              /* columns: keys first, then values */
    wr_column *cols;        /* ncols entries */
    const char *topic;      /* KAFKA_TOPIC */
    wr_format key_format;   /* KEY_FORMAT (NONE when keyless) */
    wr_format value_format; /* VALUE_FORMAT */
    int partitions;         /* PARTITIONS; 0: not given */
    int replicas;           /* REPLICAS; 0: not given */
    const char *timestamp;  /* TIMESTAMP column, or NULL */
    wr_window_spec window;  /* windowed source (kind 0: no) */
    int nprops;             /* WITH properties as given */
    wr_kv *props;           /* nprops entries */
    const char *sql;        /* the defining statement's text */
    const char *query_id;   /* persistent query writing it, or NULL */
    wr_arena *ar;           /* owns everything above */
} wr_source;

/* A persistent query (CREATE ... AS SELECT, INSERT INTO ... SELECT). */
typedef struct wr_query_def {
    const char *id;     /* CSAS_<SINK>_<n>, CTAS_<SINK>_<n>, INSERTQUERY_<n>,
                           or the QUERY_ID given */
    const char *sink;   /* target source name */
    const char *sql;    /* statement text */
    const char **reads; /* the sources it reads (FROM, JOIN), each once */
    int nreads;         /* their count */
} wr_query_def;

typedef struct wr_catalog wr_catalog;

/* Returns a new empty catalog or NULL when out of memory. */
wr_catalog *wr_catalog_new(void);

/* Frees the catalog and all its sources. NULL is a no-op. */
void wr_catalog_free(wr_catalog *cat);

/* Returns a new source with its own arena (name copied), or NULL. The
 * caller fills it and then either hands it to wr_catalog_put or frees it with
 * wr_source_free. */
wr_source *wr_source_new(const char *name);
void wr_source_free(wr_source *src);

/* The value of src's WITH property key (case-insensitive), or NULL.
 * Borrowed from src. */
const char *wr_source_prop(const wr_source *src, const char *key);

/* Looks a source up by its normalized name; NULL when absent. Borrowed. */
const wr_source *wr_catalog_get(const wr_catalog *cat, const char *name);

/* Adds src, replacing a source of the same name. Takes ownership of src,
 * even on failure. */
weir_rc wr_catalog_put(wr_catalog *cat, wr_source *src, weir_status *st);

/* Removes and frees the named source; no-op when absent. */
void wr_catalog_drop(wr_catalog *cat, const char *name);

/* Iteration in creation order. */
int wr_catalog_count(const wr_catalog *cat);
const wr_source *wr_catalog_at(const wr_catalog *cat, int i);

/* Registers a persistent query writing sink and reading the sources
 * reads[0..nreads) (names copied, duplicates kept once); returns its id
 * (owned by the catalog) or NULL when out of memory. kind is "CSAS",
 * "CTAS" or "INSERTQUERY". id is the query's id when the statement names
 * it (INSERT INTO ... WITH (QUERY_ID = ...), checked by the binder), or
 * NULL to number it (CSAS_<SINK>_<n>, CTAS_<SINK>_<n>, INSERTQUERY_<n>;
 * a named query takes no number). Borrows every argument. While it is
 * registered, neither its sink nor what it reads can be dropped (the
 * binder refuses DROP, as ksqlDB does). */
const char *wr_catalog_add_query(wr_catalog *cat, const char *kind,
                                 const char *id, const char *sink,
                                 const char *sql, const char *const *reads,
                                 int nreads);
/* Removes the query with this id (case-insensitive), or every query when
 * id is NULL. Returns the number removed. */
int wr_catalog_drop_query(wr_catalog *cat, const char *id);
int wr_catalog_query_count(const wr_catalog *cat);
const wr_query_def *wr_catalog_query_at(const wr_catalog *cat, int i);
/* The next query number (for ids), without registering anything. */
int wr_catalog_next_query_seq(const wr_catalog *cat);

/* Session properties (SET/UNSET). Values are copied; get returns a
 * borrowed pointer valid until the next set/unset of that key, or NULL. */
weir_rc wr_catalog_set_prop(wr_catalog *cat, const char *key, const char *value,
                            weir_status *st);
void wr_catalog_unset_prop(wr_catalog *cat, const char *key);
const char *wr_catalog_get_prop(const wr_catalog *cat, const char *key);
int wr_catalog_prop_count(const wr_catalog *cat);
const wr_kv *wr_catalog_prop_at(const wr_catalog *cat, int i);

/* Names of formats: "JSON", "DELIMITED", ... */
const char *wr_format_name(wr_format f);
/* Looks a format up by name, case-insensitively; WR_FMT_COUNT if unknown. */
wr_format wr_format_by_name(const char *name);

#endif
