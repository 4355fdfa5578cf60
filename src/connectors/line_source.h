/*
 * line_source.h: the sources other than Kafka behind one interface: records
 * that are lines (or messages) arriving from a file, a file followed as it
 * grows, a directory of new files, a TCP socket, standard input or a ZeroMQ
 * SUB socket (Spark Streaming's textFile, textFileStream, socketTextStream).
 *
 * Each batch is planned before it is read where the source allows it: a
 * file's byte range [from, until) is fixed from its size first (the direct
 * API), a directory's from its listing; a stream (socket, stdin, zmq) gives
 * what has arrived. Only complete lines are handed out: a partial last line
 * waits for its newline (except at the end of a bounded input, where it is
 * the last record).
 *
 * Records borrow the source's buffers until the next call of next() or
 * close(): value is the line without its end of line, topic names the path
 * or address, partition is -1 and offset the line number (the message
 * number for zmq), so a bad record is named "path:line".
 *
 * Positions: a short text that restore() takes back to resume after a
 * restart (see docs/operations.md):
 *   file       "file INODE OFFSET LINE"
 *   directory  "dir\n" then "cur OFFSET LINE NAME\n" for the file in
 *              progress, then "done NAME\n" per file done (sorted)
 *   socket, stdin, zmq: not replayable (position() returns false).
 * A checkpoint replays a batch with wr_lsource_replay, from its two
 * positions: a file's bytes between them, a directory's files.
 *
 * Library code does not print: what a user should know (a rotated file, a
 * lost connection, a reconnect) is kept as a notice that the caller takes
 * with wr_lsource_notice() and prints.
 *
 * Threads: a source is used by one thread at a time.
 */
#ifndef WEIR_CONNECTORS_LINE_SOURCE_H
#define WEIR_CONNECTORS_LINE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "exec/exec.h"

typedef struct wr_lsource wr_lsource;

/* What to open (the WITH properties of the scan). Borrowed by open. */
typedef struct wr_lsource_opts {
    const char *file;      /* FILE=: a path, "-" for stdin, a directory
                              (existing, or with a trailing '/') */
    bool follow;           /* FOLLOW=true: the file is followed (tail -f) */
    const char *socket;    /* SOCKET='host:port' */
    const char *zmq;       /* ZMQ= endpoint, e.g. 'tcp://127.0.0.1:5555' */
    const char *zmq_topic; /* ZMQ_TOPIC= subscription prefix, or NULL */
    bool stop_at_end;      /* --until-caught-up: a file or directory is read
                              up to its size / listing at open */
    int64_t settle_ms;     /* directory: a file is taken once unchanged for
                              two scans and this old (default 300 ms when
                              0; -1: no wait) */
} wr_lsource_opts;

/*
 * Opens the source o describes: a SOCKET, a ZMQ endpoint, stdin (FILE='-'),
 * a directory, or a file (followed when o->follow). Borrows o. Returns the
 * source (caller closes it with wr_lsource_close()) or NULL with st set:
 * WEIR_E_IO naming the path, WEIR_E_USAGE for bad options (a malformed
 * host:port, FOLLOW on a directory or stdin), WEIR_E_NOMEM.
 */
wr_lsource *wr_lsource_open(const wr_lsource_opts *o, weir_status *st);

/* Closes s and frees everything it owns. NULL is a no-op. */
void wr_lsource_close(wr_lsource *s);

/*
 * Plans and reads the next batch of at most about max_bytes (0: no cap):
 * *recs gets n records borrowed until the next call. n == 0 when nothing
 * new has come. Errors (WEIR_E_IO, WEIR_E_NOMEM) are permanent; an outage
 * of a socket is not an error (the source reconnects and says so in a
 * notice).
 */
weir_rc wr_lsource_next(wr_lsource *s, size_t max_bytes, const wr_record **recs,
                        int *n, weir_status *st);

/* Whether the input has ended for good: only stdin at EOF and a file read
 * once (not followed) end; the caller then closes every window. */
bool wr_lsource_at_end(const wr_lsource *s);

/* Whether the source has given what was there when it was opened
 * (--until-caught-up): files and directories up to their size and listing
 * at open; a stream when the last batch found nothing waiting. */
bool wr_lsource_caught_up(const wr_lsource *s);

/* Appends the position after the last batch to b and returns true, or
 * appends why there is none ("socket 127.0.0.1:9 is not replayable") and
 * returns false. Borrows s and b. */
bool wr_lsource_position(const wr_lsource *s, wr_buf *b);

/* Resumes at pos (from wr_lsource_position of the same source), before
 * the first next(). Borrows pos. WEIR_E_UNSUPPORTED for a source that is
 * not replayable, WEIR_E_USAGE for a position that is not this source's. A
 * file whose inode changed since, or that became shorter, is read from its
 * start (with a notice). */
weir_rc wr_lsource_restore(wr_lsource *s, const char *pos, weir_status *st);

/* Reads again a batch recorded in a checkpoint: the one that began at
 * position `before` and ended at `after` (both from wr_lsource_position of
 * this source), exactly what lay between. *recs and *n as for
 * wr_lsource_next. Borrows the positions. WEIR_E_UNSUPPORTED for a source
 * that is not replayable (socket, stdin, zmq). */
weir_rc wr_lsource_replay(wr_lsource *s, const char *before, const char *after,
                          const wr_record **recs, int *n, weir_status *st);

/* The notice left by the last call (a rotation, a reconnect), or NULL.
 * Borrowed until the next call on s. */
const char *wr_lsource_notice(const wr_lsource *s);

/* A short name of the source's kind: "file", "follow", "directory",
 * "socket", "stdin", "zmq". */
const char *wr_lsource_kind(const wr_lsource *s);

/* Splits "host:port" ("[v6addr]:port" too) into host[hn] and port[pn].
 * Returns false when s is not one (no colon, an empty host, a port that
 * is not 1..65535). Borrows s. */
bool wr_lsource_hostport(const char *s, char *host, size_t hn, char *port,
                         size_t pn);

#endif
