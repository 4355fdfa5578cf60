/*
 * rate.c: see rate.h. Ports of Spark 3.x
 *   streaming/.../scheduler/rate/PIDRateEstimator.scala (compute),
 *   streaming/.../scheduler/RateController.scala (the published Long rate),
 *   external/kafka-0-10/.../DirectKafkaInputDStream.scala
 *     (maxMessagesPerPartition and clamp).
 *
 * Exactness. Spark computes in Java doubles, one rounding per operation,
 * left to right; each expression below keeps Spark's operand order and
 * grouping and converts Long operands to double where Scala widens them.
 * GCC in ISO C mode (-std=c11, which CMake asks for) never contracts a*b+c
 * into a fused multiply-add; clang may unless told, hence the pragma. The
 * Java library calls that differ from C's are spelled out: Math.max/min
 * return NaN when either operand is NaN (fmax/fmin would drop it), and
 * .toLong truncates with NaN -> 0 and saturation (a C cast is undefined
 * outside int64's range). Long arithmetic that could overflow wraps as in
 * Java (done in uint64_t), except in wr_rate_until (see rate.h).
 *
 * No memory is allocated: wr_rate_limits computes each partition's limit
 * twice (once for the sum, once for the count) rather than keeping them.
 */
#include "connectors/rate.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* ---- Java semantics ------------------------------------------------- */

/* Java's Math.max(double, double): NaN if either is NaN; +0.0 > -0.0. */
static double java_max(double a, double b)
{
    if (isnan(a))
        return a;
    if (a == 0.0 && b == 0.0 && signbit(a))
        return b;
    return a >= b ? a : b;
}

/* Java's Math.min(double, double): NaN if either is NaN; -0.0 < +0.0. */
static double java_min(double a, double b)
{
    if (isnan(a))
        return a;
    if (a == 0.0 && b == 0.0 && signbit(b))
        return b;
    return a <= b ? a : b;
}

/* Java's double division, spelled out for a zero divisor so that no
 * sanitizer flags it: 0/0 and NaN/0 are NaN, x/0 is an infinity. */
static double java_div(double a, double b)
{
    if (b != 0.0)
        return a / b;
    if (a == 0.0 || isnan(a))
        return NAN;
    return (signbit(a) != signbit(b)) ? -INFINITY : INFINITY;
}

/* Java's (long) d, Scala's d.toLong: truncation toward zero, NaN -> 0,
 * out-of-range values saturate. */
static int64_t java_d2l(double d)
{
    if (isnan(d))
        return 0;
    if (d >= 9223372036854775808.0)
        return INT64_MAX;
    if (d <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)d;
}

/* Java's a - b and a + b on longs (two's complement wrap). */
static int64_t java_lsub(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}

static int64_t java_ladd(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* ---- PID rate estimator --------------------------------------------- */

weir_rc wr_pid_init(wr_pid *pid, int64_t batch_ms, double kp, double ki,
                    double kd, double min_rate, weir_status *st)
{
    /* Spark's require()s, in its order; !(x >= 0) also rejects NaN. */
    if (batch_ms <= 0)
        return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                               "Specified batch interval %" PRId64
                               " ms in the PID rate estimator is invalid",
                               batch_ms);
    if (!(kp >= 0))
        return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                               "Proportional term %g in the PID rate "
                               "estimator should be >= 0",
                               kp);
    if (!(ki >= 0))
        return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                               "Integral term %g in the PID rate estimator "
                               "should be >= 0",
                               ki);
    if (!(kd >= 0))
        return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                               "Derivative term %g in the PID rate estimator "
                               "should be >= 0",
                               kd);
    if (!(min_rate > 0))
        return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                               "Minimum rate %g in the PID rate estimator "
                               "should be > 0",
                               min_rate);
    pid->batch_ms = batch_ms;
    pid->kp = kp;
    pid->ki = ki;
    pid->kd = kd;
    pid->min_rate = min_rate;
    pid->latest_time = -1;
    pid->latest_rate = -1.0;
    pid->latest_error = -1.0;
    pid->first_run = true;
    pid->published = WR_RATE_NONE;
    return WEIR_OK;
}

bool wr_pid_compute(wr_pid *pid, int64_t time_ms, int64_t elements,
                    int64_t processing_delay_ms, int64_t scheduling_delay_ms,
                    double *rate)
{
    if (!(time_ms > pid->latest_time && elements > 0 &&
          processing_delay_ms > 0))
        return false;
    /* Seconds since the last update, close to the batch interval. */
    double dt = (double)java_lsub(time_ms, pid->latest_time) / 1000;
    /* Records per second this batch was processed at. */
    double processing_rate =
        (double)elements / (double)processing_delay_ms * 1000;
    /* The desired rate is the last estimate; error is how far off it was. */
    double error = pid->latest_rate - processing_rate;
    /* A scheduling delay s means s * processing_rate records overflowed
     * earlier batches; spread over one batch that is the integral term. */
    double historical_error =
        (double)scheduling_delay_ms * processing_rate / (double)pid->batch_ms;
    double d_error = (error - pid->latest_error) / dt;
    double new_rate =
        java_max(pid->latest_rate - pid->kp * error -
                     pid->ki * historical_error - pid->kd * d_error,
                 pid->min_rate);
    pid->latest_time = time_ms;
    if (pid->first_run) {
        pid->latest_rate = processing_rate;
        pid->latest_error = 0.0;
        pid->first_run = false;
        return false;
    }
    pid->latest_rate = new_rate;
    pid->latest_error = error;
    pid->published = java_d2l(new_rate);
    if (rate)
        *rate = new_rate;
    return true;
}

int64_t wr_pid_latest_rate(const wr_pid *pid)
{
    return pid->published;
}

/* ---- per-partition limits ------------------------------------------- */

void wr_rate_opts_init(wr_rate_opts *o, int64_t batch_ms)
{
    o->batch_ms = batch_ms;
    o->backpressure = WR_RATE_DEFAULT_BACKPRESSURE;
    o->latest_rate = WR_RATE_NONE;
    o->initial_rate = WR_RATE_DEFAULT_INITIAL;
    o->max_rate = WR_RATE_DEFAULT_MAX_PER_PARTITION;
    o->min_rate = WR_RATE_DEFAULT_MIN_PER_PARTITION;
    o->max_rates = NULL;
    o->min_rates = NULL;
}

static int64_t max_rate_of(const wr_rate_opts *o, int i)
{
    return o->max_rates ? o->max_rates[i] : o->max_rate;
}

static int64_t min_rate_of(const wr_rate_opts *o, int i)
{
    return o->min_rates ? o->min_rates[i] : o->min_rate;
}

/* Spark's Math.max(latest - current, 0) on longs. */
static int64_t lag_of(const int64_t *current, const int64_t *latest, int i)
{
    int64_t lag = java_lsub(latest[i], current[i]);
    return lag > 0 ? lag : 0;
}

/* Partition i's effective rate limit (records/s, may be NaN): its lag
 * share of rate when have_rate (capped by a positive max rate), else its
 * max rate. */
static double limit_of(const wr_rate_opts *o, bool have_rate, int64_t rate,
                       int64_t total_lag, const int64_t *current,
                       const int64_t *latest, int i)
{
    int64_t max_rate = max_rate_of(o, i);
    if (!have_rate)
        return (double)max_rate;
    double backpressure_rate =
        java_div((double)lag_of(current, latest, i), (double)total_lag) *
        (double)rate;
    return max_rate > 0 ? java_min(backpressure_rate, (double)max_rate)
                        : backpressure_rate;
}

bool wr_rate_limits(const wr_rate_opts *o, int n, const int64_t *current,
                    const int64_t *latest, int64_t *max_messages)
{
    /* estimatedRateLimit.filter(_ > 0): only a controller gives a rate. */
    int64_t rate = 0;
    if (o->backpressure)
        rate = o->latest_rate > 0 ? o->latest_rate : o->initial_rate;
    bool have_rate = rate > 0;
    int64_t total_lag = 0;
    if (have_rate)
        for (int i = 0; i < n; i++)
            total_lag = java_ladd(total_lag, lag_of(current, latest, i));
    /* NaN (no lag at all) makes the sum NaN and so "no limit". */
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += limit_of(o, have_rate, rate, total_lag, current, latest, i);
    if (!(sum > 0))
        return false;
    double secs_per_batch = (double)o->batch_ms / 1000;
    for (int i = 0; i < n; i++) {
        double limit =
            limit_of(o, have_rate, rate, total_lag, current, latest, i);
        int64_t messages = java_d2l(secs_per_batch * limit);
        int64_t min_rate = min_rate_of(o, i);
        max_messages[i] = messages > min_rate ? messages : min_rate;
    }
    return true;
}

void wr_rate_until(int n, const int64_t *current, const int64_t *latest,
                   const int64_t *max_messages, int64_t *until)
{
    for (int i = 0; i < n; i++) {
        int64_t end = latest[i];
        if (max_messages) {
            int64_t cap;
            if (__builtin_add_overflow(current[i], max_messages[i], &cap))
                cap = max_messages[i] > 0 ? INT64_MAX : INT64_MIN;
            if (cap < end)
                end = cap;
        }
        until[i] = end;
    }
}
