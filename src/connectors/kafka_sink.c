/*
 * kafka_sink.c: the producer sink (kafka.h).
 *
 * Defaults (wr_kafka_conf; kafka.<property> overrides them):
 * enable.idempotence=true (no duplicates from internal retries, order kept
 * per partition) and partitioner=murmur2_random (Java's partitioner, so a
 * key lands where ksqlDB and Kafka Streams would put it). Windowed keys
 * carry Kafka Streams' suffix: the window start as 8 big-endian bytes
 * (time windows), or end then start (session windows).
 *
 * Delivery is synchronous per batch: put() queues, flush() waits until
 * every delivery report of the batch is in. A record whose delivery
 * failed after librdkafka's own retries (a message timeout during a long
 * outage, retriable broker errors) is kept, reported with its
 * topic[partition] and reason, and produced again after a backoff, until
 * it is delivered or the sink's owner interrupts it (its own flag,
 * wr_ksink_set_interrupt): the batch completes only when all of it is
 * in, so nothing is silently lost (a retried record may land after later
 * ones of its partition). A permanent error (record too large,
 * authorization, an invalid record) fails the batch, naming
 * topic[partition] and the reason; the driver then does not commit it.
 *
 * Memory: librdkafka copies each record (RD_KAFKA_MSG_F_COPY); the sink
 * owns the producer, a key buffer and copies of the records to retry.
 */
#include "connectors/kafka.h"

#include <stdio.h>

#include "common/arena.h"
#include "common/buf.h"

/* A record to produce again: copies of what failed. */
typedef struct kretry {
    char *key, *value; /* NULL: none (a tombstone, a keyless record) */
    size_t klen, vlen;
    int64_t ts;
    rd_kafka_headers_t *hs; /* or NULL */
} kretry;

struct wr_ksink {
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    char *topic;
    wr_buf key;
    int64_t failed;      /* permanent delivery errors since the flush */
    char first_err[300]; /* the first of them */
    kretry *retry;       /* retriable failures, produced again */
    int nretry, cretry;
    bool retry_oom;      /* a failed record could not be kept */
    char retry_err[300]; /* the first retriable failure's reason */
    int rounds;          /* consecutive retry rounds (the backoff) */
    bool txn;            /* transactional (transactional.id set) */
    bool in_txn;         /* a transaction is open */
    volatile int *intr;  /* the owner's interrupt flag, or NULL */
};

/* Whether a failed delivery is worth trying again: not when the record
 * itself or the client's rights are wrong. */
static bool retriable(rd_kafka_resp_err_t e)
{
    switch (e) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_INVALID_REQUIRED_ACKS:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT:
    case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        return false;
    default:
        return true;
    }
}

static char *dupmem(const void *p, size_t n)
{
    char *d = wr_malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

/* Keeps a copy of failed message m to produce it again. */
static bool keep_retry(wr_ksink *k, const rd_kafka_message_t *m)
{
    if (k->nretry == k->cretry) {
        int nc = k->cretry ? 2 * k->cretry : 64;
        kretry *r = wr_realloc(k->retry, sizeof *r * (size_t)nc);
        if (!r)
            return false;
        k->retry = r;
        k->cretry = nc;
    }
    kretry *r = &k->retry[k->nretry];
    memset(r, 0, sizeof *r);
    r->klen = m->key_len;
    r->vlen = m->len;
    r->ts = rd_kafka_message_timestamp(m, NULL);
    if ((m->key && !(r->key = dupmem(m->key, m->key_len))) ||
        (m->payload && !(r->value = dupmem(m->payload, m->len)))) {
        wr_free(r->key);
        return false;
    }
    rd_kafka_headers_t *hs;
    if (rd_kafka_message_headers(m, &hs) == RD_KAFKA_RESP_ERR_NO_ERROR)
        r->hs = rd_kafka_headers_copy(hs);
    k->nretry++;
    return true;
}

/* Delivery report (on the thread calling rd_kafka_poll/flush). */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
                        void *opaque)
{
    (void)rk;
    wr_ksink *k = opaque;
    if (!m->err)
        return;
    char why[300];
    snprintf(why, sizeof why, "%s[%d]: %s", rd_kafka_topic_name(m->rkt),
             (int)m->partition, rd_kafka_err2str(m->err));
    if (retriable(m->err) && !wr_kafka_fatal(NULL, 0)) {
        if (!k->nretry && !k->retry_oom)
            snprintf(k->retry_err, sizeof k->retry_err, "%s", why);
        if (keep_retry(k, m))
            return;
        k->retry_oom = true;
    }
    if (k->failed++ == 0)
        snprintf(k->first_err, sizeof k->first_err, "%s", why);
}

wr_ksink *wr_ksink_open(rd_kafka_conf_t *conf, const char *topic,
                        weir_status *st)
{
    char err[512];
    wr_ksink *k = wr_malloc(sizeof *k);
    char *t = wr_malloc(strlen(topic) + 1);
    if (!k || !t) {
        wr_free(k);
        wr_free(t);
        rd_kafka_conf_destroy(conf);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    memset(k, 0, sizeof *k);
    strcpy(t, topic);
    k->topic = t;
    k->key = (wr_buf)WR_BUF_INIT;
    rd_kafka_conf_set_opaque(conf, k);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    char tid[256];
    size_t tsz = sizeof tid;
    k->txn = rd_kafka_conf_get(conf, "transactional.id", tid, &tsz) ==
                 RD_KAFKA_CONF_OK &&
             tid[0];
    k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!k->rk) {
        wr_ksink_close(k);
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                        "cannot create a Kafka producer for %s: %s", topic,
                        err);
        return NULL;
    }
    k->rkt = rd_kafka_topic_new(k->rk, topic, NULL);
    if (k->txn) { /* fences an older producer with the same id */
        rd_kafka_error_t *e = rd_kafka_init_transactions(k->rk, 60000);
        if (e) {
            weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                            "Kafka transactions for %s: %s", topic,
                            rd_kafka_error_string(e));
            rd_kafka_error_destroy(e);
            wr_ksink_close(k);
            return NULL;
        }
    }
    return k;
}

static void drop_retries(wr_ksink *k);
static weir_rc outcome(wr_ksink *k, weir_status *st);

bool wr_ksink_transactional(const wr_ksink *k)
{
    return k->txn;
}

/* Fails with the transaction error e (destroyed), aborting the
 * transaction when it is abortable. */
static weir_rc txn_error(wr_ksink *k, const char *what, rd_kafka_error_t *e,
                         weir_status *st)
{
    weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                    "Kafka transaction (%s) to %s: %s", what, k->topic,
                    rd_kafka_error_string(e));
    if (rd_kafka_error_txn_requires_abort(e))
        wr_ksink_abort(k);
    rd_kafka_error_destroy(e);
    return st->code;
}

weir_rc wr_ksink_begin(wr_ksink *k, weir_status *st)
{
    rd_kafka_error_t *e = rd_kafka_begin_transaction(k->rk);
    if (e)
        return txn_error(k, "begin", e, st);
    k->in_txn = true;
    return WEIR_OK;
}

weir_rc wr_ksink_commit(wr_ksink *k,
                        const rd_kafka_topic_partition_list_t *offsets,
                        const rd_kafka_consumer_group_metadata_t *cgmd,
                        weir_status *st)
{
    rd_kafka_error_t *e = NULL;
    if (offsets && offsets->cnt > 0)
        e = rd_kafka_send_offsets_to_transaction(k->rk, offsets, cgmd, 60000);
    if (e)
        return txn_error(k, "offsets", e, st);
    rd_kafka_poll(k->rk, 0);
    if (k->failed || k->nretry) { /* a record of the batch failed */
        weir_rc rc = outcome(k, st);
        if (rc == WEIR_OK)
            rc = weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                                 "Kafka delivery failed for %d record(s), "
                                 "first %s",
                                 k->nretry, k->retry_err);
        drop_retries(k);
        wr_ksink_abort(k);
        return rc;
    }
    e = rd_kafka_commit_transaction(k->rk, 60000);
    if (e)
        return txn_error(k, "commit", e, st);
    k->in_txn = false;
    return outcome(k, st);
}

void wr_ksink_abort(wr_ksink *k)
{
    if (!k->in_txn)
        return;
    rd_kafka_error_t *e = rd_kafka_abort_transaction(k->rk, 60000);
    if (e)
        rd_kafka_error_destroy(e);
    k->in_txn = false;
    drop_retries(k);
    k->failed = 0;
}

static void put_be64(wr_buf *b, int64_t v)
{
    char x[8];
    for (int i = 0; i < 8; i++)
        x[i] = (char)((uint64_t)v >> (56 - 8 * i));
    wr_buf_putn(b, x, 8);
}

weir_rc wr_ksink_put(wr_ksink *k, const wr_out *o, weir_status *st)
{
    const char *key = o->key;
    size_t klen = o->key ? (size_t)o->klen : 0;
    if (o->windowed) {
        wr_buf_reset(&k->key);
        if (o->key)
            wr_buf_putn(&k->key, o->key, klen);
        if (o->session)
            put_be64(&k->key, o->wend);
        put_be64(&k->key, o->wstart);
        if (k->key.oom)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        key = k->key.s;
        klen = k->key.len;
    }
    return wr_ksink_put_raw(k, key, klen, o->value,
                            o->value ? (size_t)o->vlen : 0, o->ts, NULL, 0, st);
}

/* Produces one record with headers hs (taken: the message's on success,
 * destroyed on failure), waiting while the local queue is full. */
static weir_rc produce(wr_ksink *k, const char *key, size_t klen,
                       const char *value, size_t vlen, int64_t ts,
                       rd_kafka_headers_t *hs, weir_status *st)
{
    for (int tries = 0;; tries++) {
        rd_kafka_resp_err_t e =
            hs ? rd_kafka_producev(k->rk, RD_KAFKA_V_RKT(k->rkt),
                                   RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                   RD_KAFKA_V_KEY(key, klen),
                                   RD_KAFKA_V_VALUE((void *)value, vlen),
                                   RD_KAFKA_V_TIMESTAMP(ts),
                                   RD_KAFKA_V_HEADERS(hs), RD_KAFKA_V_END)
               : rd_kafka_producev(k->rk, RD_KAFKA_V_RKT(k->rkt),
                                   RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                   RD_KAFKA_V_KEY(key, klen),
                                   RD_KAFKA_V_VALUE((void *)value, vlen),
                                   RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_END);
        if (!e)
            return WEIR_OK; /* the headers now belong to the message */
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL || tries > 600) {
            if (hs)
                rd_kafka_headers_destroy(hs);
            return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                                   "Kafka produce to %s: %s", k->topic,
                                   rd_kafka_err2str(e));
        }
        rd_kafka_poll(k->rk, 100); /* the queue drains as reports come */
    }
}

weir_rc wr_ksink_put_raw(wr_ksink *k, const char *key, size_t klen,
                         const char *value, size_t vlen, int64_t ts,
                         const char *const *hdr, int nh, weir_status *st)
{
    rd_kafka_headers_t *hs = NULL;
    if (nh > 0) {
        hs = rd_kafka_headers_new((size_t)nh);
        for (int i = 0; i < nh; i++)
            rd_kafka_header_add(hs, hdr[2 * i], -1, hdr[2 * i + 1], -1);
    }
    return produce(k, key, klen, value, vlen, ts, hs, st);
}

static void drop_retries(wr_ksink *k)
{
    for (int i = 0; i < k->nretry; i++) {
        wr_free(k->retry[i].key);
        wr_free(k->retry[i].value);
        if (k->retry[i].hs)
            rd_kafka_headers_destroy(k->retry[i].hs);
    }
    k->nretry = 0;
}

/* Produces the kept failed records again (their headers go to the new
 * messages), reporting it on stderr. */
static weir_rc requeue(wr_ksink *k, weir_status *st)
{
    fprintf(stderr,
            "weir: Kafka: delivery of %d record(s) failed (first %s); "
            "producing them again\n",
            k->nretry, k->retry_err);
    weir_rc rc = WEIR_OK;
    for (int i = 0; i < k->nretry && rc == WEIR_OK; i++) {
        kretry *r = &k->retry[i];
        rd_kafka_headers_t *hs = r->hs;
        r->hs = NULL; /* produce takes them */
        rc = produce(k, r->key, r->klen, r->value, r->vlen, r->ts, hs, st);
    }
    drop_retries(k);
    return rc;
}

/* The outcome of the delivery reports served so far: WEIR_OK, or the
 * permanent failure (the count and the first). */
static weir_rc outcome(wr_ksink *k, weir_status *st)
{
    if (k->retry_oom && !k->failed) {
        k->failed = 1;
        snprintf(k->first_err, sizeof k->first_err,
                 "%.200s (out of memory keeping it to retry)", k->retry_err);
    }
    k->retry_oom = false;
    if (!k->failed)
        return WEIR_OK;
    weir_rc rc =
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                        "Kafka delivery failed for %lld record(s), first %s",
                        (long long)k->failed, k->first_err);
    k->failed = 0;
    drop_retries(k);
    return rc;
}

void wr_ksink_set_interrupt(wr_ksink *k, volatile int *flag)
{
    k->intr = flag;
}

weir_rc wr_ksink_flush(wr_ksink *k, weir_status *st)
{
    for (;;) {
        int64_t waited = 0;
        char fatal[512];
        while (rd_kafka_outq_len(k->rk) > 0) {
            if (wr_kafka_fatal(fatal, sizeof fatal))
                return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s", fatal);
            rd_kafka_flush(k->rk, 1000);
            waited++;
            if (rd_kafka_outq_len(k->rk) > 0 && waited % 5 == 0)
                fprintf(stderr,
                        "weir: Kafka: waiting %llds for %d deliveries to %s\n",
                        (long long)waited, rd_kafka_outq_len(k->rk), k->topic);
        }
        rd_kafka_poll(k->rk, 0);
        weir_rc rc = outcome(k, st);
        if (rc != WEIR_OK)
            return rc;
        if (!k->nretry) {
            k->rounds = 0;
            return WEIR_OK;
        }
        /* Back off 0.5, 1, 2 ... 30 s before the next round. */
        int64_t ms = 500LL << (k->rounds < 6 ? k->rounds : 6);
        if (ms > 30000)
            ms = 30000;
        k->rounds++;
        for (int64_t t = 0; t < ms; t += 100) {
            if (k->intr && *k->intr) {
                weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                                "interrupted while retrying %d failed "
                                "deliveries (first %s)",
                                k->nretry, k->retry_err);
                drop_retries(k);
                return st->code;
            }
            rd_kafka_poll(k->rk, 100);
        }
        if ((rc = requeue(k, st)) != WEIR_OK)
            return rc;
    }
}

weir_rc wr_ksink_flush_once(wr_ksink *k, weir_status *st)
{
    int64_t waited = 0;
    char fatal[512];
    while (rd_kafka_outq_len(k->rk) > 0) {
        if (wr_kafka_fatal(fatal, sizeof fatal))
            return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s", fatal);
        if (k->intr && *k->intr) {
            int n = rd_kafka_outq_len(k->rk);
            rd_kafka_purge(k->rk,
                           RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            rd_kafka_poll(k->rk, 0);
            drop_retries(k);
            k->failed = 0;
            return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                                   "interrupted while waiting for %d "
                                   "deliveries to %s",
                                   n, k->topic);
        }
        rd_kafka_flush(k->rk, 100);
        if (rd_kafka_outq_len(k->rk) > 0 && ++waited % 50 == 0)
            fprintf(stderr,
                    "weir: Kafka: waiting %llds for %d deliveries to %s\n",
                    (long long)waited / 10, rd_kafka_outq_len(k->rk), k->topic);
    }
    rd_kafka_poll(k->rk, 0);
    weir_rc rc = outcome(k, st);
    if (rc == WEIR_OK && k->nretry) {
        rc = weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                             "Kafka delivery failed for %d record(s), first %s",
                             k->nretry, k->retry_err);
        if (st)
            st->retriable = true;
        drop_retries(k);
    }
    return rc;
}

weir_rc wr_ksink_poll(wr_ksink *k, weir_status *st)
{
    rd_kafka_poll(k->rk, 0);
    weir_rc rc = outcome(k, st);
    if (rc == WEIR_OK && k->nretry)
        rc = requeue(k, st); /* asynchronous: no wait */
    return rc;
}

void wr_ksink_close(wr_ksink *k)
{
    if (!k)
        return;
    if (k->rk) {
        rd_kafka_flush(k->rk, 10000);
        if (k->rkt)
            rd_kafka_topic_destroy(k->rkt);
        rd_kafka_destroy(k->rk);
    }
    drop_retries(k);
    wr_free(k->retry);
    wr_buf_fini(&k->key);
    wr_free(k->topic);
    wr_free(k);
}
