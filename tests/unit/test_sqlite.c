/* test_sqlite.c: the SQLite sink (unit_sqlite): table layout and types,
 * append, upsert and delete, windows, quoting, exactly-once commits of rows
 * with offsets, reopening, refusal of a mismatched table. Each case works on
 * a real database file in its own temporary directory, checked with sqlite3
 * directly, and removes it at the end. */
#include "sink_fixture.h"
#include "test.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/arena.h"
#include "common/batch.h"
#include "connectors/sqlite_sink.h"

/* ---- fixtures ----------------------------------------------------------- */

/* Runs body(db path) in a fresh temporary directory, then removes the
 * database (and its WAL files) and the directory, whatever body did. */
static void in_tmp(void (*body)(const char *db))
{
    const char *base = getenv("TMPDIR");
    char dir[512], db[600], f[640];
    snprintf(dir, sizeof dir, "%s/weir-sqlite-XXXXXX",
             base && *base ? base : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "mkdtemp %s failed\n", dir);
        wr_test_failed = 1;
        return;
    }
    snprintf(db, sizeof db, "%s/out.db", dir);
    body(db);
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++) {
        snprintf(f, sizeof f, "%s%s", db, sfx[i]);
        unlink(f);
    }
    if (rmdir(dir) != 0) {
        fprintf(stderr, "%s not empty after the test\n", dir);
        wr_test_failed = 1;
    }
}

/* A sink schema over names/types (borrowed). */
static wr_psink schema_of(int ncols, int nkeys, const char **names,
                          const wr_type **types, bool table, bool windowed)
{
    return fx_schema(ncols, nkeys, names, types, table, windowed, WR_FMT_JSON);
}

/* The rows of sql over db as "a|b;c|d" (NULL as NULL, blobs as X'hex'),
 * in a static buffer; "ERROR: msg" on failure. */
static const char *dump(sqlite3 *db, const char *sql)
{
    static char out[4096];
    sqlite3_stmt *q = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "ERROR: %s", sqlite3_errmsg(db));
        return out;
    }
    size_t n = 0;
    int rc;
    for (int r = 0; (rc = sqlite3_step(q)) == SQLITE_ROW; r++) {
        if (r)
            n += (size_t)snprintf(out + n, sizeof out - n, ";");
        for (int i = 0; i < sqlite3_column_count(q) && n < sizeof out; i++) {
            if (i)
                n += (size_t)snprintf(out + n, sizeof out - n, "|");
            if (sqlite3_column_type(q, i) == SQLITE_NULL) {
                n += (size_t)snprintf(out + n, sizeof out - n, "NULL");
            } else if (sqlite3_column_type(q, i) == SQLITE_BLOB) {
                const unsigned char *b = sqlite3_column_blob(q, i);
                int len = sqlite3_column_bytes(q, i);
                n += (size_t)snprintf(out + n, sizeof out - n, "X'");
                for (int k = 0; k < len; k++)
                    n +=
                        (size_t)snprintf(out + n, sizeof out - n, "%02X", b[k]);
                n += (size_t)snprintf(out + n, sizeof out - n, "'");
            } else {
                n += (size_t)snprintf(out + n, sizeof out - n, "%s",
                                      sqlite3_column_text(q, i));
            }
        }
        if (n >= sizeof out)
            break;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        snprintf(out, sizeof out, "ERROR: %s", sqlite3_errmsg(db));
    sqlite3_finalize(q);
    return out;
}

static sqlite3 *reader(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK)
        abort();
    return db;
}

static const char *const SRC[] = {"orders", "orders"};
static const int32_t PART[] = {0, 1};

/* ---- cases -------------------------------------------------------------- */

static void body_types(const char *path)
{
    wr_arena *ar = wr_arena_new(0);
    const wr_type *dec = wr_type_decimal(ar, 10, 2);
    const wr_type *arr = wr_type_array(ar, wr_type_prim(WR_T_INT));
    const char *names[] = {"ID", "I",  "B",  "D",   "DEC", "S",
                           "BO", "BY", "TS", "ARR", "E",   "DT"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_INT),
                              wr_type_prim(WR_T_BIGINT),
                              wr_type_prim(WR_T_DOUBLE),
                              dec,
                              wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_BOOLEAN),
                              wr_type_prim(WR_T_BYTES),
                              wr_type_prim(WR_T_TIMESTAMP),
                              arr,
                              wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_DATE)};
    wr_psink sch = schema_of(12, 1, names, types, false, false);
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, "T", &sch, "CSAS_T_0", &st);
    if (!s)
        FAIL_AT("open: %s", st.msg);

    wr_datum items[2] = {di32(1), di32(2)};
    wr_val av = {arr, 2, items};
    wr_datum d[12] = {dstr("a"), di32(-7), di64(1LL << 40),
                      dnull(),   dnull(),  dstr("héllo"),
                      dnull(),   dnull(),  di64(1700000000123LL),
                      dnull(),   dstr(""), di32(19000)};
    d[3].u.f64 = 2.5;
    d[3].null = false;
    d[4].u.dec = -1250; /* -12.50 */
    d[4].null = false;
    d[6].u.b = 1;
    d[6].null = false;
    d[7] = dstr("\x01\x00\xff");
    d[7].u.str.len = 3;
    d[9].u.nest = &av;
    d[9].null = false;
    wr_out o = out_of(ar, &sch, d, false, false, 0, 0);
    CHECK_INT(wr_sqsink_begin(s, 0, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    /* All NULL but the key. */
    wr_datum n[12];
    for (int i = 0; i < 12; i++)
        n[i] = dnull();
    n[0] = dstr("b");
    o = out_of(ar, &sch, n, false, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_commit(s, 0, NULL, NULL, NULL, &st), ==, WEIR_OK);

    sqlite3 *db = reader(path);
    CHECK_STR(dump(db, "SELECT name, type, pk FROM pragma_table_info('T')"),
              "ID|TEXT|0;I|INTEGER|0;B|INTEGER|0;D|REAL|0;DEC|TEXT|0;"
              "S|TEXT|0;BO|INTEGER|0;BY|BLOB|0;TS|INTEGER|0;ARR|TEXT|0;"
              "E|TEXT|0;DT|INTEGER|0");
    CHECK_STR(dump(db, "SELECT typeof(ID), typeof(I), typeof(B), typeof(D), "
                       "typeof(DEC), typeof(S), typeof(BO), typeof(BY), "
                       "typeof(TS), typeof(ARR), typeof(E), typeof(DT) "
                       "FROM T WHERE ID = 'a'"),
              "text|integer|integer|real|text|text|integer|blob|integer|"
              "text|text|integer");
    CHECK_STR(dump(db, "SELECT * FROM T ORDER BY rowid"),
              "a|-7|1099511627776|2.5|-12.50|héllo|1|X'0100FF'|"
              "1700000000123|[1,2]||19000;"
              "b|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL");
    CHECK_STR(dump(db, "PRAGMA journal_mode"), "wal");
    CHECK_STR(dump(db, "SELECT name FROM sqlite_master ORDER BY name"),
              "T;sqlite_autoindex_weir_offsets_1;weir_offsets");
    sqlite3_close(db);
    wr_sqsink_close(s);
    wr_arena_free(ar);
}

TEST(sqlite_types)
{
    in_tmp(body_types);
}

static void body_stream_appends(const char *path)
{
    wr_arena *ar = wr_arena_new(0);
    const char *names[] = {"K", "V"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_BIGINT)};
    wr_psink sch = schema_of(2, 1, names, types, false, false);
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, "S", &sch, "q", &st);
    if (!s)
        FAIL_AT("open: %s", st.msg);
    CHECK_INT(wr_sqsink_begin(s, 0, &st), ==, WEIR_OK);
    wr_datum a1[] = {dstr("a"), di64(1)}, a2[] = {dstr("a"), di64(2)};
    wr_out o1 = out_of(ar, &sch, a1, false, false, 0, 0);
    wr_out o2 = out_of(ar, &sch, a2, false, false, 0, 0);
    wr_out t = out_of(ar, &sch, a2, true, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o1, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_put(s, &o2, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_put(s, &t, &st), ==, WEIR_OK); /* key, no value */
    CHECK_INT(wr_sqsink_commit(s, 0, NULL, NULL, NULL, &st), ==, WEIR_OK);
    sqlite3 *db = reader(path);
    CHECK_STR(dump(db, "SELECT K, V FROM S ORDER BY rowid"), "a|1;a|2;a|NULL");
    CHECK_STR(dump(db, "SELECT count(*) FROM pragma_index_list('S')"), "0");
    sqlite3_close(db);
    wr_sqsink_close(s);
    wr_arena_free(ar);
}

TEST(sqlite_stream_appends)
{
    in_tmp(body_stream_appends);
}

static void body_table_upsert(const char *path)
{
    wr_arena *ar = wr_arena_new(0);
    const char *names[] = {"K", "N", "V"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING), wr_type_prim(WR_T_INT),
                              wr_type_prim(WR_T_STRING)};
    wr_psink sch = schema_of(3, 2, names, types, true, false);
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, "TBL", &sch, "q", &st);
    if (!s)
        FAIL_AT("open: %s", st.msg);
    wr_datum r1[] = {dstr("a"), di32(1), dstr("one")};
    wr_datum r2[] = {dstr("a"), di32(1), dstr("uno")};
    wr_datum r3[] = {dstr("a"), di32(2), dstr("two")};
    wr_datum r4[] = {dstr("b"), di32(1), dstr("bee")};
    wr_datum n1[] = {dnull(), di32(1), dstr("null-1")};
    wr_datum n2[] = {dnull(), di32(1), dstr("null-2")};
    CHECK_INT(wr_sqsink_begin(s, 0, &st), ==, WEIR_OK);
    wr_out o = out_of(ar, &sch, r1, false, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, r3, false, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, r4, false, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, r2, false, false, 0, 0); /* update (a, 1) */
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, n1, false, false, 0, 0); /* a NULL in the key */
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, n2, false, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_commit(s, 0, NULL, NULL, NULL, &st), ==, WEIR_OK);
    sqlite3 *db = reader(path);
    CHECK_STR(dump(db, "SELECT name, type, pk FROM pragma_table_info('TBL')"),
              "K|TEXT|1;N|INTEGER|2;V|TEXT|0");
    CHECK_STR(dump(db, "SELECT K, N, V FROM TBL ORDER BY K, N"),
              "NULL|1|null-2;a|1|uno;a|2|two;b|1|bee");
    /* Tombstones delete their key only; deleting a missing key is fine. */
    CHECK_INT(wr_sqsink_begin(s, 1, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, r1, true, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, n1, true, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, r1, true, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_commit(s, 0, NULL, NULL, NULL, &st), ==, WEIR_OK);
    CHECK_STR(dump(db, "SELECT K, N, V FROM TBL ORDER BY K, N"),
              "a|2|two;b|1|bee");
    /* A key deleted then written again comes back. */
    CHECK_INT(wr_sqsink_begin(s, 2, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, r2, false, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_commit(s, 0, NULL, NULL, NULL, &st), ==, WEIR_OK);
    CHECK_STR(dump(db, "SELECT K, N, V FROM TBL ORDER BY K, N"),
              "a|1|uno;a|2|two;b|1|bee");
    sqlite3_close(db);
    wr_sqsink_close(s);
    wr_arena_free(ar);
}

TEST(sqlite_table_upsert_delete)
{
    in_tmp(body_table_upsert);
}

static void body_windowed(const char *path)
{
    wr_arena *ar = wr_arena_new(0);
    /* A value column that is the window bound itself is not written twice. */
    const char *names[] = {"ID", "CNT", "WINDOWSTART"};
    const wr_type *types[] = {wr_type_prim(WR_T_INT), wr_type_prim(WR_T_BIGINT),
                              wr_type_prim(WR_T_BIGINT)};
    wr_psink sch = schema_of(3, 1, names, types, true, true);
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, "W", &sch, "q", &st);
    if (!s)
        FAIL_AT("open: %s", st.msg);
    wr_datum c1[] = {di32(7), di64(1), di64(0)};
    wr_datum c2[] = {di32(7), di64(2), di64(0)};
    wr_datum c3[] = {di32(7), di64(5), di64(1000)};
    CHECK_INT(wr_sqsink_begin(s, 0, &st), ==, WEIR_OK);
    wr_out o = out_of(ar, &sch, c1, false, true, 0, 1000);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, c2, false, true, 0, 1000);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, c3, false, true, 1000, 2000);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    /* An unwindowed record cannot go to a windowed table. */
    o = out_of(ar, &sch, c3, false, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_E_INTERNAL);
    CHECK(strstr(st.msg, "table \"W\" is windowed but the record is not") !=
          NULL);
    CHECK_INT(wr_sqsink_commit(s, 0, NULL, NULL, NULL, &st), ==, WEIR_OK);
    sqlite3 *db = reader(path);
    CHECK_STR(dump(db, "SELECT name, type, pk FROM pragma_table_info('W')"),
              "ID|INTEGER|1;WINDOWSTART|INTEGER|2;WINDOWEND|INTEGER|3;"
              "CNT|INTEGER|0");
    CHECK_STR(dump(db, "SELECT * FROM W ORDER BY WINDOWSTART"),
              "7|0|1000|2;7|1000|2000|5");
    /* A tombstone deletes one window of the key. */
    CHECK_INT(wr_sqsink_begin(s, 1, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, c1, true, true, 0, 1000);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_commit(s, 0, NULL, NULL, NULL, &st), ==, WEIR_OK);
    CHECK_STR(dump(db, "SELECT * FROM W ORDER BY WINDOWSTART"),
              "7|1000|2000|5");
    sqlite3_close(db);
    wr_sqsink_close(s);

    /* A windowed stream: the bounds are columns, nothing is a key. */
    wr_psink ss = schema_of(2, 1, names, types, false, true);
    s = wr_sqsink_open(path, "WS", &ss, "q", &st);
    if (!s)
        FAIL_AT("open: %s", st.msg);
    CHECK_INT(wr_sqsink_begin(s, 0, &st), ==, WEIR_OK);
    o = out_of(ar, &ss, c1, false, true, 0, 1000);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_commit(s, 0, NULL, NULL, NULL, &st), ==, WEIR_OK);
    db = reader(path);
    CHECK_STR(dump(db, "SELECT name, pk FROM pragma_table_info('WS')"),
              "ID|0;WINDOWSTART|0;WINDOWEND|0;CNT|0");
    CHECK_STR(dump(db, "SELECT * FROM WS"), "7|0|1000|1;7|0|1000|1");
    sqlite3_close(db);
    wr_sqsink_close(s);
    wr_arena_free(ar);
}

TEST(sqlite_windowed)
{
    in_tmp(body_windowed);
}

static void body_no_injection(const char *path)
{
    wr_arena *ar = wr_arena_new(0);
    const char *table = "x\"; DROP TABLE weir_offsets; --'";
    const char *names[] = {"K\"EY", "it's \"v\""};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_STRING)};
    wr_psink sch = schema_of(2, 1, names, types, true, false);
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, table, &sch, "q'; --", &st);
    if (!s)
        FAIL_AT("open: %s", st.msg);
    const char *evil = "'); DELETE FROM weir_offsets; --\"";
    wr_datum d[] = {dstr("k'\""), dstr(evil)};
    wr_out o = out_of(ar, &sch, d, false, false, 0, 0);
    CHECK_INT(wr_sqsink_begin(s, 0, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK); /* the upsert too */
    const char *src[] = {"t'\"; --"};
    int64_t next[] = {5};
    CHECK_INT(wr_sqsink_commit(s, 1, src, PART, next, &st), ==, WEIR_OK);
    sqlite3 *db = reader(path);
    CHECK_STR(dump(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                       "ORDER BY name"),
              "weir_offsets;x\"; DROP TABLE weir_offsets; --'");
    CHECK_STR(dump(db, "SELECT name FROM pragma_table_info("
                       "'x\"; DROP TABLE weir_offsets; --''')"),
              "K\"EY;it's \"v\"");
    CHECK_STR(dump(db, "SELECT * FROM \"x\"\"; DROP TABLE weir_offsets; "
                       "--'\""),
              "k'\"|'); DELETE FROM weir_offsets; --\"");
    CHECK_STR(dump(db, "SELECT * FROM weir_offsets"), "q'; --|t'\"; --|0|5|0");
    int64_t got = 0;
    CHECK_INT(wr_sqsink_offsets(s, src[0], 0, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, 5);
    sqlite3_close(db);
    wr_sqsink_close(s);
    wr_arena_free(ar);
}

TEST(sqlite_no_injection)
{
    in_tmp(body_no_injection);
}

static void body_offsets_atomic(const char *path)
{
    wr_arena *ar = wr_arena_new(0);
    const char *names[] = {"K", "V"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_BIGINT)};
    wr_psink sch = schema_of(2, 1, names, types, true, false);
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, "T", &sch, "Q1", &st);
    if (!s)
        FAIL_AT("open: %s", st.msg);
    int64_t got = 0;
    CHECK_INT(wr_sqsink_offsets(s, "orders", 0, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, -1);
    CHECK_INT(wr_sqsink_last_batch(s, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, -1);
    sqlite3 *db = reader(path);

    /* Batch 0 commits rows and offsets together; until then a reader sees
     * neither. */
    wr_datum a[] = {dstr("a"), di64(1)}, b[] = {dstr("b"), di64(2)};
    CHECK_INT(wr_sqsink_begin(s, 0, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_begin(s, 0, &st), ==, WEIR_E_INTERNAL);
    wr_out o = out_of(ar, &sch, a, false, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_STR(dump(db, "SELECT count(*) FROM T"), "0");
    int64_t next0[] = {10, 20};
    CHECK_INT(wr_sqsink_commit(s, 2, SRC, PART, next0, &st), ==, WEIR_OK);
    CHECK_STR(dump(db, "SELECT K, V FROM T"), "a|1");
    CHECK_STR(dump(db, "SELECT * FROM weir_offsets ORDER BY partition"),
              "Q1|orders|0|10|0;Q1|orders|1|20|0");

    /* Batch 1 is rolled back: neither its rows nor its offsets stay. */
    CHECK_INT(wr_sqsink_begin(s, 1, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, b, false, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, a, true, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    wr_sqsink_rollback(s);
    wr_sqsink_rollback(s); /* no batch open: a no-op */
    CHECK_STR(dump(db, "SELECT K, V FROM T"), "a|1");
    CHECK_INT(wr_sqsink_offsets(s, "orders", 1, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, 20);
    /* Outside a batch nothing is written. */
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_E_INTERNAL);
    CHECK(strstr(st.msg, "outside a batch") != NULL);
    int64_t next1[] = {15, 25};
    CHECK_INT(wr_sqsink_commit(s, 2, SRC, PART, next1, &st), ==,
              WEIR_E_INTERNAL);

    /* A failure inside the commit (a trigger makes the second offsets
     * write fail, after the rows and the first offset were written) rolls
     * the whole batch back. */
    CHECK_INT(sqlite3_exec(db,
                           "CREATE TRIGGER boom BEFORE INSERT ON "
                           "weir_offsets WHEN NEW.partition = 1 BEGIN "
                           "SELECT RAISE(ABORT, 'injected'); END",
                           NULL, NULL, NULL),
              ==, SQLITE_OK);
    CHECK_INT(wr_sqsink_begin(s, 1, &st), ==, WEIR_OK);
    o = out_of(ar, &sch, b, false, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    int64_t next9[] = {99, 99};
    const char *two[] = {"orders", "fresh"}; /* fresh[1]: an insert */
    CHECK_INT(wr_sqsink_commit(s, 2, two, PART, next9, &st), ==, WEIR_E_IO);
    CHECK(strstr(st.msg, "batch 1: offsets of fresh[1]: injected") != NULL);
    CHECK_STR(dump(db, "SELECT K, V FROM T"), "a|1");
    CHECK_STR(dump(db, "SELECT * FROM weir_offsets ORDER BY partition"),
              "Q1|orders|0|10|0;Q1|orders|1|20|0");
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_E_INTERNAL);
    CHECK_INT(sqlite3_exec(db, "DROP TRIGGER boom", NULL, NULL, NULL), ==,
              SQLITE_OK);

    /* The retry of batch 1, recomputed, commits. */
    CHECK_INT(wr_sqsink_begin(s, 1, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_commit(s, 2, SRC, PART, next1, &st), ==, WEIR_OK);
    CHECK_STR(dump(db, "SELECT K, V FROM T ORDER BY K"), "a|1;b|2");
    CHECK_STR(dump(db, "SELECT * FROM weir_offsets ORDER BY partition"),
              "Q1|orders|0|15|1;Q1|orders|1|25|1");
    CHECK_INT(wr_sqsink_last_batch(s, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, 1);
    sqlite3_close(db);
    wr_sqsink_close(s);
    wr_arena_free(ar);
}

TEST(sqlite_offsets_atomic)
{
    in_tmp(body_offsets_atomic);
}

static void body_reopen(const char *path)
{
    wr_arena *ar = wr_arena_new(0);
    const char *names[] = {"K", "V"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_DOUBLE)};
    wr_psink sch = schema_of(2, 1, names, types, false, false);
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, "R", &sch, "Q1", &st);
    if (!s)
        FAIL_AT("open: %s", st.msg);
    wr_datum a[] = {dstr("a"), dnull()};
    wr_out o = out_of(ar, &sch, a, false, false, 0, 0);
    int64_t n0[] = {3, 4}, n1[] = {7, 9};
    CHECK_INT(wr_sqsink_begin(s, 0, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_commit(s, 2, SRC, PART, n0, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_begin(s, 1, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_commit(s, 2, SRC, PART, n1, &st), ==, WEIR_OK);
    /* Batch 2 is open when the process stops: closing discards it. */
    CHECK_INT(wr_sqsink_begin(s, 2, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    wr_sqsink_close(s);

    /* Restart: the same table is reused, the offsets say where to resume. */
    s = wr_sqsink_open(path, "R", &sch, "Q1", &st);
    if (!s)
        FAIL_AT("reopen: %s", st.msg);
    int64_t got = 0;
    CHECK_INT(wr_sqsink_offsets(s, "orders", 0, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, 7);
    CHECK_INT(wr_sqsink_offsets(s, "orders", 1, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, 9);
    CHECK_INT(wr_sqsink_offsets(s, "orders", 2, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, -1);
    CHECK_INT(wr_sqsink_offsets(s, "other", 0, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, -1);
    CHECK_INT(wr_sqsink_last_batch(s, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, 1);
    wr_sqsink_close(s);
    /* Another query on the same file has its own offsets. */
    s = wr_sqsink_open(path, "R2", &sch, "Q2", &st);
    if (!s)
        FAIL_AT("open Q2: %s", st.msg);
    CHECK_INT(wr_sqsink_offsets(s, "orders", 0, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, -1);
    wr_sqsink_close(s);
    sqlite3 *db = reader(path);
    CHECK_STR(dump(db, "SELECT count(*), typeof(V) FROM R"), "2|null");
    sqlite3_close(db);
    wr_arena_free(ar);
}

TEST(sqlite_reopen_offsets)
{
    in_tmp(body_reopen);
}

/* The child of body_crash: commits batch 0, then dies in batch 1. */
static void crash_child(const char *path, const wr_psink *sch)
{
    wr_arena *ar = wr_arena_new(0);
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, "C", sch, "Q", &st);
    if (!s)
        _exit(2);
    wr_datum a[] = {dstr("a"), di64(1)}, b[] = {dstr("b"), di64(2)};
    wr_out o = out_of(ar, sch, a, false, false, 0, 0);
    int64_t n0[] = {11, 12};
    if (wr_sqsink_begin(s, 0, &st) || wr_sqsink_put(s, &o, &st) ||
        wr_sqsink_commit(s, 2, SRC, PART, n0, &st))
        _exit(3);
    o = out_of(ar, sch, b, false, false, 0, 0);
    if (wr_sqsink_begin(s, 1, &st) || wr_sqsink_put(s, &o, &st))
        _exit(4);
    _exit(0); /* no commit, no rollback, no close: a crash */
}

static void body_crash(const char *path)
{
    const char *names[] = {"K", "V"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_BIGINT)};
    wr_psink sch = schema_of(2, 1, names, types, true, false);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        FAIL_AT("fork failed");
    if (pid == 0)
        crash_child(path, &sch);
    int status = 0;
    CHECK_INT(waitpid(pid, &status, 0), ==, pid);
    CHECK(WIFEXITED(status));
    CHECK_INT(WEXITSTATUS(status), ==, 0);
    /* Recovery: batch 0 with its offsets, nothing of batch 1. */
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, "C", &sch, "Q", &st);
    if (!s)
        FAIL_AT("reopen: %s", st.msg);
    int64_t got = 0;
    CHECK_INT(wr_sqsink_offsets(s, "orders", 0, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, 11);
    CHECK_INT(wr_sqsink_offsets(s, "orders", 1, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, 12);
    CHECK_INT(wr_sqsink_last_batch(s, &got, &st), ==, WEIR_OK);
    CHECK_INT(got, ==, 0);
    wr_sqsink_close(s);
    sqlite3 *db = reader(path);
    CHECK_STR(dump(db, "SELECT K, V FROM C"), "a|1");
    sqlite3_close(db);
}

TEST(sqlite_crash_recovery)
{
    in_tmp(body_crash);
}

static void body_mismatch(const char *path)
{
    sqlite3 *db = reader(path);
    CHECK_INT(sqlite3_exec(db,
                           "CREATE TABLE t1 (K TEXT, V TEXT);"
                           "CREATE TABLE t2 (k VARCHAR(10), v BIGINT);"
                           "CREATE TABLE t3 (K TEXT PRIMARY KEY, V INTEGER);"
                           "CREATE TABLE t4 (K TEXT, V INTEGER, X TEXT);"
                           "CREATE VIEW v1 AS SELECT 1 AS K, 2 AS V;",
                           NULL, NULL, NULL),
              ==, SQLITE_OK);
    const char *names[] = {"K", "V"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_BIGINT)};
    wr_psink stream = schema_of(2, 1, names, types, false, false);
    wr_psink table = schema_of(2, 1, names, types, true, false);
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, "T1", &stream, "q", &st);
    CHECK(s == NULL);
    CHECK_INT(st.code, ==, WEIR_E_BIND);
    char want[512];
    snprintf(want, sizeof want,
             "SQLite table \"T1\" in %s does not match the query: column 2 "
             "is \"V\" TEXT, the query writes \"V\" INTEGER; drop it or "
             "choose another SQLITE_TABLE",
             path);
    CHECK_STR(st.msg, want);
    /* Same names (any case) and affinities: accepted, and usable. */
    s = wr_sqsink_open(path, "t2", &stream, "q", &st);
    if (!s)
        FAIL_AT("open t2: %s", st.msg);
    wr_sqsink_close(s);
    /* A stream needs no primary key, a table needs one on its keys. */
    s = wr_sqsink_open(path, "t3", &stream, "q", &st);
    CHECK(s == NULL);
    CHECK(strstr(st.msg, "its primary key is (K), a stream result needs "
                         "none") != NULL);
    s = wr_sqsink_open(path, "t2", &table, "q", &st);
    CHECK(s == NULL);
    CHECK(strstr(st.msg, "its primary key is none, a table result needs "
                         "(K)") != NULL);
    s = wr_sqsink_open(path, "t3", &table, "q", &st);
    if (!s)
        FAIL_AT("open t3: %s", st.msg);
    wr_sqsink_close(s);
    s = wr_sqsink_open(path, "t4", &stream, "q", &st);
    CHECK(s == NULL);
    CHECK(strstr(st.msg, "it has 3 columns, the query writes 2 (K TEXT, V "
                         "INTEGER)") != NULL);
    s = wr_sqsink_open(path, "v1", &stream, "q", &st);
    CHECK(s == NULL);
    CHECK(strstr(st.msg, "\"v1\" in ") != NULL);
    CHECK(strstr(st.msg, "is an SQLite view, not a table") != NULL);
    /* Reserved and empty names, an unopenable path. */
    s = wr_sqsink_open(path, "WEIR_OFFSETS", &stream, "q", &st);
    CHECK(s == NULL);
    CHECK_STR(st.msg, "SQLITE_TABLE 'WEIR_OFFSETS' is reserved for weir's "
                      "offsets; choose another name");
    s = wr_sqsink_open(path, "", &stream, "q", &st);
    CHECK(s == NULL);
    CHECK_INT(st.code, ==, WEIR_E_BIND);
    s = wr_sqsink_open("/nonexistent-dir/x/out.db", "T", &stream, "q", &st);
    CHECK(s == NULL);
    CHECK_INT(st.code, ==, WEIR_E_IO);
    CHECK(strstr(st.msg, "SQLite /nonexistent-dir/x/out.db: cannot open the "
                         "database: unable to open database file") != NULL);
    /* A duplicate column name (SQLite's names ignore case). */
    const char *dup[] = {"K", "k"};
    wr_psink dups = schema_of(2, 1, dup, types, false, false);
    s = wr_sqsink_open(path, "D", &dups, "q", &st);
    CHECK(s == NULL);
    CHECK(strstr(st.msg, "cannot create table \"D\": duplicate column name: "
                         "k") != NULL);
    /* Nothing was created by the refusals. */
    CHECK_STR(dump(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                       "ORDER BY name"),
              "t1;t2;t3;t4;weir_offsets");
    sqlite3_close(db);
}

TEST(sqlite_mismatch_refused)
{
    in_tmp(body_mismatch);
}

static void body_keyless(const char *path)
{
    wr_arena *ar = wr_arena_new(0);
    const char *names[] = {"TOTAL"};
    const wr_type *types[] = {wr_type_prim(WR_T_BIGINT)};
    wr_psink sch = schema_of(1, 0, names, types, true, false);
    weir_status st;
    wr_sqsink *s = wr_sqsink_open(path, "G", &sch, "q", &st);
    if (!s)
        FAIL_AT("open: %s", st.msg);
    CHECK_INT(wr_sqsink_begin(s, 0, &st), ==, WEIR_OK);
    for (int64_t v = 1; v <= 3; v++) {
        wr_datum d[] = {di64(v)};
        wr_out o = out_of(ar, &sch, d, false, false, 0, 0);
        CHECK_INT(wr_sqsink_put(s, &o, &st), ==, WEIR_OK);
    }
    CHECK_INT(wr_sqsink_commit(s, 0, NULL, NULL, NULL, &st), ==, WEIR_OK);
    sqlite3 *db = reader(path);
    CHECK_STR(dump(db, "SELECT * FROM G"), "3");
    CHECK_INT(wr_sqsink_begin(s, 1, &st), ==, WEIR_OK);
    wr_datum d[] = {dnull()};
    wr_out t = out_of(ar, &sch, d, true, false, 0, 0);
    CHECK_INT(wr_sqsink_put(s, &t, &st), ==, WEIR_OK);
    CHECK_INT(wr_sqsink_commit(s, 0, NULL, NULL, NULL, &st), ==, WEIR_OK);
    CHECK_STR(dump(db, "SELECT count(*) FROM G"), "0");
    sqlite3_close(db);
    wr_sqsink_close(s);
    wr_arena_free(ar);
}

TEST(sqlite_keyless_table)
{
    in_tmp(body_keyless);
}

static void body_nomem(const char *path)
{
    const char *names[] = {"K", "V"};
    const wr_type *types[] = {wr_type_prim(WR_T_STRING),
                              wr_type_prim(WR_T_BIGINT)};
    wr_psink sch = schema_of(2, 1, names, types, true, false);
    weir_status st;
    /* Every allocation of the open fails in turn: NULL with
     * WEIR_E_NOMEM, nothing leaked (ASan), until it succeeds. */
    for (long n = 0; n < 50; n++) {
        wr_fault_sim(n);
        wr_sqsink *s = wr_sqsink_open(path, "T", &sch, "q", &st);
        wr_fault_sim(-1);
        if (s) {
            wr_sqsink_close(s);
            CHECK_INT(n, >, 0);
            return;
        }
        CHECK_INT(st.code, ==, WEIR_E_NOMEM);
    }
    FAIL_AT("open never succeeded");
}

TEST(sqlite_open_nomem)
{
    in_tmp(body_nomem);
}

TEST_LIST(wr_tests_sqlite, TEST_ENTRY(sqlite_types),
          TEST_ENTRY(sqlite_stream_appends),
          TEST_ENTRY(sqlite_table_upsert_delete), TEST_ENTRY(sqlite_windowed),
          TEST_ENTRY(sqlite_no_injection), TEST_ENTRY(sqlite_offsets_atomic),
          TEST_ENTRY(sqlite_reopen_offsets), TEST_ENTRY(sqlite_crash_recovery),
          TEST_ENTRY(sqlite_mismatch_refused), TEST_ENTRY(sqlite_keyless_table),
          TEST_ENTRY(sqlite_open_nomem));
