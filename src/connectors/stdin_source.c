/*
 * stdin_source.c: standard input as a line source (FILE='-'), so that
 * `tail -f log | weir run q.sql` works.
 *
 * Each batch takes what has arrived: descriptor 0 is polled without
 * waiting and read while bytes are waiting (its flags are left alone: the
 * descriptor is shared with the parent). Complete lines are handed out; a
 * partial line waits for its newline, or for EOF, which ends it and the
 * input (at_end: the caller closes every window, as for a file read
 * once). Standard input cannot be read again: there is no position.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connectors/line_source_int.h"

typedef struct stdin_src {
    wr_lsource head; /* first: the common part */
    wr_lstream in;   /* bytes read, not yet handed out */
    int fd;          /* 0 (a test may use another descriptor) */
    bool eof;        /* read returned 0 */
    bool ended;      /* eof and every byte handed out */
    bool dry;        /* the last batch found nothing */
    int64_t line;    /* next line number (from 1) */
    int64_t seq;
} stdin_src;

static weir_rc stdin_next(wr_lsource *s, size_t max_bytes, int *n,
                          weir_status *st)
{
    stdin_src *p = (stdin_src *)s;
    if (p->ended)
        return WEIR_OK;
    bool eof = false;
    int err = 0;
    weir_rc rc = wr_lstream_fill(&p->in, p->fd, max_bytes, &eof, &err, st);
    if (rc != WEIR_OK)
        return rc;
    if (err)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "standard input: %s",
                               strerror(err));
    p->eof = p->eof || eof;
    size_t len = p->eof ? p->in.len : wr_lsource_complete(p->in.buf, p->in.len);
    int k = 0;
    rc =
        wr_lsource_split(s, p->in.buf, len, "stdin", &p->line, &p->seq, &k, st);
    if (rc != WEIR_OK)
        return rc;
    p->in.used = len;
    p->ended = p->eof;
    p->dry = len == 0;
    *n = k;
    return WEIR_OK;
}

static bool stdin_at_end(const wr_lsource *s)
{
    return ((const stdin_src *)s)->ended;
}

static bool stdin_caught_up(const wr_lsource *s)
{
    const stdin_src *p = (const stdin_src *)s;
    return p->ended || p->dry;
}

static bool stdin_position(const wr_lsource *s, wr_buf *b)
{
    (void)s;
    wr_buf_puts(b, "standard input is not replayable");
    return false;
}

static weir_rc stdin_restore(wr_lsource *s, const char *pos, weir_status *st)
{
    (void)s;
    (void)pos;
    return weir_status_set(st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                           "standard input is not replayable");
}

static void stdin_close(wr_lsource *s)
{
    wr_lstream_fini(&((stdin_src *)s)->in);
}

static const wr_lsource_ops stdin_ops = {
    "stdin",        stdin_next,    stdin_at_end, stdin_caught_up,
    stdin_position, stdin_restore, stdin_close,  NULL,
};

wr_lsource *wr_stdin_lsource_open_fd(int fd, weir_status *st)
{
    stdin_src *p = calloc(1, sizeof *p);
    if (!p) {
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    p->head.ops = &stdin_ops;
    p->fd = fd;
    p->line = 1;
    return &p->head;
}

wr_lsource *wr_stdin_lsource_open(weir_status *st)
{
    return wr_stdin_lsource_open_fd(STDIN_FILENO, st);
}
