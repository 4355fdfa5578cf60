/*
 * ast.c: AST constructors, the SQL text form of expressions, and the AST dump.
 *
 * Constructors allocate in the statement's query arena (wr_parse.ar) and
 * never free anything: a failed allocation records WEIR_E_NOMEM in the parse
 * state and returns NULL, and NULL operands propagate, so grammar actions stay
 * one line and the driver discards the statement at the end. Identifiers are
 * normalized here (upper-cased unless quoted, quotes removed).
 *
 * wr_ast_expr_sql() prints expressions the way ksqlDB's ExpressionFormatter
 * does ("(A + B)", "SUBSTRING(SOURCE, 0, 1)", "'x'"), because error messages
 * quote expressions in that form. wr_ast_stmt_dump() prints an S-expression
 * used by golden tests.
 */
#include "parser/ast.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "parser/parser_int.h"

const char *wr_parse_text(const wr_parse *p, weir_loc loc)
{
    return p->text + loc.off;
}

weir_loc wr_loc_span(weir_loc a, weir_loc b)
{
    if (a.off < 0)
        return b;
    if (b.off < 0)
        return a;
    int32_t s = a.off < b.off ? a.off : b.off;
    int32_t ea = a.off + a.len, eb = b.off + b.len;
    int32_t e = ea > eb ? ea : eb;
    return (weir_loc){s, e - s};
}

weir_loc wr_parse_span(const wr_parse *p, weir_loc from)
{
    int32_t end = p->prev_end;
    if (end < from.off + from.len)
        end = from.off + from.len;
    return (weir_loc){from.off, end - from.off};
}

static void *node(wr_parse *p, size_t n)
{
    void *v = wr_arena_zalloc(p->ar, n);
    if (!v)
        wr_parse_oom(p);
    return v;
}

wr_list *wr_list_push(wr_arena *ar, wr_list *list, void *item)
{
    if (!list && !(list = wr_arena_zalloc(ar, sizeof *list)))
        return NULL;
    if (list->n == list->cap) {
        int cap = list->cap ? list->cap * 2 : 4;
        void **items = wr_arena_alloc(ar, sizeof(void *) * (size_t)cap);
        if (!items)
            return list;
        if (list->n)
            memcpy(items, list->item, sizeof(void *) * (size_t)list->n);
        list->item = items;
        list->cap = cap;
    }
    list->item[list->n++] = item;
    return list;
}

wr_list *wr_ast_list_append(wr_parse *p, wr_list *list, void *item)
{
    if (!item)
        return list;
    int before = list ? list->n : 0;
    wr_list *l = wr_list_push(p->ar, list, item);
    if (!l || l->n == before)
        wr_parse_oom(p);
    return l ? l : list;
}

const char *wr_ast_tok(wr_parse *p, weir_loc tok)
{
    char *s = wr_arena_strndup(p->ar, p->text + tok.off, (size_t)tok.len);
    if (!s)
        wr_parse_oom(p);
    return s;
}

const char *wr_ast_unquote(wr_parse *p, weir_loc tok, int32_t *len)
{
    const char *t = p->text + tok.off;
    if (tok.len < 2) {
        if (len)
            *len = 0;
        return "";
    }
    char q = t[0];
    char *s = wr_arena_alloc(p->ar, (size_t)tok.len);
    if (!s) {
        wr_parse_oom(p);
        return NULL;
    }
    int32_t n = 0;
    for (int32_t i = 1; i < tok.len - 1; i++) {
        s[n++] = t[i];
        if (t[i] == q && i + 1 < tok.len - 1 && t[i + 1] == q)
            i++;
    }
    s[n] = '\0';
    if (len)
        *len = n;
    return s;
}

wr_ident wr_ast_noident(void)
{
    return (wr_ident){NULL, false, WEIR_NOLOC};
}

wr_ident wr_ast_ident(wr_parse *p, weir_loc tok, bool quoted)
{
    wr_ident id = {NULL, quoted, tok};
    if (quoted) {
        id.name = wr_ast_unquote(p, tok, NULL);
        return id;
    }
    char *s = wr_arena_alloc(p->ar, (size_t)tok.len + 1);
    if (!s) {
        wr_parse_oom(p);
        return id;
    }
    for (int32_t i = 0; i < tok.len; i++)
        s[i] = (char)toupper((unsigned char)p->text[tok.off + i]);
    s[tok.len] = '\0';
    id.name = s;
    return id;
}

wr_ident *wr_ast_ident_dup(wr_parse *p, wr_ident id)
{
    wr_ident *c = node(p, sizeof *c);
    if (c)
        *c = id;
    return c;
}

/* Nesting limit for expressions: binder, printer and executor recurse on
 * the tree, so a pathological "1+1+...+1" must not exhaust the C stack
 * (found by fuzzing: 2000 levels overflowed 8 MiB under ASan). 256 levels
 * is far beyond any real query and a few hundred KiB of stack at most. */
#define MAX_HEIGHT 256

static int height_of(const wr_expr *e)
{
    return e ? e->height : 0;
}

/* Sets e's height from its operands; records an error past MAX_HEIGHT. */
static wr_expr *grow_height(wr_parse *p, wr_expr *e)
{
    if (!e)
        return NULL;
    int h = height_of(e->a);
    if (height_of(e->b) > h)
        h = height_of(e->b);
    if (height_of(e->c) > h)
        h = height_of(e->c);
    for (int i = 0; e->list && i < e->list->n; i++)
        if (height_of(e->list->item[i]) > h)
            h = height_of(e->list->item[i]);
    e->height = h + 1;
    if (e->height > MAX_HEIGHT) {
        wr_parse_error(p, e->loc, "expression too deeply nested");
        return NULL;
    }
    return e;
}

static wr_expr *expr_new(wr_parse *p, wr_expr_kind kind, weir_loc loc)
{
    wr_expr *e = node(p, sizeof *e);
    if (!e)
        return NULL;
    e->kind = kind;
    e->loc = loc;
    e->src = -1;
    e->col = -1;
    e->qual = wr_ast_noident();
    e->name = wr_ast_noident();
    e->height = 1;
    return e;
}

wr_expr *wr_ast_literal(wr_parse *p, wr_expr_kind kind, weir_loc tok)
{
    wr_expr *e = expr_new(p, kind, tok);
    if (e &&
        (kind == WR_E_INTEGER || kind == WR_E_DECIMAL || kind == WR_E_DOUBLE))
        e->text = wr_ast_tok(p, tok);
    return e;
}

wr_expr *wr_ast_string(wr_parse *p, weir_loc tok)
{
    wr_expr *e = expr_new(p, WR_E_STRING, tok);
    if (e)
        e->sval = wr_ast_unquote(p, tok, &e->slen);
    return e;
}

wr_expr *wr_ast_column(wr_parse *p, const wr_ident *qual, wr_ident name)
{
    weir_loc loc = qual ? wr_loc_span(qual->loc, name.loc) : name.loc;
    wr_expr *e = expr_new(p, WR_E_COLUMN, loc);
    if (!e)
        return NULL;
    if (qual)
        e->qual = *qual;
    e->name = name;
    return e;
}

wr_expr *wr_ast_star(wr_parse *p, const wr_ident *qual, weir_loc loc)
{
    wr_expr *e = expr_new(p, WR_E_STAR, loc);
    if (e && qual)
        e->qual = *qual;
    return e;
}

wr_expr *wr_ast_unary(wr_parse *p, wr_op op, wr_expr *a, weir_loc oploc)
{
    if (!a)
        return NULL;
    weir_loc loc = wr_loc_span(oploc, a->loc);
    /* -<number literal> is the literal itself, so that the full range of
     * BIGINT is writable and "-9223372036854775809" is reported whole. */
    if (op == WR_OP_NEG && !a->parens && a->text &&
        (a->kind == WR_E_INTEGER || a->kind == WR_E_DECIMAL ||
         a->kind == WR_E_DOUBLE) &&
        a->text[0] != '-') {
        char *t = wr_arena_printf(p->ar, "-%s", a->text);
        if (!t) {
            wr_parse_oom(p);
            return NULL;
        }
        a->text = t;
        a->loc = loc;
        return a;
    }
    wr_expr *e = expr_new(p, WR_E_UNARY, loc);
    if (e) {
        e->op = op;
        e->a = a;
    }
    return grow_height(p, e);
}

wr_expr *wr_ast_binary(wr_parse *p, wr_op op, wr_expr *a, wr_expr *b)
{
    if (!a || !b)
        return NULL;
    wr_expr *e = expr_new(p, WR_E_BINARY, wr_loc_span(a->loc, b->loc));
    if (e) {
        e->op = op;
        e->a = a;
        e->b = b;
    }
    return grow_height(p, e);
}

wr_expr *wr_ast_pred(wr_parse *p, wr_expr_kind kind, wr_expr *a, wr_expr *b,
                     wr_expr *c, bool negated)
{
    if (!a)
        return NULL;
    wr_expr *e = expr_new(p, kind, wr_parse_span(p, a->loc));
    if (e) {
        e->a = a;
        e->b = b;
        e->c = c;
        e->negated = negated;
    }
    return grow_height(p, e);
}

wr_expr *wr_ast_case(wr_parse *p, weir_loc start, wr_expr *operand,
                     wr_list *whens, wr_expr *else_)
{
    wr_expr *e = expr_new(p, WR_E_CASE, wr_parse_span(p, start));
    if (e) {
        e->a = operand;
        e->list = whens;
        e->c = else_;
    }
    return grow_height(p, e);
}

wr_expr *wr_ast_when(wr_parse *p, weir_loc start, wr_expr *cond, wr_expr *then)
{
    if (!cond || !then)
        return NULL;
    wr_expr *e = expr_new(p, WR_E_WHEN, wr_parse_span(p, start));
    if (e) {
        e->a = cond;
        e->b = then;
    }
    return grow_height(p, e);
}

wr_expr *wr_ast_cast(wr_parse *p, weir_loc start, wr_expr *a, wr_typename *type)
{
    if (!a || !type)
        return NULL;
    wr_expr *e = expr_new(p, WR_E_CAST, wr_parse_span(p, start));
    if (e) {
        e->a = a;
        e->cast_to = type;
    }
    return grow_height(p, e);
}

wr_expr *wr_ast_call(wr_parse *p, wr_ident name, wr_list *args, bool distinct)
{
    wr_expr *e = expr_new(p, WR_E_CALL, wr_parse_span(p, name.loc));
    if (e) {
        e->name = name;
        e->list = args;
        e->distinct = distinct;
    }
    return grow_height(p, e);
}

wr_expr *wr_ast_deref(wr_parse *p, wr_expr *a, wr_ident field)
{
    if (!a)
        return NULL;
    wr_expr *e = expr_new(p, WR_E_DEREF, wr_loc_span(a->loc, field.loc));
    if (e) {
        e->a = a;
        e->name = field;
    }
    return grow_height(p, e);
}

wr_expr *wr_ast_subscript(wr_parse *p, wr_expr *a, wr_expr *index)
{
    if (!a || !index)
        return NULL;
    wr_expr *e = expr_new(p, WR_E_SUBSCRIPT, wr_parse_span(p, a->loc));
    if (e) {
        e->a = a;
        e->b = index;
    }
    return grow_height(p, e);
}

wr_expr *wr_ast_ctor(wr_parse *p, wr_expr_kind kind, weir_loc start,
                     wr_list *items)
{
    wr_expr *e = expr_new(p, kind, wr_parse_span(p, start));
    if (e)
        e->list = items;
    return grow_height(p, e);
}

wr_expr *wr_ast_entry(wr_parse *p, wr_expr *key, wr_expr *value)
{
    if (!key || !value)
        return NULL;
    wr_expr *e = expr_new(p, WR_E_ENTRY, wr_loc_span(key->loc, value->loc));
    if (e) {
        e->a = key;
        e->b = value;
    }
    return grow_height(p, e);
}

wr_expr *wr_ast_parens(wr_parse *p, wr_expr *e, weir_loc l, weir_loc r)
{
    (void)p;
    (void)l;
    (void)r;
    if (e)
        e->parens = true;
    return e;
}

wr_typename *wr_ast_typename(wr_parse *p, wr_typename_kind kind, weir_loc loc)
{
    wr_typename *t = node(p, sizeof *t);
    if (t) {
        t->kind = kind;
        t->loc = loc;
        t->name = wr_ast_noident();
    }
    return t;
}

wr_coldef *wr_ast_coldef(wr_parse *p, wr_ident name, wr_typename *type)
{
    if (!type)
        return NULL;
    wr_coldef *c = node(p, sizeof *c);
    if (c) {
        c->name = name;
        c->type = type;
        c->loc = wr_parse_span(p, name.loc);
        c->key_loc = WEIR_NOLOC;
    }
    return c;
}

wr_prop *wr_ast_prop(wr_parse *p, wr_ident name, wr_expr *value)
{
    if (!value)
        return NULL;
    wr_prop *pr = node(p, sizeof *pr);
    if (pr) {
        pr->name = name;
        pr->value = value;
        pr->loc = wr_loc_span(name.loc, value->loc);
    }
    return pr;
}

wr_stmt *wr_ast_stmt(wr_parse *p, wr_stmt_kind kind, weir_loc start)
{
    wr_stmt *s = node(p, sizeof *s);
    if (!s)
        return NULL;
    s->kind = kind;
    s->loc = wr_parse_span(p, start);
    s->name = wr_ast_noident();
    s->with_loc = p->with_loc;
    s->cols_loc = WEIR_NOLOC;
    s->str_loc = WEIR_NOLOC;
    return s;
}

wr_select *wr_ast_select(wr_parse *p, weir_loc start)
{
    wr_select *s = node(p, sizeof *s);
    if (!s)
        return NULL;
    s->loc = wr_parse_span(p, start);
    s->group_loc = p->group_loc;
    s->partition_loc = p->partition_loc;
    s->emit_loc = p->emit_loc;
    s->emit_all = p->emit_all;
    s->emit_snapshot = p->emit_snapshot;
    s->limit = p->limit;
    s->limit_loc = p->limit_loc;
    return s;
}

wr_select_item *wr_ast_selitem(wr_parse *p, wr_expr *e, wr_ident alias)
{
    if (!e)
        return NULL;
    wr_select_item *it = node(p, sizeof *it);
    if (it) {
        it->expr = e;
        it->alias = alias;
        it->loc = alias.name ? wr_loc_span(e->loc, alias.loc) : e->loc;
    }
    return it;
}

wr_join *wr_ast_join(wr_parse *p, int type, wr_source_ref right, wr_expr *on,
                     weir_loc start)
{
    if (!on)
        return NULL;
    wr_join *j = node(p, sizeof *j);
    if (j) {
        j->type = (wr_join_type)type;
        j->right = right;
        j->on = on;
        j->loc = wr_parse_span(p, start);
    }
    return j;
}

static const struct {
    const char *name;
    wr_time_unit unit;
} units[] = {
    {"MILLISECOND", WR_U_MILLISECONDS},
    {"MILLISECONDS", WR_U_MILLISECONDS},
    {"SECOND", WR_U_SECONDS},
    {"SECONDS", WR_U_SECONDS},
    {"MINUTE", WR_U_MINUTES},
    {"MINUTES", WR_U_MINUTES},
    {"HOUR", WR_U_HOURS},
    {"HOURS", WR_U_HOURS},
    {"DAY", WR_U_DAYS},
    {"DAYS", WR_U_DAYS},
    {"ROW", WR_U_ROWS},
    {"ROWS", WR_U_ROWS},
};

wr_duration wr_ast_duration(wr_parse *p, weir_loc num, weir_loc unit)
{
    wr_duration d = {true, wr_ast_tok(p, num), WR_U_MILLISECONDS,
                     wr_loc_span(num, unit)};
    const char *u = p->text + unit.off;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t n = strlen(units[i].name);
        if ((size_t)unit.len == n && strncasecmp(u, units[i].name, n) == 0) {
            d.unit = units[i].unit;
            return d;
        }
    }
    wr_parse_error(p, unit,
                   "unknown time unit '%.*s': expected MILLISECONDS, SECONDS, "
                   "MINUTES, HOURS, DAYS or ROWS",
                   (int)(unit.len > 40 ? 40 : unit.len), u);
    return d;
}

void wr_ast_window_item(wr_parse *p, int which, wr_duration d)
{
    if (!p->win) {
        p->win = node(p, sizeof *p->win);
        if (!p->win)
            return;
        p->win->dup_loc = WEIR_NOLOC;
    }
    wr_window *w = p->win;
    wr_duration *slot = which <= 1   ? &w->size
                        : which == 2 ? &w->advance
                        : which == 3 ? &w->retention
                                     : &w->grace;
    if (slot->set && w->dup_loc.off < 0)
        w->dup_loc = d.loc;
    *slot = d;
    if (which <= 1)
        w->size_kw = which == 1;
}

/* ---- SQL text form ----------------------------------------------------- */

static const char *op_sql(wr_op op)
{
    switch (op) {
    case WR_OP_ADD:
        return "+";
    case WR_OP_SUB:
        return "-";
    case WR_OP_MUL:
        return "*";
    case WR_OP_DIV:
        return "/";
    case WR_OP_MOD:
        return "%";
    case WR_OP_CONCAT:
        return "||";
    case WR_OP_EQ:
        return "=";
    case WR_OP_NE:
        return "<>";
    case WR_OP_LT:
        return "<";
    case WR_OP_LE:
        return "<=";
    case WR_OP_GT:
        return ">";
    case WR_OP_GE:
        return ">=";
    case WR_OP_AND:
        return "AND";
    case WR_OP_OR:
        return "OR";
    case WR_OP_NEG:
        return "-";
    case WR_OP_PLUS:
        return "+";
    case WR_OP_NOT:
        return "NOT";
    default:
        return "?";
    }
}

static void ident_sql(wr_buf *b, const wr_ident *id)
{
    const char *s = id->name ? id->name : "?";
    bool plain = *s && !isdigit((unsigned char)*s);
    for (const char *c = s; *c && plain; c++)
        plain = isupper((unsigned char)*c) || isdigit((unsigned char)*c) ||
                *c == '_';
    if (plain) {
        wr_buf_puts(b, s);
        return;
    }
    wr_buf_putc(b, '`');
    for (const char *c = s; *c; c++) {
        if (*c == '`')
            wr_buf_putc(b, '`');
        wr_buf_putc(b, *c);
    }
    wr_buf_putc(b, '`');
}

static void list_sql(wr_buf *b, const wr_list *l)
{
    for (int i = 0; l && i < l->n; i++) {
        if (i)
            wr_buf_puts(b, ", ");
        wr_ast_expr_sql(b, l->item[i]);
    }
}

static void typename_sql(wr_buf *b, const wr_typename *t)
{
    switch (t->kind) {
    case WR_TN_NAMED:
        ident_sql(b, &t->name);
        if (t->nparams == 2)
            wr_buf_printf(b, "(%s, %s)", t->params[0], t->params[1]);
        break;
    case WR_TN_ARRAY:
        wr_buf_puts(b, "ARRAY<");
        typename_sql(b, t->a);
        wr_buf_putc(b, '>');
        break;
    case WR_TN_MAP:
        wr_buf_puts(b, "MAP<");
        typename_sql(b, t->a);
        wr_buf_puts(b, ", ");
        typename_sql(b, t->b);
        wr_buf_putc(b, '>');
        break;
    case WR_TN_STRUCT:
        wr_buf_puts(b, "STRUCT<");
        for (int i = 0; t->fields && i < t->fields->n; i++) {
            const wr_coldef *f = t->fields->item[i];
            if (i)
                wr_buf_puts(b, ", ");
            ident_sql(b, &f->name);
            wr_buf_putc(b, ' ');
            typename_sql(b, f->type);
        }
        wr_buf_putc(b, '>');
        break;
    }
}

void wr_ast_expr_sql(wr_buf *b, const wr_expr *e)
{
    if (!e) {
        wr_buf_puts(b, "?");
        return;
    }
    switch (e->kind) {
    case WR_E_NULL:
        wr_buf_puts(b, "null");
        break;
    case WR_E_BOOL:
        wr_buf_puts(b, e->bval ? "true" : "false");
        break;
    case WR_E_INTEGER:
    case WR_E_DECIMAL:
    case WR_E_DOUBLE:
        wr_buf_puts(b, e->text);
        break;
    case WR_E_STRING:
        wr_buf_putc(b, '\'');
        for (int32_t i = 0; i < e->slen; i++) {
            if (e->sval[i] == '\'')
                wr_buf_putc(b, '\'');
            wr_buf_putc(b, e->sval[i]);
        }
        wr_buf_putc(b, '\'');
        break;
    case WR_E_COLUMN:
        if (e->qual.name) {
            ident_sql(b, &e->qual);
            wr_buf_putc(b, '.');
        }
        ident_sql(b, &e->name);
        break;
    case WR_E_STAR:
        if (e->qual.name) {
            ident_sql(b, &e->qual);
            wr_buf_putc(b, '.');
        }
        wr_buf_putc(b, '*');
        break;
    case WR_E_UNARY:
        if (e->op == WR_OP_NOT) {
            wr_buf_puts(b, "(NOT ");
            wr_ast_expr_sql(b, e->a);
            wr_buf_putc(b, ')');
        } else {
            /* -(-x), never --x (which would read back as a comment). */
            bool nested = e->a->kind == WR_E_UNARY ||
                          (e->a->text && e->a->text[0] == '-');
            wr_buf_puts(b, op_sql(e->op));
            if (nested)
                wr_buf_putc(b, '(');
            wr_ast_expr_sql(b, e->a);
            if (nested)
                wr_buf_putc(b, ')');
        }
        break;
    case WR_E_BINARY:
        wr_buf_putc(b, '(');
        wr_ast_expr_sql(b, e->a);
        wr_buf_printf(b, " %s ", op_sql(e->op));
        wr_ast_expr_sql(b, e->b);
        wr_buf_putc(b, ')');
        break;
    case WR_E_IS_NULL:
        wr_buf_putc(b, '(');
        wr_ast_expr_sql(b, e->a);
        wr_buf_puts(b, e->negated ? " IS NOT NULL)" : " IS NULL)");
        break;
    case WR_E_DISTINCT:
        wr_buf_putc(b, '(');
        wr_ast_expr_sql(b, e->a);
        wr_buf_puts(b, e->negated ? " IS NOT DISTINCT FROM "
                                  : " IS DISTINCT FROM ");
        wr_ast_expr_sql(b, e->b);
        wr_buf_putc(b, ')');
        break;
    case WR_E_BETWEEN:
        wr_buf_putc(b, '(');
        wr_ast_expr_sql(b, e->a);
        wr_buf_puts(b, e->negated ? " NOT BETWEEN " : " BETWEEN ");
        wr_ast_expr_sql(b, e->b);
        wr_buf_puts(b, " AND ");
        wr_ast_expr_sql(b, e->c);
        wr_buf_putc(b, ')');
        break;
    case WR_E_IN:
        wr_buf_putc(b, '(');
        wr_ast_expr_sql(b, e->a);
        wr_buf_puts(b, e->negated ? " NOT IN (" : " IN (");
        list_sql(b, e->list);
        wr_buf_puts(b, "))");
        break;
    case WR_E_LIKE:
        wr_buf_putc(b, '(');
        wr_ast_expr_sql(b, e->a);
        wr_buf_puts(b, e->negated ? " NOT LIKE " : " LIKE ");
        wr_ast_expr_sql(b, e->b);
        if (e->c) {
            wr_buf_puts(b, " ESCAPE ");
            wr_ast_expr_sql(b, e->c);
        }
        wr_buf_putc(b, ')');
        break;
    case WR_E_CASE:
        wr_buf_puts(b, "(CASE");
        if (e->a) {
            wr_buf_putc(b, ' ');
            wr_ast_expr_sql(b, e->a);
        }
        for (int i = 0; e->list && i < e->list->n; i++) {
            wr_buf_putc(b, ' ');
            wr_ast_expr_sql(b, e->list->item[i]);
        }
        if (e->c) {
            wr_buf_puts(b, " ELSE ");
            wr_ast_expr_sql(b, e->c);
        }
        wr_buf_puts(b, " END)");
        break;
    case WR_E_WHEN:
        wr_buf_puts(b, "WHEN ");
        wr_ast_expr_sql(b, e->a);
        wr_buf_puts(b, " THEN ");
        wr_ast_expr_sql(b, e->b);
        break;
    case WR_E_CAST:
        wr_buf_puts(b, "CAST(");
        wr_ast_expr_sql(b, e->a);
        wr_buf_puts(b, " AS ");
        typename_sql(b, e->cast_to);
        wr_buf_putc(b, ')');
        break;
    case WR_E_CALL:
        ident_sql(b, &e->name);
        wr_buf_putc(b, '(');
        if (e->distinct)
            wr_buf_puts(b, "DISTINCT ");
        list_sql(b, e->list);
        wr_buf_putc(b, ')');
        break;
    case WR_E_DEREF:
        wr_ast_expr_sql(b, e->a);
        wr_buf_puts(b, "->");
        ident_sql(b, &e->name);
        break;
    case WR_E_SUBSCRIPT:
        wr_ast_expr_sql(b, e->a);
        wr_buf_putc(b, '[');
        wr_ast_expr_sql(b, e->b);
        wr_buf_putc(b, ']');
        break;
    case WR_E_ARRAY:
        wr_buf_puts(b, "ARRAY[");
        list_sql(b, e->list);
        wr_buf_putc(b, ']');
        break;
    case WR_E_MAP:
    case WR_E_STRUCT:
        wr_buf_puts(b, e->kind == WR_E_MAP ? "MAP(" : "STRUCT(");
        list_sql(b, e->list);
        wr_buf_putc(b, ')');
        break;
    case WR_E_ENTRY:
        wr_ast_expr_sql(b, e->a);
        wr_buf_puts(b, ":=");
        wr_ast_expr_sql(b, e->b);
        break;
    default:
        wr_buf_puts(b, "?");
        break;
    }
}

/* ---- dump ------------------------------------------------------------- */

static const char *const stmt_names[WR_S_KIND_COUNT] = {
    [WR_S_CREATE_SOURCE] = "CREATE_SOURCE",
    [WR_S_CREATE_AS] = "CREATE_AS",
    [WR_S_INSERT_SELECT] = "INSERT_SELECT",
    [WR_S_INSERT_VALUES] = "INSERT_VALUES",
    [WR_S_SELECT] = "SELECT",
    [WR_S_DROP] = "DROP",
    [WR_S_SHOW] = "SHOW",
    [WR_S_DESCRIBE] = "DESCRIBE",
    [WR_S_EXPLAIN] = "EXPLAIN",
    [WR_S_SET] = "SET",
    [WR_S_UNSET] = "UNSET",
    [WR_S_TERMINATE] = "TERMINATE",
    [WR_S_RUN_SCRIPT] = "RUN_SCRIPT",
};

const char *wr_stmt_kind_name(wr_stmt_kind k)
{
    return (unsigned)k < WR_S_KIND_COUNT ? stmt_names[k] : "?";
}

static const char *const unit_names[] = {"MILLISECONDS", "SECONDS", "MINUTES",
                                         "HOURS",        "DAYS",    "ROWS"};

static void dump_duration(wr_buf *b, int ind, const char *what,
                          const wr_duration *d)
{
    if (!d->set)
        return;
    wr_buf_indent(b, ind);
    wr_buf_printf(b, "(%s %s %s)\n", what, d->text ? d->text : "?",
                  unit_names[d->unit]);
}

static void dump_expr_line(wr_buf *b, int ind, const char *what,
                           const wr_expr *e)
{
    if (!e)
        return;
    wr_buf_indent(b, ind);
    wr_buf_printf(b, "(%s ", what);
    wr_ast_expr_sql(b, e);
    wr_buf_puts(b, ")\n");
}

static void dump_list_line(wr_buf *b, int ind, const char *what,
                           const wr_list *l)
{
    if (!l)
        return;
    wr_buf_indent(b, ind);
    wr_buf_printf(b, "(%s ", what);
    list_sql(b, l);
    wr_buf_puts(b, ")\n");
}

static void dump_select(wr_buf *b, int ind, const wr_select *s)
{
    static const char *const jt[] = {"INNER", "LEFT", "RIGHT", "FULL"};
    static const char *const wk[] = {"NONE", "TUMBLING", "HOPPING", "SESSION"};
    static const char *const em[] = {"NONE", "CHANGES", "FINAL"};
    wr_buf_indent(b, ind);
    wr_buf_puts(b, "(select\n");
    for (int i = 0; s->items && i < s->items->n; i++) {
        const wr_select_item *it = s->items->item[i];
        wr_buf_indent(b, ind + 2);
        wr_buf_puts(b, "(item ");
        wr_ast_expr_sql(b, it->expr);
        if (it->alias.name) {
            wr_buf_puts(b, " AS ");
            ident_sql(b, &it->alias);
        }
        wr_buf_puts(b, ")\n");
    }
    wr_buf_indent(b, ind + 2);
    wr_buf_puts(b, "(from ");
    ident_sql(b, &s->from.name);
    if (s->from.alias.name) {
        wr_buf_putc(b, ' ');
        ident_sql(b, &s->from.alias);
    }
    wr_buf_puts(b, ")\n");
    for (int i = 0; s->joins && i < s->joins->n; i++) {
        const wr_join *j = s->joins->item[i];
        wr_buf_indent(b, ind + 2);
        wr_buf_printf(b, "(join %s ", jt[j->type]);
        ident_sql(b, &j->right.name);
        if (j->right.alias.name) {
            wr_buf_putc(b, ' ');
            ident_sql(b, &j->right.alias);
        }
        wr_buf_putc(b, '\n');
        if (j->within_set) {
            dump_duration(b, ind + 4, "before", &j->before);
            dump_duration(b, ind + 4, "after", &j->after);
        }
        dump_duration(b, ind + 4, "grace", &j->grace);
        dump_expr_line(b, ind + 4, "on", j->on);
        wr_buf_indent(b, ind + 2);
        wr_buf_puts(b, ")\n");
    }
    if (s->window) {
        const wr_window *w = s->window;
        wr_buf_indent(b, ind + 2);
        wr_buf_printf(b, "(window %s\n", wk[w->kind]);
        dump_duration(b, ind + 4, "size", &w->size);
        dump_duration(b, ind + 4, "advance", &w->advance);
        dump_duration(b, ind + 4, "retention", &w->retention);
        dump_duration(b, ind + 4, "grace", &w->grace);
        wr_buf_indent(b, ind + 2);
        wr_buf_puts(b, ")\n");
    }
    dump_expr_line(b, ind + 2, "where", s->where);
    dump_list_line(b, ind + 2, "group-by", s->group_by);
    dump_list_line(b, ind + 2, "partition-by", s->partition_by);
    dump_expr_line(b, ind + 2, "having", s->having);
    if (s->emit) {
        wr_buf_indent(b, ind + 2);
        wr_buf_printf(b, "(emit %s)\n", em[s->emit]);
    }
    if (s->limit) {
        wr_buf_indent(b, ind + 2);
        wr_buf_printf(b, "(limit %s)\n", s->limit);
    }
    wr_buf_indent(b, ind);
    wr_buf_puts(b, ")\n");
}

static void dump_stmt(wr_buf *b, int ind, const wr_stmt *s)
{
    wr_buf_indent(b, ind);
    wr_buf_printf(b, "(%s", wr_stmt_kind_name(s->kind));
    if (s->kind == WR_S_CREATE_SOURCE || s->kind == WR_S_CREATE_AS ||
        s->kind == WR_S_DROP)
        wr_buf_puts(b, s->table ? " TABLE" : " STREAM");
    if (s->name.name) {
        wr_buf_putc(b, ' ');
        ident_sql(b, &s->name);
    }
    if (s->or_replace)
        wr_buf_puts(b, " OR-REPLACE");
    if (s->if_not_exists)
        wr_buf_puts(b, " IF-NOT-EXISTS");
    if (s->if_exists)
        wr_buf_puts(b, " IF-EXISTS");
    if (s->delete_topic)
        wr_buf_puts(b, " DELETE-TOPIC");
    if (s->extended)
        wr_buf_puts(b, " EXTENDED");
    if (s->all)
        wr_buf_puts(b, " ALL");
    if (s->kind == WR_S_SHOW) {
        static const char *const sw[] = {"STREAMS",    "TABLES", "QUERIES",
                                         "PROPERTIES", "TOPICS", "FUNCTIONS"};
        wr_buf_printf(b, " %s", sw[s->show]);
    }
    if (s->str)
        wr_buf_printf(b, " '%s'", s->str);
    if (s->str2)
        wr_buf_printf(b, " '%s'", s->str2);
    wr_buf_putc(b, '\n');
    if (s->kind == WR_S_CREATE_SOURCE) {
        for (int i = 0; s->cols && i < s->cols->n; i++) {
            const wr_coldef *c = s->cols->item[i];
            wr_buf_indent(b, ind + 2);
            wr_buf_puts(b, "(column ");
            ident_sql(b, &c->name);
            wr_buf_putc(b, ' ');
            typename_sql(b, c->type);
            if (c->key)
                wr_buf_puts(b, " KEY");
            if (c->primary_key)
                wr_buf_puts(b, " PRIMARY-KEY");
            if (c->header_key)
                wr_buf_printf(b, " HEADER('%s')", c->header_key);
            else if (c->headers)
                wr_buf_puts(b, " HEADERS");
            wr_buf_puts(b, ")\n");
        }
    } else if (s->kind == WR_S_INSERT_VALUES) {
        for (int i = 0; s->cols && i < s->cols->n; i++) {
            const wr_ident *c = s->cols->item[i];
            wr_buf_indent(b, ind + 2);
            wr_buf_puts(b, "(column ");
            ident_sql(b, c);
            wr_buf_puts(b, ")\n");
        }
        dump_list_line(b, ind + 2, "values", s->values);
    }
    for (int i = 0; s->with && i < s->with->n; i++) {
        const wr_prop *pr = s->with->item[i];
        wr_buf_indent(b, ind + 2);
        wr_buf_puts(b, "(with ");
        ident_sql(b, &pr->name);
        wr_buf_putc(b, ' ');
        wr_ast_expr_sql(b, pr->value);
        wr_buf_puts(b, ")\n");
    }
    if (s->select)
        dump_select(b, ind + 2, s->select);
    if (s->inner)
        dump_stmt(b, ind + 2, s->inner);
    wr_buf_indent(b, ind);
    wr_buf_puts(b, ")\n");
}

void wr_ast_stmt_dump(wr_buf *b, const wr_stmt *s)
{
    dump_stmt(b, 0, s);
}
