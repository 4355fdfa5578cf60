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
 * every delivery report of the batch is in and fails on the first error,
 * naming topic[partition] and librdkafka's reason; the driver then does not
 * commit the batch (it is retried, never silently lost).
 *
 * Memory: librdkafka copies each record (RD_KAFKA_MSG_F_COPY); the sink
 * owns the producer and a key buffer.
 */
#include "connectors/kafka.h"

#include <stdio.h>

#include "common/arena.h"
#include "common/buf.h"

struct wr_ksink {
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    char *topic;
    wr_buf key;
    int64_t failed;      /* delivery reports with an error since the flush */
    char first_err[300]; /* the first of them */
};

/* Delivery report (on the thread calling rd_kafka_poll/flush). */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
                        void *opaque)
{
    (void)rk;
    wr_ksink *k = opaque;
    if (!m->err)
        return;
    if (k->failed++ == 0)
        snprintf(k->first_err, sizeof k->first_err, "%s[%d]: %s",
                 rd_kafka_topic_name(m->rkt), (int)m->partition,
                 rd_kafka_err2str(m->err));
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
    k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!k->rk) {
        wr_ksink_close(k);
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                        "cannot create a Kafka producer for %s: %s", topic,
                        err);
        return NULL;
    }
    k->rkt = rd_kafka_topic_new(k->rk, topic, NULL);
    return k;
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

weir_rc wr_ksink_flush(wr_ksink *k, weir_status *st)
{
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
    return wr_ksink_poll(k, st);
}

weir_rc wr_ksink_poll(wr_ksink *k, weir_status *st)
{
    rd_kafka_poll(k->rk, 0);
    if (k->failed) {
        weir_rc rc = weir_status_set(
            st, WEIR_E_IO, WEIR_NOLOC,
            "Kafka delivery failed for %lld record(s), first %s",
            (long long)k->failed, k->first_err);
        k->failed = 0;
        return rc;
    }
    return WEIR_OK;
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
    wr_buf_fini(&k->key);
    wr_free(k->topic);
    wr_free(k);
}
