/*
 * parse.c: the driver that runs the lexer and feeds lemon, one statement at a
 * time (the shape of sqlite's sqlite3RunParser in tokenize.c).
 *
 * Statement boundaries are the ';' tokens: the driver feeds a statement's
 * tokens, then end-of-input (code 0) at the ';' (or at the end of the text),
 * so the grammar never sees ';'. The first error (lexical, syntax or out of
 * memory) stops the statement; the driver then skips to the next ';' so that
 * a caller may report it and continue with the next statement. Every exit
 * goes through one cleanup that frees the lemon parser; AST nodes stay in the
 * caller's arena.
 */
#include "parser/parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "parser/parser_int.h"

void wr_parse_oom(wr_parse *p)
{
    if (p->failed)
        return;
    p->failed = true;
    weir_status_set(p->st, WEIR_E_NOMEM, p->lookahead, "out of memory");
}

void wr_parse_error(wr_parse *p, weir_loc loc, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    va_list ap;
    va_start(ap, fmt);
    weir_status_vset(p->st, WEIR_E_SYNTAX, loc, fmt, ap);
    va_end(ap);
}

/* Reports a lexer error code (< 0) at tok. */
static void lex_error(wr_parse *p, int code, weir_loc tok)
{
    switch (code) {
    case WR_LEX_UNTERM_STR:
        wr_parse_error(p, tok, "unterminated string literal");
        break;
    case WR_LEX_UNTERM_ID:
        wr_parse_error(p, tok, "unterminated quoted identifier");
        break;
    case WR_LEX_UNTERM_CMT:
        wr_parse_error(p, tok, "unterminated comment");
        break;
    default: {
        unsigned char c = (unsigned char)p->text[tok.off];
        if (c >= 0x21 && c < 0x7f)
            wr_parse_error(p, tok, "illegal character '%c'", c);
        else
            wr_parse_error(p, tok, "illegal character (byte 0x%02x)", c);
        break;
    }
    }
}

weir_rc wr_parse_next(const char *text, size_t len, size_t *pos, wr_arena *ar,
                      wr_stmt **out, weir_status *st)
{
    weir_status local;
    if (!st)
        st = &local;
    weir_status_clear(st);
    *out = NULL;

    weir_loc tok;
    int code;
    /* Skip empty statements (";;"). */
    do {
        code = wr_lex(text, len, pos, &tok);
    } while (code == TK_SEMI);
    if (code == WR_LEX_EOF) {
        *pos = len;
        return WEIR_OK;
    }

    wr_parse p;
    memset(&p, 0, sizeof p);
    p.text = text;
    p.len = len;
    p.ar = ar;
    p.st = st;
    p.prev_end = tok.off;
    p.with_loc = p.group_loc = p.partition_loc = WEIR_NOLOC;
    p.emit_loc = p.limit_loc = p.prev_opt = WEIR_NOLOC;

    void *engine = wr_parserAlloc(wr_malloc, &p);
    if (!engine) {
        /* Skip the statement so that the caller's loop still advances. */
        while (code != TK_SEMI && code != WR_LEX_EOF)
            code = wr_lex(text, len, pos, &tok);
        return weir_status_set(st, WEIR_E_NOMEM, tok, "out of memory");
    }

    for (;;) {
        if (code < 0) {
            lex_error(&p, code, tok);
            break;
        }
        if (code == TK_SEMI || code == WR_LEX_EOF) {
            /* End of input: point just after the last token, not at the
             * end of the file (which may be lines further down). */
            weir_loc end = code == TK_SEMI ? tok : (weir_loc){p.prev_end, 0};
            p.lookahead = end;
            wr_parser(engine, 0, end);
            break;
        }
        p.lookahead = tok;
        wr_parser(engine, code, tok);
        if (p.failed)
            break;
        p.prev_end = tok.off + tok.len;
        code = wr_lex(text, len, pos, &tok);
    }
    wr_parserFree(engine, wr_free);

    if (p.failed || !p.stmt) {
        /* Skip to the end of the statement (unless we are already there). */
        while (code != TK_SEMI && code != WR_LEX_EOF &&
               code != WR_LEX_UNTERM_STR && code != WR_LEX_UNTERM_ID &&
               code != WR_LEX_UNTERM_CMT)
            code = wr_lex(text, len, pos, &tok);
        if (!p.failed)
            return weir_status_set(st, WEIR_E_SYNTAX, p.lookahead,
                                   "syntax error");
        return st->code;
    }
    *out = p.stmt;
    return WEIR_OK;
}

char *wr_parse_normalize(const char *text, size_t len)
{
    /* At most one space before every token: twice the text at most. */
    char *src = malloc(len + 1), *out = malloc(2 * len + 1);
    if (!src || !out) {
        free(src);
        free(out);
        return NULL;
    }
    memcpy(src, text, len);
    src[len] = '\0';
    size_t pos = 0, k = 0;
    for (;;) {
        weir_loc tok;
        int t = wr_lex(src, len, &pos, &tok);
        if (t == WR_LEX_EOF)
            break;
        /* An error: the rest, as it is, from the offending character. */
        size_t from = (size_t)tok.off;
        size_t n = t < 0 ? len - from : (size_t)tok.len;
        if (k && n)
            out[k++] = ' ';
        memcpy(out + k, src + from, n);
        k += n;
        if (t < 0)
            break;
    }
    out[k] = '\0';
    free(src);
    return out;
}
