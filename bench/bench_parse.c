/*
 * bench_parse.c: throughput of the SQL front end (lexer + parser + binder)
 * on a realistic statement mix, against a lex-only baseline.
 *
 * The workload is one text of 10,000 statements made by cycling through
 * the mix below (DDL, CREATE ... AS SELECT with WHERE, windows, GROUP BY,
 * HAVING, joins, expressions, INSERT INTO, push queries). Each measured run
 * creates an engine, applies the setup DDL once (so the queries have sources
 * to bind against), then prepares the whole text statement by statement
 * with weir_engine_prepare() and frees each statement at once, without
 * applying it: binding does not change the catalog, so every pass does the
 * same work. Passes repeat until at least one second has elapsed. The
 * baseline runs the private lexer (wr_lex) over the same text, which is the
 * floor any parser on top of it pays.
 *
 * Output, one line per measure (median of 5 runs; MB = 10^6 bytes of text):
 *   parse+bind: 312000 stmts/s (median of 5), 41.2 MB/s
 *   lex only: ...
 *   ratio: parse+bind takes 6.1x the time of lex only
 *
 * --iterations N runs exactly N passes of each measure once instead, for
 * instruction counting under callgrind; the passes are the functions
 * parse_pass and lex_pass (use --toggle-collect=parse_pass). The mix
 * statements are checked once up front: one that fails to prepare is
 * reported on stderr and left out, so a binder gap shows instead of
 * silently making the benchmark cheaper.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grammar.h"
#include "parser/parser_int.h"
#include "weir/engine.h"

#include "bench.h"

#define NSTMTS 10000 /* statements in the benchmark text */
#define NRUNS 5      /* runs per measure; the median is reported */
#define MIN_SECS 1.0 /* minimum duration of one run */

/* Sources the mix binds against; applied once per engine. */
static const char *const setup[] = {
    "CREATE STREAM PAGEVIEWS (PAGEID STRING KEY, VIEWTIME BIGINT, "
    "USERID STRING, REGION STRING, DURATION_MS INT) "
    "WITH (kafka_topic='pageviews', value_format='JSON');",
    "CREATE TABLE USERS (USERID STRING PRIMARY KEY, REGISTERTIME BIGINT, "
    "GENDER STRING, REGIONID STRING, AGE INT) "
    "WITH (kafka_topic='users', value_format='JSON');",
    "CREATE STREAM ORDERS (ORDERID BIGINT KEY, ORDERTIME BIGINT, "
    "ITEMID STRING, ORDERUNITS DOUBLE, PRICE DECIMAL(10, 2), "
    "ADDRESS STRUCT<CITY STRING, STATE STRING, ZIPCODE BIGINT>, "
    "TAGS ARRAY<STRING>) "
    "WITH (kafka_topic='orders', value_format='JSON', "
    "timestamp='ORDERTIME');",
    "CREATE STREAM SHIPMENTS (SHIPMENTID BIGINT KEY, ORDERID BIGINT, "
    "WAREHOUSE STRING, SHIPTIME BIGINT) "
    "WITH (kafka_topic='shipments', value_format='DELIMITED');",
    "CREATE TABLE ITEMS (ITEMID STRING PRIMARY KEY, NAME STRING, "
    "CATEGORY STRING, LIST_PRICE DOUBLE) "
    "WITH (kafka_topic='items', value_format='JSON');",
    "CREATE STREAM BIG_ORDERS (ORDERID BIGINT KEY, ITEMID STRING, "
    "ORDERUNITS DOUBLE) WITH (kafka_topic='big_orders', "
    "value_format='JSON');",
};

/* The statement mix, cycled to make the benchmark text. */
static const char *const mix[] = {
    /* DDL */
    "CREATE STREAM CLICKS (CLICKID BIGINT KEY, USERID STRING, URL STRING, "
    "REFERRER STRING, TS BIGINT, IP STRING) "
    "WITH (kafka_topic='clicks', value_format='JSON', partitions=6);",
    "CREATE TABLE REGIONS (REGIONID STRING PRIMARY KEY, NAME STRING, "
    "COUNTRY STRING, POPULATION BIGINT) "
    "WITH (kafka_topic='regions', value_format='JSON');",
    /* filters and projections */
    "CREATE STREAM PV_EU AS SELECT * FROM PAGEVIEWS "
    "WHERE REGION = 'EU' AND DURATION_MS > 1000;",
    "CREATE STREAM ORDERS_ENRICHED AS SELECT ORDERID, UCASE(ITEMID) AS ITEM, "
    "ORDERUNITS * 1.2 AS UNITS, ADDRESS->CITY AS CITY, "
    "CASE WHEN ORDERUNITS > 10 THEN 'bulk' ELSE 'single' END AS CLASS "
    "FROM ORDERS WHERE ADDRESS->STATE IN ('CA', 'NY', 'TX') "
    "AND ORDERUNITS BETWEEN 1 AND 500;",
    "CREATE STREAM PV_SHORT AS SELECT PAGEID, USERID, "
    "SUBSTRING(REGION, 1, 2) AS CC, DURATION_MS / 1000 AS SECS "
    "FROM PAGEVIEWS WHERE USERID IS NOT NULL AND REGION LIKE 'EU%';",
    "CREATE STREAM PV_BY_USER AS SELECT * FROM PAGEVIEWS PARTITION BY USERID;",
    /* aggregates and windows */
    "CREATE TABLE PV_PER_USER AS SELECT USERID, COUNT(*) AS VIEWS, "
    "SUM(DURATION_MS) AS TOTAL_MS FROM PAGEVIEWS GROUP BY USERID;",
    "CREATE TABLE PV_PER_REGION AS SELECT REGION, COUNT(*) AS N, "
    "MAX(DURATION_MS) AS LONGEST FROM PAGEVIEWS "
    "WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY REGION EMIT CHANGES;",
    "CREATE TABLE HOT_ITEMS AS SELECT ITEMID, SUM(ORDERUNITS) AS UNITS, "
    "AVG(ORDERUNITS) AS MEAN FROM ORDERS "
    "WINDOW HOPPING (SIZE 10 MINUTES, ADVANCE BY 1 MINUTE) "
    "GROUP BY ITEMID HAVING SUM(ORDERUNITS) > 100;",
    "CREATE TABLE SESSIONS AS SELECT USERID, COUNT(*) AS PAGES, "
    "LATEST_BY_OFFSET(PAGEID) AS LAST_PAGE FROM PAGEVIEWS "
    "WINDOW SESSION (5 MINUTES) GROUP BY USERID;",
    /* joins */
    "CREATE STREAM PV_ENRICHED AS SELECT P.PAGEID, P.USERID, U.GENDER, "
    "U.REGIONID, U.AGE FROM PAGEVIEWS P LEFT JOIN USERS U "
    "ON P.USERID = U.USERID;",
    "CREATE STREAM SHIPPED AS SELECT O.ORDERID, O.ITEMID, S.WAREHOUSE, "
    "S.SHIPTIME - O.ORDERTIME AS LAG_MS FROM ORDERS O "
    "INNER JOIN SHIPMENTS S WITHIN 2 HOURS ON O.ORDERID = S.ORDERID;",
    "CREATE STREAM SHIPPED_ITEMS AS SELECT O.ITEMID, I.NAME, I.CATEGORY, "
    "S.WAREHOUSE FROM ORDERS O JOIN SHIPMENTS S WITHIN 1 HOUR "
    "ON O.ORDERID = S.ORDERID LEFT JOIN ITEMS I ON O.ITEMID = I.ITEMID;",
    "CREATE TABLE SPEND AS SELECT O.ITEMID, COUNT(*) AS ORDERS, "
    "SUM(O.ORDERUNITS * I.LIST_PRICE) AS REVENUE FROM ORDERS O "
    "JOIN ITEMS I ON O.ITEMID = I.ITEMID GROUP BY O.ITEMID;",
    /* INSERT INTO and a push query */
    "INSERT INTO BIG_ORDERS SELECT ORDERID, ITEMID, ORDERUNITS FROM ORDERS "
    "WHERE ORDERUNITS >= 100;",
    "SELECT USERID, PAGEID, DURATION_MS FROM PAGEVIEWS "
    "WHERE DURATION_MS > 5000 EMIT CHANGES;",
};

#define NSETUP (sizeof setup / sizeof setup[0])
#define NMIX (sizeof mix / sizeof mix[0])

/* A measure: one pass over the text; returns a value to keep it live. */
typedef long (*pass_fn)(const char *text, size_t len);

/*
 * Returns a new engine with the setup sources applied, or NULL after
 * printing why. Caller frees with weir_engine_free().
 */
static weir_engine *engine_with_sources(void)
{
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    if (!e) {
        fprintf(stderr, "bench_parse: %s\n", st.msg);
        return NULL;
    }
    for (size_t i = 0; i < NSETUP; i++) {
        size_t pos = 0;
        weir_stmt *s = NULL;
        weir_rc rc =
            weir_engine_prepare(e, setup[i], strlen(setup[i]), &pos, &s, &st);
        if (rc == WEIR_OK && s)
            rc = weir_stmt_apply(s, &st);
        weir_stmt_free(s);
        if (rc != WEIR_OK) {
            fprintf(stderr, "bench_parse: setup statement %zu: %s\n", i + 1,
                    st.msg);
            weir_engine_free(e);
            return NULL;
        }
    }
    return e;
}

/* The engine parse_pass prepares against (set per run). */
static weir_engine *bench_engine;

/*
 * One parse+bind pass: prepares every statement of text against
 * bench_engine and frees it. Borrows text. Returns the number of statements
 * prepared successfully.
 */
__attribute__((noinline)) static long parse_pass(const char *text, size_t len)
{
    long n = 0;
    size_t pos = 0;
    while (pos < len) {
        weir_stmt *s = NULL;
        weir_status st;
        weir_rc rc =
            weir_engine_prepare(bench_engine, text, len, &pos, &s, &st);
        if (rc == WEIR_OK && s)
            n++;
        weir_stmt_free(s);
        if (rc == WEIR_OK && !s)
            break;
    }
    return n;
}

/* Where lex_pass leaves its checksum, so the scan cannot be optimized out. */
static volatile unsigned lex_sink;

/*
 * One lex-only pass: scans every token of text, folding the token codes
 * into lex_sink. Borrows text. Returns the number of ';' tokens
 * (statements), or -1 on a lexical error.
 */
__attribute__((noinline)) static long lex_pass(const char *text, size_t len)
{
    long n = 0;
    unsigned sum = 0;
    size_t pos = 0;
    weir_loc tok;
    int code;
    while ((code = wr_lex(text, len, &pos, &tok)) != WR_LEX_EOF) {
        if (code < 0)
            return -1;
        sum = sum * 31u + (unsigned)code + (unsigned)tok.len;
        if (code == TK_SEMI)
            n++;
    }
    lex_sink = sum;
    return n;
}

/*
 * Runs passes of fn over text until MIN_SECS have elapsed (or exactly
 * `iterations` passes when that is > 0). Sets *secs and *passes. Returns
 * the statements the last pass saw.
 */
static long run(pass_fn fn, const char *text, size_t len, long iterations,
                double *secs, long *passes)
{
    long n = 0;
    long k = 0;
    double t0 = bench_now();
    double t;
    do {
        n = fn(text, len);
        k++;
        t = bench_now() - t0;
    } while (iterations > 0 ? k < iterations : t < MIN_SECS);
    *secs = t;
    *passes = k;
    return n;
}

/*
 * Measures fn NRUNS times (a fresh engine per run) and returns the median
 * statements per second, or a negative value on error. Borrows text.
 */
static double measure(const char *name, pass_fn fn, const char *text,
                      size_t len, long want, double *mbps)
{
    double rate[NRUNS];
    double bps[NRUNS];
    for (int r = 0; r < NRUNS; r++) {
        bench_engine = engine_with_sources();
        if (!bench_engine)
            return -1;
        double secs;
        long passes;
        long n = run(fn, text, len, 0, &secs, &passes);
        weir_engine_free(bench_engine);
        bench_engine = NULL;
        if (n != want) {
            fprintf(stderr, "bench_parse: %s saw %ld statements, not %ld\n",
                    name, n, want);
            return -1;
        }
        rate[r] = (double)n * (double)passes / secs;
        bps[r] = (double)len * (double)passes / secs;
    }
    qsort(rate, NRUNS, sizeof rate[0], bench_cmp_double);
    qsort(bps, NRUNS, sizeof bps[0], bench_cmp_double);
    *mbps = bps[NRUNS / 2] / 1e6;
    return rate[NRUNS / 2];
}

/*
 * Builds the benchmark text from the mix statements that prepare against
 * the setup sources; reports the others on stderr. Returns the text (caller
 * frees with free()) with *len set and *distinct the number of mix
 * statements used, or NULL.
 */
static char *build_text(size_t *len, size_t *distinct)
{
    weir_engine *e = engine_with_sources();
    if (!e)
        return NULL;
    const char *ok[NMIX];
    size_t nok = 0;
    for (size_t i = 0; i < NMIX; i++) {
        size_t pos = 0;
        weir_stmt *s = NULL;
        weir_status st;
        weir_rc rc =
            weir_engine_prepare(e, mix[i], strlen(mix[i]), &pos, &s, &st);
        weir_stmt_free(s);
        if (rc == WEIR_OK && s) {
            ok[nok++] = mix[i];
        } else {
            fprintf(stderr,
                    "bench_parse: warning: mix statement %zu left out: %s\n"
                    "  %s\n",
                    i + 1, st.msg, mix[i]);
        }
    }
    weir_engine_free(e);
    if (nok == 0) {
        fprintf(stderr, "bench_parse: no mix statement prepares\n");
        return NULL;
    }
    size_t cap = 0;
    for (size_t i = 0; i < NSTMTS; i++)
        cap += strlen(ok[i % nok]) + 1;
    char *text = malloc(cap + 1);
    if (!text) {
        fprintf(stderr, "bench_parse: out of memory\n");
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < NSTMTS; i++) {
        size_t l = strlen(ok[i % nok]);
        memcpy(text + n, ok[i % nok], l);
        n += l;
        text[n++] = '\n';
    }
    text[n] = '\0';
    *len = n;
    *distinct = nok;
    if (nok < NMIX)
        fprintf(stderr,
                "bench_parse: warning: %zu of %zu mix statements "
                "left out; numbers are not comparable\n",
                NMIX - nok, NMIX);
    return text;
}

/* --iterations N: N passes of each measure, for callgrind. */
static int run_fixed(const char *text, size_t len, long iterations)
{
    bench_engine = engine_with_sources();
    if (!bench_engine)
        return 1;
    double secs;
    long passes;
    long n = run(parse_pass, text, len, iterations, &secs, &passes);
    printf("parse+bind: %ld passes of %ld stmts (%zu bytes) in %.3f s\n",
           passes, n, len, secs);
    n = run(lex_pass, text, len, iterations, &secs, &passes);
    printf("lex only: %ld passes of %ld stmts (%zu bytes) in %.3f s\n", passes,
           n, len, secs);
    weir_engine_free(bench_engine);
    bench_engine = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    long iterations = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            char *end;
            iterations = strtol(argv[++i], &end, 10);
            if (*end != '\0' || iterations <= 0) {
                fprintf(stderr, "bench_parse: bad --iterations\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: %s [--iterations N]\n", argv[0]);
            return 2;
        }
    }
    size_t len;
    size_t distinct;
    char *text = build_text(&len, &distinct);
    if (!text)
        return 1;
    if (iterations > 0) {
        int rc = run_fixed(text, len, iterations);
        free(text);
        return rc;
    }
    printf("workload: %d statements, %zu bytes of SQL, %zu distinct\n", NSTMTS,
           len, distinct);
    double parse_mb;
    double lex_mb;
    double parse =
        measure("parse+bind", parse_pass, text, len, NSTMTS, &parse_mb);
    double lex =
        parse < 0 ? -1
                  : measure("lex only", lex_pass, text, len, NSTMTS, &lex_mb);
    free(text);
    if (parse < 0 || lex < 0)
        return 1;
    printf("parse+bind: %.0f stmts/s (median of %d), %.1f MB/s\n", parse, NRUNS,
           parse_mb);
    printf("lex only: %.0f stmts/s (median of %d), %.1f MB/s\n", lex, NRUNS,
           lex_mb);
    printf("ratio: parse+bind takes %.1fx the time of lex only\n", lex / parse);
    return 0;
}
