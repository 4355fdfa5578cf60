/* test_func.c: function registry tests (unit_common): lookup, argument
 * counts, result types per family, ksqlDB's error texts, flags. */
#include "test.h"

#include "common/arena.h"
#include "common/func.h"
#include "common/types.h"

/* Shared fixtures: one arena per case, freed at the end of the case. */
static wr_arena *ar;
static char err[512];

static const wr_type *P(wr_type_kind k)
{
    return wr_type_prim(k);
}

static const wr_type *DEC(int p, int s)
{
    return wr_type_decimal(ar, p, s);
}

/*
 * Resolves name(args...) and returns the formatted result type, or
 * "ERR: <message>" when resolution fails. The string lives in a static
 * buffer until the next call.
 */
static const char *call(const char *name, int nargs, const wr_type *const *args)
{
    static char out[600];
    const wr_func *f = wr_func_lookup(name, strlen(name));
    if (!f)
        return "ERR: no such function";
    err[0] = '\0';
    const wr_type *t = wr_func_resolve(f, args, nargs, ar, err, sizeof err);
    if (!t) {
        snprintf(out, sizeof out, "ERR: %s", err);
        return out;
    }
    return wr_type_format(t, out, sizeof out);
}

#define ARGS(...) ((const wr_type *const[]){__VA_ARGS__})
#define NARGS(...) ((int)(sizeof ARGS(__VA_ARGS__) / sizeof(const wr_type *)))
#define CALL(name, ...) call(name, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__))
#define CALL0(name) call(name, 0, NULL)

#define BEGIN() (ar = wr_arena_new(0))
#define END() (wr_arena_free(ar), ar = NULL)

/* ---- lookup -------------------------------------------------------- */

TEST(func_lookup_any_case)
{
    const wr_func *f = wr_func_lookup("round", 5);
    CHECK(f != NULL);
    CHECK_STR(f->name, "ROUND");
    CHECK(wr_func_lookup("RoUnD", 5) == f);
    CHECK(wr_func_lookup("ROUND", 5) == f);
    /* len counts, not the NUL */
    CHECK(wr_func_lookup("rounding", 5) == f);
    CHECK(wr_func_lookup("Earliest_By_Offset", 18) != NULL);
    CHECK(wr_func_lookup("concat_ws", 9) != NULL);
    CHECK_STR(wr_func_lookup("concat_ws", 6)->name, "CONCAT");
}

TEST(func_lookup_unknown)
{
    CHECK(wr_func_lookup("NO_SUCH_FN", 10) == NULL);
    CHECK(wr_func_lookup("", 0) == NULL);
    CHECK(wr_func_lookup(NULL, 0) == NULL);
    CHECK(wr_func_lookup("ROUN", 4) == NULL);
    CHECK(wr_func_lookup("ROUNDX", 6) == NULL);
    CHECK(wr_func_lookup("A", 1) == NULL);
    CHECK(wr_func_lookup("ZZZ", 3) == NULL);
    CHECK(wr_func_lookup("ABS\xc3\xa9", 5) == NULL);
}

TEST(func_table_sorted_and_complete)
{
    int n = wr_func_count();
    CHECK(n >= 60);
    CHECK(wr_func_at(-1) == NULL);
    CHECK(wr_func_at(n) == NULL);
    for (int i = 0; i < n; i++) {
        const wr_func *f = wr_func_at(i);
        CHECK(f != NULL);
        if (i > 0 && strcmp(wr_func_at(i - 1)->name, f->name) >= 0)
            FAIL_AT("not sorted: %s >= %s", wr_func_at(i - 1)->name, f->name);
        CHECK(wr_func_lookup(f->name, strlen(f->name)) == f);
        CHECK(f->resolve != NULL);
        CHECK(f->synopsis && f->synopsis[0]);
        CHECK(f->description && f->description[0]);
        size_t dl = strlen(f->description);
        CHECK(f->description[dl - 1] == '.');
        CHECK(f->min_args >= 0);
        CHECK(f->max_args == -1 || f->max_args >= f->min_args);
        for (const char *c = f->name; *c; c++)
            CHECK((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                  *c == '_');
    }
    static const char *const required[] = {
        "ABS",
        "CEIL",
        "FLOOR",
        "ROUND",
        "SQRT",
        "EXP",
        "LN",
        "LOG",
        "POWER",
        "SIGN",
        "TRUNC",
        "CBRT",
        "PI",
        "SIN",
        "COS",
        "TAN",
        "ASIN",
        "ACOS",
        "ATAN",
        "ATAN2",
        "SINH",
        "COSH",
        "TANH",
        "COT",
        "DEGREES",
        "RADIANS",
        "GREATEST",
        "LEAST",
        "RANDOM",
        "CONCAT",
        "CONCAT_WS",
        "LCASE",
        "UCASE",
        "LEN",
        "TRIM",
        "LTRIM",
        "RTRIM",
        "SUBSTRING",
        "REPLACE",
        "INSTR",
        "LPAD",
        "RPAD",
        "INITCAP",
        "CHR",
        "SPLIT",
        "MASK",
        "IFNULL",
        "COALESCE",
        "NULLIF",
        "AS_VALUE",
        "UNIX_TIMESTAMP",
        "TIMESTAMPTOSTRING",
        "STRINGTOTIMESTAMP",
        "COUNT",
        "COUNT_DISTINCT",
        "SUM",
        "MIN",
        "MAX",
        "AVG",
        "EARLIEST_BY_OFFSET",
        "LATEST_BY_OFFSET",
        "COLLECT_LIST",
        "COLLECT_SET",
        "TOPK",
        "TOPKDISTINCT",
        "ARRAY_LENGTH",
        "HISTOGRAM",
        "STDDEV_SAMP",
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!wr_func_lookup(required[i], strlen(required[i])))
            FAIL_AT("missing %s", required[i]);
}

/*
 * Every entry's min_args/max_args agree with its signatures: all-NULL
 * arguments at either bound never fail for the count (a NULL fits any
 * parameter; they may still be ambiguous), one fewer or one more does.
 */
TEST(func_arity_matches_signatures)
{
    const wr_type *nulls[8];
    for (int i = 0; i < 8; i++)
        nulls[i] = P(WR_T_NULL);
    BEGIN();
    for (int i = 0; i < wr_func_count(); i++) {
        const wr_func *f = wr_func_at(i);
        int hi = f->max_args < 0 ? f->min_args + 3 : f->max_args;
        for (int n = f->min_args; n <= hi; n++) {
            err[0] = '\0';
            const wr_type *t =
                wr_func_resolve(f, nulls, n, ar, err, sizeof err);
            if (!t && strstr(err, "does not accept"))
                FAIL_AT("%s with %d NULL args: %s", f->name, n, err);
        }
        if (f->min_args > 0) {
            CHECK(wr_func_resolve(f, nulls, f->min_args - 1, ar, err,
                                  sizeof err) == NULL);
            CHECK(strstr(err, "does not accept parameters") != NULL);
        }
        if (f->max_args >= 0) {
            CHECK(wr_func_resolve(f, nulls, f->max_args + 1, ar, err,
                                  sizeof err) == NULL);
            CHECK(strstr(err, "does not accept parameters") != NULL);
        }
    }
    END();
}

/* ---- argument counts ----------------------------------------------- */

TEST(func_arg_count_errors)
{
    BEGIN();
    CHECK_STR(CALL("abs", P(WR_T_INT), P(WR_T_INT)),
              "ERR: Function 'abs' does not accept parameters "
              "(INTEGER, INTEGER).");
    CHECK_STR(CALL0("abs"), "ERR: Function 'abs' does not accept "
                            "parameters ().");
    CHECK_STR(CALL0("greatest"),
              "ERR: Function 'greatest' does not accept parameters ().");
    CHECK_STR(CALL0("least"),
              "ERR: Function 'least' does not accept parameters ().");
    CHECK_STR(CALL("pi", P(WR_T_INT)),
              "ERR: Function 'pi' does not accept parameters (INTEGER).");
    CHECK_STR(CALL("round", P(WR_T_DOUBLE), P(WR_T_INT), P(WR_T_INT)),
              "ERR: Function 'round' does not accept parameters "
              "(DOUBLE, INTEGER, INTEGER).");
    CHECK_STR(CALL("earliest_by_offset", P(WR_T_INT), P(WR_T_INT),
                   P(WR_T_BOOLEAN), P(WR_T_BOOLEAN)),
              "ERR: Function 'earliest_by_offset' does not accept "
              "parameters (INTEGER, INTEGER, BOOLEAN, BOOLEAN).");
    CHECK_STR(CALL("concat", P(WR_T_STRING)),
              "ERR: Function 'concat' does not accept parameters "
              "(STRING).");
    /* a NULL args pointer with a count is refused, not dereferenced */
    const wr_func *f = wr_func_lookup("ABS", 3);
    CHECK(wr_func_resolve(f, NULL, 1, ar, err, sizeof err) == NULL);
    CHECK(wr_func_resolve(f, NULL, -1, ar, err, sizeof err) == NULL);
    CHECK(wr_func_resolve(NULL, NULL, 0, ar, err, sizeof err) == NULL);
    /* err may be absent */
    CHECK(wr_func_resolve(f, NULL, 0, ar, NULL, 0) == NULL);
    END();
}

/* ---- math ---------------------------------------------------------- */

TEST(func_abs_ceil_floor)
{
    BEGIN();
    static const char *const fns[] = {"ABS", "CEIL", "FLOOR"};
    for (int i = 0; i < 3; i++) {
        CHECK_STR(CALL(fns[i], P(WR_T_INT)), "INTEGER");
        CHECK_STR(CALL(fns[i], P(WR_T_BIGINT)), "BIGINT");
        CHECK_STR(CALL(fns[i], P(WR_T_DOUBLE)), "DOUBLE");
        CHECK_STR(CALL(fns[i], DEC(9, 3)), "DECIMAL(9, 3)");
    }
    CHECK_STR(CALL("abs", P(WR_T_STRING)),
              "ERR: Function 'abs' does not accept parameters (STRING).");
    /* four overloads fit a NULL: ambiguous, as in ksqlDB */
    CHECK_STR(CALL("abs", P(WR_T_NULL)),
              "ERR: Function 'abs' cannot be resolved due to ambiguous "
              "method parameters (null).");
    END();
}

TEST(func_round)
{
    BEGIN();
    CHECK_STR(CALL("ROUND", P(WR_T_DOUBLE)), "BIGINT");
    CHECK_STR(CALL("ROUND", P(WR_T_INT)), "BIGINT");
    CHECK_STR(CALL("ROUND", P(WR_T_BIGINT)), "BIGINT");
    CHECK_STR(CALL("ROUND", P(WR_T_DOUBLE), P(WR_T_INT)), "DOUBLE");
    /* ksqlDB corpus: ROUND(DECIMAL(33, 16)) is DECIMAL(17, 0) and
     * ROUND(DECIMAL(33, 16), 0) keeps DECIMAL(33, 16) */
    CHECK_STR(CALL("ROUND", DEC(33, 16)), "DECIMAL(17, 0)");
    CHECK_STR(CALL("ROUND", DEC(33, 16), P(WR_T_INT)), "DECIMAL(33, 16)");
    CHECK_STR(CALL("ROUND", DEC(2, 2)), "DECIMAL(1, 0)");
    CHECK_STR(CALL("ROUND", DEC(9, 0)), "DECIMAL(9, 0)");
    /* a NULL digits argument still picks the overload by x */
    CHECK_STR(CALL("ROUND", P(WR_T_DOUBLE), P(WR_T_NULL)), "DOUBLE");
    /* digits must be an INTEGER */
    CHECK_STR(CALL("ROUND", P(WR_T_DOUBLE), P(WR_T_BIGINT)),
              "ERR: Function 'round' does not accept parameters "
              "(DOUBLE, BIGINT).");
    END();
}

TEST(func_trunc)
{
    BEGIN();
    CHECK_STR(CALL("TRUNC", P(WR_T_INT)), "BIGINT");
    CHECK_STR(CALL("TRUNC", P(WR_T_BIGINT)), "BIGINT");
    CHECK_STR(CALL("TRUNC", P(WR_T_DOUBLE)), "BIGINT");
    CHECK_STR(CALL("TRUNC", P(WR_T_DOUBLE), P(WR_T_INT)), "DOUBLE");
    CHECK_STR(CALL("TRUNC", DEC(12, 7)), "DECIMAL(5, 0)");
    CHECK_STR(CALL("TRUNC", DEC(12, 7), P(WR_T_INT)), "DECIMAL(12, 7)");
    END();
}

TEST(func_double_math)
{
    BEGIN();
    static const char *const fns[] = {
        "SQRT", "EXP",  "LN",   "LOG",     "CBRT",    "SIN",
        "COS",  "TAN",  "ASIN", "ACOS",    "ATAN",    "SINH",
        "COSH", "TANH", "COT",  "DEGREES", "RADIANS",
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        CHECK_STR(CALL(fns[i], P(WR_T_INT)), "DOUBLE");
        CHECK_STR(CALL(fns[i], P(WR_T_BIGINT)), "DOUBLE");
        CHECK_STR(CALL(fns[i], P(WR_T_DOUBLE)), "DOUBLE");
        /* DECIMAL widens to the DOUBLE overload */
        CHECK_STR(CALL(fns[i], DEC(10, 2)), "DOUBLE");
    }
    CHECK_STR(CALL("LOG", P(WR_T_INT), P(WR_T_INT)), "DOUBLE");
    CHECK_STR(CALL("LOG", P(WR_T_DOUBLE), P(WR_T_DOUBLE)), "DOUBLE");
    CHECK_STR(CALL("POWER", P(WR_T_INT), P(WR_T_INT)), "DOUBLE");
    CHECK_STR(CALL("POWER", P(WR_T_BIGINT), P(WR_T_BIGINT)), "DOUBLE");
    CHECK_STR(CALL("POWER", P(WR_T_DOUBLE), P(WR_T_INT)), "DOUBLE");
    CHECK_STR(CALL("ATAN2", P(WR_T_DOUBLE), P(WR_T_DOUBLE)), "DOUBLE");
    CHECK_STR(CALL("SQRT", P(WR_T_STRING)),
              "ERR: Function 'sqrt' does not accept parameters (STRING).");
    END();
}

TEST(func_sign_pi_random)
{
    BEGIN();
    CHECK_STR(CALL("SIGN", P(WR_T_INT)), "INTEGER");
    CHECK_STR(CALL("SIGN", P(WR_T_BIGINT)), "INTEGER");
    CHECK_STR(CALL("SIGN", P(WR_T_DOUBLE)), "INTEGER");
    CHECK_STR(CALL("SIGN", DEC(4, 1)), "INTEGER");
    CHECK_STR(CALL0("PI"), "DOUBLE");
    CHECK_STR(CALL0("RANDOM"), "DOUBLE");
    CHECK(wr_func_lookup("RANDOM", 6)->flags & WR_FN_NONDETERMINISTIC);
    CHECK(!(wr_func_lookup("PI", 2)->flags & WR_FN_NONDETERMINISTIC));
    CHECK(wr_func_lookup("UUID", 4)->flags & WR_FN_NONDETERMINISTIC);
    END();
}

/* ---- GREATEST / LEAST (ksqlDB corpus greatest.json, least.json) ----- */

TEST(func_greatest_least_types)
{
    BEGIN();
    static const char *const fns[] = {"GREATEST", "LEAST"};
    for (int i = 0; i < 2; i++) {
        const char *fn = fns[i];
        CHECK_STR(CALL(fn, P(WR_T_INT), P(WR_T_INT), P(WR_T_INT), P(WR_T_NULL),
                       P(WR_T_INT)),
                  "INTEGER");
        CHECK_STR(CALL(fn, P(WR_T_BIGINT), P(WR_T_BIGINT), P(WR_T_BIGINT),
                       P(WR_T_NULL)),
                  "BIGINT");
        CHECK_STR(CALL(fn, DEC(9, 3), DEC(9, 3), DEC(9, 3), P(WR_T_NULL)),
                  "DECIMAL(9, 3)");
        CHECK_STR(CALL(fn, P(WR_T_DOUBLE), P(WR_T_DOUBLE), P(WR_T_NULL)),
                  "DOUBLE");
        CHECK_STR(CALL(fn, P(WR_T_STRING), P(WR_T_STRING), P(WR_T_NULL),
                       P(WR_T_NULL), P(WR_T_STRING)),
                  "STRING");
        /* implicit casting to double */
        CHECK_STR(CALL(fn, P(WR_T_INT), P(WR_T_BIGINT), DEC(30, 18),
                       P(WR_T_DOUBLE), P(WR_T_NULL)),
                  "DOUBLE");
        /* decimal widening */
        CHECK_STR(CALL(fn, DEC(9, 2), DEC(7, 6)), "DECIMAL(13, 6)");
        /* a single argument is allowed */
        CHECK_STR(CALL(fn, P(WR_T_INT)), "INTEGER");
    }
    END();
}

TEST(func_greatest_least_errors)
{
    BEGIN();
    CHECK_STR(CALL("GREATEST", P(WR_T_STRING), P(WR_T_INT)),
              "ERR: Function 'greatest' does not accept parameters "
              "(STRING, INTEGER).");
    CHECK_STR(CALL("LEAST", P(WR_T_STRING), P(WR_T_INT)),
              "ERR: Function 'least' does not accept parameters "
              "(STRING, INTEGER).");
    CHECK_STR(
        CALL("LEAST", P(WR_T_NULL), P(WR_T_NULL), P(WR_T_NULL), P(WR_T_NULL)),
        "ERR: Function 'least' cannot be resolved due to ambiguous "
        "method parameters (null, null, null, null).");
    /* mixing integers with a DECIMAL: the DECIMAL and DOUBLE overloads
     * both fit after widening (the corpus uses DECIMAL(50, 30)) */
    CHECK_STR(CALL("GREATEST", P(WR_T_INT), P(WR_T_BIGINT), DEC(38, 30)),
              "ERR: Function 'greatest' cannot be resolved due to "
              "ambiguous method parameters "
              "(INTEGER, BIGINT, DECIMAL(38, 30)).");
    /* and so do INT with BIGINT (BIGINT, DECIMAL, DOUBLE overloads) */
    CHECK_STR(CALL("LEAST", P(WR_T_INT), P(WR_T_BIGINT)),
              "ERR: Function 'least' cannot be resolved due to ambiguous "
              "method parameters (INTEGER, BIGINT).");
    CHECK_STR(CALL("GREATEST", P(WR_T_BOOLEAN), P(WR_T_BOOLEAN)),
              "ERR: Function 'greatest' does not accept parameters "
              "(BOOLEAN, BOOLEAN).");
    END();
}

TEST(func_error_message_bounded)
{
    const wr_type *many[200];
    BEGIN();
    for (int i = 0; i < 200; i++)
        many[i] = (i == 0) ? P(WR_T_STRING) : P(WR_T_TIMESTAMP);
    const wr_func *f = wr_func_lookup("GREATEST", 8);
    CHECK(wr_func_resolve(f, many, 200, ar, err, sizeof err) == NULL);
    CHECK(strlen(err) < 300);
    const char *head = "Function 'greatest' does not accept parameters "
                       "(STRING, TIMESTAMP, TIMESTAMP";
    CHECK(strncmp(err, head, strlen(head)) == 0);
    CHECK(strstr(err, "...).") != NULL);
    CHECK(strchr(err, '\n') == NULL);
    /* a small buffer is truncated, still terminated */
    char small[16];
    CHECK(wr_func_resolve(f, many, 2, ar, small, sizeof small) == NULL);
    CHECK_STR(small, "Function 'great");
    END();
}

/* ---- strings ------------------------------------------------------- */

TEST(func_string_types)
{
    BEGIN();
    const wr_type *s = P(WR_T_STRING), *i = P(WR_T_INT);
    static const char *const str1[] = {"LCASE", "UCASE",   "TRIM", "LTRIM",
                                       "RTRIM", "INITCAP", "MASK"};
    for (size_t k = 0; k < sizeof str1 / sizeof str1[0]; k++)
        CHECK_STR(CALL(str1[k], s), "STRING");
    CHECK_STR(CALL("LEN", s), "INTEGER");
    CHECK_STR(CALL("LEN", P(WR_T_BYTES)), "INTEGER");
    CHECK_STR(CALL("INSTR", s, s), "INTEGER");
    CHECK_STR(CALL("INSTR", s, s, i), "INTEGER");
    CHECK_STR(CALL("INSTR", s, s, i, i), "INTEGER");
    CHECK_STR(CALL("SUBSTRING", s, i), "STRING");
    CHECK_STR(CALL("SUBSTRING", s, i, i), "STRING");
    CHECK_STR(CALL("SUBSTRING", s, P(WR_T_NULL)), "STRING");
    CHECK_STR(CALL("SUBSTRING", P(WR_T_BYTES), i), "BYTES");
    CHECK_STR(CALL("REPLACE", s, s, s), "STRING");
    CHECK_STR(CALL("LPAD", s, i, s), "STRING");
    CHECK_STR(CALL("RPAD", s, i, s), "STRING");
    CHECK_STR(CALL("RPAD", P(WR_T_BYTES), i, P(WR_T_BYTES)), "BYTES");
    CHECK_STR(CALL("CHR", i), "STRING");
    CHECK_STR(CALL("CHR", s), "STRING");
    CHECK_STR(CALL("SPLIT", s, s), "ARRAY<STRING>");
    CHECK_STR(CALL("SPLIT", P(WR_T_BYTES), P(WR_T_BYTES)), "ARRAY<BYTES>");
    CHECK_STR(CALL("MASK", s, s, s, s, s), "STRING");
    CHECK_STR(CALL("MASK_LEFT", s, i), "STRING");
    CHECK_STR(CALL("MASK_KEEP_RIGHT", s, i, s, s, s, s), "STRING");
    CHECK_STR(CALL("EXTRACTJSONFIELD", s, s), "STRING");
    CHECK_STR(CALL("SUBSTRING", s, P(WR_T_BIGINT)),
              "ERR: Function 'substring' does not accept parameters "
              "(STRING, BIGINT).");
    CHECK_STR(CALL("LEN", i),
              "ERR: Function 'len' does not accept parameters (INTEGER).");
    END();
}

TEST(func_concat)
{
    BEGIN();
    const wr_type *s = P(WR_T_STRING), *n = P(WR_T_NULL);
    CHECK_STR(CALL("CONCAT", s, s), "STRING");
    CHECK_STR(CALL("CONCAT", s, n, s, s), "STRING");
    CHECK_STR(CALL("CONCAT", P(WR_T_BYTES), P(WR_T_BYTES)), "BYTES");
    CHECK_STR(CALL("CONCAT_WS", s, s, s, s, n, s), "STRING");
    CHECK_STR(CALL("CONCAT", s, P(WR_T_INT)),
              "ERR: Function 'concat' does not accept parameters "
              "(STRING, INTEGER).");
    CHECK_STR(CALL("CONCAT", s, P(WR_T_BYTES)),
              "ERR: Function 'concat' does not accept parameters "
              "(STRING, BYTES).");
    END();
}

/* ---- NULL handling and keys ---------------------------------------- */

TEST(func_null_functions)
{
    BEGIN();
    const wr_type *n = P(WR_T_NULL);
    CHECK_STR(CALL("IFNULL", P(WR_T_STRING), P(WR_T_STRING)), "STRING");
    CHECK_STR(CALL("IFNULL", n, P(WR_T_INT)), "INTEGER");
    CHECK_STR(CALL("IFNULL", DEC(5, 2), n), "DECIMAL(5, 2)");
    CHECK_STR(CALL("NULLIF", P(WR_T_BIGINT), P(WR_T_BIGINT)), "BIGINT");
    CHECK_STR(CALL("COALESCE", P(WR_T_DOUBLE)), "DOUBLE");
    CHECK_STR(CALL("COALESCE", n, n, P(WR_T_DATE), n), "DATE");
    const wr_type *arr = wr_type_array(ar, P(WR_T_INT));
    CHECK_STR(CALL("COALESCE", arr, wr_type_array(ar, P(WR_T_INT))),
              "ARRAY<INTEGER>");
    /* a generic takes equal types only: no widening */
    CHECK_STR(CALL("COALESCE", P(WR_T_INT), P(WR_T_BIGINT)),
              "ERR: Function 'coalesce' does not accept parameters "
              "(INTEGER, BIGINT).");
    CHECK_STR(CALL("IFNULL", DEC(5, 2), DEC(6, 2)),
              "ERR: Function 'ifnull' does not accept parameters "
              "(DECIMAL(5, 2), DECIMAL(6, 2)).");
    /* nothing to infer T from */
    CHECK_STR(CALL("COALESCE", n, n),
              "ERR: Function 'coalesce' cannot be resolved due to "
              "ambiguous method parameters (null, null).");
    END();
}

TEST(func_as_value_and_arrays)
{
    BEGIN();
    CHECK_STR(CALL("AS_VALUE", P(WR_T_INT)), "INTEGER");
    CHECK_STR(CALL("AS_VALUE", P(WR_T_BOOLEAN)), "BOOLEAN");
    wr_field fl[1] = {{"A", P(WR_T_STRING)}};
    CHECK_STR(CALL("AS_VALUE", wr_type_struct(ar, fl, 1)),
              "STRUCT<`A` STRING>");
    CHECK_STR(CALL("ARRAY_LENGTH", wr_type_array(ar, P(WR_T_STRING))),
              "INTEGER");
    CHECK_STR(CALL("ARRAY_LENGTH", P(WR_T_STRING)),
              "ERR: Function 'array_length' does not accept parameters "
              "(STRING).");
    END();
}

TEST(func_date_time)
{
    BEGIN();
    const wr_type *s = P(WR_T_STRING);
    CHECK_STR(CALL0("UNIX_TIMESTAMP"), "BIGINT");
    CHECK_STR(CALL("UNIX_TIMESTAMP", P(WR_T_TIMESTAMP)), "BIGINT");
    CHECK_STR(CALL0("UNIX_DATE"), "INTEGER");
    CHECK_STR(CALL("TIMESTAMPTOSTRING", P(WR_T_BIGINT), s), "STRING");
    /* INT widens to the BIGINT parameter */
    CHECK_STR(CALL("TIMESTAMPTOSTRING", P(WR_T_INT), s, s), "STRING");
    CHECK_STR(CALL("STRINGTOTIMESTAMP", s, s), "BIGINT");
    CHECK_STR(CALL("STRINGTOTIMESTAMP", s, s, s), "BIGINT");
    CHECK_STR(CALL("FORMAT_TIMESTAMP", P(WR_T_TIMESTAMP), s), "STRING");
    CHECK_STR(CALL("PARSE_TIMESTAMP", s, s), "TIMESTAMP");
    CHECK_STR(CALL("FROM_UNIXTIME", P(WR_T_BIGINT)), "TIMESTAMP");
    CHECK_STR(CALL("STRINGTODATE", s, s), "INTEGER");
    CHECK_STR(CALL("DATETOSTRING", P(WR_T_INT), s), "STRING");
    CHECK_STR(CALL("TIMESTAMPTOSTRING", P(WR_T_DOUBLE), s),
              "ERR: Function 'timestamptostring' does not accept "
              "parameters (DOUBLE, STRING).");
    END();
}

/* ---- implicit widening --------------------------------------------- */

TEST(func_implicit_widening)
{
    BEGIN();
    /* exact overloads win over widened ones */
    CHECK_STR(CALL("ABS", P(WR_T_INT)), "INTEGER");
    /* INT -> DOUBLE only when nothing fits exactly */
    CHECK_STR(CALL("ROUND", P(WR_T_INT), P(WR_T_INT)),
              "ERR: Function 'round' cannot be resolved due to ambiguous "
              "method parameters (INTEGER, INTEGER).");
    CHECK_STR(CALL("POWER", P(WR_T_INT), P(WR_T_DOUBLE)), "DOUBLE");
    /* INT widens to BIGINT and DOUBLE here: ambiguous, as in ksqlDB */
    CHECK_STR(CALL("POWER", P(WR_T_INT), P(WR_T_BIGINT)),
              "ERR: Function 'power' cannot be resolved due to ambiguous "
              "method parameters (INTEGER, BIGINT).");
    /* nothing narrows */
    CHECK_STR(CALL("CHR", P(WR_T_BIGINT)),
              "ERR: Function 'chr' does not accept parameters (BIGINT).");
    /* aggregates do not widen */
    CHECK_STR(CALL("AVG", DEC(10, 2)),
              "ERR: Function 'avg' does not accept parameters "
              "(DECIMAL(10, 2)).");
    END();
}

/* ---- aggregates ---------------------------------------------------- */

TEST(func_count)
{
    BEGIN();
    const wr_func *f = wr_func_lookup("count", 5);
    CHECK(f->kind == WR_FN_AGGREGATE);
    CHECK(f->flags & WR_FN_STAR_OK);
    CHECK(f->flags & WR_FN_DISTINCT_OK);
    CHECK_INT(f->min_args, ==, 0);
    CHECK_INT(f->max_args, ==, 1);
    CHECK_STR(CALL0("COUNT"), "BIGINT");
    CHECK_STR(CALL("COUNT", P(WR_T_STRING)), "BIGINT");
    CHECK_STR(CALL("COUNT", P(WR_T_NULL)), "BIGINT");
    CHECK_STR(CALL("COUNT", wr_type_array(ar, P(WR_T_INT))), "BIGINT");
    CHECK_STR(CALL("COUNT_DISTINCT", P(WR_T_DOUBLE)), "BIGINT");
    CHECK_STR(CALL0("COUNT_DISTINCT"),
              "ERR: Function 'count_distinct' does not accept parameters "
              "().");
    END();
}

TEST(func_sum_min_max)
{
    BEGIN();
    CHECK_STR(CALL("SUM", P(WR_T_INT)), "INTEGER");
    CHECK_STR(CALL("SUM", P(WR_T_BIGINT)), "BIGINT");
    CHECK_STR(CALL("SUM", P(WR_T_DOUBLE)), "DOUBLE");
    CHECK_STR(CALL("SUM", DEC(12, 4)), "DECIMAL(12, 4)");
    CHECK_STR(CALL("SUM", P(WR_T_STRING)),
              "ERR: Function 'sum' does not accept parameters (STRING).");
    static const wr_type_kind kinds[] = {
        WR_T_INT,   WR_T_BIGINT, WR_T_DOUBLE, WR_T_STRING,
        WR_T_BYTES, WR_T_DATE,   WR_T_TIME,   WR_T_TIMESTAMP,
    };
    char want[32];
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        wr_type_format(P(kinds[k]), want, sizeof want);
        CHECK_STR(CALL("MIN", P(kinds[k])), want);
        CHECK_STR(CALL("MAX", P(kinds[k])), want);
    }
    CHECK_STR(CALL("MAX", DEC(5, 5)), "DECIMAL(5, 5)");
    CHECK_STR(CALL("MAX", P(WR_T_BOOLEAN)),
              "ERR: Function 'max' does not accept parameters (BOOLEAN).");
    CHECK_STR(CALL("MIN", wr_type_array(ar, P(WR_T_INT))),
              "ERR: Function 'min' does not accept parameters "
              "(ARRAY<INTEGER>).");
    END();
}

TEST(func_avg_stddev)
{
    BEGIN();
    const wr_func *f = wr_func_lookup("AVG", 3);
    CHECK(f->kind == WR_FN_AGGREGATE);
    CHECK(f->flags & WR_FN_STRUCT_STATE);
    CHECK(!(f->flags & (WR_FN_STAR_OK | WR_FN_DISTINCT_OK)));
    CHECK_STR(CALL("AVG", P(WR_T_INT)), "DOUBLE");
    CHECK_STR(CALL("AVG", P(WR_T_BIGINT)), "DOUBLE");
    CHECK_STR(CALL("AVG", P(WR_T_DOUBLE)), "DOUBLE");
    CHECK_STR(CALL("STDDEV_SAMP", P(WR_T_INT)), "DOUBLE");
    CHECK(wr_func_lookup("STDDEV_SAMP", 11)->flags & WR_FN_STRUCT_STATE);
    CHECK(!(wr_func_lookup("SUM", 3)->flags & WR_FN_STRUCT_STATE));
    END();
}

TEST(func_by_offset)
{
    BEGIN();
    static const char *const fns[] = {"EARLIEST_BY_OFFSET", "LATEST_BY_OFFSET"};
    for (int k = 0; k < 2; k++) {
        const wr_func *f = wr_func_lookup(fns[k], strlen(fns[k]));
        CHECK(f->kind == WR_FN_AGGREGATE);
        CHECK_INT(f->min_args, ==, 1);
        CHECK_INT(f->max_args, ==, 3);
        CHECK_INT(f->literal_args, ==, (1u << 1) | (1u << 2));
        CHECK(!(f->literal_args & 1u));
        CHECK_STR(CALL(fns[k], P(WR_T_INT)), "INTEGER");
        CHECK_STR(CALL(fns[k], DEC(3, 2), P(WR_T_BOOLEAN)), "DECIMAL(3, 2)");
        CHECK_STR(CALL(fns[k], P(WR_T_STRING), P(WR_T_INT)), "ARRAY<STRING>");
        CHECK_STR(CALL(fns[k], P(WR_T_BIGINT), P(WR_T_INT), P(WR_T_BOOLEAN)),
                  "ARRAY<BIGINT>");
        CHECK_STR(
            CALL(fns[k], P(WR_T_TIMESTAMP), P(WR_T_NULL), P(WR_T_BOOLEAN)),
            "ARRAY<TIMESTAMP>");
    }
    /* with (col, col) of INT the second argument fits n: the binder then
     * rejects the non-literal */
    CHECK_STR(CALL("EARLIEST_BY_OFFSET", P(WR_T_INT), P(WR_T_INT)),
              "ARRAY<INTEGER>");
    CHECK_STR(CALL("LATEST_BY_OFFSET", P(WR_T_INT), P(WR_T_STRING)),
              "ERR: Function 'latest_by_offset' does not accept "
              "parameters (INTEGER, STRING).");
    CHECK_STR(CALL("LATEST_BY_OFFSET", P(WR_T_INT), P(WR_T_BIGINT)),
              "ERR: Function 'latest_by_offset' does not accept "
              "parameters (INTEGER, BIGINT).");
    END();
}

TEST(func_collect_topk_histogram)
{
    BEGIN();
    CHECK_STR(CALL("COLLECT_LIST", P(WR_T_STRING)), "ARRAY<STRING>");
    CHECK_STR(CALL("COLLECT_SET", DEC(4, 1)), "ARRAY<DECIMAL(4, 1)>");
    CHECK_STR(CALL("COLLECT_LIST", wr_type_array(ar, P(WR_T_INT))),
              "ARRAY<ARRAY<INTEGER>>");
    CHECK_STR(CALL("COLLECT_LIST", P(WR_T_NULL)),
              "ERR: Function 'collect_list' cannot be resolved due to "
              "ambiguous method parameters (null).");
    static const char *const fns[] = {"TOPK", "TOPKDISTINCT"};
    for (int k = 0; k < 2; k++) {
        const wr_func *f = wr_func_lookup(fns[k], strlen(fns[k]));
        CHECK_INT(f->literal_args, ==, 1u << 1);
        CHECK_INT(f->min_args, ==, 2);
        CHECK_STR(CALL(fns[k], P(WR_T_INT), P(WR_T_INT)), "ARRAY<INTEGER>");
        CHECK_STR(CALL(fns[k], P(WR_T_DOUBLE), P(WR_T_INT)), "ARRAY<DOUBLE>");
        CHECK_STR(CALL(fns[k], P(WR_T_STRING), P(WR_T_INT)), "ARRAY<STRING>");
        CHECK_STR(CALL(fns[k], DEC(8, 3), P(WR_T_INT)), "ARRAY<DECIMAL(8, 3)>");
    }
    CHECK_STR(CALL("TOPK", P(WR_T_BOOLEAN), P(WR_T_INT)),
              "ERR: Function 'topk' does not accept parameters "
              "(BOOLEAN, INTEGER).");
    CHECK_STR(CALL("TOPK", P(WR_T_INT), P(WR_T_BIGINT)),
              "ERR: Function 'topk' does not accept parameters "
              "(INTEGER, BIGINT).");
    CHECK_STR(CALL("HISTOGRAM", P(WR_T_STRING)), "MAP<STRING, BIGINT>");
    END();
}

TEST(func_kinds_and_flags)
{
    static const char *const aggs[] = {
        "AVG",       "COLLECT_LIST",     "COLLECT_SET",
        "COUNT",     "COUNT_DISTINCT",   "EARLIEST_BY_OFFSET",
        "HISTOGRAM", "LATEST_BY_OFFSET", "MAX",
        "MIN",       "STDDEV_SAMP",      "SUM",
        "TOPK",      "TOPKDISTINCT",
    };
    int naggs = 0;
    for (int i = 0; i < wr_func_count(); i++) {
        const wr_func *f = wr_func_at(i);
        bool want = false;
        for (size_t k = 0; k < sizeof aggs / sizeof aggs[0]; k++)
            if (strcmp(f->name, aggs[k]) == 0)
                want = true;
        if (want != (f->kind == WR_FN_AGGREGATE))
            FAIL_AT("%s: wrong kind", f->name);
        naggs += f->kind == WR_FN_AGGREGATE;
        /* only COUNT takes * or DISTINCT; scalars have no literal args */
        if (strcmp(f->name, "COUNT") != 0)
            CHECK(!(f->flags & (WR_FN_STAR_OK | WR_FN_DISTINCT_OK)));
        if (f->kind == WR_FN_SCALAR)
            CHECK_INT(f->literal_args, ==, 0);
    }
    CHECK_INT(naggs, ==, (int)(sizeof aggs / sizeof aggs[0]));
}

TEST(func_oom)
{
    BEGIN();
    /* an empty arena has no chunk yet: its first allocation fails */
    wr_arena *empty = wr_arena_new(0);
    const wr_type *args[2] = {DEC(9, 2), P(WR_T_STRING)};
    const wr_type *strs[2] = {P(WR_T_STRING), P(WR_T_STRING)};
    const struct {
        const char *name;
        const wr_type *const *args;
        int nargs;
    } cases[] = {
        {"ROUND", args, 1},
        {"COLLECT_LIST", args, 1},
        {"SPLIT", strs, 2},
    };
    for (int k = 0; k < 3; k++) {
        const wr_func *f = wr_func_lookup(cases[k].name, strlen(cases[k].name));
        wr_fault_sim(0);
        const wr_type *t = wr_func_resolve(f, cases[k].args, cases[k].nargs,
                                           empty, err, sizeof err);
        wr_fault_sim(-1);
        CHECK(t == NULL);
        CHECK_STR(err, "out of memory");
    }
    /* primitive results need no memory */
    const wr_func *f = wr_func_lookup("ROUND", 5);
    args[0] = P(WR_T_DOUBLE);
    wr_fault_sim(0);
    const wr_type *t = wr_func_resolve(f, args, 1, empty, err, sizeof err);
    wr_fault_sim(-1);
    CHECK(t == P(WR_T_BIGINT));
    wr_arena_free(empty);
    END();
}

TEST_LIST(wr_tests_func, TEST_ENTRY(func_lookup_any_case),
          TEST_ENTRY(func_lookup_unknown),
          TEST_ENTRY(func_table_sorted_and_complete),
          TEST_ENTRY(func_arity_matches_signatures),
          TEST_ENTRY(func_arg_count_errors), TEST_ENTRY(func_abs_ceil_floor),
          TEST_ENTRY(func_round), TEST_ENTRY(func_trunc),
          TEST_ENTRY(func_double_math), TEST_ENTRY(func_sign_pi_random),
          TEST_ENTRY(func_greatest_least_types),
          TEST_ENTRY(func_greatest_least_errors),
          TEST_ENTRY(func_error_message_bounded), TEST_ENTRY(func_string_types),
          TEST_ENTRY(func_concat), TEST_ENTRY(func_null_functions),
          TEST_ENTRY(func_as_value_and_arrays), TEST_ENTRY(func_date_time),
          TEST_ENTRY(func_implicit_widening), TEST_ENTRY(func_count),
          TEST_ENTRY(func_sum_min_max), TEST_ENTRY(func_avg_stddev),
          TEST_ENTRY(func_by_offset), TEST_ENTRY(func_collect_topk_histogram),
          TEST_ENTRY(func_kinds_and_flags), TEST_ENTRY(func_oom));
