/*
 * cmd_datagen.c: `weir datagen`, which produces sample events to Kafka,
 * like ksqlDB's datagen quickstarts.
 *
 *   weir datagen --topic T --quickstart pageviews|users|orders
 *                [--rate N/s] [--count N] [--format json|delimited]
 *                [--seed S] [--start MS] [--bootstrap HOST:PORT]
 *                [-c kafka.PROP=VALUE]... [--print-schema]
 *
 * The records come from the deterministic generators of
 * connectors/datagen.h and go out through the Kafka producer sink
 * (connectors/kafka.h), configured from an engine's catalog like every
 * weir Kafka client: --bootstrap sets kafka.bootstrap.servers, -c sets any
 * kafka.* property. A bootstrap is required: the embedded broker lives in
 * another process (`weir broker`), so datagen must be told where it is.
 *
 * Delivery is checked per batch (a second's worth of records at --rate,
 * else 10000): the batch is flushed and every delivery report awaited.
 * SIGINT or SIGTERM stops generation; what was produced is flushed and the
 * command exits 0 (a second signal kills it). The last line on stderr is
 * `datagen: N records to T`, N counting delivered records.
 *
 * Exit status: 0 done, 1 a Kafka error, 2 usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "connectors/datagen.h"
#include "connectors/kafka.h"
#include "engine/engine_int.h"
#include "shell/shell.h"

enum { DG_OK = 0, DG_KAFKA = 1, DG_USAGE = 2 };

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void help(FILE *out)
{
    fprintf(out,
            "usage: weir datagen --topic T --quickstart Q [options]\n"
            "\n"
            "Produces sample events to a Kafka topic, like ksqlDB's "
            "datagen.\n"
            "\n"
            "  --topic T               the topic to write (required)\n"
            "  --quickstart Q          %s (required)\n"
            "  --bootstrap HOST:PORT   the Kafka bootstrap servers "
            "(required,\n"
            "                          or -c kafka.bootstrap.servers=...)\n"
            "  --rate N[/s]            records per second (default: as fast "
            "as\n"
            "                          possible)\n"
            "  --count N               records to write (default: until "
            "SIGINT)\n"
            "  --format json|delimited the value format (default json)\n"
            "  --seed S                random seed (default 1); a seed and "
            "a\n"
            "                          --start give the same records every "
            "run\n"
            "  --start MS              timestamp of the first record, ms "
            "since\n"
            "                          the epoch (default: now)\n"
            "  -c kafka.PROP=VALUE     a librdkafka producer property "
            "(repeatable)\n"
            "  --print-schema          print the CREATE statement for the "
            "data\n"
            "                          and exit\n"
            "  -h, --help              show this help\n"
            "\n"
            "Exit status: 0 done, 1 Kafka error, 2 usage error.\n",
            wr_datagen_quickstarts());
}

/* Prints a usage error (and where help is) on stderr; returns 2. */
static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("weir datagen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n(weir datagen --help shows the options)\n", stderr);
    va_end(ap);
    return DG_USAGE;
}

/* Parses a whole non-negative integer; false when s is anything else. */
static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Parses "N" or "N/s" (N > 0, may have a fraction). */
static bool parse_rate(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !(v > 0) || v > 1e9)
        return false;
    if (*end && strcmp(end, "/s") != 0)
        return false;
    *out = v;
    return true;
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleeps until the monotonic clock reaches deadline (ns), or a signal. */
static void sleep_until(int64_t deadline)
{
    int64_t wait = deadline - clock_ns(CLOCK_MONOTONIC);
    if (wait <= 0)
        return;
    struct timespec ts = {(time_t)(wait / 1000000000),
                          (long)(wait % 1000000000)};
    nanosleep(&ts, NULL);
}

/* The options, as given. */
typedef struct dg_opts {
    const char *topic;      /* --topic */
    const char *quickstart; /* --quickstart */
    double rate;            /* --rate, 0: unpaced */
    int64_t count;          /* --count, -1: unlimited */
    wr_format fmt;          /* --format */
    uint64_t seed;          /* --seed */
    int64_t start_ms;       /* --start, -1: now */
    bool print_schema;      /* --print-schema */
} dg_opts;

/* Produces o->count records (or until a signal) through k. Returns the
 * exit status; *delivered gets the records whose delivery was confirmed. */
static int produce(const dg_opts *o, wr_datagen *g, wr_ksink *k,
                   int64_t *delivered)
{
    weir_status st;
    wr_buf key = WR_BUF_INIT;
    wr_buf value = WR_BUF_INIT;
    int64_t batch = 10000;
    if (o->rate > 0)
        batch = o->rate < 1 ? 1 : o->rate > 10000 ? 10000 : (int64_t)o->rate;
    int64_t t0 = clock_ns(CLOCK_MONOTONIC);
    int64_t n = 0, pending = 0;
    int rc = DG_OK;
    while (!stop_signal && (o->count < 0 || n < o->count)) {
        if (o->rate > 0) {
            sleep_until(t0 + (int64_t)((double)n * 1e9 / o->rate));
            if (stop_signal)
                break;
        }
        int64_t ts;
        if (!wr_datagen_next(g, &key, &value, &ts)) {
            fprintf(stderr, "weir datagen: out of memory\n");
            rc = DG_KAFKA;
            break;
        }
        wr_out out = {.key = key.s,
                      .klen = (int32_t)key.len,
                      .value = value.s,
                      .vlen = (int32_t)value.len,
                      .ts = ts};
        if (wr_ksink_put(k, &out, &st) != WEIR_OK) {
            fprintf(stderr, "weir datagen: %s\n", st.msg);
            rc = DG_KAFKA;
            break;
        }
        n++;
        if (++pending == batch) {
            if (wr_ksink_flush(k, &st) != WEIR_OK) {
                fprintf(stderr, "weir datagen: %s\n", st.msg);
                rc = DG_KAFKA;
                pending = 0;
                break;
            }
            *delivered += pending;
            pending = 0;
        }
    }
    if (pending) {
        if (wr_ksink_flush(k, &st) == WEIR_OK) {
            *delivered += pending;
        } else {
            fprintf(stderr, "weir datagen: %s\n", st.msg);
            rc = DG_KAFKA;
        }
    }
    wr_buf_fini(&key);
    wr_buf_fini(&value);
    return rc;
}

/* Parses argv into o and the catalog's properties. Returns -1 to go on,
 * else the exit status. */
static int parse_args(int argc, char **argv, dg_opts *o, wr_catalog *cat,
                      bool *bootstrap)
{
    weir_status st;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help(stdout);
            return DG_OK;
        }
        if (!strcmp(a, "--print-schema")) {
            o->print_schema = true;
            continue;
        }
        if (a[0] != '-')
            return usage_error("unexpected argument '%s'", a);
        if (i + 1 >= argc)
            return usage_error("%s needs a value", a);
        const char *v = argv[++i];
        uint64_t u;
        if (!strcmp(a, "--topic")) {
            if (!*v)
                return usage_error("%s: the topic name is empty", a);
            o->topic = v;
        } else if (!strcmp(a, "--quickstart")) {
            if (!wr_datagen_quickstart(v))
                return usage_error("unknown quickstart '%s' (one of: %s)", v,
                                   wr_datagen_quickstarts());
            o->quickstart = v;
        } else if (!strcmp(a, "--rate")) {
            if (!parse_rate(v, &o->rate))
                return usage_error("--rate wants records per second, "
                                   "e.g. 100 or 100/s (got '%s')",
                                   v);
        } else if (!strcmp(a, "--count")) {
            if (!parse_u64(v, &u) || u > INT64_MAX)
                return usage_error("--count wants a number >= 0 (got '%s')", v);
            o->count = (int64_t)u;
        } else if (!strcmp(a, "--format")) {
            if (!strcasecmp(v, "json"))
                o->fmt = WR_FMT_JSON;
            else if (!strcasecmp(v, "delimited"))
                o->fmt = WR_FMT_DELIMITED;
            else
                return usage_error("--format wants json or delimited "
                                   "(got '%s')",
                                   v);
        } else if (!strcmp(a, "--seed")) {
            if (!parse_u64(v, &o->seed))
                return usage_error("--seed wants a number >= 0 (got '%s')", v);
        } else if (!strcmp(a, "--start")) {
            if (!parse_u64(v, &u) || u > INT64_MAX / 2)
                return usage_error("--start wants ms since the epoch "
                                   "(got '%s')",
                                   v);
            o->start_ms = (int64_t)u;
        } else if (!strcmp(a, "--bootstrap") || !strcmp(a, "-c")) {
            char prop[256];
            const char *val = v;
            if (!strcmp(a, "--bootstrap")) {
                strcpy(prop, "kafka.bootstrap.servers");
            } else {
                const char *eq = strchr(v, '=');
                if (!eq || strncmp(v, "kafka.", 6) != 0 || eq == v + 6 ||
                    (size_t)(eq - v) >= sizeof prop)
                    return usage_error("-c wants kafka.PROPERTY=VALUE "
                                       "(got '%s')",
                                       v);
                memcpy(prop, v, (size_t)(eq - v));
                prop[eq - v] = '\0';
                val = eq + 1;
            }
            if (!strcmp(prop, "kafka.bootstrap.servers")) {
                if (!*val)
                    return usage_error("%s: no bootstrap servers given", a);
                if (!strcasecmp(val, "embedded"))
                    return usage_error(
                        "%s: 'embedded' would be a broker inside datagen "
                        "itself; give the HOST:PORT of a running broker "
                        "(e.g. one started by weir broker)",
                        a);
                *bootstrap = true;
            }
            if (wr_catalog_set_prop(cat, prop, val, &st) != WEIR_OK) {
                fprintf(stderr, "weir datagen: %s\n", st.msg);
                return DG_KAFKA;
            }
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    return -1;
}

int wr_cmd_datagen(int argc, char **argv)
{
    dg_opts o = {.count = -1, .fmt = WR_FMT_JSON, .seed = 1, .start_ms = -1};
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    if (!e) {
        fprintf(stderr, "weir datagen: %s\n", st.msg);
        return DG_KAFKA;
    }
    bool bootstrap = false;
    int rc = parse_args(argc, argv, &o, wr_engine_catalog(e), &bootstrap);
    if (rc >= 0)
        goto out;
    rc = DG_USAGE;
    if (!o.topic || !o.quickstart) {
        usage_error("%s is required", !o.topic ? "--topic" : "--quickstart");
        goto out;
    }
    if (o.print_schema) {
        char *sql = wr_datagen_schema(o.quickstart, o.fmt, o.topic);
        rc = sql ? DG_OK : DG_KAFKA;
        if (sql)
            fputs(sql, stdout);
        else
            fprintf(stderr, "weir datagen: out of memory\n");
        free(sql);
        goto out;
    }
    if (!bootstrap) {
        usage_error("no broker: give --bootstrap HOST:PORT (or -c "
                    "kafka.bootstrap.servers=...)");
        goto out;
    }
    int64_t start =
        o.start_ms >= 0 ? o.start_ms : clock_ns(CLOCK_REALTIME) / 1000000;
    wr_datagen *g = wr_datagen_new(o.quickstart, o.fmt, o.seed, start, &st);
    if (!g) {
        fprintf(stderr, "weir datagen: %s\n", st.msg);
        rc = DG_KAFKA;
        goto out;
    }
    rd_kafka_conf_t *conf = wr_kafka_conf(wr_engine_catalog(e), true, &st);
    wr_ksink *k = conf ? wr_ksink_open(conf, o.topic, &st) : NULL;
    if (!k) {
        fprintf(stderr, "weir datagen: %s\n", st.msg);
        rc = conf || st.code != WEIR_E_BIND ? DG_KAFKA : DG_USAGE;
        wr_datagen_free(g);
        goto out;
    }
    /* The first signal stops generation (then flush and exit 0); the
     * handler is reset, so a second one ends a flush that hangs. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int64_t delivered = 0;
    rc = produce(&o, g, k, &delivered);
    wr_ksink_close(k);
    wr_datagen_free(g);
    fprintf(stderr, "datagen: %" PRId64 " records to %s\n", delivered, o.topic);
out:
    weir_engine_free(e);
    return rc;
}
