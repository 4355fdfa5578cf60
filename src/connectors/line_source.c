/*
 * line_source.c: the dispatch of the line sources (line_source.h) and the
 * pieces they share (line_source_int.h): the line splitter and the
 * non-blocking stream buffer of stdin and sockets.
 *
 * Memory: each source owns its records array (s->recs), grown to the
 * largest batch and reused, and the buffers the records point into.
 */
#include "connectors/line_source.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "connectors/line_source_int.h"

int64_t wr_lsource_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void wr_lsource_say(wr_lsource *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->notice, sizeof s->notice, fmt, ap);
    va_end(ap);
}

bool wr_lsource_hostport(const char *s, char *host, size_t hn, char *port,
                         size_t pn)
{
    const char *colon, *h = s;
    size_t hl;
    if (!s)
        return false;
    if (*s == '[') { /* [v6]:port */
        const char *rb = strchr(s, ']');
        if (!rb || rb[1] != ':')
            return false;
        h = s + 1;
        hl = (size_t)(rb - h);
        colon = rb + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || memchr(s, ':', (size_t)(colon - s)))
            return false;
        hl = (size_t)(colon - s);
    }
    const char *p = colon + 1;
    size_t pl = strlen(p);
    if (hl == 0 || hl >= hn || pl == 0 || pl >= pn || pl > 5)
        return false;
    long v = 0;
    for (const char *c = p; *c; c++) {
        if (*c < '0' || *c > '9')
            return false;
        v = v * 10 + (*c - '0');
    }
    if (v < 1 || v > 65535)
        return false;
    memcpy(host, h, hl);
    host[hl] = '\0';
    memcpy(port, p, pl + 1);
    return true;
}

size_t wr_lsource_complete(const char *buf, size_t len)
{
    while (len > 0 && buf[len - 1] != '\n')
        len--;
    return len;
}

weir_rc wr_lsource_split(wr_lsource *s, const char *buf, size_t len,
                         const char *topic, int64_t *line, int64_t *seq, int *k,
                         weir_status *st)
{
    if (len == 0)
        return WEIR_OK;
    int count = 1;
    for (const char *c = buf, *e = buf + len;
         (c = memchr(c, '\n', (size_t)(e - c))) != NULL; c++)
        count++;
    if (*k + count > s->rcap) {
        int want = s->rcap ? s->rcap : 64;
        while (want < *k + count)
            want *= 2;
        wr_record *nr = realloc(s->recs, sizeof *nr * (size_t)want);
        if (!nr)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        s->recs = nr;
        s->rcap = want;
    }
    const char *p = buf, *e = buf + len;
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *end = nl ? nl : e;
        size_t l = (size_t)(end - p);
        if (l && p[l - 1] == '\r')
            l--;
        if (l) {
            wr_record *r = &s->recs[(*k)++];
            memset(r, 0, sizeof *r);
            r->value = p;
            r->vlen = (int32_t)l;
            r->partition = -1;
            r->offset = *line;
            r->seq = (*seq)++;
            r->topic = topic;
        }
        (*line)++;
        p = nl ? nl + 1 : e;
    }
    return WEIR_OK;
}

weir_rc wr_lstream_fill(wr_lstream *b, int fd, size_t max_bytes, bool *eof,
                        int *err, weir_status *st)
{
    *eof = false;
    *err = 0;
    if (b->used) {
        memmove(b->buf, b->buf + b->used, b->len - b->used);
        b->len -= b->used;
        b->used = 0;
    }
    size_t budget = max_bytes ? max_bytes : 1u << 20;
    size_t got = 0;
    while (got < budget) {
        struct pollfd pfd = {fd, POLLIN, 0};
        int pr = poll(&pfd, 1, 0);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0 || !(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
            break;
        if (b->cap - b->len < 4096) {
            size_t nc = b->cap ? b->cap * 2 : 65536;
            char *nb = realloc(b->buf, nc);
            if (!nb)
                return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                       "out of memory");
            b->buf = nb;
            b->cap = nc;
        }
        size_t room = b->cap - b->len;
        if (room > budget - got)
            room = budget - got;
        ssize_t r = read(fd, b->buf + b->len, room);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                *err = errno;
            break;
        }
        if (r == 0) {
            *eof = true;
            break;
        }
        b->len += (size_t)r;
        got += (size_t)r;
    }
    return WEIR_OK;
}

void wr_lstream_fini(wr_lstream *b)
{
    free(b->buf);
    b->buf = NULL;
    b->cap = b->len = b->used = 0;
}

/* Sets st to WEIR_E_USAGE with the message and returns NULL. */
static wr_lsource *refuse(weir_status *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static wr_lsource *refuse(weir_status *st, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    weir_status_set(st, WEIR_E_USAGE, WEIR_NOLOC, "%s", msg);
    return NULL;
}

wr_lsource *wr_lsource_open(const wr_lsource_opts *o, weir_status *st)
{
    int kinds = (o->file != NULL) + (o->socket != NULL) + (o->zmq != NULL);
    if (kinds != 1)
        return refuse(st, "a line source needs exactly one of FILE, "
                          "SOCKET and ZMQ");
    if (o->follow && !o->file)
        return refuse(st, "FOLLOW applies to FILE sources only");
    if (o->zmq_topic && !o->zmq)
        return refuse(st, "ZMQ_TOPIC applies to ZMQ sources only");
    if (o->socket)
        return wr_socket_lsource_open(o->socket, st);
    if (o->zmq)
        return wr_zmq_lsource_open(o->zmq, o->zmq_topic, st);
    size_t fl = strlen(o->file);
    struct stat sb;
    bool dir = (fl > 1 && o->file[fl - 1] == '/') ||
               (stat(o->file, &sb) == 0 && S_ISDIR(sb.st_mode));
    if (!strcmp(o->file, "-")) {
        if (o->follow)
            return refuse(st, "FOLLOW does not apply to standard input "
                              "(FILE='-'): it is read as it comes");
        return wr_stdin_lsource_open(st);
    }
    if (dir) {
        if (o->follow)
            return refuse(st,
                          "%s: FOLLOW does not apply to a directory "
                          "(new files are read as they come)",
                          o->file);
        return wr_dir_lsource_open(o->file, o->stop_at_end, o->settle_ms, st);
    }
    return wr_file_lsource_open(o->file, o->follow, o->stop_at_end, st);
}

void wr_lsource_close(wr_lsource *s)
{
    if (!s)
        return;
    s->ops->close(s);
    free(s->recs);
    free(s);
}

weir_rc wr_lsource_next(wr_lsource *s, size_t max_bytes, const wr_record **recs,
                        int *n, weir_status *st)
{
    s->notice[0] = '\0';
    *n = 0;
    weir_rc rc = s->ops->next(s, max_bytes, n, st);
    *recs = rc == WEIR_OK && *n ? s->recs : NULL;
    if (rc != WEIR_OK)
        *n = 0;
    return rc;
}

weir_rc wr_lsource_replay(wr_lsource *s, const char *before, const char *after,
                          const wr_record **recs, int *n, weir_status *st)
{
    *n = 0;
    *recs = NULL;
    if (!s->ops->replay)
        return weir_status_set(st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                               "a %s source cannot be read twice",
                               s->ops->kind);
    s->notice[0] = '\0';
    weir_rc rc = s->ops->replay(s, before, after, n, st);
    *recs = rc == WEIR_OK && *n ? s->recs : NULL;
    if (rc != WEIR_OK)
        *n = 0;
    return rc;
}

bool wr_lsource_at_end(const wr_lsource *s)
{
    return s->ops->at_end(s);
}

bool wr_lsource_caught_up(const wr_lsource *s)
{
    return s->ops->caught_up(s);
}

bool wr_lsource_position(const wr_lsource *s, wr_buf *b)
{
    return s->ops->position(s, b);
}

weir_rc wr_lsource_restore(wr_lsource *s, const char *pos, weir_status *st)
{
    s->notice[0] = '\0';
    return s->ops->restore(s, pos, st);
}

const char *wr_lsource_notice(const wr_lsource *s)
{
    return s->notice[0] ? s->notice : NULL;
}

const char *wr_lsource_kind(const wr_lsource *s)
{
    return s->ops->kind;
}
