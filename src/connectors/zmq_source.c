/*
 * zmq_source.c: messages of a ZeroMQ SUB socket (ZMQ='tcp://host:port',
 * optional ZMQ_TOPIC='prefix' as the subscription, else every message).
 *
 * Each batch takes the messages waiting now (zmq_msg_recv with
 * ZMQ_DONTWAIT) up to max_bytes. A message is one record: its last frame
 * is the value (without a trailing newline); when it has several frames
 * the first is the key (the topic frame of the PUB/SUB convention). The
 * frames are copied into one batch buffer; the records point into it
 * once the batch is complete (the buffer may move while it grows). offset
 * is the message number from 1.
 *
 * libzmq connects and reconnects by itself in the background (its own
 * I/O thread), so an outage of the publisher only means no messages; and
 * PUB/SUB drops what is published while no subscriber is connected: the
 * stream is not replayable and never ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "connectors/line_source_int.h"

typedef struct zmq_src {
    wr_lsource head; /* first: the common part */
    void *ctx;       /* zmq context (owned) */
    void *sock;      /* its SUB socket */
    char *endpoint;  /* ROWTOPIC and messages */
    char *buf;       /* frames of the batch */
    size_t cap, len;
    int64_t seq; /* messages received */
    bool dry;    /* the last batch found nothing */
} zmq_src;

/* Appends n bytes to the batch buffer; returns their offset or -1. */
static long put(zmq_src *z, const void *p, size_t n)
{
    if (z->len + n + 1 > z->cap) {
        size_t nc = z->cap ? z->cap : 65536;
        while (nc < z->len + n + 1)
            nc *= 2;
        char *nb = realloc(z->buf, nc);
        if (!nb)
            return -1;
        z->buf = nb;
        z->cap = nc;
    }
    long at = (long)z->len;
    memcpy(z->buf + z->len, p, n);
    z->len += n;
    return at;
}

static weir_rc zmq_next(wr_lsource *s, size_t max_bytes, int *n,
                        weir_status *st)
{
    zmq_src *z = (zmq_src *)s;
    size_t budget = max_bytes ? max_bytes : 64u << 20;
    z->len = 0;
    int k = 0;
    zmq_msg_t m;
    zmq_msg_init(&m);
    while (z->len < budget) {
        /* One message: every frame, the first as key, the last as value */
        long koff = -1, voff = -1;
        size_t klen = 0, vlen = 0;
        int frames = 0;
        int more = 1;
        while (more) {
            if (zmq_msg_recv(&m, z->sock, frames ? 0 : ZMQ_DONTWAIT) < 0) {
                int e = zmq_errno();
                if (e == EAGAIN && frames == 0)
                    goto done;
                if (e == EINTR)
                    continue;
                zmq_msg_close(&m);
                return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "zmq %s: %s",
                                       z->endpoint, zmq_strerror(e));
            }
            more = zmq_msg_more(&m);
            size_t sz = zmq_msg_size(&m);
            const char *d = zmq_msg_data(&m);
            if (frames == 0 && more) {
                koff = put(z, d, sz);
                klen = sz;
                if (koff < 0)
                    goto nomem;
            } else if (!more) {
                while (sz && (d[sz - 1] == '\n' || d[sz - 1] == '\r'))
                    sz--;
                voff = put(z, d, sz);
                vlen = sz;
                if (voff < 0)
                    goto nomem;
            }
            frames++;
        }
        if (k == s->rcap) {
            int nc = s->rcap ? s->rcap * 2 : 64;
            wr_record *nr = realloc(s->recs, sizeof *nr * (size_t)nc);
            if (!nr)
                goto nomem;
            s->recs = nr;
            s->rcap = nc;
        }
        wr_record *r = &s->recs[k++];
        memset(r, 0, sizeof *r);
        /* Offsets for now; pointers once the buffer stops moving. */
        r->key = koff >= 0 ? (const char *)(intptr_t)(koff + 1) : NULL;
        r->klen = (int32_t)klen;
        r->value = (const char *)(intptr_t)(voff + 1);
        r->vlen = (int32_t)vlen;
        r->partition = -1;
        r->offset = ++z->seq;
        r->seq = z->seq;
        r->topic = z->endpoint;
    }
done:
    zmq_msg_close(&m);
    for (int i = 0; i < k; i++) {
        wr_record *r = &s->recs[i];
        if (r->key)
            r->key = z->buf + ((intptr_t)r->key - 1);
        r->value = z->buf + ((intptr_t)r->value - 1);
    }
    z->dry = k == 0;
    *n = k;
    return WEIR_OK;
nomem:
    zmq_msg_close(&m);
    return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

static bool zmq_at_end(const wr_lsource *s)
{
    (void)s;
    return false;
}

static bool zmq_caught_up(const wr_lsource *s)
{
    return ((const zmq_src *)s)->dry;
}

static bool zmq_position(const wr_lsource *s, wr_buf *b)
{
    wr_buf_printf(b, "zmq %s is not replayable",
                  ((const zmq_src *)s)->endpoint);
    return false;
}

static weir_rc zmq_restore(wr_lsource *s, const char *pos, weir_status *st)
{
    (void)pos;
    return weir_status_set(st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                           "zmq %s is not replayable",
                           ((zmq_src *)s)->endpoint);
}

static void zmq_close_src(wr_lsource *s)
{
    zmq_src *z = (zmq_src *)s;
    if (z->sock) {
        int linger = 0;
        zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof linger);
        zmq_close(z->sock);
    }
    if (z->ctx)
        zmq_ctx_term(z->ctx);
    free(z->endpoint);
    free(z->buf);
}

static const wr_lsource_ops zmq_ops = {
    "zmq",        zmq_next,    zmq_at_end,    zmq_caught_up,
    zmq_position, zmq_restore, zmq_close_src, NULL,
};

wr_lsource *wr_zmq_lsource_open(const char *endpoint, const char *topic,
                                weir_status *st)
{
    zmq_src *z = calloc(1, sizeof *z);
    if (!z || !(z->endpoint = strdup(endpoint))) {
        free(z);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    z->head.ops = &zmq_ops;
    z->ctx = zmq_ctx_new();
    z->sock = z->ctx ? zmq_socket(z->ctx, ZMQ_SUB) : NULL;
    const char *t = topic ? topic : "";
    if (!z->sock || zmq_setsockopt(z->sock, ZMQ_SUBSCRIBE, t, strlen(t)) != 0 ||
        zmq_connect(z->sock, endpoint) != 0) {
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "ZMQ '%s': %s", endpoint,
                        zmq_strerror(zmq_errno()));
        wr_lsource_close(&z->head);
        return NULL;
    }
    return &z->head;
}
