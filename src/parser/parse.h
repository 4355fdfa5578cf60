/*
 * parse.h: from SQL text to statement ASTs, one statement at a time.
 *
 * A script is a sequence of statements separated by ';'. wr_parse_next()
 * parses the statement that starts at *pos into the caller's query arena and
 * advances *pos past its ';', so a caller can bind and run each statement
 * before parsing the next (a later statement may depend on an earlier CREATE).
 * Spans in the AST and in errors are byte offsets into the whole text.
 * Parsing stops at the first syntax error of a statement (as sqlite does);
 * *pos is then advanced to the statement's end so the caller may go on.
 */
#ifndef WEIR_PARSER_PARSE_H
#define WEIR_PARSER_PARSE_H

#include <stddef.h>

#include "common/arena.h"
#include "parser/ast.h"
#include "weir/status.h"

/*
 * Parses the next statement of text[0..len) from *pos. text[len] must be
 * NUL. Borrows text (the AST points into it only through spans, never by
 * pointer) and allocates every node in ar (the caller owns ar).
 *
 * Returns WEIR_OK with *out set to the statement, or *out == NULL when only
 * blanks and comments remain (then *pos == len). On error returns
 * WEIR_E_SYNTAX (or WEIR_E_NOMEM) with st filled, including the span of the
 * offending token, and *out NULL. *pos always advances past the statement
 * (its ';' or the end of text), so a loop over wr_parse_next terminates.
 */
weir_rc wr_parse_next(const char *text, size_t len, size_t *pos, wr_arena *ar,
                      wr_stmt **out, weir_status *st);

/*
 * The tokens of text[0..len) (not NUL-terminated: borrowed, copied)
 * separated by one space: comments and layout dropped, so two spellings
 * of a statement that differ only there give the same text (the
 * definition a checkpoint compares). Unlexable input is kept as it is from
 * there on. Returns a heap string (caller frees), or NULL when out of
 * memory.
 */
char *wr_parse_normalize(const char *text, size_t len);

/* Keyword table access, for completion and docs. */
int wr_keyword_count(void);
const char *wr_keyword_at(int i);

#endif
