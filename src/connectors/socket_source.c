/*
 * socket_source.c: lines from a TCP server (SOCKET='host:port', Spark's
 * socketTextStream): weir connects as a client and each batch takes the
 * complete lines received since the previous one.
 *
 * The connection is a small state machine driven by next(), which never
 * waits: DOWN (until the next attempt is due) -> CONNECTING (a
 * non-blocking connect, checked with poll) -> UP (reading what is
 * waiting). When the peer closes (or a read or connect fails) the source
 * goes DOWN and tries again after a backoff that doubles from 100 ms to
 * 10 s and starts over once a connection is made; each change leaves a
 * notice for the caller to print. A partial line when the peer closes is
 * the last line of that connection. The stream never ends (at_end is
 * false) and cannot be read again (no position).
 *
 * Host names are resolved with getaddrinfo at each attempt (which may
 * block while resolving; an address does not).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "connectors/line_source_int.h"

enum { DOWN, CONNECTING, UP };

typedef struct sock_src {
    wr_lsource head; /* first: the common part */
    char host[256];  /* from host:port */
    char port[8];
    char addr[300];  /* host:port as given (ROWTOPIC, messages) */
    int state;       /* DOWN, CONNECTING, UP */
    int fd;          /* the socket, -1 when DOWN */
    int64_t due;     /* DOWN: monotonic ms of the next attempt */
    int64_t backoff; /* ms to wait after the next failure */
    int failures;    /* attempts failed in a row */
    wr_lstream in;   /* bytes received, not yet handed out */
    int64_t line;    /* next line number, over all connections */
    int64_t seq;
    bool dry; /* the last batch found nothing */
} sock_src;

#define BACKOFF_MIN 100
#define BACKOFF_MAX 10000

/* Goes DOWN after a failure or a close, with why in the notice. */
static void down(sock_src *k, const char *why)
{
    if (k->fd >= 0)
        close(k->fd);
    k->fd = -1;
    k->state = DOWN;
    k->due = wr_lsource_mono_ms() + k->backoff;
    k->failures++;
    wr_lsource_say(&k->head, "socket %s: %s; reconnecting in %lld ms", k->addr,
                   why, (long long)k->backoff);
    k->backoff = k->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : k->backoff * 2;
}

/* Starts a non-blocking connect to the first address that takes one. */
static void start_connect(sock_src *k)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(k->host, k->port, &hints, &res);
    if (gai != 0) {
        char why[300];
        snprintf(why, sizeof why, "cannot resolve: %s", gai_strerror(gai));
        down(k, why);
        return;
    }
    int err = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        int fd =
            socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
            errno == EINPROGRESS) {
            k->fd = fd;
            k->state = CONNECTING;
            freeaddrinfo(res);
            return;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(res);
    char why[300];
    snprintf(why, sizeof why, "cannot connect: %s", strerror(err));
    down(k, why);
}

/* CONNECTING: UP once the connect completed, DOWN if it failed. */
static void check_connect(sock_src *k)
{
    struct pollfd pfd = {k->fd, POLLOUT, 0};
    if (poll(&pfd, 1, 0) <= 0)
        return; /* still connecting */
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err) {
        char why[300];
        snprintf(why, sizeof why, "cannot connect: %s", strerror(err));
        down(k, why);
        return;
    }
    k->state = UP;
    k->backoff = BACKOFF_MIN;
    wr_lsource_say(&k->head, "socket %s: connected%s", k->addr,
                   k->failures ? " again" : "");
    k->failures = 0;
}

static weir_rc sock_next(wr_lsource *s, size_t max_bytes, int *n,
                         weir_status *st)
{
    sock_src *k = (sock_src *)s;
    if (k->state == DOWN && wr_lsource_mono_ms() >= k->due)
        start_connect(k);
    if (k->state == CONNECTING)
        check_connect(k);
    bool eof = false;
    int err = 0;
    if (k->state == UP) {
        weir_rc rc = wr_lstream_fill(&k->in, k->fd, max_bytes, &eof, &err, st);
        if (rc != WEIR_OK)
            return rc;
    } else if (k->in.used) { /* drop what the last batch handed out */
        memmove(k->in.buf, k->in.buf + k->in.used, k->in.len - k->in.used);
        k->in.len -= k->in.used;
        k->in.used = 0;
    }
    /* The end of a connection ends its last line. */
    bool closed = k->state == UP && (eof || err);
    size_t len = closed ? k->in.len : wr_lsource_complete(k->in.buf, k->in.len);
    int c = 0;
    weir_rc rc =
        wr_lsource_split(s, k->in.buf, len, k->addr, &k->line, &k->seq, &c, st);
    if (rc != WEIR_OK)
        return rc;
    k->in.used = len;
    k->dry = len == 0;
    *n = c;
    if (closed) {
        char why[300];
        snprintf(why, sizeof why, "%s",
                 err ? strerror(err) : "the peer closed the connection");
        down(k, why);
    }
    return WEIR_OK;
}

static bool sock_at_end(const wr_lsource *s)
{
    (void)s;
    return false;
}

static bool sock_caught_up(const wr_lsource *s)
{
    return ((const sock_src *)s)->dry;
}

static bool sock_position(const wr_lsource *s, wr_buf *b)
{
    wr_buf_printf(b, "socket %s is not replayable",
                  ((const sock_src *)s)->addr);
    return false;
}

static weir_rc sock_restore(wr_lsource *s, const char *pos, weir_status *st)
{
    (void)pos;
    return weir_status_set(st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                           "socket %s is not replayable",
                           ((sock_src *)s)->addr);
}

static void sock_close(wr_lsource *s)
{
    sock_src *k = (sock_src *)s;
    if (k->fd >= 0)
        close(k->fd);
    wr_lstream_fini(&k->in);
}

static const wr_lsource_ops sock_ops = {
    "socket",      sock_next,    sock_at_end, sock_caught_up,
    sock_position, sock_restore, sock_close,  NULL,
};

wr_lsource *wr_socket_lsource_open(const char *hostport, weir_status *st)
{
    sock_src *k = calloc(1, sizeof *k);
    if (!k) {
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    if (!wr_lsource_hostport(hostport, k->host, sizeof k->host, k->port,
                             sizeof k->port)) {
        free(k);
        weir_status_set(st, WEIR_E_USAGE, WEIR_NOLOC,
                        "SOCKET '%s': expected host:port (port 1..65535)",
                        hostport);
        return NULL;
    }
    k->head.ops = &sock_ops;
    snprintf(k->addr, sizeof k->addr, "%s", hostport);
    k->fd = -1;
    k->state = DOWN;
    k->due = 0;
    k->backoff = BACKOFF_MIN;
    k->line = 1;
    start_connect(k); /* the first attempt now */
    return &k->head;
}
