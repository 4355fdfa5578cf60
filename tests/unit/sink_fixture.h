/*
 * sink_fixture.h: what the sink unit tests (test_sqlite.c,
 * test_file_sink.c) build their input from: a sink schema, datums, and a
 * one-row output record as the executor hands it to a sink.
 */
#ifndef WEIR_TESTS_SINK_FIXTURE_H
#define WEIR_TESTS_SINK_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "exec/exec.h"
#include "planner/plan.h"

/* A sink schema "OUT" over names/types (borrowed): nkeys key columns
 * first, a table (changelog) or a stream, windowed by TUMBLING 1 s or
 * not, value format fmt. */
static inline wr_psink fx_schema(int ncols, int nkeys, const char **names,
                                 const wr_type **types, bool table,
                                 bool windowed, wr_format fmt)
{
    wr_psink s;
    memset(&s, 0, sizeof s);
    s.name = "OUT";
    s.ncols = ncols;
    s.nkeys = nkeys;
    s.names = names;
    s.types = types;
    s.ts_col = -1;
    s.table = table;
    s.window.kind = windowed ? 1 : 0; /* TUMBLING */
    s.window.size = 1000;
    s.value_format = fmt;
    s.key_format = nkeys ? WR_FMT_KAFKA : WR_FMT_NONE;
    return s;
}

static inline wr_datum dnull(void)
{
    wr_datum d;
    memset(&d, 0, sizeof d);
    d.null = true;
    return d;
}

static inline wr_datum dstr(const char *s)
{
    wr_datum d;
    memset(&d, 0, sizeof d);
    d.u.str.p = s;
    d.u.str.len = (int32_t)strlen(s);
    return d;
}

static inline wr_datum di64(int64_t v)
{
    wr_datum d;
    memset(&d, 0, sizeof d);
    d.u.i64 = v;
    return d;
}

static inline wr_datum di32(int32_t v)
{
    wr_datum d;
    memset(&d, 0, sizeof d);
    d.u.i32 = v;
    return d;
}

/* One output record: a one-row column per sink column holding d[i], in
 * ar. tomb: no value (a tombstone); windowed: the window [ws, we). The
 * encoded key and value are placeholders ("k", "v"): the sinks under test
 * read the typed columns. */
static inline wr_out out_of(wr_arena *ar, const wr_psink *s, const wr_datum *d,
                            bool tomb, bool windowed, int64_t ws, int64_t we)
{
    wr_out o;
    memset(&o, 0, sizeof o);
    wr_col *cols = wr_arena_zalloc(ar, sizeof *cols * (size_t)(s->ncols + 1));
    if (!cols)
        abort();
    for (int i = 0; i < s->ncols; i++) {
        if (!wr_col_init(&cols[i], ar, s->types[i], 1))
            abort();
        wr_col_put(&cols[i], 0, &d[i]);
    }
    o.key = "k";
    o.klen = 1;
    o.value = tomb ? NULL : "v";
    o.vlen = tomb ? 0 : 1;
    o.windowed = windowed;
    o.wstart = ws;
    o.wend = we;
    o.cols = cols;
    o.row = 0;
    return o;
}

#endif
