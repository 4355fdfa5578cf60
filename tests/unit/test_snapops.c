/*
 * test_snapops.c: snapshots of the join, table and window scan operators
 * through the query runtime (unit_snapops).
 *
 * Each case runs a query over a script of random records (random batch
 * sizes, several calls per batch between wr_qrun_begin and wr_qrun_end, a
 * tick after each) twice: straight through, and with wr_qrun_save, free,
 * wr_qrun_new (1 or 2 threads) and wr_qrun_load at every batch boundary.
 * The outputs must be the same bytes, and a loaded runtime must save the
 * same bytes it was loaded from. Then, for the largest snapshot of at
 * most 4 KiB, every truncation must fail to load (with its checksum made
 * to match too, so that the operators' decoders meet the end), and random
 * damage (checksum matching) and failed allocations must fail cleanly
 * (ASan and LeakSanitizer watch for the rest).
 */
#include "test.h"

#include "common/arena.h"
#include "common/buf.h"
#include "engine/engine_int.h"
#include "exec/exec.h"

#define NREC 6000 /* records per script */
#define BATCH_MS 10

static uint64_t rnd_state = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* The input: batches of calls of records of one scan. */
typedef struct call {
    int si;  /* scan */
    int off; /* records recs[off..off+n) */
    int n;
} call;

typedef struct script {
    wr_record recs[NREC];
    char keys[NREC][4];
    char vals[NREC][128];
    call calls[NREC];
    int ncalls;
    int bfirst[NREC + 1]; /* batch b: calls bfirst[b]..bfirst[b+1] */
    int nbatch;
} script;

static script sc;

/* Random records for nscan scans (scans listed in `table` are tables:
 * tombstones, no NULL keys). Every source has (K STRING key, V INT,
 * S STRING), and the values carry nested fields too (A ARRAY<INT>,
 * ST STRUCT<X INT, Y ARRAY<STRING>>) for the sources that declare them. */
static void make_script(int nscan, const bool *table)
{
    memset(&sc, 0, sizeof sc);
    int64_t t = 0, seq[8] = {0};
    int nr = 0;
    while (nr < NREC - 64) {
        sc.bfirst[sc.nbatch++] = sc.ncalls;
        int nc = (int)(rnd() % 4); /* 0: an empty batch */
        for (int c = 0; c < nc && nr < NREC - 64; c++) {
            int si = (int)(rnd() % (uint64_t)nscan);
            int n = (int)(rnd() % 24);
            sc.calls[sc.ncalls++] = (call){si, nr, n};
            for (int i = 0; i < n; i++, nr++) {
                t += (int64_t)(rnd() % 3);
                int64_t ts = t - (int64_t)(rnd() % 30);
                if (rnd() % 60 == 0)
                    ts -= 400; /* late */
                if (ts < 0)
                    ts = 0;
                wr_record *r = &sc.recs[nr];
                snprintf(sc.keys[nr], sizeof sc.keys[nr], "%c",
                         (char)('a' + rnd() % 6));
                int v = (int)(rnd() % 100);
                int sl = (int)(rnd() % 9);
                char s[16];
                for (int k = 0; k < sl; k++)
                    s[k] = (char)('A' + rnd() % 26);
                s[sl] = '\0';
                if (rnd() % 10 == 0)
                    snprintf(sc.vals[nr], sizeof sc.vals[nr],
                             "{\"V\":null,\"S\":null,\"A\":null,"
                             "\"ST\":null}");
                else
                    snprintf(sc.vals[nr], sizeof sc.vals[nr],
                             "{\"V\":%d,\"S\":\"%s\",\"A\":[%d,null,%d],"
                             "\"ST\":{\"X\":%d,\"Y\":[\"%s\",\"%.2s\"]}}",
                             v, s, v % 7, v % 3, v, s, s);
                bool tomb = table[si] && rnd() % 8 == 0;
                bool nullkey = !table[si] && rnd() % 40 == 0;
                *r = (wr_record){.key = nullkey ? NULL : sc.keys[nr],
                                 .klen = nullkey ? 0 : 1,
                                 .value = tomb ? NULL : sc.vals[nr],
                                 .vlen = tomb ? 0 : (int)strlen(sc.vals[nr]),
                                 .ts = ts,
                                 .partition = 0,
                                 .offset = seq[si],
                                 .seq = seq[si],
                                 .topic = "t"};
                seq[si]++;
            }
        }
    }
    sc.bfirst[sc.nbatch] = sc.ncalls;
}

/* Output records, flattened. */
static weir_rc collect(void *ctx, const wr_qplan *p, const wr_out *o,
                       weir_status *st)
{
    (void)p;
    (void)st;
    wr_buf *b = ctx;
    wr_buf_printf(b, "k%d:%.*s v%d:%.*s ts=%lld w=%d,%lld,%lld,%d\n",
                  o->key ? o->klen : -1, o->key ? (int)o->klen : 0,
                  o->key ? o->key : "", o->value ? o->vlen : -1,
                  o->value ? (int)o->vlen : 0, o->value ? o->value : "",
                  (long long)o->ts, o->windowed, (long long)o->wstart,
                  (long long)o->wend, o->session);
    return WEIR_OK;
}

/* A clocked runtime of p with output into out (NULL when that fails). */
static wr_qrun *fresh(const wr_qplan *p, int threads, wr_buf *out)
{
    weir_status st;
    wr_qrun *q = wr_qrun_new(p, threads, collect, out, &st);
    if (q && wr_qrun_clock(q, 0, BATCH_MS, 0, &st) != WEIR_OK) {
        fprintf(stderr, "clock: %s\n", st.msg);
        wr_qrun_free(q);
        q = NULL;
    }
    return q;
}

/* Runs batch b of the script on q; base[si]: the scan's records fed
 * before the runtime was loaded (sources restart their seqs at 0). */
static weir_rc run_batch(wr_qrun *q, int b, const int64_t *base,
                         weir_status *st)
{
    static wr_record tmp[NREC];
    wr_qrun_begin(q);
    for (int c = sc.bfirst[b]; c < sc.bfirst[b + 1]; c++) {
        const call *x = &sc.calls[c];
        for (int i = 0; i < x->n; i++) {
            tmp[i] = sc.recs[x->off + i];
            tmp[i].seq -= base[x->si];
            tmp[i].offset = tmp[i].seq;
        }
        weir_rc rc = wr_qrun_batch(q, x->si, tmp, x->n, st);
        if (rc != WEIR_OK)
            return rc;
    }
    weir_rc rc = wr_qrun_end(q, st);
    if (rc != WEIR_OK)
        return rc;
    return wr_qrun_tick(q, (int64_t)(b + 1) * BATCH_MS, st);
}

/* Seals the snapshot body p[0..n) with its checksum in p[n..n+8) (as
 * query.c does: FNV-1a, little-endian), so that damage in the body
 * reaches the operators' decoders instead of being refused up front. */
static void seal(char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
    for (int i = 0; i < 8; i++)
        p[n + i] = (char)(h >> (8 * i));
}

/* Damaged copies of snap (truncated, with and without a matching
 * checksum; bytes changed, checksum matching) and failed allocations:
 * load fails (every truncation does), nothing crashes or leaks. Returns
 * the number of problems. */
static int damage(const wr_qplan *p, const wr_buf *snap)
{
    int bad = 0;
    wr_buf out = WR_BUF_INIT;
    weir_status st;
    size_t body = snap->len - 8;
    for (size_t len = 0; len < snap->len + body; len++) {
        /* First every prefix of the snapshot, then every prefix of its
         * body sealed again. */
        bool sealed = len >= snap->len;
        size_t n = sealed ? len - snap->len : len;
        wr_qrun *q = fresh(p, 1 + (int)(len % 2), &out);
        if (!q) {
            bad++;
            break;
        }
        char *cut = malloc(n + 8); /* exactly what is read: ASan bounds */
        memcpy(cut, snap->s, n);
        if (sealed)
            seal(cut, n);
        if (wr_qrun_load(q, cut, sealed ? n + 8 : n, &st) == WEIR_OK) {
            fprintf(stderr, "a snapshot cut to %zu of %zu bytes%s loads\n", n,
                    sealed ? body : snap->len, sealed ? " (sealed)" : "");
            bad++;
        }
        free(cut);
        wr_qrun_free(q);
    }
    char *copy = malloc(snap->len);
    for (int i = 0; i < 400 && snap->len; i++) {
        memcpy(copy, snap->s, snap->len);
        int nflip = 1 + (int)(rnd() % 3);
        for (int k = 0; k < nflip; k++)
            copy[rnd() % body] ^= (char)(1 + rnd() % 255);
        seal(copy, body);
        wr_qrun *q = fresh(p, 1, &out);
        if (!q) {
            bad++;
            break;
        }
        wr_qrun_load(q, copy, snap->len, &st); /* may or may not load */
        wr_qrun_free(q);
    }
    free(copy);
    /* Out of memory at every allocation of the load. */
    for (long k = 0;; k++) {
        wr_qrun *q = fresh(p, 1, &out);
        if (!q) {
            bad++;
            break;
        }
        wr_fault_sim(k);
        weir_rc rc = wr_qrun_load(q, snap->s, snap->len, &st);
        wr_fault_sim(-1);
        wr_qrun_free(q);
        if (rc == WEIR_OK)
            break;
        if (rc != WEIR_E_NOMEM) {
            fprintf(stderr, "allocation %ld failed: %s\n", k, st.msg);
            bad++;
            break;
        }
    }
    wr_buf_fini(&out);
    return bad;
}

/* Runs the script on a runtime of p straight through into want. */
static bool run_straight(const wr_qplan *p, wr_buf *want)
{
    weir_status st;
    int64_t zero[8] = {0};
    wr_qrun *q = fresh(p, 1, want);
    bool ok = q != NULL;
    for (int b = 0; ok && b < sc.nbatch; b++)
        if (run_batch(q, b, zero, &st) != WEIR_OK) {
            fprintf(stderr, "batch %d: %s\n", b, st.msg);
            ok = false;
        }
    ok = ok && wr_qrun_finish(q, &st) == WEIR_OK;
    wr_qrun_free(q);
    return ok;
}

/* Runs the script on runtimes of p into got, saving, freeing, recreating
 * and loading at every batch boundary; the largest snapshot of at most
 * 4 KiB goes into keep (for the damage tests). */
static bool run_restarted(const wr_qplan *p, wr_buf *got, wr_buf *keep)
{
    weir_status st;
    wr_buf snap = WR_BUF_INIT, again = WR_BUF_INIT;
    int64_t base[8] = {0};
    wr_qrun *q = fresh(p, 1, got);
    bool ok = q != NULL;
    for (int b = 0; ok && b < sc.nbatch; b++) {
        ok = run_batch(q, b, base, &st) == WEIR_OK;
        for (int c = sc.bfirst[b]; c < sc.bfirst[b + 1]; c++)
            base[sc.calls[c].si] += sc.calls[c].n;
        wr_buf_reset(&snap);
        ok = ok && wr_qrun_save(q, &snap, &st) == WEIR_OK;
        wr_qrun_free(q);
        q = ok ? fresh(p, 1 + (int)(rnd() % 2), got) : NULL;
        ok = q && wr_qrun_load(q, snap.s, snap.len, &st) == WEIR_OK;
        if (!ok) {
            fprintf(stderr, "batch %d: save/load: %s\n", b, st.msg);
            break;
        }
        /* The same state saves as the same bytes. */
        wr_buf_reset(&again);
        ok = wr_qrun_save(q, &again, &st) == WEIR_OK && again.len == snap.len &&
             !memcmp(again.s, snap.s, snap.len);
        if (!ok)
            fprintf(stderr,
                    "batch %d: a loaded runtime saves other bytes (%zu, "
                    "loaded %zu)\n",
                    b, again.len, snap.len);
        if (snap.len > keep->len && snap.len <= 4096) {
            wr_buf_reset(keep);
            wr_buf_putn(keep, snap.s, snap.len);
        }
    }
    ok = ok && wr_qrun_finish(q, &st) == WEIR_OK;
    wr_qrun_free(q);
    wr_buf_fini(&snap);
    wr_buf_fini(&again);
    return ok;
}

/* When set, a text the output of the next run_case must contain (nested
 * values that the operators kept). */
static const char *must_contain;

/* Runs sql (DDL, then the query over nscan sources; table[si]: scan si
 * is a table) straight and restarted (see above) and checks the damaged
 * snapshots; returns the output bytes, or -1 on a failure. */
static long run_case(const char *sql, int nscan, const bool *table)
{
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    weir_stmt *stmt = NULL;
    wr_qplan *p = wr_engine_plan_first_query(e, sql, "q", &stmt, &st);
    if (!p) {
        fprintf(stderr, "lowering: %s\n", st.msg);
        weir_engine_free(e);
        return -1;
    }
    make_script(nscan, table);
    wr_buf want = WR_BUF_INIT, got = WR_BUF_INIT, keep = WR_BUF_INIT;
    bool ok = run_straight(p, &want) && run_restarted(p, &got, &keep);
    if (ok && (got.len != want.len || memcmp(got.s, want.s, want.len))) {
        size_t i = 0;
        while (i < got.len && i < want.len && got.s[i] == want.s[i])
            i++;
        size_t ls = i;
        while (ls > 0 && want.s[ls - 1] != '\n')
            ls--;
        fprintf(stderr,
                "outputs differ at byte %zu of %zu/%zu:\n  straight:  "
                "%.120s\n  restarted: %.120s\n",
                i, want.len, got.len, wr_buf_str(&want) + ls,
                wr_buf_str(&got) + ls);
        ok = false;
    }
    if (ok && must_contain && !strstr(wr_buf_str(&want), must_contain)) {
        fprintf(stderr, "the output has no %s: %.300s\n", must_contain,
                wr_buf_str(&want));
        ok = false;
    }
    must_contain = NULL;
    if (ok && keep.len == 0) {
        fprintf(stderr, "no snapshot to damage\n");
        ok = false;
    }
    ok = ok && damage(p, &keep) == 0;
    long result = ok ? (long)want.len : -1;
    wr_buf_fini(&want);
    wr_buf_fini(&got);
    wr_buf_fini(&keep);
    wr_plan_free(p);
    weir_stmt_free(stmt);
    weir_engine_free(e);
    return result;
}

#define DDL_A                                                                  \
    "CREATE STREAM a (k STRING KEY, v INT, s STRING) WITH "                    \
    "(KAFKA_TOPIC='a', VALUE_FORMAT='JSON');"
#define DDL_B                                                                  \
    "CREATE STREAM b (k STRING KEY, v INT, s STRING) WITH "                    \
    "(KAFKA_TOPIC='b', VALUE_FORMAT='JSON');"
#define DDL_T                                                                  \
    "CREATE TABLE t (k STRING PRIMARY KEY, v INT, s STRING) WITH "             \
    "(KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"
#define DDL_U                                                                  \
    "CREATE TABLE u (k STRING PRIMARY KEY, v INT, s STRING) WITH "             \
    "(KAFKA_TOPIC='u', VALUE_FORMAT='JSON');"
/* Sources with nested columns. */
#define DDL_AN                                                                 \
    "CREATE STREAM an (k STRING KEY, v INT, a ARRAY<INT>, "                    \
    "st STRUCT<x INT, y ARRAY<STRING>>) WITH "                                 \
    "(KAFKA_TOPIC='an', VALUE_FORMAT='JSON');"
#define DDL_BN                                                                 \
    "CREATE STREAM bn (k STRING KEY, v INT, a ARRAY<INT>, "                    \
    "st STRUCT<x INT, y ARRAY<STRING>>) WITH "                                 \
    "(KAFKA_TOPIC='bn', VALUE_FORMAT='JSON');"
#define DDL_TN                                                                 \
    "CREATE TABLE tn (k STRING PRIMARY KEY, v INT, a ARRAY<INT>, "             \
    "st STRUCT<x INT, y ARRAY<STRING>>) WITH "                                 \
    "(KAFKA_TOPIC='tn', VALUE_FORMAT='JSON');"
#define DDL_P                                                                  \
    "CREATE STREAM pt (k STRING KEY, v INT, s STRING) WITH "                   \
    "(KAFKA_TOPIC='pt', VALUE_FORMAT='JSON', PROCESSING_TIME=true);"

static const bool streams[3] = {false, false, false};

TEST(stream_stream_inner_join)
{
    CHECK_INT(run_case(DDL_A DDL_B
                       "SELECT a.k AS k, a.v, a.s, b.v AS bv, b.s AS bs "
                       "FROM a JOIN b WITHIN 40 MILLISECONDS ON a.k = b.k "
                       "EMIT CHANGES;",
                       2, streams),
              >, 1000);
}

TEST(stream_stream_outer_joins_with_grace)
{
    CHECK_INT(run_case(DDL_A DDL_B
                       "SELECT a.k AS k, a.v, a.s, b.v AS bv, b.s AS bs "
                       "FROM a LEFT JOIN b WITHIN (20 MILLISECONDS, 40 "
                       "MILLISECONDS) GRACE PERIOD 30 MILLISECONDS "
                       "ON a.k = b.k EMIT CHANGES;",
                       2, streams),
              >, 1000);
    CHECK_INT(run_case(DDL_A DDL_B
                       "SELECT a.v, a.s, b.v AS bv, b.s AS bs "
                       "FROM a FULL JOIN b WITHIN 25 MILLISECONDS GRACE "
                       "PERIOD 15 MILLISECONDS ON a.k = b.k EMIT CHANGES;",
                       2, streams),
              >, 1000);
    /* Without GRACE: eager null-padded rows, expiry after 24 hours. */
    CHECK_INT(run_case(DDL_A DDL_B
                       "SELECT a.k AS k, a.v, b.v AS bv FROM a LEFT JOIN b "
                       "WITHIN 10 MILLISECONDS ON a.k = b.k EMIT CHANGES;",
                       2, streams),
              >, 1000);
}

TEST(stream_table_joins)
{
    static const bool st[2] = {false, true};
    CHECK_INT(run_case(DDL_A DDL_T
                       "SELECT a.k AS k, a.v, a.s, t.v AS tv, t.s AS ts "
                       "FROM a LEFT JOIN t ON a.k = t.k EMIT CHANGES;",
                       2, st),
              >, 1000);
    /* Three-way: stream-stream, then the table. */
    static const bool sst[3] = {false, false, true};
    CHECK_INT(run_case(DDL_A DDL_B DDL_T
                       "SELECT a.k AS k, a.v, b.s AS bs, t.s AS ts "
                       "FROM a JOIN b WITHIN 15 MILLISECONDS ON a.k = b.k "
                       "JOIN t ON a.k = t.k EMIT CHANGES;",
                       3, sst),
              >, 1000);
}

TEST(table_aggregation)
{
    static const bool t1[1] = {true};
    CHECK_INT(run_case(DDL_T "SELECT s, COUNT(*) AS n, SUM(v) AS sv FROM t "
                             "GROUP BY s EMIT CHANGES;",
                       1, t1),
              >, 1000);
    /* A join of tables (op_join's table sides), then aggregated. */
    static const bool tt[2] = {true, true};
    CHECK_INT(run_case(DDL_T DDL_U
                       "SELECT t.s AS s, COUNT(*) AS n, SUM(u.v) AS sv "
                       "FROM t LEFT JOIN u ON t.k = u.k GROUP BY t.s "
                       "EMIT CHANGES;",
                       2, tt),
              >, 1000);
    CHECK_INT(run_case(DDL_T DDL_U
                       "SELECT t.k AS k, t.v, u.s AS us FROM t FULL JOIN u "
                       "ON t.k = u.k EMIT CHANGES;",
                       2, tt),
              >, 1000);
}

TEST(window_scan)
{
    CHECK_INT(run_case(DDL_A "SELECT k, v, s, WINDOWSTART AS ws, WINDOWEND "
                             "AS we FROM a WINDOW HOPPING (SIZE 40 "
                             "MILLISECONDS, ADVANCE BY 20 MILLISECONDS, "
                             "GRACE PERIOD 30 MILLISECONDS) EMIT FINAL;",
                       1, streams),
              >, 1000);
    CHECK_INT(run_case(DDL_A "SELECT k, v, WINDOWEND AS we FROM a WINDOW "
                             "TUMBLING (SIZE 30 MILLISECONDS) EMIT FINAL;",
                       1, streams),
              >, 1000);
    /* Processing time: windows end at batch times. */
    CHECK_INT(run_case(DDL_P "SELECT k, v, s, WINDOWEND AS we FROM pt "
                             "WINDOW HOPPING (SIZE 40 MILLISECONDS, ADVANCE "
                             "BY 20 MILLISECONDS) EMIT FINAL;",
                       1, streams),
              >, 1000);
}

/* Nested values (ARRAY, STRUCT) in every operator's state: buffered join
 * rows, table rows, window scan rows, through save and load. */
TEST(nested_values)
{
    must_contain = "\"BST\":{\"X\":";
    CHECK_INT(run_case(DDL_AN DDL_BN
                       "SELECT an.k AS k, an.a, an.st, bn.a AS ba, bn.st AS "
                       "bst FROM an FULL JOIN bn WITHIN 25 MILLISECONDS "
                       "GRACE PERIOD 15 MILLISECONDS ON an.k = bn.k "
                       "EMIT CHANGES;",
                       2, streams),
              >, 1000);
    static const bool st[2] = {false, true};
    must_contain = "\"TST\":{\"X\":";
    CHECK_INT(run_case(DDL_AN DDL_TN
                       "SELECT an.k AS k, an.a, tn.a AS ta, tn.st AS tst "
                       "FROM an LEFT JOIN tn ON an.k = tn.k EMIT CHANGES;",
                       2, st),
              >, 1000);
    /* A table aggregated by an array: updates retract the old array. */
    static const bool t1[1] = {true};
    must_contain = "\"N\":0";
    CHECK_INT(run_case(DDL_TN "CREATE TABLE g WITH (KEY_FORMAT='JSON') AS "
                              "SELECT a, COUNT(*) AS n, COUNT(st) AS ns "
                              "FROM tn GROUP BY a;",
                       1, t1),
              >, 1000);
    must_contain = "\"ST\":{\"X\":";
    CHECK_INT(run_case(DDL_AN "SELECT k, a, st, WINDOWEND AS we FROM an "
                              "WINDOW HOPPING (SIZE 40 MILLISECONDS, ADVANCE "
                              "BY 20 MILLISECONDS, GRACE PERIOD 30 "
                              "MILLISECONDS) EMIT FINAL;",
                       1, streams),
              >, 1000);
}

TEST_LIST(wr_tests_snapops, TEST_ENTRY(stream_stream_inner_join),
          TEST_ENTRY(stream_stream_outer_joins_with_grace),
          TEST_ENTRY(stream_table_joins), TEST_ENTRY(table_aggregation),
          TEST_ENTRY(window_scan), TEST_ENTRY(nested_values));
