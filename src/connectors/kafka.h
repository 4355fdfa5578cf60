/*
 * kafka.h: Kafka through librdkafka: client configuration, the embedded
 * development broker, the direct source and the producer sink.
 *
 * Configuration. Every librdkafka property passes through: the session's
 * `kafka.<property>` settings (SET, `-c`, `--config`) apply to every
 * client; `bootstrap.servers = 'embedded'` means the process's own mock
 * cluster (wr_kbroker), started on first use.
 *
 * The source is Spark's Direct API: the driver plans each batch as an
 * offset range [from, until) per topic-partition before reading anything
 * (until = min(high watermark, from + the batch's allowance)), then
 * fetches exactly those ranges; the next batch starts where this one
 * ended. Records of a batch borrow the fetched messages until the next
 * fetch. Offsets are committed to the consumer group after a batch.
 *
 * The sink produces each output record (idempotent producer by default,
 * Java's murmur2 partitioner) and, at the end of a batch, waits for every
 * delivery report: records that failed with a retriable error are
 * produced again (reported, with a backoff) until they are in; a
 * permanent error fails the batch with its topic, partition and reason.
 *
 * Interrupts: the waiting loops of a source or sink (broker outages,
 * fetches, delivery retries) watch a flag of the source's or sink's own
 * (wr_ksource_set_interrupt, wr_ksink_set_interrupt), set by the query
 * that owns it; there is no process-wide interrupt, so the shell's ^C on
 * a push query leaves the background queries' clients alone.
 *
 * Secrets: property values whose names contain "password", "secret" or
 * "keytab" are printed as [hidden] (wr_kafka_prop_shown).
 */
#ifndef WEIR_CONNECTORS_KAFKA_H
#define WEIR_CONNECTORS_KAFKA_H

#include <librdkafka/rdkafka.h>

#include "exec/exec.h"
#include "planner/catalog.h"

/* ---- configuration --------------------------------------------------- */

/* A new librdkafka configuration for a producer (or a consumer) with
 * weir's defaults and every session property `kafka.X` of cat as X (the
 * other kind of client's properties are left out); no bootstrap servers,
 * or `embedded`, start (or reuse) the process's mock cluster. Caller owns
 * the result (rd_kafka_new consumes it). NULL with st set (WEIR_E_BIND
 * naming the property) when librdkafka refuses a property. */
rd_kafka_conf_t *wr_kafka_conf(const wr_catalog *cat, bool producer,
                               weir_status *st);

/* 'P' for a producer-only librdkafka property, 'C' for a consumer-only
 * one, 0 for the others. */
int wr_kafka_prop_kind(const char *key);

/* Whether a client met a failure that retrying will not cure (failed
 * authentication, a fatal producer error); msg gets it. The waiting loops
 * give up with it. */
bool wr_kafka_fatal(char *msg, size_t n);

/* The value to print for property key: "[hidden]" for secrets. */
const char *wr_kafka_prop_shown(const char *key, const char *value);

/* ---- the embedded broker (librdkafka's mock cluster) ----------------- */

typedef struct wr_kbroker wr_kbroker;

/* Starts a mock cluster of nbrokers brokers on loopback. The process has
 * at most one; wr_kbroker_embedded returns it (starting it with one broker
 * on first use). NULL with st set on failure. */
wr_kbroker *wr_kbroker_start(int nbrokers, weir_status *st);
wr_kbroker *wr_kbroker_embedded(weir_status *st);
/* Its bootstrap servers ("127.0.0.1:port,..."), owned by the broker. */
const char *wr_kbroker_bootstrap(const wr_kbroker *b);
/* Creates topic with partitions (no-op when it exists). */
weir_rc wr_kbroker_topic(wr_kbroker *b, const char *topic, int partitions,
                         weir_status *st);
/* The mock cluster, for fault injection (rdkafka_mock.h). */
struct rd_kafka_mock_cluster_s *wr_kbroker_mock(wr_kbroker *b);
void wr_kbroker_stop(wr_kbroker *b);

/* ---- the direct source ----------------------------------------------- */

typedef struct wr_ksource wr_ksource;

/* One planned slice: [from, until) of a topic-partition. */
typedef struct wr_krange {
    const char *topic; /* owned by the source */
    int32_t partition;
    int64_t from, until;
    int64_t high; /* high watermark when planned */
} wr_krange;

/* How a source reads. */
typedef struct wr_ksource_opts {
    const char *topic;    /* a topic, or a regex when pattern is set */
    bool pattern;         /* SubscribePattern: every matching topic */
    const int32_t *parts; /* Assign: only these partitions, or NULL */
    int nparts;
    bool latest;               /* no committed offset: start at the end */
    const char *group;         /* consumer group for offset commits */
    int64_t max_per_partition; /* records per partition per batch, 0: all */
} wr_ksource_opts;

/* Opens a source with configuration conf (consumed, also on failure).
 * NULL with st set. */
wr_ksource *wr_ksource_open(rd_kafka_conf_t *conf, const wr_ksource_opts *o,
                            weir_status *st);
void wr_ksource_close(wr_ksource *s);

/* Caps of one batch: given n partitions' starts and high watermarks,
 * writes limit[i], the most records partition i may give (-1: no cap). */
typedef void (*wr_klimit_fn)(void *ctx, int n, const int64_t *from,
                             const int64_t *high, int64_t *limit);

/* Plans the next batch: the topic-partitions (new ones matching a pattern
 * included) and their ranges, capped by limit_fn (or, when it is NULL,
 * by max_per_partition). *ranges (owned by the source, valid until the
 * next plan) gets n ranges. */
weir_rc wr_ksource_plan(wr_ksource *s, wr_klimit_fn limit_fn, void *ctx,
                        const wr_krange **ranges, int *n, weir_status *st);

/* Plans the next batch as exactly the ranges want[0..nwant) (a batch
 * recorded in a checkpoint, replayed): partitions are discovered as by
 * wr_ksource_plan; each one listed reads [from, until) (the read position
 * moves to `from` when it is elsewhere), the others read nothing. A
 * listed partition that no longer exists fails with WEIR_E_IO. *ranges
 * as for wr_ksource_plan. */
weir_rc wr_ksource_plan_fixed(wr_ksource *s, const wr_krange *want, int nwant,
                              const wr_krange **ranges, int *n,
                              weir_status *st);

/* Fetches exactly the planned ranges: *recs gets n records in partition
 * order then offset order (borrowed until the next plan). Waits (retrying
 * through broker outages, reporting on stderr every few seconds) until
 * every range is complete. */
weir_rc wr_ksource_fetch(wr_ksource *s, const wr_record **recs, int *n,
                         weir_status *st);

/* The same a few partitions at a time, so that the query works on them
 * while the next ones are fetched: a call fetches the partitions of
 * ranges [i, j) of the last plan, their records in the same order as
 * wr_ksource_fetch. Each call frees the records of the previous one (they
 * are borrowed until the next call or plan). */
weir_rc wr_ksource_fetch_parts(wr_ksource *s, int i, int j,
                               const wr_record **recs, int *n, weir_status *st);

/* The batch was processed: its ranges' ends become the next batch's
 * starts and are committed to the consumer group (asynchronously). */
weir_rc wr_ksource_done(wr_ksource *s, weir_status *st);

/* The consumer group's committed offset of topic[partition] when the
 * partition was found (before this run committed anything), -1: none or
 * unknown. With a transactional sink it tells which batches are out. */
int64_t wr_ksource_committed(const wr_ksource *s, const char *topic,
                             int32_t partition);
/* The consumer group's metadata, for a transactional sink's offsets.
 * Caller destroys it (rd_kafka_consumer_group_metadata_destroy). */
rd_kafka_consumer_group_metadata_t *
wr_ksource_group_metadata(const wr_ksource *s);

/* The flag that interrupts s's waiting loops (metadata retries while the
 * brokers are away, fetches): once *flag is non-zero they give up with
 * WEIR_E_IO "interrupted". The flag belongs to the query that reads s
 * (its ^C or TERMINATE flag), so that stopping one query never interrupts
 * another's Kafka clients. Borrows flag until the source is closed or
 * the flag is replaced; NULL (the default): never interrupted. The flag
 * may be set from another thread or a signal handler. */
void wr_ksource_set_interrupt(wr_ksource *s, volatile int *flag);

/* Total records waiting (high watermark - position) over the partitions
 * of the last plan. */
int64_t wr_ksource_lag(const wr_ksource *s);

/* Cron mode: from now on every partition ends at its high watermark of
 * the next plan (partitions found later, at theirs when found), and
 * wr_ksource_at_end tells when every partition has been read up to its
 * end. */
void wr_ksource_stop_at_end(wr_ksource *s);
bool wr_ksource_at_end(const wr_ksource *s);

/* ---- the producer sink ----------------------------------------------- */

typedef struct wr_ksink wr_ksink;

/* A producer to topic with configuration conf (consumed). NULL with st
 * set. */
wr_ksink *wr_ksink_open(rd_kafka_conf_t *conf, const char *topic,
                        weir_status *st);
/* Produces one record (copied; windowed keys get Kafka Streams' window
 * suffix). Fails only when the local queue is full beyond waiting. */
weir_rc wr_ksink_put(wr_ksink *k, const wr_out *o, weir_status *st);
/* Produces raw bytes (a dead letter: the record as it came) with headers
 * hdr[0..nh) as (name, value) string pairs. */
weir_rc wr_ksink_put_raw(wr_ksink *k, const char *key, size_t klen,
                         const char *value, size_t vlen, int64_t ts,
                         const char *const *hdr, int nh, weir_status *st);
/* Transactions (processing.guarantee 'exactly_once'): a sink opened
 * with `transactional.id` in its configuration is transactional (the id
 * fences an older process with the same id). A batch is
 * wr_ksink_begin, puts, then wr_ksink_commit, which sends the batch's
 * source offsets (offsets: topic, partition, next offset) to the
 * transaction for the consumer group cgmd and commits it: the output
 * and the offsets become visible together or not at all (consumers in
 * read_committed isolation). A failed commit aborts the transaction and
 * fails with librdkafka's reason; wr_ksink_abort aborts an open one. */
bool wr_ksink_transactional(const wr_ksink *k);
weir_rc wr_ksink_begin(wr_ksink *k, weir_status *st);
weir_rc wr_ksink_commit(wr_ksink *k,
                        const rd_kafka_topic_partition_list_t *offsets,
                        const rd_kafka_consumer_group_metadata_t *cgmd,
                        weir_status *st);
void wr_ksink_abort(wr_ksink *k);

/* The flag that interrupts k's retry waits (wr_ksink_flush), as for
 * wr_ksource_set_interrupt: it belongs to the query (or generator) that
 * writes through k. Borrows flag until the sink is closed or the flag is
 * replaced; NULL (the default): never interrupted. */
void wr_ksink_set_interrupt(wr_ksink *k, volatile int *flag);

/* Waits for every delivery report of what was put since the last flush,
 * producing failed records again (after a backoff, reported on stderr)
 * while their errors are retriable; a permanent failure, or an interrupt
 * while retrying, fails with its topic[partition] and reason. */
weir_rc wr_ksink_flush(wr_ksink *k, weir_status *st);
/* Waits for every delivery report of what was put since the last flush,
 * but produces nothing again: any failed delivery, retriable or not,
 * fails with its topic[partition] and reason (st->retriable set for a
 * retriable one). The wait lasts at most librdkafka's
 * message.timeout.ms, or until k's interrupt flag is set (what is still
 * queued is then purged). For one-off writes (INSERT VALUES) that report
 * an outage instead of waiting it out. */
weir_rc wr_ksink_flush_once(wr_ksink *k, weir_status *st);
/* Asynchronous delivery: serves the delivery reports that are in without
 * waiting, produces retriable failures again at once, and fails like
 * flush on a permanent failure since the last call. */
weir_rc wr_ksink_poll(wr_ksink *k, weir_status *st);
void wr_ksink_close(wr_ksink *k);

#endif
