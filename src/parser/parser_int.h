/*
 * parser_int.h: declarations shared inside src/parser (lexer, keyword table,
 * grammar actions, driver). Not used outside the parser.
 */
#ifndef WEIR_PARSER_INT_H
#define WEIR_PARSER_INT_H

#include <stddef.h>

#include "parser/ast.h"
#include "parser/parse.h"

/* Lexer results that are not grammar tokens (grammar tokens are > 0). */
enum {
    WR_LEX_EOF = 0,         /* end of input */
    WR_LEX_ERROR = -1,      /* illegal character */
    WR_LEX_UNTERM_STR = -2, /* unterminated string literal */
    WR_LEX_UNTERM_ID = -3,  /* unterminated quoted identifier */
    WR_LEX_UNTERM_CMT = -4, /* unterminated comment */
};

/*
 * Scans the next token of text[0..len) starting at *pos, skipping blanks
 * and comments. text[len] must be NUL. Returns a TK_* code (> 0), WR_LEX_EOF,
 * or a negative WR_LEX_* error; *tok is the token's span (for errors, the
 * offending character or the start of the unterminated construct). Advances
 * *pos past the token. Reentrant: no state besides the arguments.
 */
int wr_lex(const char *text, size_t len, size_t *pos, weir_loc *tok);

/* Maps an identifier-shaped word to its keyword token, or TK_ID. */
int wr_keyword_code(const char *s, size_t len);

/* The state lemon's actions see (%extra_context). */
struct wr_parse {
    const char *text;   /* the whole text being parsed (borrowed) */
    size_t len;         /* its length */
    wr_arena *ar;       /* query arena for the statement's nodes */
    wr_stmt *stmt;      /* the result, set by the top rule */
    weir_status *st;    /* where errors go (never NULL inside the parser) */
    bool failed;        /* an error has been recorded */
    weir_loc lookahead; /* the token being fed */
    int32_t prev_end;   /* end offset of the last consumed token */
    int depth;          /* expression nesting depth, to bound recursion */

    /* Clause state carried from sub-rules to the rule that builds the node
     * (a statement has at most one SELECT, so one set suffices). */
    weir_loc prev_opt;      /* span of the last KEY/PRIMARY KEY/HEADERS */
    weir_loc with_loc;      /* span of the last WITH (...) */
    bool join_start;        /* the join began with INNER/LEFT/... */
    weir_loc join_loc;      /* that first token */
    wr_duration grace;      /* GRACE PERIOD of the join being built */
    wr_window *win;         /* the window being built */
    weir_loc group_loc;     /* span of GROUP BY ... */
    weir_loc partition_loc; /* span of PARTITION BY ... */
    weir_loc emit_loc;      /* span of EMIT ... */
    bool emit_all;          /* EMIT FINAL ALL KEYS */
    bool emit_snapshot;     /* EMIT SNAPSHOT PER BATCH */
    const char *limit;      /* LIMIT text */
    weir_loc limit_loc;     /* its span */
};

/* Records an out-of-memory error (once). */
void wr_parse_oom(wr_parse *p);

/* Records an error at loc (only the first error is kept). */
void wr_parse_error(wr_parse *p, weir_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The span from the start of `from` to the end of the last consumed token. */
weir_loc wr_parse_span(const wr_parse *p, weir_loc from);

/* lemon's interface (generated into grammar.c). */
void *wr_parserAlloc(void *(*mallocProc)(size_t), wr_parse *p);
void wr_parserFree(void *parser, void (*freeProc)(void *));
void wr_parser(void *parser, int code, weir_loc tok);
void wr_parserInit(void *parser, wr_parse *p);
void wr_parserFinalize(void *parser);

#endif
