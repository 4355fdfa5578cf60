/*
 * rate.h: Spark Streaming's backpressure for the Kafka direct source: the
 * PID rate estimator and the per-partition message limits of a batch.
 *
 * Two independent pieces, both pure computation (no I/O, no clock, no
 * allocation):
 *
 *   wr_pid          Spark's PIDRateEstimator plus the published rate of its
 *                   RateController. After each completed batch the driver
 *                   calls wr_pid_compute() with the batch's processing end
 *                   time, record count, processing delay and scheduling
 *                   delay; from the second accepted call on it yields a new
 *                   rate (records/s), and wr_pid_latest_rate() returns that
 *                   rate truncated to an integer (-1 before the first).
 *   wr_rate_limits  DirectKafkaInputDStream.maxMessagesPerPartition: from
 *                   the rate (the controller's latest, else the initial
 *                   rate, only with backpressure on), the lag of each
 *                   partition and the per-partition max/min rates, the
 *                   number of messages each partition may contribute to
 *                   the next batch, or "no limit". wr_rate_until() turns
 *                   that into the batch's end offsets (Spark's clamp).
 *
 * Every double is computed as Spark computes it: Java double arithmetic,
 * operation by operation in Spark's order (no fused multiply-add), Java's
 * Math.min/max (NaN wins) and Java's double-to-long conversion (truncation,
 * NaN -> 0, saturation) wherever Spark calls .toLong. The conformance cases
 * of shared/conformance/spark/rate_cases.jsonl are reproduced bit for bit
 * (tests/conformance/run-rate).
 *
 * Not done here: reading the properties (the Kafka source does), timing
 * batches, or capping a receiver's rate (weir has no receivers).
 */
#ifndef WEIR_CONNECTORS_RATE_H
#define WEIR_CONNECTORS_RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "weir/status.h"

/* ---- defaults ------------------------------------------------------- */

/* spark.streaming.backpressure.pid.{proportional,integral,derived,minRate} */
#define WR_PID_DEFAULT_KP 1.0
#define WR_PID_DEFAULT_KI 0.2
#define WR_PID_DEFAULT_KD 0.0
#define WR_PID_DEFAULT_MIN_RATE 100.0

/* spark.streaming.backpressure.enabled */
#define WR_RATE_DEFAULT_BACKPRESSURE false
/* spark.streaming.backpressure.initialRate as the direct stream reads it
 * (0: none; no fallback to a receiver's max rate) */
#define WR_RATE_DEFAULT_INITIAL 0
/* spark.streaming.kafka.maxRatePerPartition (records/s; 0: unlimited) */
#define WR_RATE_DEFAULT_MAX_PER_PARTITION 0
/* spark.streaming.kafka.minRatePerPartition (records/s) */
#define WR_RATE_DEFAULT_MIN_PER_PARTITION 1

/* The controller's rate before its first estimate (getLatestRate()). */
#define WR_RATE_NONE (-1)

/* ---- the PID rate estimator ----------------------------------------- */

/*
 * The estimator's state, in caller-supplied storage (a field of the Kafka
 * source); the fields are rate.c's, visible for embedding and tests. Spark's
 * PIDRateEstimator is synchronized; a wr_pid is not: one thread at a time (the
 * one that reports completed batches) may call wr_pid_compute, and a reader on
 * another thread needs its own lock.
 */
typedef struct wr_pid {
    int64_t batch_ms;    /* batch interval in ms (> 0) */
    double kp;           /* proportional gain (>= 0) */
    double ki;           /* integral gain (>= 0) */
    double kd;           /* derivative gain (>= 0) */
    double min_rate;     /* lower bound of every estimate (> 0) */
    int64_t latest_time; /* time_ms of the last accepted call; -1 */
    double latest_rate;  /* last estimate (first run: processing rate); -1 */
    double latest_error; /* error of the last accepted call; -1 */
    bool first_run;      /* no call accepted yet */
    int64_t published;   /* (long) last estimate; WR_RATE_NONE before */
} wr_pid;

/*
 * Initializes pid in caller storage with batch interval batch_ms and gains
 * kp, ki, kd (WR_PID_DEFAULT_*). Rejects exactly what Spark's constructor
 * rejects: batch_ms <= 0, kp, ki or kd negative (or NaN), min_rate <= 0
 * (or NaN); then returns WEIR_E_BIND with st (may be NULL) naming the
 * offending value, and pid is left unusable. Nothing to free afterwards.
 */
weir_rc wr_pid_init(wr_pid *pid, int64_t batch_ms, double kp, double ki,
                    double kd, double min_rate, weir_status *st);

/*
 * Feeds one completed batch: time_ms its processing end time, elements its
 * number of records from this source, processing_delay_ms the processing
 * end minus start, scheduling_delay_ms the processing start minus the
 * batch's submission. Returns true with the new rate (records/s, >=
 * min_rate; NaN only if the inputs overflow the arithmetic, as in Spark)
 * in *rate when there is an estimate; false, leaving *rate
 * untouched, when the call is skipped (time_ms not after the last accepted
 * call, elements <= 0 or processing_delay_ms <= 0) or is the first
 * accepted call (which only records the processing rate). A new estimate
 * also becomes wr_pid_latest_rate(). rate may be NULL. Updates pid
 * (the caller's storage); allocates nothing.
 */
bool wr_pid_compute(wr_pid *pid, int64_t time_ms, int64_t elements,
                    int64_t processing_delay_ms, int64_t scheduling_delay_ms,
                    double *rate);

/* The rate the controller publishes: the last estimate converted as Java's
 * .toLong, or WR_RATE_NONE (-1) before the first. Borrows pid. */
int64_t wr_pid_latest_rate(const wr_pid *pid);

/* ---- per-partition limits of the Kafka direct stream ---------------- */

/*
 * What a batch's limits depend on besides the offsets. The rates are
 * records per second, as Spark's (Long) properties, except that Spark uses
 * the min rate per partition as a message count per batch, unscaled by
 * the batch interval (so does weir). max_rates/min_rates,
 * when not NULL, give one value per partition (Spark's
 * PerPartitionConfig) and override max_rate/min_rate; they are borrowed.
 */
typedef struct wr_rate_opts {
    int64_t batch_ms;         /* batch interval in ms */
    bool backpressure;        /* backpressure.enabled: a controller exists */
    int64_t latest_rate;      /* wr_pid_latest_rate(); <= 0: none yet */
    int64_t initial_rate;     /* used while latest_rate <= 0; <= 0: none */
    int64_t max_rate;         /* every partition's max rate; <= 0: none */
    int64_t min_rate;         /* every partition's least messages/batch */
    const int64_t *max_rates; /* per partition, or NULL: max_rate */
    const int64_t *min_rates; /* per partition, or NULL: min_rate */
} wr_rate_opts;

/* Fills o with Spark's defaults for batch interval batch_ms: no
 * backpressure, no rate yet, initial rate 0, max rate 0 (unlimited), min
 * rate 1, no per-partition arrays. */
void wr_rate_opts_init(wr_rate_opts *o, int64_t batch_ms);

/*
 * Computes the maximum number of messages each of the n partitions may add
 * to the next batch, where current[i] is partition i's next offset to read
 * and latest[i] its latest offset (high watermark). Returns true with
 * max_messages[0..n) filled (each at least the partition's min rate, even
 * for partitions with no lag), or false when there is no limit (nothing
 * set: no rate and no max rate, or a rate but no lag at all, or n == 0).
 * The rules are Spark's:
 *   rate    = backpressure ? (latest_rate > 0 ? latest_rate : initial_rate)
 *                          : none;
 *   with a rate > 0: limit_i = lag_i / total_lag * rate, capped by a max
 *   rate > 0 (NaN when total_lag == 0); otherwise limit_i = max rate_i;
 *   sum(limit) > 0: max_messages_i = max((long)(batch_ms / 1000.0 *
 *   limit_i), min rate_i); else no limit.
 * Borrows o, current and latest; writes max_messages (n entries, caller's
 * storage). Allocates nothing.
 */
bool wr_rate_limits(const wr_rate_opts *o, int n, const int64_t *current,
                    const int64_t *latest, int64_t *max_messages);

/*
 * The end offsets of the batch (Spark's clamp): until[i] = min(current[i]
 * + max_messages[i], latest[i]), or latest[i] for every partition when
 * max_messages is NULL (no limit). Spark's Long addition would wrap for
 * sums beyond INT64_MAX; here it saturates. until may alias latest.
 * Borrows the inputs; writes n entries of until.
 */
void wr_rate_until(int n, const int64_t *current, const int64_t *latest,
                   const int64_t *max_messages, int64_t *until);

#endif
