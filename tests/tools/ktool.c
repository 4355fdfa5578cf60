/*
 * ktool.c: a small Kafka client for the tests (librdkafka), so that test
 * scripts can produce known records and read a topic back exactly.
 *
 *   ktool produce BOOTSTRAP TOPIC < LINES
 *       each line: KEY <TAB> VALUE [<TAB> TIMESTAMP [<TAB> PARTITION]];
 *       \N as KEY is a null key, as VALUE a null value (tombstone).
 *   ktool consume BOOTSTRAP TOPIC COUNT [TIMEOUT_MS]
 *       reads every partition from the beginning until COUNT records
 *       (or the timeout: exit 3) and prints
 *       PARTITION <TAB> OFFSET <TAB> KEY <TAB> VALUE <TAB> TIMESTAMP,
 *       keys and values as text (\N for null; binary keys in hex as 0x..).
 *       With KTOOL_TXN=1 in the environment the records are written in
 *       one transaction (so the partitions end with a commit marker).
 *   ktool offsets BOOTSTRAP TOPIC GROUP
 *       prints PARTITION <TAB> COMMITTED-OFFSET of the group.
 *
 * Exit status: 0 ok, 1 Kafka error, 2 usage, 3 timeout.
 */
#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static rd_kafka_t *client(rd_kafka_type_t type, const char *bootstrap,
                          const char *group)
{
    char err[512];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "bootstrap.servers", bootstrap, err, sizeof err);
    rd_kafka_conf_set(c, "log_level", "3", err, sizeof err);
    if (type == RD_KAFKA_PRODUCER) {
        rd_kafka_conf_set(c, "partitioner", "murmur2_random", err, sizeof err);
        rd_kafka_conf_set(c, "linger.ms", "5", err, sizeof err);
    } else {
        rd_kafka_conf_set(c, "group.id", group ? group : "ktool", err,
                          sizeof err);
        rd_kafka_conf_set(c, "enable.auto.commit", "false", err, sizeof err);
    }
    rd_kafka_t *rk = rd_kafka_new(type, c, err, sizeof err);
    if (!rk)
        fprintf(stderr, "ktool: %s\n", err);
    return rk;
}

static int delivery_errors;

static void on_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *o)
{
    (void)rk;
    (void)o;
    if (m->err) {
        delivery_errors++;
        fprintf(stderr, "ktool: delivery: %s\n", rd_kafka_err2str(m->err));
    }
}

static int produce(const char *bootstrap, const char *topic)
{
    char err[256];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set(c, "bootstrap.servers", bootstrap, err, sizeof err);
    rd_kafka_conf_set(c, "partitioner", "murmur2_random", err, sizeof err);
    rd_kafka_conf_set(c, "log_level", "3", err, sizeof err);
    rd_kafka_conf_set_dr_msg_cb(c, on_dr);
    const char *txn = getenv("KTOOL_TXN");
    bool tx = txn && !strcmp(txn, "1");
    if (tx)
        rd_kafka_conf_set(c, "transactional.id", "ktool", err, sizeof err);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof err);
    if (!rk) {
        fprintf(stderr, "ktool: %s\n", err);
        return 1;
    }
    rd_kafka_error_t *te = NULL;
    if (tx && ((te = rd_kafka_init_transactions(rk, 30000)) ||
               (te = rd_kafka_begin_transaction(rk)))) {
        fprintf(stderr, "ktool: transaction: %s\n", rd_kafka_error_string(te));
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long count = 0;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        char *f[4] = {line, NULL, NULL, NULL};
        for (int i = 1; i < 4; i++) {
            char *t = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;
            if (t) {
                *t = '\0';
                f[i] = t + 1;
            }
        }
        if (!f[1]) {
            fprintf(stderr, "ktool: line without a TAB: %s\n", line);
            return 2;
        }
        bool nk = !strcmp(f[0], "\\N"), nv = !strcmp(f[1], "\\N");
        int64_t ts = f[2] && *f[2] ? strtoll(f[2], NULL, 10) : 0;
        int32_t part =
            f[3] && *f[3] ? (int32_t)atoi(f[3]) : RD_KAFKA_PARTITION_UA;
        rd_kafka_resp_err_t e;
        do {
            e = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(part),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(nk ? NULL : f[0], nk ? 0 : strlen(f[0])),
                RD_KAFKA_V_VALUE(nv ? NULL : f[1], nv ? 0 : strlen(f[1])),
                RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_END);
            if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                rd_kafka_poll(rk, 100);
        } while (e == RD_KAFKA_RESP_ERR__QUEUE_FULL);
        if (e) {
            fprintf(stderr, "ktool: produce: %s\n", rd_kafka_err2str(e));
            return 1;
        }
        count++;
    }
    free(line);
    if (tx && (te = rd_kafka_commit_transaction(rk, 30000))) {
        fprintf(stderr, "ktool: commit: %s\n", rd_kafka_error_string(te));
        return 1;
    }
    rd_kafka_flush(rk, 30000);
    int left = rd_kafka_outq_len(rk);
    rd_kafka_destroy(rk);
    if (left || delivery_errors) {
        fprintf(stderr, "ktool: %d undelivered, %d failed\n", left,
                delivery_errors);
        return 1;
    }
    fprintf(stderr, "ktool: produced %ld records to %s\n", count, topic);
    return 0;
}

static void put_bytes(const char *p, size_t n, bool null)
{
    if (null) {
        fputs("\\N", stdout);
        return;
    }
    bool text = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
            text = false;
    if (text) {
        fwrite(p, 1, n, stdout);
        return;
    }
    fputs("0x", stdout);
    for (size_t i = 0; i < n; i++)
        printf("%02x", (unsigned char)p[i]);
}

static rd_kafka_topic_partition_list_t *partitions(rd_kafka_t *rk,
                                                   const char *topic)
{
    const struct rd_kafka_metadata *md;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    rd_kafka_topic_destroy(rkt);
    if (e || md->topic_cnt != 1 || md->topics[0].err) {
        fprintf(stderr, "ktool: metadata of %s: %s\n", topic,
                rd_kafka_err2str(e ? e : md->topics[0].err));
        if (!e)
            rd_kafka_metadata_destroy(md);
        return NULL;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
    for (int i = 0; i < md->topics[0].partition_cnt; i++)
        rd_kafka_topic_partition_list_add(l, topic,
                                          md->topics[0].partitions[i].id)
            ->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_metadata_destroy(md);
    return l;
}

static int consume(const char *bootstrap, const char *topic, long count,
                   long timeout_ms)
{
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, bootstrap, NULL);
    if (!rk)
        return 1;
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *l = partitions(rk, topic);
    if (!l)
        return 1;
    rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long got = 0;
    while (got < count) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long el =
            (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (el > timeout_ms)
            break;
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m)
            continue;
        if (!m->err) {
            printf("%d\t%lld\t", (int)m->partition, (long long)m->offset);
            put_bytes(m->key, m->key_len, !m->key);
            putchar('\t');
            put_bytes(m->payload, m->len, !m->payload);
            printf("\t%lld\n", (long long)rd_kafka_message_timestamp(m, NULL));
            got++;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    if (got < count) {
        fprintf(stderr, "ktool: timeout: %ld of %ld records\n", got, count);
        return 3;
    }
    return 0;
}

static int offsets(const char *bootstrap, const char *topic, const char *group)
{
    rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, bootstrap, group);
    if (!rk)
        return 1;
    rd_kafka_topic_partition_list_t *l = partitions(rk, topic);
    if (!l)
        return 1;
    rd_kafka_resp_err_t e = rd_kafka_committed(rk, l, 10000);
    if (e) {
        fprintf(stderr, "ktool: committed: %s\n", rd_kafka_err2str(e));
        return 1;
    }
    for (int i = 0; i < l->cnt; i++)
        printf("%d\t%lld\n", (int)l->elems[i].partition,
               (long long)l->elems[i].offset);
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(rk);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "produce"))
        return produce(argv[2], argv[3]);
    if (argc >= 5 && !strcmp(argv[1], "consume"))
        return consume(argv[2], argv[3], atol(argv[4]),
                       argc > 5 ? atol(argv[5]) : 30000);
    if (argc >= 5 && !strcmp(argv[1], "offsets"))
        return offsets(argv[2], argv[3], argv[4]);
    fprintf(stderr,
            "usage: ktool produce|consume|offsets BOOTSTRAP TOPIC ...\n");
    return 2;
}
