/* test_rate.c: backpressure tests (unit_rate): Spark's PID rate estimator
 * and the Kafka direct stream's per-partition batch limits. */
#include "test.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "connectors/rate.h"

/* Exact double comparison printing both operands to the last bit. */
#define CHECK_DBL(a, b)                                                        \
    do {                                                                       \
        double a_ = (a), b_ = (b);                                             \
        if (!(a_ == b_))                                                       \
            FAIL_AT("CHECK_DBL(%s == %s): %.17g vs %.17g", #a, #b, a_, b_);    \
    } while (0)

/* The estimator of most of Spark's PIDRateEstimatorSuite cases. */
static wr_pid default_estimator(void)
{
    wr_pid p;
    weir_rc rc = wr_pid_init(&p, 20, 1.0, 0.0, 0.0, 10, NULL);
    if (rc != WEIR_OK)
        abort();
    return p;
}

/* ---- PID estimator -------------------------------------------------- */

TEST(pid_rejects_what_spark_rejects)
{
    /* PIDRateEstimatorSuite "estimator checks ranges". */
    static const double bad[][5] = {
        {0, 1, 2, 3, 10},    {100, -1, 2, 3, 10}, {100, 0, -1, 3, 10},
        {100, 0, 0, -1, 10}, {100, 0, 0, 0, 0},   {100, 0, 0, 0, -10},
        {-5, 1, 0, 0, 10},   {100, NAN, 0, 0, 1}, {100, 0, 0, 0, NAN},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        wr_pid p;
        weir_status st;
        weir_status_clear(&st);
        weir_rc rc = wr_pid_init(&p, (int64_t)bad[i][0], bad[i][1], bad[i][2],
                                 bad[i][3], bad[i][4], &st);
        CHECK_INT(rc, ==, WEIR_E_BIND);
        CHECK_INT(st.code, ==, WEIR_E_BIND);
        CHECK(strstr(st.msg, "PID rate estimator") != NULL);
        /* st == NULL: the code only. */
        CHECK_INT(wr_pid_init(&p, (int64_t)bad[i][0], bad[i][1], bad[i][2],
                              bad[i][3], bad[i][4], NULL),
                  ==, WEIR_E_BIND);
    }
    weir_status st;
    wr_pid p;
    /* Zero gains and infinite ones are allowed, as in Spark. */
    CHECK_INT(wr_pid_init(&p, 100, 0.0, 0.0, 0.0, 1e-9, &st), ==, WEIR_OK);
    CHECK_INT(wr_pid_init(&p, 1, INFINITY, 0, 0, 1, &st), ==, WEIR_OK);
    CHECK_INT(wr_pid_init(&p, 100, 1, 2, 3, 10, &st), ==, WEIR_OK);
    /* Messages name the value. */
    wr_pid_init(&p, 0, 1, 2, 3, 10, &st);
    CHECK_STR(st.msg, "Specified batch interval 0 ms in the PID rate "
                      "estimator is invalid");
    wr_pid_init(&p, 100, -1, 2, 3, 10, &st);
    CHECK_STR(st.msg, "Proportional term -1 in the PID rate estimator "
                      "should be >= 0");
    wr_pid_init(&p, 100, 0, 0, 0, -10, &st);
    CHECK_STR(st.msg, "Minimum rate -10 in the PID rate estimator should "
                      "be > 0");
}

TEST(pid_defaults)
{
    CHECK_DBL(WR_PID_DEFAULT_KP, 1.0);
    CHECK_DBL(WR_PID_DEFAULT_KI, 0.2);
    CHECK_DBL(WR_PID_DEFAULT_KD, 0.0);
    CHECK_DBL(WR_PID_DEFAULT_MIN_RATE, 100.0);
    wr_pid p;
    CHECK_INT(wr_pid_init(&p, 1000, WR_PID_DEFAULT_KP, WR_PID_DEFAULT_KI,
                          WR_PID_DEFAULT_KD, WR_PID_DEFAULT_MIN_RATE, NULL),
              ==, WEIR_OK);
    CHECK_INT(wr_pid_latest_rate(&p), ==, WR_RATE_NONE);
    CHECK_INT(WR_RATE_NONE, ==, -1);
}

TEST(pid_first_estimate_is_none)
{
    wr_pid p = default_estimator();
    double r = -42;
    CHECK(!wr_pid_compute(&p, 0, 10, 10, 0, &r));
    CHECK_DBL(r, -42); /* untouched */
    CHECK_INT(wr_pid_latest_rate(&p), ==, -1);
}

TEST(pid_second_estimate_is_not_none)
{
    wr_pid p = default_estimator();
    double r = 0;
    CHECK(!wr_pid_compute(&p, 0, 10, 10, 0, &r));
    CHECK(wr_pid_compute(&p, 10, 10, 10, 0, &r));
    CHECK_DBL(r, 1000.0);
    CHECK_INT(wr_pid_latest_rate(&p), ==, 1000);
    /* rate may be NULL. */
    CHECK(wr_pid_compute(&p, 20, 10, 10, 0, NULL));
}

TEST(pid_no_estimate_without_time_difference)
{
    wr_pid p = default_estimator();
    double r;
    wr_pid_compute(&p, 0, 10, 10, 0, &r);
    CHECK(wr_pid_compute(&p, 10, 10, 10, 0, &r));
    CHECK(!wr_pid_compute(&p, 10, 10, 10, 0, &r));
    CHECK(!wr_pid_compute(&p, 5, 10, 10, 0, &r)); /* earlier */
    CHECK_INT(wr_pid_latest_rate(&p), ==, 1000);
}

TEST(pid_no_estimate_without_records_or_delay)
{
    wr_pid p = default_estimator();
    double r;
    wr_pid_compute(&p, 0, 10, 10, 0, &r);
    CHECK(!wr_pid_compute(&p, 10, 0, 10, 0, &r));
    CHECK(!wr_pid_compute(&p, 20, -10, 10, 0, &r));
    CHECK(!wr_pid_compute(&p, 30, 10, 0, 0, &r));
    CHECK(!wr_pid_compute(&p, 40, 10, -10, 0, &r));
    /* Skipped calls change nothing: the next one is a second run with
     * dt measured from time 0. */
    CHECK_INT(p.latest_time, ==, 0);
    CHECK(wr_pid_compute(&p, 50, 10, 10, 0, &r));
    CHECK_DBL(r, 1000.0);
}

TEST(pid_first_call_may_be_at_time_zero)
{
    wr_pid p = default_estimator();
    double r;
    /* latest_time starts at -1, so time 0 counts; a negative time not. */
    CHECK(!wr_pid_compute(&p, -5, 10, 10, 0, &r));
    CHECK(p.first_run);
    CHECK(!wr_pid_compute(&p, 0, 10, 10, 0, &r));
    CHECK(!p.first_run);
    CHECK_DBL(p.latest_rate, 1000.0);
    CHECK_DBL(p.latest_error, 0.0);
}

TEST(pid_never_below_min_rate)
{
    wr_pid p;
    CHECK_INT(wr_pid_init(&p, 20, 1.0, 1.0, 0.0, 5, NULL), ==, WEIR_OK);
    double r;
    CHECK(!wr_pid_compute(&p, 0, 1, 20, 100, &r));
    for (int i = 1; i < 50; i++) {
        CHECK(wr_pid_compute(&p, i * 20, 1, 20, 100, &r));
        CHECK_DBL(r, 5.0);
    }
    CHECK_INT(wr_pid_latest_rate(&p), ==, 5);
}

TEST(pid_follows_processing_speed)
{
    /* No accumulated error, |I| > 0: the estimate is the speed. */
    wr_pid p;
    CHECK_INT(wr_pid_init(&p, 20, 1.0, 1.0, 0.0, 10, NULL), ==, WEIR_OK);
    double r;
    CHECK(!wr_pid_compute(&p, 0, 20, 20, 0, &r));
    for (int i = 1; i < 50; i++) {
        CHECK(wr_pid_compute(&p, i * 20, (i + 1) * 20, 20, 0, &r));
        CHECK_DBL(r, (i + 1) * 1000.0);
    }
    /* Falling speed, positive error: still the speed. */
    CHECK_INT(wr_pid_init(&p, 20, 1.0, 1.0, 0.0, 10, NULL), ==, WEIR_OK);
    CHECK(!wr_pid_compute(&p, 0, 1000, 20, 0, &r));
    for (int i = 1; i < 50; i++) {
        CHECK(wr_pid_compute(&p, i * 20, 1000 - i * 20, 20, 0, &r));
        CHECK_DBL(r, (50 - i) * 1000.0);
    }
}

TEST(pid_integral_and_derivative_terms)
{
    wr_pid p;
    double r;
    /* Integral: 50 ms of scheduling delay at 1000 records/s over a 100 ms
     * batch is 500 records/s of historical error; ki 0.5 takes 250. */
    CHECK_INT(wr_pid_init(&p, 100, 0.0, 0.5, 0.0, 1, NULL), ==, WEIR_OK);
    wr_pid_compute(&p, 0, 100, 100, 0, &r);
    CHECK(wr_pid_compute(&p, 100, 100, 100, 50, &r));
    CHECK_DBL(r, 750.0);
    /* Derivative: the error jumps from 0 to 500 in 1 s; kd 0.5 takes 250
     * more on top of kp's 500. */
    CHECK_INT(wr_pid_init(&p, 100, 1.0, 0.0, 0.5, 1, NULL), ==, WEIR_OK);
    wr_pid_compute(&p, 0, 100, 100, 0, &r);
    CHECK(wr_pid_compute(&p, 1000, 50, 100, 0, &r));
    CHECK_DBL(r, 250.0);
    CHECK_DBL(p.latest_error, 500.0);
    /* Spark's operation order, not an algebraically equal one: 1 record
     * in 9 ms is 1.0 / 9 * 1000 records/s, which is one ulp below
     * 1000.0 / 9; published truncated as 111. */
    CHECK_INT(wr_pid_init(&p, 1000, 1.0, 0.2, 0.0, 1, NULL), ==, WEIR_OK);
    wr_pid_compute(&p, 0, 1, 9, 0, &r);
    CHECK(wr_pid_compute(&p, 1000, 1, 9, 0, &r));
    CHECK_DBL(r, 1.0 / 9 * 1000);
    CHECK(r != 1000.0 / 9);
    CHECK_INT(wr_pid_latest_rate(&p), ==, 111);
}

/* A small deterministic generator (splitmix64) for the random case. */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

TEST(pid_stays_below_processing_speed_with_accumulated_error)
{
    /* Spark's random test as a property, over several seeds. */
    for (uint64_t seed = 1; seed <= 20; seed++) {
        uint64_t s = seed;
        wr_pid p;
        CHECK_INT(wr_pid_init(&p, 20, 1.0, 0.01, 0.0, 10, NULL), ==, WEIR_OK);
        for (int n = 0; n < 50; n++) {
            int64_t elements = 1000 + (int64_t)(next_rand(&s) % 1000);
            int64_t sched = 1 + (int64_t)(next_rand(&s) % 20);
            double r = -1;
            bool got = wr_pid_compute(&p, n * 20, elements, 20, sched, &r);
            if (n == 0) {
                CHECK(!got);
                continue;
            }
            CHECK(got);
            double speed = (double)elements / 20 * 1000;
            CHECK(r >= 10);
            CHECK(r < speed);
        }
    }
}

/* ---- per-partition limits ------------------------------------------- */

/* One maxMessagesPerPartition case: n partitions with uniform rates. */
typedef struct kcase {
    int64_t batch_ms;
    int n;
    int64_t current[4];
    int64_t latest[4];
    int64_t max_rate[4];
    int64_t min_rate[4];
    bool backpressure;
    int64_t latest_rate; /* WR_RATE_NONE: no estimate */
    int64_t initial_rate;
    bool limited; /* expected: a limit at all */
    int64_t want[4];
} kcase;

TEST(limits_reproduce_direct_kafka_stream_suite)
{
    static const kcase cases[] = {
        /* backpressure disabled */
        {100,
         2,
         {0, 0},
         {50, 50},
         {100, 100},
         {1, 1},
         false,
         WR_RATE_NONE,
         0,
         true,
         {10, 10}},
        /* no lag */
        {100, 2, {0, 0}, {0, 0}, {100, 100}, {1, 1}, true, 100, 0, false, {0}},
        /* respects max rate */
        {100,
         2,
         {0, 0},
         {1000, 1000},
         {50, 100},
         {1, 1},
         true,
         1000,
         0,
         true,
         {5, 10}},
        /* using rate controller: 100, 50, 20 */
        {500, 1, {0}, {5000}, {100}, {1}, true, 100, 0, true, {50}},
        {500, 1, {0}, {5000}, {100}, {1}, true, 50, 0, true, {25}},
        {500, 1, {0}, {5000}, {100}, {1}, true, 20, 0, true, {10}},
        /* initialRate honours maxRatePerPartition */
        {500, 1, {0}, {1000}, {1000}, {1}, true, -1, 500, true, {250}},
        {500, 1, {0}, {1000}, {300}, {1}, true, -1, 1000, true, {150}},
        /* zero offset and min rate 5 */
        {60000,
         4,
         {0, 0, 0, 0},
         {0, 100, 200, 300},
         {100, 100, 100, 100},
         {5, 5, 5, 5},
         true,
         1,
         0,
         true,
         {5, 10, 20, 30}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const kcase *k = &cases[c];
        wr_rate_opts o;
        wr_rate_opts_init(&o, k->batch_ms);
        o.backpressure = k->backpressure;
        o.latest_rate = k->latest_rate;
        o.initial_rate = k->initial_rate;
        o.max_rates = k->max_rate;
        o.min_rates = k->min_rate;
        int64_t mm[4] = {-7, -7, -7, -7};
        bool limited = wr_rate_limits(&o, k->n, k->current, k->latest, mm);
        if (limited != k->limited)
            FAIL_AT("case %zu: limited %d, expected %d", c, limited,
                    k->limited);
        for (int i = 0; i < k->n; i++) {
            if (!limited) {
                CHECK_INT(mm[i], ==, -7); /* untouched */
                continue;
            }
            if (mm[i] != k->want[i])
                FAIL_AT("case %zu partition %d: %" PRId64 ", expected %" PRId64,
                        c, i, mm[i], k->want[i]);
        }
    }
}

TEST(limits_defaults_and_no_limit)
{
    wr_rate_opts o;
    wr_rate_opts_init(&o, 2000);
    CHECK_INT(o.batch_ms, ==, 2000);
    CHECK(!o.backpressure);
    CHECK_INT(o.latest_rate, ==, WR_RATE_NONE);
    CHECK_INT(o.initial_rate, ==, 0);
    CHECK_INT(o.max_rate, ==, 0);
    CHECK_INT(o.min_rate, ==, 1);
    CHECK(o.max_rates == NULL && o.min_rates == NULL);
    int64_t cur[2] = {0, 10}, lat[2] = {100, 20}, mm[2];
    /* Defaults: no rate, unlimited max rate. */
    CHECK(!wr_rate_limits(&o, 2, cur, lat, mm));
    /* Backpressure on but no estimate and no initial rate. */
    o.backpressure = true;
    CHECK(!wr_rate_limits(&o, 2, cur, lat, mm));
    /* No partitions. */
    o.latest_rate = 100;
    CHECK(!wr_rate_limits(&o, 0, cur, lat, mm));
    /* A negative max rate is not a limit either. */
    wr_rate_opts_init(&o, 2000);
    o.max_rate = -5;
    CHECK(!wr_rate_limits(&o, 2, cur, lat, mm));
}

TEST(limits_rate_choice)
{
    int64_t cur[1] = {0}, lat[1] = {1000000}, mm[1];
    wr_rate_opts o;
    wr_rate_opts_init(&o, 1000);
    o.max_rate = 700;
    /* Backpressure off: the max rate, whatever the controller says. */
    o.latest_rate = 10;
    o.initial_rate = 20;
    CHECK(wr_rate_limits(&o, 1, cur, lat, mm));
    CHECK_INT(mm[0], ==, 700);
    /* On: the latest rate wins over the initial rate... */
    o.backpressure = true;
    CHECK(wr_rate_limits(&o, 1, cur, lat, mm));
    CHECK_INT(mm[0], ==, 10);
    /* ...until there is none (-1 or 0). */
    o.latest_rate = WR_RATE_NONE;
    CHECK(wr_rate_limits(&o, 1, cur, lat, mm));
    CHECK_INT(mm[0], ==, 20);
    o.latest_rate = 0;
    CHECK(wr_rate_limits(&o, 1, cur, lat, mm));
    CHECK_INT(mm[0], ==, 20);
    /* No rate at all falls back to the max rate. */
    o.initial_rate = 0;
    CHECK(wr_rate_limits(&o, 1, cur, lat, mm));
    CHECK_INT(mm[0], ==, 700);
    /* A rate above the max rate is capped; unlimited max rate is not. */
    o.latest_rate = 5000;
    CHECK(wr_rate_limits(&o, 1, cur, lat, mm));
    CHECK_INT(mm[0], ==, 700);
    o.max_rate = 0;
    CHECK(wr_rate_limits(&o, 1, cur, lat, mm));
    CHECK_INT(mm[0], ==, 5000);
}

TEST(limits_split_by_lag_and_truncate_per_partition)
{
    wr_rate_opts o;
    wr_rate_opts_init(&o, 1000);
    o.backpressure = true;
    o.latest_rate = 100;
    /* Three equal lags: 33.33.. each, truncated: 99 in all, not 100. */
    int64_t cur[3] = {5, 5, 5}, lat[3] = {6, 6, 6}, mm[3];
    CHECK(wr_rate_limits(&o, 3, cur, lat, mm));
    CHECK_INT(mm[0], ==, 33);
    CHECK_INT(mm[1], ==, 33);
    CHECK_INT(mm[2], ==, 33);
    /* A partition behind its start (latest < current) has lag 0 and gets
     * the min rate; the others share the whole rate. */
    int64_t cur2[3] = {50, 0, 0}, lat2[3] = {10, 30, 10};
    CHECK(wr_rate_limits(&o, 3, cur2, lat2, mm));
    CHECK_INT(mm[0], ==, 1);
    CHECK_INT(mm[1], ==, 75);
    CHECK_INT(mm[2], ==, 25);
    /* Batch 333 ms: 0.333 * 10 = 3.33 -> 3, then the min rate 4 wins. */
    wr_rate_opts_init(&o, 333);
    o.max_rate = 10;
    CHECK(wr_rate_limits(&o, 1, cur, lat, mm));
    CHECK_INT(mm[0], ==, 3);
    o.min_rate = 4;
    CHECK(wr_rate_limits(&o, 1, cur, lat, mm));
    CHECK_INT(mm[0], ==, 4);
}

TEST(limits_per_partition_arrays_override)
{
    wr_rate_opts o;
    wr_rate_opts_init(&o, 1000);
    o.max_rate = 1000;
    o.min_rate = 50;
    int64_t cur[2] = {0, 0}, lat[2] = {9999, 9999}, mm[2];
    int64_t maxr[2] = {10, 0};
    int64_t minr[2] = {1, 2};
    CHECK(wr_rate_limits(&o, 2, cur, lat, mm));
    CHECK_INT(mm[0], ==, 1000);
    CHECK_INT(mm[1], ==, 1000);
    o.max_rates = maxr;
    CHECK(wr_rate_limits(&o, 2, cur, lat, mm));
    CHECK_INT(mm[0], ==, 50); /* 10 < min rate 50 */
    CHECK_INT(mm[1], ==, 50); /* unlimited here: 0 -> min rate */
    o.min_rates = minr;
    CHECK(wr_rate_limits(&o, 2, cur, lat, mm));
    CHECK_INT(mm[0], ==, 10);
    CHECK_INT(mm[1], ==, 2);
}

TEST(limits_saturate_like_java)
{
    /* secs * limit beyond INT64_MAX: Java's (long) saturates. */
    wr_rate_opts o;
    wr_rate_opts_init(&o, 10000);
    o.max_rate = INT64_MAX;
    int64_t cur[1] = {100}, lat[1] = {200}, mm[1], until[1];
    CHECK(wr_rate_limits(&o, 1, cur, lat, mm));
    CHECK_INT(mm[0], ==, INT64_MAX);
    wr_rate_until(1, cur, lat, mm, until);
    CHECK_INT(until[0], ==, 200);
}

TEST(until_clamps)
{
    int64_t cur[3] = {0, 10, 40}, lat[3] = {100, 15, 40}, until[3];
    int64_t mm[3] = {30, 30, 1};
    wr_rate_until(3, cur, lat, mm, until);
    CHECK_INT(until[0], ==, 30);
    CHECK_INT(until[1], ==, 15);
    CHECK_INT(until[2], ==, 40); /* min rate on a caught-up partition */
    wr_rate_until(3, cur, lat, NULL, until);
    CHECK_INT(until[0], ==, 100);
    CHECK_INT(until[1], ==, 15);
    CHECK_INT(until[2], ==, 40);
    /* until may alias latest. */
    int64_t lat2[2] = {100, 5};
    int64_t cur2[2] = {50, 0};
    int64_t mm2[2] = {20, 20};
    wr_rate_until(2, cur2, lat2, mm2, lat2);
    CHECK_INT(lat2[0], ==, 70);
    CHECK_INT(lat2[1], ==, 5);
    /* Spark's Long addition would wrap; we saturate. */
    int64_t cur3[1] = {INT64_MAX - 1}, lat3[1] = {INT64_MAX}, mm3[1] = {5};
    wr_rate_until(1, cur3, lat3, mm3, until);
    CHECK_INT(until[0], ==, INT64_MAX);
}

TEST(end_to_end_controller_drives_limits)
{
    /* The estimate published by the controller becomes the next batch's
     * rate: 2 partitions, 1 s batches, the PID rate split by lag. */
    wr_pid p;
    CHECK_INT(wr_pid_init(&p, 1000, WR_PID_DEFAULT_KP, WR_PID_DEFAULT_KI,
                          WR_PID_DEFAULT_KD, WR_PID_DEFAULT_MIN_RATE, NULL),
              ==, WEIR_OK);
    wr_rate_opts o;
    wr_rate_opts_init(&o, 1000);
    o.backpressure = true;
    o.initial_rate = 400;
    int64_t cur[2] = {0, 0}, lat[2] = {3000, 1000}, mm[2], until[2];
    o.latest_rate = wr_pid_latest_rate(&p);
    CHECK(wr_rate_limits(&o, 2, cur, lat, mm));
    CHECK_INT(mm[0], ==, 300);
    CHECK_INT(mm[1], ==, 100);
    wr_rate_until(2, cur, lat, mm, until);
    CHECK_INT(until[0], ==, 300);
    CHECK_INT(until[1], ==, 100);
    /* Two batches of 400 records in 500 ms: 800 records/s. */
    CHECK(!wr_pid_compute(&p, 1500, 400, 500, 0, NULL));
    double r;
    CHECK(wr_pid_compute(&p, 2500, 400, 500, 0, &r));
    CHECK_DBL(r, 800.0);
    o.latest_rate = wr_pid_latest_rate(&p);
    CHECK_INT(o.latest_rate, ==, 800);
    cur[0] = until[0];
    cur[1] = until[1];
    CHECK(wr_rate_limits(&o, 2, cur, lat, mm));
    CHECK_INT(mm[0], ==, 600); /* 2700 / 3600 * 800 */
    CHECK_INT(mm[1], ==, 200); /* 900 / 3600 * 800 */
}

TEST_LIST(wr_tests_rate, TEST_ENTRY(pid_rejects_what_spark_rejects),
          TEST_ENTRY(pid_defaults), TEST_ENTRY(pid_first_estimate_is_none),
          TEST_ENTRY(pid_second_estimate_is_not_none),
          TEST_ENTRY(pid_no_estimate_without_time_difference),
          TEST_ENTRY(pid_no_estimate_without_records_or_delay),
          TEST_ENTRY(pid_first_call_may_be_at_time_zero),
          TEST_ENTRY(pid_never_below_min_rate),
          TEST_ENTRY(pid_follows_processing_speed),
          TEST_ENTRY(pid_integral_and_derivative_terms),
          TEST_ENTRY(pid_stays_below_processing_speed_with_accumulated_error),
          TEST_ENTRY(limits_reproduce_direct_kafka_stream_suite),
          TEST_ENTRY(limits_defaults_and_no_limit),
          TEST_ENTRY(limits_rate_choice),
          TEST_ENTRY(limits_split_by_lag_and_truncate_per_partition),
          TEST_ENTRY(limits_per_partition_arrays_override),
          TEST_ENTRY(limits_saturate_like_java), TEST_ENTRY(until_clamps),
          TEST_ENTRY(end_to_end_controller_drives_limits));
