/* test_expr.c: the vectorized expression evaluator, the scalar function
 * kernels and DECIMAL arithmetic (unit_expr). Expressions are parsed and
 * bound against a stream S through the real parser and binder, compiled
 * with a map from S's columns to batch columns, and evaluated over a
 * hand-built batch. */
#include "test.h"

#include <math.h>

#include "common/arena.h"
#include "common/batch.h"
#include "common/buf.h"
#include "common/decimal.h"
#include "common/func.h"
#include "exec/expr.h"
#include "exec/fn_int.h"
#include "formats/format.h"
#include "parser/parse.h"
#include "planner/bind.h"
#include "planner/catalog.h"

static const char *ddl =
    "CREATE STREAM S (ID INT KEY, I INT, B BIGINT, D DOUBLE, N "
    "DECIMAL(4,2), V STRING, F BOOLEAN, AR ARRAY<INT>, M MAP<STRING, INT>) "
    "WITH (kafka_topic='s', value_format='JSON');";

#define NCOL 9
#define NROW 4

static wr_catalog *cat;
static wr_eval_ctx last_cx;

static void setup(void)
{
    if (cat)
        return;
    cat = wr_catalog_new();
    wr_arena *ar = wr_arena_new(0);
    size_t pos = 0;
    wr_stmt *s = NULL;
    weir_status st;
    if (wr_parse_next(ddl, strlen(ddl), &pos, ar, &s, &st) != WEIR_OK) {
        fprintf(stderr, "ddl: %s\n", st.msg);
        exit(1);
    }
    wr_bound bd;
    if (wr_bind(cat, ddl, s, ar, &bd, &st) != WEIR_OK) {
        fprintf(stderr, "ddl bind: %s\n", st.msg);
        exit(1);
    }
    wr_catalog_put(cat, bd.create, &st);
    bd.create = NULL;
    wr_bound_fini(&bd);
    wr_arena_free(ar);
}

static int map_cols(void *ctx, const wr_expr *e)
{
    (void)ctx;
    if (e->kind == WR_E_COLUMN && e->src == 0 && e->col < NCOL)
        return e->col;
    return -1;
}

static void put_i32(wr_col *c, int r, int32_t v)
{
    WR_COL_I32(c)[r] = v;
    wr_col_set_null(c, r, false);
}

/* Fills the test batch: row 0 ordinary values, row 1 all NULL, row 2
 * negative values and UTF-8, row 3 edge values. */
static void fill(wr_batch *b, wr_arena *ar)
{
    const wr_source *src = wr_catalog_get(cat, "S");
    const wr_type *types[NCOL];
    for (int c = 0; c < NCOL; c++)
        types[c] = src->cols[c].type;
    wr_batch_init(b, ar, NCOL, types, NROW);
    b->n = NROW;
    b->nsel = NROW;
    wr_col *c = b->cols;
    put_i32(&c[0], 0, 1);
    put_i32(&c[1], 0, 7);
    put_i32(&c[1], 2, -7);
    put_i32(&c[1], 3, INT32_MAX);
    int64_t bv[] = {10000000000LL, 0, -3, INT64_MIN};
    double dv[] = {2.5, 0, -0.5, 0.1};
    wr_i128 nv[] = {1234, 0, -105, 9999};
    const char *sv[] = {"hello", NULL,
                        "\xc3\x9c"
                        "n\xc3\xaf"
                        "c\xc3\xb6"
                        "d\xc3\xa9",
                        "  a b  "};
    for (int r = 0; r < NROW; r++) {
        if (r == 1)
            continue;
        WR_COL_I64(&c[2])[r] = bv[r];
        wr_col_set_null(&c[2], r, false);
        WR_COL_F64(&c[3])[r] = dv[r];
        wr_col_set_null(&c[3], r, false);
        WR_COL_DEC(&c[4])[r] = nv[r];
        wr_col_set_null(&c[4], r, false);
        WR_COL_STR(&c[5])[r] = (wr_str){sv[r], (int32_t)strlen(sv[r])};
        wr_col_set_null(&c[5], r, false);
        WR_COL_BOOL(&c[6])[r] = r != 2;
        wr_col_set_null(&c[6], r, false);
    }
    /* AR = [1, 2, 3] and M = {a: 1} on row 0. */
    wr_val *arr = wr_arena_alloc(ar, sizeof *arr);
    arr->type = c[7].type;
    arr->n = 3;
    arr->items = wr_arena_zalloc(ar, sizeof(wr_datum) * 3);
    for (int k = 0; k < 3; k++)
        arr->items[k].u.i32 = k + 1;
    WR_COL_NEST(&c[7])[0] = arr;
    wr_col_set_null(&c[7], 0, false);
    wr_val *m = wr_arena_alloc(ar, sizeof *m);
    m->type = c[8].type;
    m->n = 1;
    m->items = wr_arena_zalloc(ar, sizeof(wr_datum) * 2);
    m->items[0].u.str = (wr_str){"a", 1};
    m->items[1].u.i32 = 1;
    WR_COL_NEST(&c[8])[0] = m;
    wr_col_set_null(&c[8], 0, false);
}

static void render(wr_buf *o, const wr_type *t, const wr_datum *d)
{
    char tmp[64];
    if (d->null || t->kind == WR_T_NULL) {
        wr_buf_puts(o, "NULL");
        return;
    }
    switch (t->kind) {
    case WR_T_BOOLEAN:
        wr_buf_puts(o, d->u.b ? "true" : "false");
        break;
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        wr_buf_printf(o, "%d", d->u.i32);
        break;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        wr_buf_printf(o, "%lld", (long long)d->u.i64);
        break;
    case WR_T_DOUBLE:
        wr_put_java_double(o, d->u.f64);
        break;
    case WR_T_DECIMAL:
        wr_dec_format(d->u.dec, t->scale, tmp);
        wr_buf_puts(o, tmp);
        break;
    case WR_T_STRING:
    case WR_T_BYTES:
        wr_buf_putn(o, d->u.str.p, (size_t)d->u.str.len);
        break;
    case WR_T_ARRAY:
        wr_buf_putc(o, '[');
        for (int i = 0; i < d->u.nest->n; i++) {
            if (i)
                wr_buf_putc(o, ',');
            render(o, t->elem, &d->u.nest->items[i]);
        }
        wr_buf_putc(o, ']');
        break;
    default:
        wr_buf_puts(o, "?");
        break;
    }
}

/*
 * Evaluates `expr` (SQL over S) on row `row` only (a selection vector of
 * one row) and returns the value as text ("NULL" for NULL), or "ERR: msg"
 * when it does not bind or compile. Errors counted go to last_cx.
 */
static const char *evr(const char *expr, int row)
{
    static char out[1024];
    setup();
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT %s FROM S EMIT CHANGES;", expr);
    wr_arena *ar = wr_arena_new(0);
    size_t pos = 0;
    wr_stmt *s = NULL;
    weir_status st;
    memset(&last_cx, 0, sizeof last_cx);
    if (wr_parse_next(sql, strlen(sql), &pos, ar, &s, &st) != WEIR_OK) {
        snprintf(out, sizeof out, "ERR: %s", st.msg);
        wr_arena_free(ar);
        return out;
    }
    wr_bound bd;
    if (wr_bind(cat, sql, s, ar, &bd, &st) != WEIR_OK) {
        snprintf(out, sizeof out, "ERR: %s", st.msg);
        wr_arena_free(ar);
        return out;
    }
    wr_select_item *it = s->select->items->item[0];
    wr_xexpr *x = wr_expr_compile(ar, it->expr, map_cols, NULL, &st);
    if (!x) {
        snprintf(out, sizeof out, "ERR: %s", st.msg);
        wr_bound_fini(&bd);
        wr_arena_free(ar);
        return out;
    }
    wr_arena *bar = wr_arena_new(0);
    wr_batch b;
    fill(&b, bar);
    uint32_t sel[1] = {(uint32_t)row};
    b.sel = sel;
    b.nsel = 1;
    wr_col c;
    if (wr_expr_eval(x, &b, &c, &last_cx, &st) != WEIR_OK) {
        snprintf(out, sizeof out, "ERR: %s", st.msg);
    } else {
        wr_datum d;
        wr_col_get(&c, row, &d);
        wr_buf o = WR_BUF_INIT;
        render(&o, c.type, &d);
        snprintf(out, sizeof out, "%s", wr_buf_str(&o));
        wr_buf_fini(&o);
    }
    wr_arena_free(bar);
    wr_bound_fini(&bd);
    wr_arena_free(ar);
    return out;
}

static const char *ev(const char *expr)
{
    return evr(expr, 0);
}

/* The result type of expr as the binder and compiler see it. */
static const char *type_of(const char *expr)
{
    static char out[128];
    setup();
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s FROM S EMIT CHANGES;", expr);
    wr_arena *ar = wr_arena_new(0);
    size_t pos = 0;
    wr_stmt *s = NULL;
    weir_status st;
    wr_bound bd;
    snprintf(out, sizeof out, "ERR");
    if (wr_parse_next(sql, strlen(sql), &pos, ar, &s, &st) == WEIR_OK &&
        wr_bind(cat, sql, s, ar, &bd, &st) == WEIR_OK) {
        wr_select_item *it = s->select->items->item[0];
        wr_xexpr *x = wr_expr_compile(ar, it->expr, map_cols, NULL, &st);
        if (x)
            wr_type_format(wr_xexpr_type(x), out, sizeof out);
        wr_bound_fini(&bd);
    }
    wr_arena_free(ar);
    return out;
}

TEST(arithmetic_int)
{
    CHECK_STR(ev("I + 1"), "8");
    CHECK_STR(ev("I * B"), "70000000000");
    CHECK_STR(ev("I / 2"), "3");
    CHECK_STR(evr("I / 2", 2), "-3");
    CHECK_STR(evr("I % 3", 2), "-1");
    CHECK_STR(ev("-7 % -3"), "-1");
    CHECK_STR(evr("I + 1", 3), "-2147483648");
    CHECK_STR(evr("I * 2", 3), "-2");
    CHECK_STR(evr("B - 1", 3), "9223372036854775807");
    CHECK_STR(evr("-B", 3), "-9223372036854775808");
    CHECK_STR(evr("B / -1", 3), "-9223372036854775808");
    CHECK_STR(evr("B % -1", 3), "0");
    CHECK_STR(ev("I + NULL"), "NULL");
    CHECK_STR(evr("I + 1", 1), "NULL");
    CHECK_STR(ev("-2147483648"), "-2147483648");
}

TEST(division_by_zero)
{
    CHECK_STR(ev("I / 0"), "NULL");
    CHECK_INT(last_cx.errors, ==, 1);
    CHECK_STR(last_cx.last_error, "/ by zero");
    CHECK_STR(ev("I % (I - 7)"), "NULL");
    CHECK_INT(last_cx.errors, ==, 1);
    CHECK_STR(ev("D / 0"), "Infinity");
    CHECK_STR(ev("-D / 0"), "-Infinity");
    CHECK_STR(ev("(D - D) / 0"), "NaN");
    CHECK_INT(last_cx.errors, ==, 0);
    /* NULL rows never count an error. */
    CHECK_STR(evr("I / 0", 1), "NULL");
    CHECK_INT(last_cx.errors, ==, 0);
}

TEST(arithmetic_double_and_mixed)
{
    CHECK_STR(ev("D * 2"), "5.0");
    CHECK_STR(ev("I + D"), "9.5");
    CHECK_STR(ev("D % 1"), "0.5");
    CHECK_STR(ev("1.5E0 + 1"), "2.5");
    CHECK_STR(type_of("I + B"), "BIGINT");
    CHECK_STR(type_of("I / I"), "INTEGER");
}

TEST(decimal_arithmetic)
{
    CHECK_STR(ev("N + 1"), "13.34");
    CHECK_STR(type_of("N + 1"), "DECIMAL(13, 2)");
    CHECK_STR(ev("N + 0.001"), "12.341");
    CHECK_STR(ev("N - 12.5"), "-0.16");
    CHECK_STR(ev("N * N"), "152.2756");
    CHECK_STR(ev("N / 3"), "4.1133333333333");
    CHECK_STR(ev("N / N"), "1.0000000");
    CHECK_STR(ev("N % 5"), "2.34");
    CHECK_STR(evr("N % 1", 2), "-0.05");
    CHECK_STR(ev("1.5 * 2"), "3.0");
    CHECK_STR(ev("N / 0"), "NULL");
    CHECK_INT(last_cx.errors, ==, 1);
    CHECK_STR(ev("2.0 / 3"), "0.666666666667");
    CHECK_STR(ev("-2.5 / 3"), "-0.833333333333");
    CHECK_STR(ev("N / 2.0"), "6.170000");
    CHECK_STR(ev("N + D"), "14.84");
    CHECK_STR(
        ev("CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0)) "
           "+ 1"),
        "NULL");
    CHECK_INT(last_cx.errors, ==, 1);
    CHECK_STR(ev("CAST(N AS DECIMAL(3,1))"), "12.3");
    CHECK_STR(evr("CAST(N AS DECIMAL(3,1))", 2), "-1.1");
    CHECK_STR(evr("CAST(N AS DECIMAL(3,2))", 3), "NULL");
}

TEST(decimal_api)
{
    wr_i128 r;
    wr_arena *ar = wr_arena_new(0);
    const wr_type *t = wr_type_decimal(ar, 10, 4);
    CHECK(wr_dec_arith('/', 1, 0, 3, 0, t, &r));
    CHECK(r == 3333);
    CHECK(wr_dec_arith('/', 2, 0, 3, 0, t, &r));
    CHECK(r == 6667);
    CHECK(wr_dec_arith('/', -2, 0, 3, 0, t, &r));
    CHECK(r == -6667);
    CHECK(!wr_dec_arith('/', 1, 0, 0, 0, t, &r));
    CHECK(wr_dec_arith('*', 15, 1, 15, 1, t, &r)); /* 1.5*1.5 = 2.25 */
    CHECK(r == 22500);
    CHECK(wr_dec_arith('%', -75, 1, 20, 1, t, &r)); /* -7.5 % 2.0 */
    CHECK(r == -15000);
    const wr_type *small = wr_type_decimal(ar, 3, 0);
    CHECK(!wr_dec_arith('+', 999, 0, 1, 0, small, &r));
    CHECK(wr_dec_cmp(150, 2, 15, 1) == 0);
    CHECK(wr_dec_cmp(-151, 2, -15, 1) < 0);
    CHECK(wr_dec_cmp(1, 0, 99, 2) > 0);
    wr_i128 big = wr_dec_pow10(37) * 9;
    CHECK(wr_dec_cmp(big, 0, big, 38) > 0);
    const wr_type *wide = wr_type_decimal(ar, 38, 6);
    CHECK(wr_dec_arith('*', big, 30, big, 30, wide, &r)); /* 8.1e13 */
    CHECK(!wr_dec_arith('*', big, 20, big, 20, wide, &r));
    wr_arena_free(ar);
}

TEST(comparisons)
{
    CHECK_STR(ev("I = 7"), "true");
    CHECK_STR(ev("I < B"), "true");
    CHECK_STR(ev("I > D"), "true");
    CHECK_STR(ev("N = 12.34"), "true");
    CHECK_STR(ev("N > 12.3"), "true");
    CHECK_STR(ev("N < D"), "false");
    CHECK_STR(ev("I = 7.0"), "true");
    CHECK_STR(ev("V = 'hello'"), "true");
    CHECK_STR(ev("V < 'help'"), "true");
    CHECK_STR(ev("V <> 'hello'"), "false");
    CHECK_STR(ev("F = true"), "true");
    /* ksqlDB: a comparison with a NULL operand is FALSE (QTT "null -
     * null equals"), not SQL's NULL. */
    CHECK_STR(ev("I = NULL"), "false");
    CHECK_STR(evr("I = 7", 1), "false");
    CHECK_STR(ev("NOT (I = NULL)"), "true");
    CHECK_STR(ev("(D - D) / 0 = (D - D) / 0"), "false");
}

TEST(three_valued_logic)
{
    CHECK_STR(ev("F AND NULL"), "NULL");
    CHECK_STR(ev("NOT F AND NULL"), "false");
    CHECK_STR(ev("F OR NULL"), "true");
    CHECK_STR(ev("NOT F OR NULL"), "NULL");
    CHECK_STR(ev("NOT (I > 1)"), "false");
    CHECK_STR(evr("NOT F", 1), "NULL");
    /* The right side is not evaluated where the left decides. */
    CHECK_STR(ev("I = 8 AND I / 0 = 1"), "false");
    CHECK_INT(last_cx.errors, ==, 0);
    CHECK_STR(ev("I = 7 OR I / 0 = 1"), "true");
    CHECK_INT(last_cx.errors, ==, 0);
}

TEST(null_predicates)
{
    CHECK_STR(ev("V IS NULL"), "false");
    CHECK_STR(evr("V IS NULL", 1), "true");
    CHECK_STR(evr("V IS NOT NULL", 1), "false");
    CHECK_STR(ev("I IS DISTINCT FROM NULL"), "true");
    CHECK_STR(evr("I IS DISTINCT FROM NULL", 1), "false");
    CHECK_STR(ev("I IS NOT DISTINCT FROM 7"), "true");
    CHECK_STR(ev("I IS DISTINCT FROM 7.0"), "false");
}

TEST(between_and_in)
{
    CHECK_STR(ev("I BETWEEN 1 AND 10"), "true");
    CHECK_STR(ev("I NOT BETWEEN 1 AND 10"), "false");
    CHECK_STR(ev("D BETWEEN 2 AND 2.5"), "true");
    CHECK_STR(ev("I BETWEEN 8 AND NULL"), "false");
    CHECK_STR(ev("I BETWEEN 1 AND NULL"), "NULL");
    CHECK_STR(ev("V BETWEEN 'a' AND 'z'"), "true");
    CHECK_STR(ev("I IN (1, 7)"), "true");
    CHECK_STR(ev("I IN (1, 2)"), "false");
    CHECK_STR(ev("I IN (1, NULL)"), "NULL");
    CHECK_STR(ev("I IN (7, NULL)"), "true");
    CHECK_STR(ev("I NOT IN (1, 2)"), "true");
    CHECK_STR(ev("I NOT IN (1, NULL)"), "NULL");
    CHECK_STR(ev("I IN (7.0, 1.5)"), "true");
    CHECK_STR(ev("I IN (7.5)"), "false");
    /* A numeric string matches by value (QTT "in - int - valid"). */
    CHECK_STR(ev("I IN (1, '7.000')"), "true");
    CHECK_STR(ev("I IN ('7.5')"), "false");
    /* INSTR returns 0 when the occurrence is missing, also searching
     * backwards (QTT "instr - ... negative position and occurrence"). */
    CHECK_STR(ev("INSTR('short', 'or', -4, 2)"), "0");
    CHECK_STR(ev("INSTR('corporate floor', 'or', -4, 2)"), "2");
    CHECK_STR(ev("INSTR('short', 'xy')"), "0");
    CHECK_STR(ev("I IN (B, I)"), "true");
    CHECK_STR(ev("V IN ('x', 'hello')"), "true");
    CHECK_STR(ev("I IN ('7')"), "true");
    CHECK_STR(evr("I IN (1, 7)", 1), "NULL");
}

TEST(like)
{
    CHECK_STR(ev("V LIKE 'h%'"), "true");
    CHECK_STR(ev("V LIKE '%llo'"), "true");
    CHECK_STR(ev("V LIKE '%ll%'"), "true");
    CHECK_STR(ev("V LIKE 'h_llo'"), "true");
    CHECK_STR(ev("V LIKE 'h_lo'"), "false");
    CHECK_STR(ev("V LIKE 'H%'"), "false");
    CHECK_STR(ev("V NOT LIKE 'H%'"), "true");
    CHECK_STR(ev("V LIKE '%'"), "true");
    CHECK_STR(ev("'a%b' LIKE 'a!%b' ESCAPE '!'"), "true");
    CHECK_STR(ev("'axb' LIKE 'a!%b' ESCAPE '!'"), "false");
    CHECK_STR(ev("'a_b' LIKE 'a\\_b' ESCAPE '\\'"), "true");
    CHECK_STR(evr("V LIKE '_n_c_d_'", 2), "true");
    CHECK_STR(ev("V LIKE V"), "true");
    CHECK_STR(evr("V LIKE '%'", 1), "NULL");
    CHECK_STR(ev("'aaa' LIKE '%a%a%a%'"), "true");
    CHECK_STR(ev("'aa' LIKE '%a%a%a%'"), "false");
}

TEST(case_expressions)
{
    CHECK_STR(ev("CASE WHEN I > 5 THEN 'big' ELSE 'small' END"), "big");
    CHECK_STR(evr("CASE WHEN I > 5 THEN 'big' ELSE 'small' END", 2), "small");
    CHECK_STR(evr("CASE WHEN I > 5 THEN 'big' END", 2), "NULL");
    CHECK_STR(evr("CASE WHEN I > 5 THEN 'big' ELSE 'small' END", 1), "small");
    CHECK_STR(ev("CASE I WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END"), "seven");
    CHECK_STR(ev("CASE WHEN F THEN I ELSE B END"), "7");
    CHECK_STR(type_of("CASE WHEN F THEN I ELSE B END"), "BIGINT");
    CHECK_STR(ev("CASE WHEN F THEN 1 ELSE I / 0 END"), "1");
    CHECK_INT(last_cx.errors, ==, 0);
}

TEST(casts)
{
    CHECK_STR(ev("CAST(I AS STRING)"), "7");
    CHECK_STR(ev("CAST(D AS STRING)"), "2.5");
    CHECK_STR(ev("CAST(1.0E7 AS STRING)"), "1.0E7");
    CHECK_STR(ev("CAST(N AS STRING)"), "12.34");
    CHECK_STR(ev("CAST(F AS STRING)"), "true");
    CHECK_STR(ev("CAST('42' AS INT)"), "42");
    CHECK_STR(ev("CAST(' 42 ' AS BIGINT)"), "42");
    CHECK_STR(ev("CAST('x' AS INT)"), "NULL");
    CHECK_INT(last_cx.errors, ==, 1);
    CHECK_STR(ev("CAST('3000000000' AS INT)"), "NULL");
    CHECK_STR(ev("CAST('1.5' AS DOUBLE)"), "1.5");
    CHECK_STR(ev("CAST('1.555' AS DECIMAL(3,2))"), "1.56");
    CHECK_STR(ev("CAST('yes' AS BOOLEAN)"), "true");
    CHECK_STR(ev("CAST('f' AS BOOLEAN)"), "false");
    CHECK_STR(ev("CAST('maybe' AS BOOLEAN)"), "NULL");
    CHECK_STR(ev("CAST(2.7E0 AS INT)"), "2");
    CHECK_STR(ev("CAST(-2.7E0 AS INT)"), "-2");
    CHECK_STR(ev("CAST(1.0E10 AS INT)"), "2147483647");
    CHECK_STR(ev("CAST(N AS INT)"), "12");
    CHECK_STR(evr("CAST(N AS INT)", 2), "-1");
    CHECK_STR(ev("CAST(B AS INT)"), "1410065408");
    CHECK_STR(ev("CAST(I AS DECIMAL(5,2))"), "7.00");
    CHECK_STR(ev("CAST(I AS DECIMAL(2,1))"), "7.0");
    CHECK_STR(ev("CAST(I AS DECIMAL(1,1))"), "NULL");
    CHECK_STR(ev("CAST(D AS DECIMAL(4,1))"), "2.5");
    CHECK_STR(ev("CAST(N AS DOUBLE)"), "12.34");
    CHECK_STR(ev("CAST(NULL AS INT)"), "NULL");
    CHECK_STR(ev("CAST(I AS DOUBLE)"), "7.0");
}

TEST(math_functions)
{
    CHECK_STR(evr("ABS(I)", 2), "7");
    CHECK_STR(evr("ABS(N)", 2), "1.05");
    CHECK_STR(evr("ABS(D)", 2), "0.5");
    CHECK_STR(ev("CEIL(D)"), "3.0");
    CHECK_STR(ev("FLOOR(D)"), "2.0");
    CHECK_STR(ev("CEIL(N)"), "13.00");
    CHECK_STR(evr("FLOOR(N)", 2), "-2.00");
    CHECK_STR(ev("ROUND(D)"), "3");
    CHECK_STR(ev("ROUND(-2.5E0)"), "-2");
    CHECK_STR(ev("ROUND(1.2345E0, 2)"), "1.23");
    CHECK_STR(ev("ROUND(1.235E0, 2)"), "1.24");
    CHECK_STR(ev("ROUND(-1.235E0, 2)"), "-1.23");
    CHECK_STR(ev("ROUND(N)"), "12");
    CHECK_STR(type_of("ROUND(N)"), "DECIMAL(2, 0)");
    CHECK_STR(ev("ROUND(N, 1)"), "12.30");
    CHECK_STR(ev("ROUND(-1.5)"), "-1");
    CHECK_STR(ev("ROUND(I)"), "7");
    CHECK_STR(ev("ROUND(123.45E0, -1)"), "120.0");
    CHECK_STR(ev("TRUNC(D)"), "2");
    CHECK_STR(ev("TRUNC(-2.7E0)"), "-2");
    CHECK_STR(ev("TRUNC(1.239E0, 2)"), "1.23");
    CHECK_STR(ev("TRUNC(N, 1)"), "12.30");
    CHECK_STR(ev("SQRT(16)"), "4.0");
    CHECK_STR(ev("SQRT(-1)"), "NaN");
    CHECK_STR(ev("EXP(0)"), "1.0");
    CHECK_STR(ev("LN(1)"), "0.0");
    CHECK_STR(ev("LOG(100)"), "4.605170185988092");
    CHECK_STR(ev("LOG(10, 100)"), "2.0");
    CHECK_STR(ev("LOG(1, 100)"), "NaN");
    CHECK_STR(ev("POWER(2, 10)"), "1024.0");
    CHECK_STR(ev("SIGN(-5)"), "-1");
    CHECK_STR(ev("SIGN(D)"), "1");
    CHECK_STR(ev("SIGN(0)"), "0");
    CHECK_STR(ev("CBRT(27)"), "3.0");
    CHECK_STR(ev("PI()"), "3.141592653589793");
    CHECK_STR(ev("SIN(0)"), "0.0");
    CHECK_STR(ev("COS(0)"), "1.0");
    CHECK_STR(ev("TAN(0)"), "0.0");
    CHECK_STR(ev("ASIN(0)"), "0.0");
    CHECK_STR(ev("ACOS(1)"), "0.0");
    CHECK_STR(ev("ATAN(0)"), "0.0");
    CHECK_STR(ev("ATAN2(0, 1)"), "0.0");
    CHECK_STR(ev("SINH(0)"), "0.0");
    CHECK_STR(ev("COSH(0)"), "1.0");
    CHECK_STR(ev("TANH(0)"), "0.0");
    CHECK_STR(ev("COT(1)"), "0.6420926159343306");
    CHECK_STR(ev("DEGREES(PI())"), "180.0");
    CHECK_STR(ev("RADIANS(180)"), "3.141592653589793");
    CHECK_STR(ev("GREATEST(1, 5, 3)"), "5");
    CHECK_STR(ev("LEAST(1, 5, 3)"), "1");
    CHECK_STR(ev("GREATEST(I, NULL, 3)"), "7");
    CHECK_STR(ev("GREATEST('a', V)"), "hello");
    CHECK_STR(ev("LEAST(N, 1.5)"), "1.50");
    CHECK_STR(ev("LEAST(D, 1.5E0)"), "1.5");
    CHECK_STR(ev("SQRT(CAST(NULL AS DOUBLE))"), "NULL");
    const char *r = ev("RANDOM()");
    double v = atof(r);
    CHECK(v >= 0.0 && v < 1.0);
}

TEST(string_functions)
{
    CHECK_STR(ev("CONCAT(V, '-', 'x')"), "hello-x");
    CHECK_STR(ev("CONCAT(V, NULL, '!')"), "hello!");
    CHECK_STR(ev("CONCAT_WS(', ', 'a', NULL, 'b')"), "a, b");
    CHECK_STR(ev("CONCAT_WS(NULL, 'a', 'b')"), "NULL");
    CHECK_STR(ev("V || '!'"), "hello!");
    CHECK_STR(ev("V + '!'"), "hello!");
    CHECK_STR(ev("UCASE(V)"), "HELLO");
    CHECK_STR(evr("UCASE(V)", 2), "\xc3\x9cN\xc3\x8f"
                                  "C\xc3\x96"
                                  "D\xc3\x89");
    CHECK_STR(evr("LCASE(V)", 2), "\xc3\xbcn\xc3\xaf"
                                  "c\xc3\xb6"
                                  "d\xc3\xa9");
    CHECK_STR(ev("LCASE('ABC')"), "abc");
    CHECK_STR(ev("LEN(V)"), "5");
    CHECK_STR(evr("LEN(V)", 2), "7");
    CHECK_STR(evr("LEN(V)", 1), "NULL");
    CHECK_STR(evr("TRIM(V)", 3), "a b");
    CHECK_STR(evr("LTRIM(V)", 3), "a b  ");
    CHECK_STR(evr("RTRIM(V)", 3), "  a b");
    CHECK_STR(ev("SUBSTRING(V, 2)"), "ello");
    CHECK_STR(ev("SUBSTRING(V, 2, 3)"), "ell");
    CHECK_STR(ev("SUBSTRING(V, -3)"), "llo");
    CHECK_STR(ev("SUBSTRING(V, -3, 2)"), "ll");
    CHECK_STR(ev("SUBSTRING(V, 10)"), "");
    CHECK_STR(ev("SUBSTRING(V, 0, 2)"), "he");
    CHECK_STR(evr("SUBSTRING(V, 2, 3)", 2), "n\xc3\xaf"
                                            "c");
    CHECK_STR(ev("REPLACE(V, 'l', 'L')"), "heLLo");
    CHECK_STR(ev("REPLACE('ab', '', '-')"), "-a-b-");
    CHECK_STR(ev("INSTR('CORPORATE FLOOR', 'OR')"), "2");
    CHECK_STR(ev("INSTR('CORPORATE FLOOR', 'OR', 3)"), "5");
    CHECK_STR(ev("INSTR('CORPORATE FLOOR', 'OR', 3, 2)"), "14");
    CHECK_STR(ev("INSTR('CORPORATE FLOOR', 'OR', -3)"), "5");
    CHECK_STR(ev("INSTR('CORPORATE FLOOR', 'OR', -3, 2)"), "2");
    CHECK_STR(ev("INSTR('CORPORATE FLOOR', 'MISSING')"), "0");
    CHECK_STR(ev("INSTR(NULL, 'x')"), "0");
    CHECK_STR(ev("LPAD(V, 8, 'ab')"), "abahello");
    CHECK_STR(ev("LPAD(V, 3, 'ab')"), "hel");
    CHECK_STR(ev("RPAD(V, 8, 'ab')"), "helloaba");
    CHECK_STR(ev("RPAD(V, 3, 'ab')"), "hel");
    CHECK_STR(ev("LPAD(V, 8, '')"), "NULL");
    CHECK_STR(ev("LPAD(V, -1, 'x')"), "NULL");
    CHECK_STR(evr("LPAD(V, 8, '\xc3\xa9')", 2), "\xc3\xa9\xc3\x9cn\xc3\xaf"
                                                "c\xc3\xb6"
                                                "d\xc3\xa9");
    CHECK_STR(ev("INITCAP('hello wORLD  foo')"), "Hello World  Foo");
    CHECK_STR(ev("INITCAP('  x')"), "X");
    CHECK_STR(ev("CHR(75)"), "K");
    CHECK_STR(ev("CHR(233)"), "\xc3\xa9");
    CHECK_STR(ev("CHR('\\u004b')"), "K");
    CHECK_STR(ev("CHR('\\ud83d\\ude00')"), "\xf0\x9f\x98\x80");
    CHECK_STR(ev("CHR(-1)"), "NULL");
    CHECK_STR(ev("LEN(CHR(128512))"), "2");
    CHECK_STR(ev("SPLIT('a,b,,c', ',')"), "[a,b,,c]");
    CHECK_STR(ev("SPLIT('abc', '')"), "[a,b,c]");
    CHECK_STR(ev("SPLIT('', ',')"), "[]");
    CHECK_STR(ev("MASK('AbC-12')"), "XxX-nn");
    CHECK_STR(ev("MASK('AbC-12', '*', NULL, '#', NULL)"), "*b*-##");
    CHECK_STR(ev("MASK_LEFT('AbC-12', 2)"), "XxC-12");
    CHECK_STR(ev("MASK_RIGHT('AbC-12', 2)"), "AbC-nn");
    CHECK_STR(ev("MASK_KEEP_LEFT('AbC-12', 2)"), "AbX-nn");
    CHECK_STR(ev("MASK_KEEP_RIGHT('AbC-12', 2)"), "XxX-12");
    CHECK_STR(ev("MASK_LEFT('AbC', -1)"), "NULL");
    CHECK_INT(last_cx.errors, ==, 1);
}

TEST(null_and_misc_functions)
{
    CHECK_STR(ev("IFNULL(NULL, 5)"), "5");
    CHECK_STR(ev("IFNULL(I, 5)"), "7");
    CHECK_STR(evr("IFNULL(V, 'none')", 1), "none");
    CHECK_STR(ev("COALESCE(NULL, NULL, 3)"), "3");
    CHECK_STR(evr("COALESCE(I, 9)", 1), "9");
    CHECK_STR(ev("NULLIF(I, 7)"), "NULL");
    CHECK_STR(ev("NULLIF(I, 8)"), "7");
    CHECK_STR(ev("AS_VALUE(ID)"), "1");
    CHECK_STR(ev("ARRAY_LENGTH(AR)"), "3");
    CHECK_STR(ev("AR[1]"), "1");
    CHECK_STR(ev("AR[-1]"), "3");
    CHECK_STR(ev("AR[5]"), "NULL");
    CHECK_STR(ev("M['a']"), "1");
    CHECK_STR(ev("M['b']"), "NULL");
    CHECK_STR(ev("ARRAY[I, 2]"), "[7,2]");
    CHECK_STR(ev("STRUCT(A := I)->A"), "7");
    CHECK_STR(ev("MAP('k' := V)['k']"), "hello");
    CHECK_STR(ev("EXTRACTJSONFIELD('{\"a\": {\"b\": [1, \"x\"]}}', "
                 "'$.a.b[1]')"),
              "x");
    CHECK_STR(ev("EXTRACTJSONFIELD('{\"a\": {\"b\": [1, 2]}}', '$.a')"),
              "{\"b\":[1,2]}");
    CHECK_STR(ev("EXTRACTJSONFIELD('{\"a\": 1}', '$.zz')"), "NULL");
    CHECK_STR(ev("EXTRACTJSONFIELD('not json', '$.a')"), "NULL");
    CHECK_INT(strlen(ev("UUID()")), ==, 36);
    CHECK_STR(ev("TIMESTAMPTOSTRING(1600000000123, 'yyyy-MM-dd HH:mm:ss.SSS')"),
              "2020-09-13 12:26:40.123");
    CHECK_STR(ev("TIMESTAMPTOSTRING(1600000000123, 'yyyy-MM-dd HH:mm', "
                 "'+02:00')"),
              "2020-09-13 14:26");
    CHECK_STR(ev("TIMESTAMPTOSTRING(0, 'yyyy', 'Mars/Base')"), "NULL");
    CHECK_INT(last_cx.errors, ==, 1);
}

/* Zones as Java's ZoneId.of names them: one-digit offsets, UTC/GMT
 * prefixes, and regions of the tz database with their DST. */
TEST(time_zones)
{
    /* 2024-07-01T12:00Z (summer) and 2024-01-02T10:00Z (winter). */
    CHECK_STR(ev("TIMESTAMPTOSTRING(1719835200000, 'yyyy-MM-dd HH:mm z', "
                 "'Europe/Paris')"),
              "2024-07-01 14:00 CEST");
    CHECK_STR(ev("TIMESTAMPTOSTRING(1704189600000, 'yyyy-MM-dd HH:mm z', "
                 "'Europe/Paris')"),
              "2024-01-02 11:00 CET");
    CHECK_STR(ev("FORMAT_TIMESTAMP(FROM_UNIXTIME(1719835200000), "
                 "'HH:mm XXX', 'America/New_York')"),
              "08:00 -04:00");
    CHECK_STR(ev("FORMAT_TIMESTAMP(FROM_UNIXTIME(1704189600000), "
                 "'HH:mm XXX', 'America/New_York')"),
              "05:00 -05:00");
    CHECK_STR(ev("TIMESTAMPTOSTRING(1704189600000, 'HH:mm', 'UTC-3')"),
              "07:00");
    CHECK_STR(ev("TIMESTAMPTOSTRING(1704189600000, 'HH:mm', '+1')"), "11:00");
    CHECK_STR(ev("TIMESTAMPTOSTRING(1704189600000, 'HH:mm', 'GMT+5')"),
              "15:00");
    CHECK_STR(ev("TIMESTAMPTOSTRING(1704189600000, 'HH:mm', 'UT-05:30')"),
              "04:30");
    CHECK_STR(ev("TIMESTAMPTOSTRING(1704189600000, 'HH:mm', 'Z')"), "10:00");
    CHECK_INT(last_cx.errors, ==, 0);
    /* Parsing a local time: summer and winter offsets, and Java's choices
     * in the spring gap (moved forward) and the autumn overlap (earlier
     * offset); an offset in the text wins over the zone. */
    CHECK_STR(ev("STRINGTOTIMESTAMP('2024-07-01 14:00', 'yyyy-MM-dd HH:mm', "
                 "'Europe/Paris')"),
              "1719835200000");
    CHECK_STR(ev("STRINGTOTIMESTAMP('2024-01-02 11:00', 'yyyy-MM-dd HH:mm', "
                 "'Europe/Paris')"),
              "1704189600000");
    CHECK_STR(ev("STRINGTOTIMESTAMP('2024-03-31 02:30', 'yyyy-MM-dd HH:mm', "
                 "'Europe/Paris')"),
              "1711848600000");
    CHECK_STR(ev("STRINGTOTIMESTAMP('2024-10-27 02:30', 'yyyy-MM-dd HH:mm', "
                 "'Europe/Paris')"),
              "1729989000000");
    CHECK_STR(ev("STRINGTOTIMESTAMP('2024-07-01 08:00 -0400', "
                 "'yyyy-MM-dd HH:mm Z', 'Asia/Tokyo')"),
              "1719835200000");
    CHECK_STR(ev("PARSE_TIMESTAMP('2024-07-01 08:00', 'yyyy-MM-dd HH:mm', "
                 "'America/New_York')"),
              "1719835200000");
    CHECK_INT(last_cx.errors, ==, 0);
    /* Not zones: NULL and an expression error. */
    CHECK_STR(ev("TIMESTAMPTOSTRING(0, 'yyyy', 'europe/paris')"), "NULL");
    CHECK_INT(last_cx.errors, ==, 1);
    CHECK_STR(ev("TIMESTAMPTOSTRING(0, 'yyyy', '+19')"), "NULL");
    CHECK_INT(last_cx.errors, ==, 1);
    CHECK_STR(ev("PARSE_TIMESTAMP('2024', 'yyyy', 'Nowhere/City')"), "NULL");
    CHECK_INT(last_cx.errors, ==, 1);
    CHECK_STR(ev("STRINGTOTIMESTAMP('2020-09-13 12:26:40', "
                 "'yyyy-MM-dd HH:mm:ss')"),
              "1600000000000");
    CHECK_STR(ev("STRINGTOTIMESTAMP('13/Sep/2020', 'dd/MMM/yyyy')"),
              "1599955200000");
    CHECK_STR(ev("STRINGTOTIMESTAMP('bad', 'yyyy')"), "NULL");
    CHECK_STR(ev("DATETOSTRING(18518, 'yyyy-MM-dd')"), "2020-09-13");
    CHECK_STR(ev("STRINGTODATE('2020-09-13', 'yyyy-MM-dd')"), "18518");
    CHECK_STR(ev("UNIX_TIMESTAMP(FROM_UNIXTIME(42))"), "42");
    CHECK_STR(ev("FORMAT_TIMESTAMP(PARSE_TIMESTAMP('2021-01-02T03:04', "
                 "'yyyy-MM-dd''T''HH:mm'), 'dd.MM.yy')"),
              "02.01.21");
    CHECK(atoll(ev("UNIX_TIMESTAMP()")) > 1600000000000LL);
    CHECK(atoi(ev("UNIX_DATE()")) > 18000);
    CHECK_STR(ev("CAST(FROM_UNIXTIME(1600000000123) AS STRING)"),
              "2020-09-13T12:26:40.123");
    CHECK_STR(ev("FROM_UNIXTIME(0) < '1970-01-02'"), "true");
}

/* Every scalar function of the registry has a kernel. */
TEST(every_function_has_a_kernel)
{
    setup();
    static const char *const calls[] = {
        "ABS(1)",
        "ACOS(1)",
        "ARRAY_LENGTH(AR)",
        "ASIN(1)",
        "AS_VALUE(1)",
        "ATAN(1)",
        "ATAN2(1, 1)",
        "CBRT(1)",
        "CEIL(1)",
        "CHR(65)",
        "COALESCE(1, 2)",
        "CONCAT('a', 'b')",
        "CONCAT_WS('a', 'b')",
        "COS(1)",
        "COSH(1)",
        "COT(1)",
        "DATETOSTRING(1, 'yyyy')",
        "DEGREES(1)",
        "EXP(1)",
        "EXTRACTJSONFIELD('1', '$')",
        "FLOOR(1)",
        "FORMAT_TIMESTAMP(FROM_UNIXTIME(1), 'yyyy')",
        "FROM_UNIXTIME(1)",
        "GREATEST(1, 2)",
        "IFNULL(1, 2)",
        "INITCAP('a')",
        "INSTR('a', 'a')",
        "LCASE('a')",
        "LEAST(1, 2)",
        "LEN('a')",
        "LN(1)",
        "LOG(1)",
        "LPAD('a', 2, 'b')",
        "LTRIM('a')",
        "MASK('a')",
        "MASK_KEEP_LEFT('a', 1)",
        "MASK_KEEP_RIGHT('a', 1)",
        "MASK_LEFT('a', 1)",
        "MASK_RIGHT('a', 1)",
        "NULLIF(1, 2)",
        "PARSE_TIMESTAMP('1970', 'yyyy')",
        "PI()",
        "POWER(1, 1)",
        "RADIANS(1)",
        "RANDOM()",
        "REPLACE('a', 'b', 'c')",
        "ROUND(1)",
        "RPAD('a', 2, 'b')",
        "RTRIM('a')",
        "SIGN(1)",
        "SIN(1)",
        "SINH(1)",
        "SPLIT('a', 'b')",
        "SQRT(1)",
        "STRINGTODATE('1970', 'yyyy')",
        "STRINGTOTIMESTAMP('1970', 'yyyy')",
        "SUBSTRING('a', 1)",
        "TAN(1)",
        "TANH(1)",
        "TIMESTAMPTOSTRING(1, 'yyyy')",
        "TRIM('a')",
        "TRUNC(1)",
        "UCASE('a')",
        "UNIX_DATE()",
        "UNIX_TIMESTAMP()",
        "UUID()",
    };
    int n = (int)(sizeof calls / sizeof calls[0]);
    for (int i = 0; i < n; i++) {
        const char *r = ev(calls[i]);
        if (!strncmp(r, "ERR", 3) || !strcmp(r, "NULL"))
            FAIL_AT("%s -> %s", calls[i], r);
    }
    int scalars = 0;
    for (int i = 0; i < wr_func_count(); i++)
        scalars += wr_func_at(i)->kind == WR_FN_SCALAR;
    CHECK_INT(scalars, ==, n);
}

/* Column-at-a-time evaluation over a selection: only selected rows are
 * written, and filters narrow the selection. */
TEST(selection_and_filter)
{
    setup();
    const char *sql = "SELECT I * 2, V FROM S WHERE I > 0 AND V LIKE 'h%' "
                      "EMIT CHANGES;";
    wr_arena *ar = wr_arena_new(0);
    size_t pos = 0;
    wr_stmt *s = NULL;
    weir_status st;
    CHECK(wr_parse_next(sql, strlen(sql), &pos, ar, &s, &st) == WEIR_OK);
    wr_bound bd;
    CHECK(wr_bind(cat, sql, s, ar, &bd, &st) == WEIR_OK);
    wr_xexpr *pred = wr_expr_compile(ar, s->select->where, map_cols, NULL, &st);
    wr_select_item *it = s->select->items->item[0];
    wr_xexpr *proj = wr_expr_compile(ar, it->expr, map_cols, NULL, &st);
    wr_select_item *it2 = s->select->items->item[1];
    wr_xexpr *col = wr_expr_compile(ar, it2->expr, map_cols, NULL, &st);
    CHECK(pred && proj && col);
    CHECK_INT(wr_xexpr_column(col), ==, 5);
    CHECK_INT(wr_xexpr_column(proj), ==, -1);
    wr_arena *bar = wr_arena_new(0);
    wr_batch b;
    fill(&b, bar);
    b.sel = NULL;
    wr_eval_ctx cx = {0, {0}};
    CHECK(wr_expr_filter(pred, &b, &cx, &st) == WEIR_OK);
    CHECK_INT(b.nsel, ==, 1);
    CHECK_INT(b.sel[0], ==, 0);
    wr_col c;
    CHECK(wr_expr_eval(proj, &b, &c, &cx, &st) == WEIR_OK);
    CHECK_INT(WR_COL_I32(&c)[0], ==, 14);
    CHECK(!wr_col_is_null(&c, 0));
    CHECK(wr_col_is_null(&c, 2)); /* not selected: untouched (NULL) */
    wr_col v;
    CHECK(wr_expr_eval(col, &b, &v, &cx, &st) == WEIR_OK);
    CHECK(v.data == b.cols[5].data); /* a column reference is not copied */
    CHECK_INT(cx.errors, ==, 0);
    /* All rows, no selection vector. */
    wr_batch_select_all(&b);
    CHECK(wr_expr_eval(proj, &b, &c, &cx, &st) == WEIR_OK);
    CHECK_INT(WR_COL_I32(&c)[2], ==, -14);
    CHECK(wr_col_is_null(&c, 1));
    CHECK_INT(WR_COL_I32(&c)[3], ==, -2);
    wr_arena_free(bar);
    wr_bound_fini(&bd);
    wr_arena_free(ar);
}

TEST(compile_errors_and_const)
{
    setup();
    const char *sql = "SELECT I + 1, 1 + 2 * 3, CONCAT('a', 'b') FROM S "
                      "EMIT CHANGES;";
    wr_arena *ar = wr_arena_new(0);
    size_t pos = 0;
    wr_stmt *s = NULL;
    weir_status st;
    CHECK(wr_parse_next(sql, strlen(sql), &pos, ar, &s, &st) == WEIR_OK);
    wr_bound bd;
    CHECK(wr_bind(cat, sql, s, ar, &bd, &st) == WEIR_OK);
    wr_select_item *it = s->select->items->item[0];
    /* An unmapped column fails to compile. */
    CHECK(!wr_expr_compile(ar, it->expr, NULL, NULL, &st));
    CHECK_INT(st.code, ==, WEIR_E_UNSUPPORTED);
    wr_datum d;
    CHECK(wr_expr_const(ar, it->expr, &d, &st) == WEIR_E_TYPE);
    it = s->select->items->item[1];
    CHECK(wr_expr_const(ar, it->expr, &d, &st) == WEIR_OK);
    CHECK_INT(d.u.i32, ==, 7);
    it = s->select->items->item[2];
    CHECK(wr_expr_const(ar, it->expr, &d, &st) == WEIR_OK);
    CHECK_INT(d.u.str.len, ==, 2);
    CHECK(!memcmp(d.u.str.p, "ab", 2));
    wr_bound_fini(&bd);
    wr_arena_free(ar);
}

/* The map callback sees a node before its operands. */
static int map_sum(void *ctx, const wr_expr *e)
{
    (void)ctx;
    if (e->kind == WR_E_BINARY && e->op == WR_OP_ADD)
        return 2; /* pretend (I + B) was computed into column 2 */
    return map_cols(NULL, e);
}

TEST(map_whole_subexpression)
{
    setup();
    const char *sql = "SELECT (I + B) * 2 FROM S EMIT CHANGES;";
    wr_arena *ar = wr_arena_new(0);
    size_t pos = 0;
    wr_stmt *s = NULL;
    weir_status st;
    CHECK(wr_parse_next(sql, strlen(sql), &pos, ar, &s, &st) == WEIR_OK);
    wr_bound bd;
    CHECK(wr_bind(cat, sql, s, ar, &bd, &st) == WEIR_OK);
    wr_select_item *it = s->select->items->item[0];
    wr_xexpr *x = wr_expr_compile(ar, it->expr, map_sum, NULL, &st);
    CHECK(x);
    wr_arena *bar = wr_arena_new(0);
    wr_batch b;
    fill(&b, bar);
    wr_eval_ctx cx = {0, {0}};
    wr_col c;
    CHECK(wr_expr_eval(x, &b, &c, &cx, &st) == WEIR_OK);
    CHECK_INT(WR_COL_I64(&c)[0], ==, 20000000000LL);
    wr_arena_free(bar);
    wr_bound_fini(&bd);
    wr_arena_free(ar);
}

TEST(every_scalar_function_has_a_kernel)
{
    /* "Function X is not implemented" must never be reachable: each scalar
     * function of the registry has an evaluation kernel. */
    int scalars = 0;
    for (int i = 0; i < wr_func_count(); i++) {
        const wr_func *f = wr_func_at(i);
        if (f->kind != WR_FN_SCALAR)
            continue;
        scalars++;
        if (!wr_fn_impl_find(f->name))
            FAIL_AT("no kernel for %s", f->name);
    }
    CHECK_INT(scalars, >=, 60);
}

TEST_LIST(wr_tests_expr, TEST_ENTRY(every_scalar_function_has_a_kernel),
          TEST_ENTRY(arithmetic_int), TEST_ENTRY(division_by_zero),
          TEST_ENTRY(arithmetic_double_and_mixed),
          TEST_ENTRY(decimal_arithmetic), TEST_ENTRY(decimal_api),
          TEST_ENTRY(comparisons), TEST_ENTRY(three_valued_logic),
          TEST_ENTRY(null_predicates), TEST_ENTRY(between_and_in),
          TEST_ENTRY(like), TEST_ENTRY(case_expressions), TEST_ENTRY(casts),
          TEST_ENTRY(math_functions), TEST_ENTRY(string_functions),
          TEST_ENTRY(null_and_misc_functions), TEST_ENTRY(time_zones),
          TEST_ENTRY(every_function_has_a_kernel),
          TEST_ENTRY(selection_and_filter),
          TEST_ENTRY(compile_errors_and_const),
          TEST_ENTRY(map_whole_subexpression));
