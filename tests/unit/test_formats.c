/* test_formats.c: JSON DOM, value/key codecs, Java number text and DECIMAL
 * text conversions (unit_formats). */
#include "test.h"

#include <math.h>

#include "common/arena.h"
#include "common/batch.h"
#include "common/decimal.h"
#include "formats/format.h"
#include "formats/json.h"

/* ---- helpers ----------------------------------------------------------- */

/* Parses and re-writes text; returns the written JSON (static buffer) or
 * the error message. */
static const char *roundtrip(const char *text)
{
    static char out[512];
    char err[128];
    wr_arena *ar = wr_arena_new(0);
    wr_jval *v = wr_json_parse(ar, text, strlen(text), err, sizeof err);
    if (!v) {
        snprintf(out, sizeof out, "ERR %s", err);
    } else {
        wr_buf b = WR_BUF_INIT;
        wr_json_write(&b, v);
        snprintf(out, sizeof out, "%s", wr_buf_str(&b));
        wr_buf_fini(&b);
    }
    wr_arena_free(ar);
    return out;
}

static const char *java(double d)
{
    static char out[64];
    wr_buf b = WR_BUF_INIT;
    wr_put_java_double(&b, d);
    snprintf(out, sizeof out, "%s", wr_buf_str(&b));
    wr_buf_fini(&b);
    return out;
}

static const char *decfmt(wr_i128 u, int scale)
{
    static char out[64];
    wr_dec_format(u, scale, out);
    return out;
}

/* A fixture: a batch over the given types plus a decoder. */
typedef struct fixture {
    wr_arena *ar;
    wr_batch b;
    wr_decoder *d;
    char err[256];
} fixture;

static bool fx_init(fixture *fx, wr_format fmt, const char *const *names,
                    const wr_type *const *types, const int *cols, int n)
{
    memset(fx, 0, sizeof *fx);
    fx->ar = wr_arena_new(0);
    wr_field_map fm[16];
    const wr_type *btypes[16];
    int nb = 0;
    for (int i = 0; i < n; i++) {
        fm[i].name = names[i];
        fm[i].type = types[i];
        fm[i].col = cols ? cols[i] : i;
        if (fm[i].col >= 0)
            btypes[fm[i].col] = types[i],
            nb = fm[i].col + 1 > nb ? fm[i].col + 1 : nb;
    }
    if (!wr_batch_init(&fx->b, fx->ar, nb, btypes, 8))
        return false;
    weir_status st;
    fx->d = wr_decoder_new(fx->ar, fmt, fm, n, 0, &st);
    return fx->d != NULL;
}

static weir_rc fx_decode(fixture *fx, const char *text, int row)
{
    fx->err[0] = '\0';
    return wr_decode_value(fx->d, text, strlen(text), false, &fx->b, row,
                           fx->err, sizeof fx->err);
}

static bool is_null(fixture *fx, int col, int row)
{
    return wr_col_is_null(&fx->b.cols[col], row);
}

static const char *str_at(fixture *fx, int col, int row)
{
    static char out[256];
    wr_str s = WR_COL_STR(&fx->b.cols[col])[row];
    snprintf(out, sizeof out, "%.*s", (int)s.len, s.p);
    return out;
}

/* Encodes row 0 of the fixture's batch as fmt. */
static const char *encode(const wr_col *cols, const char *const *names, int n,
                          wr_format fmt)
{
    static char out[512];
    wr_buf b = WR_BUF_INIT;
    wr_encode_value(fmt, ',', names, cols, n, 0, &b);
    snprintf(out, sizeof out, "%s", wr_buf_str(&b));
    wr_buf_fini(&b);
    return out;
}

#define T(k) wr_type_prim(WR_T_##k)

/* ---- DOM --------------------------------------------------------------- */

TEST(dom_roundtrip)
{
    CHECK_STR(roundtrip(" {\"a\" : [1, 2.50, -0.0e3, true, false, null]} "),
              "{\"a\":[1,2.50,-0.0e3,true,false,null]}");
    CHECK_STR(roundtrip("\"x\""), "\"x\"");
    CHECK_STR(roundtrip("[]"), "[]");
    CHECK_STR(roundtrip("{}"), "{}");
    CHECK_STR(roundtrip("10.0000"), "10.0000");
    CHECK_STR(roundtrip("{\"a\":{\"b\":{}}}"), "{\"a\":{\"b\":{}}}");
}

TEST(dom_escapes)
{
    CHECK_STR(roundtrip("\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\""),
              "\"a\\\"b\\\\c/d\\n\\t\\r\\b\\f\"");
    /* \u escapes become UTF-8; control characters are escaped back. */
    CHECK_STR(roundtrip("\"\\u00e9\\u0001\""), "\"\xc3\xa9\\u0001\"");
    CHECK_STR(roundtrip("\"\\ud83d\\ude00\""), "\"\xf0\x9f\x98\x80\"");
    CHECK_STR(roundtrip("\"\\u20AC\""), "\"\xe2\x82\xac\"");
    wr_arena *ar = wr_arena_new(0);
    char err[64];
    wr_jval *v = wr_json_parse(ar, "\"a\\u0000b\"", 10, err, sizeof err);
    CHECK(v != NULL);
    CHECK_INT(v->len, ==, 3);
    CHECK_INT(v->s[1], ==, 0);
    wr_arena_free(ar);
}

TEST(dom_errors)
{
    CHECK_STR(roundtrip("{\"a\" 1}"), "ERR at byte 5: expected ':'");
    CHECK_STR(roundtrip("{\"a\":1 \"b\":2}"),
              "ERR at byte 7: expected ',' or '}'");
    CHECK_STR(roundtrip("[1,]"), "ERR at byte 3: expected value");
    CHECK_STR(roundtrip("[1 2]"), "ERR at byte 3: expected ',' or ']'");
    CHECK_STR(roundtrip("01"),
              "ERR at byte 1: unexpected data after the value");
    CHECK_STR(roundtrip("1."), "ERR at byte 0: invalid number");
    CHECK_STR(roundtrip(""), "ERR at byte 0: unexpected end of input");
    CHECK_STR(roundtrip("\"abc"), "ERR at byte 4: unterminated string");
    CHECK_STR(roundtrip("\"a\nb\""),
              "ERR at byte 2: control character in string");
    CHECK_STR(roundtrip("\"\\x\""), "ERR at byte 1: invalid escape");
    CHECK_STR(roundtrip("\"\\ud800\""), "ERR at byte 1: invalid escape");
    CHECK_STR(roundtrip("{1:2}"), "ERR at byte 1: expected string key");
    CHECK_STR(roundtrip("nul"), "ERR at byte 0: expected value");
    CHECK_STR(roundtrip("NaN"), "ERR at byte 0: expected value");
}

TEST(dom_depth_limit)
{
    char buf[2048];
    int n = 0;
    for (int i = 0; i < 512; i++)
        buf[n++] = '[';
    for (int i = 0; i < 512; i++)
        buf[n++] = ']';
    buf[n] = '\0';
    CHECK(strncmp(roundtrip(buf), "[[[[", 4) == 0);
    n = 0;
    for (int i = 0; i < 513; i++)
        buf[n++] = '[';
    for (int i = 0; i < 513; i++)
        buf[n++] = ']';
    buf[n] = '\0';
    CHECK_STR(roundtrip(buf),
              "ERR at byte 512: nesting deeper than 512 levels");
}

TEST(dom_get)
{
    wr_arena *ar = wr_arena_new(0);
    const char *t = "{\"Ab\":1,\"ab\":2,\"CD\":3}";
    wr_jval *v = wr_json_parse(ar, t, strlen(t), NULL, 0);
    CHECK(v != NULL);
    CHECK_STR(wr_json_get(v, "ab")->s, "2");
    CHECK_STR(wr_json_get(v, "Ab")->s, "1");
    CHECK_STR(wr_json_get(v, "cd")->s, "3");
    CHECK(wr_json_get(v, "x") == NULL);
    wr_buf b = WR_BUF_INIT;
    wr_json_write_str(&b, "q\"\\\x1f", 4);
    CHECK_STR(wr_buf_str(&b), "\"q\\\"\\\\\\u001f\"");
    wr_buf_fini(&b);
    wr_arena_free(ar);
}

/* ---- JSON decode ------------------------------------------------------- */

TEST(json_decode_basic)
{
    const char *names[] = {"TS", "USER", "LATENCY_MS", "SCORE", "OK"};
    const wr_type *types[] = {T(BIGINT), T(STRING), T(INT), T(DOUBLE),
                              T(BOOLEAN)};
    fixture fx;
    CHECK(fx_init(&fx, WR_FMT_JSON, names, types, NULL, 5));
    CHECK_INT(fx_decode(&fx,
                        "{\"ts\":1700000000000,\"user\":\"u4187\",\"page\":"
                        "\"/p93\",\"latency_ms\":61,\"score\":0.25,\"ok\":"
                        "true,\"country\":\"US\"}",
                        0),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_I64(&fx.b.cols[0])[0], ==, 1700000000000LL);
    CHECK_STR(str_at(&fx, 1, 0), "u4187");
    CHECK_INT(WR_COL_I32(&fx.b.cols[2])[0], ==, 61);
    CHECK(WR_COL_F64(&fx.b.cols[3])[0] == 0.25);
    CHECK_INT(WR_COL_BOOL(&fx.b.cols[4])[0], ==, 1);
    /* Missing fields and JSON null are NULL. */
    CHECK_INT(fx_decode(&fx, "{\"USER\":null}", 1), ==, WEIR_OK);
    CHECK(is_null(&fx, 0, 1) && is_null(&fx, 1, 1) && is_null(&fx, 4, 1));
    /* Empty object, whitespace everywhere. */
    CHECK_INT(fx_decode(&fx, " { } ", 2), ==, WEIR_OK);
    CHECK(is_null(&fx, 0, 2));
    CHECK_INT(fx_decode(&fx, "\n{ \"ts\" :\t-5 , \"USER\" : \"\" }\n", 3), ==,
              WEIR_OK);
    CHECK_INT(WR_COL_I64(&fx.b.cols[0])[3], ==, -5);
    CHECK_STR(str_at(&fx, 1, 3), "");
    CHECK(!is_null(&fx, 1, 3));
    wr_arena_free(fx.ar);
}

TEST(json_decode_names)
{
    /* Exact case preferred; upper-cased member names match otherwise. */
    const char *names[] = {"A", "b", "C"};
    const wr_type *types[] = {T(INT), T(INT), T(INT)};
    fixture fx;
    CHECK(fx_init(&fx, WR_FMT_JSON, names, types, NULL, 3));
    CHECK_INT(fx_decode(&fx, "{\"a\":1,\"A\":2,\"c\":3}", 0), ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&fx.b.cols[0])[0], ==, 2);
    CHECK_INT(WR_COL_I32(&fx.b.cols[2])[0], ==, 3);
    CHECK_INT(fx_decode(&fx, "{\"A\":2,\"a\":1}", 1), ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&fx.b.cols[0])[1], ==, 2);
    /* A quoted lower-case column matches only its exact name. */
    CHECK_INT(fx_decode(&fx, "{\"B\":7}", 2), ==, WEIR_OK);
    CHECK(is_null(&fx, 1, 2));
    CHECK_INT(fx_decode(&fx, "{\"b\":7}", 3), ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&fx.b.cols[1])[3], ==, 7);
    /* Duplicates: the last one wins. */
    CHECK_INT(fx_decode(&fx, "{\"C\":1,\"C\":9}", 4), ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&fx.b.cols[2])[4], ==, 9);
    /* Escaped member names are unescaped before matching. */
    CHECK_INT(fx_decode(&fx, "{\"\\u0043\":5}", 5), ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&fx.b.cols[2])[5], ==, 5);
    wr_arena_free(fx.ar);
}

TEST(json_decode_expected_member_fast_path)
{
    /* Members in declared order take the fast path (no scan, no lookup);
     * every other spelling must decode the same through the slow path. */
    const char *names[] = {"TS", "PAGE", "N"};
    const wr_type *types[] = {T(BIGINT), T(STRING), T(INT)};
    fixture fx;
    CHECK(fx_init(&fx, WR_FMT_JSON, names, types, NULL, 3));
    const char *const docs[] = {
        "{\"ts\":7,\"page\":\"/a\",\"n\":3}",             /* lower case */
        "{\"TS\":7,\"PAGE\":\"/a\",\"N\":3}",             /* declared */
        "{\"Ts\":7,\"Page\":\"/a\",\"n\":3}",             /* mixed */
        "{\"n\":3,\"page\":\"/a\",\"ts\":7}",             /* reordered */
        "{ \"ts\" : 7, \"p\\u0061ge\":\"/a\", \"n\":3 }", /* escaped */
        "{\"ts\":7,\"x\":[1,{\"page\":0}],\"page\":\"/a\",\"n\":3}",
    };
    for (int r = 0; r < 6; r++) {
        CHECK_INT(fx_decode(&fx, docs[r], r), ==, WEIR_OK);
        CHECK_INT(WR_COL_I64(&fx.b.cols[0])[r], ==, 7);
        CHECK_STR(str_at(&fx, 1, r), "/a");
        CHECK_INT(WR_COL_I32(&fx.b.cols[2])[r], ==, 3);
    }
    /* A member that only starts like the expected name is not it. */
    CHECK_INT(fx_decode(&fx, "{\"tsx\":1,\"ts\":2}", 6), ==, WEIR_OK);
    CHECK_INT(WR_COL_I64(&fx.b.cols[0])[6], ==, 2);
    wr_arena_free(fx.ar);
}

TEST(json_decode_skipped)
{
    /* Field B is declared but unused (col -1): not converted, so a value
     * that would not convert is fine; unknown fields are skipped too. */
    const char *names[] = {"A", "B", "C"};
    const wr_type *types[] = {T(INT), T(INT), T(STRING)};
    int cols[] = {0, -1, 1};
    fixture fx;
    CHECK(fx_init(&fx, WR_FMT_JSON, names, types, cols, 3));
    CHECK_INT(fx_decode(&fx,
                        "{\"B\":{\"x\":[1,{\"y\":\"\\u00e9\"}]},\"A\":1,\"Z\":"
                        "[true,null],\"C\":\"c\"}",
                        0),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&fx.b.cols[0])[0], ==, 1);
    CHECK_STR(str_at(&fx, 1, 0), "c");
    /* A skipped value must still be valid JSON. */
    CHECK_INT(fx_decode(&fx, "{\"A\":1,\"B\":[1,,2]}", 1), ==, WEIR_E_DATA);
    CHECK_STR(fx.err, "malformed JSON at byte 14: expected value");
    CHECK(is_null(&fx, 0, 1));
    wr_arena_free(fx.ar);
}

TEST(json_decode_coercions)
{
    const char *names[] = {"I", "L", "D", "S", "B", "M"};
    const wr_type *types[] = {T(INT),    T(BIGINT),  T(DOUBLE),
                              T(STRING), T(BOOLEAN), NULL};
    wr_arena *tar = wr_arena_new(0);
    types[5] = wr_type_decimal(tar, 6, 4);
    fixture fx;
    CHECK(fx_init(&fx, WR_FMT_JSON, names, types, NULL, 6));
    CHECK_INT(fx_decode(&fx,
                        "{\"I\":\"42\",\"L\":\"-9223372036854775808\",\"D\":"
                        "\"1.5\",\"S\":12.50,\"B\":\"TRUE\",\"M\":\"10\"}",
                        0),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&fx.b.cols[0])[0], ==, 42);
    CHECK(WR_COL_I64(&fx.b.cols[1])[0] == INT64_MIN);
    CHECK(WR_COL_F64(&fx.b.cols[2])[0] == 1.5);
    CHECK_STR(str_at(&fx, 3, 0), "12.50");
    CHECK_INT(WR_COL_BOOL(&fx.b.cols[4])[0], ==, 1);
    CHECK_STR(decfmt(WR_COL_DEC(&fx.b.cols[5])[0], 4), "10.0000");
    /* Numbers: fractions truncate into integers, integers into DOUBLE. */
    CHECK_INT(fx_decode(&fx,
                        "{\"I\":-1.9,\"D\":3,\"S\":true,\"B\":false,\"M\":"
                        "1.25e1}",
                        1),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&fx.b.cols[0])[1], ==, -1);
    CHECK(WR_COL_F64(&fx.b.cols[2])[1] == 3.0);
    CHECK_STR(str_at(&fx, 3, 1), "true");
    CHECK_INT(WR_COL_BOOL(&fx.b.cols[4])[1], ==, 0);
    CHECK_STR(decfmt(WR_COL_DEC(&fx.b.cols[5])[1], 4), "12.5000");
    /* Objects and arrays into STRING. */
    CHECK_INT(fx_decode(&fx, "{\"S\":{\"a\": [1, \"x\"]}}", 2), ==, WEIR_OK);
    CHECK_STR(str_at(&fx, 3, 2), "{\"a\":[1,\"x\"]}");
    CHECK_INT(fx_decode(&fx, "{\"S\":[1, \"x\", null, [true]]}", 3), ==,
              WEIR_OK);
    CHECK_STR(str_at(&fx, 3, 3), "[1, x, null, [true]]");
    /* Escapes in strings. */
    CHECK_INT(fx_decode(&fx, "{\"S\":\"a\\\"b\\u00e9\"}", 4), ==, WEIR_OK);
    CHECK_STR(str_at(&fx, 3, 4), "a\"b\xc3\xa9");
    /* Doubles: fast path and strtod path agree with strtod. */
    CHECK_INT(fx_decode(&fx, "{\"D\":0.1}", 5), ==, WEIR_OK);
    CHECK(WR_COL_F64(&fx.b.cols[2])[5] == 0.1);
    CHECK_INT(fx_decode(&fx, "{\"D\":1.7976931348623157e308}", 5), ==, WEIR_OK);
    CHECK(WR_COL_F64(&fx.b.cols[2])[5] == 1.7976931348623157e308);
    CHECK_INT(fx_decode(&fx, "{\"D\":123456789012345678901234567890}", 5), ==,
              WEIR_OK);
    CHECK(WR_COL_F64(&fx.b.cols[2])[5] == 123456789012345678901234567890.0);
    CHECK_INT(fx_decode(&fx, "{\"D\":-0.0}", 5), ==, WEIR_OK);
    CHECK(signbit(WR_COL_F64(&fx.b.cols[2])[5]));
    CHECK_INT(fx_decode(&fx, "{\"D\":4.9e-324}", 5), ==, WEIR_OK);
    CHECK(WR_COL_F64(&fx.b.cols[2])[5] == 4.9e-324);
    wr_arena_free(fx.ar);
    wr_arena_free(tar);
}

TEST(json_decode_errors)
{
    const char *names[] = {"I", "S", "M"};
    const wr_type *types[] = {T(INT), T(STRING), NULL};
    wr_arena *tar = wr_arena_new(0);
    types[2] = wr_type_decimal(tar, 4, 2);
    fixture fx;
    CHECK(fx_init(&fx, WR_FMT_JSON, names, types, NULL, 3));
    CHECK_INT(fx_decode(&fx, "{\"S\":\"x\",\"I\":2147483648}", 0), ==,
              WEIR_E_DATA);
    CHECK_STR(fx.err,
              "Value 2147483648 is out of range for type INTEGER, path: $.I");
    CHECK(is_null(&fx, 1, 0)); /* S was set before the error: reset */
    CHECK_INT(fx_decode(&fx, "{\"I\":\"abc\"}", 0), ==, WEIR_E_DATA);
    CHECK_STR(fx.err, "Can't coerce string to type. targetType: INTEGER, "
                      "path: $.I");
    CHECK_INT(fx_decode(&fx, "{\"I\":[1]}", 0), ==, WEIR_E_DATA);
    CHECK_STR(fx.err, "Can't convert type. sourceType: ArrayNode, "
                      "requiredType: INTEGER, path: $.I");
    CHECK_INT(fx_decode(&fx, "{\"M\":1.234}", 0), ==, WEIR_E_DATA);
    CHECK_STR(fx.err, "Cannot fit decimal '1.234' into DECIMAL(4, 2) without "
                      "rounding., path: $.M");
    CHECK_INT(fx_decode(&fx, "{\"M\":123.4}", 0), ==, WEIR_E_DATA);
    CHECK(strstr(fx.err, "Numeric field overflow") != NULL);
    CHECK_INT(fx_decode(&fx, "{\"M\":1.230}", 0), ==, WEIR_OK);
    CHECK_STR(decfmt(WR_COL_DEC(&fx.b.cols[2])[0], 2), "1.23");
    CHECK_INT(fx_decode(&fx, "{\"I\":1,\"S\":\"x\" \"M\":1}", 1), ==,
              WEIR_E_DATA);
    CHECK_STR(fx.err, "malformed JSON at byte 15: expected ',' or '}'");
    CHECK(is_null(&fx, 0, 1) && is_null(&fx, 1, 1));
    CHECK_INT(fx_decode(&fx, "{\"I\":1} x", 1), ==, WEIR_E_DATA);
    CHECK_STR(fx.err, "malformed JSON at byte 8: unexpected data after the "
                      "value");
    CHECK(is_null(&fx, 0, 1));
    CHECK_INT(fx_decode(&fx, "[1]", 1), ==, WEIR_E_DATA);
    CHECK_INT(fx_decode(&fx, "", 1), ==, WEIR_E_DATA);
    CHECK_INT(fx_decode(&fx, "{\"I\":01}", 1), ==, WEIR_E_DATA);
    CHECK_INT(fx_decode(&fx, "{\"I\":1,}", 1), ==, WEIR_E_DATA);
    CHECK_INT(fx_decode(&fx, "{\"S\":\"abc", 1), ==, WEIR_E_DATA);
    CHECK_STR(fx.err, "malformed JSON at byte 9: unterminated string");
    /* A top-level null is a tombstone. */
    CHECK_INT(fx_decode(&fx, " null ", 2), ==, WEIR_OK);
    CHECK_INT(fx.b.tomb[2], ==, 1);
    wr_arena_free(fx.ar);
    wr_arena_free(tar);
}

TEST(json_decode_borrow)
{
    const char *names[] = {"S", "T"};
    const wr_type *types[] = {T(STRING), T(STRING)};
    fixture fx;
    CHECK(fx_init(&fx, WR_FMT_JSON, names, types, NULL, 2));
    const char *rec = "{\"S\":\"plain\",\"T\":\"e\\u0073c\"}";
    CHECK_INT(wr_decode_value(fx.d, rec, strlen(rec), true, &fx.b, 0, fx.err,
                              sizeof fx.err),
              ==, WEIR_OK);
    wr_str s = WR_COL_STR(&fx.b.cols[0])[0];
    CHECK(s.p >= rec && s.p < rec + strlen(rec));
    CHECK_STR(str_at(&fx, 1, 0), "esc");
    CHECK_INT(wr_decode_value(fx.d, rec, strlen(rec), false, &fx.b, 1, fx.err,
                              sizeof fx.err),
              ==, WEIR_OK);
    s = WR_COL_STR(&fx.b.cols[0])[1];
    CHECK(!(s.p >= rec && s.p < rec + strlen(rec)));
    CHECK_STR(str_at(&fx, 0, 1), "plain");
    wr_arena_free(fx.ar);
}

TEST(json_nested)
{
    wr_arena *tar = wr_arena_new(0);
    wr_field sf[2] = {{"X", T(INT)}, {"y", T(STRING)}};
    const wr_type *st = wr_type_struct(tar, sf, 2);
    const wr_type *at = wr_type_array(tar, T(INT));
    const wr_type *mt = wr_type_map(tar, T(STRING), T(DOUBLE));
    const wr_type *aat = wr_type_array(tar, st);
    const char *names[] = {"A", "M", "S", "L"};
    const wr_type *types[] = {at, mt, st, aat};
    fixture fx;
    CHECK(fx_init(&fx, WR_FMT_JSON, names, types, NULL, 4));
    CHECK_INT(fx_decode(&fx,
                        "{\"a\":[1,null,3],\"m\":{\"k\":1.5,\"z\":2},"
                        "\"s\":{\"x\":7,\"y\":\"v\",\"q\":0},"
                        "\"l\":[{\"X\":1},{}]}",
                        0),
              ==, WEIR_OK);
    const wr_val *a = WR_COL_NEST(&fx.b.cols[0])[0];
    CHECK_INT(a->n, ==, 3);
    CHECK_INT(a->items[0].u.i32, ==, 1);
    CHECK(a->items[1].null);
    const wr_val *m = WR_COL_NEST(&fx.b.cols[1])[0];
    CHECK_INT(m->n, ==, 2);
    CHECK(m->items[3].u.f64 == 2.0);
    const wr_val *s = WR_COL_NEST(&fx.b.cols[2])[0];
    CHECK_INT(s->items[0].u.i32, ==, 7);
    CHECK_INT(s->items[1].u.str.len, ==, 1);
    /* Encode back as ksqlDB writes it (declared field names). */
    const char *en[] = {"A", "M", "S", "L"};
    CHECK_STR(encode(fx.b.cols, en, 4, WR_FMT_JSON),
              "{\"A\":[1,null,3],\"M\":{\"k\":1.5,\"z\":2.0},"
              "\"S\":{\"X\":7,\"y\":\"v\"},"
              "\"L\":[{\"X\":1,\"y\":null},{\"X\":null,\"y\":null}]}");
    CHECK_INT(fx_decode(&fx, "{\"A\":{}}", 1), ==, WEIR_E_DATA);
    CHECK_INT(fx_decode(&fx, "{\"A\":[1,\"x\"]}", 1), ==, WEIR_E_DATA);
    CHECK_INT(fx_decode(&fx, "{\"A\":[], \"M\":{}}", 1), ==, WEIR_OK);
    CHECK_INT(WR_COL_NEST(&fx.b.cols[0])[1]->n, ==, 0);
    wr_arena_free(fx.ar);
    wr_arena_free(tar);
}

/* ---- encoders ---------------------------------------------------------- */

TEST(json_encode_value)
{
    wr_arena *tar = wr_arena_new(0);
    const wr_type *types[] = {T(INT),    T(BIGINT),  T(DOUBLE), NULL,
                              T(STRING), T(BOOLEAN), T(DOUBLE)};
    types[3] = wr_type_decimal(tar, 6, 4);
    const char *names[] = {"A", "B", "C", "D", "E", "F", "G"};
    wr_batch b;
    CHECK(wr_batch_init(&b, tar, 7, types, 1));
    wr_datum d = {0};
    d.u.i32 = 1;
    wr_col_put(&b.cols[0], 0, &d);
    d.u.i64 = 1LL << 40;
    wr_col_put(&b.cols[1], 0, &d);
    d.u.f64 = 1e7;
    wr_col_put(&b.cols[2], 0, &d);
    d.u.dec = 100000;
    wr_col_put(&b.cols[3], 0, &d);
    d.u.str = (wr_str){"a\"b", 3};
    wr_col_put(&b.cols[4], 0, &d);
    d.u.f64 = NAN;
    wr_col_put(&b.cols[6], 0, &d);
    CHECK_STR(encode(b.cols, names, 7, WR_FMT_JSON),
              "{\"A\":1,\"B\":1099511627776,\"C\":1.0E7,\"D\":10.0000,"
              "\"E\":\"a\\\"b\",\"F\":null,\"G\":\"NaN\"}");
    CHECK_STR(encode(b.cols, names, 7, WR_FMT_DELIMITED),
              "1,1099511627776,1.0E7,10.0000,\"a\"\"b\",,NaN");
    wr_arena_free(tar);
}

TEST(java_double)
{
    CHECK_STR(java(1.0), "1.0");
    CHECK_STR(java(0.1), "0.1");
    CHECK_STR(java(100.0), "100.0");
    CHECK_STR(java(1e7), "1.0E7");
    CHECK_STR(java(9999999.0), "9999999.0");
    CHECK_STR(java(1e-4), "1.0E-4");
    CHECK_STR(java(0.001), "0.001");
    CHECK_STR(java(5.0 / 3.0), "1.6666666666666667");
    CHECK_STR(java(4.9e-324), "4.9E-324");
    CHECK_STR(java(1.7976931348623157e308), "1.7976931348623157E308");
    CHECK_STR(java(-0.0), "-0.0");
    CHECK_STR(java(0.0), "0.0");
    CHECK_STR(java(NAN), "NaN");
    CHECK_STR(java(INFINITY), "Infinity");
    CHECK_STR(java(-INFINITY), "-Infinity");
    CHECK_STR(java(1234567.0), "1234567.0");
    CHECK_STR(java(1.2345e-5), "1.2345E-5");
    CHECK_STR(java(-12.5), "-12.5");
    CHECK_STR(java(1e23), "1.0E23");
    CHECK_STR(java(2e-323), "2.0E-323");
    CHECK_STR(java(123456789.125), "1.23456789125E8");
    CHECK_STR(java(0.30000000000000004), "0.30000000000000004");
}

TEST(delimited_decode)
{
    wr_arena *tar = wr_arena_new(0);
    const char *names[] = {"I", "S", "D", "B", "M"};
    const wr_type *types[] = {T(INT), T(STRING), T(DOUBLE), T(BOOLEAN), NULL};
    types[4] = wr_type_decimal(tar, 5, 2);
    fixture fx;
    CHECK(fx_init(&fx, WR_FMT_DELIMITED, names, types, NULL, 5));
    CHECK_INT(fx_decode(&fx, "1,\"a,\"\"b\"\"\",2.5,TRUE,-0.5", 0), ==,
              WEIR_OK);
    CHECK_INT(WR_COL_I32(&fx.b.cols[0])[0], ==, 1);
    CHECK_STR(str_at(&fx, 1, 0), "a,\"b\"");
    CHECK(WR_COL_F64(&fx.b.cols[2])[0] == 2.5);
    CHECK_INT(WR_COL_BOOL(&fx.b.cols[3])[0], ==, 1);
    CHECK_STR(decfmt(WR_COL_DEC(&fx.b.cols[4])[0], 2), "-0.50");
    CHECK_INT(fx_decode(&fx, ",,,,\r\n", 1), ==, WEIR_OK);
    CHECK(is_null(&fx, 0, 1) && is_null(&fx, 1, 1) && is_null(&fx, 4, 1));
    CHECK_INT(fx_decode(&fx, "1,x,2", 2), ==, WEIR_E_DATA);
    CHECK_STR(fx.err, "Unexpected field count, csvFields:3 schemaFields:5");
    CHECK_INT(fx_decode(&fx, "x,a,1,true,1", 2), ==, WEIR_E_DATA);
    CHECK_STR(fx.err, "field I: For input string: \"x\"");
    CHECK_INT(fx_decode(&fx, "1,\"a\"x,1,true,1", 2), ==, WEIR_E_DATA);
    CHECK_INT(fx_decode(&fx, "1,\"a,1,true,1", 2), ==, WEIR_E_DATA);
    CHECK_INT(fx_decode(&fx, "1,\"a\" ,1,no,1", 2), ==, WEIR_OK);
    CHECK_INT(WR_COL_BOOL(&fx.b.cols[3])[2], ==, 0);
    CHECK_INT(fx_decode(&fx, "1,2,3,true,1.001", 3), ==, WEIR_E_DATA);
    CHECK(strstr(fx.err, "without rounding") != NULL);
    CHECK(is_null(&fx, 0, 3));
    wr_arena_free(fx.ar);
    /* Another delimiter; a nested type is refused. */
    wr_field_map fm[2] = {{"A", T(STRING), 0}, {"B", T(INT), 1}};
    const wr_type *bt[] = {T(STRING), T(INT)};
    wr_batch b;
    CHECK(wr_batch_init(&b, tar, 2, bt, 2));
    wr_decoder *d = wr_decoder_new(tar, WR_FMT_DELIMITED, fm, 2, '|', NULL);
    char err[128];
    CHECK_INT(wr_decode_value(d, "a,b|7", 5, true, &b, 0, err, sizeof err), ==,
              WEIR_OK);
    CHECK_INT(WR_COL_STR(&b.cols[0])[0].len, ==, 3);
    CHECK_INT(WR_COL_I32(&b.cols[1])[0], ==, 7);
    wr_field_map fa[1] = {{"A", wr_type_array(tar, T(INT)), 0}};
    weir_status st;
    CHECK(wr_decoder_new(tar, WR_FMT_DELIMITED, fa, 1, 0, &st) == NULL);
    CHECK_INT(st.code, ==, WEIR_E_UNSUPPORTED);
    wr_arena_free(tar);
}

/* WRAP_SINGLE_VALUE=false: a bare JSON value, read and written. */
TEST(json_unwrapped_single_value)
{
    wr_arena *tar = wr_arena_new(0);
    wr_field_map fm[1] = {{"V", T(INT), 0}};
    const wr_type *bt[] = {T(INT)};
    wr_batch b;
    CHECK(wr_batch_init(&b, tar, 1, bt, 4));
    wr_decoder *d = wr_decoder_new(tar, WR_FMT_JSON, fm, 1, 0, NULL);
    wr_decoder_unwrap(d);
    char err[128];
    CHECK_INT(wr_decode_value(d, " 42 ", 4, true, &b, 0, err, sizeof err), ==,
              WEIR_OK);
    CHECK_INT(WR_COL_I32(&b.cols[0])[0], ==, 42);
    CHECK_INT(b.tomb[0], ==, 0);
    CHECK_INT(wr_decode_value(d, "null", 4, true, &b, 1, err, sizeof err), ==,
              WEIR_OK);
    CHECK_INT(b.tomb[1], ==, 1);
    CHECK_INT(wr_decode_value(d, "{\"V\":1}", 7, true, &b, 2, err, sizeof err),
              ==, WEIR_E_DATA);
    CHECK(wr_col_is_null(&b.cols[0], 2));
    wr_buf out = WR_BUF_INIT;
    wr_encode_value_unwrapped(WR_FMT_JSON, &b.cols[0], 0, &out);
    CHECK_STR(wr_buf_str(&out), "42");
    wr_buf_fini(&out);
    wr_arena_free(tar);
}

TEST(delimited_encode_quoting)
{
    wr_arena *tar = wr_arena_new(0);
    const wr_type *types[] = {T(STRING), T(STRING)};
    const char *names[] = {"A", "B"};
    static const struct {
        const char *a, *b, *want;
    } cases[] = {
        {"x", "y", "x,y"},
        {"", "", "\"\","},
        {"a,b", "c\"d", "\"a,b\",\"c\"\"d\""},
        {" lead", "trail ", "\" lead\",\"trail \""},
        {"#hash", "!bang", "\"#hash\",\"!bang\""},
        {"line\nbreak", "cr\r", "\"line\nbreak\",\"cr\r\""},
        {"-1", "$x", "-1,$x"},
        {"mid dle", "\xc3\xa9", "mid dle,\xc3\xa9"},
        {NULL, "z", ",z"},
        {"a", NULL, "a,"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wr_batch b;
        CHECK(wr_batch_init(&b, tar, 2, types, 1));
        wr_datum d = {0};
        if (cases[i].a) {
            d.u.str = (wr_str){cases[i].a, (int32_t)strlen(cases[i].a)};
            wr_col_put(&b.cols[0], 0, &d);
        }
        if (cases[i].b) {
            d.u.str = (wr_str){cases[i].b, (int32_t)strlen(cases[i].b)};
            wr_col_put(&b.cols[1], 0, &d);
        }
        CHECK_STR(encode(b.cols, names, 2, WR_FMT_DELIMITED), cases[i].want);
    }
    wr_arena_free(tar);
}

/* ---- keys -------------------------------------------------------------- */

TEST(kafka_keys)
{
    wr_arena *ar = wr_arena_new(0);
    const wr_type *types[] = {T(INT), T(BIGINT), T(DOUBLE), T(STRING)};
    wr_batch b;
    CHECK(wr_batch_init(&b, ar, 4, types, 2));
    char err[128];
    CHECK_INT(wr_decode_key(WR_FMT_KAFKA, T(INT), "\x00\x00\x01\x02", 4,
                            &b.cols[0], 0, ar, err, sizeof err),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&b.cols[0])[0], ==, 258);
    CHECK_INT(wr_decode_key(WR_FMT_KAFKA, T(INT), "\xff\xff\xff\xfe", 4,
                            &b.cols[0], 1, ar, err, sizeof err),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&b.cols[0])[1], ==, -2);
    CHECK_INT(wr_decode_key(WR_FMT_KAFKA, T(BIGINT),
                            "\x00\x00\x01\x8b\xcf\xe5\x68\x00", 8, &b.cols[1],
                            0, ar, err, sizeof err),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_I64(&b.cols[1])[0], ==, 1700000000000LL);
    CHECK_INT(wr_decode_key(WR_FMT_KAFKA, T(DOUBLE),
                            "\x3f\xf8\x00\x00\x00\x00\x00\x00", 8, &b.cols[2],
                            0, ar, err, sizeof err),
              ==, WEIR_OK);
    CHECK(WR_COL_F64(&b.cols[2])[0] == 1.5);
    CHECK_INT(wr_decode_key(WR_FMT_KAFKA, T(STRING), "abc", 3, &b.cols[3], 0,
                            ar, err, sizeof err),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_STR(&b.cols[3])[0].len, ==, 3);
    CHECK_INT(wr_decode_key(WR_FMT_KAFKA, T(INT), "\x01\x02", 2, &b.cols[0], 1,
                            ar, err, sizeof err),
              ==, WEIR_E_DATA);
    CHECK(wr_col_is_null(&b.cols[0], 1));
    CHECK(strstr(err, "IntegerDeserializer is not 4") != NULL);
    CHECK_INT(wr_decode_key(WR_FMT_KAFKA, T(BOOLEAN), "\x01", 1, &b.cols[0], 1,
                            ar, err, sizeof err),
              ==, WEIR_E_DATA);
    CHECK_STR(err, "The 'KAFKA' format does not support type 'BOOLEAN'");
    /* Encode back. */
    wr_buf o = WR_BUF_INIT;
    wr_encode_key(WR_FMT_KAFKA, &b.cols[1], 0, &o);
    CHECK_INT(o.len, ==, 8);
    CHECK(memcmp(o.s, "\x00\x00\x01\x8b\xcf\xe5\x68\x00", 8) == 0);
    wr_buf_reset(&o);
    wr_encode_key(WR_FMT_KAFKA, &b.cols[2], 0, &o);
    CHECK(memcmp(o.s, "\x3f\xf8\x00\x00\x00\x00\x00\x00", 8) == 0);
    wr_buf_reset(&o);
    wr_encode_key(WR_FMT_KAFKA, &b.cols[0], 0, &o);
    CHECK(o.len == 4 && memcmp(o.s, "\x00\x00\x01\x02", 4) == 0);
    wr_buf_fini(&o);
    wr_arena_free(ar);
}

TEST(json_delimited_keys)
{
    wr_arena *ar = wr_arena_new(0);
    const wr_type *types[] = {T(INT), T(STRING)};
    wr_batch b;
    CHECK(wr_batch_init(&b, ar, 2, types, 4));
    char err[128];
    CHECK_INT(wr_decode_key(WR_FMT_JSON, T(INT), " 1 ", 3, &b.cols[0], 0, ar,
                            err, sizeof err),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&b.cols[0])[0], ==, 1);
    CHECK_INT(wr_decode_key(WR_FMT_JSON, T(STRING), "\"a\\nb\"", 6, &b.cols[1],
                            0, ar, err, sizeof err),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_STR(&b.cols[1])[0].len, ==, 3);
    CHECK_INT(wr_decode_key(WR_FMT_JSON, T(INT), "1 2", 3, &b.cols[0], 1, ar,
                            err, sizeof err),
              ==, WEIR_E_DATA);
    CHECK_INT(wr_decode_key(WR_FMT_DELIMITED, T(INT), "\"22\"", 4, &b.cols[0],
                            2, ar, err, sizeof err),
              ==, WEIR_OK);
    CHECK_INT(WR_COL_I32(&b.cols[0])[2], ==, 22);
    CHECK_INT(wr_decode_key(WR_FMT_DELIMITED, T(STRING), "a,b", 3, &b.cols[1],
                            2, ar, err, sizeof err),
              ==, WEIR_E_DATA);
    CHECK_STR(err, "Unexpected field count, csvFields:2 schemaFields:1");
    wr_buf o = WR_BUF_INIT;
    wr_encode_key(WR_FMT_JSON, &b.cols[1], 0, &o);
    CHECK_STR(wr_buf_str(&o), "\"a\\nb\"");
    wr_buf_reset(&o);
    wr_encode_key(WR_FMT_JSON, &b.cols[0], 0, &o);
    CHECK_STR(wr_buf_str(&o), "1");
    wr_buf_reset(&o);
    wr_encode_key(WR_FMT_DELIMITED, &b.cols[1], 0, &o);
    CHECK_STR(wr_buf_str(&o), "\"a\nb\"");
    wr_buf_fini(&o);
    wr_arena_free(ar);
}

/* ---- DECIMAL text ------------------------------------------------------ */

TEST(decimal_text)
{
    wr_i128 u;
    CHECK(wr_dec_parse("-12.50", 6, 10, 2, &u));
    CHECK_STR(decfmt(u, 2), "-12.50");
    CHECK(wr_dec_parse("3", 1, 10, 0, &u));
    CHECK_STR(decfmt(u, 0), "3");
    CHECK(wr_dec_parse("1e3", 3, 10, 1, &u));
    CHECK_STR(decfmt(u, 1), "1000.0");
    CHECK(wr_dec_parse(".5", 2, 10, 2, &u));
    CHECK_STR(decfmt(u, 2), "0.50");
    CHECK(wr_dec_parse("1.005", 5, 10, 2, &u)); /* HALF_UP */
    CHECK_STR(decfmt(u, 2), "1.01");
    CHECK(wr_dec_parse("-1.005", 6, 10, 2, &u));
    CHECK_STR(decfmt(u, 2), "-1.01");
    CHECK(wr_dec_parse("-1.004", 6, 10, 2, &u));
    CHECK_STR(decfmt(u, 2), "-1.00");
    CHECK(wr_dec_parse("0.004", 5, 10, 2, &u));
    CHECK_STR(decfmt(u, 2), "0.00");
    CHECK(wr_dec_parse("0.005", 5, 10, 2, &u));
    CHECK_STR(decfmt(u, 2), "0.01");
    CHECK(wr_dec_parse("12.5e-1", 7, 10, 3, &u));
    CHECK_STR(decfmt(u, 3), "1.250");
    CHECK(wr_dec_parse("-0.001", 6, 4, 4, &u));
    CHECK_STR(decfmt(u, 4), "-0.0010");
    CHECK_STR(decfmt(-5, 3), "-0.005");
    const char *big = "99999999999999999999999999999999999999";
    CHECK(wr_dec_parse(big, 38, 38, 0, &u));
    CHECK_STR(decfmt(u, 0), big);
    CHECK_STR(decfmt(-u, 10), "-9999999999999999999999999999.9999999999");
    CHECK_INT(wr_dec_digits(u), ==, 38);
    CHECK_INT(wr_dec_digits(0), ==, 1);
    CHECK(!wr_dec_parse("999999999999999999999999999999999999999", 39, 38, 0,
                        &u));
    CHECK(!wr_dec_parse("9.995", 5, 3, 2, &u)); /* rounds to 10.00 */
    CHECK(!wr_dec_parse("100", 3, 4, 2, &u));
    CHECK(wr_dec_parse("99.99", 5, 4, 2, &u));
    CHECK(!wr_dec_parse("", 0, 4, 2, &u));
    CHECK(!wr_dec_parse("1.2.3", 5, 4, 2, &u));
    CHECK(!wr_dec_parse("abc", 3, 4, 2, &u));
    CHECK(!wr_dec_parse("1e", 2, 4, 2, &u));
    CHECK(!wr_dec_parse(" 1", 2, 4, 2, &u));
    CHECK(wr_dec_parse("0e999999999", 11, 4, 2, &u) && u == 0);
    CHECK(wr_dec_pow10(38) / wr_dec_pow10(19) == wr_dec_pow10(19));
}

TEST(decimal_rescale_double)
{
    wr_i128 u;
    CHECK(wr_dec_rescale(12345, 3, 1, 10, &u));
    CHECK_STR(decfmt(u, 1), "12.3");
    CHECK(wr_dec_rescale(12350, 3, 1, 10, &u));
    CHECK_STR(decfmt(u, 1), "12.4");
    CHECK(wr_dec_rescale(-12350, 3, 1, 10, &u));
    CHECK_STR(decfmt(u, 1), "-12.4");
    CHECK(wr_dec_rescale(-5, 1, 0, 10, &u));
    CHECK_STR(decfmt(u, 0), "-1");
    CHECK(wr_dec_rescale(7, 0, 4, 5, &u));
    CHECK_STR(decfmt(u, 4), "7.0000");
    CHECK(!wr_dec_rescale(70, 0, 4, 5, &u));
    CHECK(wr_dec_rescale(wr_dec_pow10(37), 38, 0, 1, &u) && u == 0);
    CHECK(wr_dec_to_double(125, 2) == 1.25);
    CHECK(wr_dec_to_double(-1, 1) == -0.1);
    CHECK(wr_dec_to_double(wr_dec_pow10(30), 0) == 1e30);
    CHECK(wr_dec_from_double(0.1, 10, 3, &u));
    CHECK_STR(decfmt(u, 3), "0.100");
    CHECK(wr_dec_from_double(-2.675, 10, 2, &u));
    CHECK_STR(decfmt(u, 2), "-2.68"); /* via the shortest text "2.675" */
    CHECK(!wr_dec_from_double(1e10, 5, 0, &u));
    CHECK(!wr_dec_from_double(NAN, 5, 0, &u));
}

TEST_LIST(wr_tests_formats, TEST_ENTRY(json_unwrapped_single_value),
          TEST_ENTRY(dom_roundtrip), TEST_ENTRY(dom_escapes),
          TEST_ENTRY(dom_errors), TEST_ENTRY(dom_depth_limit),
          TEST_ENTRY(dom_get), TEST_ENTRY(json_decode_basic),
          TEST_ENTRY(json_decode_names),
          TEST_ENTRY(json_decode_expected_member_fast_path),
          TEST_ENTRY(json_decode_skipped), TEST_ENTRY(json_decode_coercions),
          TEST_ENTRY(json_decode_errors), TEST_ENTRY(json_decode_borrow),
          TEST_ENTRY(json_nested), TEST_ENTRY(json_encode_value),
          TEST_ENTRY(java_double), TEST_ENTRY(delimited_decode),
          TEST_ENTRY(delimited_encode_quoting), TEST_ENTRY(kafka_keys),
          TEST_ENTRY(json_delimited_keys), TEST_ENTRY(decimal_text),
          TEST_ENTRY(decimal_rescale_double));
