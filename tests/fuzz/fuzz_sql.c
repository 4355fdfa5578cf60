/*
 * fuzz_sql.c: libFuzzer target over the SQL front end: lexer, parser and
 * binder, through the public engine API.
 *
 * One input is one script. It is copied into a NUL-terminated heap buffer
 * (weir_engine_prepare() needs text[len] == NUL, and a copy lets ASan catch
 * reads past the end), then prepared statement by statement against a fresh
 * engine. Each statement that prepares is applied, so later statements bind
 * against the streams and tables that earlier ones CREATE, as in a real
 * script. Everything is freed before returning: LeakSanitizer runs after
 * each input, so a leak on any error path is a finding.
 *
 * Besides memory errors it checks the API's promises: *pos always advances,
 * and an error's message is NUL-terminated and its span lies inside the text
 * (the shell prints a caret under it). A broken promise aborts. Successful
 * statements are also explained and dumped, since the shell does that too.
 *
 * The target never prints: errors are the expected outcome for most inputs.
 * Built twice: with -fsanitize=fuzzer as fuzz_sql, and with fuzz_main.c as
 * the plain replay driver fuzz_sql_replay that ctest runs over the corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "weir/engine.h"

/* Scripts longer than this are cut: they add run time, not coverage. */
#define FUZZ_MAX_LEN (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless st describes an error inside text[0..len]. Borrows st. */
static void check_error(const weir_status *st, weir_rc rc, size_t len)
{
    if (st->code != rc || memchr(st->msg, '\0', sizeof st->msg) == NULL)
        abort();
    if (st->loc.off >= 0 &&
        (st->loc.len < 0 || (size_t)st->loc.off + (size_t)st->loc.len > len))
        abort();
}

/*
 * Runs one script. Borrows data for the duration of the call; owns (and
 * frees) its copy of the text, the engine and every statement. Always
 * returns 0 (libFuzzer reserves other values).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_LEN)
        size = FUZZ_MAX_LEN;
    char *sql = malloc(size + 1);
    if (!sql)
        return 0;
    if (size)
        memcpy(sql, data, size);
    sql[size] = '\0';

    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    if (!e) {
        free(sql);
        return 0;
    }
    /* Statements borrow sql, so they and the engine are freed before it. */
    size_t pos = 0;
    while (pos < size) {
        size_t before = pos;
        weir_stmt *s = NULL;
        weir_rc rc = weir_engine_prepare(e, sql, size, &pos, &s, &st);
        if (rc != WEIR_OK) {
            check_error(&st, rc, size);
        } else if (s) {
            weir_free(weir_stmt_explain(s));
            weir_free(weir_stmt_ast(s));
            weir_rc arc = weir_stmt_apply(s, &st);
            if (arc != WEIR_OK)
                check_error(&st, arc, size);
        }
        weir_stmt_free(s);
        if (rc == WEIR_OK && !s)
            break; /* only blanks and comments remain */
        if (pos <= before)
            abort(); /* the API promises progress: a hang otherwise */
    }
    weir_engine_free(e);
    free(sql);
    return 0;
}
