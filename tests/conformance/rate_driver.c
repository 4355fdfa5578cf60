/*
 * rate_driver.c: runs backpressure conformance cases (the format of
 * shared/conformance/spark/rate_cases.jsonl) through connectors/rate.c and
 * prints what weir computes, one JSON object per case and line, for
 * tests/conformance/run-rate to compare. It checks nothing itself.
 *
 * Usage: rate_driver [CASES]   (no argument or "-": standard input)
 *
 * The input is one JSON case, or JSON lines with one case per line. Per
 * `kind`:
 *   pid_defaults, kafka_defaults
 *       {"id", "kind", "defaults": {Spark property: weir's default}}
 *   pid  the constructor arguments of expected.rejected_constructor_args
 *       (positions named by params.arg_order) are each tried:
 *       "rejected": [{"args", "rejected": bool, "message"}];
 *       with params (batchIntervalMillis, proportional, integral,
 *       derivative, minRate) and calls ([time, elements, processingDelay,
 *       schedulingDelay] each), one estimator gets every call in order:
 *       "results": [rate or null per call], "latest_rate": the published
 *       rate afterwards.
 *   kafka_max_messages  params batch_ms, current_offsets, latest_offsets,
 *       max_rate_per_partition, min_rate_per_partition (objects keyed by
 *       partition; missing rates take the defaults), backpressure,
 *       rate_controller_latest_rate (null: none), initial_rate:
 *       "max_messages": {partition: n} or null (no limit), "until":
 *       {partition: end offset of the batch}.
 * Rates print with 17 significant digits (exact for a double), NaN and
 * infinities as Python's json reads them. A case that cannot be run
 * prints {"id", "error": "..."}; the exit status is then 1 (2 for unusable
 * input). Everything a case needs lives in one arena, freed per case.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/buf.h"
#include "connectors/rate.h"
#include "formats/json.h"

/* ---- JSON helpers --------------------------------------------------- */

static bool num_f64(const wr_jval *v, double *d)
{
    if (!v || v->kind != WR_J_NUM)
        return false;
    char *end;
    *d = strtod(v->s, &end);
    return *end == '\0';
}

/* An integer, also when written as 20.0 (the PID parameters are). */
static bool num_i64(const wr_jval *v, int64_t *x)
{
    if (!v || v->kind != WR_J_NUM)
        return false;
    char *end;
    errno = 0;
    long long ll = strtoll(v->s, &end, 10);
    if (*end == '\0' && errno == 0) {
        *x = ll;
        return true;
    }
    double d;
    if (!num_f64(v, &d) || d != floor(d) || !(d >= -9223372036854775808.0) ||
        !(d < 9223372036854775808.0))
        return false;
    *x = (int64_t)d;
    return true;
}

static void put_double(wr_buf *b, double d)
{
    if (isnan(d))
        wr_buf_puts(b, "NaN");
    else if (isinf(d))
        wr_buf_puts(b, d > 0 ? "Infinity" : "-Infinity");
    else
        wr_buf_printf(b, "%.17g", d);
}

/* ---- cases ---------------------------------------------------------- */

/* One case being run. */
typedef struct drv {
    wr_arena *ar; /* the case's arena */
    wr_buf *out;  /* the output line being built */
    char *err;    /* first error (in ar), or NULL */
} drv;

static bool fail(drv *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool fail(drv *d, const char *fmt, ...)
{
    if (!d->err) {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        d->err = wr_arena_strdup(d->ar, msg);
    }
    return false;
}

static bool run_defaults(drv *d)
{
    wr_buf *b = d->out;
    wr_buf_puts(b, ",\"defaults\":{");
    wr_buf_puts(b, "\"spark.streaming.backpressure.enabled\":");
    wr_buf_puts(b, WR_RATE_DEFAULT_BACKPRESSURE ? "true" : "false");
    wr_buf_puts(b, ",\"spark.streaming.backpressure.rateEstimator\":\"pid\"");
    wr_buf_puts(b, ",\"spark.streaming.backpressure.pid.proportional\":");
    put_double(b, WR_PID_DEFAULT_KP);
    wr_buf_puts(b, ",\"spark.streaming.backpressure.pid.integral\":");
    put_double(b, WR_PID_DEFAULT_KI);
    wr_buf_puts(b, ",\"spark.streaming.backpressure.pid.derived\":");
    put_double(b, WR_PID_DEFAULT_KD);
    wr_buf_puts(b, ",\"spark.streaming.backpressure.pid.minRate\":");
    put_double(b, WR_PID_DEFAULT_MIN_RATE);
    wr_buf_printf(b,
                  ",\"spark.streaming.kafka.maxRatePerPartition\":%" PRId64
                  ",\"spark.streaming.kafka.minRatePerPartition\":%" PRId64
                  ",\"spark.streaming.backpressure.initialRate\":%" PRId64 "}",
                  (int64_t)WR_RATE_DEFAULT_MAX_PER_PARTITION,
                  (int64_t)WR_RATE_DEFAULT_MIN_PER_PARTITION,
                  (int64_t)WR_RATE_DEFAULT_INITIAL);
    return true;
}

/* The position of a constructor argument named in params.arg_order. */
static const char *const pid_args[5] = {"batchIntervalMillis", "proportional",
                                        "integral", "derivative", "minRate"};

static bool run_pid_rejections(drv *d, const wr_jval *c, const wr_jval *list)
{
    const wr_jval *order = wr_json_get(wr_json_get(c, "params"), "arg_order");
    int pos[5] = {0, 1, 2, 3, 4};
    if (order) {
        if (order->kind != WR_J_ARR || order->n != 5)
            return fail(d, "params.arg_order: expected 5 names");
        for (int i = 0; i < 5; i++) {
            const wr_jval *nm = order->items[i];
            int k = 0;
            while (k < 5 &&
                   !(nm->kind == WR_J_STR && !strcmp(nm->s, pid_args[k])))
                k++;
            if (k == 5)
                return fail(d, "params.arg_order[%d]: unknown argument", i);
            pos[k] = i;
        }
    }
    if (list->kind != WR_J_ARR)
        return fail(d, "rejected_constructor_args: expected an array");
    wr_buf *b = d->out;
    wr_buf_puts(b, ",\"rejected\":[");
    for (int i = 0; i < list->n; i++) {
        const wr_jval *a = list->items[i];
        if (a->kind != WR_J_ARR || a->n != 5)
            return fail(d,
                        "rejected_constructor_args[%d]: expected 5 "
                        "numbers",
                        i);
        int64_t batch;
        double g[4];
        if (!num_i64(a->items[pos[0]], &batch))
            return fail(d,
                        "rejected_constructor_args[%d]: batch interval "
                        "is not an integer",
                        i);
        for (int k = 1; k < 5; k++)
            if (!num_f64(a->items[pos[k]], &g[k - 1]))
                return fail(d,
                            "rejected_constructor_args[%d][%d]: not a "
                            "number",
                            i, pos[k]);
        wr_pid p;
        weir_status st;
        weir_status_clear(&st);
        weir_rc rc = wr_pid_init(&p, batch, g[0], g[1], g[2], g[3], &st);
        wr_buf_puts(b, i ? ",{\"args\":" : "{\"args\":");
        wr_json_write(b, a);
        wr_buf_printf(b, ",\"rejected\":%s,\"message\":",
                      rc != WEIR_OK ? "true" : "false");
        wr_json_write_str(b, st.msg, strlen(st.msg));
        wr_buf_putc(b, '}');
    }
    wr_buf_putc(b, ']');
    return true;
}

static bool run_pid(drv *d, const wr_jval *c)
{
    const wr_jval *exp = wr_json_get(c, "expected");
    const wr_jval *rej = exp && exp->kind == WR_J_OBJ
                             ? wr_json_get(exp, "rejected_constructor_args")
                             : NULL;
    if (rej && !run_pid_rejections(d, c, rej))
        return false;
    const wr_jval *calls = wr_json_get(c, "calls");
    if (!calls || calls->kind != WR_J_ARR)
        return rej ? true : fail(d, "calls: expected an array");
    if (calls->n == 0 && rej)
        return true;
    const wr_jval *params = wr_json_get(c, "params");
    int64_t batch;
    double g[4];
    if (!num_i64(wr_json_get(params, pid_args[0]), &batch))
        return fail(d, "params.%s: expected an integer", pid_args[0]);
    for (int k = 1; k < 5; k++)
        if (!num_f64(wr_json_get(params, pid_args[k]), &g[k - 1]))
            return fail(d, "params.%s: expected a number", pid_args[k]);
    wr_pid p;
    weir_status st;
    if (wr_pid_init(&p, batch, g[0], g[1], g[2], g[3], &st) != WEIR_OK)
        return fail(d, "constructor rejected: %s", st.msg);
    wr_buf *b = d->out;
    wr_buf_puts(b, ",\"results\":[");
    for (int i = 0; i < calls->n; i++) {
        const wr_jval *a = calls->items[i];
        int64_t v[4];
        if (a->kind != WR_J_ARR || a->n != 4)
            return fail(d, "calls[%d]: expected 4 integers", i);
        for (int k = 0; k < 4; k++)
            if (!num_i64(a->items[k], &v[k]))
                return fail(d, "calls[%d][%d]: expected an integer", i, k);
        double rate;
        if (i)
            wr_buf_putc(b, ',');
        if (wr_pid_compute(&p, v[0], v[1], v[2], v[3], &rate))
            put_double(b, rate);
        else
            wr_buf_puts(b, "null");
    }
    wr_buf_printf(b, "],\"latest_rate\":%" PRId64, wr_pid_latest_rate(&p));
    return true;
}

/* Partition key k's integer in object obj, or dflt when absent. */
static bool part_i64(drv *d, const wr_jval *obj, const char *what,
                     const char *k, bool required, int64_t dflt, int64_t *x)
{
    const wr_jval *v =
        obj && obj->kind == WR_J_OBJ ? wr_json_get(obj, k) : NULL;
    if (!v || v->kind == WR_J_NULL) {
        if (required)
            return fail(d, "params.%s[\"%s\"]: missing", what, k);
        *x = dflt;
        return true;
    }
    if (!num_i64(v, x))
        return fail(d, "params.%s[\"%s\"]: expected an integer", what, k);
    return true;
}

static bool run_kafka(drv *d, const wr_jval *c)
{
    const wr_jval *p = wr_json_get(c, "params");
    const wr_jval *cur = wr_json_get(p, "current_offsets");
    if (!cur || cur->kind != WR_J_OBJ)
        return fail(d, "params.current_offsets: expected an object");
    int n = cur->n;
    size_t sz = (size_t)(n ? n : 1) * sizeof(int64_t);
    int64_t *current = wr_arena_alloc(d->ar, sz);
    int64_t *latest = wr_arena_alloc(d->ar, sz);
    int64_t *maxr = wr_arena_alloc(d->ar, sz);
    int64_t *minr = wr_arena_alloc(d->ar, sz);
    int64_t *mm = wr_arena_alloc(d->ar, sz);
    int64_t *until = wr_arena_alloc(d->ar, sz);
    if (!current || !latest || !maxr || !minr || !mm || !until)
        return fail(d, "out of memory");
    wr_rate_opts o;
    int64_t batch;
    if (!num_i64(wr_json_get(p, "batch_ms"), &batch))
        return fail(d, "params.batch_ms: expected an integer");
    wr_rate_opts_init(&o, batch);
    for (int i = 0; i < n; i++) {
        const char *k = cur->keys[i];
        if (!part_i64(d, cur, "current_offsets", k, true, 0, &current[i]) ||
            !part_i64(d, wr_json_get(p, "latest_offsets"), "latest_offsets", k,
                      true, 0, &latest[i]) ||
            !part_i64(d, wr_json_get(p, "max_rate_per_partition"),
                      "max_rate_per_partition", k, false,
                      WR_RATE_DEFAULT_MAX_PER_PARTITION, &maxr[i]) ||
            !part_i64(d, wr_json_get(p, "min_rate_per_partition"),
                      "min_rate_per_partition", k, false,
                      WR_RATE_DEFAULT_MIN_PER_PARTITION, &minr[i]))
            return false;
    }
    o.max_rates = maxr;
    o.min_rates = minr;
    const wr_jval *bp = wr_json_get(p, "backpressure");
    if (bp && bp->kind == WR_J_BOOL)
        o.backpressure = bp->b;
    else if (bp && bp->kind != WR_J_NULL)
        return fail(d, "params.backpressure: expected true or false");
    const wr_jval *lr = wr_json_get(p, "rate_controller_latest_rate");
    if (lr && lr->kind != WR_J_NULL && !num_i64(lr, &o.latest_rate))
        return fail(d, "params.rate_controller_latest_rate: expected an "
                       "integer or null");
    const wr_jval *ir = wr_json_get(p, "initial_rate");
    if (ir && ir->kind != WR_J_NULL && !num_i64(ir, &o.initial_rate))
        return fail(d, "params.initial_rate: expected an integer");

    bool limited = wr_rate_limits(&o, n, current, latest, mm);
    wr_rate_until(n, current, latest, limited ? mm : NULL, until);
    wr_buf *b = d->out;
    wr_buf_puts(b, ",\"max_messages\":");
    if (limited) {
        wr_buf_putc(b, '{');
        for (int i = 0; i < n; i++) {
            if (i)
                wr_buf_putc(b, ',');
            wr_json_write_str(b, cur->keys[i], strlen(cur->keys[i]));
            wr_buf_printf(b, ":%" PRId64, mm[i]);
        }
        wr_buf_putc(b, '}');
    } else {
        wr_buf_puts(b, "null");
    }
    wr_buf_puts(b, ",\"until\":{");
    for (int i = 0; i < n; i++) {
        if (i)
            wr_buf_putc(b, ',');
        wr_json_write_str(b, cur->keys[i], strlen(cur->keys[i]));
        wr_buf_printf(b, ":%" PRId64, until[i]);
    }
    wr_buf_putc(b, '}');
    return true;
}

/* Runs the case in text[0..n) and prints its line. Returns false when the
 * case could not be run. */
static bool run_case(const char *text, size_t n, int lineno)
{
    wr_arena *ar = wr_arena_new(0);
    wr_buf out = WR_BUF_INIT;
    drv d = {ar, &out, NULL};
    if (!ar) {
        fprintf(stderr, "rate_driver: out of memory\n");
        return false;
    }
    char err[200];
    const wr_jval *c = wr_json_parse(ar, text, n, err, sizeof err);
    const wr_jval *id = c ? wr_json_get(c, "id") : NULL;
    const wr_jval *kind = c ? wr_json_get(c, "kind") : NULL;
    wr_buf_puts(&out, "{\"id\":");
    if (id && id->kind == WR_J_STR)
        wr_json_write_str(&out, id->s, (size_t)id->len);
    else
        wr_buf_printf(&out, "\"line %d\"", lineno);
    if (!c) {
        fail(&d, "line %d: %s", lineno, err);
    } else if (c->kind != WR_J_OBJ || !kind || kind->kind != WR_J_STR) {
        fail(&d, "expected an object with a string \"kind\"");
    } else {
        wr_buf_puts(&out, ",\"kind\":");
        wr_json_write_str(&out, kind->s, (size_t)kind->len);
        if (!strcmp(kind->s, "pid_defaults") ||
            !strcmp(kind->s, "kafka_defaults"))
            run_defaults(&d);
        else if (!strcmp(kind->s, "pid"))
            run_pid(&d, c);
        else if (!strcmp(kind->s, "kafka_max_messages"))
            run_kafka(&d, c);
        else
            fail(&d, "unknown kind \"%s\"", kind->s);
    }
    if (d.err) {
        /* Drop partial results: the id, then the error alone. */
        wr_buf_reset(&out);
        wr_buf_puts(&out, "{\"id\":");
        if (id && id->kind == WR_J_STR)
            wr_json_write_str(&out, id->s, (size_t)id->len);
        else
            wr_buf_printf(&out, "\"line %d\"", lineno);
        wr_buf_puts(&out, ",\"error\":");
        wr_json_write_str(&out, d.err, strlen(d.err));
    }
    wr_buf_puts(&out, "}\n");
    bool ok = !d.err && !out.oom;
    if (out.oom)
        fprintf(stderr, "rate_driver: out of memory\n");
    else
        fputs(wr_buf_str(&out), stdout);
    wr_buf_fini(&out);
    wr_arena_free(ar);
    return ok;
}

/* Reads all of f into a malloc'd buffer; NULL on failure. */
static char *slurp(FILE *f, size_t *n)
{
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    while (s) {
        len += fread(s + len, 1, cap - len, f);
        if (len < cap)
            break;
        char *t = realloc(s, cap * 2);
        if (!t) {
            free(s);
            return NULL;
        }
        s = t;
        cap *= 2;
    }
    if (!s || ferror(f)) {
        free(s);
        return NULL;
    }
    *n = len;
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 2 ||
        (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))) {
        fprintf(stderr, "usage: rate_driver [CASES.jsonl | -]\n");
        return 2;
    }
    const char *path = argc == 2 ? argv[1] : "-";
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "rate_driver: %s: %s\n", path, strerror(errno));
        return 2;
    }
    size_t n;
    char *text = slurp(f, &n);
    if (f != stdin)
        fclose(f);
    if (!text) {
        fprintf(stderr, "rate_driver: %s: cannot read\n", path);
        return 2;
    }
    bool ok = true;
    /* One document (possibly spread over lines), else JSON lines. */
    wr_arena *probe = wr_arena_new(0);
    bool one = probe && wr_json_parse(probe, text, n, NULL, 0) != NULL;
    wr_arena_free(probe);
    if (one) {
        ok = run_case(text, n, 1);
    } else {
        int lineno = 0;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && text[j] != '\n')
                j++;
            lineno++;
            size_t k = i;
            while (k < j &&
                   (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
                k++;
            if (k < j && !run_case(text + i, j - i, lineno))
                ok = false;
            i = j + 1;
        }
    }
    free(text);
    fflush(stdout);
    return ok ? 0 : 1;
}
