/*
 * kafka_broker.c: the embedded development broker: librdkafka's mock
 * cluster, a real Kafka protocol server on loopback (rdkafka_mock.h). It
 * keeps only a few MiB per partition, so large data wants many partitions.
 *
 * The process has at most one; it lives until wr_kbroker_stop (or exit).
 */
#include "connectors/kafka.h"

#include <librdkafka/rdkafka_mock.h>
#include <pthread.h>
#include <stdio.h>

#include "common/arena.h"

struct wr_kbroker {
    rd_kafka_t *rk; /* the handle that owns the cluster */
    rd_kafka_mock_cluster_t *mc;
    char *bootstrap;
};

static wr_kbroker *the_broker;
static pthread_mutex_t the_lock = PTHREAD_MUTEX_INITIALIZER;

wr_kbroker *wr_kbroker_start(int nbrokers, weir_status *st)
{
    pthread_mutex_lock(&the_lock);
    wr_kbroker *b = the_broker;
    if (b) {
        pthread_mutex_unlock(&the_lock);
        return b;
    }
    char err[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* The owning handle only hosts the cluster: keep it quiet. */
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    rd_kafka_mock_cluster_t *mc =
        rk ? rd_kafka_mock_cluster_new(rk, nbrokers < 1 ? 1 : nbrokers) : NULL;
    b = mc ? wr_malloc(sizeof *b) : NULL;
    char *bs =
        b ? wr_malloc(strlen(rd_kafka_mock_cluster_bootstraps(mc)) + 1) : NULL;
    if (!bs) {
        wr_free(b);
        if (mc)
            rd_kafka_mock_cluster_destroy(mc);
        if (rk)
            rd_kafka_destroy(rk);
        pthread_mutex_unlock(&the_lock);
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                        "cannot start the embedded Kafka broker: %s",
                        rk ? "mock cluster failed" : err);
        return NULL;
    }
    strcpy(bs, rd_kafka_mock_cluster_bootstraps(mc));
    b->rk = rk;
    b->mc = mc;
    b->bootstrap = bs;
    the_broker = b;
    pthread_mutex_unlock(&the_lock);
    return b;
}

wr_kbroker *wr_kbroker_embedded(weir_status *st)
{
    return wr_kbroker_start(1, st);
}

const char *wr_kbroker_bootstrap(const wr_kbroker *b)
{
    return b->bootstrap;
}

weir_rc wr_kbroker_topic(wr_kbroker *b, const char *topic, int partitions,
                         weir_status *st)
{
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(
        b->mc, topic, partitions < 1 ? 1 : partitions, 1);
    if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                               "embedded broker: cannot create topic %s: %s",
                               topic, rd_kafka_err2str(e));
    return WEIR_OK;
}

struct rd_kafka_mock_cluster_s *wr_kbroker_mock(wr_kbroker *b)
{
    return b->mc;
}

void wr_kbroker_stop(wr_kbroker *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&the_lock);
    if (the_broker == b)
        the_broker = NULL;
    pthread_mutex_unlock(&the_lock);
    rd_kafka_mock_cluster_destroy(b->mc);
    rd_kafka_destroy(b->rk);
    wr_free(b->bootstrap);
    wr_free(b);
}
