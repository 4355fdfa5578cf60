/*
 * test_snapshot.c: state snapshots of the aggregate operator (unit_snapshot).
 *
 * Each case runs one aggregation over random keyed records with
 * out-of-order timestamps, in micro-batches of random sizes, twice: straight
 * through, and with the runtime saved, freed, created again (alternating one
 * and two threads, so that groups move between key partitions) and loaded
 * after every batch, its sources' sequence numbers starting again at 0 as a
 * restarted source's do. The two outputs must be equal byte for byte. Then
 * every prefix of a snapshot, and snapshots with bytes flipped, must be
 * refused (or loaded) without a crash or a leak (run under ASan).
 */
#include "test.h"

#include "common/buf.h"
#include "engine/engine_int.h"
#include "exec/exec.h"

#define NREC 6000

typedef struct gen {
    char val[NREC][160];
    char key[NREC][8];
    int64_t ts[NREC];
} gen;

static uint64_t rnd_state;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* Every output record as a line: key, value (or a tombstone), times. */
static weir_rc collect(void *ctx, const wr_qplan *p, const wr_out *o,
                       weir_status *st)
{
    (void)p;
    (void)st;
    wr_buf *b = ctx;
    wr_buf_putn(b, o->key ? o->key : "-", o->key ? (size_t)o->klen : 1);
    wr_buf_putc(b, '|');
    if (o->value)
        wr_buf_putn(b, o->value, (size_t)o->vlen);
    else
        wr_buf_puts(b, "<tombstone>");
    wr_buf_printf(b, "|%lld|%lld|%lld\n", (long long)o->ts,
                  (long long)o->wstart, (long long)o->wend);
    return WEIR_OK;
}

static void make_records(gen *g, wr_record *recs)
{
    int64_t t = 0;
    for (int i = 0; i < NREC; i++) {
        t += (int64_t)(rnd() % 50);
        g->ts[i] = t - (int64_t)(rnd() % 300);
        if (g->ts[i] < 0)
            g->ts[i] = 0;
        snprintf(g->key[i], sizeof g->key[i], "k%d", (int)(rnd() % 7));
        int v = (int)(rnd() % 100);
        snprintf(g->val[i], sizeof g->val[i],
                 "{\"V\":%d,\"D\":%d.%02d,\"S\":\"s%d\",\"A\":[%d,%d]}", v,
                 v / 3, v % 100, v % 13, v % 2, v % 3);
        recs[i] = (wr_record){.key = g->key[i],
                              .klen = (int32_t)strlen(g->key[i]),
                              .value = g->val[i],
                              .vlen = (int32_t)strlen(g->val[i]),
                              .ts = g->ts[i],
                              .offset = i,
                              .seq = i,
                              .topic = "t"};
    }
}

/* Runs the query of sql over recs in batches cut by seed, on `threads`
 * threads (0: one, then alternately two and one after each load); with
 * snap, saves and loads a new runtime after every batch (the last snapshot
 * is left in *last when not NULL). The output goes to out. Returns 0 or
 * -1. */
static int run(const wr_qplan *plan, const wr_record *recs, uint64_t seed,
               int threads, bool snap, wr_buf *out, wr_buf *last)
{
    weir_status st;
    wr_record *r = malloc(sizeof *r * NREC);
    memcpy(r, recs, sizeof *r * NREC);
    bool alternate = threads == 0;
    threads = alternate ? 1 : threads;
    wr_qrun *q = wr_qrun_new(plan, threads, collect, out, &st);
    if (!q || wr_qrun_clock(q, 0, 1000, 0, &st) != WEIR_OK)
        goto fail;
    rnd_state = seed;
    int64_t base = 0; /* sequence numbers restart at each load */
    for (int i = 0, k = 1; i < NREC; k++) {
        int n = 1 + (int)(rnd() % 700);
        if (n > NREC - i)
            n = NREC - i;
        for (int j = i; j < i + n; j++)
            r[j].seq = recs[j].seq - base;
        wr_qrun_begin(q);
        if (wr_qrun_batch(q, 0, r + i, n, &st) != WEIR_OK ||
            wr_qrun_end(q, &st) != WEIR_OK ||
            wr_qrun_tick(q, (int64_t)k * 1000, &st) != WEIR_OK)
            goto fail;
        i += n;
        if (!snap)
            continue;
        wr_buf b = WR_BUF_INIT;
        if (wr_qrun_save(q, &b, &st) != WEIR_OK)
            goto fail;
        wr_qrun_free(q);
        threads = alternate ? 3 - threads : threads;
        q = wr_qrun_new(plan, threads, collect, out, &st);
        if (!q || wr_qrun_clock(q, 0, 1000, 0, &st) != WEIR_OK ||
            wr_qrun_load(q, b.s, b.len, &st) != WEIR_OK) {
            wr_buf_fini(&b);
            goto fail;
        }
        base = recs[i - 1].seq + 1;
        if (last) {
            wr_buf_reset(last);
            wr_buf_putn(last, b.s, b.len);
        }
        wr_buf_fini(&b);
    }
    if (wr_qrun_finish(q, &st) != WEIR_OK)
        goto fail;
    wr_qrun_free(q);
    free(r);
    return 0;
fail:
    fprintf(stderr, "run: %s\n", st.msg);
    wr_qrun_free(q);
    free(r);
    return -1;
}

/* The snapshot's checksum (query.c's FNV-1a over all but its last 8
 * bytes), written again after a change so that the decoders see it. */
static void resum(char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i + 8 < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
    for (int i = 0; i < 8; i++)
        p[n - 8 + i] = (char)(h >> (8 * i));
}

/* Damaged snapshots: every prefix is refused; single changed bytes with a
 * matching checksum (so that the decoders read them) are refused or
 * loaded, never a crash (ASan checks the memory); a changed byte under the
 * old checksum is refused. */
static int damage(const wr_qplan *plan, const wr_buf *snap)
{
    weir_status st;
    int refused = 0;
    char *copy = malloc(snap->len + 1);
    for (size_t cut = 0; cut <= snap->len; cut++) {
        wr_qrun *q = wr_qrun_new(plan, 1 + (int)(cut % 2), collect, NULL, &st);
        wr_qrun_clock(q, 0, 1000, 0, &st);
        memcpy(copy, snap->s, snap->len);
        size_t n = cut;
        bool fixed = false;
        if (cut < snap->len / 2) { /* whole, one byte changed */
            n = snap->len;
            copy[rnd() % (n - 8)] ^= (char)(1 + rnd() % 255);
            if ((fixed = cut % 4 != 0))
                resum(copy, n);
        }
        weir_rc rc = wr_qrun_load(q, copy, n, &st);
        if (cut < snap->len && !fixed && rc != WEIR_E_IO)
            refused = -1; /* a prefix or a wrong checksum is refused */
        wr_qrun_free(q);
    }
    free(copy);
    return refused;
}

/* Compares a straight run with one that snapshots after every batch:
 * on one thread, on two, and (exact: no floating-point sums, whose last
 * bits depend on how partial states merge) moving between one and two. */
static void check_case(const char *select, bool proc, bool exact)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "CREATE STREAM s (k STRING KEY, v INT, d DECIMAL(6,2), s STRING, "
             "a ARRAY<INT>) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON'%s);%s",
             proc ? ", PROCESSING_TIME=true" : "", select);
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    weir_stmt *keep = NULL;
    wr_qplan *plan = wr_engine_plan_first_query(e, sql, "Q", &keep, &st);
    if (!plan)
        FAIL_AT("%s: %s", select, st.msg);
    static gen g;
    static wr_record recs[NREC];
    rnd_state = 0x9e3779b97f4a7c15ULL;
    make_records(&g, recs);
    wr_buf a = WR_BUF_INIT, b = WR_BUF_INIT, last = WR_BUF_INIT;
    bool same = true;
    static const int modes[] = {1, 2, 0}; /* 0: alternate */
    for (int m = 0; m < (exact ? 3 : 2) && same; m++) {
        wr_buf_reset(&a);
        wr_buf_reset(&b);
        int ra = run(plan, recs, 42, modes[m] ? modes[m] : 1, false, &a, NULL);
        int rb = run(plan, recs, 42, modes[m], true, &b, &last);
        same = ra == 0 && rb == 0 && a.len == b.len &&
               memcmp(wr_buf_str(&a), wr_buf_str(&b), a.len) == 0;
    }
    if (!same) {
        size_t i = 0;
        while (i < a.len && i < b.len && a.s[i] == b.s[i])
            i++;
        while (i > 0 && a.s[i - 1] != '\n') /* the whole line */
            i--;
        fprintf(stderr,
                "%s\n  straight %zu bytes, with snapshots %zu; first "
                "difference at byte %zu:\n  straight:  %.400s\n  "
                "snapshots: %.400s\n",
                select, a.len, b.len, i, a.s ? a.s + i : "",
                b.s ? b.s + i : "");
    }
    int dm = same ? damage(plan, &last) : 0;
    size_t lines = 0;
    for (size_t i = 0; i < a.len; i++)
        lines += a.s[i] == '\n';
    wr_buf_fini(&a);
    wr_buf_fini(&b);
    wr_buf_fini(&last);
    wr_plan_free(plan);
    weir_stmt_free(keep);
    weir_engine_free(e);
    CHECK(same);
    CHECK(lines > 20); /* the case emits something to compare */
    CHECK_INT(dm, ==, 0);
}

TEST(tumbling_changes)
{
    check_case("SELECT k, COUNT(*) AS c, SUM(v) AS s, AVG(v) AS a, MIN(s) AS "
               "mn, MAX(d) AS mx, STDDEV_SAMP(v) AS sd, COLLECT_SET(s) AS cs, "
               "HISTOGRAM(s) AS h, TOPK(v, 3) AS t, LATEST_BY_OFFSET(v) AS "
               "l, COUNT_DISTINCT(s) AS cd, SUM(d) AS sdd FROM s WINDOW "
               "TUMBLING (SIZE 2 SECONDS, GRACE PERIOD 1 SECOND) GROUP BY k "
               "EMIT CHANGES;",
               false, false);
}

TEST(hopping_final)
{
    check_case("SELECT k, COUNT(*) AS c, COLLECT_LIST(v) AS l, "
               "EARLIEST_BY_OFFSET(v, 2) AS e, TOPKDISTINCT(s, 2) AS td "
               "FROM s WINDOW HOPPING (SIZE 3 SECONDS, ADVANCE BY 1 SECOND, "
               "GRACE PERIOD 500 MILLISECONDS) GROUP BY k EMIT FINAL;",
               false, true);
}

TEST(session)
{
    check_case("SELECT k, COUNT(*) AS c, MAX(v) AS m, COLLECT_LIST(s) AS l "
               "FROM s WINDOW SESSION (200 MILLISECONDS, GRACE PERIOD 1 "
               "SECOND) GROUP BY k EMIT CHANGES;",
               false, true);
}

TEST(count_windows)
{
    check_case("SELECT k, COUNT(*) AS c, SUM(v) AS s FROM s WINDOW HOPPING "
               "(SIZE 50 ROWS, ADVANCE BY 20 ROWS) GROUP BY k EMIT FINAL;",
               false, true);
}

TEST(unwindowed_having)
{
    check_case("SELECT s, COUNT(*) AS c, SUM(v) AS t FROM s GROUP BY s "
               "HAVING COUNT(*) % 3 <> 0 EMIT CHANGES;",
               false, true);
}

TEST(nested_key)
{
    check_case("SELECT a, k, COUNT(*) AS c FROM s WINDOW TUMBLING (SIZE 5 "
               "SECONDS, GRACE PERIOD 1 SECOND) GROUP BY a, k EMIT FINAL;",
               false, true);
}

/* Regression: a group key of type ARRAY pointed into the batch arena, so
 * later batches printed empty or garbage arrays (and grouping compared
 * freed memory). Each of the six arrays [v % 2, v % 3] must come out. */
TEST(nested_key_kept)
{
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    weir_stmt *keep = NULL;
    wr_qplan *plan = wr_engine_plan_first_query(
        e,
        "CREATE STREAM s (k STRING KEY, v INT, d DECIMAL(6,2), s STRING, a "
        "ARRAY<INT>) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"
        "SELECT a, COUNT(*) AS c FROM s GROUP BY a EMIT CHANGES;",
        "Q", &keep, &st);
    if (!plan)
        FAIL_AT("%s", st.msg);
    static gen g;
    static wr_record recs[NREC];
    rnd_state = 7;
    make_records(&g, recs);
    wr_buf out = WR_BUF_INIT;
    int rc = run(plan, recs, 3, 1, false, &out, NULL);
    const char *o = wr_buf_str(&out);
    int found = 0;
    char want[16];
    for (int x = 0; x < 2; x++)
        for (int y = 0; y < 3; y++) {
            snprintf(want, sizeof want, "[%d,%d]", x, y);
            found += strstr(o, want) != NULL;
        }
    bool empty = strstr(o, "[]") != NULL;
    wr_buf_fini(&out);
    wr_plan_free(plan);
    weir_stmt_free(keep);
    weir_engine_free(e);
    CHECK_INT(rc, ==, 0);
    CHECK_INT(found, ==, 6);
    CHECK(!empty);
}

/* Counts output records. */
static weir_rc count_out(void *ctx, const wr_qplan *p, const wr_out *o,
                         weir_status *st)
{
    (void)p;
    (void)o;
    (void)st;
    ++*(int *)ctx;
    return WEIR_OK;
}

/* Regressions of the event-time window scan: clocking a runtime (as
 * `weir run --batch-interval` does, at wall-clock time) counted every row
 * before the clock late, whatever the grace; and closing windows stepped
 * through every empty window between two far-apart rows (hours for rows
 * 54 years apart in 1-second windows). */
TEST(window_scan_event_time)
{
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    weir_stmt *keep = NULL;
    wr_qplan *plan = wr_engine_plan_first_query(
        e,
        "CREATE STREAM s (k STRING KEY, v INT) WITH (KAFKA_TOPIC='t', "
        "VALUE_FORMAT='JSON');"
        "SELECT k, v, WINDOWEND AS we FROM s WINDOW TUMBLING (SIZE 1 SECOND, "
        "GRACE PERIOD 1 HOUR) EMIT FINAL;",
        "Q", &keep, &st);
    if (!plan)
        FAIL_AT("%s", st.msg);
    int n = 0;
    wr_record r[2] = {
        {.key = "a", .klen = 1, .value = "{\"V\":1}", .vlen = 7, .ts = 500},
        {.key = "a",
         .klen = 1,
         .value = "{\"V\":2}",
         .vlen = 7,
         .ts = 1700000000000LL,
         .seq = 1}};
    wr_qrun *q = wr_qrun_new(plan, 1, count_out, &n, &st);
    bool ok = q && wr_qrun_clock(q, 1000, 1000, 0, &st) == WEIR_OK &&
              wr_qrun_batch(q, 0, r, 1, &st) == WEIR_OK &&
              wr_qrun_tick(q, 2000, &st) == WEIR_OK &&
              wr_qrun_batch(q, 0, r + 1, 1, &st) == WEIR_OK &&
              wr_qrun_finish(q, &st) == WEIR_OK;
    int64_t late = q ? wr_qrun_stats(q)->late : -1;
    wr_qrun_free(q);
    wr_plan_free(plan);
    weir_stmt_free(keep);
    weir_engine_free(e);
    CHECK(ok);
    CHECK_INT(late, ==, 0);
    CHECK_INT(n, ==, 2);
}

TEST(processing_time)
{
    check_case("SELECT k, COUNT(*) AS c, SUM(v) AS s, MIN(s) AS m FROM s "
               "WINDOW HOPPING (SIZE 4 SECONDS, ADVANCE BY 2 SECONDS) GROUP "
               "BY k EMIT CHANGES;",
               true, true);
}

const wr_test_case wr_tests_snapshot[] = {TEST_ENTRY(processing_time),
                                          TEST_ENTRY(nested_key_kept),
                                          TEST_ENTRY(window_scan_event_time),
                                          TEST_ENTRY(tumbling_changes),
                                          TEST_ENTRY(hopping_final),
                                          TEST_ENTRY(session),
                                          TEST_ENTRY(count_windows),
                                          TEST_ENTRY(unwindowed_having),
                                          TEST_ENTRY(nested_key),
                                          {NULL, NULL}};
