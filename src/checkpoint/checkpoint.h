/*
 * checkpoint.h: the checkpoint store of `weir run --checkpoint DIR`: a
 * SQLite database DIR/weir.ckpt (WAL mode, synchronous=FULL) with
 * Spark Streaming's two checkpoints:
 *
 *   metadata: every persistent query's id and definition (its SQL text),
 *             so that a changed query is refused;
 *   data:     per query and batch, its planned input slices (one row per
 *             source partition: [from, until)), written before the batch
 *             is processed, the batch time, and its completion.
 *
 *   state:    per query, the latest snapshot of its operators' state
 *             (wr_qrun_save's bytes) after a complete batch, and the
 *             positions its sources had reached then.
 *
 * Recovery loads the snapshot, puts the sources at its positions, and
 * replays the batches recorded since in order from the same slices (the
 * Direct API makes them exact), then recomputes a planned-but-incomplete
 * batch; sinks skip what they already committed. A snapshot compacts the
 * store: the batches up to it and their slices are deleted (their last
 * slice per source partition is kept as a position), so the file holds
 * one snapshot and the batches since, however long the query runs. The
 * store knows no operator: it stores slices, states of batches and
 * opaque snapshots.
 *
 *   CREATE TABLE weir_meta (key TEXT PRIMARY KEY, value TEXT)
 *   CREATE TABLE weir_queries (query_id TEXT PRIMARY KEY, definition TEXT)
 *   CREATE TABLE weir_batches (query_id TEXT, batch INTEGER, btime INTEGER,
 *       done INTEGER, PRIMARY KEY (query_id, batch))
 *   CREATE TABLE weir_slices (query_id TEXT, batch INTEGER, source INTEGER,
 *       topic TEXT, partition INTEGER, from_offset INTEGER,
 *       until_offset INTEGER)
 *   CREATE TABLE weir_snapshots (query_id TEXT PRIMARY KEY, batch INTEGER,
 *       origin INTEGER, state BLOB)
 *   CREATE TABLE weir_positions (query_id TEXT, source INTEGER, topic TEXT,
 *       partition INTEGER, from_offset INTEGER, until_offset INTEGER)
 *
 * A lock (fcntl on DIR/weir.lock, held while the store is open) keeps a
 * second process out: wr_ckpt_open then fails with *busy set.
 *
 * Memory: the store owns its database handle and statements; slices
 * handed out by wr_ckpt_batches are borrowed for the callback.
 */
#ifndef WEIR_CHECKPOINT_CHECKPOINT_H
#define WEIR_CHECKPOINT_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weir/status.h"

typedef struct wr_ckpt wr_ckpt;

/* One planned slice of a batch: [from, until) of source `source` (the
 * query's scan index), topic partition. */
typedef struct wr_ckslice {
    int source;
    const char *topic;
    int32_t partition;
    int64_t from, until;
} wr_ckslice;

/* Opens (creating when missing) the checkpoint in directory dir (created
 * when missing). NULL with st set on failure: WEIR_E_IO naming the file
 * (a corrupt or foreign database included); when another process holds
 * the lock, *busy is set too and the message says which pid. */
wr_ckpt *wr_ckpt_open(const char *dir, bool *busy, weir_status *st);
void wr_ckpt_close(wr_ckpt *ck);

/* Registers query id with its definition: a new query is recorded; a
 * known one must have the same definition, else WEIR_E_BIND (a changed
 * query). With reset, everything recorded for it (batches, snapshot,
 * positions) is forgotten first, whatever its definition. */
weir_rc wr_ckpt_query(wr_ckpt *ck, const char *id, const char *definition,
                      bool reset, weir_status *st);

/* Records batch `batch` of query id as planned: its batch time and slices
 * (borrowed), in one transaction, before it is processed. Replaces a
 * recorded incomplete batch of the same number. */
weir_rc wr_ckpt_plan(wr_ckpt *ck, const char *id, int64_t batch, int64_t btime,
                     const wr_ckslice *sl, int n, weir_status *st);

/* Records batch `batch` of query id as complete. */
weir_rc wr_ckpt_done(wr_ckpt *ck, const char *id, int64_t batch,
                     weir_status *st);

/* The batch time of query id's first recorded batch in *btime (0: none
 * recorded): the batch clock's origin. */
weir_rc wr_ckpt_first_btime(wr_ckpt *ck, const char *id, int64_t *btime,
                            weir_status *st);

/* Calls fn for every recorded batch of query id, in batch order, with its
 * time, completion and slices (borrowed for the call). Stops at the first
 * error fn returns. */
typedef weir_rc (*wr_ckpt_batch_fn)(void *ctx, int64_t batch, int64_t btime,
                                    bool done, const wr_ckslice *sl, int n,
                                    weir_status *st);
weir_rc wr_ckpt_batches(wr_ckpt *ck, const char *id, wr_ckpt_batch_fn fn,
                        void *ctx, weir_status *st);

/* Records state[0..n) (borrowed) as query id's snapshot after its complete
 * batch `batch`, and compacts in the same transaction: the batches up to
 * it and their slices go, the last slice of each source partition among
 * them becoming that partition's position (a line source's slice, whose
 * topic is its positions, is one per source). The clock's origin is
 * kept. */
weir_rc wr_ckpt_snapshot(wr_ckpt *ck, const char *id, int64_t batch,
                         const void *state, size_t n, weir_status *st);

/* Query id's snapshot: *batch (0: none; then nothing else is set), its
 * state in *state[0..*n) (malloc'd: the caller frees it), and fn called
 * once with the positions as the slices of batch *batch. */
weir_rc wr_ckpt_snapshot_get(wr_ckpt *ck, const char *id, int64_t *batch,
                             void **state, size_t *n, wr_ckpt_batch_fn fn,
                             void *ctx, weir_status *st);

#endif
