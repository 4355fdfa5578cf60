/*
 * weir/engine.h: the engine: a catalog of streams and tables, and statements
 * prepared against it.
 *
 * A script is run statement by statement: weir_engine_prepare() parses and
 * binds the next statement of a text against the catalog as it stands, then
 * weir_stmt_apply() makes its effect (a new stream, a dropped table, a
 * persistent query) part of the catalog, so that later statements see it.
 * Errors carry the byte span of the offending part of the text.
 *
 * Threads: an engine and its statements are used from one thread at a time.
 */
#ifndef WEIR_ENGINE_H
#define WEIR_ENGINE_H

#include <stddef.h>

#include "weir/status.h"

typedef struct weir_engine weir_engine;
typedef struct weir_stmt weir_stmt;

/* The version string, e.g. "0.1.0". */
WEIR_API const char *weir_version(void);

/* Returns a new engine with an empty catalog, or NULL with st filled.
 * Caller frees it with weir_engine_free(). */
WEIR_API weir_engine *weir_engine_new(weir_status *st);

/* Frees the engine and its catalog. Statements prepared from it must have
 * been freed first. NULL is a no-op. */
WEIR_API void weir_engine_free(weir_engine *e);

/*
 * Parses and binds the statement of sql[0..len) that starts at *pos.
 * sql[len] must be NUL; sql is borrowed for the lifetime of the statement
 * (error spans and explain output refer to it).
 *
 * On success returns WEIR_OK and *out is the prepared statement (caller frees
 * with weir_stmt_free()), or NULL when only blanks and comments remain. On
 * error returns the code with st filled (message and span) and *out NULL.
 * In every case *pos advances past the statement, so a loop terminates.
 */
WEIR_API weir_rc weir_engine_prepare(weir_engine *e, const char *sql,
                                     size_t len, size_t *pos, weir_stmt **out,
                                     weir_status *st);

/* Makes the statement's effect on the catalog permanent: registers a
 * CREATE'd stream or table (and the persistent query of CREATE ... AS
 * SELECT / INSERT INTO), removes a DROP'ped one. Other statements have no
 * catalog effect. Borrows s. */
WEIR_API weir_rc weir_stmt_apply(weir_stmt *s, weir_status *st);

/* Frees a prepared statement. NULL is a no-op. */
WEIR_API void weir_stmt_free(weir_stmt *s);

/* The span of the statement in its text (without the ';'). */
WEIR_API weir_loc weir_stmt_loc(const weir_stmt *s);

/* The statement kind, e.g. "CREATE_AS", "SELECT", "SHOW". */
WEIR_API const char *weir_stmt_kind(const weir_stmt *s);

/* The logical plan of a query statement (CREATE ... AS SELECT, INSERT INTO
 * ... SELECT, SELECT, or EXPLAIN of one) as an indented tree, or a one-line
 * description of any other statement. Caller frees with weir_free(). NULL
 * when out of memory. */
WEIR_API char *weir_stmt_explain(const weir_stmt *s);

/* The statement's AST as an S-expression. Caller frees with weir_free(). */
/* The physical DAG of a query statement as Graphviz dot ("" when the
 * statement is not a query or cannot be lowered). Caller frees with
 * weir_free(). */
WEIR_API char *weir_stmt_explain_dot(const weir_stmt *s);
WEIR_API char *weir_stmt_ast(const weir_stmt *s);

/* Frees memory returned by weir_stmt_explain() and similar. */
WEIR_API void weir_free(void *p);

#endif
