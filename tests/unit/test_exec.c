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
 */
#include "test.h"

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

TEST_LIST(wr_tests_exec, TEST_ENTRY(rowmap_keys_rows_and_filter),
          TEST_ENTRY(tumbling_matches_brute_force),
          TEST_ENTRY(hopping_slides_like_brute_force),
          TEST_ENTRY(partial_final_with_threads));
