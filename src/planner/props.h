/*
 * props.h: the WITH properties of CREATE statements and the session
 * properties of SET/UNSET: their names, value kinds and where they apply.
 *
 * One table (props.c) lists every property so that validation, docs and
 * shell completion agree. Validation reports the span of the offending
 * property.
 */
#ifndef WEIR_PLANNER_PROPS_H
#define WEIR_PLANNER_PROPS_H

#include "parser/ast.h"
#include "planner/catalog.h"
#include "weir/status.h"

/* Where a WITH property may appear (bit mask). */
enum {
    WR_PROP_SOURCE = 1 << 0, /* CREATE STREAM/TABLE (...) WITH */
    WR_PROP_SINK = 1 << 1,   /* CREATE ... WITH (...) AS SELECT */
    WR_PROP_INSERT = 1 << 2, /* INSERT INTO ... WITH (...) SELECT */
};

typedef enum wr_prop_kind {
    WR_PK_STRING,
    WR_PK_INT,
    WR_PK_BOOL,
    WR_PK_FORMAT,
} wr_prop_kind;

typedef struct wr_prop_def {
    const char *name;  /* upper-case name */
    wr_prop_kind kind; /* value kind */
    unsigned where;    /* WR_PROP_* */
    const char *doc;   /* one sentence */
} wr_prop_def;

/*
 * Checks every property of with (may be NULL) against the table for the
 * statement position `where`: unknown names, duplicates, values of the wrong
 * kind (an INT property given 'abc', a FORMAT given an unknown name, a
 * delimiter that is not one character, TAB or SPACE), and the properties
 * that need another (SQLITE_TABLE needs SQLITE, FILE_ROLL_* a FILE, FOLLOW
 * a FILE, ZMQ_TOPIC a ZMQ). Borrows everything. Returns WEIR_OK or
 * WEIR_E_BIND with st filled.
 */
weir_rc wr_props_check(const wr_list *with, unsigned where, weir_status *st);

/*
 * Checks the properties of with that depend on the formats the statement
 * resolved (given or inherited): KEY_DELIMITER needs the key format kf to
 * be DELIMITED, VALUE_DELIMITER the value format vf. Borrows everything.
 * Returns WEIR_OK or WEIR_E_BIND with st filled (span of the property).
 */
weir_rc wr_props_check_formats(const wr_list *with, wr_format kf, wr_format vf,
                               weir_status *st);

/* The field delimiter a VALUE_DELIMITER or KEY_DELIMITER value names (one
 * character, 'TAB' or 'SPACE'), or ',' for NULL. Borrows v, which must
 * have passed wr_props_check. */
char wr_props_delimiter(const char *v);

/* The property named name (upper-case) in with, or NULL. Borrowed. */
const wr_prop *wr_props_find(const wr_list *with, const char *name);

/* The value of a property as text (strings unquoted, numbers as written),
 * allocated in ar; NULL when out of memory. */
const char *wr_props_text(wr_arena *ar, const wr_prop *pr);

/* Session properties (SET/UNSET): returns true when key is known: weir's
 * own, ksqlDB's ksql.* and streams properties, or a librdkafka
 * pass-through ('kafka.<property>'). */
bool wr_props_session_known(const char *key);

/* The i-th session property weir itself understands (kafka.* and ksql.*
 * aside), in name order; NULL past the last. */
const char *wr_props_session_key(int i);

/* Checks the value of a known session property (durations, counts,
 * booleans, enumerations of weir's own keys; others are free text).
 * Returns false with a reason in why[n]. */
/* Parses a duration as SET 'batch.interval' takes it ("3s", "500ms",
 * "2 minutes", "1h", a bare number of ms; units case-insensitive) into
 * milliseconds; -1 when it is not one. */
int64_t wr_props_duration_ms(const char *v);

bool wr_props_session_value_ok(const char *key, const char *value, char *why,
                               size_t n);

/* Table access for docs and completion. */
int wr_props_count(void);
const wr_prop_def *wr_props_at(int i);

#endif
