/* test_parser.c: lexer, keyword table, grammar and AST tests (unit_parser). */
#include "test.h"

#include "common/buf.h"
#include "grammar.h"
#include "parser/parse.h"
#include "parser/parser_int.h"

/* Lexes text and writes "CODE:text" pairs separated by spaces into out. */
static void lex_all(const char *text, char *out, size_t n)
{
    size_t pos = 0, len = strlen(text), o = 0;
    out[0] = '\0';
    for (;;) {
        weir_loc tok;
        int code = wr_lex(text, len, &pos, &tok);
        if (code == WR_LEX_EOF)
            break;
        o += (size_t)snprintf(out + o, n - o, "%s%d:%.*s", o ? " " : "", code,
                              (int)tok.len, text + tok.off);
        if (code < 0 || o >= n)
            break;
    }
}

TEST(lex_tokens)
{
    char buf[512], want[512];
    lex_all("SELECT a1, `Q`\"x\" 'it''s' 12 1.5 .5 1E3 2.5e-1 1R -- c\n"
            "/* b */ <> != <= >= == || -> := [ ] ; %",
            buf, sizeof buf);
    snprintf(want, sizeof want,
             "%d:SELECT %d:a1 %d:, %d:`Q` %d:\"x\" %d:'it''s' %d:12 %d:1.5 "
             "%d:.5 %d:1E3 %d:2.5e-1 %d:1R %d:<> %d:!= %d:<= %d:>= %d:== "
             "%d:|| %d:-> %d::= %d:[ %d:] %d:; %d:%%",
             TK_SELECT, TK_ID, TK_COMMA, TK_QID, TK_QID, TK_STRING, TK_INTEGER,
             TK_DECIMAL, TK_DECIMAL, TK_FLOAT, TK_FLOAT, TK_ID, TK_NE, TK_NE,
             TK_LE, TK_GE, TK_EQ, TK_CONCAT, TK_ARROW, TK_ASSIGN, TK_LBRACKET,
             TK_RBRACKET, TK_SEMI, TK_REM);
    CHECK_STR(buf, want);
}

TEST(lex_errors)
{
    char buf[128], want[64];
    lex_all("'abc", buf, sizeof buf);
    snprintf(want, sizeof want, "%d:'", WR_LEX_UNTERM_STR);
    CHECK_STR(buf, want);
    lex_all("a /* x", buf, sizeof buf);
    snprintf(want, sizeof want, "%d:a %d:/*", TK_ID, WR_LEX_UNTERM_CMT);
    CHECK_STR(buf, want);
    lex_all("`abc", buf, sizeof buf);
    snprintf(want, sizeof want, "%d:`", WR_LEX_UNTERM_ID);
    CHECK_STR(buf, want);
    lex_all("a # b", buf, sizeof buf);
    snprintf(want, sizeof want, "%d:a %d:#", TK_ID, WR_LEX_ERROR);
    CHECK_STR(buf, want);
    /* An embedded NUL is an illegal character, not the end of input. */
    const char with_nul[] = "a\0b";
    size_t pos = 0;
    weir_loc tok;
    CHECK_INT(wr_lex(with_nul, 3, &pos, &tok), ==, TK_ID);
    CHECK_INT(wr_lex(with_nul, 3, &pos, &tok), ==, WR_LEX_ERROR);
    CHECK_INT(tok.off, ==, 1);
}

TEST(keywords)
{
    CHECK_INT(wr_keyword_code("select", 6), ==, TK_SELECT);
    CHECK_INT(wr_keyword_code("WiThIn", 6), ==, TK_WITHIN);
    CHECK_INT(wr_keyword_code("selects", 7), ==, TK_ID);
    CHECK_INT(wr_keyword_code("sel", 3), ==, TK_ID);
    CHECK_INT(wr_keyword_code("a", 1), ==, TK_ID);
    /* The table must be sorted for the binary search. */
    for (int i = 1; i < wr_keyword_count(); i++)
        CHECK(strcmp(wr_keyword_at(i - 1), wr_keyword_at(i)) < 0);
}

/* Parses one statement of sql and returns its dump (in a static buffer)
 * or "ERR off:len msg". */
static const char *parse1(const char *sql)
{
    static char out[4096];
    wr_arena *ar = wr_arena_new(0);
    size_t pos = 0;
    wr_stmt *s = NULL;
    weir_status st;
    weir_rc rc = wr_parse_next(sql, strlen(sql), &pos, ar, &s, &st);
    if (rc != WEIR_OK) {
        snprintf(out, sizeof out, "ERR %d:%d %s", st.loc.off, st.loc.len,
                 st.msg);
    } else if (!s) {
        snprintf(out, sizeof out, "EMPTY");
    } else {
        wr_buf b = WR_BUF_INIT;
        wr_ast_stmt_dump(&b, s);
        snprintf(out, sizeof out, "%s", wr_buf_str(&b));
        wr_buf_fini(&b);
    }
    wr_arena_free(ar);
    return out;
}

TEST(grammar_create_stream)
{
    CHECK_STR(parse1("create stream s (id int key, \"v\" varchar, d "
                     "decimal(4,2), a array<map<string, struct<x int>>>) "
                     "with (kafka_topic='t', partitions=2);"),
              "(CREATE_SOURCE STREAM S\n"
              "  (column ID INT KEY)\n"
              "  (column `v` VARCHAR)\n"
              "  (column D DECIMAL(4, 2))\n"
              "  (column A ARRAY<MAP<STRING, STRUCT<X INT>>>)\n"
              "  (with KAFKA_TOPIC 't')\n"
              "  (with PARTITIONS 2)\n"
              ")\n");
}

TEST(grammar_select_clauses)
{
    CHECK_STR(parse1("SELECT a, COUNT(*) c FROM s x LEFT OUTER JOIN t y "
                     "WITHIN (1 SECOND, 2 MINUTES) GRACE PERIOD 5 SECONDS ON "
                     "x.a = y.a WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 10 "
                     "SECONDS) WHERE a IS NOT NULL GROUP BY a HAVING "
                     "COUNT(*) > 2 EMIT FINAL"),
              "(SELECT\n"
              "  (select\n"
              "    (item A)\n"
              "    (item COUNT(*) AS C)\n"
              "    (from S X)\n"
              "    (join LEFT T Y\n"
              "      (before 1 SECONDS)\n"
              "      (after 2 MINUTES)\n"
              "      (grace 5 SECONDS)\n"
              "      (on (X.A = Y.A))\n"
              "    )\n"
              "    (window HOPPING\n"
              "      (size 1 HOURS)\n"
              "      (advance 10 SECONDS)\n"
              "    )\n"
              "    (where (A IS NOT NULL))\n"
              "    (group-by A)\n"
              "    (having (COUNT(*) > 2))\n"
              "    (emit FINAL)\n"
              "  )\n"
              ")\n");
}

TEST(grammar_precedence)
{
    CHECK_STR(parse1("select a + b * -c || 'x', not a = b and c or d, "
                     "a between 1 and 2 and b, x->y[1] from s"),
              "(SELECT\n"
              "  (select\n"
              "    (item ((A + (B * -C)) || 'x'))\n"
              "    (item (((NOT (A = B)) AND C) OR D))\n"
              "    (item ((A BETWEEN 1 AND 2) AND B))\n"
              "    (item X->Y[1])\n"
              "    (from S)\n"
              "  )\n"
              ")\n");
}

TEST(grammar_count_window_and_keywords_as_names)
{
    /* Non-reserved keywords are usable as column names. */
    CHECK_STR(parse1("select size, key, value from s window tumbling (size "
                     "100 rows) group by key"),
              "(SELECT\n"
              "  (select\n"
              "    (item SIZE)\n"
              "    (item KEY)\n"
              "    (item VALUE)\n"
              "    (from S)\n"
              "    (window TUMBLING\n"
              "      (size 100 ROWS)\n"
              "    )\n"
              "    (group-by KEY)\n"
              "  )\n"
              ")\n");
}

TEST(grammar_other_statements)
{
    CHECK_STR(parse1("DROP TABLE IF EXISTS t DELETE TOPIC"),
              "(DROP TABLE T IF-EXISTS DELETE-TOPIC\n)\n");
    CHECK_STR(parse1("list streams extended"), "(SHOW EXTENDED STREAMS\n)\n");
    CHECK_STR(parse1("SET 'a.b' = 'c'"), "(SET 'a.b' 'c'\n)\n");
    CHECK_STR(parse1("TERMINATE ALL"), "(TERMINATE ALL\n)\n");
    CHECK_STR(parse1("run script '/tmp/x.sql'"),
              "(RUN_SCRIPT '/tmp/x.sql'\n)\n");
    CHECK_STR(parse1("insert into s (a, b) values (1, 'x')"),
              "(INSERT_VALUES S\n"
              "  (column A)\n"
              "  (column B)\n"
              "  (values 1, 'x')\n"
              ")\n");
    CHECK_STR(parse1("  -- nothing\n ; ;"), "EMPTY");
}

TEST(grammar_literals)
{
    CHECK_STR(parse1("select -9223372036854775808, -(1), 'a''b', "
                     "case when x then null else true end from s"),
              "(SELECT\n"
              "  (select\n"
              "    (item -9223372036854775808)\n"
              "    (item -1)\n"
              "    (item 'a''b')\n"
              "    (item (CASE WHEN X THEN null ELSE true END))\n"
              "    (from S)\n"
              "  )\n"
              ")\n");
}

TEST(grammar_errors)
{
    CHECK_STR(parse1("SELECT FROM s"), "ERR 7:4 syntax error near 'FROM'");
    CHECK_STR(parse1("SELECT a FROM"),
              "ERR 13:0 syntax error: unexpected end of statement");
    CHECK_STR(parse1("SELECT a FROM s;"),
              "(SELECT\n  (select\n    (item A)\n    (from S)\n  )\n)\n");
    CHECK_STR(parse1("select 'abc from s"), "ERR 7:1 unterminated string "
                                            "literal");
    CHECK_STR(parse1("select a from s window tumbling (size 1 fortnight)"),
              "ERR 40:9 unknown time unit 'fortnight': expected "
              "MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS or ROWS");
    CHECK_STR(parse1("select a from s where a in ()"),
              "ERR 28:1 syntax error near ')'");
}

TEST(parse_many_statements_and_recovery)
{
    const char *sql = "SELECT a FROM s; SELECT FROM; SELECT b FROM t";
    size_t len = strlen(sql), pos = 0;
    wr_arena *ar = wr_arena_new(0);
    int ok = 0, bad = 0, rounds = 0;
    while (pos < len && rounds++ < 10) {
        wr_stmt *s;
        weir_status st;
        if (wr_parse_next(sql, len, &pos, ar, &s, &st) == WEIR_OK) {
            if (s)
                ok++;
        } else {
            bad++;
        }
    }
    CHECK_INT(ok, ==, 2);
    CHECK_INT(bad, ==, 1);
    wr_arena_free(ar);
}

TEST(parse_depth_limit)
{
    /* 5000 nested parentheses overflow lemon's stack; 5000 terms of a
     * left-deep sum exceed the expression height limit: both are errors. */
    size_t n = 5000;
    char *sql = malloc(n * 2 + 64);
    CHECK(sql != NULL);
    strcpy(sql, "select ");
    size_t o = strlen(sql);
    for (size_t i = 0; i < n; i++)
        sql[o++] = '(';
    sql[o++] = '1';
    for (size_t i = 0; i < n; i++)
        sql[o++] = ')';
    strcpy(sql + o, " from s");
    CHECK(strncmp(parse1(sql), "ERR", 3) == 0);
    o = 7;
    for (size_t i = 0; i < n; i++) {
        sql[o++] = '1';
        sql[o++] = '+';
    }
    strcpy(sql + o, "1 from s");
    CHECK_STR(strstr(parse1(sql), "too deeply") ? "deep" : parse1(sql), "deep");
    free(sql);
}

TEST(parse_oom_is_an_error)
{
    /* Every allocation failure point yields WEIR_E_NOMEM, never a crash. */
    const char *sql = "CREATE TABLE t AS SELECT a, COUNT(*) FROM s WINDOW "
                      "TUMBLING (SIZE 1 SECOND) GROUP BY a HAVING SUM(b) > 1";
    int failures = 0;
    for (long k = 0; k < 200; k++) {
        wr_arena *ar = wr_arena_new(64);
        if (!ar)
            continue;
        size_t pos = 0;
        wr_stmt *s = NULL;
        weir_status st;
        wr_fault_sim(k);
        weir_rc rc = wr_parse_next(sql, strlen(sql), &pos, ar, &s, &st);
        wr_fault_sim(-1);
        if (rc != WEIR_OK) {
            failures++;
            CHECK_INT(rc, ==, WEIR_E_NOMEM);
        }
        CHECK_INT(pos, ==, strlen(sql));
        wr_arena_free(ar);
    }
    CHECK(failures > 0);
}

/* A statement's definition for checkpoints: layout and comments do not
 * count, the text of literals and identifiers does. */
TEST(normalize)
{
    const char *a = "CREATE STREAM o AS\n  SELECT k, n -- the key\n"
                    "  FROM s /* all */ WHERE n > 1;";
    char *na = wr_parse_normalize(a, strlen(a));
    CHECK_STR(na, "CREATE STREAM o AS SELECT k , n FROM s WHERE n > 1 ;");
    const char *b = "CREATE STREAM o AS SELECT k,n FROM s WHERE n>1;";
    char *nb = wr_parse_normalize(b, strlen(b));
    CHECK_STR(nb, na); /* longer than b: spaces added between tokens */
    const char *c = "SELECT 'a  b' FROM s;";
    char *nc = wr_parse_normalize(c, strlen(c));
    CHECK_STR(nc, "SELECT 'a  b' FROM s ;");
    /* Only the given length counts; unlexable input stays as it is. */
    char *nd = wr_parse_normalize("SELECT 1; junk", 9);
    CHECK_STR(nd, "SELECT 1 ;");
    char *ne = wr_parse_normalize("SELECT 'open", 12);
    CHECK_STR(ne, "SELECT 'open");
    free(na);
    free(nb);
    free(nc);
    free(nd);
    free(ne);
}

TEST_LIST(wr_tests_parser, TEST_ENTRY(normalize), TEST_ENTRY(lex_tokens),
          TEST_ENTRY(lex_errors), TEST_ENTRY(keywords),
          TEST_ENTRY(grammar_create_stream), TEST_ENTRY(grammar_select_clauses),
          TEST_ENTRY(grammar_precedence),
          TEST_ENTRY(grammar_count_window_and_keywords_as_names),
          TEST_ENTRY(grammar_other_statements), TEST_ENTRY(grammar_literals),
          TEST_ENTRY(grammar_errors),
          TEST_ENTRY(parse_many_statements_and_recovery),
          TEST_ENTRY(parse_depth_limit), TEST_ENTRY(parse_oom_is_an_error));
