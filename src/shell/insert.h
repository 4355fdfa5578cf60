/*
 * insert.h: INSERT INTO ... VALUES for the weir program's commands: the
 * row encoded as a record of the target (wr_insert_encode, shared by
 * `weir test`, `weir run` and the shell), and that record written where
 * the target lives (wr_insert_run: its Kafka topic, or a line of its
 * FILE).
 */
#ifndef WEIR_SHELL_INSERT_H
#define WEIR_SHELL_INSERT_H

#include <stdint.h>

#include "common/buf.h"
#include "engine/engine_int.h"
#include "exec/exec.h"
#include "planner/plan.h"

/* The record of one INSERT VALUES statement, as a query's sink would
 * produce it. */
typedef struct wr_insert {
    const wr_source *dst; /* the target (borrowed from the catalog) */
    wr_qplan plan;        /* only its sink is filled (the target's name, topic,
                             formats and columns), for wr_out_fn callbacks */
    wr_out out;           /* key, value (never a tombstone), timestamp, and the
                             row (out.cols: one column per target column) */
    wr_buf key;           /* the bytes out.key points into */
    wr_buf value;         /* the bytes out.value points into */
    const char *file;     /* the target's FILE= path (borrowed), or NULL */
} wr_insert;

/*
 * Encodes the row of INSERT VALUES statement ast (bound against cat) into
 * *ins: each value cast to its column's type, unlisted columns NULL, the
 * key in the target's key format (one column, or a JSON or DELIMITED
 * object of several), the value in its value format (JSON or DELIMITED,
 * VALUE_DELIMITER and WRAP_SINGLE_VALUE as a sink writes them). ROWTIME,
 * when listed, is the record's timestamp; ts otherwise. Borrows cat and
 * ast; columns and names are allocated in ar, which must outlive *ins.
 * Returns WEIR_OK, or an error with st set at a position of ast (a
 * windowed target, a value format other than JSON or DELIMITED, a value
 * that does not cast). The caller calls wr_insert_fini in either case.
 */
weir_rc wr_insert_encode(wr_insert *ins, const wr_catalog *cat,
                         const wr_stmt *ast, int64_t ts, wr_arena *ar,
                         weir_status *st);

/* Frees the key and value bytes of ins (not ins itself). */
void wr_insert_fini(wr_insert *ins);

/*
 * Runs INSERT VALUES statement s of engine e (`weir run`, the shell): the
 * record (timestamp: ROWTIME, or now) goes to the target's FILE, appended
 * as one line, or to its Kafka topic (the session's
 * kafka.bootstrap.servers, or the embedded broker, which then gets the
 * topic), produced synchronously: the call returns once the delivery
 * report is in, and a failed delivery is an error. *intr (may be NULL)
 * becoming non-zero gives up the wait. Borrows everything. Returns
 * WEIR_OK, or an error with st set at a position of the statement.
 */
weir_rc wr_insert_run(weir_engine *e, const weir_stmt *s, volatile int *intr,
                      weir_status *st);

#endif
