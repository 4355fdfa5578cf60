/*
 * test_datagen.c: the quickstart generators (connectors/datagen.h): the
 * same seed gives the same bytes; every quickstart in every format decodes,
 * with weir's own decoders, into the schema of the statement
 * wr_datagen_schema prints (bound by a real engine), and re-encodes to the
 * same bytes; timestamps never go back.
 */
#include <stdlib.h>

#include "common/arena.h"
#include "common/batch.h"
#include "connectors/datagen.h"
#include "engine/engine_int.h"
#include "formats/format.h"
#include "test.h"

static const char *const qs_names[] = {"pageviews", "users", "orders"};
static const wr_format formats[] = {WR_FMT_JSON, WR_FMT_DELIMITED};

#define START_MS 1700000000000LL

TEST(datagen_deterministic)
{
    for (int q = 0; q < 3; q++) {
        weir_status st;
        wr_datagen *a =
            wr_datagen_new(qs_names[q], WR_FMT_JSON, 42, START_MS, &st);
        wr_datagen *b =
            wr_datagen_new(qs_names[q], WR_FMT_JSON, 42, START_MS, &st);
        wr_datagen *c =
            wr_datagen_new(qs_names[q], WR_FMT_JSON, 43, START_MS, &st);
        CHECK(a && b && c);
        wr_buf ka = WR_BUF_INIT, va = WR_BUF_INIT;
        wr_buf kb = WR_BUF_INIT, vb = WR_BUF_INIT;
        int differ = 0;
        for (int i = 0; i < 500; i++) {
            int64_t ta, tb;
            CHECK(wr_datagen_next(a, &ka, &va, &ta));
            CHECK(wr_datagen_next(b, &kb, &vb, &tb));
            CHECK_INT(ta, ==, tb);
            CHECK_INT(ka.len, ==, kb.len);
            CHECK(!memcmp(ka.s, kb.s, ka.len));
            CHECK_STR(wr_buf_str(&va), wr_buf_str(&vb));
            CHECK(wr_datagen_next(c, &kb, &vb, &tb));
            differ += strcmp(wr_buf_str(&va), wr_buf_str(&vb)) != 0;
        }
        CHECK_INT(differ, >, 400);
        wr_buf_fini(&ka);
        wr_buf_fini(&va);
        wr_buf_fini(&kb);
        wr_buf_fini(&vb);
        wr_datagen_free(a);
        wr_datagen_free(b);
        wr_datagen_free(c);
    }
}

/* A fixed seed gives fixed bytes: catches an accidental change of the
 * generators (which would change every user's sample data). */
TEST(datagen_golden)
{
    weir_status st;
    wr_datagen *g = wr_datagen_new("orders", WR_FMT_DELIMITED, 7, 1000, &st);
    CHECK(g);
    wr_buf k = WR_BUF_INIT, v = WR_BUF_INIT;
    int64_t ts = 0;
    CHECK(wr_datagen_next(g, &k, &v, &ts));
    CHECK_INT(ts, ==, 1000);
    CHECK_INT(k.len, ==, 4); /* INT key: 4 bytes big-endian, orderid 0 */
    CHECK(!memcmp(k.s, "\0\0\0\0", 4));
    CHECK(!strncmp(wr_buf_str(&v), "1000,Item_", 10));
    CHECK(wr_datagen_next(g, &k, &v, &ts));
    CHECK(!memcmp(k.s, "\0\0\0\1", 4));
    wr_buf_fini(&k);
    wr_buf_fini(&v);
    wr_datagen_free(g);
}

/* Declares qs's schema in a fresh engine; returns the engine (its catalog
 * holds the source) or NULL. */
static weir_engine *declare(const char *qs, wr_format fmt, const char *topic)
{
    weir_status st;
    char *sql = wr_datagen_schema(qs, fmt, topic);
    weir_engine *e = weir_engine_new(&st);
    if (!sql || !e) {
        free(sql);
        weir_engine_free(e);
        return NULL;
    }
    size_t pos = 0, len = strlen(sql);
    weir_stmt *s = NULL;
    weir_rc rc = weir_engine_prepare(e, sql, len, &pos, &s, &st);
    if (rc == WEIR_OK && s)
        rc = weir_stmt_apply(s, &st);
    if (rc != WEIR_OK || !s) {
        fprintf(stderr, "%s\n%s\n", sql, rc != WEIR_OK ? st.msg : "no stmt");
        weir_engine_free(e);
        e = NULL;
    }
    weir_stmt_free(s);
    free(sql);
    return e;
}

static void check_decodes(const char *qs, wr_format fmt)
{
    weir_engine *e = declare(qs, fmt, "t'opic");
    CHECK(e);
    char upper[32];
    size_t i = 0;
    for (; qs[i]; i++)
        upper[i] = (char)(qs[i] - 'a' + 'A');
    upper[i] = '\0';
    const wr_source *src = wr_catalog_get(wr_engine_catalog(e), upper);
    CHECK(src);
    CHECK_STR(src->topic, "t'opic");
    CHECK_INT(src->key_format, ==, WR_FMT_KAFKA);
    CHECK_INT(src->value_format, ==, fmt);
    CHECK(src->cols[0].key);
    CHECK_INT(src->table, ==, !strcmp(qs, "users"));

    int nv = src->ncols - 1;
    wr_arena *ar = wr_arena_new(0);
    wr_field_map fields[8];
    const wr_type *types[8];
    const char *names[8];
    for (int c = 0; c < nv; c++) {
        CHECK(!src->cols[c + 1].key);
        fields[c].name = src->cols[c + 1].name;
        fields[c].type = src->cols[c + 1].type;
        fields[c].col = c;
        types[c] = src->cols[c + 1].type;
        names[c] = src->cols[c + 1].name;
    }
    weir_status st;
    wr_arena *dar = wr_arena_new(0);
    wr_decoder *d = wr_decoder_new(dar, fmt, fields, nv, 0, &st);
    CHECK(d);
    wr_datagen *g = wr_datagen_new(qs, fmt, 9, START_MS, &st);
    CHECK(g);
    wr_buf k = WR_BUF_INIT, v = WR_BUF_INIT, again = WR_BUF_INIT;
    int64_t prev = START_MS, ts = 0;
    for (int r = 0; r < 300; r++) {
        CHECK(wr_datagen_next(g, &k, &v, &ts));
        CHECK_INT(ts, >=, prev);
        prev = ts;

        wr_batch b;
        CHECK(wr_batch_init(&b, ar, nv, types, 1));
        b.n = 1;
        char err[256] = "";
        weir_rc rc =
            wr_decode_value(d, v.s, v.len, false, &b, 0, err, sizeof err);
        if (rc != WEIR_OK)
            FAIL_AT("%s %s: %s: %s", qs, wr_format_name(fmt), wr_buf_str(&v),
                    err);
        for (int c = 0; c < nv; c++)
            CHECK(!wr_col_is_null(&b.cols[c], 0));
        /* The event-time column is the record's timestamp. */
        if (strcmp(qs, "users") != 0)
            CHECK_INT(WR_COL_I64(&b.cols[0])[0], ==, ts);
        wr_buf_reset(&again);
        wr_encode_value(fmt, ',', names, b.cols, nv, 0, &again);
        CHECK_STR(wr_buf_str(&again), wr_buf_str(&v));

        wr_col kc;
        CHECK(wr_col_init(&kc, ar, src->cols[0].type, 1));
        rc = wr_decode_key(WR_FMT_KAFKA, src->cols[0].type, k.s, k.len, &kc, 0,
                           ar, err, sizeof err);
        CHECK_INT(rc, ==, WEIR_OK);
        CHECK(!wr_col_is_null(&kc, 0));
        wr_buf_reset(&again);
        wr_encode_key(WR_FMT_KAFKA, &kc, 0, &again);
        CHECK_INT(again.len, ==, k.len);
        CHECK(!memcmp(again.s, k.s, k.len));
        if (!strcmp(qs, "orders"))
            CHECK_INT(WR_COL_I32(&kc)[0], ==, r);
        wr_arena_reset(ar);
    }
    CHECK_INT(prev, >, START_MS);
    wr_buf_fini(&k);
    wr_buf_fini(&v);
    wr_buf_fini(&again);
    wr_datagen_free(g);
    wr_arena_free(ar);
    wr_arena_free(dar);
    weir_engine_free(e);
}

TEST(datagen_decodes)
{
    for (int q = 0; q < 3; q++)
        for (int f = 0; f < 2; f++) {
            check_decodes(qs_names[q], formats[f]);
            if (wr_test_failed)
                FAIL_AT("in %s %s", qs_names[q], wr_format_name(formats[f]));
        }
}

TEST(datagen_errors)
{
    weir_status st;
    CHECK(!wr_datagen_new("clicks", WR_FMT_JSON, 1, 0, &st));
    CHECK_INT(st.code, ==, WEIR_E_USAGE);
    CHECK(!wr_datagen_new("orders", WR_FMT_AVRO, 1, 0, &st));
    CHECK_INT(st.code, ==, WEIR_E_UNSUPPORTED);
    CHECK(!wr_datagen_schema("clicks", WR_FMT_JSON, "t"));
    CHECK_STR(wr_datagen_quickstart("PageViews"), "pageviews");
    CHECK(!wr_datagen_quickstart(NULL));
    wr_datagen_free(NULL);
}

TEST(datagen_schema_text)
{
    char *sql = wr_datagen_schema("users", WR_FMT_DELIMITED, "users_t");
    CHECK_STR(sql, "CREATE TABLE users (\n"
                   "    userid       STRING PRIMARY KEY,\n"
                   "    registertime BIGINT,\n"
                   "    regionid     STRING,\n"
                   "    gender       STRING\n"
                   ") WITH (\n"
                   "    KAFKA_TOPIC  = 'users_t',\n"
                   "    KEY_FORMAT   = 'KAFKA',\n"
                   "    VALUE_FORMAT = 'DELIMITED'\n"
                   ");\n");
    free(sql);
}

TEST_LIST(wr_tests_datagen, TEST_ENTRY(datagen_deterministic),
          TEST_ENTRY(datagen_golden), TEST_ENTRY(datagen_decodes),
          TEST_ENTRY(datagen_errors), TEST_ENTRY(datagen_schema_text));
