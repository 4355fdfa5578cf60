/* test_common.c: arena, status and type tests (unit_common). */
#include "test.h"

#include "common/arena.h"
#include "common/types.h"
#include "weir/status.h"

TEST(arena_alloc_and_reset)
{
    wr_arena *ar = wr_arena_new(256);
    CHECK(ar != NULL);
    char *a = wr_arena_strdup(ar, "hello");
    CHECK_STR(a, "hello");
    void *big = wr_arena_alloc(ar, 10000);
    CHECK(big != NULL);
    memset(big, 1, 10000);
    for (int i = 0; i < 1000; i++)
        CHECK(wr_arena_alloc(ar, 24) != NULL);
    CHECK(wr_arena_used(ar) > 10000);
    wr_arena_reset(ar);
    CHECK_INT(wr_arena_used(ar), ==, 0);
    CHECK_STR(wr_arena_printf(ar, "%d-%s", 42, "x"), "42-x");
    wr_arena_free(ar);
    wr_arena_free(NULL);
}

TEST(arena_fault_sim)
{
    wr_arena *ar = wr_arena_new(64);
    CHECK(ar != NULL);
    wr_fault_sim(0);
    CHECK(wr_arena_alloc(ar, 1000) == NULL);
    CHECK(wr_malloc(10) == NULL);
    wr_fault_sim(-1);
    CHECK(wr_arena_alloc(ar, 1000) != NULL);
    wr_arena_free(ar);
}

TEST(status_names)
{
    CHECK_STR(weir_rc_name(WEIR_E_SYNTAX), "WEIR_E_SYNTAX");
    CHECK_STR(weir_rc_message(WEIR_OK), "ok");
    weir_status st;
    CHECK_INT(
        weir_status_set(&st, WEIR_E_BIND, (weir_loc){3, 4}, "bad %s", "x"), ==,
        WEIR_E_BIND);
    CHECK_STR(st.msg, "bad x");
    CHECK_INT(st.loc.off, ==, 3);
    weir_status_clear(&st);
    CHECK_INT(st.code, ==, WEIR_OK);
    CHECK_INT(weir_status_set(NULL, WEIR_E_IO, WEIR_NOLOC, NULL), ==,
              WEIR_E_IO);
}

TEST(types_format_and_equal)
{
    wr_arena *ar = wr_arena_new(0);
    char buf[128];
    const wr_type *d = wr_type_decimal(ar, 12, 2);
    CHECK_STR(wr_type_format(d, buf, sizeof buf), "DECIMAL(12, 2)");
    const wr_type *m = wr_type_map(ar, wr_type_prim(WR_T_STRING),
                                   wr_type_array(ar, wr_type_prim(WR_T_INT)));
    CHECK_STR(wr_type_format(m, buf, sizeof buf),
              "MAP<STRING, ARRAY<INTEGER>>");
    wr_field f[2] = {{"a", wr_type_prim(WR_T_BIGINT)}, {"B", d}};
    const wr_type *s = wr_type_struct(ar, f, 2);
    CHECK_STR(wr_type_format(s, buf, sizeof buf),
              "STRUCT<`a` BIGINT, `B` DECIMAL(12, 2)>");
    wr_arena *ar2 = wr_arena_new(0);
    const wr_type *s2 = wr_type_dup(ar2, s);
    CHECK(s2 != s && wr_type_equal(s, s2));
    CHECK(!wr_type_equal(s, m));
    wr_arena_free(ar2);
    char small[8];
    CHECK_STR(wr_type_format(m, small, sizeof small), "MAP<STR");
    wr_arena_free(ar);
}

TEST(types_widening)
{
    wr_arena *ar = wr_arena_new(0);
    char buf[64];
    const wr_type *i = wr_type_prim(WR_T_INT), *b = wr_type_prim(WR_T_BIGINT);
    const wr_type *dbl = wr_type_prim(WR_T_DOUBLE);
    const wr_type *d = wr_type_decimal(ar, 4, 2);
    CHECK(wr_type_numeric_common(ar, i, b) == b);
    CHECK(wr_type_numeric_common(ar, d, dbl) == dbl);
    CHECK_STR(wr_type_format(wr_type_numeric_common(ar, d, i), buf, sizeof buf),
              "DECIMAL(12, 2)");
    CHECK(wr_type_numeric_common(ar, i, wr_type_prim(WR_T_STRING)) == NULL);
    /* Past 38 digits the scale gives way, never the integer digits. */
    CHECK_STR(
        wr_type_format(wr_type_numeric_common(ar, wr_type_decimal(ar, 38, 0),
                                              wr_type_decimal(ar, 10, 5)),
                       buf, sizeof buf),
        "DECIMAL(38, 0)");
    CHECK_STR(
        wr_type_format(wr_type_numeric_common(ar, wr_type_decimal(ar, 30, 0),
                                              wr_type_decimal(ar, 20, 18)),
                       buf, sizeof buf),
        "DECIMAL(38, 8)");
    CHECK(wr_type_widens_to(i, b));
    CHECK(!wr_type_widens_to(b, i));
    CHECK(wr_type_widens_to(i, wr_type_decimal(ar, 10, 0)));
    CHECK(!wr_type_widens_to(i, d));
    CHECK(wr_type_widens_to(wr_type_prim(WR_T_NULL), d));
    CHECK(wr_type_castable(wr_type_prim(WR_T_STRING), i));
    CHECK(!wr_type_castable(wr_type_prim(WR_T_BOOLEAN), i));
    CHECK_INT(wr_type_kind_by_name("varchar", 7), ==, WR_T_STRING);
    CHECK_INT(wr_type_kind_by_name("DECIMAL", 7), ==, WR_T_KIND_COUNT);
    wr_arena_free(ar);
}

TEST_LIST(wr_tests_common, TEST_ENTRY(arena_alloc_and_reset),
          TEST_ENTRY(arena_fault_sim), TEST_ENTRY(status_names),
          TEST_ENTRY(types_format_and_equal), TEST_ENTRY(types_widening));
