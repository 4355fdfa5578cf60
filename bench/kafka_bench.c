/*
 * kafka_bench.c: the librdkafka side of bench/kafka_bench.sh, a producer
 * that loads a topic fast and a raw consumer that is the baseline weir's
 * Kafka source is measured against.
 *
 *   kafka_bench produce BOOTSTRAP TOPIC FILE.jsonl [-X PROP=VALUE]...
 *   kafka_bench consume BOOTSTRAP TOPIC COUNT [--partition-queues] [--hold]
 *                       [-X PROP=VALUE]...
 *
 * produce: one message per line of FILE (../shared/bench/gen_events.py
 * output, newline stripped), key = the "user" field, timestamp = the "ts"
 * field (create time), partitioned with murmur2 as Java's (and weir's)
 * producer does, batched (linger.ms 20, batch.size 1 MiB, no
 * idempotence, acks=1). Waits for every delivery and prints
 *   produce: N records, B bytes in S s (R records/s), E failed
 * Exit status 1 when any delivery failed.
 *
 * consume: assigns every partition of TOPIC at its beginning (no group
 * coordination: assign, not subscribe; nothing committed) and polls the
 * consumer queue until COUNT messages have arrived, summing the lengths of
 * keys and values and one byte of each value (so every message is really
 * handed over and touched, as a query's decoder would), and freeing each
 * at once. The consumer queue's prefetch limits are lifted (see
 * consume()). Prints
 *   consume: N records, B bytes in S s (R records/s); first message after
 *   F s (MODE, check X)
 * where S runs from rd_kafka_new to the COUNTth message (the metadata and
 * connection setup included, as a `weir run` pays them). Two flags copy
 * what weir's Kafka source does, to tell its fetching apart from its
 * query work: --partition-queues reads each partition's own queue in turn
 * up to its high watermark (taken at the start) instead of the consumer
 * queue; --hold keeps every message until the COUNTth has arrived (one
 * batch), then frees them all (timed apart, "freed in"). Exit status 1
 * when COUNT messages did not arrive, after 120 s of silence.
 *
 * -X sets a librdkafka property after the defaults (both subcommands).
 * The program owns every handle it creates and destroys them before it
 * exits; nothing here is part of weir_core.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "bench.h"

static int usage(void)
{
    fprintf(stderr, "usage: kafka_bench produce BOOTSTRAP TOPIC FILE.jsonl "
                    "[-X PROP=VALUE]...\n"
                    "       kafka_bench consume BOOTSTRAP TOPIC COUNT "
                    "[--partition-queues] [--hold] [-X PROP=VALUE]...\n");
    return 2;
}

/* Sets k=v on conf, reporting a refusal. */
static int set1(rd_kafka_conf_t *conf, const char *k, const char *v)
{
    char err[512];
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) == RD_KAFKA_CONF_OK)
        return 0;
    fprintf(stderr, "kafka_bench: %s=%s: %s\n", k, v, err);
    return 1;
}

/* Applies the -X PROP=VALUE options of argv[from..argc) to conf. */
static int set_props(rd_kafka_conf_t *conf, int argc, char **argv, int from)
{
    for (int i = from; i < argc; i++) {
        if (strcmp(argv[i], "-X") != 0 || i + 1 >= argc)
            return usage();
        char *kv = argv[++i];
        char *eq = strchr(kv, '=');
        if (!eq)
            return usage();
        *eq = '\0';
        int rc = set1(conf, kv, eq + 1);
        *eq = '=';
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- produce ----------------------------------------------------------- */

typedef struct dr_count {
    int64_t ok;
    int64_t failed;
    char first_err[256];
} dr_count;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
                        void *opaque)
{
    (void)rk;
    dr_count *dc = opaque;
    if (!m->err) {
        dc->ok++;
        return;
    }
    if (!dc->failed++)
        snprintf(dc->first_err, sizeof dc->first_err, "%s",
                 rd_kafka_err2str(m->err));
}

/* The string value of "name": in the JSON object line[0..len), as a span
 * of line (no unescaping: gen_events.py writes plain strings). */
static const char *json_str(const char *line, size_t len, const char *name,
                            size_t *n)
{
    size_t nl = strlen(name);
    const char *end = line + len;
    for (const char *p = line; p + nl + 3 < end; p++) {
        if (p[0] != '"' || memcmp(p + 1, name, nl) != 0 || p[nl + 1] != '"' ||
            p[nl + 2] != ':' || p[nl + 3] != '"')
            continue;
        const char *s = p + nl + 4;
        const char *q = memchr(s, '"', (size_t)(end - s));
        if (!q)
            return NULL;
        *n = (size_t)(q - s);
        return s;
    }
    return NULL;
}

/* The integer value of "name": in line[0..len), or -1. */
static int64_t json_int(const char *line, size_t len, const char *name)
{
    size_t nl = strlen(name);
    const char *end = line + len;
    for (const char *p = line; p + nl + 3 < end; p++) {
        if (p[0] != '"' || memcmp(p + 1, name, nl) != 0 || p[nl + 1] != '"' ||
            p[nl + 2] != ':')
            continue;
        int64_t v = 0;
        const char *d = p + nl + 3;
        if (d >= end || *d < '0' || *d > '9')
            return -1;
        for (; d < end && *d >= '0' && *d <= '9'; d++)
            v = v * 10 + (*d - '0');
        return v;
    }
    return -1;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
            (data = malloc((size_t)size + 1)) != NULL) {
            if (fread(data, 1, (size_t)size, f) != (size_t)size) {
                free(data);
                data = NULL;
            } else {
                *len = (size_t)size;
            }
        }
    }
    fclose(f);
    return data;
}

static int produce(const char *bootstrap, const char *topic, const char *path,
                   int argc, char **argv)
{
    size_t len;
    char *data = read_all(path, &len);
    if (!data) {
        fprintf(stderr, "kafka_bench: %s: %s\n", path, strerror(errno));
        return 2;
    }
    dr_count dc = {0, 0, ""};
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    static const char *const kv[][2] = {
        {"client.id", "kafka_bench"},
        {"partitioner", "murmur2_random"},
        {"enable.idempotence", "false"},
        {"acks", "1"},
        {"linger.ms", "20"},
        {"batch.size", "1048576"},
        {"batch.num.messages", "100000"},
        {"queue.buffering.max.messages", "2000000"},
        {"queue.buffering.max.kbytes", "1048576"},
        {"compression.type", "none"}};
    int rc = set1(conf, "bootstrap.servers", bootstrap);
    for (size_t i = 0; rc == 0 && i < sizeof kv / sizeof kv[0]; i++)
        rc = set1(conf, kv[i][0], kv[i][1]);
    if (rc == 0)
        rc = set_props(conf, argc, argv, 5);
    if (rc) {
        rd_kafka_conf_destroy(conf);
        free(data);
        return rc;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &dc);
    char err[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        fprintf(stderr, "kafka_bench: producer: %s\n", err);
        free(data);
        return 1;
    }
    double t0 = bench_now();
    int64_t n = 0, bytes = 0;
    for (size_t off = 0; off < len;) {
        const char *line = data + off;
        const char *nl = memchr(line, '\n', len - off);
        size_t ll = nl ? (size_t)(nl - line) : len - off;
        off += ll + (nl ? 1 : 0);
        if (ll == 0)
            continue;
        size_t kl = 0;
        const char *key = json_str(line, ll, "user", &kl);
        int64_t ts = json_int(line, ll, "ts");
        for (;;) {
            rd_kafka_resp_err_t e = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE((void *)line, ll),
                RD_KAFKA_V_KEY((const void *)key, key ? kl : 0),
                RD_KAFKA_V_TIMESTAMP(ts > 0 ? ts : 0), RD_KAFKA_V_END);
            if (!e)
                break;
            if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "kafka_bench: produce: %s\n",
                        rd_kafka_err2str(e));
                rd_kafka_destroy(rk);
                free(data);
                return 1;
            }
            rd_kafka_poll(rk, 10); /* wait for room */
        }
        n++;
        bytes += (int64_t)ll;
        if ((n & 0xfff) == 0)
            rd_kafka_poll(rk, 0);
    }
    rd_kafka_resp_err_t fe = rd_kafka_flush(rk, 120000);
    double s = bench_now() - t0;
    rd_kafka_destroy(rk);
    free(data);
    printf("produce: %" PRId64 " records, %" PRId64
           " bytes in %.3f s (%.0f records/s), %" PRId64 " failed%s%s\n",
           n, bytes, s, s > 0 ? (double)n / s : 0.0, dc.failed,
           dc.failed ? "; first: " : "", dc.first_err);
    if (fe) {
        fprintf(stderr, "kafka_bench: flush: %s\n", rd_kafka_err2str(fe));
        return 1;
    }
    return dc.failed || dc.ok != n ? 1 : 0;
}

/* ---- consume ----------------------------------------------------------- */

typedef struct cstate {
    int64_t n;                 /* messages taken */
    int64_t bytes;             /* key and value bytes */
    uint64_t touch;            /* the last byte of every value, summed */
    double first;              /* seconds to the first message, -1: none */
    double t0;                 /* start (rd_kafka_new) */
    rd_kafka_message_t **held; /* --hold: every message, or NULL */
} cstate;

/* Takes message m (owned): counts it and destroys it, or keeps it with
 * --hold. */
static void take(cstate *cs, rd_kafka_message_t *m)
{
    if (cs->first < 0)
        cs->first = bench_now() - cs->t0;
    cs->bytes += (int64_t)(m->len + m->key_len);
    if (m->len)
        cs->touch += ((const unsigned char *)m->payload)[m->len - 1];
    if (cs->held)
        cs->held[cs->n] = m;
    else
        rd_kafka_message_destroy(m);
    cs->n++;
}

/* Reports an error message (m is owned) other than a partition's end.
 * Returns whether it was the end. */
static bool end_or_error(rd_kafka_message_t *m)
{
    bool eof = m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF;
    if (!eof)
        fprintf(stderr, "kafka_bench: %s\n", rd_kafka_message_errstr(m));
    rd_kafka_message_destroy(m);
    return eof;
}

/* --partition-queues: every partition's own queue (taken off the
 * consumer queue right after the assignment, before the first fetch
 * returns), read in turn up to the high watermark, as weir's source reads
 * a batch. */
static int read_partitions(rd_kafka_t *rk, const char *topic,
                           rd_kafka_topic_partition_list_t *l, cstate *cs,
                           int64_t count)
{
    rd_kafka_queue_t **qs = calloc((size_t)l->cnt, sizeof *qs);
    int rc = qs ? 0 : 1;
    for (int i = 0; rc == 0 && i < l->cnt; i++) {
        qs[i] = rd_kafka_queue_get_partition(rk, topic, l->elems[i].partition);
        if (!qs[i]) {
            fprintf(stderr, "kafka_bench: no queue for %s[%d]\n", topic,
                    (int)l->elems[i].partition);
            rc = 1;
            break;
        }
        rd_kafka_queue_forward(qs[i], NULL);
    }
    rd_kafka_topic_partition_list_t *hw = rd_kafka_topic_partition_list_copy(l);
    for (int i = 0; i < hw->cnt; i++)
        hw->elems[i].offset = RD_KAFKA_OFFSET_END;
    rd_kafka_resp_err_t e = rc ? RD_KAFKA_RESP_ERR_NO_ERROR
                               : rd_kafka_offsets_for_times(rk, hw, 10000);
    if (e) {
        fprintf(stderr, "kafka_bench: high watermarks: %s\n",
                rd_kafka_err2str(e));
        rc = 1;
    }
    for (int i = 0; rc == 0 && i < hw->cnt && cs->n < count; i++) {
        int64_t high = hw->elems[i].offset, last = -1;
        double idle = bench_now();
        while (last + 1 < high && cs->n < count) {
            rd_kafka_message_t *m = rd_kafka_consume_queue(qs[i], 100);
            if (!m) {
                if (bench_now() - idle > 120) {
                    fprintf(stderr, "kafka_bench: %s[%d] silent for 120 s\n",
                            topic, (int)hw->elems[i].partition);
                    rc = 1;
                    break;
                }
                continue;
            }
            idle = bench_now();
            if (m->err) {
                end_or_error(m);
                continue;
            }
            last = m->offset;
            take(cs, m);
        }
    }
    for (int i = 0; qs && i < l->cnt; i++)
        if (qs[i])
            rd_kafka_queue_destroy(qs[i]);
    free(qs);
    rd_kafka_topic_partition_list_destroy(hw);
    return rc;
}

/* The consumer queue (what rd_kafka_consumer_poll serves), until count. */
static int read_consumer_queue(rd_kafka_t *rk, cstate *cs, int64_t count)
{
    double idle = bench_now();
    while (cs->n < count) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m) {
            if (bench_now() - idle > 120) {
                fprintf(stderr, "kafka_bench: nothing for 120 s\n");
                return 1;
            }
            continue;
        }
        if ((cs->n & 0x3ff) == 0)
            idle = bench_now();
        if (m->err)
            end_or_error(m);
        else
            take(cs, m);
    }
    return 0;
}

static int consume(const char *bootstrap, const char *topic, int64_t count,
                   int argc, char **argv)
{
    bool hold = false, pq = false;
    int from = 5;
    for (; from < argc && strcmp(argv[from], "-X") != 0; from++) {
        if (!strcmp(argv[from], "--hold"))
            hold = true;
        else if (!strcmp(argv[from], "--partition-queues"))
            pq = true;
        else
            return usage();
    }
    char group[64], err[512];
    snprintf(group, sizeof group, "kafka_bench-%ld", (long)getpid());
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* librdkafka 2.0 stops fetching every partition for a fixed second
     * whenever the consumer queue holds over queued.min.messages (100,000)
     * messages or queued.max.messages.kbytes: a reader that falls behind
     * for a moment then waits 1 s. Lift both limits; per-partition queues
     * (--partition-queues, weir's source) are limited per partition and do
     * not reach them here. */
    static const char *const kv[][2] = {
        {"client.id", "kafka_bench"},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", "earliest"},
        {"queued.min.messages", "10000000"},
        {"queued.max.messages.kbytes", "2097151"}};
    int rc = set1(conf, "bootstrap.servers", bootstrap);
    if (rc == 0)
        rc = set1(conf, "group.id", group);
    for (size_t i = 0; rc == 0 && i < sizeof kv / sizeof kv[0]; i++)
        rc = set1(conf, kv[i][0], kv[i][1]);
    if (rc == 0)
        rc = set_props(conf, argc, argv, from);
    if (rc) {
        rd_kafka_conf_destroy(conf);
        return rc;
    }
    cstate cs = {0, 0, 0, -1, bench_now(), NULL};
    if (hold && !(cs.held = malloc(sizeof(void *) * (size_t)count))) {
        rd_kafka_conf_destroy(conf);
        fprintf(stderr, "kafka_bench: out of memory\n");
        return 1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) {
        fprintf(stderr, "kafka_bench: consumer: %s\n", err);
        free(cs.held);
        return 1;
    }
    rd_kafka_poll_set_consumer(rk);
    /* Every partition of the topic, from its beginning. */
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    rd_kafka_topic_destroy(rkt);
    if (e || md->topic_cnt != 1 || md->topics[0].err) {
        if (!e)
            e = md->topic_cnt ? md->topics[0].err
                              : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
        fprintf(stderr, "kafka_bench: metadata of %s: %s\n", topic,
                rd_kafka_err2str(e));
        if (md)
            rd_kafka_metadata_destroy(md);
        rd_kafka_destroy(rk);
        free(cs.held);
        return 1;
    }
    int np = md->topics[0].partition_cnt;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(np);
    for (int i = 0; i < np; i++)
        rd_kafka_topic_partition_list_add(l, topic,
                                          md->topics[0].partitions[i].id)
            ->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_metadata_destroy(md);
    e = rd_kafka_assign(rk, l);
    if (e) {
        fprintf(stderr, "kafka_bench: assign: %s\n", rd_kafka_err2str(e));
        rc = 1;
    } else if (pq) {
        rc = read_partitions(rk, topic, l, &cs, count);
    } else {
        rc = read_consumer_queue(rk, &cs, count);
    }
    rd_kafka_topic_partition_list_destroy(l);
    double s = bench_now() - cs.t0;
    double s_free = bench_now();
    for (int64_t i = 0; cs.held && i < cs.n; i++)
        rd_kafka_message_destroy(cs.held[i]);
    s_free = bench_now() - s_free;
    printf("consume: %" PRId64 " records, %" PRId64
           " bytes in %.3f s (%.0f records/s); first message after %.3f s",
           cs.n, cs.bytes, s, s > 0 ? (double)cs.n / s : 0.0, cs.first);
    if (hold)
        printf("; held until the end, freed in %.3f s", s_free);
    printf(" (%s, check %" PRIu64 ")\n",
           pq ? "partition queues" : "consumer queue", cs.touch);
    fflush(stdout);
    free(cs.held);
    rd_kafka_assign(rk, NULL);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    if (rc == 0 && cs.n < count) {
        fprintf(stderr,
                "kafka_bench: %" PRId64 " of %" PRId64 " records (the "
                "partitions' ends)\n",
                cs.n, count);
        rc = 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        return usage();
    if (!strcmp(argv[1], "produce"))
        return produce(argv[2], argv[3], argv[4], argc, argv);
    if (!strcmp(argv[1], "consume")) {
        char *end;
        long long count = strtoll(argv[4], &end, 10);
        if (*end || count < 1)
            return usage();
        return consume(argv[2], argv[3], count, argc, argv);
    }
    return usage();
}
