/*
 * engine.c: the public engine API (weir/engine.h): a catalog plus statements
 * prepared against it.
 *
 * A weir_stmt owns one query arena holding its AST, bound plan and scratch
 * data; freeing the statement frees the arena at once. A CREATE statement's
 * new source has its own arena and moves into the catalog on apply. The
 * engine does not run queries yet: preparing and applying statements is
 * what `weir check` and `weir explain` need.
 */
#include "weir/engine.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/arena.h"
#include "common/buf.h"
#include "parser/parse.h"
#include "planner/bind.h"
#include "planner/catalog.h"
#include "engine/engine_int.h"
#include "planner/plan.h"

struct weir_engine {
    wr_catalog *cat; /* streams, tables and persistent queries */
    /* A UNION ALL statement is prepared once per branch: branch 0 as
     * written (CREATE STREAM ... AS, INSERT INTO), the others as INSERT
     * INTO the same sink. While branches remain, prepare leaves *pos at
     * the statement (union_off) and returns branch union_k next time. */
    size_t union_off, union_off_end;
    int union_k; /* 0: no UNION ALL in progress */
};

struct weir_stmt {
    weir_engine *e;  /* engine it was prepared against (borrowed) */
    wr_arena *ar;    /* query arena: AST, plan */
    const char *sql; /* the text (borrowed from the caller) */
    wr_stmt *ast;    /* parsed statement */
    wr_bound b;      /* binder result */
    bool applied;    /* weir_stmt_apply has run */
};

const char *weir_version(void)
{
    return WEIR_VERSION;
}

weir_engine *weir_engine_new(weir_status *st)
{
    weir_engine *e = wr_malloc(sizeof *e);
    if (!e) {
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    e->cat = wr_catalog_new();
    if (!e->cat) {
        wr_free(e);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    return e;
}

void weir_engine_free(weir_engine *e)
{
    if (!e)
        return;
    wr_catalog_free(e->cat);
    wr_free(e);
}

/* UNION ALL: keeps only branch k of ast (the statement's text starts at
 * start; *pos is past it) and, while branches remain, rewinds *pos so that
 * the next prepare returns the next one. Branches after the first become
 * INSERT INTO the statement's target; the EMIT clause written after the
 * last branch applies to every branch. */
static void split_union(weir_engine *e, wr_stmt *ast, size_t start, size_t *pos)
{
    wr_stmt *s = ast->kind == WR_S_EXPLAIN && ast->inner ? ast->inner : ast;
    wr_select *sel = s->select;
    if (!sel || !sel->union_next || s != ast) {
        e->union_k = 0;
        return;
    }
    int k = e->union_k && e->union_off == start ? e->union_k : 0, n = 0;
    wr_select *br = NULL, *last = sel;
    for (wr_select *b = sel; b; b = b->union_next, n++) {
        if (n == k)
            br = b;
        if (n == 1)
            s->union_loc = b->union_loc;
        last = b;
    }
    if (br->emit == WR_EMIT_NONE) {
        br->emit = last->emit;
        br->emit_loc = last->emit_loc;
    }
    s->union_n = n;
    s->union_k = k;
    if (k + 1 < n) {
        e->union_off = start;
        e->union_off_end = *pos;
        e->union_k = k + 1;
        *pos = start;
    } else {
        e->union_k = 0;
    }
    br->union_next = NULL;
    s->select = br;
    if (k > 0 && s->kind == WR_S_CREATE_AS) {
        s->kind = WR_S_INSERT_SELECT;
        s->with = NULL;
    }
}

weir_rc weir_engine_prepare(weir_engine *e, const char *sql, size_t len,
                            size_t *pos, weir_stmt **out, weir_status *st)
{
    *out = NULL;
    wr_arena *ar = wr_arena_new(8192);
    if (!ar) {
        /* Still advance, so that a caller's loop ends. */
        wr_stmt *dummy;
        wr_arena *tiny = wr_arena_new(256);
        if (tiny) {
            wr_parse_next(sql, len, pos, tiny, &dummy, NULL);
            wr_arena_free(tiny);
        } else {
            *pos = len;
        }
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    }
    wr_stmt *ast = NULL;
    size_t start = *pos;
    weir_rc rc = wr_parse_next(sql, len, pos, ar, &ast, st);
    if (rc != WEIR_OK || !ast) {
        e->union_k = 0;
        wr_arena_free(ar);
        return rc;
    }
    split_union(e, ast, start, pos);
    weir_stmt *s = wr_arena_zalloc(ar, sizeof *s);
    if (!s) {
        wr_arena_free(ar);
        return weir_status_set(st, WEIR_E_NOMEM, ast->loc, "out of memory");
    }
    s->e = e;
    s->ar = ar;
    s->sql = sql;
    s->ast = ast;
    rc = wr_bind(e->cat, sql, ast, ar, &s->b, st);
    if (rc != WEIR_OK) {
        if (ast->union_n && e->union_k) { /* skip the other branches */
            e->union_k = 0;
            *pos = e->union_off_end;
        }
        wr_arena_free(ar);
        return rc;
    }
    *out = s;
    return WEIR_OK;
}

weir_rc weir_stmt_apply(weir_stmt *s, weir_status *st)
{
    if (s->applied)
        return WEIR_OK;
    wr_catalog *cat = s->e->cat;
    wr_bound *b = &s->b;
    if (s->ast->kind == WR_S_SET) {
        weir_rc rc = wr_catalog_set_prop(cat, s->ast->str, s->ast->str2, st);
        if (rc != WEIR_OK)
            return rc;
    } else if (s->ast->kind == WR_S_UNSET) {
        wr_catalog_unset_prop(cat, s->ast->str);
    } else if (s->ast->kind == WR_S_TERMINATE) {
        wr_catalog_drop_query(cat, s->ast->all ? NULL : s->ast->str);
    }
    if (b->query_kind) {
        wr_buf sql = WR_BUF_INIT;
        wr_buf_putn(&sql, s->sql + s->ast->loc.off, (size_t)s->ast->loc.len);
        /* What it reads: DROP refuses those while it is registered. */
        const char *reads[64];
        int nreads = 0;
        for (int i = 0; b->query && i < b->query->nsrc && nreads < 64; i++)
            reads[nreads++] = b->query->srcs[i].name;
        const char *id =
            wr_catalog_add_query(cat, b->query_kind, b->query_id, b->sink_name,
                                 wr_buf_str(&sql), reads, nreads);
        wr_buf_fini(&sql);
        if (!id)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        if (b->create)
            b->create->query_id = wr_arena_strdup(b->create->ar, id);
    }
    if (b->drop)
        wr_catalog_drop(cat, b->drop);
    if (b->create) {
        wr_source *src = b->create;
        b->create = NULL;
        weir_rc rc = wr_catalog_put(cat, src, st);
        if (rc != WEIR_OK)
            return rc;
    }
    s->applied = true;
    return WEIR_OK;
}

void weir_stmt_free(weir_stmt *s)
{
    if (!s)
        return;
    wr_bound_fini(&s->b);
    wr_arena_free(s->ar); /* s lives in its own arena */
}

weir_loc weir_stmt_loc(const weir_stmt *s)
{
    return s->ast->loc;
}

const char *weir_stmt_kind(const weir_stmt *s)
{
    return wr_stmt_kind_name(s->ast->kind);
}

/* Lowers s's query and appends its DAG (or why there is none). */
static void append_dag(wr_buf *b, const weir_stmt *s, bool dot)
{
    weir_status st;
    const wr_source *sink = s->b.create ? s->b.create
                            : s->b.sink_name
                                ? wr_catalog_get(s->e->cat, s->b.sink_name)
                                : NULL;
    wr_qplan *p =
        wr_plan_lower(s->e->cat, s->b.query, sink,
                      s->b.query_kind ? s->b.query_kind : "push", &st);
    if (!p) {
        if (!dot)
            wr_buf_printf(b, "DAG: none (%s)\n", st.msg);
        return;
    }
    if (!dot)
        wr_buf_puts(b, "DAG:\n");
    wr_plan_print_dag(b, p, dot);
    wr_plan_free(p);
}

char *weir_stmt_explain_dot(const weir_stmt *s)
{
    wr_buf b = WR_BUF_INIT;
    if (s->b.query)
        append_dag(&b, s, true);
    return wr_buf_take(&b);
}

char *weir_stmt_explain(const weir_stmt *s)
{
    wr_buf b = WR_BUF_INIT;
    const wr_stmt *ast = s->b.stmt ? s->b.stmt : s->ast;
    if (s->b.query) {
        wr_plan_print(&b, s->b.query);
        append_dag(&b, s, false);
    } else if (ast->kind == WR_S_EXPLAIN && ast->str) {
        const wr_catalog *cat = s->e->cat;
        for (int i = 0; i < wr_catalog_query_count(cat); i++) {
            const wr_query_def *q = wr_catalog_query_at(cat, i);
            if (!strcasecmp(q->id, ast->str))
                wr_buf_printf(&b, "Query %s writes to %s:\n  %s\n", q->id,
                              q->sink, q->sql);
        }
    } else {
        wr_buf_printf(&b, "%s", wr_stmt_kind_name(ast->kind));
        if (ast->name.name)
            wr_buf_printf(&b, " %s", ast->name.name);
        wr_buf_putc(&b, '\n');
    }
    return wr_buf_take(&b);
}

char *weir_stmt_ast(const weir_stmt *s)
{
    wr_buf b = WR_BUF_INIT;
    wr_ast_stmt_dump(&b, s->ast);
    return wr_buf_take(&b);
}

void weir_free(void *p)
{
    wr_free(p);
}

wr_catalog *wr_engine_catalog(weir_engine *e)
{
    return e->cat;
}

const wr_bound *wr_stmt_bound(const weir_stmt *s)
{
    return &s->b;
}

const wr_stmt *wr_stmt_ast(const weir_stmt *s)
{
    return s->ast;
}

wr_qplan *wr_engine_plan_first_query(weir_engine *e, const char *sql,
                                     const char *id, weir_stmt **stmt,
                                     weir_status *st)
{
    size_t pos = 0, len = strlen(sql);
    *stmt = NULL;
    while (pos < len) {
        weir_stmt *s = NULL;
        if (weir_engine_prepare(e, sql, len, &pos, &s, st) != WEIR_OK)
            return NULL;
        if (!s)
            break;
        if (s->b.query) {
            wr_qplan *p = wr_plan_lower(e->cat, s->b.query, NULL, id, st);
            if (!p) {
                weir_stmt_free(s);
                return NULL;
            }
            *stmt = s;
            return p;
        }
        weir_rc rc = weir_stmt_apply(s, st);
        weir_stmt_free(s);
        if (rc != WEIR_OK)
            return NULL;
    }
    weir_status_set(st, WEIR_E_USAGE, WEIR_NOLOC, "no query in the SQL text");
    return NULL;
}
