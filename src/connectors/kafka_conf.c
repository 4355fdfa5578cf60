/*
 * kafka_conf.c: librdkafka configuration from the session's kafka.*
 * properties, weir's defaults, the embedded broker, and secret masking.
 */
#include "connectors/kafka.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <strings.h>

static pthread_mutex_t fatal_mu = PTHREAD_MUTEX_INITIALIZER;
static char fatal_msg[600]; /* a failure no retry will cure, or "" */

bool wr_kafka_fatal(char *msg, size_t n)
{
    pthread_mutex_lock(&fatal_mu);
    bool f = fatal_msg[0] != '\0';
    if (f && msg)
        snprintf(msg, n, "%s", fatal_msg);
    pthread_mutex_unlock(&fatal_mu);
    return f;
}

/* Client errors: authentication failures and librdkafka's fatal errors
 * end the run (waiting loops check wr_kafka_fatal); the others are
 * transient and retried, and reach the log through on_log. */
static void on_error(rd_kafka_t *rk, int err, const char *reason, void *o)
{
    (void)o;
    char buf[400];
    bool fatal = err == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
                 (err == RD_KAFKA_RESP_ERR__FATAL &&
                  rd_kafka_fatal_error(rk, buf, sizeof buf));
    fprintf(stderr, "weir: Kafka %s: %s\n", fatal ? "fatal error" : "error",
            reason);
    if (!fatal)
        return;
    pthread_mutex_lock(&fatal_mu);
    if (!fatal_msg[0])
        snprintf(fatal_msg, sizeof fatal_msg, "%s: %s",
                 err == RD_KAFKA_RESP_ERR__AUTHENTICATION
                     ? "Kafka authentication failed"
                     : "Kafka fatal error",
                 err == RD_KAFKA_RESP_ERR__FATAL ? buf : reason);
    pthread_mutex_unlock(&fatal_mu);
}

/* librdkafka's log lines, in weir's words (warnings and errors only). */
static void on_log(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf)
{
    (void)rk;
    if (level <= 4)
        fprintf(stderr, "weir: Kafka %s: %s\n", fac, buf);
}

/* Whether word (lower case) occurs in s, ignoring case. */
static bool contains_ci(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && tolower((unsigned char)s[i]) == word[i])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

const char *wr_kafka_prop_shown(const char *key, const char *value)
{
    static const char *const secret[] = {"password", "secret", "keytab",
                                         "oauthbearer.config", "pem"};
    for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
        if (contains_ci(key, secret[i]))
            return "[hidden]";
    return value;
}

/* 'P' for a producer-only property, 'C' for a consumer-only one, else 0
 * (librdkafka warns about the other kind's properties). */
int wr_kafka_prop_kind(const char *k)
{
    static const char *const prod[] = {"acks",
                                       "request.required.acks",
                                       "linger.ms",
                                       "queue.buffering.max.ms",
                                       "batch.size",
                                       "batch.num.messages",
                                       "compression.type",
                                       "compression.codec",
                                       "enable.idempotence",
                                       "partitioner",
                                       "message.timeout.ms",
                                       "delivery.timeout.ms",
                                       "transactional.id",
                                       "queue.buffering.max.messages",
                                       "queue.buffering.max.kbytes",
                                       "retries",
                                       "message.send.max.retries",
                                       "retry.backoff.ms",
                                       "transaction.timeout.ms",
                                       "enable.gapless.guarantee",
                                       "sticky.partitioning.linger.ms"};
    static const char *const cons[] = {"group.id",
                                       "group.instance.id",
                                       "auto.offset.reset",
                                       "enable.auto.commit",
                                       "auto.commit.interval.ms",
                                       "enable.auto.offset.store",
                                       "isolation.level",
                                       "fetch.min.bytes",
                                       "fetch.max.bytes",
                                       "fetch.wait.max.ms",
                                       "max.partition.fetch.bytes",
                                       "queued.min.messages",
                                       "queued.max.messages.kbytes",
                                       "session.timeout.ms",
                                       "heartbeat.interval.ms",
                                       "max.poll.interval.ms",
                                       "enable.partition.eof",
                                       "check.crcs",
                                       "partition.assignment.strategy",
                                       "group.protocol.type",
                                       "coordinator.query.interval.ms",
                                       "fetch.error.backoff.ms"};
    for (size_t i = 0; i < sizeof prod / sizeof prod[0]; i++)
        if (!strcmp(k, prod[i]))
            return 'P';
    for (size_t i = 0; i < sizeof cons / sizeof cons[0]; i++)
        if (!strcmp(k, cons[i]))
            return 'C';
    return 0;
}

static bool set1(rd_kafka_conf_t *c, const char *k, const char *v,
                 weir_status *st)
{
    char err[512];
    if (rd_kafka_conf_set(c, k, v, err, sizeof err) == RD_KAFKA_CONF_OK)
        return true;
    weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                    "Kafka property '%s' = '%s': %s", k,
                    wr_kafka_prop_shown(k, v), err);
    return false;
}

rd_kafka_conf_t *wr_kafka_conf(const wr_catalog *cat, bool producer,
                               weir_status *st)
{
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    /* Defaults: warnings and errors only, the client id that names weir in
     * broker logs; producers are idempotent and partition as Java does. */
    if (!set1(c, "client.id", "weir", st) || !set1(c, "log_level", "4", st))
        goto fail;
    rd_kafka_conf_set_log_cb(c, on_log);
    rd_kafka_conf_set_error_cb(c, on_error);
    if (producer && (!set1(c, "enable.idempotence", "true", st) ||
                     !set1(c, "partitioner", "murmur2_random", st)))
        goto fail;
    /* Consumers: a batch waits for its last partition's fetch, so do not
     * let an idle partition's fetch linger for the default 500 ms. */
    if (!producer && !set1(c, "fetch.wait.max.ms", "50", st))
        goto fail;
    /* Consumers: librdkafka stops fetching every partition for a whole
     * second whenever its queue holds more than queued.min.messages
     * (100,000) messages, which a batch being processed while the next
     * partitions arrive reaches. The source bounds what is fetched ahead
     * itself (its fetch window, kafka_source.c), so lift it. */
    if (!producer && !set1(c, "queued.min.messages", "10000000", st))
        goto fail;
    bool embedded = true;
    for (int i = 0; cat && i < wr_catalog_prop_count(cat); i++) {
        const wr_kv *kv = wr_catalog_prop_at(cat, i);
        if (strncmp(kv->key, "kafka.", 6) != 0)
            continue;
        const char *k = kv->key + 6;
        if (!strcmp(k, "bootstrap.servers") &&
            strcasecmp(kv->value, "embedded") != 0)
            embedded = false;
        if (!strcmp(k, "bootstrap.servers") ||
            !strcmp(k, "max.rate.per.partition") ||
            !strcmp(k, "min.rate.per.partition") ||
            !strcmp(k, "partition.threads"))
            continue; /* weir's own (rates) or set below */
        if (wr_kafka_prop_kind(k) == (producer ? 'C' : 'P') ||
            !strcmp(k, "group.id"))
            continue; /* the other kind of client's; group: per query */
        if (!set1(c, k, kv->value, st))
            goto fail;
    }
    const char *bs =
        cat ? wr_catalog_get_prop(cat, "kafka.bootstrap.servers") : NULL;
    if (embedded) {
        wr_kbroker *b = wr_kbroker_embedded(st);
        if (!b)
            goto fail;
        bs = wr_kbroker_bootstrap(b);
    }
    if (!set1(c, "bootstrap.servers", bs, st))
        goto fail;
    return c;
fail:
    rd_kafka_conf_destroy(c);
    return NULL;
}
