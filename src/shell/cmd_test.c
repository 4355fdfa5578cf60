/*
 * cmd_test.c: `weir test`, the query test runner (no broker needed).
 *
 *   weir test -s STATEMENTS.sql -i INPUT.json [-o EXPECTED.json]
 *             [--actual ACTUAL.json] [--batch-interval D]
 *
 * Reads ksqlDB test-runner files ({"inputs": [{topic, key, value,
 * timestamp}]}, {"outputs": [... window {start, end, type}]}), runs the
 * statements, feeds the inputs, and compares what the queries wrote with
 * the expected outputs: per topic, count first, then in order; numbers
 * compared numerically, a missing JSON field equal to null (the "semantic"
 * mode of ../shared/conformance/README.md section 9).
 *
 * Processing follows ksqlDB's runner: queries run one at a time in creation
 * order; each receives the input records of its source topics in file
 * order, then the records earlier queries wrote to its other source
 * topics. Each input record is its own micro-batch (per-record emission,
 * as with ksqlDB's caching disabled); --batch-interval D groups the inputs
 * into batches by timestamp instead.
 *
 * Exit status: 0 matched (or no expectations), 1 mismatch, 2 usage or I/O
 * error, 3 a statement was rejected, 4 a query failed at run time.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/engine_int.h"
#include "exec/exec.h"
#include "formats/json.h"
#include "planner/props.h"
#include "shell/diag.h"
#include "shell/insert.h"
#include "shell/shell.h"

enum { T_OK = 0, T_MISMATCH = 1, T_USAGE = 2, T_REJECTED = 3, T_FAILED = 4 };

/* A record of a topic: either an input (JSON key/value as written in the
 * test file) or bytes written by a query. */
typedef struct trec {
    const wr_jval *jkey, *jval; /* input records */
    bool input;
    char *key, *value; /* produced records (malloc'd); value NULL: tomb */
    int32_t klen, vlen;
    int64_t ts;
    bool windowed;
    int64_t ws, we;
    /* Where the record sits in processing order: input i is 2i; a record
     * a query writes while processing a record of position p is p | 1
     * (right after that input, as ksqlDB's test driver interleaves). */
    int64_t pos;
} trec;

typedef struct topic {
    char *name;
    trec *r;
    int n, cap;
    bool from_inputs;
} topic;

typedef struct tquery {
    weir_stmt *stmt; /* kept alive: the plan borrows its AST */
    wr_qplan *plan;
    wr_qrun *run;
} tquery;

typedef struct runner {
    topic *t;
    int nt, tcap;
    tquery *q;
    int nq, qcap;
    wr_buf actual; /* JSON array items */
    int nactual;
    wr_arena *ar; /* input DOMs */
    int64_t batch_ms;
    int64_t idle_ms; /* --idle-timeout */
    int64_t until;   /* --until: last batch time, INT64_MIN: none */
    int64_t start;   /* --start: time before batch 1, INT64_MIN: none */
    int64_t cur_pos; /* position of the record being processed */
} runner;

/* Time of the batch that holds records of timestamp ts: batches are
 * [t - B, t) of record time, named by their end t, as Spark's. */
static int64_t batch_of(const runner *r, int64_t ts)
{
    return wr_floor_div(ts, r->batch_ms) * r->batch_ms + r->batch_ms;
}

static topic *topic_get(runner *r, const char *name, bool create)
{
    for (int i = 0; i < r->nt; i++)
        if (!strcmp(r->t[i].name, name))
            return &r->t[i];
    if (!create)
        return NULL;
    if (r->nt == r->tcap) {
        r->tcap = r->tcap ? r->tcap * 2 : 8;
        r->t = realloc(r->t, sizeof *r->t * (size_t)r->tcap);
    }
    topic *t = &r->t[r->nt++];
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    return t;
}

static trec *topic_add(topic *t)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->r = realloc(t->r, sizeof *t->r * (size_t)t->cap);
    }
    trec *x = &t->r[t->n++];
    memset(x, 0, sizeof *x);
    return x;
}

/* ---- output -----------------------------------------------------------------
 */

static void put_datum_col(wr_buf *b, const wr_type *t, const wr_col *c, int row)
{
    wr_datum d;
    wr_col_get(c, row, &d);
    wr_json_put_datum(b, t, &d);
}

static weir_rc on_output(void *ctx, const wr_qplan *p, const wr_out *o,
                         weir_status *st)
{
    (void)st;
    runner *r = ctx;
    const wr_psink *s = &p->sink;
    topic *t = topic_get(r, s->topic, true);
    trec *x = topic_add(t);
    x->pos = r->cur_pos | 1;
    x->ts = o->ts;
    x->windowed = o->windowed;
    x->ws = o->wstart;
    x->we = o->wend;
    if (o->key) {
        x->key = malloc((size_t)o->klen + 1);
        memcpy(x->key, o->key, (size_t)o->klen);
        x->klen = o->klen;
    }
    if (o->value) {
        x->value = malloc((size_t)o->vlen + 1);
        memcpy(x->value, o->value, (size_t)o->vlen);
        x->vlen = o->vlen;
    }
    wr_buf *b = &r->actual;
    if (r->nactual++)
        wr_buf_puts(b, ",\n    ");
    wr_buf_puts(b, "{\"topic\": ");
    wr_json_write_str(b, s->topic, strlen(s->topic));
    wr_buf_puts(b, ", \"key\": ");
    if (!o->key)
        wr_buf_puts(b, "null");
    else if (s->key_format == WR_FMT_DELIMITED)
        wr_json_write_str(b, o->key, (size_t)o->klen);
    else if (s->nkeys > 1) /* a JSON object */
        wr_buf_putn(b, o->key, (size_t)o->klen);
    else
        put_datum_col(b, s->types[0], &o->cols[0], o->row);
    wr_buf_puts(b, ", \"value\": ");
    if (!o->value)
        wr_buf_puts(b, "null");
    else if (s->value_format == WR_FMT_JSON)
        wr_buf_putn(b, o->value, (size_t)o->vlen);
    else if (s->value_format == WR_FMT_DELIMITED)
        wr_json_write_str(b, o->value, (size_t)o->vlen);
    else
        put_datum_col(b, s->types[s->nkeys], &o->cols[s->nkeys], o->row);
    wr_buf_printf(b, ", \"timestamp\": %" PRId64, o->ts);
    if (o->windowed)
        wr_buf_printf(b,
                      ", \"window\": {\"start\": %" PRId64 ", \"end\": %" PRId64
                      ", \"type\": \"%s\"}",
                      o->wstart, o->wend, o->session ? "session" : "time");
    wr_buf_putc(b, '}');
    return WEIR_OK;
}

/* ---- input conversion ------------------------------------------------------
 */

/* Encodes a test-file key (JSON) in the scan's key format into b. */
static void key_bytes(const wr_pscan *s, const wr_jval *k, wr_buf *b,
                      wr_arena *ar)
{
    if (s->key_format == WR_FMT_JSON) {
        wr_json_write(b, k);
        return;
    }
    if (s->key_format == WR_FMT_DELIMITED || s->nkeys == 0 ||
        s->types[0]->kind == WR_T_STRING) {
        if (k->kind == WR_J_STR || k->kind == WR_J_NUM)
            wr_buf_putn(b, k->s, (size_t)k->len);
        else
            wr_json_write(b, k);
        return;
    }
    wr_col c;
    if (!wr_col_init(&c, ar, s->types[0], 1))
        return;
    wr_datum d = {.null = false};
    const char *txt = k->kind == WR_J_STR || k->kind == WR_J_NUM ? k->s : "0";
    switch (s->types[0]->kind) {
    case WR_T_INT:
        d.u.i32 = (int32_t)strtoll(txt, NULL, 10);
        break;
    case WR_T_BIGINT:
        d.u.i64 = strtoll(txt, NULL, 10);
        break;
    case WR_T_DOUBLE:
        d.u.f64 = strtod(txt, NULL);
        break;
    case WR_T_BOOLEAN:
        d.u.b = k->kind == WR_J_BOOL ? k->b : !strcasecmp(txt, "true");
        break;
    default:
        wr_buf_putn(b, txt, strlen(txt));
        return;
    }
    wr_col_put(&c, 0, &d);
    wr_encode_key(WR_FMT_KAFKA, &c, 0, b);
}

/* Fills rec from x for scan s; bytes go to kb/vb (kept until the batch is
 * run). */
static void to_record(const wr_pscan *s, const char *tname, const trec *x,
                      int64_t seq, wr_buf *kb, wr_buf *vb, wr_arena *ar,
                      wr_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->ts = x->ts;
    rec->seq = seq;
    rec->offset = seq;
    rec->topic = tname;
    rec->windowed = x->windowed;
    rec->wstart = x->ws;
    rec->wend = x->we;
    if (!x->input) {
        rec->key = x->key;
        rec->klen = x->klen;
        rec->value = x->value;
        rec->vlen = x->vlen;
        return;
    }
    if (x->jkey && x->jkey->kind != WR_J_NULL) {
        size_t at = kb->len;
        key_bytes(s, x->jkey, kb, ar);
        rec->key = (const char *)(uintptr_t)at; /* fixed up by the caller */
        rec->klen = (int32_t)(kb->len - at);
    }
    if (x->jval && x->jval->kind != WR_J_NULL) {
        size_t at = vb->len;
        if (s->value_format == WR_FMT_DELIMITED && x->jval->kind == WR_J_STR)
            wr_buf_putn(vb, x->jval->s, (size_t)x->jval->len);
        else
            wr_json_write(vb, x->jval);
        rec->value = (const char *)(uintptr_t)at;
        rec->vlen = (int32_t)(vb->len - at);
        rec->windowed = x->windowed;
    }
}

/* One record of the feed of a query: which scan and which topic record.
 * Topics are named by index: a query's output may add topics (and move
 * the topic array) while the feed is read. */
typedef struct feed {
    int si;
    int ti;      /* topic index in runner.t */
    int i;       /* record index in the topic */
    int64_t pos; /* the record's trec.pos */
} feed;

#define FREC(r, fe) (&(r)->t[(fe).ti].r[(fe).i])

/* Processing order: position, then topic and index (a total order). */
static int feed_cmp(const void *a, const void *b)
{
    const feed *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    if (x->ti != y->ti)
        return x->ti < y->ti ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static int run_query(runner *r, tquery *q, weir_status *st)
{
    const wr_qplan *p = q->plan;
    feed *f = NULL;
    int nf = 0, fcap = 0;
    /* The records of the query's topics in processing order: inputs in
     * file order, each record an earlier query wrote right after the
     * record it came from (trec.pos). */
    for (int si = 0; si < p->nscan; si++) {
        topic *t = topic_get(r, p->scans[si].topic, false);
        for (int i = 0; t && i < t->n; i++) {
            if (nf == fcap) {
                fcap = fcap ? fcap * 2 : 64;
                f = realloc(f, sizeof *f * (size_t)fcap);
            }
            f[nf++] = (feed){si, (int)(t - r->t), i, t->r[i].pos};
        }
    }
    if (nf > 1)
        qsort(f, (size_t)nf, sizeof *f, feed_cmp);
    int rc = T_OK;
    wr_buf kb = WR_BUF_INIT, vb = WR_BUF_INIT;
    wr_record *recs = malloc(sizeof *recs * (size_t)(nf + 1));
    /* With a batch interval the driver's clock ticks: batch time `now`
     * holds the records of [now - B, now) (a record older than that goes
     * into the current batch), and after its records every batch ends
     * with a tick. Empty batches tick too when something depends on them
     * (processing time, an idle timeout, --until). */
    int64_t B = r->batch_ms, now = 0;
    bool dense = B > 0 && (p->proc || r->idle_ms > 0 || r->until != INT64_MIN);
    if (B > 0) {
        int64_t zero = r->start != INT64_MIN ? r->start
                       : nf ? batch_of(r, FREC(r, f[0])->ts) - B
                            : 0;
        if (wr_qrun_clock(q->run, zero, B, r->idle_ms, st) != WEIR_OK)
            rc = T_FAILED;
        now = zero + B;
    }
    for (int i = 0; i < nf && rc == T_OK;) {
        /* A batch: one record, or (with --batch-interval) the following
         * records of the same scan within the same interval. */
        int j = i + 1;
        if (B > 0) {
            int64_t bt = batch_of(r, FREC(r, f[i])->ts);
            while (bt > now && rc == T_OK) {
                if (wr_qrun_tick(q->run, now, st) != WEIR_OK)
                    rc = T_FAILED;
                now += B;
                if (!dense && now < bt) /* skip empty batches */
                    now = bt;
            }
            while (j < nf && f[j].si == f[i].si &&
                   batch_of(r, FREC(r, f[j])->ts) <= now)
                j++;
        }
        wr_buf_reset(&kb);
        wr_buf_reset(&vb);
        for (int k = i; k < j; k++)
            to_record(&p->scans[f[k].si], r->t[f[k].ti].name, FREC(r, f[k]), k,
                      &kb, &vb, r->ar, &recs[k - i]);
        for (int k = i; k < j; k++) {
            const trec *x = FREC(r, f[k]);
            if (x->input) {
                wr_record *rec = &recs[k - i];
                if (x->jkey && x->jkey->kind != WR_J_NULL)
                    rec->key = kb.s + (uintptr_t)rec->key;
                if (x->jval && x->jval->kind != WR_J_NULL)
                    rec->value = vb.s + (uintptr_t)rec->value;
            }
        }
        r->cur_pos = f[j - 1].pos;
        if (rc == T_OK &&
            wr_qrun_batch(q->run, f[i].si, recs, j - i, st) != WEIR_OK)
            rc = T_FAILED;
        i = j;
    }
    /* The last batch with records, then empty ones up to --until. */
    if (B > 0 && rc == T_OK) {
        int64_t end = r->until != INT64_MIN && r->until > now ? r->until : now;
        for (; now <= end && rc == T_OK; now += B)
            if (wr_qrun_tick(q->run, now, st) != WEIR_OK)
                rc = T_FAILED;
    }
    const wr_qstats *qs = wr_qrun_stats(q->run);
    if (qs->decode_errors || qs->late || qs->eval_errors)
        fprintf(stderr,
                "weir test: %s: %" PRId64
                " records skipped (bad input), %" PRId64 " late, %" PRId64
                " expression errors%s%s\n",
                p->id, qs->decode_errors, qs->late, qs->eval_errors,
                qs->last_error[0] ? "; last: " : "", qs->last_error);
    free(recs);
    free(f);
    wr_buf_fini(&kb);
    wr_buf_fini(&vb);
    return rc;
}

/* ---- comparison
 * -------------------------------------------------------------- */

static bool num_eq(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return true;
    double x = strtod(a, NULL), y = strtod(b, NULL);
    if (x == y)
        return true;
    double d = fabs(x - y);
    return d <= 1e-6 || d <= 1e-12 * fmax(fabs(x), fabs(y));
}

/* Semantic equality of expected e and actual a; writes the first
 * difference's path into why. */
static bool jeq(const wr_jval *e, const wr_jval *a, char *why, size_t n,
                const char *path)
{
    if (!e || e->kind == WR_J_NULL)
        return !a || a->kind == WR_J_NULL
                   ? true
                   : (snprintf(why, n, "%s: expected null", path), false);
    if (!a || a->kind == WR_J_NULL) {
        snprintf(why, n, "%s: got null", path);
        return false;
    }
    if (e->kind == WR_J_NUM && a->kind == WR_J_NUM) {
        if (num_eq(e->s, a->s))
            return true;
        snprintf(why, n, "%s: expected %s, got %s", path, e->s, a->s);
        return false;
    }
    if (e->kind != a->kind) {
        snprintf(why, n, "%s: different JSON types", path);
        return false;
    }
    switch (e->kind) {
    case WR_J_BOOL:
        if (e->b == a->b)
            return true;
        break;
    case WR_J_STR:
        if (e->len == a->len && !memcmp(e->s, a->s, (size_t)e->len))
            return true;
        snprintf(why, n, "%s: expected \"%s\", got \"%s\"", path, e->s, a->s);
        return false;
    case WR_J_ARR:
        if (e->n != a->n)
            break;
        for (int i = 0; i < e->n; i++) {
            char p[256];
            snprintf(p, sizeof p, "%s[%d]", path, i);
            if (!jeq(e->items[i], a->items[i], why, n, p))
                return false;
        }
        return true;
    case WR_J_OBJ:
        for (int i = 0; i < e->n; i++) {
            char p[256];
            snprintf(p, sizeof p, "%s.%s", path, e->keys[i]);
            if (!jeq(e->items[i], wr_json_get(a, e->keys[i]), why, n, p))
                return false;
        }
        for (int i = 0; i < a->n; i++)
            if (a->items[i]->kind != WR_J_NULL && !wr_json_get(e, a->keys[i])) {
                snprintf(why, n, "%s: unexpected field %s", path, a->keys[i]);
                return false;
            }
        return true;
    default:
        return true;
    }
    snprintf(why, n, "%s: values differ", path);
    return false;
}

static bool rec_eq(const wr_jval *e, const wr_jval *a, char *why, size_t n)
{
    if (!jeq(wr_json_get(e, "key"), wr_json_get(a, "key"), why, n, "key"))
        return false;
    if (!jeq(wr_json_get(e, "value"), wr_json_get(a, "value"), why, n, "value"))
        return false;
    const wr_jval *ets = wr_json_get(e, "timestamp");
    if (ets && ets->kind == WR_J_NUM &&
        !jeq(ets, wr_json_get(a, "timestamp"), why, n, "timestamp"))
        return false;
    const wr_jval *ew = wr_json_get(e, "window");
    if (ew && ew->kind == WR_J_OBJ) {
        const wr_jval *aw = wr_json_get(a, "window");
        if (!aw) {
            snprintf(why, n, "window: expected a windowed key");
            return false;
        }
        if (!jeq(ew, aw, why, n, "window"))
            return false;
    }
    return true;
}

static int compare(const wr_jval *exp, const wr_jval *act)
{
    const wr_jval *eo = wr_json_get(exp, "outputs");
    const wr_jval *ao = wr_json_get(act, "outputs");
    if (!eo || eo->kind != WR_J_ARR)
        return T_OK;
    int bad = 0;
    /* Topics named in the expectations, in order of first mention. */
    for (int i = 0; i < eo->n; i++) {
        const wr_jval *tn = wr_json_get(eo->items[i], "topic");
        if (!tn || tn->kind != WR_J_STR)
            continue;
        bool seen = false;
        for (int k = 0; k < i && !seen; k++) {
            const wr_jval *t2 = wr_json_get(eo->items[k], "topic");
            seen = t2 && t2->kind == WR_J_STR && !strcmp(t2->s, tn->s);
        }
        if (seen)
            continue;
        const wr_jval *es[4096], *as[4096];
        int ne = 0, na = 0;
        for (int k = 0; k < eo->n && ne < 4096; k++) {
            const wr_jval *t2 = wr_json_get(eo->items[k], "topic");
            if (t2 && t2->kind == WR_J_STR && !strcmp(t2->s, tn->s))
                es[ne++] = eo->items[k];
        }
        for (int k = 0; ao && k < ao->n && na < 4096; k++) {
            const wr_jval *t2 = wr_json_get(ao->items[k], "topic");
            if (t2 && t2->kind == WR_J_STR && !strcmp(t2->s, tn->s))
                as[na++] = ao->items[k];
        }
        int m = ne < na ? ne : na;
        for (int k = 0; k < m; k++) {
            char why[512];
            if (!rec_eq(es[k], as[k], why, sizeof why)) {
                wr_buf x = WR_BUF_INIT, y = WR_BUF_INIT;
                wr_json_write(&x, es[k]);
                wr_json_write(&y, as[k]);
                printf("topic %s, record %d: %s\n  expected: %s\n  actual:   "
                       "%s\n",
                       tn->s, k, why, wr_buf_str(&x), wr_buf_str(&y));
                wr_buf_fini(&x);
                wr_buf_fini(&y);
                bad++;
                break;
            }
        }
        if (ne != na) {
            printf("topic %s: expected %d records, got %d\n", tn->s, ne, na);
            for (int k = m; k < ne || k < na; k++) {
                wr_buf x = WR_BUF_INIT;
                wr_json_write(&x, k < ne ? es[k] : as[k]);
                printf("  %s %s\n",
                       k < ne ? "missing:" : "extra:  ", wr_buf_str(&x));
                wr_buf_fini(&x);
            }
            bad++;
        }
    }
    return bad ? T_MISMATCH : T_OK;
}

/* ---- INSERT INTO ... VALUES ---------------------------------------------- */

/*
 * Writes the row of an INSERT VALUES statement to its target's topic,
 * encoded in the target's formats (wr_insert_encode), as ksqlDB's runner
 * does: ROWTIME sets the timestamp (0 otherwise). The record is also part
 * of the actual output. Borrows everything; errors with st set.
 */
static weir_rc insert_values(runner *r, const wr_catalog *cat,
                             const wr_stmt *ast, weir_status *st)
{
    wr_insert ins;
    weir_rc rc = wr_insert_encode(&ins, cat, ast, 0, r->ar, st);
    if (rc == WEIR_OK)
        rc = on_output(r, &ins.plan, &ins.out, st);
    wr_insert_fini(&ins);
    return rc;
}

/* ---- main
 * ---------------------------------------------------------------------- */

static const wr_jval *load_json(wr_arena *ar, const char *path, char **text)
{
    size_t len;
    *text = wr_shell_read_file(path, &len);
    if (!*text) {
        fprintf(stderr, "weir test: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    char err[256];
    const wr_jval *v = wr_json_parse(ar, *text, len, err, sizeof err);
    if (!v)
        fprintf(stderr, "weir test: %s: %s\n", path, err);
    return v;
}

int wr_cmd_test(int argc, char **argv)
{
    const char *sfile = NULL, *ifile = NULL, *ofile = NULL, *afile = NULL;
    runner r;
    memset(&r, 0, sizeof r);
    r.until = r.start = INT64_MIN;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if ((!strcmp(a, "-s") || !strcmp(a, "--statements")) && v)
            sfile = v, i++;
        else if ((!strcmp(a, "-i") || !strcmp(a, "--input")) && v)
            ifile = v, i++;
        else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && v)
            ofile = v, i++;
        else if (!strcmp(a, "--actual") && v)
            afile = v, i++;
        else if (!strcmp(a, "--batch-interval") && v) {
            r.batch_ms = wr_props_duration_ms(v);
            i++;
            if (r.batch_ms <= 0) {
                fprintf(stderr, "weir test: bad --batch-interval '%s'\n", v);
                return T_USAGE;
            }
        } else if ((!strcmp(a, "--until") || !strcmp(a, "--start")) && v) {
            char *end;
            long long t = strtoll(v, &end, 10);
            i++;
            if (*end || end == v) {
                fprintf(stderr, "weir test: bad %s '%s' (ms)\n", a, v);
                return T_USAGE;
            }
            if (a[2] == 'u')
                r.until = t;
            else
                r.start = t;
        } else if (!strcmp(a, "--idle-timeout") && v) {
            r.idle_ms = wr_props_duration_ms(v);
            i++;
            if (r.idle_ms <= 0) {
                fprintf(stderr, "weir test: bad --idle-timeout '%s'\n", v);
                return T_USAGE;
            }
        } else {
            fprintf(stderr,
                    "usage: weir test -s STATEMENTS.sql [-i INPUT.json] "
                    "[-o EXPECTED.json] [--actual ACTUAL.json] "
                    "[--batch-interval D [--start MS] [--until MS] "
                    "[--idle-timeout D]]\n");
            return T_USAGE;
        }
    }
    if (!r.batch_ms &&
        (r.until != INT64_MIN || r.start != INT64_MIN || r.idle_ms)) {
        fprintf(stderr, "weir test: --start, --until and --idle-timeout "
                        "need --batch-interval\n");
        return T_USAGE;
    }
    if (!sfile) {
        fprintf(stderr, "weir test: -s STATEMENTS.sql is required\n");
        return T_USAGE;
    }
    r.ar = wr_arena_new(1 << 16);
    char *itext = NULL, *otext = NULL;
    const wr_jval *inputs = NULL, *expected = NULL;
    size_t len;
    char *sql = NULL;
    if ((ifile && !(inputs = load_json(r.ar, ifile, &itext))) ||
        (ofile && !(expected = load_json(r.ar, ofile, &otext))) ||
        !(sql = wr_shell_read_file(sfile, &len))) {
        if (!sql && (!ifile || inputs) && (!ofile || expected))
            fprintf(stderr, "weir test: %s: %s\n", sfile, strerror(errno));
        free(itext);
        free(otext);
        wr_arena_free(r.ar);
        return T_USAGE;
    }
    /* Inputs into their topics, in file order (pos: 2 * index). */
    const wr_jval *il = inputs ? wr_json_get(inputs, "inputs") : NULL;
    for (int i = 0; il && il->kind == WR_J_ARR && i < il->n; i++) {
        const wr_jval *x = il->items[i];
        const wr_jval *tn = wr_json_get(x, "topic");
        if (!tn || tn->kind != WR_J_STR)
            continue;
        topic *t = topic_get(&r, tn->s, true);
        t->from_inputs = true;
        trec *rec = topic_add(t);
        rec->input = true;
        rec->jkey = wr_json_get(x, "key");
        rec->jval = wr_json_get(x, "value");
        rec->pos = 2 * (int64_t)i;
        const wr_jval *ts = wr_json_get(x, "timestamp");
        rec->ts = ts && ts->kind == WR_J_NUM ? strtoll(ts->s, NULL, 10) : 0;
        const wr_jval *w = wr_json_get(x, "window");
        if (w && w->kind == WR_J_OBJ) {
            const wr_jval *s = wr_json_get(w, "start"),
                          *e = wr_json_get(w, "end");
            rec->windowed = true;
            rec->ws = s && s->kind == WR_J_NUM ? strtoll(s->s, NULL, 10) : 0;
            rec->we = e && e->kind == WR_J_NUM ? strtoll(e->s, NULL, 10) : 0;
        }
    }
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    int rc = e ? T_OK : T_FAILED;
    size_t pos = 0;
    while (rc == T_OK && pos < len) {
        weir_stmt *s = NULL;
        if (weir_engine_prepare(e, sql, len, &pos, &s, &st) != WEIR_OK) {
            wr_diag_print(stderr, sfile, sql, len, &st);
            rc = T_REJECTED;
            break;
        }
        if (!s)
            break;
        const wr_bound *b = wr_stmt_bound(s);
        const wr_stmt *ast = wr_stmt_ast(s);
        wr_qplan *plan = NULL;
        if (ast->kind == WR_S_INSERT_VALUES) {
            if (insert_values(&r, wr_engine_catalog(e), ast, &st) != WEIR_OK) {
                if (st.loc.off < 0)
                    st.loc = ast->loc;
                wr_diag_print(stderr, sfile, sql, len, &st);
                rc = T_REJECTED;
            }
            weir_stmt_free(s);
            continue;
        }
        if (b->query && b->query_kind) {
            const wr_source *sink =
                b->create ? b->create
                          : wr_catalog_get(wr_engine_catalog(e), b->sink_name);
            char id[64];
            snprintf(id, sizeof id, "%s_%d", b->query_kind, r.nq);
            plan = wr_plan_lower(wr_engine_catalog(e), b->query, sink, id, &st);
            if (!plan) {
                if (st.loc.off < 0)
                    st.loc = ast->loc;
                wr_diag_print(stderr, sfile, sql, len, &st);
                weir_stmt_free(s);
                rc = T_REJECTED;
                break;
            }
        }
        if (weir_stmt_apply(s, &st) != WEIR_OK) {
            wr_diag_print(stderr, sfile, sql, len, &st);
            wr_plan_free(plan);
            weir_stmt_free(s);
            rc = T_REJECTED;
            break;
        }
        if (!plan) {
            weir_stmt_free(s);
            continue;
        }
        if (r.nq == r.qcap) {
            r.qcap = r.qcap ? r.qcap * 2 : 4;
            r.q = realloc(r.q, sizeof *r.q * (size_t)r.qcap);
        }
        tquery *q = &r.q[r.nq++];
        q->stmt = s;
        q->plan = plan;
        q->run = wr_qrun_new(plan, 1, on_output, &r, &st);
        if (!q->run)
            rc = T_FAILED;
    }
    for (int i = 0; rc == T_OK && i < r.nq; i++) {
        rc = run_query(&r, &r.q[i], &st);
        if (rc != T_OK)
            fprintf(stderr, "weir test: %s failed: %s\n", r.q[i].plan->id,
                    st.msg);
    }
    if (rc == T_OK && afile) {
        FILE *f = fopen(afile, "w");
        if (!f) {
            fprintf(stderr, "weir test: %s: %s\n", afile, strerror(errno));
            rc = T_USAGE;
        } else {
            fprintf(f, "{\"outputs\": [\n    %s\n]}\n", wr_buf_str(&r.actual));
            fclose(f);
        }
    }
    if (rc == T_OK && expected) {
        wr_buf doc = WR_BUF_INIT;
        wr_buf_printf(&doc, "{\"outputs\": [%s]}", wr_buf_str(&r.actual));
        char err[256];
        const wr_jval *act =
            wr_json_parse(r.ar, wr_buf_str(&doc), doc.len, err, sizeof err);
        if (!act) {
            fprintf(stderr, "weir test: internal: actual output: %s\n", err);
            rc = T_FAILED;
        } else {
            rc = compare(expected, act);
            if (rc == T_OK)
                printf("PASS: %d records matched\n", r.nactual);
        }
        wr_buf_fini(&doc);
    }
    for (int i = 0; i < r.nq; i++) {
        wr_qrun_free(r.q[i].run);
        wr_plan_free(r.q[i].plan);
        weir_stmt_free(r.q[i].stmt);
    }
    for (int i = 0; i < r.nt; i++) {
        for (int k = 0; k < r.t[i].n; k++) {
            free(r.t[i].r[k].key);
            free(r.t[i].r[k].value);
        }
        free(r.t[i].r);
        free(r.t[i].name);
    }
    free(r.t);
    free(r.q);
    weir_engine_free(e);
    wr_buf_fini(&r.actual);
    wr_arena_free(r.ar);
    free(sql);
    free(itext);
    free(otext);
    return rc;
}
