/*
 * engine_int.h: internal accessors of the engine for the weir program's
 * runners (src/shell/cmd_*.c), which drive the executor directly.
 */
#ifndef WEIR_ENGINE_ENGINE_INT_H
#define WEIR_ENGINE_ENGINE_INT_H

#include "planner/bind.h"
#include "weir/engine.h"

/* The engine's catalog (borrowed). */
wr_catalog *wr_engine_catalog(weir_engine *e);

/* The binder result of a prepared statement (borrowed). */
const wr_bound *wr_stmt_bound(const weir_stmt *s);

/* The parsed statement (borrowed). */
const wr_stmt *wr_stmt_ast(const weir_stmt *s);

struct wr_qplan;

/*
 * Runs the statements of sql in e, applying each, up to the first query,
 * and lowers that query as a push query with the given id. Returns the plan
 * (free it with wr_plan_free) and hands over the query's statement in
 * *stmt (the plan borrows it: free it after the plan, with weir_stmt_free).
 * NULL with st set when a statement fails or sql has no query. For drivers
 * that run one query directly (benchmarks, tests, fuzzers).
 */
struct wr_qplan *wr_engine_plan_first_query(weir_engine *e, const char *sql,
                                            const char *id, weir_stmt **stmt,
                                            weir_status *st);

#endif
