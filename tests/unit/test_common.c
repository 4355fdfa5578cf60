/* test_common.c: arena, status, type and time-zone tests (unit_common). */
#include "test.h"

#include <pthread.h>

#include "common/arena.h"
#include "common/types.h"
#include "common/tz.h"
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

/* ---- time zones (common/tz.c) ------------------------------------------- */

/* The offset of zone id at instant t (seconds), or -99999 when id is not a
 * zone. */
static int32_t zoff(const char *id, int64_t t)
{
    wr_zone z;
    if (wr_zone_lookup(id, strlen(id), &z) != WEIR_OK)
        return -99999;
    return wr_zone_offset_at(&z, t, NULL);
}

/* The offset of zone id for the local date-time local (seconds). */
static int32_t zloc(const char *id, int64_t local)
{
    wr_zone z;
    if (wr_zone_lookup(id, strlen(id), &z) != WEIR_OK)
        return -99999;
    return wr_zone_offset_local(&z, local);
}

/* The abbreviation of zone id at instant t. */
static const char *zabbr(const char *id, int64_t t)
{
    wr_zone z;
    const char *a = NULL;
    if (wr_zone_lookup(id, strlen(id), &z) != WEIR_OK)
        return "(not a zone)";
    wr_zone_offset_at(&z, t, &a);
    return a ? a : "(fixed)";
}

TEST(tz_fixed_ids)
{
    /* What Java's ZoneId.of accepts. */
    CHECK_INT(zoff("Z", 0), ==, 0);
    CHECK_INT(zoff("UTC", 0), ==, 0);
    CHECK_INT(zoff("GMT", 0), ==, 0);
    CHECK_INT(zoff("UT", 0), ==, 0);
    CHECK_INT(zoff("+1", 0), ==, 3600);
    CHECK_INT(zoff("-3", 0), ==, -10800);
    CHECK_INT(zoff("+01", 0), ==, 3600);
    CHECK_INT(zoff("+0530", 0), ==, 19800);
    CHECK_INT(zoff("+05:30", 0), ==, 19800);
    CHECK_INT(zoff("-01:30:15", 0), ==, -5415);
    CHECK_INT(zoff("+013015", 0), ==, 5415);
    CHECK_INT(zoff("+18:00", 0), ==, 64800);
    CHECK_INT(zoff("UTC-3", 0), ==, -10800);
    CHECK_INT(zoff("GMT+5", 0), ==, 18000);
    CHECK_INT(zoff("UTC+05:30", 0), ==, 19800);
    CHECK_INT(zoff("UT-0130", 0), ==, -5400);
    CHECK_STR(zabbr("UTC+1", 0), "(fixed)");
    /* And what it refuses. */
    static const char *const bad[] = {"",
                                      "z",
                                      "+",
                                      "+19",
                                      "+18:01",
                                      "+1:30",
                                      "+123",
                                      "+01:60",
                                      "+01:3",
                                      "UTC+",
                                      "UTC+19",
                                      "utc",
                                      "GMT5",
                                      "UTC 1",
                                      "+01:00Z",
                                      "1",
                                      "U",
                                      "Mars/Base",
                                      "europe/paris",
                                      "Europe/Paris/",
                                      "/Europe/Paris",
                                      "Europe//Paris",
                                      "../zoneinfo/Europe/Paris",
                                      "Europe/../Europe/Paris",
                                      "./UTC",
                                      "posix/Europe/Paris",
                                      "right/Europe/Paris",
                                      "posixrules",
                                      "localtime",
                                      "Europe/Paris\n",
                                      "Europe"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (zoff(bad[i], 0) != -99999)
            FAIL_AT("\"%s\" should not be a zone", bad[i]);
    wr_zone z;
    CHECK_INT(wr_zone_lookup("Europe/Paris", 12, &z), ==, WEIR_OK);
    CHECK_INT(wr_zone_lookup("Europe/Parisx", 12, &z), ==, WEIR_OK);
    CHECK_INT(wr_zone_lookup("Mars/Base", 9, &z), ==, WEIR_E_DATA);
}

TEST(tz_regions_with_dst)
{
    /* 2024-07-01T12:00Z and 2024-01-02T10:00Z. */
    CHECK_INT(zoff("Europe/Paris", 1719835200), ==, 7200);
    CHECK_STR(zabbr("Europe/Paris", 1719835200), "CEST");
    CHECK_INT(zoff("Europe/Paris", 1704189600), ==, 3600);
    CHECK_STR(zabbr("Europe/Paris", 1704189600), "CET");
    CHECK_INT(zoff("America/New_York", 1719835200), ==, -14400);
    CHECK_STR(zabbr("America/New_York", 1719835200), "EDT");
    CHECK_INT(zoff("America/New_York", 1704189600), ==, -18000);
    CHECK_STR(zabbr("America/New_York", 1704189600), "EST");
    CHECK_INT(zoff("Asia/Kolkata", 0), ==, 19800);
    CHECK_INT(zoff("Etc/UTC", 0), ==, 0);
    /* The transitions themselves: Paris 2024-03-31T01:00Z. */
    CHECK_INT(zoff("Europe/Paris", 1711846799), ==, 3600);
    CHECK_INT(zoff("Europe/Paris", 1711846800), ==, 7200);
    /* Southern hemisphere: Sydney is on DST in January. */
    CHECK_INT(zoff("Australia/Sydney", 1704189600), ==, 39600);
    CHECK_INT(zoff("Australia/Sydney", 1719835200), ==, 36000);
    /* Past the file's transitions, the footer's rule (2100). */
    CHECK_INT(zoff("Europe/Paris", 4118083200), ==, 7200);
    CHECK_INT(zoff("Europe/Paris", 4102444800), ==, 3600);
    CHECK_INT(zoff("America/New_York", 4118083200), ==, -14400);
    /* Before the first transition: local mean time (Paris +0:09:21). */
    CHECK_INT(zoff("Europe/Paris", -3000000000), ==, 561);
    /* Local times (seconds as if UTC): in a gap the offset before it, in
     * an overlap the earlier one, as Java's ZonedDateTime.ofLocal. */
    int64_t paris_gap = 1711852200;  /* 2024-03-31 02:30 local */
    int64_t paris_back = 1729996200; /* 2024-10-27 02:30 local */
    CHECK_INT(zloc("Europe/Paris", paris_gap - 3600), ==, 3600);
    CHECK_INT(zloc("Europe/Paris", paris_gap), ==, 3600);
    CHECK_INT(zloc("Europe/Paris", paris_gap + 3600), ==, 7200);
    CHECK_INT(zloc("Europe/Paris", paris_back - 3600), ==, 7200);
    CHECK_INT(zloc("Europe/Paris", paris_back), ==, 7200);
    CHECK_INT(zloc("Europe/Paris", paris_back + 3600), ==, 3600);
    CHECK_INT(zloc("America/New_York", 1710037800), ==, -18000); /* gap */
    CHECK_INT(zloc("America/New_York", 1730597400), ==, -14400); /* overlap */
    CHECK_INT(zloc("America/New_York", 4118083200), ==, -14400);
    CHECK_INT(zloc("+05:30", 0), ==, 19800);
}

/* Appends a big-endian 32-bit value. */
static size_t put32(unsigned char *p, size_t at, int64_t v)
{
    uint32_t u = (uint32_t)v;
    p[at] = (unsigned char)(u >> 24);
    p[at + 1] = (unsigned char)(u >> 16);
    p[at + 2] = (unsigned char)(u >> 8);
    p[at + 3] = (unsigned char)u;
    return at + 4;
}

/* A TZif header with the counts isut, isstd, leap, time, type, chars. */
static size_t put_hdr(unsigned char *p, size_t at, char ver, int time, int type,
                      int chars)
{
    memset(p + at, 0, 44);
    memcpy(p + at, "TZif", 4);
    p[at + 4] = (unsigned char)ver;
    put32(p, at + 32, time);
    put32(p, at + 36, type);
    put32(p, at + 40, chars);
    return at + 44;
}

TEST(tz_tzif_versions)
{
    unsigned char f[512];
    weir_status st;
    /* Version 1: two transitions, two types, no footer. */
    size_t n = put_hdr(f, 0, 0, 2, 2, 8);
    n = put32(f, n, 100000);
    n = put32(f, n, 200000);
    f[n++] = 1;
    f[n++] = 0;
    n = put32(f, n, 3600);
    f[n++] = 0, f[n++] = 0;
    n = put32(f, n, 7200);
    f[n++] = 1, f[n++] = 4;
    memcpy(f + n, "AAA\0BBB\0", 8);
    n += 8;
    wr_tz *tz = wr_tz_parse(f, n, &st);
    CHECK(tz != NULL);
    wr_zone z = {tz, 0};
    const char *a;
    CHECK_INT(wr_zone_offset_at(&z, 500, &a), ==, 3600);
    CHECK_STR(a, "AAA");
    CHECK_INT(wr_zone_offset_at(&z, 100000, &a), ==, 7200);
    CHECK_STR(a, "BBB");
    CHECK_INT(wr_zone_offset_at(&z, 999999, &a), ==, 3600);
    CHECK_INT(wr_zone_offset_local(&z, 100000 + 3600), ==, 3600); /* gap */
    CHECK_INT(wr_zone_offset_local(&z, 100000 + 7200), ==, 7200);
    CHECK_INT(wr_zone_offset_local(&z, 200000 + 3600), ==, 7200); /* overlap */
    CHECK_INT(wr_zone_offset_local(&z, 200000 + 7200), ==, 3600);
    wr_tz_free(tz);
    /* Malformed: truncated, bad magic, a transition to no type, out of
     * order, a version 2 file without its second part. */
    CHECK(wr_tz_parse(f, n - 1, &st) == NULL);
    CHECK_INT(st.code, ==, WEIR_E_DATA);
    f[0] = 'X';
    CHECK(wr_tz_parse(f, n, NULL) == NULL);
    f[0] = 'T';
    f[52] = 2;
    CHECK(wr_tz_parse(f, n, NULL) == NULL);
    f[52] = 1;
    put32(f, 44, 300000);
    CHECK(wr_tz_parse(f, n, NULL) == NULL);
    put32(f, 44, 100000);
    f[4] = '2';
    CHECK(wr_tz_parse(f, n, NULL) == NULL);

    /* Version 3: an empty version 1 part, one 64-bit transition, and a
     * footer with a southern rule and times outside 0..24 h. */
    n = put_hdr(f, 0, '3', 0, 1, 4);
    n = put32(f, n, 0);
    f[n++] = 0, f[n++] = 0;
    memcpy(f + n, "LMT\0", 4);
    n += 4;
    n = put_hdr(f, n, '3', 1, 2, 8);
    n = put32(f, n, -1); /* -2^32 + 1, as a 64-bit time */
    n = put32(f, n, 1);
    f[n++] = 1;
    n = put32(f, n, 100);
    f[n++] = 0, f[n++] = 0;
    n = put32(f, n, -10800);
    f[n++] = 0, f[n++] = 4;
    memcpy(f + n, "LMT\0ABC\0", 8);
    n += 8;
    const char *footer = "\n<-03>3<-02>,M10.1.0/-1,M3.5.0/25\n";
    memcpy(f + n, footer, strlen(footer));
    n += strlen(footer);
    tz = wr_tz_parse(f, n, &st);
    CHECK(tz != NULL);
    z.tz = tz;
    CHECK_INT(wr_zone_offset_at(&z, -4294967296LL, &a), ==, 100);
    CHECK_STR(a, "LMT");
    /* 2024-07-01: standard time; 2024-01-02: DST. */
    CHECK_INT(wr_zone_offset_at(&z, 1719835200, &a), ==, -10800);
    CHECK_STR(a, "-03");
    CHECK_INT(wr_zone_offset_at(&z, 1704189600, &a), ==, -7200);
    CHECK_STR(a, "-02");
    /* DST starts 2024-10-06 at -1:00 local, i.e. 2024-10-06T02:00Z. */
    CHECK_INT(wr_zone_offset_at(&z, 1728180000 - 1, NULL), ==, -10800);
    CHECK_INT(wr_zone_offset_at(&z, 1728180000, NULL), ==, -7200);
    wr_tz_free(tz);
    /* A footer that is no TZ string. */
    memcpy(f + n - strlen(footer), "\nCET-1CEST,M3\n", 14);
    CHECK(wr_tz_parse(f, n - strlen(footer) + 14, &st) == NULL);
    CHECK_INT(st.code, ==, WEIR_E_DATA);
    wr_tz_free(NULL);
}

/* Out of memory while a region loads: WEIR_E_NOMEM, nothing cached or
 * leaked, and the next lookup loads it. */
TEST(tz_out_of_memory)
{
    wr_zone z;
    weir_rc rc = WEIR_E_NOMEM;
    for (long n = 0; n < 64 && rc == WEIR_E_NOMEM; n++) {
        wr_fault_sim(n);
        rc = wr_zone_lookup("Asia/Kathmandu", 14, &z);
        wr_fault_sim(-1);
    }
    CHECK_INT(rc, ==, WEIR_OK);
    CHECK_INT(wr_zone_offset_at(&z, 1719835200, NULL), ==, 20700);
    wr_fault_sim(0); /* cached now: no allocation */
    rc = wr_zone_lookup("Asia/Kathmandu", 14, &z);
    wr_fault_sim(-1);
    CHECK_INT(rc, ==, WEIR_OK);
}

static void *tz_worker(void *arg)
{
    int *bad = arg;
    static const char *const ids[] = {"Europe/Paris", "America/New_York",
                                      "Asia/Tokyo", "Mars/Base", "UTC+2"};
    static const int32_t want[] = {7200, -14400, 32400, -99999, 7200};
    for (int k = 0; k < 2000; k++) {
        int i = k % 5;
        if (zoff(ids[i], 1719835200) != want[i])
            (*bad)++;
    }
    return NULL;
}

/* Lookups from several threads at once share one cache. */
TEST(tz_threads)
{
    pthread_t t[8];
    int bad[8] = {0};
    for (int i = 0; i < 8; i++)
        CHECK(pthread_create(&t[i], NULL, tz_worker, &bad[i]) == 0);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 8; i++)
        CHECK_INT(bad[i], ==, 0);
}

TEST_LIST(wr_tests_common, TEST_ENTRY(arena_alloc_and_reset),
          TEST_ENTRY(arena_fault_sim), TEST_ENTRY(status_names),
          TEST_ENTRY(types_format_and_equal), TEST_ENTRY(types_widening),
          TEST_ENTRY(tz_fixed_ids), TEST_ENTRY(tz_regions_with_dst),
          TEST_ENTRY(tz_tzif_versions), TEST_ENTRY(tz_out_of_memory),
          TEST_ENTRY(tz_threads));
