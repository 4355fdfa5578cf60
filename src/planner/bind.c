/*
 * bind.c: the binder: from an AST to a checked, typed logical plan.
 *
 * Design. The binder walks one statement with a `binder` context that holds
 * the catalog (read-only), the query arena and the scope: the sources of the
 * query in FROM/JOIN order, each with its columns followed by the
 * pseudo-columns ROWTIME, ROWPARTITION, ROWOFFSET (and WINDOWSTART/WINDOWEND
 * for windowed sources). Expressions are annotated in place: every node gets
 * its type, column references get (src, col), calls get their function.
 *
 * Aggregation. All expressions are bound over the pre-aggregation scope.
 * The SELECT and HAVING expressions of an aggregating query are then checked
 * structurally: every part that is not inside an aggregate call must be one of
 * the GROUP BY expressions (compared with expr_equal, which compares resolved
 * columns, so `I.X` and `X` are the same), a literal, or a window bound. The
 * lowering to the executor's DAG maps those parts onto the Aggregate's
 * outputs the same way.
 *
 * Semantics follow ksqlDB (../shared/conformance/README.md section 9): result
 * naming (KSQL_COL_n, ALIAS_COL in joins), key columns in the key and out of
 * the value, integer division, DECIMAL literals, the key-in-projection rules
 * of persistent queries; messages use ksqlDB's wording where it has one.
 * Every error carries the span of the offending node.
 *
 * Memory: everything goes into the statement's query arena except the new
 * source of a CREATE (wr_bound.create), which owns its own arena.
 */
#include "planner/bind.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "common/buf.h"
#include "common/func.h"
#include "planner/props.h"

typedef enum clause {
    CL_SELECT,
    CL_WHERE,
    CL_GROUP,
    CL_HAVING,
    CL_PARTITION,
    CL_ON,
    CL_VALUES,
    CL_WITHIN,
} clause;

static const char *const clause_names[] = {
    [CL_SELECT] = "SELECT",          [CL_WHERE] = "WHERE",
    [CL_GROUP] = "GROUP BY",         [CL_HAVING] = "HAVING",
    [CL_PARTITION] = "PARTITION BY", [CL_ON] = "JOIN ON",
    [CL_VALUES] = "VALUES",          [CL_WITHIN] = "WITHIN",
};

typedef struct binder {
    const wr_catalog *cat;       /* catalog (read-only) */
    const char *text;            /* statement text */
    wr_arena *ar;                /* query arena */
    weir_status *st;             /* error output */
    wr_stmt *stmt;               /* statement being bound */
    wr_query *q;                 /* query being bound, or NULL */
    bool persistent;             /* CREATE AS / INSERT SELECT */
    bool windowed;               /* the query has a WINDOW clause */
    clause cl;                   /* clause being bound */
    int agg_depth;               /* > 0 inside an aggregate call's arguments */
    bool saw_agg;                /* an aggregate call was bound */
    const char *joinkey_name;    /* name of the synthetic join key, or NULL */
    const wr_type *joinkey_type; /* its type */
} binder;

/* ---- errors and small helpers ------------------------------------------ */

static weir_rc err(binder *b, weir_loc loc, weir_rc code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static weir_rc err(binder *b, weir_loc loc, weir_rc code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    weir_status_vset(b->st, code, loc, fmt, ap);
    va_end(ap);
    return code;
}

static weir_rc oom(binder *b)
{
    return err(b, b->stmt ? b->stmt->loc : WEIR_NOLOC, WEIR_E_NOMEM,
               "out of memory");
}

#define TRY(x)                                                                 \
    do {                                                                       \
        weir_rc rc_ = (x);                                                     \
        if (rc_ != WEIR_OK)                                                    \
            return rc_;                                                        \
    } while (0)

/* SQL text of e in the query arena ("?" when out of memory). */
static const char *sql_of(binder *b, const wr_expr *e)
{
    wr_buf buf = WR_BUF_INIT;
    wr_ast_expr_sql(&buf, e);
    const char *s = buf.oom ? NULL : wr_arena_strdup(b->ar, wr_buf_str(&buf));
    wr_buf_fini(&buf);
    return s ? s : "?";
}

/* Type name in the query arena. */
static const char *tname(binder *b, const wr_type *t)
{
    char buf[160];
    const char *s = wr_arena_strdup(b->ar, wr_type_format(t, buf, sizeof buf));
    return s ? s : "?";
}

static const wr_type *prim(wr_type_kind k)
{
    return wr_type_prim(k);
}

static bool is_kind(const wr_type *t, wr_type_kind k)
{
    return t && t->kind == k;
}

static bool is_null_type(const wr_type *t)
{
    return is_kind(t, WR_T_NULL);
}

static const char *kind_word(bool table)
{
    return table ? "table" : "stream";
}

static bool is_reserved_name(const char *n)
{
    return !strcmp(n, "ROWTIME") || !strcmp(n, "ROWPARTITION") ||
           !strcmp(n, "ROWOFFSET") || !strcmp(n, "ROWTOPIC") ||
           !strcmp(n, "WINDOWSTART") || !strcmp(n, "WINDOWEND");
}

/* Case-insensitive edit distance of a and c (optimal string alignment:
 * insertions, deletions, substitutions and adjacent transpositions), capped
 * at 3; names longer than 63 bytes count as far apart. */
static int edit_distance(const char *a, const char *c)
{
    size_t n = strlen(a), m = strlen(c);
    if (n > 63 || m > 63)
        return 3;
    int d[64][64];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int ai = tolower((unsigned char)a[i - 1]);
            int cj = tolower((unsigned char)c[j - 1]);
            int v = d[i - 1][j - 1] + (ai != cj);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ai == tolower((unsigned char)c[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cj &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[n][m] > 3 ? 3 : d[n][m];
}

/* A suggestion for a misspelt name: the closest candidate within edit
 * distance 2 (1 for short names), kept across calls in *best. */
typedef struct suggest {
    const char *name; /* closest candidate so far, or NULL */
    int dist;         /* its distance */
} suggest;

static void suggest_try(suggest *sg, const char *want, const char *cand)
{
    size_t len = strlen(want);
    if (len < 3)
        return; /* too short for a meaningful guess */
    int limit = len <= 4 ? 1 : 2;
    int d = edit_distance(want, cand);
    if (d <= limit && (!sg->name || d < sg->dist)) {
        sg->name = cand;
        sg->dist = d;
    }
}

/* " Did you mean 'X'?" in the query arena, or "". */
static const char *did_you_mean(binder *b, const suggest *sg)
{
    if (!sg->name)
        return "";
    const char *s = wr_arena_printf(b->ar, " Did you mean '%s'?", sg->name);
    return s ? s : "";
}

/* ---- types as written --------------------------------------------------- */

static weir_rc resolve_typename(binder *b, const wr_typename *tn,
                                const wr_type **out)
{
    switch (tn->kind) {
    case WR_TN_NAMED: {
        const char *n = tn->name.name;
        if (!strcasecmp(n, "DECIMAL")) {
            if (tn->nparams != 2)
                return err(b, tn->loc, WEIR_E_TYPE,
                           "DECIMAL requires a precision and a scale: "
                           "DECIMAL(p, s)");
            char *end;
            errno = 0;
            long p = strtol(tn->params[0], &end, 10);
            long s = strtol(tn->params[1], &end, 10);
            if (errno || p < 1 || p > WR_DECIMAL_MAX_PRECISION)
                return err(b, tn->param_loc[0], WEIR_E_TYPE,
                           "DECIMAL precision must be between 1 and %d",
                           WR_DECIMAL_MAX_PRECISION);
            if (s < 0 || s > p)
                return err(b, tn->param_loc[1], WEIR_E_TYPE,
                           "DECIMAL scale must be between 0 and the "
                           "precision (%ld)",
                           p);
            *out = wr_type_decimal(b->ar, (int)p, (int)s);
            return *out ? WEIR_OK : oom(b);
        }
        wr_type_kind k = wr_type_kind_by_name(n, strlen(n));
        if (k == WR_T_KIND_COUNT || tn->name.quoted)
            return err(b, tn->name.loc, WEIR_E_TYPE, "Unknown type: %s", n);
        if (tn->nparams == 1 && k == WR_T_STRING &&
            !strcmp(tn->params[0], "STRING")) {
            *out = prim(k);
            return WEIR_OK;
        }
        if (tn->nparams)
            return err(b, tn->loc, WEIR_E_TYPE,
                       "Type %s does not take parameters", n);
        *out = prim(k);
        return WEIR_OK;
    }
    case WR_TN_ARRAY: {
        const wr_type *e;
        TRY(resolve_typename(b, tn->a, &e));
        *out = wr_type_array(b->ar, e);
        return *out ? WEIR_OK : oom(b);
    }
    case WR_TN_MAP: {
        const wr_type *k, *v;
        TRY(resolve_typename(b, tn->a, &k));
        TRY(resolve_typename(b, tn->b, &v));
        if (!is_kind(k, WR_T_STRING))
            return err(b, tn->a->loc, WEIR_E_TYPE,
                       "MAP keys must be STRING, not %s", tname(b, k));
        *out = wr_type_map(b->ar, k, v);
        return *out ? WEIR_OK : oom(b);
    }
    case WR_TN_STRUCT: {
        int n = tn->fields ? tn->fields->n : 0;
        wr_field *f = wr_arena_alloc(b->ar, sizeof *f * (size_t)(n ? n : 1));
        if (!f)
            return oom(b);
        for (int i = 0; i < n; i++) {
            const wr_coldef *c = tn->fields->item[i];
            for (int j = 0; j < i; j++)
                if (!strcmp(f[j].name, c->name.name))
                    return err(b, c->name.loc, WEIR_E_TYPE,
                               "Duplicate field name in STRUCT: %s",
                               c->name.name);
            f[i].name = c->name.name;
            TRY(resolve_typename(b, c->type, &f[i].type));
        }
        *out = wr_type_struct(b->ar, f, n);
        return *out ? WEIR_OK : oom(b);
    }
    }
    return err(b, tn->loc, WEIR_E_INTERNAL, "unknown type form");
}

/* ---- scope ----------------------------------------------------------------
 */

/* Adds src to the query's scope with the given alias. */
static weir_rc scope_add(binder *b, const wr_source *src, const wr_ident *alias,
                         int cap)
{
    wr_query *q = b->q;
    if (!q->srcs) {
        q->srcs = wr_arena_zalloc(b->ar, sizeof *q->srcs * (size_t)cap);
        if (!q->srcs)
            return oom(b);
    }
    wr_scope_src *s = &q->srcs[q->nsrc++];
    s->src = src;
    s->name = wr_arena_strdup(b->ar, src->name);
    s->aliased = alias && alias->name;
    s->alias = s->aliased ? alias->name : s->name;
    s->table = src->table;
    int extra = 4 + (src->window.kind ? 2 : 0);
    s->cols =
        wr_arena_zalloc(b->ar, sizeof *s->cols * (size_t)(src->ncols + extra));
    if (!s->name || !s->cols)
        return oom(b);
    for (int i = 0; i < src->ncols; i++) {
        s->cols[i].name = src->cols[i].name;
        s->cols[i].type = src->cols[i].type;
        s->cols[i].key = src->cols[i].key;
    }
    int n = src->ncols;
    s->cols[n++] = (wr_scope_col){"ROWTIME", prim(WR_T_BIGINT), false, true};
    s->cols[n++] = (wr_scope_col){"ROWPARTITION", prim(WR_T_INT), false, true};
    s->cols[n++] = (wr_scope_col){"ROWOFFSET", prim(WR_T_BIGINT), false, true};
    s->cols[n++] = (wr_scope_col){"ROWTOPIC", prim(WR_T_STRING), false, true};
    if (src->window.kind) {
        s->cols[n++] =
            (wr_scope_col){"WINDOWSTART", prim(WR_T_BIGINT), false, true};
        s->cols[n++] =
            (wr_scope_col){"WINDOWEND", prim(WR_T_BIGINT), false, true};
    }
    s->ncols = n;
    return WEIR_OK;
}

static int find_col(const wr_scope_src *s, const char *name)
{
    for (int i = 0; i < s->ncols; i++)
        if (!strcmp(s->cols[i].name, name))
            return i;
    return -1;
}

static bool is_window_bound(const char *n)
{
    return !strcmp(n, "WINDOWSTART") || !strcmp(n, "WINDOWEND");
}

/* Resolves a column reference in the current scope. */
static weir_rc bind_column(binder *b, wr_expr *e)
{
    wr_query *q = b->q;
    const char *name = e->name.name;
    const char *cl = clause_names[b->cl];
    if (!q)
        return err(b, e->loc, WEIR_E_BIND,
                   "Column references are not allowed here: %s", sql_of(b, e));
    if (e->qual.name) {
        int si = -1;
        for (int i = 0; i < q->nsrc; i++)
            if (!strcmp(q->srcs[i].alias, e->qual.name))
                si = i;
        if (si < 0)
            for (int i = 0; i < q->nsrc; i++)
                if (!q->srcs[i].aliased &&
                    !strcmp(q->srcs[i].name, e->qual.name))
                    si = i;
        if (si < 0)
            return err(b, e->qual.loc, WEIR_E_BIND,
                       "'%s' is not a valid stream/table name or alias.",
                       e->qual.name);
        int ci = find_col(&q->srcs[si], name);
        if (ci < 0 && is_window_bound(name) && b->windowed &&
            b->cl == CL_SELECT && b->agg_depth == 0) {
            e->src = WR_SRC_WINDOW;
            e->col = !strcmp(name, "WINDOWEND");
            e->type = prim(WR_T_BIGINT);
            return WEIR_OK;
        }
        if (ci < 0) {
            suggest sg = {NULL, 9};
            for (int c = 0; c < q->srcs[si].ncols; c++)
                suggest_try(&sg, name, q->srcs[si].cols[c].name);
            return err(b, e->loc, WEIR_E_BIND,
                       "%s column '%s.%s' cannot be resolved.%s", cl,
                       e->qual.name, name, did_you_mean(b, &sg));
        }
        e->src = si;
        e->col = ci;
    } else {
        int si = -1, ci = -1;
        for (int i = 0; i < q->nsrc; i++) {
            int c = find_col(&q->srcs[i], name);
            if (c < 0)
                continue;
            if (si >= 0) {
                /* Unqualified pseudo-columns of a join mean the left
                 * source's, as in ksqlDB. */
                if (q->srcs[i].cols[c].pseudo)
                    continue;
                return err(b, e->loc, WEIR_E_BIND,
                           "Column '%s' is ambiguous. Could be %s.%s or "
                           "%s.%s.",
                           name, q->srcs[si].alias, name, q->srcs[i].alias,
                           name);
            }
            si = i;
            ci = c;
        }
        if (si < 0) {
            if (is_window_bound(name) && b->windowed && b->cl == CL_SELECT &&
                b->agg_depth == 0) {
                e->src = WR_SRC_WINDOW;
                e->col = !strcmp(name, "WINDOWEND");
                e->type = prim(WR_T_BIGINT);
                return WEIR_OK;
            }
            if (is_window_bound(name))
                return err(b, e->loc, WEIR_E_BIND,
                           "Window bounds column %s can only be used in the "
                           "SELECT clause of windowed aggregations",
                           name);
            if (b->joinkey_name && !strcmp(name, b->joinkey_name)) {
                e->src = WR_SRC_JOINKEY;
                e->col = 0;
                e->type = b->joinkey_type;
                return WEIR_OK;
            }
            suggest sg = {NULL, 9};
            for (int i = 0; i < q->nsrc; i++)
                for (int c = 0; c < q->srcs[i].ncols; c++)
                    suggest_try(&sg, name, q->srcs[i].cols[c].name);
            return err(b, e->loc, WEIR_E_BIND,
                       "%s column '%s' cannot be resolved.%s", cl, name,
                       did_you_mean(b, &sg));
        }
        e->src = si;
        e->col = ci;
    }
    const wr_scope_col *c = &q->srcs[e->src].cols[e->col];
    e->type = c->type;
    return WEIR_OK;
}

/* ---- literals ------------------------------------------------------------ */

static weir_rc bind_number(binder *b, wr_expr *e)
{
    const char *t = e->text;
    if (e->kind == WR_E_INTEGER) {
        errno = 0;
        char *end;
        long long v = strtoll(t, &end, 10);
        if (errno == ERANGE || *end)
            return err(b, e->loc, WEIR_E_BIND, "Invalid numeric literal: %s",
                       t);
        e->type = v >= INT32_MIN && v <= INT32_MAX ? prim(WR_T_INT)
                                                   : prim(WR_T_BIGINT);
        return WEIR_OK;
    }
    if (e->kind == WR_E_DOUBLE) {
        errno = 0;
        double d = strtod(t, NULL);
        if (isinf(d) || (errno == ERANGE && fabs(d) > 1.0))
            return err(b, e->loc, WEIR_E_BIND, "Number overflows DOUBLE: %s",
                       t);
        e->type = prim(WR_T_DOUBLE);
        return WEIR_OK;
    }
    /* DECIMAL: precision = significant digits, scale = digits after '.'. */
    int digits = 0, scale = 0;
    bool after = false, lead = true;
    for (const char *c = t; *c; c++) {
        if (*c == '.') {
            after = true;
            continue;
        }
        if (*c < '0' || *c > '9')
            continue;
        if (after)
            scale++;
        if (lead && *c == '0' && !after)
            continue;
        lead = false;
        digits++;
    }
    /* Leading zeros after the point are not significant either: 0.05 has
     * precision 1; but the precision can never be below the scale. */
    int p = digits;
    if (!after) {
        if (p == 0)
            p = 1;
    } else {
        int sig = 0;
        bool seen = false;
        for (const char *c = t; *c; c++) {
            if (*c < '0' || *c > '9')
                continue;
            if (*c != '0')
                seen = true;
            if (seen)
                sig++;
        }
        p = sig ? sig : 1;
    }
    if (p < scale)
        p = scale;
    if (p > WR_DECIMAL_MAX_PRECISION)
        return err(b, e->loc, WEIR_E_BIND,
                   "Decimal literal %s exceeds the maximum precision of %d "
                   "digits",
                   t, WR_DECIMAL_MAX_PRECISION);
    e->type = wr_type_decimal(b->ar, p, scale);
    return e->type ? WEIR_OK : oom(b);
}

/* ---- expressions --------------------------------------------------------- */

static weir_rc bind_expr(binder *b, wr_expr *e);

static weir_rc bind_list(binder *b, wr_list *l)
{
    for (int i = 0; l && i < l->n; i++)
        TRY(bind_expr(b, l->item[i]));
    return WEIR_OK;
}

static bool expr_has_agg(const wr_expr *e)
{
    return e && e->is_agg;
}

/* Propagates is_agg from the operands. */
static void mark_agg(wr_expr *e)
{
    bool a = expr_has_agg(e->a) || expr_has_agg(e->b) || expr_has_agg(e->c);
    for (int i = 0; e->list && i < e->list->n; i++)
        a = a || expr_has_agg(e->list->item[i]);
    if (a)
        e->is_agg = true;
}

/* The "Error in WHERE expression: " prefix ksqlDB puts on type errors of
 * WHERE and HAVING. */
static const char *clause_prefix(const binder *b)
{
    if (b->cl == CL_WHERE)
        return "Error in WHERE expression: ";
    if (b->cl == CL_HAVING)
        return "Error in HAVING expression: ";
    return "";
}

static const char *cmp_name(wr_op op)
{
    switch (op) {
    case WR_OP_EQ:
        return "EQUAL";
    case WR_OP_NE:
        return "NOT_EQUAL";
    case WR_OP_LT:
        return "LESS_THAN";
    case WR_OP_LE:
        return "LESS_THAN_OR_EQUAL";
    case WR_OP_GT:
        return "GREATER_THAN";
    case WR_OP_GE:
        return "GREATER_THAN_OR_EQUAL";
    default:
        return "?";
    }
}

/* True when values of types a and b can be compared with op (EQ/NE only
 * for ARRAY, MAP, STRUCT). */
static bool comparable(const wr_type *a, const wr_type *bt, wr_op op)
{
    if (is_null_type(a) || is_null_type(bt))
        return true;
    if (wr_type_is_numeric(a) && wr_type_is_numeric(bt))
        return true;
    wr_type_kind ka = a->kind, kb = bt->kind;
    bool temporal_a = ka == WR_T_TIMESTAMP || ka == WR_T_DATE,
         temporal_b = kb == WR_T_TIMESTAMP || kb == WR_T_DATE;
    if (temporal_a && (temporal_b || kb == WR_T_STRING))
        return true;
    if (temporal_b && ka == WR_T_STRING)
        return true;
    if (ka != kb)
        return false;
    if (ka == WR_T_ARRAY || ka == WR_T_MAP || ka == WR_T_STRUCT)
        return (op == WR_OP_EQ || op == WR_OP_NE) && wr_type_equal(a, bt);
    return true;
}

static weir_rc cmp_error(binder *b, const wr_expr *x, const wr_expr *y,
                         wr_op op, weir_loc loc)
{
    return err(b, loc, WEIR_E_TYPE,
               "%sCannot compare %s (%s) to %s (%s) with %s.", clause_prefix(b),
               sql_of(b, x), tname(b, x->type), sql_of(b, y), tname(b, y->type),
               cmp_name(op));
}

/* Requires e (bound) to be BOOLEAN or NULL. */
static weir_rc want_bool(binder *b, const wr_expr *e, const char *what)
{
    if (is_kind(e->type, WR_T_BOOLEAN) || is_null_type(e->type))
        return WEIR_OK;
    return err(b, e->loc, WEIR_E_TYPE,
               "Type error in %s expression: Should evaluate to boolean but "
               "is %s (%s) instead.",
               what, sql_of(b, e), tname(b, e->type));
}

static int imax(int a, int c)
{
    return a > c ? a : c;
}

/* Result type of DECIMAL arithmetic (ksqlDB's DecimalUtil rules). */
static const wr_type *decimal_arith(binder *b, wr_op op, const wr_type *x,
                                    const wr_type *y)
{
    const wr_type *dx = wr_type_to_decimal(b->ar, x);
    const wr_type *dy = wr_type_to_decimal(b->ar, y);
    if (!dx || !dy)
        return NULL;
    int p1 = dx->precision, s1 = dx->scale, p2 = dy->precision, s2 = dy->scale,
        p, s;
    switch (op) {
    case WR_OP_ADD:
    case WR_OP_SUB:
        s = imax(s1, s2);
        p = imax(p1 - s1, p2 - s2) + s + 1;
        break;
    case WR_OP_MUL:
        p = p1 + p2 + 1;
        s = s1 + s2;
        break;
    case WR_OP_DIV:
        s = imax(6, s1 + p2 + 1);
        p = p1 - s1 + s2 + s;
        break;
    default: /* MOD */
        s = imax(s1, s2);
        p = (p1 - s1 < p2 - s2 ? p1 - s1 : p2 - s2) + s;
        break;
    }
    if (p > WR_DECIMAL_MAX_PRECISION) {
        /* Keep at least 6 fraction digits when the integer part must
         * shrink, like SQL Server and ksqlDB do. */
        int ip = p - s;
        p = WR_DECIMAL_MAX_PRECISION;
        int keep = s < 6 ? s : 6;
        s = imax(keep, p - ip);
        if (s > p)
            s = p;
    }
    if (p < 1)
        p = 1;
    return wr_type_decimal(b->ar, p, s);
}

static weir_rc bind_binary(binder *b, wr_expr *e)
{
    TRY(bind_expr(b, e->a));
    TRY(bind_expr(b, e->b));
    const wr_type *x = e->a->type, *y = e->b->type;
    switch (e->op) {
    case WR_OP_AND:
    case WR_OP_OR: {
        bool okx = is_kind(x, WR_T_BOOLEAN) || is_null_type(x);
        bool oky = is_kind(y, WR_T_BOOLEAN) || is_null_type(y);
        if (!okx || !oky)
            return err(b, okx ? e->b->loc : e->a->loc, WEIR_E_TYPE,
                       "%sLogical binary expects two boolean values.  Actual "
                       "%s (%s) and %s (%s)",
                       clause_prefix(b), sql_of(b, e->a), tname(b, x),
                       sql_of(b, e->b), tname(b, y));
        e->type = prim(WR_T_BOOLEAN);
        return WEIR_OK;
    }
    case WR_OP_EQ:
    case WR_OP_NE:
    case WR_OP_LT:
    case WR_OP_LE:
    case WR_OP_GT:
    case WR_OP_GE:
        if (!comparable(x, y, e->op))
            return cmp_error(b, e->a, e->b, e->op, e->loc);
        e->type = prim(WR_T_BOOLEAN);
        return WEIR_OK;
    case WR_OP_CONCAT:
        if ((is_kind(x, WR_T_STRING) || is_null_type(x)) &&
            (is_kind(y, WR_T_STRING) || is_null_type(y))) {
            e->type = prim(WR_T_STRING);
            return WEIR_OK;
        }
        if ((is_kind(x, WR_T_BYTES) || is_null_type(x)) &&
            (is_kind(y, WR_T_BYTES) || is_null_type(y))) {
            e->type = prim(WR_T_BYTES);
            return WEIR_OK;
        }
        return err(b, e->loc, WEIR_E_TYPE,
                   "%sError processing expression: %s. The || operator "
                   "needs STRING (or BYTES) operands, got %s and %s",
                   clause_prefix(b), sql_of(b, e), tname(b, x), tname(b, y));
    default:
        break;
    }
    /* Arithmetic. */
    if (e->op == WR_OP_ADD && (is_kind(x, WR_T_STRING) || is_null_type(x)) &&
        (is_kind(y, WR_T_STRING) || is_null_type(y)) &&
        !(is_null_type(x) && is_null_type(y))) {
        e->type = prim(WR_T_STRING);
        return WEIR_OK;
    }
    if (is_null_type(x) && is_null_type(y))
        return err(b, e->loc, WEIR_E_TYPE,
                   "%sError processing expression: %s. Arithmetic on two "
                   "NULL literals has no type; CAST one of them",
                   clause_prefix(b), sql_of(b, e));
    if (!(wr_type_is_numeric(x) || is_null_type(x)) ||
        !(wr_type_is_numeric(y) || is_null_type(y)))
        return err(b, e->loc, WEIR_E_TYPE,
                   "%sError processing expression: %s. Unsupported "
                   "arithmetic types. %s %s",
                   clause_prefix(b), sql_of(b, e), tname(b, x), tname(b, y));
    if (is_null_type(x))
        x = y;
    if (is_null_type(y))
        y = x;
    if (is_kind(x, WR_T_DOUBLE) || is_kind(y, WR_T_DOUBLE))
        e->type = prim(WR_T_DOUBLE);
    else if (is_kind(x, WR_T_DECIMAL) || is_kind(y, WR_T_DECIMAL))
        e->type = decimal_arith(b, e->op, x, y);
    else if (is_kind(x, WR_T_BIGINT) || is_kind(y, WR_T_BIGINT))
        e->type = prim(WR_T_BIGINT);
    else
        e->type = prim(WR_T_INT);
    return e->type ? WEIR_OK : oom(b);
}

/* True when the text s reads as a value of type t the way ksqlDB coerces
 * string literals (IN lists, INSERT VALUES); types other than BOOLEAN and
 * the numbers always accept. */
static bool literal_parses(const char *s, const wr_type *t)
{
    char *end;
    switch (t->kind) {
    case WR_T_BOOLEAN: {
        /* ksqlDB accepts any non-empty prefix of true/false/yes/no. */
        static const char *const words[] = {"true", "false", "yes", "no"};
        size_t n = strlen(s);
        bool ok = false;
        for (int i = 0; i < 4 && n; i++)
            ok = ok || (n <= strlen(words[i]) && !strncasecmp(s, words[i], n));
        return ok;
    }
    case WR_T_INT:
    case WR_T_BIGINT:
    case WR_T_DOUBLE:
    case WR_T_DECIMAL:
        (void)strtod(s, &end);
        return *s && !*end;
    default:
        return true;
    }
}

/* Checks that a string literal of an IN list can be read as type t. */
static weir_rc coerce_literal(binder *b, const wr_expr *lit, const wr_type *t)
{
    if (literal_parses(lit->sval, t))
        return WEIR_OK;
    return err(b, lit->loc, WEIR_E_TYPE,
               "Invalid Predicate: invalid input syntax for type %s: \"%s\".",
               wr_type_kind_name(t->kind), lit->sval);
}

static weir_rc bind_in(binder *b, wr_expr *e)
{
    TRY(bind_expr(b, e->a));
    TRY(bind_list(b, e->list));
    const wr_type *t = e->a->type;
    for (int i = 0; i < e->list->n; i++) {
        wr_expr *x = e->list->item[i];
        if (x->kind == WR_E_STRING && !is_kind(t, WR_T_STRING) &&
            wr_type_is_primitive(t) && !is_null_type(t)) {
            TRY(coerce_literal(b, x, t));
            continue;
        }
        if (!comparable(t, x->type, WR_OP_EQ)) {
            const wr_type *show = t;
            if (wr_type_is_numeric(t)) {
                for (int j = 0; j < e->list->n; j++) {
                    const wr_expr *y = e->list->item[j];
                    if (wr_type_is_numeric(y->type))
                        show = wr_type_numeric_common(b->ar, show, y->type);
                }
                if (!show)
                    show = t;
            }
            return err(b, x->loc, WEIR_E_TYPE,
                       "Invalid Predicate: operator does not exist: %s = %s "
                       "(%s)",
                       tname(b, show), tname(b, x->type), sql_of(b, x));
        }
    }
    e->type = prim(WR_T_BOOLEAN);
    return WEIR_OK;
}

static weir_rc want_string(binder *b, const wr_expr *x, const char *what)
{
    if (is_kind(x->type, WR_T_STRING) || is_null_type(x->type))
        return WEIR_OK;
    return err(b, x->loc, WEIR_E_TYPE, "%s%s requires STRING, got %s (%s)",
               clause_prefix(b), what, sql_of(b, x), tname(b, x->type));
}

/* The common type of CASE results / array elements: identical types, or
 * numeric widening; NULL literals adopt the others. NULL when none. */
static const wr_type *common_type(binder *b, const wr_type *acc,
                                  const wr_type *t)
{
    if (!acc || is_null_type(acc))
        return t;
    if (is_null_type(t))
        return acc;
    if (wr_type_equal(acc, t))
        return acc;
    if (wr_type_is_numeric(acc) && wr_type_is_numeric(t))
        return wr_type_numeric_common(b->ar, acc, t);
    return NULL;
}

static weir_rc bind_case(binder *b, wr_expr *e)
{
    if (e->a)
        TRY(bind_expr(b, e->a));
    const wr_type *res = NULL;
    const wr_expr *first = NULL;
    for (int i = 0; i < e->list->n; i++) {
        wr_expr *w = e->list->item[i];
        TRY(bind_expr(b, w->a));
        if (e->a) {
            if (!comparable(e->a->type, w->a->type, WR_OP_EQ))
                return cmp_error(b, e->a, w->a, WR_OP_EQ, w->a->loc);
        } else {
            if (!is_kind(w->a->type, WR_T_BOOLEAN) && !is_null_type(w->a->type))
                return err(b, w->a->loc, WEIR_E_TYPE,
                           "WHEN operand type should be boolean. Type for "
                           "'%s' is %s",
                           sql_of(b, w->a), tname(b, w->a->type));
        }
        TRY(bind_expr(b, w->b));
        const wr_type *r = common_type(b, res, w->b->type);
        if (!r)
            return err(b, w->b->loc, WEIR_E_TYPE,
                       "Invalid Case expression. Type for all 'THEN' clauses "
                       "should be the same. THEN expression '%s' has type: "
                       "%s. Previous THEN expression(s) type: %s.",
                       sql_of(b, w->b), tname(b, w->b->type), tname(b, res));
        res = r;
        w->type = w->b->type;
        mark_agg(w);
        if (!first)
            first = w->b;
    }
    if (e->c) {
        TRY(bind_expr(b, e->c));
        const wr_type *r = common_type(b, res, e->c->type);
        if (!r)
            return err(b, e->c->loc, WEIR_E_TYPE,
                       "Invalid Case expression. Type for the default clause "
                       "should be the same as for 'THEN' clauses. THEN type: "
                       "%s. DEFAULT type: %s.",
                       tname(b, res), tname(b, e->c->type));
        res = r;
    }
    if (!res || is_null_type(res))
        return err(b, e->loc, WEIR_E_TYPE,
                   "Invalid Case expression. All case branches have NULL "
                   "type");
    e->type = res;
    return WEIR_OK;
}

static bool is_literal(const wr_expr *e)
{
    switch (e->kind) {
    case WR_E_NULL:
    case WR_E_BOOL:
    case WR_E_INTEGER:
    case WR_E_DECIMAL:
    case WR_E_DOUBLE:
    case WR_E_STRING:
        return true;
    case WR_E_UNARY:
        return e->op != WR_OP_NOT && is_literal(e->a);
    default:
        return false;
    }
}

static weir_rc bind_call(binder *b, wr_expr *e)
{
    const char *name = e->name.name;
    const wr_func *f = wr_func_lookup(name, strlen(name));
    if (!f) {
        suggest sg = {NULL, 9};
        for (int i = 0; i < wr_func_count(); i++)
            suggest_try(&sg, name, wr_func_at(i)->name);
        return err(b, e->name.loc, WEIR_E_BIND,
                   "Can't find any functions with the name '%s'.%s", name,
                   did_you_mean(b, &sg));
    }
    e->fn = f;
    bool agg = f->kind == WR_FN_AGGREGATE;
    if (agg) {
        if (b->agg_depth > 0)
            return err(b, e->loc, WEIR_E_BIND,
                       "Aggregate functions can not be nested: %s",
                       sql_of(b, b->stmt && e ? e : e));
        if (b->cl == CL_GROUP)
            return err(b, e->loc, WEIR_E_BIND,
                       "GROUP BY does not support aggregate functions: %s is "
                       "an aggregate function.",
                       f->name);
        if (b->cl != CL_SELECT && b->cl != CL_HAVING)
            return err(b, e->loc, WEIR_E_BIND,
                       "Aggregate functions can not be used in %s: %s",
                       clause_names[b->cl], sql_of(b, e));
    }
    if (e->distinct && !(f->flags & WR_FN_DISTINCT_OK))
        return err(b, e->loc, WEIR_E_BIND,
                   "Function '%s' does not support DISTINCT", f->name);
    int nargs = e->list ? e->list->n : 0;
    bool star = nargs == 1 && ((wr_expr *)e->list->item[0])->kind == WR_E_STAR;
    if (star) {
        const wr_expr *s = e->list->item[0];
        if (s->qual.name)
            return err(b, s->loc, WEIR_E_BIND, "%s(%s.*) is not supported",
                       f->name, s->qual.name);
        nargs = 0;
    }
    if (agg)
        b->agg_depth++;
    if (nargs > 64)
        return err(b, e->loc, WEIR_E_BIND, "Too many arguments to %s", f->name);
    /* In the arena, not on the stack: calls nest as deep as expressions. */
    const wr_type **argt = wr_arena_alloc(b->ar, sizeof *argt * 65);
    if (!argt)
        return oom(b);
    for (int i = 0; i < nargs; i++) {
        wr_expr *a = e->list->item[i];
        if (a->kind == WR_E_STAR)
            return err(b, a->loc, WEIR_E_BIND,
                       "'*' is only allowed as the only argument");
        weir_rc rc = bind_expr(b, a);
        if (rc != WEIR_OK) {
            if (agg)
                b->agg_depth--;
            return rc;
        }
        argt[i] = a->type;
        if ((f->literal_args >> i & 1u) && !is_literal(a)) {
            if (agg)
                b->agg_depth--;
            return err(b, a->loc, WEIR_E_BIND,
                       "Parameter %d passed to function %s must be a literal "
                       "constant, but was expression: '%s'",
                       i + 1, f->name, sql_of(b, a));
        }
    }
    if (agg) {
        b->agg_depth--;
        b->saw_agg = true;
        e->is_agg = true;
    } else {
        mark_agg(e);
    }
    char msg[300];
    msg[0] = '\0';
    e->type = wr_func_resolve(f, argt, nargs, b->ar, msg, sizeof msg);
    if (!e->type)
        return err(b, e->loc, WEIR_E_TYPE, "%s%s", clause_prefix(b),
                   msg[0] ? msg : "invalid function call");
    return WEIR_OK;
}

static weir_rc bind_expr(binder *b, wr_expr *e)
{
    switch (e->kind) {
    case WR_E_NULL:
        e->type = prim(WR_T_NULL);
        return WEIR_OK;
    case WR_E_BOOL:
        e->type = prim(WR_T_BOOLEAN);
        return WEIR_OK;
    case WR_E_INTEGER:
    case WR_E_DECIMAL:
    case WR_E_DOUBLE:
        return bind_number(b, e);
    case WR_E_STRING:
        e->type = prim(WR_T_STRING);
        return WEIR_OK;
    case WR_E_COLUMN:
        return bind_column(b, e);
    case WR_E_STAR:
        return err(b, e->loc, WEIR_E_BIND, "'*' is not allowed here");
    case WR_E_UNARY:
        TRY(bind_expr(b, e->a));
        mark_agg(e);
        if (e->op == WR_OP_NOT) {
            if (!is_kind(e->a->type, WR_T_BOOLEAN) && !is_null_type(e->a->type))
                return err(b, e->a->loc, WEIR_E_TYPE,
                           "%sNOT requires a boolean operand, got %s (%s)",
                           clause_prefix(b), sql_of(b, e->a),
                           tname(b, e->a->type));
            e->type = prim(WR_T_BOOLEAN);
            return WEIR_OK;
        }
        if (!wr_type_is_numeric(e->a->type))
            return err(b, e->loc, WEIR_E_TYPE,
                       "%sUnary %s requires a numeric operand, got %s (%s)",
                       clause_prefix(b), e->op == WR_OP_NEG ? "-" : "+",
                       sql_of(b, e->a), tname(b, e->a->type));
        e->type = e->a->type;
        return WEIR_OK;
    case WR_E_BINARY:
        TRY(bind_binary(b, e));
        mark_agg(e);
        return WEIR_OK;
    case WR_E_IS_NULL:
        TRY(bind_expr(b, e->a));
        mark_agg(e);
        e->type = prim(WR_T_BOOLEAN);
        return WEIR_OK;
    case WR_E_DISTINCT:
        TRY(bind_expr(b, e->a));
        TRY(bind_expr(b, e->b));
        mark_agg(e);
        if (!comparable(e->a->type, e->b->type, WR_OP_EQ))
            return cmp_error(b, e->a, e->b, WR_OP_EQ, e->loc);
        e->type = prim(WR_T_BOOLEAN);
        return WEIR_OK;
    case WR_E_BETWEEN:
        TRY(bind_expr(b, e->a));
        TRY(bind_expr(b, e->b));
        TRY(bind_expr(b, e->c));
        mark_agg(e);
        if (!comparable(e->a->type, e->b->type, WR_OP_GE))
            return cmp_error(b, e->a, e->b, WR_OP_GE, e->b->loc);
        if (!comparable(e->a->type, e->c->type, WR_OP_LE))
            return cmp_error(b, e->a, e->c, WR_OP_LE, e->c->loc);
        e->type = prim(WR_T_BOOLEAN);
        return WEIR_OK;
    case WR_E_IN:
        TRY(bind_in(b, e));
        mark_agg(e);
        return WEIR_OK;
    case WR_E_LIKE:
        TRY(bind_expr(b, e->a));
        TRY(bind_expr(b, e->b));
        TRY(want_string(b, e->a, "LIKE"));
        TRY(want_string(b, e->b, "LIKE pattern"));
        if (e->c) {
            TRY(bind_expr(b, e->c));
            if (e->c->kind != WR_E_STRING || e->c->slen != 1)
                return err(b, e->c->loc, WEIR_E_BIND,
                           "ESCAPE must be a single-character string "
                           "literal");
        }
        mark_agg(e);
        e->type = prim(WR_T_BOOLEAN);
        return WEIR_OK;
    case WR_E_CASE:
        TRY(bind_case(b, e));
        mark_agg(e);
        return WEIR_OK;
    case WR_E_WHEN:
        return err(b, e->loc, WEIR_E_INTERNAL, "WHEN outside CASE");
    case WR_E_CAST: {
        TRY(bind_expr(b, e->a));
        const wr_type *t;
        TRY(resolve_typename(b, e->cast_to, &t));
        if (!wr_type_castable(e->a->type, t))
            return err(b, e->loc, WEIR_E_TYPE,
                       "Cast of %s to %s is not "
                       "supported",
                       tname(b, e->a->type), tname(b, t));
        mark_agg(e);
        e->type = t;
        return WEIR_OK;
    }
    case WR_E_CALL:
        return bind_call(b, e);
    case WR_E_DEREF: {
        TRY(bind_expr(b, e->a));
        mark_agg(e);
        const wr_type *t = e->a->type;
        if (!is_kind(t, WR_T_STRUCT))
            return err(b, e->loc, WEIR_E_TYPE,
                       "Expected STRUCT type for '->', got %s (%s)",
                       sql_of(b, e->a), tname(b, t));
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < t->nfields; i++)
                if (pass ? !strcasecmp(t->fields[i].name, e->name.name)
                         : !strcmp(t->fields[i].name, e->name.name)) {
                    e->type = t->fields[i].type;
                    e->col = i;
                    return WEIR_OK;
                }
        return err(b, e->name.loc, WEIR_E_BIND,
                   "Could not find field '%s' in '%s'.", e->name.name,
                   sql_of(b, e->a));
    }
    case WR_E_SUBSCRIPT: {
        TRY(bind_expr(b, e->a));
        TRY(bind_expr(b, e->b));
        mark_agg(e);
        const wr_type *t = e->a->type, *it = e->b->type;
        if (is_kind(t, WR_T_ARRAY)) {
            if (!is_kind(it, WR_T_INT) && !is_kind(it, WR_T_BIGINT))
                return err(b, e->b->loc, WEIR_E_TYPE,
                           "Array index must be an integer, got %s",
                           tname(b, it));
            e->type = t->elem;
            return WEIR_OK;
        }
        if (is_kind(t, WR_T_MAP)) {
            if (!is_kind(it, WR_T_STRING) && !is_null_type(it))
                return err(b, e->b->loc, WEIR_E_TYPE,
                           "Map key must be STRING, got %s", tname(b, it));
            e->type = t->elem;
            return WEIR_OK;
        }
        return err(b, e->loc, WEIR_E_TYPE,
                   "Subscript [] needs an ARRAY or a MAP, got %s (%s)",
                   sql_of(b, e->a), tname(b, t));
    }
    case WR_E_ARRAY: {
        TRY(bind_list(b, e->list));
        mark_agg(e);
        const wr_type *el = NULL;
        for (int i = 0; e->list && i < e->list->n; i++) {
            wr_expr *x = e->list->item[i];
            const wr_type *c = common_type(b, el, x->type);
            if (!c)
                return err(b, x->loc, WEIR_E_TYPE,
                           "invalid input syntax for type %s: %s has type %s",
                           tname(b, el), sql_of(b, x), tname(b, x->type));
            el = c;
        }
        if (!e->list || e->list->n == 0)
            return err(b, e->loc, WEIR_E_TYPE,
                       "Array constructor cannot be empty: give at least one "
                       "element (ARRAY[CAST(NULL AS INT)] for a typed "
                       "empty-ish array)");
        if (!el || is_null_type(el))
            return err(b, e->loc, WEIR_E_TYPE,
                       "Cannot construct an array with all NULL elements; "
                       "CAST one of them");
        e->type = wr_type_array(b->ar, el);
        return e->type ? WEIR_OK : oom(b);
    }
    case WR_E_MAP: {
        const wr_type *vt = NULL;
        for (int i = 0; e->list && i < e->list->n; i++) {
            wr_expr *en = e->list->item[i];
            TRY(bind_expr(b, en->a));
            TRY(bind_expr(b, en->b));
            if (!is_kind(en->a->type, WR_T_STRING))
                return err(b, en->a->loc, WEIR_E_TYPE,
                           "MAP keys must be STRING, got %s",
                           tname(b, en->a->type));
            const wr_type *c = common_type(b, vt, en->b->type);
            if (!c)
                return err(b, en->b->loc, WEIR_E_TYPE,
                           "MAP values must all have the same type: %s vs %s",
                           tname(b, vt), tname(b, en->b->type));
            vt = c;
            en->type = en->b->type;
            mark_agg(en);
        }
        mark_agg(e);
        if (!vt || is_null_type(vt))
            return err(b, e->loc, WEIR_E_TYPE,
                       "Cannot construct a map with all NULL values; CAST "
                       "one of them");
        e->type = wr_type_map(b->ar, prim(WR_T_STRING), vt);
        return e->type ? WEIR_OK : oom(b);
    }
    case WR_E_STRUCT: {
        int n = e->list ? e->list->n : 0;
        wr_field *f = wr_arena_alloc(b->ar, sizeof *f * (size_t)(n ? n : 1));
        if (!f)
            return oom(b);
        for (int i = 0; i < n; i++) {
            wr_expr *en = e->list->item[i];
            if (en->a->kind != WR_E_COLUMN || en->a->qual.name)
                return err(b, en->a->loc, WEIR_E_BIND,
                           "STRUCT field names must be identifiers");
            TRY(bind_expr(b, en->b));
            f[i].name = en->a->name.name;
            f[i].type = en->b->type;
            for (int j = 0; j < i; j++)
                if (!strcmp(f[j].name, f[i].name))
                    return err(b, en->a->loc, WEIR_E_BIND,
                               "Duplicate field name in STRUCT: %s", f[i].name);
            en->type = en->b->type;
            mark_agg(en);
        }
        mark_agg(e);
        e->type = wr_type_struct(b->ar, f, n);
        return e->type ? WEIR_OK : oom(b);
    }
    case WR_E_ENTRY:
    default:
        return err(b, e->loc, WEIR_E_INTERNAL, "unexpected expression");
    }
}

/* Binds e in clause cl. */
static weir_rc bind_in_clause(binder *b, wr_expr *e, clause cl)
{
    clause saved = b->cl;
    b->cl = cl;
    weir_rc rc = bind_expr(b, e);
    b->cl = saved;
    return rc;
}

/* Structural equality of bound expressions. */
bool wr_expr_equal(const wr_expr *x, const wr_expr *y)
{
    if (x == y)
        return true;
    if (!x || !y || x->kind != y->kind || x->op != y->op ||
        x->negated != y->negated || x->distinct != y->distinct)
        return false;
    switch (x->kind) {
    case WR_E_COLUMN:
        return x->src == y->src && x->col == y->col;
    case WR_E_BOOL:
        return x->bval == y->bval;
    case WR_E_INTEGER:
    case WR_E_DECIMAL:
    case WR_E_DOUBLE:
        return !strcmp(x->text, y->text);
    case WR_E_STRING:
        return x->slen == y->slen && !memcmp(x->sval, y->sval, (size_t)x->slen);
    case WR_E_CALL:
        if (x->fn != y->fn)
            return false;
        break;
    case WR_E_CAST:
        if (!wr_type_equal(x->type, y->type))
            return false;
        break;
    case WR_E_DEREF:
        if (strcmp(x->name.name, y->name.name))
            return false;
        break;
    default:
        break;
    }
    if (!wr_expr_equal(x->a, y->a) || !wr_expr_equal(x->b, y->b) ||
        !wr_expr_equal(x->c, y->c))
        return false;
    int nx = x->list ? x->list->n : 0, ny = y->list ? y->list->n : 0;
    if (nx != ny)
        return false;
    for (int i = 0; i < nx; i++)
        if (!wr_expr_equal(x->list->item[i], y->list->item[i]))
            return false;
    return true;
}

/* ---- durations and windows ---------------------------------------------- */

static const int64_t unit_ms[] = {1, 1000, 60000, 3600000, 86400000, 1};
static const char *const unit_word[] = {"MILLISECONDS", "SECONDS", "MINUTES",
                                        "HOURS",        "DAYS",    "ROWS"};

/* Length of d's unit word to print: singular for a count of 1. */
static int unit_len(const wr_duration *d)
{
    int n = (int)strlen(unit_word[d->unit]);
    return strcmp(d->text, "1") == 0 ? n - 1 : n;
}

/* Converts d to ms (or a row count for ROWS). */
static weir_rc duration_value(binder *b, const wr_duration *d, int64_t *out)
{
    errno = 0;
    char *end;
    long long v = strtoll(d->text, &end, 10);
    if (errno || *end || v < 0 || v > INT64_MAX / unit_ms[d->unit])
        return err(b, d->loc, WEIR_E_BIND, "Duration out of range: %s %s",
                   d->text, unit_word[d->unit]);
    *out = (int64_t)v * unit_ms[d->unit];
    return WEIR_OK;
}

/* A time duration (ROWS not allowed). */
static weir_rc time_value(binder *b, const wr_duration *d, const char *what,
                          int64_t *out)
{
    if (d->unit == WR_U_ROWS)
        return err(b, d->loc, WEIR_E_BIND,
                   "%s takes a time unit (MILLISECONDS ... DAYS), not ROWS",
                   what);
    return duration_value(b, d, out);
}

static weir_rc bind_window(binder *b, const wr_window *w, wr_window_spec *ws)
{
    static const char *const kinds[] = {"", "TUMBLING", "HOPPING", "SESSION"};
    const char *k = kinds[w->kind];
    memset(ws, 0, sizeof *ws);
    ws->kind = w->kind;
    ws->retention = ws->grace = -1;
    if (w->dup_loc.off >= 0)
        return err(b, w->dup_loc, WEIR_E_BIND,
                   "%s window property given more than once", k);
    if (!w->size.set)
        return err(b, w->loc, WEIR_E_BIND, "%s window requires a SIZE", k);
    if (w->kind == WR_W_SESSION && w->size_kw)
        return err(b, w->size.loc, WEIR_E_BIND,
                   "SESSION windows take the inactivity gap without SIZE, "
                   "e.g. WINDOW SESSION (30 MINUTES)");
    if (w->kind != WR_W_SESSION && !w->size_kw)
        return err(b, w->size.loc, WEIR_E_BIND,
                   "%s windows need the word SIZE, e.g. WINDOW %s (SIZE %s "
                   "%.*s%s)",
                   k, k, w->size.text, unit_len(&w->size),
                   unit_word[w->size.unit],
                   w->kind == WR_W_HOPPING ? ", ADVANCE BY ..." : "");
    ws->rows = w->size.unit == WR_U_ROWS;
    if (w->kind == WR_W_SESSION && ws->rows)
        return err(b, w->size.loc, WEIR_E_BIND,
                   "SESSION windows are defined by a time gap, not ROWS");
    TRY(duration_value(b, &w->size, &ws->size));
    if (ws->size <= 0)
        return err(b, w->size.loc, WEIR_E_BIND,
                   "%s window SIZE must be greater than zero", k);
    if (w->kind == WR_W_HOPPING) {
        if (!w->advance.set)
            return err(b, w->loc, WEIR_E_BIND,
                       "HOPPING window requires ADVANCE BY");
        if ((w->advance.unit == WR_U_ROWS) != ws->rows)
            return err(b, w->advance.loc, WEIR_E_BIND,
                       "ADVANCE BY and SIZE must both be ROWS or both be "
                       "time units");
        TRY(duration_value(b, &w->advance, &ws->advance));
        if (ws->advance <= 0)
            return err(b, w->advance.loc, WEIR_E_BIND,
                       "HOPPING window ADVANCE BY must be greater than zero");
        if (ws->advance > ws->size)
            return err(b, w->advance.loc, WEIR_E_BIND,
                       "HOPPING window ADVANCE BY (%s %.*s) must not be "
                       "larger than SIZE (%s %.*s)",
                       w->advance.text, unit_len(&w->advance),
                       unit_word[w->advance.unit], w->size.text,
                       unit_len(&w->size), unit_word[w->size.unit]);
    } else if (w->advance.set) {
        return err(b, w->advance.loc, WEIR_E_BIND,
                   "ADVANCE BY is only valid for HOPPING windows");
    }
    if (ws->rows && (w->grace.set || w->retention.set))
        return err(b, w->grace.set ? w->grace.loc : w->retention.loc,
                   WEIR_E_BIND,
                   "GRACE PERIOD and RETENTION apply to time windows, not to "
                   "count-based (ROWS) windows");
    if (w->retention.set)
        TRY(time_value(b, &w->retention, "RETENTION", &ws->retention));
    if (w->grace.set)
        TRY(time_value(b, &w->grace, "GRACE PERIOD", &ws->grace));
    if (ws->retention >= 0 && !ws->rows) {
        int64_t need = ws->size + (ws->grace > 0 ? ws->grace : 0);
        if (w->kind != WR_W_SESSION && ws->retention < need)
            return err(b, w->retention.loc, WEIR_E_BIND,
                       "RETENTION must be at least the window SIZE plus the "
                       "GRACE PERIOD (%" PRId64 " ms)",
                       need);
    }
    return WEIR_OK;
}

/* ---- formats --------------------------------------------------------------
 */

/* Checks that format f can carry columns of type t in the key (key = true)
 * or the value. */
static weir_rc check_format_type(binder *b, wr_format f, const wr_type *t,
                                 bool key, weir_loc loc)
{
    bool ok = true;
    switch (f) {
    case WR_FMT_KAFKA:
        ok = t->kind == WR_T_INT || t->kind == WR_T_BIGINT ||
             t->kind == WR_T_DOUBLE || t->kind == WR_T_STRING ||
             t->kind == WR_T_BYTES;
        break;
    case WR_FMT_DELIMITED:
        ok = wr_type_is_primitive(t);
        break;
    case WR_FMT_NONE:
        ok = !key;
        break;
    default:
        break;
    }
    if (ok)
        return WEIR_OK;
    return err(b, loc, WEIR_E_BIND,
               "The '%s' format does not support type "
               "'%s'",
               wr_format_name(f), wr_type_kind_name(t->kind));
}

/* Reads FORMAT / KEY_FORMAT / VALUE_FORMAT of with into *kf / *vf (left
 * unchanged when absent). */
static weir_rc read_formats(binder *b, const wr_list *with, wr_format *kf,
                            wr_format *vf, bool *kset, bool *vset)
{
    const wr_prop *fp = wr_props_find(with, "FORMAT");
    const wr_prop *kp = wr_props_find(with, "KEY_FORMAT");
    const wr_prop *vp = wr_props_find(with, "VALUE_FORMAT");
    if (fp && (kp || vp))
        return err(b, fp->loc, WEIR_E_BIND,
                   "Cannot supply both '%s' and 'FORMAT' properties, as "
                   "'FORMAT' sets both key and value formats.",
                   vp ? "VALUE_FORMAT" : "KEY_FORMAT");
    *kset = *vset = false;
    if (fp) {
        *kf = *vf = wr_format_by_name(fp->value->sval);
        *kset = *vset = true;
    }
    if (kp) {
        *kf = wr_format_by_name(kp->value->sval);
        *kset = true;
    }
    if (vp) {
        *vf = wr_format_by_name(vp->value->sval);
        *vset = true;
    }
    const wr_prop *pr = vp ? vp : fp;
    if (pr && (*vf == WR_FMT_AVRO || *vf == WR_FMT_PROTOBUF ||
               *vf == WR_FMT_JSON_SR || *vf == WR_FMT_NONE))
        return err(b, pr->value->loc, WEIR_E_UNSUPPORTED,
                   "VALUE_FORMAT '%s' is not supported: weir reads and "
                   "writes JSON, DELIMITED and KAFKA values",
                   wr_format_name(*vf));
    pr = kp ? kp : fp;
    if (pr &&
        (*kf == WR_FMT_AVRO || *kf == WR_FMT_PROTOBUF || *kf == WR_FMT_JSON_SR))
        return err(b, pr->value->loc, WEIR_E_UNSUPPORTED,
                   "KEY_FORMAT '%s' is not supported: weir reads and writes "
                   "KAFKA, JSON, DELIMITED and NONE keys",
                   wr_format_name(*kf));
    return WEIR_OK;
}

/* Checks the columns of src against its formats. locs (may be NULL) gives
 * the span to report for each column; fallback otherwise. */
static weir_rc check_formats(binder *b, const wr_source *src,
                             const weir_loc *locs, weir_loc fallback)
{
    int nkeys = 0, nvals = 0;
    for (int i = 0; i < src->ncols; i++) {
        const wr_column *c = &src->cols[i];
        weir_loc loc = locs ? locs[i] : fallback;
        if (c->key)
            nkeys++;
        else if (!c->headers)
            nvals++;
        if (c->headers)
            continue;
        TRY(check_format_type(b, c->key ? src->key_format : src->value_format,
                              c->type, c->key, loc));
    }
    if (nkeys > 1 && src->key_format == WR_FMT_KAFKA)
        return err(b, fallback, WEIR_E_BIND,
                   "The 'KAFKA' format only supports a single field. Got: %d "
                   "key columns",
                   nkeys);
    if (nvals > 1 && src->value_format == WR_FMT_KAFKA)
        return err(b, fallback, WEIR_E_BIND,
                   "The 'KAFKA' format only supports a single field. Got: %d "
                   "value columns",
                   nvals);
    return WEIR_OK;
}

/* Copies the WITH properties into src as text. */
/* WRAP_SINGLE_VALUE (after copy_props): only for one value column, and
 * only JSON can write that column unwrapped or wrapped. */
static weir_rc check_wrap(binder *b, const wr_source *src, const wr_list *with)
{
    const wr_prop *pr = wr_props_find(with, "WRAP_SINGLE_VALUE");
    if (!pr)
        return WEIR_OK;
    int nvals = 0;
    for (int i = 0; i < src->ncols; i++)
        nvals += !src->cols[i].key && !src->cols[i].headers;
    const char *v = NULL;
    for (int i = 0; i < src->nprops; i++)
        if (!strcasecmp(src->props[i].key, "WRAP_SINGLE_VALUE"))
            v = src->props[i].value;
    if (nvals != 1)
        return err(b, pr->value->loc, WEIR_E_BIND,
                   "'WRAP_SINGLE_VALUE' is only valid for single-field value "
                   "schemas");
    if (src->value_format != WR_FMT_JSON && v && !strcasecmp(v, "true"))
        return err(b, pr->value->loc, WEIR_E_BIND,
                   "Format '%s' does not support 'WRAP_SINGLE_VALUE' set to "
                   "'true'.",
                   wr_format_name(src->value_format));
    return WEIR_OK;
}

static weir_rc copy_props(binder *b, wr_source *src, const wr_list *with)
{
    int n = with ? with->n : 0;
    src->props = wr_arena_alloc(src->ar, sizeof *src->props * (size_t)(n + 1));
    if (!src->props)
        return oom(b);
    for (int i = 0; i < n; i++) {
        const wr_prop *pr = with->item[i];
        src->props[i].key = wr_arena_strdup(src->ar, pr->name.name);
        src->props[i].value = wr_props_text(src->ar, pr);
        if (!src->props[i].key || !src->props[i].value)
            return oom(b);
    }
    src->nprops = n;
    return WEIR_OK;
}

/* Normalizes a TIMESTAMP='col' value: upper-cased unless `quoted`. */
static const char *ts_column_name(binder *b, const char *v)
{
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '`' && v[n - 1] == '`')
        return wr_arena_strndup(b->ar, v + 1, n - 2);
    char *s = wr_arena_strdup(b->ar, v);
    for (char *c = s; c && *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    return s;
}

/* Validates TIMESTAMP / TIMESTAMP_FORMAT against the columns of src and
 * stores the column name in src. */
static weir_rc check_timestamp(binder *b, wr_source *src, const wr_list *with)
{
    const wr_prop *tp = wr_props_find(with, "TIMESTAMP");
    const wr_prop *fp = wr_props_find(with, "TIMESTAMP_FORMAT");
    const wr_prop *pp = wr_props_find(with, "PROCESSING_TIME");
    if (tp && pp && pp->value->bval)
        return err(b, pp->loc, WEIR_E_BIND,
                   "PROCESSING_TIME and TIMESTAMP exclude each other: with "
                   "processing time, ROWTIME is the batch time");
    if (!tp) {
        if (fp)
            return err(b, fp->loc, WEIR_E_BIND,
                       "TIMESTAMP_FORMAT requires the TIMESTAMP property");
        return WEIR_OK;
    }
    const char *name = ts_column_name(b, tp->value->sval);
    if (!name)
        return oom(b);
    for (int i = 0; i < src->ncols; i++) {
        const wr_column *c = &src->cols[i];
        if (strcmp(c->name, name))
            continue;
        bool ok = c->type->kind == WR_T_BIGINT ||
                  c->type->kind == WR_T_TIMESTAMP ||
                  (c->type->kind == WR_T_STRING && fp);
        if (!ok)
            return err(b, tp->value->loc, WEIR_E_BIND,
                       "Timestamp column, `%s`, should be LONG(INT64), "
                       "TIMESTAMP, or a String with a timestamp_format "
                       "specified",
                       name);
        src->timestamp = wr_arena_strdup(src->ar, name);
        return src->timestamp ? WEIR_OK : oom(b);
    }
    return err(b, tp->value->loc, WEIR_E_BIND,
               "The TIMESTAMP column set in the WITH clause does not exist "
               "in the schema: '%s'",
               name);
}

static int prop_int(const wr_list *with, const char *name)
{
    const wr_prop *pr = wr_props_find(with, name);
    if (!pr)
        return 0;
    const char *t =
        pr->value->kind == WR_E_STRING ? pr->value->sval : pr->value->text;
    return t ? atoi(t) : 0;
}

/* Reads WINDOW_TYPE / WINDOW_SIZE of a windowed source. */
static weir_rc read_source_window(binder *b, wr_source *src,
                                  const wr_list *with)
{
    const wr_prop *tp = wr_props_find(with, "WINDOW_TYPE");
    const wr_prop *sp = wr_props_find(with, "WINDOW_SIZE");
    if (!tp) {
        if (sp)
            return err(b, sp->loc, WEIR_E_BIND,
                       "WINDOW_SIZE requires WINDOW_TYPE");
        return WEIR_OK;
    }
    const char *t = tp->value->sval;
    if (!strcasecmp(t, "TUMBLING"))
        src->window.kind = WR_W_TUMBLING;
    else if (!strcasecmp(t, "HOPPING"))
        src->window.kind = WR_W_HOPPING;
    else if (!strcasecmp(t, "SESSION"))
        src->window.kind = WR_W_SESSION;
    else
        return err(b, tp->value->loc, WEIR_E_BIND,
                   "WINDOW_TYPE must be TUMBLING, HOPPING or SESSION");
    if (src->window.kind != WR_W_SESSION && !sp)
        return err(b, tp->loc, WEIR_E_BIND,
                   "%s windowed sources require WINDOW_SIZE", t);
    if (sp) {
        long long n = 0;
        char unit[32] = "";
        if (sscanf(sp->value->sval, "%lld %31s", &n, unit) != 2 || n <= 0)
            return err(b, sp->value->loc, WEIR_E_BIND,
                       "WINDOW_SIZE must look like '10 SECONDS'");
        int u = -1;
        for (int i = 0; i < 5; i++) {
            size_t l = strlen(unit_word[i]);
            if (!strncasecmp(unit, unit_word[i], l - 1) &&
                (strlen(unit) == l || strlen(unit) == l - 1))
                u = i;
        }
        if (u < 0)
            return err(b, sp->value->loc, WEIR_E_BIND,
                       "Unknown time unit in WINDOW_SIZE: %s", unit);
        src->window.size = n * unit_ms[u];
    }
    return WEIR_OK;
}

/* The session's default formats ('ksql.persistence.default.format.key' /
 * '.value', set with SET), when given. */
static weir_rc default_formats(binder *b, wr_format *kf, wr_format *vf,
                               bool *kset, bool *vset)
{
    /* Only the formats the WITH clause left open come from the session. */
    if (!*kset) {
        const char *k =
            wr_catalog_get_prop(b->cat, "ksql.persistence.default.format.key");
        if (k) {
            wr_format f = wr_format_by_name(k);
            if (f == WR_FMT_COUNT || f == WR_FMT_AVRO || f == WR_FMT_PROTOBUF ||
                f == WR_FMT_JSON_SR)
                return err(b, b->stmt->loc, WEIR_E_BIND,
                           "Unsupported default key format '%s' (set by "
                           "'ksql.persistence.default.format.key')",
                           k);
            *kf = f;
            *kset = true;
        }
    }
    if (!*vset) {
        const char *v = wr_catalog_get_prop(
            b->cat, "ksql.persistence.default.format.value");
        if (v) {
            wr_format f = wr_format_by_name(v);
            if (f == WR_FMT_COUNT || f == WR_FMT_AVRO || f == WR_FMT_PROTOBUF ||
                f == WR_FMT_JSON_SR || f == WR_FMT_NONE)
                return err(b, b->stmt->loc, WEIR_E_BIND,
                           "Unsupported default value format '%s' (set by "
                           "'ksql.persistence.default.format.value')",
                           v);
            *vf = f;
            *vset = true;
        }
    }
    return WEIR_OK;
}

/* The name rules of CREATE: an existing source is an error unless OR
 * REPLACE, or nothing to do (*noop) with IF NOT EXISTS. */
static weir_rc check_new_name(binder *b, const wr_stmt *s, wr_bound *out,
                              bool *noop)
{
    const wr_source *old = wr_catalog_get(b->cat, s->name.name);
    *noop = old && s->if_not_exists;
    out->create_noop = *noop;
    if (old && !*noop && !s->or_replace)
        return err(b, s->name.loc, WEIR_E_CATALOG,
                   "Cannot add %s '%s': A %s with the same name already "
                   "exists",
                   kind_word(s->table), old->name, kind_word(old->table));
    return WEIR_OK;
}

/* A FILE holds lines of text, so a FILE source or sink reads and writes
 * JSON or DELIMITED values, never KAFKA's binary one (which the file sink
 * used to write as JSON). sink: src is the sink of a CREATE ... AS, whose
 * format may be its source's; else a declared stream or table, which is
 * read or is the target of INSERT INTO. Borrows everything. */
static weir_rc check_file_format(binder *b, const wr_list *with,
                                 const wr_source *src, bool sink)
{
    const wr_prop *fp = wr_props_find(with, "FILE");
    if (!fp || src->value_format == WR_FMT_JSON ||
        src->value_format == WR_FMT_DELIMITED)
        return WEIR_OK;
    const wr_prop *vp = wr_props_find(with, "VALUE_FORMAT");
    if (!vp)
        vp = wr_props_find(with, "FORMAT");
    const char *f = wr_format_name(src->value_format);
    if (!sink)
        return err(b, vp ? vp->value->loc : fp->loc, WEIR_E_UNSUPPORTED,
                   "FILE %s %s cannot be read or written in VALUE_FORMAT "
                   "'%s': a file holds JSON or DELIMITED lines",
                   kind_word(src->table), src->name, f);
    if (!vp)
        return err(b, fp->loc, WEIR_E_UNSUPPORTED,
                   "FILE sink %s cannot be written in VALUE_FORMAT '%s' (its "
                   "source's): a file holds JSON or DELIMITED lines; set "
                   "VALUE_FORMAT",
                   src->name, f);
    return err(b, vp->value->loc, WEIR_E_UNSUPPORTED,
               "FILE sink %s cannot be written in VALUE_FORMAT '%s': a file "
               "holds JSON or DELIMITED lines",
               src->name, f);
}

static weir_rc bind_create_source(binder *b, wr_stmt *s, wr_bound *out)
{
    bool noop;
    TRY(check_new_name(b, s, out, &noop));
    if (noop)
        return WEIR_OK;
    TRY(wr_props_check(s->with, WR_PROP_SOURCE, b->st));
    if (!s->cols || s->cols->n == 0)
        return err(b, s->name.loc, WEIR_E_BIND,
                   "The statement does not define any columns: weir needs "
                   "the schema, e.g. CREATE STREAM %s (id INT KEY, v "
                   "STRING) WITH (...)",
                   s->name.name);
    const wr_prop *topic = wr_props_find(s->with, "KAFKA_TOPIC");
    if (!topic)
        topic = wr_props_find(s->with, "FILE");
    if (!topic) /* the sources other than Kafka (line_source.h) */
        topic = wr_props_find(s->with, "SOCKET");
    if (!topic)
        topic = wr_props_find(s->with, "ZMQ");
    if (!topic)
        return err(b, s->with ? s->with_loc : s->loc, WEIR_E_BIND,
                   "Missing required property \"KAFKA_TOPIC\" which has no "
                   "default value.");
    wr_format kf = WR_FMT_KAFKA, vf = WR_FMT_NONE;
    bool kset, vset;
    TRY(read_formats(b, s->with, &kf, &vf, &kset, &vset));
    TRY(default_formats(b, &kf, &vf, &kset, &vset));
    if (!vset)
        return err(b, s->with ? s->with_loc : s->loc, WEIR_E_BIND,
                   "Statement is missing the 'VALUE_FORMAT' property from the "
                   "WITH clause. Either provide one or set a default via the "
                   "'ksql.persistence.default.format.value' config.");

    wr_source *src = wr_source_new(s->name.name);
    if (!src)
        return oom(b);
    out->create = src; /* freed by wr_bound_fini on error */
    int n = s->cols->n;
    src->cols = wr_arena_zalloc(src->ar, sizeof *src->cols * (size_t)n);
    weir_loc *locs = wr_arena_alloc(b->ar, sizeof *locs * (size_t)n);
    if (!src->cols || !locs)
        return oom(b);
    /* Keys first, then values, each in declaration order. */
    int k = 0, nkeys = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            const wr_coldef *c = s->cols->item[i];
            bool key = c->key || c->primary_key;
            if (key != (pass == 0))
                continue;
            if (pass == 0) {
                if (c->key && s->table)
                    return err(b, c->name.loc, WEIR_E_BIND,
                               "Column `%s` is a 'KEY' column: please use "
                               "'PRIMARY KEY' for tables.",
                               c->name.name);
                if (c->primary_key && !s->table)
                    return err(b, c->name.loc, WEIR_E_BIND,
                               "Column `%s` is a 'PRIMARY KEY' column: please "
                               "use 'KEY' for streams.",
                               c->name.name);
                nkeys++;
            }
            if (is_reserved_name(c->name.name))
                return err(b, c->name.loc, WEIR_E_BIND,
                           "'%s' is a reserved column name. You cannot use it "
                           "as a name for a column.",
                           c->name.name);
            for (int j = 0; j < k; j++)
                if (!strcmp(src->cols[j].name, c->name.name))
                    return err(b, c->name.loc, WEIR_E_BIND,
                               "Duplicate column names: `%s`", c->name.name);
            const wr_type *t;
            TRY(resolve_typename(b, c->type, &t));
            if (c->headers &&
                !(t->kind == WR_T_BYTES ||
                  (t->kind == WR_T_ARRAY && c->header_key == NULL)))
                return err(b, c->type->loc, WEIR_E_BIND,
                           "HEADERS columns must be BYTES (HEADER('key')) or "
                           "ARRAY<STRUCT<KEY STRING, VALUE BYTES>> (HEADERS)");
            wr_column *col = &src->cols[k];
            col->name = wr_arena_strdup(src->ar, c->name.name);
            col->type = wr_type_dup(src->ar, t);
            col->key = key;
            col->headers = c->headers;
            col->header_key =
                c->header_key ? wr_arena_strdup(src->ar, c->header_key) : NULL;
            if (!col->name || !col->type)
                return oom(b);
            locs[k++] = c->type->loc;
        }
    }
    src->ncols = k;
    src->table = s->table;
    if (s->table && nkeys == 0)
        return err(b, s->name.loc, WEIR_E_BIND,
                   "Tables require a PRIMARY KEY. Please define the PRIMARY "
                   "KEY.");
    if (nkeys == 0 && !kset)
        kf = WR_FMT_NONE;
    src->key_format = kf;
    src->value_format = vf;
    TRY(wr_props_check_formats(s->with, kf, vf, b->st));
    TRY(check_file_format(b, s->with, src, false));
    src->topic = wr_arena_strndup(src->ar, topic->value->sval,
                                  (size_t)topic->value->slen);
    src->partitions = prop_int(s->with, "PARTITIONS");
    src->replicas = prop_int(s->with, "REPLICAS");
    if (!src->topic)
        return oom(b);
    TRY(check_formats(b, src, locs, s->loc));
    TRY(check_timestamp(b, src, s->with));
    TRY(read_source_window(b, src, s->with));
    TRY(copy_props(b, src, s->with));
    TRY(check_wrap(b, src, s->with));
    return WEIR_OK;
}

/* ---- SELECT ----------------------------------------------------------------
 */

/* A select-list entry after star expansion. */
typedef struct item {
    wr_expr *expr;      /* bound expression */
    const char *name;   /* output name */
    bool aliased;       /* named by AS */
    weir_loc loc;       /* span of the item (or of its star) */
    weir_loc alias_loc; /* span of the alias */
    bool key;           /* a key column of the result */
    int keyrank;        /* keys: position of its GROUP/PARTITION BY
                           expression (the order of the key columns) */
} item;

static wr_lnode *lnode(binder *b, wr_lnode_kind kind, wr_lnode *input)
{
    wr_lnode *n = wr_arena_zalloc(b->ar, sizeof *n);
    if (n) {
        n->kind = kind;
        n->input = input;
        n->join_grace = -1;
    }
    return n;
}

/* A column reference bound to (src, col) of the scope. */
static wr_expr *colref(binder *b, int si, int ci, weir_loc loc)
{
    wr_expr *e = wr_arena_zalloc(b->ar, sizeof *e);
    if (!e)
        return NULL;
    e->kind = WR_E_COLUMN;
    e->loc = loc;
    e->height = 1;
    e->src = si;
    e->col = ci;
    if (si == WR_SRC_JOINKEY) {
        e->name = (wr_ident){b->joinkey_name, false, loc};
        e->type = b->joinkey_type;
    } else {
        const wr_scope_src *s = &b->q->srcs[si];
        e->qual = (wr_ident){s->alias, false, loc};
        e->name = (wr_ident){s->cols[ci].name, false, loc};
        e->type = s->cols[ci].type;
    }
    return e;
}

/* Bit mask of the scope sources e refers to (bit 31: synthetic key). */
static uint32_t src_mask(const wr_expr *e)
{
    if (!e)
        return 0;
    uint32_t m = 0;
    if (e->kind == WR_E_COLUMN)
        m |= e->src < 31 ? 1u << e->src : 1u << 31;
    m |= src_mask(e->a) | src_mask(e->b) | src_mask(e->c);
    for (int i = 0; e->list && i < e->list->n; i++)
        m |= src_mask(e->list->item[i]);
    return m;
}

static int single_src(uint32_t m)
{
    if (!m || (m & (m - 1)))
        return -1;
    int i = 0;
    while (!(m & 1u)) {
        m >>= 1;
        i++;
    }
    return i;
}

/* Union-find over join-key expressions: each `a = b` of a join makes its
 * two sides equivalent; the result's key is any column of the class of the
 * last join's criterion. */
typedef struct keyeq {
    int n;                /* number of expressions */
    const wr_expr *e[64]; /* expression i */
    int par[64];          /* union-find parent */
} keyeq;

static int keyeq_id(keyeq *k, const wr_expr *e)
{
    for (int i = 0; i < k->n; i++)
        if (wr_expr_equal(k->e[i], e))
            return i;
    if (k->n == 64)
        return -1;
    k->e[k->n] = e;
    k->par[k->n] = k->n;
    return k->n++;
}

static int keyeq_find(const keyeq *k, int i)
{
    while (k->par[i] != i)
        i = k->par[i];
    return i;
}

/* Is member i of the key classes a plain column of a source? */
static bool keyeq_is_col(const keyeq *k, int i, int nsrc)
{
    return k->e[i]->kind == WR_E_COLUMN && k->e[i]->src < nsrc;
}

/* Requires the join expression e on table ts (scope index si) to be the
 * table's primary key column. */
static weir_rc want_table_key(binder *b, const wr_scope_src *ts, int si,
                              const wr_expr *e)
{
    if (e->kind == WR_E_COLUMN && e->src == si && ts->cols[e->col].key &&
        !ts->cols[e->col].pseudo)
        return WEIR_OK;
    const char *key = "?";
    for (int c = 0; c < ts->ncols; c++)
        if (ts->cols[c].key) {
            key = ts->cols[c].name;
            break;
        }
    return err(b, e->loc, WEIR_E_BIND,
               "Cannot repartition a TABLE source. If this is a join, make "
               "sure that the criteria uses the TABLE's key column %s instead "
               "of %s",
               key, sql_of(b, e));
}

/* Binds the joins of sel: ON, kinds, WITHIN, keys. Builds the join nodes on
 * top of *plan and records the result key candidates. */
static weir_rc bind_joins(binder *b, wr_select *sel, wr_lnode **plan,
                          keyeq *keq, int *last_key_a, int *last_key_b,
                          bool *synthetic)
{
    wr_query *q = b->q;
    bool left_table = q->srcs[0].table;
    *last_key_a = *last_key_b = -1;
    *synthetic = false;
    for (int j = 0; sel->joins && j < sel->joins->n; j++) {
        wr_join *jn = sel->joins->item[j];
        int ri = j + 1;
        const wr_scope_src *rs = &q->srcs[ri];
        wr_expr *on = jn->on;
        TRY(bind_in_clause(b, on, CL_ON));
        if (on->kind != WR_E_BINARY || on->op != WR_OP_EQ)
            return err(b, on->loc, WEIR_E_BIND,
                       "Unsupported join expression: %s. Joins must be on an "
                       "equality of one expression of each source, e.g. "
                       "ON a.id = b.id",
                       sql_of(b, on));
        uint32_t ma = src_mask(on->a), mb = src_mask(on->b);
        int sa = single_src(ma), sb = single_src(mb);
        if (sa < 0 || sb < 0 || sa >= 31 || sb >= 31) {
            const wr_expr *bad = sa < 0 ? on->a : on->b;
            return err(b, bad->loc, WEIR_E_BIND,
                       "Invalid comparison expression '%s' in join '%s'. "
                       "Each side of the join comparision must contain "
                       "references from exactly one source.",
                       sql_of(b, bad), sql_of(b, on));
        }
        wr_expr *lk = on->a, *rk = on->b;
        if (sa == ri && sb < ri) {
            lk = on->b;
            rk = on->a;
            int t = sa;
            sa = sb;
            sb = t;
        }
        if (sb != ri || sa >= ri)
            return err(b, on->loc, WEIR_E_BIND,
                       "A join criteria is expected to reference the source "
                       "(`%s`) in the FROM clause, instead the right source "
                       "references `%s` and the left source references `%s`",
                       rs->alias, q->srcs[single_src(mb)].alias,
                       q->srcs[single_src(ma)].alias);
        if (!comparable(lk->type, rk->type, WR_OP_EQ) ||
            !wr_type_is_primitive(lk->type))
            return err(b, on->loc, WEIR_E_TYPE,
                       "Invalid join condition: types don't match. Got %s{%s} "
                       "= %s{%s}.",
                       sql_of(b, lk), tname(b, lk->type), sql_of(b, rk),
                       tname(b, rk->type));
        bool right_table = rs->table;
        const char *desc = !left_table && !right_table  ? "STREAM-STREAM"
                           : !left_table && right_table ? "STREAM-TABLE"
                           : left_table && right_table  ? "TABLE-TABLE"
                                                        : "TABLE-STREAM";
        if (left_table && !right_table)
            return err(b, jn->right.loc, WEIR_E_BIND,
                       "Invalid join order: table-stream joins are not "
                       "supported; only stream-table joins. Got %s %s JOIN "
                       "%s.",
                       q->srcs[0].alias,
                       jn->type == WR_JOIN_INNER   ? "[INNER]"
                       : jn->type == WR_JOIN_LEFT  ? "LEFT"
                       : jn->type == WR_JOIN_RIGHT ? "RIGHT"
                                                   : "FULL",
                       rs->alias);
        if (!left_table && !right_table && !jn->within_set)
            return err(b, jn->loc, WEIR_E_BIND,
                       "Stream-Stream joins must have a WITHIN clause "
                       "specified. None was provided.");
        if ((left_table || right_table) && jn->within_set)
            return err(b, jn->before.loc, WEIR_E_BIND,
                       "A window definition was provided for a %s join. "
                       "These joins are not windowed. Please drop the window "
                       "definition (ie. the WITHIN clause) and try again.",
                       right_table && left_table ? "Table-Table"
                                                 : "Stream-Table");
        if (!left_table && right_table &&
            (jn->type == WR_JOIN_RIGHT || jn->type == WR_JOIN_FULL))
            return err(b, jn->loc, WEIR_E_BIND,
                       "Invalid join type: %s join not supported for "
                       "stream-table join. Only INNER and LEFT joins are "
                       "supported.",
                       jn->type == WR_JOIN_RIGHT ? "right" : "full-outer");
        /* A table is joined on its PRIMARY KEY (foreign-key joins are not
         * supported): anything else would need repartitioning a table. */
        if (right_table)
            TRY(want_table_key(b, rs, ri, rk));
        if (left_table && j == 0)
            TRY(want_table_key(b, &q->srcs[0], 0, lk));
        const wr_source *ls = q->srcs[sa].src, *rsrc = rs->src;
        if (ls->partitions && rsrc->partitions &&
            ls->partitions != rsrc->partitions)
            return err(b, jn->right.loc, WEIR_E_BIND,
                       "Can't join `%s` with `%s` since the number of "
                       "partitions don't match. `%s` partitions = %d; `%s` "
                       "partitions = %d. Please repartition either one so "
                       "that the number of partitions match.",
                       ls->name, rsrc->name, ls->name, ls->partitions,
                       rsrc->name, rsrc->partitions);
        wr_lnode *n = lnode(b, WR_L_JOIN, *plan);
        wr_lnode *scan = lnode(b, WR_L_SCAN, NULL);
        if (!n || !scan)
            return oom(b);
        scan->src = ri;
        n->right = scan;
        n->join_type = jn->type;
        n->left_key = lk;
        n->right_key = rk;
        n->join_desc = desc;
        if (jn->within_set) {
            n->windowed_join = true;
            TRY(time_value(b, &jn->before, "WITHIN", &n->within_before));
            TRY(time_value(b, &jn->after, "WITHIN", &n->within_after));
        }
        if (jn->grace.set)
            TRY(time_value(b, &jn->grace, "GRACE PERIOD", &n->join_grace));
        *plan = n;
        left_table = left_table && right_table;

        /* Key bookkeeping: both sides of the criterion are equivalent. */
        int ia = keyeq_id(keq, lk), ib = keyeq_id(keq, rk);
        if (ia < 0 || ib < 0)
            return err(b, on->loc, WEIR_E_BIND, "Too many join criteria");
        keq->par[keyeq_find(keq, ia)] = keyeq_find(keq, ib);
        *last_key_a = ia;
        *last_key_b = ib;
        int root = keyeq_find(keq, ia);
        bool has_col = false;
        for (int m = 0; m < keq->n; m++)
            has_col = has_col || (keyeq_find(keq, m) == root &&
                                  keyeq_is_col(keq, m, q->nsrc));
        *synthetic = jn->type == WR_JOIN_FULL || !has_col;
        if (*synthetic) {
            b->joinkey_type = lk->type;
            if (is_null_type(b->joinkey_type))
                b->joinkey_type = rk->type;
        }
    }
    return WEIR_OK;
}

/* Returns the first part of e, not inside an aggregate call, that is
 * neither a GROUP BY expression nor a literal nor a window bound; NULL when
 * e is properly grouped. */
static const wr_expr *ungrouped(const wr_expr *e, const wr_list *group)
{
    if (!e)
        return NULL;
    if (e->kind == WR_E_CALL && e->fn && e->fn->kind == WR_FN_AGGREGATE)
        return NULL;
    for (int i = 0; group && i < group->n; i++)
        if (wr_expr_equal(e, group->item[i]))
            return NULL;
    if (e->kind == WR_E_COLUMN)
        return e->src == WR_SRC_WINDOW ? NULL : e;
    const wr_expr *r;
    if ((r = ungrouped(e->a, group)) || (r = ungrouped(e->b, group)) ||
        (r = ungrouped(e->c, group)))
        return r;
    for (int i = 0; e->list && i < e->list->n; i++)
        if ((r = ungrouped(e->list->item[i], group)))
            return r;
    return NULL;
}

/* Appends the aggregate calls of e to aggs (without duplicates). */
/* Aggregation over a table: an update takes the old row back out, so only
 * aggregates that can be inverted apply (COUNT, SUM, AVG; not DISTINCT).
 * ksqlDB's message names the others in query order. */
static weir_rc check_table_aggs(binder *b, const wr_list *aggs)
{
    const char *bad[16];
    int nbad = 0;
    weir_loc loc = WEIR_NOLOC;
    for (int i = 0; aggs && i < aggs->n; i++) {
        const wr_expr *c = aggs->item[i];
        const char *nm = c->fn->name;
        if (!c->distinct &&
            (!strcmp(nm, "COUNT") || !strcmp(nm, "SUM") || !strcmp(nm, "AVG")))
            continue;
        bool dup = false;
        for (int k = 0; k < nbad; k++)
            dup = dup || !strcmp(bad[k], nm);
        if (nbad == 0)
            loc = c->loc;
        if (!dup && nbad < 16)
            bad[nbad++] = nm;
    }
    if (!nbad)
        return WEIR_OK;
    wr_buf t = WR_BUF_INIT;
    for (int k = 0; k < nbad; k++)
        wr_buf_printf(&t, "%s%s",
                      k == 0          ? ""
                      : k + 1 == nbad ? " and "
                                      : ", ",
                      bad[k]);
    weir_rc rc = err(b, loc, WEIR_E_BIND,
                     "The aggregation function%s %s cannot be applied to a "
                     "table source, only to a stream source.",
                     nbad > 1 ? "s" : "", wr_buf_str(&t));
    wr_buf_fini(&t);
    return rc;
}

static weir_rc collect_aggs(binder *b, wr_expr *e, wr_list **aggs)
{
    if (!e)
        return WEIR_OK;
    if (e->kind == WR_E_CALL && e->fn && e->fn->kind == WR_FN_AGGREGATE) {
        for (int i = 0; *aggs && i < (*aggs)->n; i++)
            if (wr_expr_equal(e, (*aggs)->item[i]))
                return WEIR_OK;
        *aggs = wr_list_push(b->ar, *aggs, e);
        return *aggs && (*aggs)->item[(*aggs)->n - 1] == e ? WEIR_OK : oom(b);
    }
    TRY(collect_aggs(b, e->a, aggs));
    TRY(collect_aggs(b, e->b, aggs));
    TRY(collect_aggs(b, e->c, aggs));
    for (int i = 0; e->list && i < e->list->n; i++)
        TRY(collect_aggs(b, e->list->item[i], aggs));
    return WEIR_OK;
}

/* Does column name n occur in more than one source of the scope? */
static bool name_in_many(const wr_query *q, const char *n)
{
    int c = 0;
    for (int i = 0; i < q->nsrc; i++) {
        if (find_col(&q->srcs[i], n) >= 0)
            c++;
    }
    return c > 1;
}

/* Expands stars and binds the select list into items[]. */
static weir_rc bind_items(binder *b, wr_select *sel, item **out, int *nout)
{
    wr_query *q = b->q;
    bool join = q->nsrc > 1;
    int cap = 0;
    for (int i = 0; i < sel->items->n; i++) {
        const wr_select_item *it = sel->items->item[i];
        if (it->expr->kind == WR_E_STAR) {
            for (int s = 0; s < q->nsrc; s++)
                cap += q->srcs[s].ncols;
            cap++;
        } else {
            cap++;
        }
    }
    item *items = wr_arena_zalloc(b->ar, sizeof *items * (size_t)(cap + 1));
    if (!items)
        return oom(b);
    int n = 0;
    for (int i = 0; i < sel->items->n; i++) {
        const wr_select_item *it = sel->items->item[i];
        wr_expr *e = it->expr;
        if (e->kind == WR_E_STAR) {
            int only = -1;
            if (e->qual.name) {
                for (int s = 0; s < q->nsrc; s++)
                    if (!strcmp(q->srcs[s].alias, e->qual.name))
                        only = s;
                if (only < 0)
                    return err(b, e->qual.loc, WEIR_E_BIND,
                               "'%s' is not a valid stream/table name or "
                               "alias.",
                               e->qual.name);
            }
            if (!e->qual.name && b->joinkey_name) {
                items[n].expr = colref(b, WR_SRC_JOINKEY, 0, e->loc);
                items[n].name = b->joinkey_name;
                items[n].loc = e->loc;
                if (!items[n++].expr)
                    return oom(b);
            }
            for (int s = 0; s < q->nsrc; s++) {
                if (only >= 0 && s != only)
                    continue;
                const wr_scope_src *ss = &q->srcs[s];
                for (int c = 0; c < ss->ncols; c++) {
                    if (ss->cols[c].pseudo)
                        continue;
                    items[n].expr = colref(b, s, c, e->loc);
                    items[n].name =
                        join ? wr_arena_printf(b->ar, "%s_%s", ss->alias,
                                               ss->cols[c].name)
                             : ss->cols[c].name;
                    items[n].loc = e->loc;
                    if (!items[n].expr || !items[n].name)
                        return oom(b);
                    n++;
                }
            }
            continue;
        }
        TRY(bind_in_clause(b, e, CL_SELECT));
        items[n].expr = e;
        items[n].loc = it->loc;
        if (it->alias.name) {
            items[n].name = it->alias.name;
            items[n].aliased = true;
            items[n].alias_loc = it->alias.loc;
        } else if (e->kind == WR_E_COLUMN) {
            bool prefix = join && e->qual.name && e->src < q->nsrc &&
                          name_in_many(q, e->name.name);
            items[n].name =
                prefix ? wr_arena_printf(b->ar, "%s_%s", q->srcs[e->src].alias,
                                         e->name.name)
                       : e->name.name;
            if (!items[n].name)
                return oom(b);
        } else if (e->kind == WR_E_DEREF) {
            items[n].name = e->name.name;
        }
        n++;
    }
    /* KSQL_COL_n for the rest, skipping indices used by source columns. */
    int next = 0;
    for (int i = 0; i < n; i++) {
        if (items[i].name)
            continue;
        for (;;) {
            char cand[32];
            snprintf(cand, sizeof cand, "KSQL_COL_%d", next);
            bool used = false;
            for (int s = 0; s < q->nsrc && !used; s++)
                used = find_col(&q->srcs[s], cand) >= 0;
            if (!used)
                break;
            next++;
        }
        items[i].name = wr_arena_printf(b->ar, "KSQL_COL_%d", next++);
        if (!items[i].name)
            return oom(b);
    }
    *out = items;
    *nout = n;
    return WEIR_OK;
}

/* Formats "A, B or C" of the candidate key columns. */
static const char *join_candidates(binder *b, const keyeq *k, int root,
                                   const char **first)
{
    wr_buf buf = WR_BUF_INIT;
    int total = 0;
    for (int i = 0; i < k->n; i++)
        if (keyeq_find(k, i) == root && keyeq_is_col(k, i, b->q->nsrc))
            total++;
    int seen = 0;
    for (int i = 0; i < k->n; i++) {
        if (keyeq_find(k, i) != root || !keyeq_is_col(k, i, b->q->nsrc))
            continue;
        const char *c = sql_of(b, k->e[i]);
        if (seen)
            wr_buf_puts(&buf, seen == total - 1 ? " or " : ", ");
        wr_buf_puts(&buf, c);
        if (!seen)
            *first = c;
        seen++;
    }
    const char *r = wr_arena_strdup(b->ar, wr_buf_str(&buf));
    wr_buf_fini(&buf);
    return r ? r : "?";
}

static weir_loc items_loc(const wr_select *sel)
{
    weir_loc l = WEIR_NOLOC;
    for (int i = 0; i < sel->items->n; i++)
        l = wr_loc_span(l, ((wr_select_item *)sel->items->item[i])->loc);
    return l;
}

/* Marks the items that carry the key and checks ksqlDB's key rules. */
static weir_rc assign_keys(binder *b, wr_select *sel, item *items, int n,
                           const wr_list *group, const wr_list *partition,
                           const keyeq *keq, int ka, int kb, bool synthetic,
                           const char *sink)
{
    wr_query *q = b->q;
    bool strict = b->persistent;
    weir_loc all = items_loc(sel);
    const char *target = sink ? sink : "the result";
    const wr_list *keyexprs = group ? group : partition;
    if (keyexprs) {
        for (int g = 0; g < keyexprs->n; g++) {
            const wr_expr *ge = keyexprs->item[g];
            if (ge->kind == WR_E_NULL)
                continue; /* PARTITION BY NULL: keyless */
            int first = -1;
            for (int i = 0; i < n; i++) {
                if (!wr_expr_equal(items[i].expr, ge))
                    continue;
                if (first >= 0 && strict) {
                    if (group)
                        return err(b, items[i].loc, WEIR_E_BIND,
                                   "The projection contains a key column more "
                                   "than once: `%s` and `%s`.",
                                   items[first].name, items[i].name);
                    return err(b, items[i].loc, WEIR_E_BIND,
                               "The projection contains a key column (`%s`) "
                               "more than once, aliased as: %s and %s.",
                               sql_of(b, ge), items[first].name, items[i].name);
                }
                if (first < 0) {
                    first = i;
                    items[i].key = true;
                    items[i].keyrank = g;
                }
            }
            /* A push query may leave out a grouping expression (its
             * result has no key then), not a partitioning one: PARTITION
             * BY only sets the key, so it must be selected in every query. */
            if (first < 0 && (strict || !group)) {
                const char *g_sql = sql_of(b, ge);
                if (!sink)
                    return err(b, all, WEIR_E_BIND,
                               "The query must include the partitioning "
                               "expression %s in its projection (eg, SELECT "
                               "%s...).",
                               g_sql, g_sql);
                return err(b, all, WEIR_E_BIND,
                           "The query used to build `%s` must include the %s "
                           "expression %s in its projection (eg, SELECT "
                           "%s...).",
                           target, group ? "grouping" : "partitioning", g_sql,
                           g_sql);
            }
        }
        return WEIR_OK;
    }
    if (q->nsrc > 1) {
        if (synthetic) {
            int first = -1;
            for (int i = 0; i < n; i++) {
                const wr_expr *e = items[i].expr;
                if (e->kind != WR_E_COLUMN || e->src != WR_SRC_JOINKEY)
                    continue;
                if (first >= 0 && strict)
                    return err(b, items[i].loc, WEIR_E_BIND,
                               "The projection contains a key column (`%s`) "
                               "more than once, aliased as: %s and %s.",
                               b->joinkey_name, items[first].name,
                               items[i].name);
                if (first < 0) {
                    first = i;
                    items[i].key = true;
                    items[i].keyrank = 0;
                }
            }
            if (first < 0 && strict)
                return err(b, all, WEIR_E_BIND,
                           "Key missing from projection (ie, SELECT). The "
                           "query used to build `%s` must include the join "
                           "expression %s in its projection (eg, SELECT "
                           "%s...).",
                           target, b->joinkey_name, b->joinkey_name);
            return WEIR_OK;
        }
        int root = keyeq_find(keq, ka >= 0 ? ka : kb);
        int first = -1;
        for (int i = 0; i < n; i++) {
            const wr_expr *e = items[i].expr;
            if (e->kind != WR_E_COLUMN || e->src >= q->nsrc)
                continue;
            bool cand = false;
            for (int m = 0; m < keq->n && !cand; m++)
                cand = keyeq_find(keq, m) == root &&
                       keyeq_is_col(keq, m, q->nsrc) &&
                       keq->e[m]->src == e->src && keq->e[m]->col == e->col;
            if (!cand)
                continue;
            if (first < 0) {
                first = i;
                items[i].key = true;
                continue;
            }
            /* ksqlDB keys the result by the leftmost source's column of
             * the key class when several are projected. */
            if (e->src < items[first].expr->src) {
                items[first].key = false;
                items[i].key = true;
                first = i;
                continue;
            }
            /* Another column of the key class is an ordinary value; the
             * key column itself may not appear twice. */
            const wr_expr *f = items[first].expr;
            if (strict && f->src == e->src && f->col == e->col)
                return err(b, items[i].loc, WEIR_E_BIND,
                           "The projection contains a key column (`%s`) more "
                           "than once, aliased as: %s and %s.",
                           sql_of(b, f), items[first].name, items[i].name);
        }
        if (first < 0 && strict) {
            const char *f = "?";
            const char *c = join_candidates(b, keq, root, &f);
            bool several = strstr(c, " or ") != NULL;
            return err(b, all, WEIR_E_BIND,
                       "The query used to build `%s` must include the join "
                       "expression%s %s in its projection (eg, SELECT %s...).",
                       target, several ? "s" : "", c, f);
        }
        return WEIR_OK;
    }
    /* Single source, no GROUP BY / PARTITION BY: the source's key. */
    const wr_scope_src *s = &q->srcs[0];
    for (int c = 0; c < s->ncols; c++) {
        if (!s->cols[c].key)
            continue;
        int first = -1;
        for (int i = 0; i < n; i++) {
            const wr_expr *e = items[i].expr;
            if (e->kind != WR_E_COLUMN || e->src != 0 || e->col != c)
                continue;
            if (first >= 0 && strict)
                return err(b, items[i].loc, WEIR_E_BIND,
                           "The projection contains a key column (`%s`) more "
                           "than once, aliased as: %s and %s.",
                           s->cols[c].name, items[first].name, items[i].name);
            if (first < 0) {
                first = i;
                items[i].key = true;
            }
        }
        if (first < 0 && strict)
            return err(b, all, WEIR_E_BIND,
                       "The query used to build `%s` must include the key "
                       "column %s in its projection (eg, SELECT %s...).",
                       target, s->cols[c].name, s->cols[c].name);
    }
    return WEIR_OK;
}

static weir_rc bind_select(binder *b, wr_select *sel, const char *sink)
{
    if (sel->union_next) /* not split by the engine: inside EXPLAIN */
        return err(b, sel->union_next->union_loc, WEIR_E_BIND,
                   "EXPLAIN of a UNION ALL: explain each branch (each runs "
                   "as its own query)");
    wr_query *q = wr_arena_zalloc(b->ar, sizeof *q);
    if (!q)
        return oom(b);
    b->q = q;
    int njoins = sel->joins ? sel->joins->n : 0;

    /* Sources. */
    const wr_source_ref *refs[65];
    if (njoins > 63)
        return err(b, sel->loc, WEIR_E_BIND, "Too many joins (at most 63)");
    refs[0] = &sel->from;
    for (int j = 0; j < njoins; j++)
        refs[j + 1] = &((wr_join *)sel->joins->item[j])->right;
    for (int i = 0; i <= njoins; i++) {
        const wr_source_ref *r = refs[i];
        const wr_source *src = wr_catalog_get(b->cat, r->name.name);
        if (!src) {
            suggest sg = {NULL, 9};
            for (int c = 0; c < wr_catalog_count(b->cat); c++)
                suggest_try(&sg, r->name.name, wr_catalog_at(b->cat, c)->name);
            return err(b, r->name.loc, WEIR_E_CATALOG, "%s does not exist.%s",
                       r->name.name, did_you_mean(b, &sg));
        }
        for (int k = 0; k < i; k++) {
            if (!strcmp(q->srcs[k].name, src->name)) {
                if (njoins == 1)
                    return err(b, r->name.loc, WEIR_E_BIND,
                               "Can not join '%s' to '%s': self joins are not "
                               "yet supported.",
                               src->name, src->name);
                return err(b, r->name.loc, WEIR_E_BIND,
                           "N-way joins do not support multiple occurrences "
                           "of the same source. Source: '%s'",
                           src->name);
            }
            const char *alias = r->alias.name ? r->alias.name : src->name;
            if (!strcmp(q->srcs[k].alias, alias))
                return err(b, r->alias.name ? r->alias.loc : r->name.loc,
                           WEIR_E_BIND, "Duplicate source alias: %s", alias);
        }
        TRY(scope_add(b, src, &r->alias, njoins + 1));
    }
    b->windowed = sel->window != NULL;

    wr_lnode *plan = lnode(b, WR_L_SCAN, NULL);
    if (!plan)
        return oom(b);
    plan->src = 0;

    keyeq *keq = wr_arena_zalloc(b->ar, sizeof *keq);
    if (!keq)
        return oom(b);
    int ka = -1, kb = -1;
    bool synthetic = false;
    TRY(bind_joins(b, sel, &plan, keq, &ka, &kb, &synthetic));
    if (synthetic) {
        /* ROWKEY, or ROWKEY_n when a source has a ROWKEY column. */
        const char *name = "ROWKEY";
        for (int n = 1;; n++) {
            bool used = false;
            for (int s = 0; s < q->nsrc && !used; s++)
                used = find_col(&q->srcs[s], name) >= 0;
            if (!used)
                break;
            name = wr_arena_printf(b->ar, "ROWKEY_%d", n);
            if (!name)
                return oom(b);
        }
        b->joinkey_name = name;
    }

    if (sel->where) {
        TRY(bind_in_clause(b, sel->where, CL_WHERE));
        TRY(want_bool(b, sel->where, "WHERE"));
        wr_lnode *f = lnode(b, WR_L_FILTER, plan);
        if (!f)
            return oom(b);
        f->pred = sel->where;
        f->what = "WHERE";
        plan = f;
    }

    wr_window_spec ws = {0};
    if (sel->window)
        TRY(bind_window(b, sel->window, &ws));

    for (int i = 0; sel->group_by && i < sel->group_by->n; i++)
        TRY(bind_in_clause(b, sel->group_by->item[i], CL_GROUP));
    for (int i = 0; sel->partition_by && i < sel->partition_by->n; i++)
        TRY(bind_in_clause(b, sel->partition_by->item[i], CL_PARTITION));
    if (sel->group_by && sel->partition_by)
        return err(b, sel->partition_loc, WEIR_E_BIND,
                   "PARTITION BY and GROUP BY can not be used in the same "
                   "query: GROUP BY already sets the key");

    b->saw_agg = false;
    item *items = NULL;
    int n = 0;
    TRY(bind_items(b, sel, &items, &n));
    bool agg_in_select = b->saw_agg;
    if (sel->having) {
        TRY(bind_in_clause(b, sel->having, CL_HAVING));
        TRY(want_bool(b, sel->having, "HAVING"));
    }
    bool has_agg = b->saw_agg;
    bool aggregate = sel->group_by || has_agg;
    (void)agg_in_select;

    /* A window scan (weir extension, Spark's window()): WINDOW without
     * aggregation emits every row once per window, when the window closes:
     * only with EMIT FINAL (ksqlDB rejects WINDOW without GROUP BY). */
    bool wscan = sel->window && !aggregate && sel->emit == WR_EMIT_FINAL;
    if (sel->window && !aggregate && !wscan)
        return err(b, sel->window->loc, WEIR_E_BIND,
                   "WINDOW clause requires a GROUP BY clause.");
    if (wscan && sel->emit_all)
        return err(b, sel->emit_loc, WEIR_E_BIND,
                   "EMIT FINAL ALL KEYS needs an aggregation (GROUP BY).");
    if (wscan && (sel->window->kind == WR_W_SESSION || ws.rows))
        return err(b, sel->window->loc, WEIR_E_BIND,
                   "A window without GROUP BY (a window scan) needs a "
                   "TUMBLING or HOPPING window of time.");
    bool from_table = true;
    for (int i = 0; i < q->nsrc; i++)
        from_table = from_table && q->srcs[i].table;
    if (sel->window && from_table)
        return err(b, sel->window->loc, WEIR_E_BIND,
                   "Windowing not supported for table aggregations.");
    if (sel->group_by && !has_agg)
        return err(b, sel->group_loc, WEIR_E_BIND,
                   "GROUP BY requires aggregate functions in either the SELECT "
                   "or HAVING clause.");
    if (sel->having && !aggregate)
        return err(b, sel->having->loc, WEIR_E_BIND,
                   "HAVING requires a GROUP BY clause or aggregate functions.");
    if (sel->emit == WR_EMIT_FINAL && !sel->window)
        return err(b, sel->emit_loc, WEIR_E_BIND,
                   "EMIT FINAL is only supported for windowed aggregations.");
    if (sel->emit_snapshot && (!aggregate || sel->window))
        return err(b, sel->emit_loc, WEIR_E_BIND,
                   "EMIT SNAPSHOT PER BATCH needs an aggregation without "
                   "WINDOW (a table, emitted whole after every batch).");
    if (sel->emit_all && sel->window && sel->window->kind == WR_W_SESSION)
        return err(b, sel->emit_loc, WEIR_E_BIND,
                   "EMIT FINAL ALL KEYS needs a TUMBLING or HOPPING window "
                   "of time.");
    if (sel->partition_by && aggregate)
        return err(b, sel->partition_loc, WEIR_E_BIND,
                   "PARTITION BY can not be used with aggregate functions; "
                   "use GROUP BY");

    wr_list *aggs = NULL;
    if (aggregate) {
        for (int i = 0; i < n; i++) {
            const wr_expr *bad = ungrouped(items[i].expr, sel->group_by);
            if (bad)
                return err(b, items[i].expr->loc, WEIR_E_BIND,
                           "Non-aggregate SELECT expression(s) not part of "
                           "GROUP BY: %s",
                           sql_of(b, items[i].expr));
            TRY(collect_aggs(b, items[i].expr, &aggs));
        }
        if (sel->having) {
            const wr_expr *bad = ungrouped(sel->having, sel->group_by);
            if (bad)
                return err(b, bad->loc, WEIR_E_BIND,
                           "Non-aggregate HAVING expression not part of GROUP "
                           "BY: %s",
                           sql_of(b, bad));
            TRY(collect_aggs(b, sel->having, &aggs));
        }
    }

    if (aggregate && from_table)
        TRY(check_table_aggs(b, aggs));

    /* Reserved output names in persistent queries. */
    for (int i = 0; b->persistent && i < n; i++) {
        const wr_expr *e = items[i].expr;
        if (items[i].aliased && is_reserved_name(items[i].name))
            return err(b, items[i].alias_loc, WEIR_E_BIND,
                       "`%s` is a reserved column name. You cannot use it as "
                       "an alias for a column.",
                       items[i].name);
        if (!items[i].aliased && e->kind == WR_E_COLUMN &&
            e->src != WR_SRC_WINDOW && is_reserved_name(items[i].name) &&
            !is_window_bound(items[i].name))
            return err(b, e->loc, WEIR_E_BIND,
                       "Reserved column name in select: `%s`. Please remove or "
                       "alias the column.",
                       items[i].name);
    }

    /* An aggregate without GROUP BY is one global group: no key. */
    if (!(aggregate && !sel->group_by))
        TRY(assign_keys(b, sel, items, n, sel->group_by, sel->partition_by, keq,
                        ka, kb, synthetic, sink));

    /* Output schema: keys first, then values; names unique. */
    int nvals = 0;
    for (int i = 0; i < n; i++)
        nvals += !items[i].key;
    if (b->persistent && nvals == 0)
        return err(b, items_loc(sel), WEIR_E_BIND,
                   "The projection contains no value columns.");
    wr_out_col *cols = wr_arena_zalloc(b->ar, sizeof *cols * (size_t)(n + 1));
    if (!cols)
        return oom(b);
    int k = 0;
    /* Key columns in GROUP BY / PARTITION BY order, as ksqlDB. */
    int *order = wr_arena_zalloc(b->ar, sizeof(int) * (size_t)(n + 1));
    if (!order)
        return oom(b);
    int maxr = 0, m = 0;
    for (int i = 0; i < n; i++)
        if (items[i].key && items[i].keyrank > maxr)
            maxr = items[i].keyrank;
    for (int r = 0; r <= maxr; r++)
        for (int i = 0; i < n; i++)
            if (items[i].key && items[i].keyrank == r)
                order[m++] = i;
    for (int i = 0; i < n; i++)
        if (!items[i].key)
            order[m++] = i;
    for (int pass = 0; pass < 2; pass++) {
        for (int oi = 0; oi < n; oi++) {
            int i = order[oi];
            if (items[i].key != (pass == 0))
                continue;
            for (int j = 0; j < k; j++) {
                if (strcmp(cols[j].name, items[i].name))
                    continue;
                if (!cols[j].key && !items[i].key)
                    return err(b, items[i].loc, WEIR_E_BIND,
                               "Duplicate value columns found in schema: `%s` "
                               "%s",
                               items[i].name, tname(b, items[i].expr->type));
                return err(b, items[i].loc, WEIR_E_BIND,
                           "Duplicate column name `%s` in the projection: "
                           "a key and a value column can not share a name",
                           items[i].name);
            }
            if (is_null_type(items[i].expr->type) && b->persistent)
                return err(
                    b, items[i].expr->loc, WEIR_E_TYPE,
                    "Can't infer a type of null. Please explicitly cast "
                    "it to a required type, e.g. CAST(null AS VARCHAR).");
            cols[k].name = items[i].name;
            cols[k].type = items[i].expr->type;
            cols[k].key = items[i].key;
            cols[k].expr = items[i].expr;
            k++;
        }
    }

    /* Plan. */
    if (sel->partition_by) {
        wr_lnode *r = lnode(b, WR_L_REPARTITION, plan);
        if (!r)
            return oom(b);
        r->partition = sel->partition_by;
        plan = r;
    }
    if (wscan) {
        wr_lnode *w = lnode(b, WR_L_WINDOW, plan);
        if (!w)
            return oom(b);
        w->window = ws;
        w->emit = WR_EMIT_FINAL;
        plan = w;
    }
    if (aggregate) {
        wr_lnode *a = lnode(b, WR_L_AGGREGATE, plan);
        if (!a)
            return oom(b);
        a->group = sel->group_by;
        a->aggs = aggs;
        a->window = ws;
        a->emit = sel->emit;
        a->emit_all = sel->emit_all;
        a->emit_snapshot = sel->emit_snapshot;
        if (a->emit_all && ws.rows)
            return err(b, sel->emit_loc, WEIR_E_BIND,
                       "EMIT FINAL ALL KEYS needs a TUMBLING or HOPPING "
                       "window of time.");
        plan = a;
        if (sel->having) {
            wr_lnode *f = lnode(b, WR_L_FILTER, plan);
            if (!f)
                return oom(b);
            f->pred = sel->having;
            f->what = "HAVING";
            plan = f;
        }
    }
    wr_lnode *p = lnode(b, WR_L_PROJECT, plan);
    if (!p)
        return oom(b);
    p->ncols = k;
    p->cols = cols;
    q->plan = p;
    q->aggregate = aggregate;
    q->limit = sel->limit;
    bool all_tables = true;
    for (int i = 0; i < q->nsrc; i++)
        all_tables = all_tables && q->srcs[i].table;
    q->result_table = aggregate || all_tables;
    if (sel->limit) {
        errno = 0;
        char *end;
        long long lim = strtoll(sel->limit, &end, 10);
        if (errno || *end || lim <= 0)
            return err(b, sel->limit_loc, WEIR_E_BIND,
                       "LIMIT must be a positive integer");
        if (b->persistent)
            return err(b, sel->limit_loc, WEIR_E_BIND,
                       "LIMIT is only supported for push queries (SELECT ... "
                       "EMIT CHANGES), not for persistent queries");
    }
    return WEIR_OK;
}

/* ---- persistent queries: the sink ---------------------------------------- */

static weir_rc build_sink(binder *b, wr_stmt *s, wr_bound *out)
{
    wr_query *q = b->q;
    const wr_lnode *proj = q->plan;
    const wr_scope_src *first = &q->srcs[0];
    wr_source *src = wr_source_new(s->name.name);
    if (!src)
        return oom(b);
    out->create = src;
    src->table = s->table;
    src->cols =
        wr_arena_zalloc(src->ar, sizeof *src->cols * (size_t)(proj->ncols + 1));
    if (!src->cols)
        return oom(b);
    int nkeys = 0;
    for (int i = 0; i < proj->ncols; i++) {
        src->cols[i].name = wr_arena_strdup(src->ar, proj->cols[i].name);
        src->cols[i].type = wr_type_dup(src->ar, proj->cols[i].type);
        src->cols[i].key = proj->cols[i].key;
        nkeys += proj->cols[i].key;
        if (!src->cols[i].name || !src->cols[i].type)
            return oom(b);
    }
    src->ncols = proj->ncols;
    const wr_prop *topic = wr_props_find(s->with, "KAFKA_TOPIC");
    src->topic = topic ? wr_arena_strndup(src->ar, topic->value->sval,
                                          (size_t)topic->value->slen)
                       : wr_arena_strdup(src->ar, s->name.name);
    wr_format kf = first->src->key_format, vf = first->src->value_format;
    bool kset, vset;
    TRY(read_formats(b, s->with, &kf, &vf, &kset, &vset));
    if (nkeys == 0 && !kset)
        kf = WR_FMT_NONE;
    else if (nkeys > 0 && kf == WR_FMT_NONE && !kset)
        kf = WR_FMT_KAFKA;
    src->key_format = kf;
    src->value_format = vf;
    TRY(wr_props_check_formats(s->with, kf, vf, b->st));
    TRY(check_file_format(b, s->with, src, true));
    src->partitions = prop_int(s->with, "PARTITIONS");
    if (!src->partitions)
        src->partitions = first->src->partitions;
    src->replicas = prop_int(s->with, "REPLICAS");
    if (!src->topic)
        return oom(b);
    const wr_lnode *agg = proj->input;
    while (agg && agg->kind != WR_L_AGGREGATE)
        agg = agg->input;
    if (agg) {
        src->window = agg->window;
        if (vf == WR_FMT_DELIMITED) {
            for (int i = 0; agg->aggs && i < agg->aggs->n; i++) {
                const wr_expr *a = agg->aggs->item[i];
                if (a->fn->flags & WR_FN_STRUCT_STATE)
                    return err(b, a->loc, WEIR_E_BIND,
                               "One of the functions used in the statement "
                               "has an intermediate type that the value "
                               "format can not handle. Please remove the "
                               "function or change the format.");
            }
        }
    }
    weir_loc where = s->with ? s->with_loc : b->stmt->select->loc;
    TRY(check_formats(b, src, NULL, where));
    TRY(check_timestamp(b, src, s->with));
    TRY(copy_props(b, src, s->with));
    TRY(check_wrap(b, src, s->with));
    return WEIR_OK;
}

static weir_rc bind_create_as(binder *b, wr_stmt *s, wr_bound *out)
{
    bool noop;
    TRY(check_new_name(b, s, out, &noop));
    if (noop)
        return WEIR_OK;
    TRY(wr_props_check(s->with, WR_PROP_SINK, b->st));
    if (s->union_n && s->table)
        return err(b, s->union_loc, WEIR_E_BIND,
                   "UNION ALL combines streams: use CREATE STREAM ... AS "
                   "SELECT ... UNION ALL SELECT ...");
    b->persistent = true;
    TRY(bind_select(b, s->select, s->name.name));
    if (b->q->result_table && !s->table)
        return err(b, s->name.loc, WEIR_E_BIND,
                   "Invalid result type. Your SELECT query produces a TABLE. "
                   "Please use CREATE TABLE AS SELECT statement instead.");
    if (!b->q->result_table && s->table)
        return err(b, s->name.loc, WEIR_E_BIND,
                   "Invalid result type. Your SELECT query produces a STREAM. "
                   "Please use CREATE STREAM AS SELECT statement instead.");
    for (int i = 0; i < b->q->nsrc; i++)
        if (!strcmp(b->q->srcs[i].name, s->name.name))
            return err(b, s->name.loc, WEIR_E_BIND,
                       "Cannot create %s '%s' from itself", kind_word(s->table),
                       s->name.name);
    TRY(build_sink(b, s, out));
    wr_lnode *sink = lnode(b, WR_L_SINK, b->q->plan);
    if (!sink)
        return oom(b);
    sink->sink = out->create;
    sink->create = true;
    sink->ncols = b->q->plan->ncols;
    sink->cols = b->q->plan->cols;
    b->q->plan = sink;
    out->query_kind = s->table ? "CTAS" : "CSAS";
    out->sink_name = s->name.name;
    return WEIR_OK;
}

static bool query_exists(const wr_catalog *cat, const char *id);

/* The id QUERY_ID gives an INSERT INTO, as ksqlDB checks it: upper-cased,
 * letters, digits and '_' only, not starting with a prefix of the ids weir
 * numbers itself; and not the id of a query already registered. Sets
 * *out (in the query arena). */
static weir_rc check_query_id(binder *b, const wr_prop *pr, const char **out)
{
    static const char *const reserved[] = {"INSERTQUERY_", "CTAS_", "CSAS_",
                                           "CST_"};
    const wr_expr *v = pr->value;
    char *id = wr_arena_strndup(b->ar, v->sval, (size_t)v->slen);
    if (!id)
        return oom(b);
    for (char *c = id; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (!strncmp(id, reserved[i], strlen(reserved[i])))
            return err(b, v->loc, WEIR_E_BIND,
                       "Query IDs must not start with a reserved query ID "
                       "prefix (INSERTQUERY_, CTAS_, CSAS_, CST_). Got '%s'.",
                       id);
    bool ok = *id != '\0' && (size_t)v->slen == strlen(id);
    for (const char *c = id; ok && *c; c++)
        ok = isalnum((unsigned char)*c) || *c == '_';
    if (!ok)
        return err(b, v->loc, WEIR_E_BIND,
                   "Query IDs may contain only alphanumeric characters and "
                   "'_'. Got: '%s'",
                   id);
    if (query_exists(b->cat, id))
        return err(b, v->loc, WEIR_E_CATALOG,
                   "Query ID '%s' is already used by another query: "
                   "TERMINATE %s first, or choose another id",
                   id, id);
    *out = id;
    return WEIR_OK;
}

static weir_rc bind_insert_select(binder *b, wr_stmt *s, wr_bound *out)
{
    const wr_source *dst = wr_catalog_get(b->cat, s->name.name);
    if (!dst)
        return err(b, s->name.loc, WEIR_E_CATALOG, "%s does not exist.",
                   s->name.name);
    if (dst->table)
        return err(b, s->name.loc, WEIR_E_BIND,
                   "INSERT INTO can only be used to insert into a stream. %s "
                   "is a table.",
                   dst->name);
    TRY(wr_props_check(s->with, WR_PROP_INSERT, b->st));
    const wr_prop *qid = wr_props_find(s->with, "QUERY_ID");
    if (qid && s->union_n)
        return err(b, qid->loc, WEIR_E_BIND,
                   "QUERY_ID names one query, and INSERT INTO ... UNION ALL "
                   "starts one per branch: write each branch as its own "
                   "INSERT INTO");
    if (qid)
        TRY(check_query_id(b, qid, &out->query_id));
    b->persistent = true;
    TRY(bind_select(b, s->select, s->name.name));
    if (b->q->result_table)
        return err(b, s->select->loc, WEIR_E_BIND,
                   "INSERT INTO can only be used with a query that produces a "
                   "stream; this SELECT produces a table.");
    for (int i = 0; i < b->q->nsrc; i++)
        if (!strcmp(b->q->srcs[i].name, dst->name))
            return err(b, s->name.loc, WEIR_E_BIND,
                       "Cannot insert into %s from itself", dst->name);
    const wr_lnode *p = b->q->plan;
    bool ok = p->ncols == dst->ncols;
    for (int i = 0; ok && i < p->ncols; i++)
        ok = !strcmp(p->cols[i].name, dst->cols[i].name) &&
             p->cols[i].key == dst->cols[i].key &&
             wr_type_equal(p->cols[i].type, dst->cols[i].type);
    if (!ok) {
        wr_buf r = WR_BUF_INIT, d = WR_BUF_INIT;
        char t[160];
        for (int i = 0; i < p->ncols; i++)
            wr_buf_printf(&r, "%s`%s` %s%s", i ? ", " : "", p->cols[i].name,
                          wr_type_format(p->cols[i].type, t, sizeof t),
                          p->cols[i].key ? " KEY" : "");
        for (int i = 0; i < dst->ncols; i++)
            wr_buf_printf(&d, "%s`%s` %s%s", i ? ", " : "", dst->cols[i].name,
                          wr_type_format(dst->cols[i].type, t, sizeof t),
                          dst->cols[i].key ? " KEY" : "");
        weir_rc rc = err(b, s->select->loc, WEIR_E_BIND,
                         "Incompatible schema between results and sink. "
                         "Result schema is [%s], Sink schema is [%s].",
                         wr_buf_str(&r), wr_buf_str(&d));
        wr_buf_fini(&r);
        wr_buf_fini(&d);
        return rc;
    }
    wr_lnode *sink = lnode(b, WR_L_SINK, b->q->plan);
    if (!sink)
        return oom(b);
    sink->sink = dst;
    sink->ncols = p->ncols;
    sink->cols = p->cols;
    b->q->plan = sink;
    out->query_kind = "INSERTQUERY";
    out->sink_name = dst->name;
    return WEIR_OK;
}

static weir_rc bind_insert_values(binder *b, wr_stmt *s)
{
    const wr_source *dst = wr_catalog_get(b->cat, s->name.name);
    if (!dst)
        return err(b, s->name.loc, WEIR_E_CATALOG, "%s does not exist.",
                   s->name.name);
    int nv = s->values ? s->values->n : 0;
    /* Target columns: as listed, or every column (keys first). */
    int nc = s->cols ? s->cols->n : dst->ncols;
    if (nc != nv)
        return err(
            b, s->values && nv ? ((wr_expr *)s->values->item[0])->loc : s->loc,
            WEIR_E_BIND,
            "Expected a value for each column. Expected %d values, "
            "got %d.",
            nc, nv);
    b->q = NULL;
    b->cl = CL_VALUES;
    for (int i = 0; i < nv; i++) {
        wr_expr *v = s->values->item[i];
        TRY(bind_expr(b, v));
        const char *cname;
        weir_loc cloc = v->loc;
        const wr_type *ct = NULL;
        if (s->cols) {
            const wr_ident *id = s->cols->item[i];
            cname = id->name;
            cloc = id->loc;
            for (int j = 0; j < i; j++)
                if (!strcmp(((wr_ident *)s->cols->item[j])->name, cname))
                    return err(b, id->loc, WEIR_E_BIND,
                               "Column %s given more than once", cname);
            if (!strcmp(cname, "ROWTIME"))
                ct = prim(WR_T_BIGINT);
        } else {
            cname = dst->cols[i].name;
        }
        for (int j = 0; !ct && j < dst->ncols; j++)
            if (!strcmp(dst->cols[j].name, cname))
                ct = dst->cols[j].type;
        if (!ct)
            return err(b, cloc, WEIR_E_BIND,
                       "Column name %s does not exist in %s.", cname,
                       dst->name);
        bool ok = wr_type_widens_to(v->type, ct) ||
                  (wr_type_is_numeric(v->type) && wr_type_is_numeric(ct) &&
                   is_literal(v)) ||
                  (v->kind == WR_E_STRING && wr_type_is_primitive(ct) &&
                   literal_parses(v->sval, ct));
        if (!ok)
            return err(b, v->loc, WEIR_E_TYPE,
                       "Expected type %s for field %s but got %s(%s)",
                       tname(b, ct), cname, sql_of(b, v), tname(b, v->type));
    }
    return WEIR_OK;
}

static bool query_exists(const wr_catalog *cat, const char *id)
{
    for (int i = 0; i < wr_catalog_query_count(cat); i++)
        if (!strcasecmp(wr_catalog_query_at(cat, i)->id, id))
            return true;
    return false;
}

/* Appends ", "-separated ids to buf[n] at *used (what does not fit is
 * cut with "..."). */
static void add_id(char *buf, size_t n, size_t *used, const char *id)
{
    if (*used >= n - 1)
        return;
    int w = snprintf(buf + *used, n - *used, "%s%s", *used ? ", " : "", id);
    if (w < 0 || (size_t)w >= n - *used) {
        snprintf(buf + (n > 4 ? n - 4 : 0), n > 4 ? 4 : n, "...");
        *used = n - 1;
    } else {
        *used += (size_t)w;
    }
}

/* DROP of src: refused while a registered persistent query reads it or
 * writes into it, naming them in ksqlDB's words (one line instead of
 * ksqlDB's four). TERMINATE unregisters a query. */
static weir_rc check_drop(binder *b, const wr_stmt *s, const wr_source *src)
{
    char rd[80] = "", wr[80] = "";
    size_t nrd = 0, nwr = 0;
    for (int i = 0; i < wr_catalog_query_count(b->cat); i++) {
        const wr_query_def *qd = wr_catalog_query_at(b->cat, i);
        for (int k = 0; k < qd->nreads; k++)
            if (!strcmp(qd->reads[k], src->name)) {
                add_id(rd, sizeof rd, &nrd, qd->id);
                break;
            }
        if (!strcmp(qd->sink, src->name))
            add_id(wr, sizeof wr, &nwr, qd->id);
    }
    if (!nrd && !nwr)
        return WEIR_OK;
    return err(b, s->name.loc, WEIR_E_CATALOG,
               "Cannot drop %s. The following queries read from this "
               "source: [%s]. The following queries write into this source: "
               "[%s]. You need to terminate them before dropping %s.",
               src->name, rd, wr, src->name);
}

static weir_rc bind_stmt(binder *b, wr_stmt *s, wr_bound *out, bool in_explain)
{
    b->stmt = s;
    switch (s->kind) {
    case WR_S_CREATE_SOURCE:
        return bind_create_source(b, s, out);
    case WR_S_CREATE_AS:
        return bind_create_as(b, s, out);
    case WR_S_INSERT_SELECT:
        return bind_insert_select(b, s, out);
    case WR_S_INSERT_VALUES:
        return bind_insert_values(b, s);
    case WR_S_SELECT:
        if (s->union_n)
            return err(b, s->union_loc, WEIR_E_BIND,
                       "UNION ALL is not supported in a push query: write "
                       "CREATE STREAM name AS SELECT ... UNION ALL SELECT ...");
        TRY(bind_select(b, s->select, NULL));
        return WEIR_OK;
    case WR_S_DROP: {
        const wr_source *src = wr_catalog_get(b->cat, s->name.name);
        if (!src) {
            if (s->if_exists)
                return WEIR_OK;
            return err(b, s->name.loc, WEIR_E_CATALOG, "%s %s does not exist.",
                       s->table ? "Table" : "Stream", s->name.name);
        }
        if (src->table != s->table)
            return err(b, s->name.loc, WEIR_E_CATALOG,
                       "Incompatible data source type is %s, but statement "
                       "was DROP %s",
                       src->table ? "TABLE" : "STREAM",
                       s->table ? "TABLE" : "STREAM");
        TRY(check_drop(b, s, src));
        out->drop = src->name;
        return WEIR_OK;
    }
    case WR_S_DESCRIBE:
        if (s->str) { /* DESCRIBE <word> <name> */
            if (strcmp(s->str, "FUNCTION") != 0)
                return err(b, s->str_loc, WEIR_E_SYNTAX,
                           "syntax error near '%s': expected DESCRIBE name "
                           "[EXTENDED] or DESCRIBE FUNCTION name",
                           s->str);
            if (!wr_func_lookup(s->name.name, strlen(s->name.name)))
                return err(b, s->name.loc, WEIR_E_BIND,
                           "Can't find any functions with the name '%s'.",
                           s->name.name);
            return WEIR_OK;
        }
        if (!wr_catalog_get(b->cat, s->name.name)) {
            suggest sg = {NULL, 9};
            for (int c = 0; c < wr_catalog_count(b->cat); c++)
                suggest_try(&sg, s->name.name, wr_catalog_at(b->cat, c)->name);
            return err(b, s->name.loc, WEIR_E_CATALOG,
                       "Could not find STREAM/TABLE '%s' in the Metastore.%s",
                       s->name.name, did_you_mean(b, &sg));
        }
        return WEIR_OK;
    case WR_S_SET:
    case WR_S_UNSET:
        if (s->kind == WR_S_SET && wr_props_session_known(s->str)) {
            char why[160];
            if (!wr_props_session_value_ok(s->str, s->str2, why, sizeof why))
                return err(b, s->str2_loc, WEIR_E_BIND,
                           "Invalid value '%s' for '%s': %s", s->str2, s->str,
                           why);
        }
        if (!wr_props_session_known(s->str))
            return err(b, s->str_loc, WEIR_E_BIND,
                       "Unknown property '%s': weir knows batch.interval, "
                       "auto.offset.reset, checkpoint.dir, threads, ... "
                       "(SHOW PROPERTIES), 'ksql.*' and 'kafka.<librdkafka "
                       "property>'",
                       s->str);
        return WEIR_OK;
    case WR_S_TERMINATE:
        if (!s->all && !query_exists(b->cat, s->str))
            return err(b, s->str_loc, WEIR_E_CATALOG, "Unknown queryId: %s",
                       s->str);
        return WEIR_OK;
    case WR_S_EXPLAIN:
        if (in_explain)
            return err(b, s->loc, WEIR_E_BIND, "EXPLAIN of EXPLAIN");
        if (s->inner) {
            wr_stmt_kind k = s->inner->kind;
            if (k != WR_S_SELECT && k != WR_S_CREATE_AS &&
                k != WR_S_INSERT_SELECT)
                return err(b, s->inner->loc, WEIR_E_BIND,
                           "EXPLAIN works on queries (SELECT, CREATE ... AS "
                           "SELECT, INSERT INTO ... SELECT) and query ids");
            TRY(bind_stmt(b, s->inner, out, true));
            /* Explaining has no effect on the catalog; the query still
             * points to the source a CREATE would add. */
            out->explained = out->create;
            out->create = NULL;
            out->query_kind = NULL;
            out->sink_name = NULL;
            out->drop = NULL;
            out->create_noop = false;
            out->stmt = s->inner;
            return WEIR_OK;
        }
        if (!query_exists(b->cat, s->str))
            return err(b, s->str_loc, WEIR_E_CATALOG, "Unknown queryId: %s",
                       s->str);
        return WEIR_OK;
    case WR_S_SHOW:
    case WR_S_RUN_SCRIPT:
        return WEIR_OK;
    default:
        return err(b, s->loc, WEIR_E_INTERNAL, "unknown statement");
    }
}

weir_rc wr_bind(const wr_catalog *cat, const char *text, wr_stmt *stmt,
                wr_arena *ar, wr_bound *out, weir_status *st)
{
    weir_status local;
    if (!st)
        st = &local;
    weir_status_clear(st);
    memset(out, 0, sizeof *out);
    out->stmt = stmt;
    binder b;
    memset(&b, 0, sizeof b);
    b.cat = cat;
    b.text = text;
    b.ar = ar;
    b.st = st;
    weir_rc rc = bind_stmt(&b, stmt, out, false);
    if (rc != WEIR_OK) {
        wr_bound_fini(out);
        return rc;
    }
    out->query = b.q;
    if (stmt->kind == WR_S_EXPLAIN && !stmt->inner)
        out->query = NULL;
    if (out->create) {
        out->create->sql = wr_arena_strndup(
            out->create->ar, text + stmt->loc.off, (size_t)stmt->loc.len);
        if (!out->create->sql) {
            wr_bound_fini(out);
            return weir_status_set(st, WEIR_E_NOMEM, stmt->loc,
                                   "out of memory");
        }
    }
    return WEIR_OK;
}

void wr_bound_fini(wr_bound *b)
{
    wr_source_free(b->create);
    wr_source_free(b->explained);
    b->create = NULL;
    b->explained = NULL;
}
