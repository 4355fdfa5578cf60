/*
 * file_sink.h: the exactly-once file sink, `WITH (FILE='dir',
 * VALUE_FORMAT='JSON'|'DELIMITED')` on CREATE STREAM/TABLE AS SELECT: a
 * directory of immutable part files plus an index of committed batches.
 *
 * Layout. The FILE= path is a directory (created when missing; its parent
 * must exist), owned by one query:
 *
 *   DIR/_weir_index                     committed batches and sealed parts
 *   DIR/part-<first>-<last>-<query>.jsonl   (or .csv) a sealed part: the
 *                                       rows of batches first..last
 *   DIR/.part-<first>-<query>.jsonl.inprogress   the open part (hidden)
 *
 * Batch ids in names are zero-padded to 19 digits, so names sort by batch;
 * <query> is the query id with bytes outside [A-Za-z0-9_.-] replaced by '_'.
 * READERS READ ONLY THE FILES NAMED BY `S` LINES OF `_weir_index` (or the
 * visible `part-*` files of the query, which differ only while a seal is
 * being recorded): a visible part file is complete, immutable and holds
 * committed rows only; it is never removed or rewritten by the sink.
 * Files starting with '.' are work in progress and must be skipped.
 *
 * Rows. One line per output record, written with the format encoders
 * (formats/format.h: wr_encode_value), so a keyless stream's line is
 * byte for byte the record value the old FILE= output wrote (JSON object,
 * or a CSV line with minimal quoting and the VALUE_DELIMITER). The key
 * columns come first in the same line: JSON {"K":..,"V":..}, CSV k,v. A
 * windowed result ends each line with the window bounds in ms: JSON
 * ..,"WINDOWSTART":1000,"WINDOWEND":2000}, CSV ..,1000,2000 (a value
 * column named WINDOWSTART/WINDOWEND that copies the bound is not written
 * twice). This is the JSON object `weir run` prints on stdout. Table
 * results are a changelog, appended like streams: a tombstone (the key's
 * row was deleted) is the key with no value: JSON {"K":..,
 * [window,]"_deleted":true}, CSV the key fields (and window bounds) only,
 * i.e. fewer fields than a row. WRAP_SINGLE_VALUE=false writes the bare
 * value only for results without key and window.
 *
 * Index. `_weir_index` is append-only text, one record per line, each line
 * ending with the CRC-32 (8 hex digits) of the bytes before its last space:
 *   H 1 <query> <json|csv> <crc>            first line: owner and format
 *   B <batch> <rows> <end> <n> {<source> <partition> <next_offset>}*n <crc>
 *       batch committed: its rows end at byte <end> of the open part;
 *       rows 0 (an empty batch) writes no data but records the offsets
 *   S <first> <last> <rows> <bytes> <file> <crc>
 *       the open part (batches first..last) was sealed as <file>
 * Strings are %XX-escaped (bytes <= ' ', '%', >= 0x7f); "%00" is "".
 *
 * Commit protocol (wr_fsink_commit), in this order:
 *   1. the batch's rows are appended to the hidden open part (created with
 *      O_TRUNC by the part's first batch), which is fsync'd, and the
 *      directory too when the batch created the file;
 *   2. the B line is appended to the index and the index fsync'd: THE
 *      COMMIT POINT. A batch is committed iff its B line is in the index;
 *   3. when the part is to be sealed (see Rolling), it is renamed to its
 *      part-<first>-<last> name, the directory fsync'd, and the S line
 *      appended and fsync'd.
 * Each step makes durable everything the next one refers to, so a crash at
 * any instant leaves one of these states, which wr_fsink_open repairs:
 *   - a torn (partial or corrupt) last index line: truncated away; an
 *     invalid line followed by a valid one is corruption (WEIR_E_IO);
 *   - rows in the open part past the last B line's <end>: truncated; a
 *     hidden part no B line refers to: removed;
 *   - B lines after the last S with the hidden part present: the part is
 *     sealed now (rename, S line); with the part already renamed (crash
 *     between 3's rename and its S line): the S line is written (roll
 *     forward: the data was committed in step 2).
 * So nothing uncommitted is ever visible and nothing visible is ever
 * removed. Cost per batch without rolling: 5 fsyncs (data, directory,
 * index, directory, index); with rolling 2 (3 for a part's first batch).
 *
 * Replay. A batch id at or below the last committed one is a replay of a
 * committed batch (a driver recomputing after a crash): its rows are
 * discarded and its commit is a no-op, so replays are idempotent (the first
 * commit wins). An uncommitted batch recomputed with the same id lands in
 * the same open part at the same offset, and without rolling in the same
 * file name part-<id>-<id>. Batch ids must otherwise increase (gaps are
 * fine).
 *
 * Rolling. Batches append to the open part until it is sealed: after every
 * commit when neither limit is set; otherwise once the part holds at least
 * roll_bytes (FILE_ROLL_BYTES) bytes or its first batch committed roll_ms
 * (FILE_ROLL_MS) ago (checked at each commit, empty batches included; a
 * batch is never split across parts). wr_fsink_close and wr_fsink_open seal
 * an open part, so rows become visible at the latest when the query stops
 * or restarts. Rolling trades visibility latency for fewer, larger files
 * and fewer fsyncs, without any copying (Flink's in-progress/finished
 * parts, not compaction).
 *
 * Stdout is not this sink: `weir run` keeps printing push-query rows with
 * wr_run_print_row (shell/cmd_run.c), non-transactionally, in the same JSON
 * object form as a JSON part file's lines.
 *
 * Concurrency: one sink per directory. The index holds a POSIX record lock
 * (fcntl F_SETLK) while open, which stops a second process (not a second
 * sink in the same process). A sink is used by one thread at a time.
 */
#ifndef WEIR_CONNECTORS_FILE_SINK_H
#define WEIR_CONNECTORS_FILE_SINK_H

#include <stdint.h>

#include "exec/exec.h"

typedef struct wr_fsink wr_fsink;

/* Test hook: where wr_fsink_commit stops as if the process died there,
 * leaving every file as it is (the sink is then dead: every call fails and
 * close only releases memory and descriptors). */
typedef enum wr_fsink_crash {
    WR_FSINK_CRASH_NONE,        /* normal operation */
    WR_FSINK_CRASH_UNSYNCED,    /* rows written, no fsync, no index line */
    WR_FSINK_CRASH_TORN_COMMIT, /* half of the B line written */
    WR_FSINK_CRASH_COMMITTED,   /* B line durable, part not renamed */
    WR_FSINK_CRASH_RENAMED,     /* part renamed, no S line */
    WR_FSINK_CRASH_TORN_SEAL,   /* half of the S line written */
} wr_fsink_crash;

typedef struct wr_fsink_opts {
    int64_t roll_bytes;        /* FILE_ROLL_BYTES; 0: no size limit */
    int64_t roll_ms;           /* FILE_ROLL_MS; 0: no age limit */
    int64_t (*clock_ms)(void); /* monotonic ms for roll_ms; NULL: the
                                  system's CLOCK_MONOTONIC */
    wr_fsink_crash crash_at;   /* tests only; NONE in production */
    int64_t crash_batch;       /* tests: the hook fires from this batch on
                                  (a seal at close belongs to the last
                                  batch begun) */
} wr_fsink_opts;

/*
 * Opens the sink directory dir (creating it when missing, mode 0777 less
 * the umask) for the result schema (borrowed for the call: names, types,
 * nkeys, window kind, table flag, value_format JSON or DELIMITED, delim,
 * unwrap) of query query_id (NULL: "out"), with opts (borrowed; NULL: no
 * rolling). Creates, or reads and repairs, the index (see the header
 * comment), removes stale hidden parts of this query and seals an open
 * part. dir and query_id are copied. Returns the sink (close it with
 * wr_fsink_close), or NULL with st set: WEIR_E_IO naming the path (not a
 * directory, cannot create or write, locked by another process
 * (retriable), corrupt index, committed data missing), WEIR_E_BIND when
 * the directory belongs to another query or format, WEIR_E_UNSUPPORTED for
 * a value format that is not JSON or DELIMITED, WEIR_E_NOMEM.
 */
wr_fsink *wr_fsink_open(const char *dir, const wr_psink *schema,
                        const char *query_id, const wr_fsink_opts *opts,
                        weir_status *st);

/*
 * Starts batch batch_id (>= 0). An id at or below the last committed batch
 * starts a replay, whose rows are discarded (see Replay). Writes nothing
 * yet (an empty batch creates no file). Fails with WEIR_E_INTERNAL when a
 * batch is open or the id is negative, WEIR_E_IO when the sink failed
 * before (reopen it).
 */
weir_rc wr_fsink_begin(wr_fsink *s, int64_t batch_id, weir_status *st);

/*
 * Writes one output record of the open batch, encoded from its typed
 * values o->cols at o->row (borrowed for the call); o->value == NULL marks
 * a tombstone. Rows are buffered and written to the hidden open part; they
 * are durable and visible only as the header says. Fails with WEIR_E_IO
 * naming the file (roll the batch back), WEIR_E_NOMEM, or WEIR_E_INTERNAL
 * outside a batch or when o's windowing differs from the schema's.
 */
weir_rc wr_fsink_put(wr_fsink *s, const wr_out *o, weir_status *st);

/*
 * Commits the open batch with its source offsets: for i in [0, n)
 * next_offsets[i] (the offset the next batch starts at) of sources[i]
 * partition partitions[i] (-1 for a file). Arrays borrowed. Follows the
 * protocol of the header comment, then seals the part when a roll limit
 * is reached. On failure before the commit point the batch is rolled back
 * and st set (WEIR_E_IO naming the file, WEIR_E_NOMEM). A failed fsync or
 * a failure after the commit point leaves the sink failed: the outcome is
 * then known only by reopening it and reading the offsets back, which is
 * what a restart does (an error after the commit point says so).
 */
weir_rc wr_fsink_commit(wr_fsink *s, int n, const char *const *sources,
                        const int32_t *partitions, const int64_t *next_offsets,
                        weir_status *st);

/* Drops the open batch: its rows are cut from the open part (whose
 * committed rows stay), or the part is removed when it held only this
 * batch. A no-op when no batch is open. */
void wr_fsink_rollback(wr_fsink *s);

/*
 * The committed next offset of source/partition (from the latest batch
 * that recorded it) in *next, or -1 when none was committed. Reads the
 * state loaded at open and updated by each commit: never fails
 * (WEIR_OK), the weir_rc keeps the SQLite sink's signature.
 */
weir_rc wr_fsink_offsets(wr_fsink *s, const char *source, int32_t partition,
                         int64_t *next, weir_status *st);

/* The id of the last committed batch in *batch, or -1 when none. Never
 * fails (WEIR_OK). */
weir_rc wr_fsink_last_batch(wr_fsink *s, int64_t *batch, weir_status *st);

/* Rolls back an open batch, seals an open part (best effort: a failure
 * is repaired by the next open), releases the lock, closes the files and
 * frees the sink. NULL is a no-op. */
void wr_fsink_close(wr_fsink *s);

#endif
