/*
 * line_source_int.h: what the line sources (file_source.c, dir_source.c,
 * stdin_source.c, socket_source.c, zmq_source.c) share, private to
 * src/connectors: the vtable every source fills, the records array and
 * notice every source has, the line splitter, and the buffer of a stream
 * read from a file descriptor (stdin, socket).
 */
#ifndef WEIR_CONNECTORS_LINE_SOURCE_INT_H
#define WEIR_CONNECTORS_LINE_SOURCE_INT_H

#include "connectors/line_source.h"

typedef struct wr_lsource_ops {
    const char *kind;
    weir_rc (*next)(wr_lsource *s, size_t max_bytes, int *n, weir_status *st);
    bool (*at_end)(const wr_lsource *s);
    bool (*caught_up)(const wr_lsource *s);
    bool (*position)(const wr_lsource *s, wr_buf *b);
    weir_rc (*restore)(wr_lsource *s, const char *pos, weir_status *st);
    void (*close)(wr_lsource *s); /* frees what the kind owns, not s */
    /* Reads again what lay between positions before and after (see
     * wr_lsource_replay); NULL: not replayable. */
    weir_rc (*replay)(wr_lsource *s, const char *before, const char *after,
                      int *n, weir_status *st);
} wr_lsource_ops;

/* The head of every source (first member of each kind's struct). */
struct wr_lsource {
    const wr_lsource_ops *ops;
    wr_record *recs;  /* records of the current batch */
    int rcap;         /* their capacity (grows, never per record) */
    char notice[512]; /* what the last call has to say, "" if nothing */
};

/* Sets s's notice (printf-style). */
void wr_lsource_say(wr_lsource *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Appends the records of the lines of buf[0, len) to s->recs from index *k
 * (a last line without '\n' is a record too: the caller passes only
 * complete lines, or the final one). Empty lines are counted but give no
 * record. Records borrow buf and topic. *line is the number of the first
 * line and is advanced; *seq numbers the records. WEIR_E_NOMEM on failure.
 */
weir_rc wr_lsource_split(wr_lsource *s, const char *buf, size_t len,
                         const char *topic, int64_t *line, int64_t *seq, int *k,
                         weir_status *st);

/* The length of the complete lines at the head of buf[0, len): up to and
 * including the last '\n', 0 when there is none. */
size_t wr_lsource_complete(const char *buf, size_t len);

/* A byte stream read from a descriptor without blocking (stdin, socket):
 * bytes arrive at the end, complete lines are handed out from the start,
 * a partial line stays until its newline. */
typedef struct wr_lstream {
    char *buf;   /* owned */
    size_t cap;  /* allocated */
    size_t len;  /* bytes held */
    size_t used; /* bytes handed out by the last batch */
} wr_lstream;

/*
 * Drops what the last batch handed out, then reads what fd has now (poll
 * with no wait, then read, until nothing is waiting or max_bytes more are
 * held; 0: 1 MiB per call). *eof is set when the peer closed (read
 * returned 0); *err gets errno of a failed read (0 otherwise). Returns
 * WEIR_E_NOMEM when the buffer cannot grow.
 */
weir_rc wr_lstream_fill(wr_lstream *b, int fd, size_t max_bytes, bool *eof,
                        int *err, weir_status *st);

void wr_lstream_fini(wr_lstream *b);

/* The kinds' constructors (see line_source.c for the dispatch). */
wr_lsource *wr_file_lsource_open(const char *path, bool follow,
                                 bool stop_at_end, weir_status *st);
wr_lsource *wr_dir_lsource_open(const char *path, bool stop_at_end,
                                int64_t settle_ms, weir_status *st);
wr_lsource *wr_stdin_lsource_open(weir_status *st);
/* A stdin source reading descriptor fd instead of 0 (tests). The
 * descriptor stays the caller's. */
wr_lsource *wr_stdin_lsource_open_fd(int fd, weir_status *st);
wr_lsource *wr_socket_lsource_open(const char *hostport, weir_status *st);
wr_lsource *wr_zmq_lsource_open(const char *endpoint, const char *topic,
                                weir_status *st);

/* Milliseconds of the monotonic clock. */
int64_t wr_lsource_mono_ms(void);

#endif
