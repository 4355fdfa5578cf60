/*
 * test_exec.c: the executor against brute force (unit_exec).
 *
 * Random keyed records with out-of-order timestamps go through a windowed
 * EMIT FINAL aggregation in micro-batches of random sizes; the emitted rows
 * must equal windows computed directly from the records. This checks
 * pane slicing and the two-stacks sliding merge (order-sensitive
 * aggregates included: COLLECT_LIST and EARLIEST_BY_OFFSET merge in
 * processing order), partial/final aggregation with two threads, and
 * window closing across batches.
 *
 * Then small SQL cases with exact outputs: operator state keeps nested
 * values (wr_row_copy, rowmap keys, window scans, joins, tables), the key
 * of a multi-way join is the last join's, and late stream-stream join
 * rows are dropped and counted (or NULL-padded on an outer side).
 */
#include "test.h"

#include "common/buf.h"
#include "engine/engine_int.h"
#include "exec/exec.h"
#include "exec/rowmap.h"

#define NREC 20000
#define MAXROWS 200000

typedef struct row {
    char key;
    int64_t ws;
    int64_t count, sum;
    int nlist;
    int list[64];
    int earliest;
} row;

typedef struct sink {
    row *rows;
    int n;
} sink;

static weir_rc collect(void *ctx, const wr_qplan *p, const wr_out *o,
                       weir_status *st)
{
    (void)p;
    (void)st;
    sink *s = ctx;
    if (s->n >= MAXROWS || !o->value)
        return WEIR_OK;
    row *r = &s->rows[s->n++];
    memset(r, 0, sizeof *r);
    wr_datum d;
    wr_col_get(&o->cols[0], o->row, &d);
    r->key = d.u.str.p[0];
    r->ws = o->wstart;
    wr_col_get(&o->cols[1], o->row, &d);
    r->count = d.u.i64;
    wr_col_get(&o->cols[2], o->row, &d);
    r->sum = d.u.i32;
    wr_col_get(&o->cols[3], o->row, &d);
    for (int i = 0; i < d.u.nest->n && i < 64; i++)
        r->list[r->nlist++] = d.u.nest->items[i].u.i32;
    wr_col_get(&o->cols[4], o->row, &d);
    r->earliest = d.null ? -1 : d.u.i32;
    return WEIR_OK;
}

static int row_cmp(const void *x, const void *y)
{
    const row *a = x, *b = y;
    if (a->key != b->key)
        return a->key - b->key;
    return (a->ws > b->ws) - (a->ws < b->ws);
}

static uint64_t rnd_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* Runs `window` over random records with `threads` threads and compares
 * with brute force; size/advance in ms. Returns the number of rows. */
static int run_case(const char *window, int64_t size, int64_t adv, int threads)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE STREAM s (k STRING KEY, v INT) WITH (KAFKA_TOPIC='t', "
             "VALUE_FORMAT='JSON');"
             "SELECT k, COUNT(*) AS c, SUM(v) AS s, COLLECT_LIST(v) AS l, "
             "EARLIEST_BY_OFFSET(v) AS e FROM s WINDOW %s GROUP BY k "
             "EMIT FINAL;",
             window);
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    weir_stmt *keep = NULL;
    wr_qplan *plan = wr_engine_plan_first_query(e, sql, "t", &keep, &st);
    if (!plan) {
        fprintf(stderr, "lowering: %s\n", st.msg);
        return -1;
    }
    /* Records: keys a..c, timestamps advancing with disorder < grace. */
    static char vals[NREC][32];
    static wr_record recs[NREC];
    static char keys[NREC];
    static int64_t ts[NREC];
    static int v[NREC];
    int64_t t = 0;
    for (int i = 0; i < NREC; i++) {
        t += (int64_t)(rnd() % 7);
        ts[i] = t - (int64_t)(rnd() % 40);
        if (ts[i] < 0)
            ts[i] = 0;
        keys[i] = (char)('a' + rnd() % 3);
        v[i] = (int)(rnd() % 100);
        snprintf(vals[i], sizeof vals[i], "{\"V\":%d}", v[i]);
        recs[i] = (wr_record){.key = &keys[i],
                              .klen = 1,
                              .value = vals[i],
                              .vlen = (int32_t)strlen(vals[i]),
                              .ts = ts[i],
                              .offset = i,
                              .seq = i,
                              .topic = "t"};
    }
    sink out = {calloc(MAXROWS, sizeof(row)), 0};
    wr_qrun *q = wr_qrun_new(plan, threads, collect, &out, &st);
    for (int i = 0; i < NREC;) {
        int n = threads > 1 ? 9000 : 1 + (int)(rnd() % 60);
        if (n > NREC - i)
            n = NREC - i;
        wr_qrun_batch(q, 0, recs + i, n, &st);
        i += n;
    }
    wr_qrun_finish(q, &st);
    /* Brute force: each record added to every window covering it. */
    int64_t nwin = t / adv + 2;
    row *grid = calloc((size_t)(3 * nwin), sizeof(row));
    for (int i = 0; i < NREC; i++) {
        int64_t lo = ts[i] - size + 1 < 0 ? 0 : ts[i] - size + 1;
        for (int64_t w = (lo + adv - 1) / adv * adv; w <= ts[i]; w += adv) {
            row *r = &grid[(keys[i] - 'a') * nwin + w / adv];
            if (!r->count) {
                r->key = keys[i];
                r->ws = w;
                r->earliest = v[i];
            }
            r->count++;
            r->sum += v[i];
            if (r->nlist < 64)
                r->list[r->nlist++] = v[i];
        }
    }
    row *want = calloc(MAXROWS, sizeof(row));
    int nw = 0;
    for (int64_t i = 0; i < 3 * nwin; i++)
        if (grid[i].count && nw < MAXROWS)
            want[nw++] = grid[i];
    free(grid);
    qsort(out.rows, (size_t)out.n, sizeof(row), row_cmp);
    int bad = nw != out.n;
    for (int i = 0; !bad && i < nw; i++) {
        row *a = &want[i], *b = &out.rows[i];
        bad = a->key != b->key || a->ws != b->ws || a->count != b->count ||
              a->sum != b->sum || a->nlist != b->nlist ||
              memcmp(a->list, b->list, sizeof(int) * (size_t)a->nlist) ||
              a->earliest != b->earliest;
        if (bad)
            fprintf(stderr,
                    "%s: row %d: key %c ws %lld: want count %lld sum %lld "
                    "earliest %d, got ws %lld count %lld sum %lld earliest "
                    "%d\n",
                    window, i, a->key, (long long)a->ws, (long long)a->count,
                    (long long)a->sum, a->earliest, (long long)b->ws,
                    (long long)b->count, (long long)b->sum, b->earliest);
    }
    if (nw != out.n)
        fprintf(stderr, "%s: want %d rows, got %d\n", window, nw, out.n);
    wr_qrun_free(q);
    wr_plan_free(plan);
    weir_stmt_free(keep);
    weir_engine_free(e);
    free(want);
    free(out.rows);
    return bad ? -1 : nw;
}

TEST(tumbling_matches_brute_force)
{
    CHECK_INT(run_case("TUMBLING (SIZE 50 MILLISECONDS, GRACE PERIOD 1 "
                       "SECOND)",
                       50, 50, 1),
              >, 100);
}

TEST(hopping_slides_like_brute_force)
{
    /* 12 panes of 10 ms per window: the two stacks flip many times. */
    CHECK_INT(run_case("HOPPING (SIZE 120 MILLISECONDS, ADVANCE BY 30 "
                       "MILLISECONDS, GRACE PERIOD 1 SECOND)",
                       120, 30, 1),
              >, 100);
    CHECK_INT(run_case("HOPPING (SIZE 100 MILLISECONDS, ADVANCE BY 7 "
                       "MILLISECONDS, GRACE PERIOD 1 SECOND)",
                       100, 7, 1),
              >, 100);
}

TEST(partial_final_with_threads)
{
    CHECK_INT(run_case("HOPPING (SIZE 120 MILLISECONDS, ADVANCE BY 30 "
                       "MILLISECONDS, GRACE PERIOD 1 SECOND)",
                       120, 30, 2),
              >, 100);
}

/* The keyed state of joins and tables: many keys (the table grows), rows
 * in arrival order per key, removal, filtering, NULL keys never kept. */
static bool keep_even(void *r, void *arg)
{
    ++*(int *)arg;
    return ((intptr_t)r & 1) == 0;
}

TEST(rowmap_keys_rows_and_filter)
{
    const wr_type *kt[2] = {wr_type_prim(WR_T_STRING), wr_type_prim(WR_T_INT)};
    wr_rowmap m;
    wr_rowmap_init(&m, 2, kt);
    char buf[32];
    for (intptr_t i = 1; i <= 3000; i++) {
        wr_datum k[2] = {{0}, {0}};
        snprintf(buf, sizeof buf, "k%d", (int)(i % 1000));
        k[0].u.str.p = buf;
        k[0].u.str.len = (int32_t)strlen(buf);
        k[1].u.i32 = (int32_t)(i % 7 == 0);
        CHECK(wr_rowmap_add(&m, k, (void *)i));
    }
    wr_datum nk[2] = {{0}, {0}};
    nk[0].null = true;
    CHECK(wr_rowmap_add(&m, nk, (void *)1)); /* ignored */
    CHECK(wr_rowmap_find(&m, nk) == NULL);
    wr_datum k[2] = {{0}, {0}};
    k[0].u.str.p = "k5";
    k[0].u.str.len = 2;
    wr_rment *e = wr_rowmap_find(&m, k); /* i = 5, 1005, 2005 (none % 7) */
    CHECK(e != NULL);
    CHECK_INT(e->n, ==, 3);
    CHECK_INT((int)(intptr_t)e->rows[0], ==, 5);
    CHECK_INT((int)(intptr_t)e->rows[2], ==, 2005);
    wr_rowmap_remove(&m, e, 1);
    e = wr_rowmap_find(&m, k);
    CHECK_INT(e->n, ==, 2);
    CHECK_INT((int)(intptr_t)e->rows[1], ==, 2005);
    int seen = 0;
    size_t left = wr_rowmap_filter(&m, keep_even, &seen);
    CHECK_INT(seen, ==, 2999);
    CHECK_INT((int)left, ==, 1500);       /* 1005 was removed: odd */
    CHECK(wr_rowmap_find(&m, k) == NULL); /* 5 and 2005: both odd */
    k[0].u.str.p = "k6";
    e = wr_rowmap_find(&m, k);
    CHECK(e != NULL && e->n == 3);
    wr_rowmap_fini(&m, NULL);
}

/* ---- operator state: nested values, join keys, late join rows ---------- */

/* A copy of the string v in ar (which owns it). */
static wr_datum str_in(wr_arena *ar, const char *v)
{
    size_t n = strlen(v);
    char *p = wr_arena_alloc(ar, n + 1);
    memcpy(p, v, n + 1);
    return (wr_datum){.null = false, .u.str = {p, (int32_t)n}};
}

/* An ARRAY<STRING> (type t, borrowed) of the n strings v ("" stands for
 * NULL), built in ar, which owns it; v is borrowed. */
static wr_datum str_array(wr_arena *ar, const wr_type *t, int n,
                          const char *const *v)
{
    wr_val *x = wr_arena_zalloc(ar, sizeof *x);
    x->type = t;
    x->n = n;
    x->items = wr_arena_zalloc(ar, sizeof(wr_datum) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        x->items[i] = str_in(ar, v[i]);
        x->items[i].null = v[i][0] == '\0';
    }
    return (wr_datum){.null = false, .u.nest = x};
}

/* The row d[0..6) of a STRING, an ARRAY<STRING>, a MAP<STRING,
 * ARRAY<STRING>>, a STRUCT<N INT, L ARRAY<STRING>>, a NULL ARRAY and an
 * INT (types t, borrowed), built in ar, which owns its strings and nested
 * values; tag (borrowed) changes the strings. */
static void nested_row(wr_arena *ar, const wr_type *const *t, const char *tag,
                       wr_datum *d)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "alpha-%s", tag);
    snprintf(b, sizeof b, "b-%s", tag);
    const char *two[2] = {a, b}, *three[3] = {b, "", a};
    memset(d, 0, sizeof(wr_datum) * 6);
    char s[32];
    snprintf(s, sizeof s, "s-%s", tag);
    d[0] = str_in(ar, s);
    d[1] = str_array(ar, t[1], 2, two);
    wr_val *m = wr_arena_zalloc(ar, sizeof *m);
    m->type = t[2];
    m->n = 2;
    m->items = wr_arena_zalloc(ar, sizeof(wr_datum) * 4);
    m->items[0] = str_in(ar, a);
    m->items[1] = str_array(ar, t[1], 3, three);
    m->items[2] = str_in(ar, b);
    m->items[3].null = true;
    d[2].u.nest = m;
    wr_val *st = wr_arena_zalloc(ar, sizeof *st);
    st->type = t[3];
    st->n = 2;
    st->items = wr_arena_zalloc(ar, sizeof(wr_datum) * 2);
    st->items[0].u.i32 = 42;
    st->items[1] = str_array(ar, t[1], 3, three);
    d[3].u.nest = st;
    d[4].null = true;
    d[5].u.i32 = -7;
}

TEST(row_copy_keeps_nested_values)
{
    wr_arena *tar = wr_arena_new(0);
    const wr_type *str = wr_type_prim(WR_T_STRING);
    const wr_type *arr = wr_type_array(tar, str);
    wr_field f[2] = {{"N", wr_type_prim(WR_T_INT)}, {"L", arr}};
    const wr_type *t[6] = {str,
                           arr,
                           wr_type_map(tar, str, arr),
                           wr_type_struct(tar, f, 2),
                           arr,
                           wr_type_prim(WR_T_INT)};
    wr_arena *src = wr_arena_new(0), *ref = wr_arena_new(0);
    wr_datum d[6], want[6];
    nested_row(src, t, "x", d);
    nested_row(ref, t, "x", want);
    wr_datum *copy = wr_row_copy(6, t, d);
    CHECK(copy != NULL);
    /* The copy owns everything: the source's memory goes away. */
    wr_arena_free(src);
    for (int i = 0; i < 6; i++)
        if (!wr_datum_equal(t[i], &copy[i], &want[i]))
            FAIL_AT("column %d of the copy differs", i);
    CHECK(!copy[1].null && copy[1].u.nest->n == 2);
    CHECK(copy[4].null);
    CHECK(copy[3].u.nest->type == t[3]);
    wr_free(copy);

    /* A rowmap keyed by an ARRAY keeps its own copy of the key. */
    wr_rowmap m;
    const wr_type *kt[1] = {arr};
    wr_rowmap_init(&m, 1, kt);
    wr_arena *k1 = wr_arena_new(0), *k2 = wr_arena_new(0);
    const char *key[2] = {"k", "ey"};
    wr_datum k = str_array(k1, arr, 2, key);
    CHECK(wr_rowmap_add(&m, &k, (void *)1));
    wr_arena_free(k1);
    wr_datum again = str_array(k2, arr, 2, key);
    wr_rment *e = wr_rowmap_find(&m, &again);
    CHECK(e != NULL && e->n == 1);
    CHECK(wr_datum_equal(arr, &e->key[0], &again));
    wr_arena_free(k2);
    wr_rowmap_fini(&m, NULL);
    wr_arena_free(ref);
    wr_arena_free(tar);
}

/* One input record of a SQL case: source si, key, JSON value, ROWTIME. */
typedef struct sqlrec {
    int si;
    const char *key;
    const char *value;
    int64_t ts;
} sqlrec;

/* Appends the output record o as a line "key value @ts" to the wr_buf
 * ctx (borrowed, like o). */
static weir_rc collect_text(void *ctx, const wr_qplan *p, const wr_out *o,
                            weir_status *st)
{
    (void)p;
    (void)st;
    wr_buf_printf(ctx, "%.*s %.*s @%lld\n", o->key ? (int)o->klen : 4,
                  o->key ? o->key : "NULL", o->value ? (int)o->vlen : 4,
                  o->value ? o->value : "NULL", (long long)o->ts);
    return WEIR_OK;
}

/* Runs the first query of sql over recs, each its own batch (as `weir
 * test` does), appending the output to out; *late gets the late count.
 * Borrows everything. false on an error. */
static bool run_sql(const char *sql, const sqlrec *recs, int n, wr_buf *out,
                    int64_t *late)
{
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    weir_stmt *stmt = NULL;
    wr_qplan *p = wr_engine_plan_first_query(e, sql, "q", &stmt, &st);
    wr_qrun *q = p ? wr_qrun_new(p, 1, collect_text, out, &st) : NULL;
    bool ok = q != NULL;
    for (int i = 0; ok && i < n; i++) {
        wr_record r = {.key = recs[i].key,
                       .klen = recs[i].key ? (int32_t)strlen(recs[i].key) : 0,
                       .value = recs[i].value,
                       .vlen =
                           recs[i].value ? (int32_t)strlen(recs[i].value) : 0,
                       .ts = recs[i].ts,
                       .offset = i,
                       .seq = i,
                       .topic = "t"};
        ok = wr_qrun_batch(q, recs[i].si, &r, 1, &st) == WEIR_OK;
    }
    if (!ok)
        fprintf(stderr, "%s\n", st.msg);
    if (q)
        *late = wr_qrun_stats(q)->late;
    wr_qrun_free(q);
    wr_plan_free(p);
    weir_stmt_free(stmt);
    weir_engine_free(e);
    return ok;
}

/* Checks that sql over recs outputs exactly want, with `late` late rows. */
#define CHECK_SQL(sql, recs, want, late_want)                                  \
    do {                                                                       \
        wr_buf out_ = WR_BUF_INIT;                                             \
        int64_t late_ = -1;                                                    \
        bool ok_ = run_sql(sql, recs, (int)(sizeof recs / sizeof recs[0]),     \
                           &out_, &late_);                                     \
        char got_[4096];                                                       \
        snprintf(got_, sizeof got_, "%s", wr_buf_str(&out_));                  \
        wr_buf_fini(&out_);                                                    \
        CHECK(ok_);                                                            \
        CHECK_STR(got_, want);                                                 \
        CHECK_INT(late_, ==, late_want);                                       \
    } while (0)

#define NESTED_DDL                                                             \
    "CREATE STREAM l (k STRING KEY, a ARRAY<INT>, m MAP<STRING, INT>) "        \
    "WITH (KAFKA_TOPIC='l', VALUE_FORMAT='JSON');"                             \
    "CREATE STREAM r (k STRING KEY, st STRUCT<x INT, y ARRAY<STRING>>) "       \
    "WITH (KAFKA_TOPIC='r', VALUE_FORMAT='JSON');"                             \
    "CREATE TABLE t (k STRING PRIMARY KEY, a ARRAY<INT>) "                     \
    "WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"

TEST(nested_values_survive_operator_state)
{
    /* Window scan: the kept rows keep their nested columns. */
    static const sqlrec ws[] = {
        {0, "x", "{\"A\":[1,2],\"M\":{\"k\":3}}", 3},
        {0, "y", "{\"A\":[],\"M\":{\"a\":null}}", 4},
        {0, "z", "{\"A\":[5]}", 12},
    };
    CHECK_SQL(NESTED_DDL "SELECT k, a, m FROM l WINDOW TUMBLING (SIZE 10 "
                         "MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) "
                         "EMIT FINAL;",
              ws,
              "\"x\" {\"A\":[1,2],\"M\":{\"k\":3}} @3\n"
              "\"y\" {\"A\":[],\"M\":{\"a\":null}} @4\n",
              0);
    /* Stream-stream join: the buffered side's and the output's nested
     * columns. */
    static const sqlrec ss[] = {
        {0, "x", "{\"A\":[1,2],\"M\":{\"k\":3}}", 3},
        {1, "x", "{\"ST\":{\"X\":4,\"Y\":[\"p\",\"q\"]}}", 5},
        {0, "x", "{\"A\":[7],\"M\":{}}", 6},
    };
    CHECK_SQL(NESTED_DDL "SELECT l.k AS k, l.a, l.m, r.st FROM l JOIN r "
                         "WITHIN 10 MILLISECONDS ON l.k = r.k EMIT CHANGES;",
              ss,
              "\"x\" {\"A\":[1,2],\"M\":{\"k\":3},\"ST\":{\"X\":4,\"Y\":"
              "[\"p\",\"q\"]}} @5\n"
              "\"x\" {\"A\":[7],\"M\":{},\"ST\":{\"X\":4,\"Y\":[\"p\",\"q\"]}} "
              "@6\n",
              0);
    /* Stream-table join: the table's nested column. */
    static const sqlrec st[] = {
        {1, "x", "{\"A\":[8,9]}", 1},
        {0, "x", "{\"A\":[1]}", 2},
    };
    CHECK_SQL("CREATE TABLE t (k STRING PRIMARY KEY, a ARRAY<INT>) WITH "
              "(KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"
              "CREATE STREAM l (k STRING KEY, a ARRAY<INT>) WITH "
              "(KAFKA_TOPIC='l', VALUE_FORMAT='JSON');"
              "SELECT l.k AS k, l.a AS la, t.a AS ta FROM l JOIN t "
              "ON l.k = t.k EMIT CHANGES;",
              st, "\"x\" {\"LA\":[1],\"TA\":[8,9]} @2\n", 0);
    /* A table aggregated: an update retracts the old row's array from
     * its group, and COUNT(a) counts the key's current row once. */
    static const sqlrec tg[] = {
        {0, "x", "{\"A\":[1]}", 1},
        {0, "x", "{\"A\":[2]}", 2},
        {0, "x", "{\"A\":[2]}", 3},
    };
    CHECK_SQL(NESTED_DDL "CREATE TABLE g WITH (KEY_FORMAT='JSON') AS "
                         "SELECT a, COUNT(*) AS n FROM t GROUP BY a;",
              tg,
              "[1] {\"N\":1} @1\n"
              "[1] {\"N\":0} @2\n"
              "[2] {\"N\":1} @2\n"
              "[2] {\"N\":1} @3\n",
              0);
    CHECK_SQL(NESTED_DDL "SELECT k, COUNT(a) AS n FROM t GROUP BY k "
                         "EMIT CHANGES;",
              tg,
              "\"x\" {\"N\":1} @1\n"
              "\"x\" {\"N\":1} @2\n"
              "\"x\" {\"N\":1} @3\n",
              0);
}

#define ABC_DDL                                                                \
    "CREATE STREAM a (k STRING KEY, n INT, s STRING) WITH "                    \
    "(KAFKA_TOPIC='a', VALUE_FORMAT='JSON');"                                  \
    "CREATE STREAM b (k STRING KEY, n INT) WITH "                              \
    "(KAFKA_TOPIC='b', VALUE_FORMAT='JSON');"                                  \
    "CREATE STREAM c (k STRING KEY, v INT) WITH "                              \
    "(KAFKA_TOPIC='c', VALUE_FORMAT='JSON');"

TEST(three_way_join_key_is_the_last_joins)
{
    /* Joined on an INT, then on a STRING: the result's key is the
     * second join's, a STRING. */
    static const sqlrec r[] = {
        {0, "a1", "{\"N\":1,\"S\":\"Xy\"}", 1},
        {1, "b1", "{\"N\":1}", 2},
        {2, "xy", "{\"V\":7}", 3},
    };
    CHECK_SQL(ABC_DDL "SELECT c.k AS ck, a.n AS an, c.v FROM a JOIN b "
                      "WITHIN 1 SECOND ON a.n = b.n JOIN c WITHIN 1 SECOND "
                      "ON LCASE(a.s) = c.k EMIT CHANGES;",
              r, "\"xy\" {\"AN\":1,\"V\":7} @3\n", 0);
    /* FULL: the synthetic ROWKEY, also when c's side is missing. */
    CHECK_SQL(ABC_DDL "SELECT ROWKEY AS rk, a.n AS an, c.v FROM a JOIN b "
                      "WITHIN 1 SECOND ON a.n = b.n FULL JOIN c WITHIN 1 "
                      "SECOND ON LCASE(a.s) = c.k EMIT CHANGES;",
              r,
              "\"xy\" {\"AN\":1,\"V\":null} @2\n"
              "\"xy\" {\"AN\":1,\"V\":7} @3\n",
              0);
}

#define LR_DDL                                                                 \
    "CREATE STREAM a (k STRING KEY, v STRING) WITH "                           \
    "(KAFKA_TOPIC='a', VALUE_FORMAT='JSON');"                                  \
    "CREATE STREAM b (k STRING KEY, w STRING) WITH "                           \
    "(KAFKA_TOPIC='b', VALUE_FORMAT='JSON');"

TEST(late_join_rows)
{
    /* WITHIN 10 ms, GRACE 0: at stream time 200 a left row is late below
     * 190 (ts + after + grace < 200), a right row too (ts + before). */
    static const sqlrec r[] = {
        {0, "x", "{\"V\":\"a1\"}", 195},     /* stream time 195 */
        {0, "y", "{\"V\":\"a2\"}", 200},     /* stream time 200 */
        {1, "x", "{\"W\":\"late\"}", 186},   /* would join a1 */
        {0, "x", "{\"V\":\"late\"}", 189},   /* would join b@199 */
        {1, "x", "{\"W\":\"b1\"}", 199},     /* joins a1 */
        {1, "y", "{\"W\":\"b2\"}", 190},     /* in time: joins a2 */
        {1, "z", "{\"W\":\"late-z\"}", 100}, /* late, no partner */
    };
    /* INNER: late rows join nothing and are dropped, counted. */
    CHECK_SQL(LR_DDL "SELECT a.k AS k, a.v, b.w FROM a JOIN b WITHIN 10 "
                     "MILLISECONDS GRACE PERIOD 0 MILLISECONDS ON a.k = b.k "
                     "EMIT CHANGES;",
              r,
              "\"x\" {\"V\":\"a1\",\"W\":\"b1\"} @199\n"
              "\"y\" {\"V\":\"a2\",\"W\":\"b2\"} @200\n",
              3);
    /* LEFT: a late left row (outer side) comes out NULL-padded at once, as
     * in ksqlDB; late right rows are dropped. */
    CHECK_SQL(LR_DDL "SELECT a.k AS k, a.v, b.w FROM a LEFT JOIN b WITHIN 10 "
                     "MILLISECONDS GRACE PERIOD 0 MILLISECONDS ON a.k = b.k "
                     "EMIT CHANGES;",
              r,
              "\"x\" {\"V\":\"late\",\"W\":null} @189\n"
              "\"x\" {\"V\":\"a1\",\"W\":\"b1\"} @199\n"
              "\"y\" {\"V\":\"a2\",\"W\":\"b2\"} @200\n",
              2);
    /* FULL: both sides are outer; nothing is dropped. */
    CHECK_SQL(LR_DDL
              "SELECT ROWKEY AS k, a.v, b.w FROM a FULL JOIN b WITHIN 10 "
              "MILLISECONDS GRACE PERIOD 0 MILLISECONDS ON a.k = b.k "
              "EMIT CHANGES;",
              r,
              "\"x\" {\"V\":null,\"W\":\"late\"} @186\n"
              "\"x\" {\"V\":\"late\",\"W\":null} @189\n"
              "\"x\" {\"V\":\"a1\",\"W\":\"b1\"} @199\n"
              "\"y\" {\"V\":\"a2\",\"W\":\"b2\"} @200\n"
              "\"z\" {\"V\":null,\"W\":\"late-z\"} @100\n",
              0);
    /* Without GRACE PERIOD the grace is 24 hours (ksqlDB's legacy joins):
     * the outer side still emits eagerly, the other side's rows that late
     * are dropped. */
    static const sqlrec day[] = {
        {0, "x", "{\"V\":\"now\"}", 100000000},
        {1, "x", "{\"W\":\"in-time\"}", 13599990}, /* 1e8 - 24 h - 10 ms */
        {1, "x", "{\"W\":\"late\"}", 13599989},
        {0, "x", "{\"V\":\"late\"}", 13599989}, /* would join both */
    };
    CHECK_SQL(LR_DDL "SELECT a.k AS k, a.v, b.w FROM a LEFT JOIN b WITHIN 10 "
                     "MILLISECONDS ON a.k = b.k EMIT CHANGES;",
              day,
              "\"x\" {\"V\":\"now\",\"W\":null} @100000000\n"
              "\"x\" {\"V\":\"late\",\"W\":null} @13599989\n",
              1);
}

TEST_LIST(wr_tests_exec, TEST_ENTRY(rowmap_keys_rows_and_filter),
          TEST_ENTRY(row_copy_keeps_nested_values),
          TEST_ENTRY(nested_values_survive_operator_state),
          TEST_ENTRY(three_way_join_key_is_the_last_joins),
          TEST_ENTRY(late_join_rows), TEST_ENTRY(tumbling_matches_brute_force),
          TEST_ENTRY(hopping_slides_like_brute_force),
          TEST_ENTRY(partial_final_with_threads));
