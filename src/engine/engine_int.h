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

#endif
