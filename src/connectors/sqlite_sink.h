/*
 * sqlite_sink.h: the SQLite sink, `WITH (SQLITE='out.db',
 * SQLITE_TABLE='name')` on CREATE STREAM/TABLE AS SELECT, with exactly-once
 * commits.
 *
 * Layout. One SQLite table per query result, created when missing: the key
 * columns, then WINDOWSTART and WINDOWEND (INTEGER, ms) for a windowed
 * result, then the value columns, each typed from its weir type (INT,
 * BIGINT, TIMESTAMP, DATE, TIME, BOOLEAN -> INTEGER; DOUBLE -> REAL;
 * DECIMAL -> TEXT, exact, as BigDecimal.toPlainString; STRING -> TEXT;
 * BYTES -> BLOB; ARRAY, MAP, STRUCT -> TEXT holding ksqlDB's JSON). A table
 * result has PRIMARY KEY (keys, WINDOWSTART, WINDOWEND) and is upserted; a
 * stream result has none and is appended. An existing table is used only
 * when its columns match (names, type affinities and primary key) and is
 * refused otherwise.
 *
 * Exactly-once. A batch is one transaction: wr_sqsink_begin (BEGIN
 * IMMEDIATE), wr_sqsink_put per output record, wr_sqsink_commit, which
 * writes the batch's source offsets into `weir_offsets` and COMMITs in the
 * same transaction, so results and offsets are durable together or not at
 * all. A restarted query reads its offsets back (wr_sqsink_offsets) and
 * resumes exactly after the last committed batch; a failed batch is rolled
 * back (wr_sqsink_rollback) and recomputed.
 *
 *   CREATE TABLE weir_offsets (query_id TEXT, source TEXT,
 *       partition INTEGER, next_offset INTEGER, batch INTEGER,
 *       PRIMARY KEY (query_id, source, partition))
 *
 * Threads: a sink is used by one thread at a time (the driver's).
 */
#ifndef WEIR_CONNECTORS_SQLITE_SINK_H
#define WEIR_CONNECTORS_SQLITE_SINK_H

#include <stdint.h>

#include "exec/exec.h"

typedef struct wr_sqsink wr_sqsink;

/*
 * Opens (creating when missing) the database at path in WAL mode with
 * synchronous=FULL, creates `weir_offsets` and the result table `table`
 * for the sink schema (borrowed for the call: names, types, nkeys, window
 * kind, table flag) when missing, checks an existing one, and prepares
 * every statement. query_id names the query's rows in weir_offsets. path,
 * table and query_id are copied. Returns the sink (close it with
 * wr_sqsink_close), or NULL with st set: WEIR_E_IO when SQLite fails
 * (sqlite's message), WEIR_E_BIND when the existing table does not match
 * or the name is reserved, WEIR_E_NOMEM.
 */
wr_sqsink *wr_sqsink_open(const char *path, const char *table,
                          const wr_psink *schema, const char *query_id,
                          weir_status *st);

/*
 * Starts batch batch_id: BEGIN IMMEDIATE (waits up to the busy timeout for
 * another writer). Fails with WEIR_E_IO (retriable when the database is
 * busy), or WEIR_E_INTERNAL when a batch is already open.
 */
weir_rc wr_sqsink_begin(wr_sqsink *s, int64_t batch_id, weir_status *st);

/*
 * Writes one output record of the open batch, reading its typed values from
 * o->cols at o->row (borrowed for the call). Streams: INSERT (a tombstone
 * appends the key with NULL values). Tables: upsert by key and window; a
 * tombstone (o->value == NULL) deletes the row of that key and window.
 * Fails with WEIR_E_IO naming the table (the batch must then be rolled
 * back), or WEIR_E_INTERNAL outside a batch or when o's windowing does not
 * match the table's.
 */
weir_rc wr_sqsink_put(wr_sqsink *s, const wr_out *o, weir_status *st);

/*
 * Ends the open batch: for i in [0, n) records next_offsets[i] (the offset
 * the next batch starts at) of sources[i] partition partitions[i] (-1 for
 * a file) with the batch id in weir_offsets, then COMMITs, all in the
 * batch's transaction. Arrays borrowed. On failure the batch is rolled
 * back and st is set (WEIR_E_IO, retriable when busy); after an I/O error
 * during COMMIT itself the outcome is only known by reading the offsets
 * back (wr_sqsink_offsets), which is what a restart does.
 */
weir_rc wr_sqsink_commit(wr_sqsink *s, int n, const char *const *sources,
                         const int32_t *partitions, const int64_t *next_offsets,
                         weir_status *st);

/*
 * The committed next offset of source/partition for this sink's query in
 * *next, or -1 when none was committed. WEIR_E_IO on an SQLite error.
 */
weir_rc wr_sqsink_offsets(wr_sqsink *s, const char *source, int32_t partition,
                          int64_t *next, weir_status *st);

/*
 * The id of the last committed batch of this sink's query (the largest
 * batch in weir_offsets) in *batch, or -1 when none. WEIR_E_IO on an SQLite
 * error.
 */
weir_rc wr_sqsink_last_batch(wr_sqsink *s, int64_t *batch, weir_status *st);

/* Rolls the open batch back (nothing of it stays: neither rows nor
 * offsets). A no-op when no batch is open. */
void wr_sqsink_rollback(wr_sqsink *s);

/* Rolls back an open batch, finalizes the statements and closes the
 * database. NULL is a no-op. */
void wr_sqsink_close(wr_sqsink *s);

#endif
