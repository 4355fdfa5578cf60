/* test_planner.c: binder, catalog and plan tests (unit_planner), through the
 * public engine API. */
#include "test.h"

#include "common/arena.h"
#include "weir/weir.h"

static const char *ddl =
    "CREATE STREAM S (ID INT KEY, I INT, B BIGINT, D DOUBLE, N "
    "DECIMAL(4,2), V STRING, F BOOLEAN, KSQL_COL_0 INT) WITH "
    "(kafka_topic='s', value_format='JSON');"
    "CREATE TABLE T (ID INT PRIMARY KEY, X STRING) WITH (kafka_topic='t', "
    "value_format='JSON');"
    "CREATE STREAM S2 (ID INT KEY, I INT) WITH (kafka_topic='s2', "
    "value_format='JSON');";

/* Runs ddl then sql through one engine; returns the explain text of the
 * last statement, or "ERR off: msg" for the first failure (static buffer). */
static char dag[4096]; /* the DAG part of the last explained query */

/* Explains the last statement of sql (after the DDL): the logical plan,
 * with the DAG split off into `dag`. */
static const char *run(const char *sql)
{
    static char out[4096];
    dag[0] = '\0';
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    char *text = malloc(strlen(ddl) + strlen(sql) + 2);
    sprintf(text, "%s\n%s", ddl, sql);
    size_t len = strlen(text), pos = 0, base = strlen(ddl) + 1;
    snprintf(out, sizeof out, "NOTHING");
    while (pos < len) {
        weir_stmt *s = NULL;
        if (weir_engine_prepare(e, text, len, &pos, &s, &st) != WEIR_OK) {
            snprintf(out, sizeof out, "ERR %d: %s", st.loc.off - (int)base,
                     st.msg);
            break;
        }
        if (!s)
            break;
        char *x = weir_stmt_explain(s);
        char *d = x ? strstr(x, "DAG:") : NULL;
        if (d) {
            snprintf(dag, sizeof dag, "%s", d);
            *d = '\0';
        }
        snprintf(out, sizeof out, "%s", x);
        weir_free(x);
        weir_stmt_apply(s, &st);
        weir_stmt_free(s);
    }
    weir_engine_free(e);
    free(text);
    return out;
}

/* The Project line of a plan, without the leading "Project: ". */
static const char *project(const char *sql)
{
    static char line[2048];
    const char *p = run(sql);
    const char *q = strstr(p, "Project: ");
    if (!q) {
        snprintf(line, sizeof line, "%s", p);
        return line;
    }
    q += 9;
    size_t n = strcspn(q, "\n");
    snprintf(line, sizeof line, "%.*s", (int)n, q);
    return line;
}

TEST(types_arithmetic)
{
    CHECK_STR(project("SELECT I / I, I + B, I * D, N + I, N * N, N / N, "
                      "1.5, 1.5E0, 10, 3000000000, V + V FROM S;"),
              "KSQL_COL_1 INTEGER := (I / I), KSQL_COL_2 BIGINT := (I + B), "
              "KSQL_COL_3 DOUBLE := (I * D), KSQL_COL_4 DECIMAL(13, 2) := "
              "(N + I), KSQL_COL_5 DECIMAL(9, 4) := (N * N), KSQL_COL_6 "
              "DECIMAL(11, 7) := (N / N), KSQL_COL_7 DECIMAL(2, 1) := 1.5, "
              "KSQL_COL_8 DOUBLE := 1.5E0, KSQL_COL_9 INTEGER := 10, "
              "KSQL_COL_10 BIGINT := 3000000000, KSQL_COL_11 STRING := (V + "
              "V)");
}

TEST(types_functions_and_predicates)
{
    CHECK_STR(project("SELECT ABS(I), ROUND(D), CAST(I AS STRING), I IN (1, "
                      "2), V LIKE 'a%', I BETWEEN 1 AND B, CASE WHEN F THEN "
                      "I ELSE B END FROM S;"),
              "KSQL_COL_1 INTEGER := ABS(I), KSQL_COL_2 BIGINT := ROUND(D), "
              "KSQL_COL_3 STRING := CAST(I AS STRING), KSQL_COL_4 BOOLEAN := "
              "(I IN (1, 2)), KSQL_COL_5 BOOLEAN := (V LIKE 'a%'), "
              "KSQL_COL_6 BOOLEAN := (I BETWEEN 1 AND B), KSQL_COL_7 BIGINT "
              ":= (CASE WHEN F THEN I ELSE B END)");
}

TEST(aggregate_keys_and_types)
{
    CHECK_STR(project("SELECT V, COUNT(*), SUM(I), AVG(I), MAX(N) AS M FROM S "
                      "GROUP BY V;"),
              "V STRING KEY := V, KSQL_COL_1 BIGINT := COUNT(*), KSQL_COL_2 "
              "INTEGER := SUM(I), KSQL_COL_3 DOUBLE := AVG(I), M DECIMAL(4, "
              "2) := MAX(N)");
    CHECK_STR(project("CREATE TABLE A AS SELECT V, COUNT(*) AS C, WINDOWSTART "
                      "AS WS FROM S WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY "
                      "V;"),
              "V STRING KEY := V, C BIGINT := COUNT(*), WS BIGINT := "
              "WINDOWSTART");
}

TEST(stream_key_kept_first)
{
    CHECK_STR(project("CREATE STREAM O AS SELECT I, ID AS K2 FROM S;"),
              "K2 INTEGER KEY := ID, I INTEGER := I");
}

TEST(join_naming)
{
    CHECK_STR(project("CREATE STREAM J AS SELECT * FROM S A JOIN S2 B WITHIN "
                      "1 MINUTE ON A.ID = B.ID;"),
              "A_ID INTEGER KEY := A.ID, A_I INTEGER := A.I, A_B BIGINT := "
              "A.B, A_D DOUBLE := A.D, A_N DECIMAL(4, 2) := A.N, A_V STRING "
              ":= A.V, A_F BOOLEAN := A.F, A_KSQL_COL_0 INTEGER := "
              "A.KSQL_COL_0, B_ID INTEGER := B.ID, B_I INTEGER := B.I");
    CHECK_STR(project("CREATE STREAM J AS SELECT S.ID, S.I, T.X FROM S JOIN "
                      "T ON S.ID = T.ID;"),
              "S_ID INTEGER KEY := S.ID, I INTEGER := S.I, X STRING := T.X");
    CHECK_STR(project("CREATE STREAM J AS SELECT ROWKEY, S.I FROM S FULL "
                      "JOIN S2 WITHIN 1 SECOND ON S.ID = S2.ID;"),
              "ROWKEY INTEGER KEY := ROWKEY, S_I INTEGER := S.I");
}

TEST(plan_shape)
{
    CHECK_STR(run("CREATE TABLE A AS SELECT V, COUNT(*) AS C FROM S WINDOW "
                  "HOPPING (SIZE 1 HOUR, ADVANCE BY 1 MINUTE, GRACE PERIOD 5 "
                  "SECONDS) WHERE I > 0 GROUP BY V HAVING COUNT(*) > 1 EMIT "
                  "FINAL;"),
              "Sink: CREATE TABLE A (topic A, key KAFKA, value JSON) windowed "
              "HOPPING\n"
              "  Project: V STRING KEY := V, C BIGINT := COUNT(*)\n"
              "    Filter (HAVING): (COUNT(*) > 1)\n"
              "      Aggregate: GROUP BY V; aggregates COUNT(*); window "
              "HOPPING size 1 h advance 1 min grace 5 s; emit FINAL\n"
              "        Filter (WHERE): (I > 0)\n"
              "          Scan: STREAM S (topic s, key KAFKA, value JSON)\n");
}

TEST(count_window)
{
    CHECK(strstr(run("SELECT V, COUNT(*) FROM S WINDOW HOPPING (SIZE 100 "
                     "ROWS, ADVANCE BY 10 ROWS) GROUP BY V;"),
                 "window HOPPING size 100 rows advance 10 rows") != NULL);
    CHECK_STR(run("SELECT V, COUNT(*) FROM S WINDOW HOPPING (SIZE 100 ROWS, "
                  "ADVANCE BY 10 SECONDS) GROUP BY V;"),
              "ERR 68: ADVANCE BY and SIZE must both be ROWS or both be time "
              "units");
    CHECK_STR(run("SELECT V, COUNT(*) FROM S WINDOW TUMBLING (SIZE 10 ROWS, "
                  "GRACE PERIOD 1 SECOND) GROUP BY V;"),
              "ERR 70: GRACE PERIOD and RETENTION apply to time windows, not "
              "to count-based (ROWS) windows");
    CHECK_STR(run("SELECT V, COUNT(*) FROM S WINDOW SESSION (10 ROWS) GROUP "
                  "BY V;"),
              "ERR 42: SESSION windows are defined by a time gap, not ROWS");
}

TEST(catalog_effects)
{
    CHECK_STR(run("CREATE STREAM S (A INT) WITH (kafka_topic='x', "
                  "value_format='JSON');"),
              "ERR 14: Cannot add stream 'S': A stream with the same name "
              "already exists");
    CHECK_STR(run("CREATE STREAM IF NOT EXISTS S (A INT) WITH "
                  "(kafka_topic='x', value_format='JSON');"),
              "CREATE_SOURCE S\n");
    CHECK_STR(run("DROP STREAM S; SELECT * FROM S;"),
              "ERR 29: S does not exist.");
    CHECK_STR(run("CREATE STREAM O AS SELECT * FROM S; DROP STREAM O;"),
              "ERR 48: Cannot drop O. The following queries read from this "
              "source: []. The following queries write into this source: "
              "[CSAS_O_0]. You need to terminate them before dropping O.");
    CHECK_STR(run("CREATE STREAM O AS SELECT * FROM S; DROP STREAM S;"),
              "ERR 48: Cannot drop S. The following queries read from this "
              "source: [CSAS_O_0]. The following queries write into this "
              "source: []. You need to terminate them before dropping S.");
    CHECK_STR(run("CREATE STREAM O AS SELECT * FROM S; TERMINATE CSAS_O_0; "
                  "DROP STREAM S; DROP STREAM O;"),
              "DROP O\n");
    CHECK_STR(run("SET 'ksql.persistence.default.format.value'='JSON'; "
                  "CREATE STREAM Z (A INT) WITH (kafka_topic='z');"),
              "CREATE_SOURCE Z\n");
    CHECK_STR(run("SET 'no.such.thing'='1';"),
              "ERR 4: Unknown property 'no.such.thing': weir knows "
              "batch.interval, auto.offset.reset, checkpoint.dir, threads, "
              "... (SHOW PROPERTIES), 'ksql.*' and 'kafka.<librdkafka "
              "property>'");
}

TEST(insert_into)
{
    CHECK_STR(run("CREATE STREAM O (ID INT KEY, I INT) WITH "
                  "(kafka_topic='o', value_format='JSON'); INSERT INTO O "
                  "SELECT ID, I FROM S2;"),
              "Sink: INSERT INTO STREAM O (topic o, key KAFKA, value JSON)\n"
              "  Project: ID INTEGER KEY := ID, I INTEGER := I\n"
              "    Scan: STREAM S2 (topic s2, key KAFKA, value JSON)\n");
    CHECK_STR(run("CREATE STREAM O (ID INT KEY, I BIGINT) WITH "
                  "(kafka_topic='o', value_format='JSON'); INSERT INTO O "
                  "SELECT ID, I FROM S2;"),
              "ERR 98: Incompatible schema between results and sink. "
              "Result schema is [`ID` INTEGER KEY, `I` INTEGER], Sink schema "
              "is [`ID` INTEGER KEY, `I` BIGINT].");
    CHECK_STR(run("INSERT INTO S2 (ID, I) VALUES (1, 'x');"),
              "ERR 34: Expected type INTEGER for field I but got 'x'(STRING)");
    CHECK_STR(run("INSERT INTO S2 (ID, I) VALUES (1, 2);"),
              "INSERT_VALUES S2\n");
}

/* Regression: QUERY_ID was accepted and ignored (the query was still
 * INSERTQUERY_<n>). It is now the query's id, upper-cased as in ksqlDB,
 * checked as ksqlDB checks it, and takes no number. */
TEST(insert_query_id)
{
    static const char *o = "CREATE STREAM O (ID INT KEY, I INT) WITH "
                           "(kafka_topic='o', value_format='JSON'); ";
    char sql[1024];
    snprintf(sql, sizeof sql,
             "%sINSERT INTO O WITH (QUERY_ID = 'my_q') SELECT ID, I FROM S2; "
             "INSERT INTO O SELECT ID, I FROM S2; TERMINATE MY_Q; "
             "TERMINATE INSERTQUERY_0; DROP STREAM O;",
             o);
    CHECK_STR(run(sql), "DROP O\n");
    snprintf(sql, sizeof sql,
             "%sINSERT INTO O WITH (QUERY_ID = 'Q1') SELECT ID, I FROM S2; "
             "DROP STREAM O;",
             o);
    CHECK_STR(run(sql), "ERR 152: Cannot drop O. The following queries read "
                        "from this source: []. The following queries write "
                        "into this source: [Q1]. You need to terminate them "
                        "before dropping O.");
    snprintf(sql, sizeof sql,
             "%sINSERT INTO O WITH (QUERY_ID = 'Q1') SELECT ID, I FROM S2; "
             "INSERT INTO O WITH (QUERY_ID = 'q1') SELECT ID, I FROM S2;",
             o);
    CHECK_STR(run(sql), "ERR 171: Query ID 'Q1' is already used by another "
                        "query: TERMINATE Q1 first, or choose another id");
    snprintf(sql, sizeof sql,
             "%sINSERT INTO O WITH (QUERY_ID = 'with space') SELECT ID, I "
             "FROM S2;",
             o);
    CHECK_STR(run(sql), "ERR 112: Query IDs may contain only alphanumeric "
                        "characters and '_'. Got: 'WITH SPACE'");
    snprintf(sql, sizeof sql,
             "%sINSERT INTO O WITH (QUERY_ID = 'csas_x') SELECT ID, I FROM "
             "S2;",
             o);
    CHECK_STR(run(sql), "ERR 112: Query IDs must not start with a reserved "
                        "query ID prefix (INSERTQUERY_, CTAS_, CSAS_, CST_). "
                        "Got 'CSAS_X'.");
}

/* Regression (fuzzing): a 2000-term sum passed the parser's nesting limit
 * and overflowed the C stack in the binder under ASan. The limit is now 256
 * levels: 250 terms bind, 300 are a positioned error. */
TEST(deep_expressions)
{
    char sql[2048];
    int o = snprintf(sql, sizeof sql, "SELECT ");
    for (int i = 0; i < 250; i++)
        o += snprintf(sql + o, sizeof sql - (size_t)o, "I + ");
    snprintf(sql + o, sizeof sql - (size_t)o, "1 FROM S;");
    CHECK(strstr(run(sql), "Project: KSQL_COL_1 INTEGER") != NULL);
    o = snprintf(sql, sizeof sql, "SELECT ");
    for (int i = 0; i < 300; i++)
        o += snprintf(sql + o, sizeof sql - (size_t)o, "I + ");
    snprintf(sql + o, sizeof sql - (size_t)o, "1 FROM S;");
    CHECK(strstr(run(sql), "expression too deeply nested") != NULL);
}

TEST(oom_never_crashes)
{
    /* Fail every allocation point in turn while preparing statements: each
     * run must end with WEIR_E_NOMEM or succeed, never crash or leak. */
    const char *sql =
        "CREATE STREAM S (ID INT KEY, V STRING) WITH (kafka_topic='s', "
        "value_format='JSON'); CREATE TABLE A AS SELECT V, COUNT(*) FROM S "
        "WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY V;";
    int nomem = 0;
    for (long k = 0; k < 400; k++) {
        weir_status st;
        weir_engine *e = weir_engine_new(&st);
        if (!e)
            continue;
        size_t len = strlen(sql), pos = 0;
        wr_fault_sim(k);
        while (pos < len) {
            weir_stmt *s = NULL;
            weir_rc rc = weir_engine_prepare(e, sql, len, &pos, &s, &st);
            if (rc == WEIR_E_NOMEM)
                nomem++;
            if (rc != WEIR_OK || !s)
                continue;
            weir_stmt_apply(s, &st);
            weir_stmt_free(s);
        }
        wr_fault_sim(-1);
        weir_engine_free(e);
    }
    CHECK(nomem > 0);
}

TEST(dag_stages)
{
    run("CREATE TABLE A AS SELECT V, COUNT(*) AS C FROM S WINDOW HOPPING "
        "(SIZE 1 HOUR, ADVANCE BY 40 MINUTES) WHERE I > 0 GROUP BY V "
        "EMIT FINAL;");
    /* Two of twelve scan columns are decoded (projection pushdown), WHERE
     * runs before the aggregate, partial then final split by a shuffle,
     * panes of gcd(60, 40) = 20 minutes. */
    CHECK(strstr(dag, "Scan S decode JSON, 2 of 12 columns") != NULL);
    CHECK(strstr(dag, "-> Filter WHERE\n  -> PartialAggregate") != NULL);
    CHECK(strstr(dag, "Shuffle: hash of the 1 group key") != NULL);
    CHECK(strstr(dag, "pane=1200000 grace=86400000ms emit=FINAL") != NULL);
    run("CREATE STREAM B AS SELECT ID, V FROM S WHERE I > 0;");
    CHECK(strstr(dag, "Shuffle") == NULL);
    CHECK(strstr(dag, "-> Filter WHERE\n  -> Project ") != NULL);
}

TEST_LIST(wr_tests_planner, TEST_ENTRY(dag_stages),
          TEST_ENTRY(types_arithmetic),
          TEST_ENTRY(types_functions_and_predicates),
          TEST_ENTRY(aggregate_keys_and_types),
          TEST_ENTRY(stream_key_kept_first), TEST_ENTRY(join_naming),
          TEST_ENTRY(plan_shape), TEST_ENTRY(count_window),
          TEST_ENTRY(catalog_effects), TEST_ENTRY(insert_into),
          TEST_ENTRY(insert_query_id), TEST_ENTRY(deep_expressions),
          TEST_ENTRY(oom_never_crashes));
