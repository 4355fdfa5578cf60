/*
 * expr.c: compiling bound expressions into wr_xexpr trees and evaluating
 * them a column at a time (see expr.h).
 *
 * Compilation. wr_expr_compile() walks the bound AST once, asking the
 * caller's map callback about every node before its operands (a mapped node
 * becomes a column reference). Everything the evaluator would otherwise redo
 * per batch is done here, in the query arena: literals become datums at
 * their bound type (DECIMAL text to unscaled, strings copied); operands are
 * wrapped in X_CAST nodes that widen them to the type the operator works in
 * (the node's type for arithmetic, the common type for comparisons), and
 * casts of constants are folded; constant LIKE patterns are tokenized;
 * constant IN lists are converted to the probe's type (items that cannot be
 * equal to any value of that type are dropped); CALL nodes store the
 * function's kernel (fn_int.h) so nothing is looked up per row. The tree is
 * read-only afterwards and can be shared by threads.
 *
 * Evaluation. wr_expr_eval() evaluates a node's operands into scratch
 * columns allocated in the batch arena (capacity b->n) and then runs one
 * loop over the selected rows, with the switch on the value type outside
 * the loop. Column references return the batch column itself. Null bits are
 * combined word-wise when no selection vector is set. AND, OR and CASE
 * narrow the selection before evaluating later operands, so a branch that
 * is not taken is never evaluated (and cannot count errors), as in
 * ksqlDB's generated code. Rows that fail (division by zero, overflowing
 * DECIMAL, bad casts, throwing functions) become NULL and are counted in
 * the wr_eval_ctx; only running out of batch memory fails the call.
 *
 * Not here: the function kernels (fn_math.c, fn_string.c, fn_misc.c) and
 * DECIMAL arithmetic (common/decimal.c).
 */
#include "exec/expr.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/decimal.h"
#include "common/func.h"
#include "exec/fn_int.h"
#include "formats/format.h"

typedef enum xkind {
    X_COL,       /* a batch column */
    X_CONST,     /* a literal (or folded constant) */
    X_CAST,      /* kids[0] converted to type */
    X_NEG,       /* unary minus */
    X_NOT,       /* three-valued NOT */
    X_ARITH,     /* + - * / % in type */
    X_SCONCAT,   /* string/bytes concatenation (|| or + on strings) */
    X_CMP,       /* comparison of two operands of one type */
    X_AND,       /* three-valued AND (right side on surviving rows only) */
    X_OR,        /* three-valued OR */
    X_ISNULL,    /* IS [NOT] NULL */
    X_DISTINCT,  /* IS [NOT] DISTINCT FROM */
    X_BETWEEN,   /* [NOT] BETWEEN */
    X_IN,        /* [NOT] IN */
    X_LIKE,      /* [NOT] LIKE */
    X_CASE,      /* searched CASE: kids cond, then, cond, then, ... [else] */
    X_CALL,      /* scalar function */
    X_DEREF,     /* STRUCT field */
    X_SUBSCRIPT, /* ARRAY element / MAP value */
    X_ARRAY,     /* ARRAY[...] */
    X_MAP,       /* MAP(k := v, ...): kids k, v, k, v, ... */
    X_STRUCT,    /* STRUCT(f := v, ...) */
} xkind;

/* One token of a LIKE pattern. */
typedef struct like_tok {
    int kind;      /* 0 literal bytes, 1 one character (_), 2 any (%) */
    const char *p; /* literal bytes */
    int len;       /* literal length */
} like_tok;

typedef struct like_pat {
    int n;       /* tokens */
    like_tok *t; /* n tokens */
} like_pat;

struct wr_xexpr {
    xkind kind;           /* node kind */
    wr_op op;             /* X_ARITH / X_CMP operator */
    bool negated;         /* NOT form of IS NULL, DISTINCT, BETWEEN, IN, LIKE */
    const wr_type *type;  /* result type */
    int col;              /* X_COL: batch column; X_DEREF: field index */
    wr_datum val;         /* X_CONST: the value */
    int nkids;            /* operands */
    wr_xexpr **kids;      /* operands (already coerced) */
    bool has_else;        /* X_CASE: last kid is the ELSE */
    int nconst;           /* X_IN: constant items, in kids[0]'s type */
    wr_datum *consts;     /* X_IN: the constant items */
    bool const_null;      /* X_IN: the list has a NULL item */
    const like_pat *like; /* X_LIKE: precompiled constant pattern */
    int esc;              /* X_LIKE: escape byte, -1: none */
    const wr_fn_impl *fn; /* X_CALL: kernel */
    const wr_type **argt; /* X_CALL: argument types after coercion */
    const wr_type *cmpt;  /* X_IN: the probe's type */
};

/* ---- errors ------------------------------------------------------------ */

static void verror(wr_eval_ctx *cx, const char *fmt, va_list ap)
{
    if (!cx)
        return;
    cx->errors++;
    vsnprintf(cx->last_error, sizeof cx->last_error, fmt, ap);
}

void wr_eval_error(wr_eval_ctx *cx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(cx, fmt, ap);
    va_end(ap);
}

void wr_fn_error(wr_fnctx *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(f->cx, fmt, ap);
    va_end(ap);
}

void *wr_fn_alloc(wr_fnctx *f, size_t n)
{
    void *p = wr_arena_alloc(f->ar, n ? n : 1);
    if (!p)
        f->oom = true;
    return p;
}

const wr_fn_impl *wr_fn_impl_find(const char *name)
{
    const wr_fn_impl *tabs[] = {wr_fn_math, wr_fn_string, wr_fn_misc};
    for (int t = 0; t < 3; t++)
        for (const wr_fn_impl *f = tabs[t]; f->name; f++)
            if (!strcmp(f->name, name))
                return f;
    return NULL;
}

static weir_rc nomem(weir_status *st)
{
    return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

/* ---- casts of single values --------------------------------------------- */

/* State shared by the rows of one vectorized cast. */
typedef struct castctx {
    wr_eval_ctx *cx; /* error counter */
    wr_arena *ar;    /* where new strings and values go */
    wr_buf buf;      /* scratch text (heap, freed by the caller) */
    bool oom;        /* ar ran out */
} castctx;

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* Trims ASCII whitespace off s. */
static wr_str trim_str(wr_str s)
{
    while (s.len > 0 && is_ws(s.p[0]))
        s.p++, s.len--;
    while (s.len > 0 && is_ws(s.p[s.len - 1]))
        s.len--;
    return s;
}

/* Java Long.parseLong over s within [lo, hi]. */
static bool parse_int(wr_str s, int64_t lo, int64_t hi, int64_t *out)
{
    s = trim_str(s);
    int i = 0;
    bool neg = false;
    if (s.len > 0 && (s.p[0] == '-' || s.p[0] == '+'))
        neg = s.p[i++] == '-';
    if (i >= s.len)
        return false;
    uint64_t v = 0, lim = neg ? (uint64_t)(-(lo + 1)) + 1 : (uint64_t)hi;
    for (; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s.p[i] - '0');
        if (v > lim)
            return false;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* Java Double.parseDouble. */
static bool parse_double(wr_str s, double *out)
{
    char tmp[128];
    s = trim_str(s);
    if (s.len == 0 || s.len >= (int)sizeof tmp)
        return false;
    memcpy(tmp, s.p, (size_t)s.len);
    tmp[s.len] = '\0';
    int len = s.len;
    if (len > 1 && strchr("dDfF", tmp[len - 1]) && tmp[len - 2] != 'x')
        tmp[--len] = '\0';
    const char *body = tmp + (tmp[0] == '-' || tmp[0] == '+');
    if (!strcmp(body, "Infinity")) {
        *out = tmp[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (!strcmp(body, "NaN")) {
        *out = NAN;
        return true;
    }
    if ((*body < '0' || *body > '9') && *body != '.')
        return false;
    char *end;
    *out = strtod(tmp, &end);
    return *end == '\0';
}

/* ksqlDB's SqlBooleans: any non-empty prefix of true/yes or false/no. */
static bool parse_bool(wr_str s, uint8_t *out)
{
    static const char *const words[] = {"true", "yes", "false", "no"};
    s = trim_str(s);
    for (int w = 0; w < 4 && s.len > 0; w++) {
        if ((size_t)s.len <= strlen(words[w]) &&
            !strncasecmp(s.p, words[w], (size_t)s.len)) {
            *out = w < 2;
            return true;
        }
    }
    return false;
}

/* Java (int)/(long) conversion of a double: truncating, saturating, NaN 0. */
static int64_t d2l(double d, int64_t lo, int64_t hi)
{
    if (d != d)
        return 0;
    if (d <= (double)lo)
        return lo;
    if (d >= (double)hi)
        return hi;
    return (int64_t)d;
}

/* BigDecimal.longValue(): truncated toward zero, low 64 bits. */
static int64_t dec2l(wr_i128 u, int scale)
{
    wr_i128 q = scale > 0 ? u / wr_dec_pow10(scale) : u;
    return (int64_t)(uint64_t)(wr_u128)q;
}

static wr_str arena_str(castctx *c, const char *p, size_t n)
{
    char *s = wr_arena_alloc(c->ar, n ? n : 1);
    if (!s) {
        c->oom = true;
        return (wr_str){NULL, 0};
    }
    memcpy(s, p, n);
    return (wr_str){s, (int32_t)n};
}

static void render(castctx *c, const wr_type *t, const wr_datum *d, bool top);

/* Appends the text of a non-NULL primitive value to c->buf. */
static void render_prim(castctx *c, const wr_type *t, const wr_datum *d)
{
    char tmp[64];
    switch (t->kind) {
    case WR_T_BOOLEAN:
        wr_buf_puts(&c->buf, d->u.b ? "true" : "false");
        break;
    case WR_T_INT:
        wr_buf_printf(&c->buf, "%" PRId32, d->u.i32);
        break;
    case WR_T_BIGINT:
        wr_buf_printf(&c->buf, "%" PRId64, d->u.i64);
        break;
    case WR_T_DOUBLE:
        wr_put_java_double(&c->buf, d->u.f64);
        break;
    case WR_T_DECIMAL:
        wr_buf_putn(&c->buf, tmp,
                    (size_t)wr_dec_format(d->u.dec, t->scale, tmp));
        break;
    case WR_T_STRING:
    case WR_T_BYTES:
        wr_buf_putn(&c->buf, d->u.str.p, (size_t)d->u.str.len);
        break;
    case WR_T_TIMESTAMP:
        wr_buf_putn(&c->buf, tmp, (size_t)wr_fmt_timestamp(d->u.i64, tmp));
        break;
    case WR_T_DATE:
        wr_buf_putn(&c->buf, tmp, (size_t)wr_fmt_date(d->u.i32, tmp));
        break;
    case WR_T_TIME:
        wr_buf_putn(&c->buf, tmp, (size_t)wr_fmt_time(d->u.i32, tmp));
        break;
    default:
        render(c, t, d, false);
        break;
    }
}

/* Appends d as Java's toString of the value would: "[1, 2]", "{K=V}",
 * "Struct{A=1}"; NULL as "null". */
static void render(castctx *c, const wr_type *t, const wr_datum *d, bool top)
{
    (void)top;
    if (d->null) {
        wr_buf_puts(&c->buf, "null");
        return;
    }
    if (wr_type_is_primitive(t)) {
        render_prim(c, t, d);
        return;
    }
    const wr_val *v = d->u.nest;
    if (t->kind == WR_T_ARRAY) {
        wr_buf_putc(&c->buf, '[');
        for (int i = 0; i < v->n; i++) {
            if (i)
                wr_buf_puts(&c->buf, ", ");
            render(c, t->elem, &v->items[i], false);
        }
        wr_buf_putc(&c->buf, ']');
    } else if (t->kind == WR_T_MAP) {
        wr_buf_putc(&c->buf, '{');
        for (int i = 0; i < v->n; i++) {
            if (i)
                wr_buf_puts(&c->buf, ", ");
            render(c, t->key, &v->items[2 * i], false);
            wr_buf_putc(&c->buf, '=');
            render(c, t->elem, &v->items[2 * i + 1], false);
        }
        wr_buf_putc(&c->buf, '}');
    } else {
        wr_buf_puts(&c->buf, "Struct{");
        bool first = true;
        for (int i = 0; i < v->n && i < t->nfields; i++) {
            if (v->items[i].null)
                continue;
            if (!first)
                wr_buf_putc(&c->buf, ',');
            first = false;
            wr_buf_printf(&c->buf, "%s=", t->fields[i].name);
            render(c, t->fields[i].type, &v->items[i], false);
        }
        wr_buf_putc(&c->buf, '}');
    }
}

static int cast_datum(castctx *c, const wr_type *from, const wr_type *to,
                      const wr_datum *in, wr_datum *out);

/* Casts a nested value element by element. */
static int cast_nested(castctx *c, const wr_type *from, const wr_type *to,
                       const wr_datum *in, wr_datum *out)
{
    const wr_val *v = in->u.nest;
    int m = to->kind == WR_T_MAP ? 2 * v->n : v->n;
    if (to->kind == WR_T_STRUCT && v->n != to->nfields)
        return 1;
    wr_val *r = wr_arena_alloc(c->ar, sizeof *r);
    wr_datum *items = wr_arena_alloc(c->ar, sizeof *items * (size_t)(m + 1));
    if (!r || !items) {
        c->oom = true;
        return -1;
    }
    for (int i = 0; i < m; i++) {
        const wr_type *ft, *tt;
        if (to->kind == WR_T_ARRAY)
            ft = from->elem, tt = to->elem;
        else if (to->kind == WR_T_MAP)
            ft = i % 2 ? from->elem : from->key,
            tt = i % 2 ? to->elem : to->key;
        else
            ft = from->fields[i].type, tt = to->fields[i].type;
        int rc = cast_datum(c, ft, tt, &v->items[i], &items[i]);
        if (rc)
            return rc;
    }
    r->type = to;
    r->n = v->n;
    r->items = items;
    out->null = false;
    out->u.nest = r;
    return 0;
}

/*
 * Converts in (type from) to type to, as ksqlDB's CAST does. Returns 0 on
 * success, 1 when the value cannot be converted (error counted, *out NULL),
 * -1 when out of memory. Strings are allocated in c->ar.
 */
static int cast_datum(castctx *c, const wr_type *from, const wr_type *to,
                      const wr_datum *in, wr_datum *out)
{
    wr_datum r;
    memset(&r, 0, sizeof r);
    if (in->null || from->kind == WR_T_NULL || to->kind == WR_T_NULL) {
        out->null = true;
        return 0;
    }
    wr_type_kind f = from->kind;
    switch (to->kind) {
    case WR_T_STRING:
    case WR_T_BYTES:
        if (f == WR_T_STRING || f == WR_T_BYTES) {
            r.u.str = in->u.str;
            break;
        }
        wr_buf_reset(&c->buf);
        render(c, from, in, true);
        if (c->buf.oom) {
            c->oom = true;
            return -1;
        }
        r.u.str = arena_str(c, wr_buf_str(&c->buf), c->buf.len);
        if (c->oom)
            return -1;
        break;
    case WR_T_BOOLEAN:
        if (f == WR_T_BOOLEAN)
            r.u.b = in->u.b;
        else if (f != WR_T_STRING || !parse_bool(in->u.str, &r.u.b))
            goto bad;
        break;
    case WR_T_INT:
    case WR_T_BIGINT: {
        bool i32 = to->kind == WR_T_INT;
        int64_t v;
        switch (f) {
        case WR_T_INT:
            v = in->u.i32;
            break;
        case WR_T_BIGINT:
            v = in->u.i64;
            break;
        case WR_T_DOUBLE:
            v = i32 ? d2l(in->u.f64, INT32_MIN, INT32_MAX)
                    : d2l(in->u.f64, INT64_MIN, INT64_MAX);
            break;
        case WR_T_DECIMAL:
            v = dec2l(in->u.dec, from->scale);
            break;
        case WR_T_STRING:
            if (!parse_int(in->u.str, i32 ? INT32_MIN : INT64_MIN,
                           i32 ? INT32_MAX : INT64_MAX, &v))
                goto bad;
            break;
        default:
            goto bad;
        }
        if (i32)
            r.u.i32 = (int32_t)(uint32_t)(uint64_t)v;
        else
            r.u.i64 = v;
        break;
    }
    case WR_T_DOUBLE:
        switch (f) {
        case WR_T_INT:
            r.u.f64 = in->u.i32;
            break;
        case WR_T_BIGINT:
            r.u.f64 = (double)in->u.i64;
            break;
        case WR_T_DOUBLE:
            r.u.f64 = in->u.f64;
            break;
        case WR_T_DECIMAL:
            r.u.f64 = wr_dec_to_double(in->u.dec, from->scale);
            break;
        case WR_T_STRING:
            if (!parse_double(in->u.str, &r.u.f64))
                goto bad;
            break;
        default:
            goto bad;
        }
        break;
    case WR_T_DECIMAL: {
        bool ok;
        switch (f) {
        case WR_T_INT:
            ok = wr_dec_rescale(in->u.i32, 0, to->scale, to->precision,
                                &r.u.dec);
            break;
        case WR_T_BIGINT:
            ok = wr_dec_rescale(in->u.i64, 0, to->scale, to->precision,
                                &r.u.dec);
            break;
        case WR_T_DOUBLE:
            ok = wr_dec_from_double(in->u.f64, to->precision, to->scale,
                                    &r.u.dec);
            break;
        case WR_T_DECIMAL:
            ok = wr_dec_rescale(in->u.dec, from->scale, to->scale,
                                to->precision, &r.u.dec);
            break;
        case WR_T_STRING: {
            wr_str s = trim_str(in->u.str);
            ok = s.len > 0 && wr_dec_parse(s.p, (size_t)s.len, to->precision,
                                           to->scale, &r.u.dec);
            break;
        }
        default:
            ok = false;
        }
        if (!ok) {
            char tn[64];
            out->null = true;
            wr_eval_error(c->cx, "Cannot fit value into %s",
                          wr_type_format(to, tn, sizeof tn));
            return 1;
        }
        break;
    }
    case WR_T_TIMESTAMP:
        if (f == WR_T_TIMESTAMP)
            r.u.i64 = in->u.i64;
        else if (f == WR_T_DATE)
            r.u.i64 = (int64_t)in->u.i32 * 86400000;
        else if (f != WR_T_STRING ||
                 !wr_parse_timestamp(in->u.str.p, in->u.str.len, &r.u.i64))
            goto bad;
        break;
    case WR_T_DATE:
        if (f == WR_T_DATE)
            r.u.i32 = in->u.i32;
        else if (f == WR_T_TIMESTAMP) {
            int64_t ms = in->u.i64;
            r.u.i32 = (int32_t)((ms >= 0 ? ms : ms - 86399999) / 86400000);
        } else if (f != WR_T_STRING ||
                   !wr_parse_date(in->u.str.p, in->u.str.len, &r.u.i32))
            goto bad;
        break;
    case WR_T_TIME:
        if (f == WR_T_TIME)
            r.u.i32 = in->u.i32;
        else if (f == WR_T_TIMESTAMP) {
            int64_t m = in->u.i64 % 86400000;
            r.u.i32 = (int32_t)(m < 0 ? m + 86400000 : m);
        } else if (f != WR_T_STRING ||
                   !wr_parse_time(in->u.str.p, in->u.str.len, &r.u.i32))
            goto bad;
        break;
    case WR_T_ARRAY:
    case WR_T_MAP:
    case WR_T_STRUCT:
        if (f != to->kind)
            goto bad;
        return cast_nested(c, from, to, in, out);
    default:
        goto bad;
    }
    r.null = false;
    *out = r;
    return 0;
bad:
    out->null = true;
    if (f == WR_T_STRING) {
        int n = in->u.str.len > 100 ? 100 : in->u.str.len;
        wr_eval_error(c->cx, "For input string: \"%.*s\"", n, in->u.str.p);
    } else {
        char a[64], t[64];
        wr_eval_error(c->cx, "Cannot cast %s to %s",
                      wr_type_format(from, a, sizeof a),
                      wr_type_format(to, t, sizeof t));
    }
    return 1;
}

/* ---- compilation -------------------------------------------------------- */

typedef struct comp {
    wr_arena *ar;       /* query arena */
    wr_expr_map_fn map; /* column mapping */
    void *ctx;          /* its context */
    weir_status *st;    /* error out */
} comp;

static wr_xexpr *xnew(comp *c, xkind kind, const wr_type *t, int nkids)
{
    wr_xexpr *x = wr_arena_zalloc(c->ar, sizeof *x);
    if (!x) {
        nomem(c->st);
        return NULL;
    }
    x->kind = kind;
    x->type = t;
    x->col = -1;
    x->esc = -1;
    x->nkids = nkids;
    if (nkids > 0) {
        x->kids = wr_arena_zalloc(c->ar, sizeof *x->kids * (size_t)nkids);
        if (!x->kids) {
            nomem(c->st);
            return NULL;
        }
    }
    return x;
}

static bool is_null_t(const wr_type *t)
{
    return !t || t->kind == WR_T_NULL;
}

/* Wraps x in a conversion to t (folded when x is constant and converts
 * cleanly). NULL on out of memory. */
static wr_xexpr *coerce(comp *c, wr_xexpr *x, const wr_type *t)
{
    if (!x || !t || wr_type_equal(x->type, t))
        return x;
    if (x->kind == X_CONST) {
        castctx cc = {NULL, c->ar, WR_BUF_INIT, false};
        wr_eval_ctx quiet = {0, {0}};
        cc.cx = &quiet;
        wr_datum d;
        int rc = cast_datum(&cc, x->type, t, &x->val, &d);
        wr_buf_fini(&cc.buf);
        if (rc < 0) {
            nomem(c->st);
            return NULL;
        }
        if (rc == 0) {
            wr_xexpr *k = xnew(c, X_CONST, t, 0);
            if (k)
                k->val = d;
            return k;
        }
    }
    wr_xexpr *k = xnew(c, X_CAST, t, 1);
    if (k)
        k->kids[0] = x;
    return k;
}

/* The type two operands are compared in. */
static const wr_type *cmp_type(comp *c, const wr_type *a, const wr_type *b)
{
    if (is_null_t(a))
        return is_null_t(b) ? wr_type_prim(WR_T_BOOLEAN) : b;
    if (is_null_t(b))
        return a;
    if (wr_type_is_numeric(a) && wr_type_is_numeric(b))
        return wr_type_numeric_common(c->ar, a, b);
    bool ta = a->kind == WR_T_TIMESTAMP || a->kind == WR_T_DATE,
         tb = b->kind == WR_T_TIMESTAMP || b->kind == WR_T_DATE;
    if (ta && tb && a->kind != b->kind)
        return wr_type_prim(WR_T_TIMESTAMP);
    if (ta && b->kind == WR_T_STRING)
        return a;
    if (tb && a->kind == WR_T_STRING)
        return b;
    return a;
}

static wr_xexpr *comp_expr(comp *c, const wr_expr *e);

static wr_xexpr *unsupported(comp *c, const wr_expr *e, const char *what)
{
    weir_status_set(c->st, WEIR_E_UNSUPPORTED, e->loc, "%s is not supported",
                    what);
    return NULL;
}

/* Builds a comparison of two compiled operands in their common type. */
static wr_xexpr *mk_cmp(comp *c, wr_op op, wr_xexpr *a, wr_xexpr *b)
{
    const wr_type *t = cmp_type(c, a->type, b->type);
    if (!t) {
        nomem(c->st);
        return NULL;
    }
    wr_xexpr *x = xnew(c, X_CMP, wr_type_prim(WR_T_BOOLEAN), 2);
    if (!x)
        return NULL;
    x->op = op;
    x->kids[0] = coerce(c, a, t);
    x->kids[1] = coerce(c, b, t);
    return x->kids[0] && x->kids[1] ? x : NULL;
}

/* Literal to datum at the literal's bound type. */
static wr_xexpr *comp_literal(comp *c, const wr_expr *e)
{
    wr_xexpr *x = xnew(c, X_CONST, e->type, 0);
    if (!x)
        return NULL;
    wr_datum *d = &x->val;
    d->null = false;
    switch (e->kind) {
    case WR_E_NULL:
        x->type = wr_type_prim(WR_T_NULL);
        d->null = true;
        break;
    case WR_E_BOOL:
        d->u.b = e->bval;
        break;
    case WR_E_INTEGER: {
        long long v = strtoll(e->text, NULL, 10);
        if (e->type->kind == WR_T_INT)
            d->u.i32 = (int32_t)v;
        else
            d->u.i64 = v;
        break;
    }
    case WR_E_DOUBLE:
        d->u.f64 = strtod(e->text, NULL);
        break;
    case WR_E_DECIMAL:
        if (!wr_dec_parse(e->text, strlen(e->text), e->type->precision,
                          e->type->scale, &d->u.dec)) {
            weir_status_set(c->st, WEIR_E_TYPE, e->loc,
                            "Invalid DECIMAL literal: %s", e->text);
            return NULL;
        }
        break;
    case WR_E_STRING: {
        char *s =
            wr_arena_strndup(c->ar, e->sval ? e->sval : "", (size_t)e->slen);
        if (!s) {
            nomem(c->st);
            return NULL;
        }
        d->u.str = (wr_str){s, e->slen};
        break;
    }
    default:
        break;
    }
    return x;
}

/* Tokenizes a LIKE pattern into ar; esc < 0: no escape. */
static like_pat *like_compile(wr_arena *ar, const char *p, int n, int esc)
{
    like_pat *lp = wr_arena_alloc(ar, sizeof *lp);
    like_tok *t = wr_arena_alloc(ar, sizeof *t * (size_t)(n + 1));
    char *lit = wr_arena_alloc(ar, (size_t)n + 1);
    if (!lp || !t || !lit)
        return NULL;
    int nt = 0, nl = 0;
    for (int i = 0; i < n; i++) {
        char ch = p[i];
        if (esc >= 0 && ch == (char)esc && i + 1 < n) {
            ch = p[++i];
        } else if (ch == '%' || ch == '_') {
            int kind = ch == '%' ? 2 : 1;
            if (kind == 2 && nt > 0 && t[nt - 1].kind == 2)
                continue;
            t[nt++] = (like_tok){kind, NULL, 0};
            continue;
        }
        if (nt > 0 && t[nt - 1].kind == 0 &&
            t[nt - 1].p + t[nt - 1].len == lit + nl) {
            t[nt - 1].len++;
        } else {
            t[nt++] = (like_tok){0, lit + nl, 1};
        }
        lit[nl++] = ch;
    }
    lp->n = nt;
    lp->t = t;
    return lp;
}

/* True when s[0..n) matches the pattern (greedy with backtracking on the
 * last %). _ matches one UTF-8 character. */
static bool like_match(const like_pat *lp, const char *s, int n)
{
    int ti = 0, si = 0, star_t = -1, star_s = 0;
    for (;;) {
        if (ti < lp->n) {
            const like_tok *t = &lp->t[ti];
            if (t->kind == 2) {
                star_t = ti++;
                star_s = si;
                continue;
            }
            if (t->kind == 1 && si < n) {
                wr_utf8_next(s, n, &si);
                ti++;
                continue;
            }
            if (t->kind == 0 && si + t->len <= n &&
                !memcmp(s + si, t->p, (size_t)t->len)) {
                si += t->len;
                ti++;
                continue;
            }
        } else if (si == n) {
            return true;
        }
        if (star_t < 0 || star_s >= n)
            return false;
        wr_utf8_next(s, n, &star_s);
        si = star_s;
        ti = star_t + 1;
    }
}

static wr_xexpr *comp_like(comp *c, const wr_expr *e)
{
    wr_xexpr *x = xnew(c, X_LIKE, e->type, 2);
    if (!x)
        return NULL;
    x->negated = e->negated;
    if (e->c && e->c->kind == WR_E_STRING && e->c->slen == 1)
        x->esc = (unsigned char)e->c->sval[0];
    const wr_type *st = wr_type_prim(WR_T_STRING);
    x->kids[0] = coerce(c, comp_expr(c, e->a), st);
    x->kids[1] = coerce(c, comp_expr(c, e->b), st);
    if (!x->kids[0] || !x->kids[1])
        return NULL;
    const wr_xexpr *p = x->kids[1];
    if (p->kind == X_CONST && !p->val.null) {
        x->like = like_compile(c->ar, p->val.u.str.p, p->val.u.str.len, x->esc);
        if (!x->like) {
            nomem(c->st);
            return NULL;
        }
    }
    return x;
}

static wr_xexpr *comp_in(comp *c, const wr_expr *e)
{
    wr_xexpr *a = comp_expr(c, e->a);
    if (!a)
        return NULL;
    int n = e->list ? e->list->n : 0;
    wr_xexpr *x = xnew(c, X_IN, e->type, 1);
    if (!x)
        return NULL;
    x->negated = e->negated;
    x->consts = wr_arena_zalloc(c->ar, sizeof *x->consts * (size_t)(n + 1));
    wr_xexpr **dyn = wr_arena_zalloc(c->ar, sizeof *dyn * (size_t)(n + 1));
    if (!x->consts || !dyn) {
        nomem(c->st);
        return NULL;
    }
    const wr_type *pt = a->type;
    int ndyn = 0;
    for (int i = 0; i < n; i++) {
        wr_xexpr *it = comp_expr(c, e->list->item[i]);
        if (!it)
            return NULL;
        if (it->kind == X_CONST && !is_null_t(pt)) {
            if (it->val.null) {
                x->const_null = true;
                continue;
            }
            /* Convert to the probe's type; keep it only when the value
             * survives the round trip (2.0 for an INT, not 1.5). */
            castctx cc = {NULL, c->ar, WR_BUF_INIT, false};
            wr_eval_ctx quiet = {0, {0}};
            cc.cx = &quiet;
            wr_datum d, back;
            int rc = cast_datum(&cc, it->type, pt, &it->val, &d);
            bool keep = rc == 0 && !d.null;
            if (!keep && it->type->kind == WR_T_STRING &&
                wr_type_is_numeric(pt)) {
                /* '4.000' matches an INT 4, as in ksqlDB: through DOUBLE,
                 * kept only when the value survives the round trip. */
                const wr_type *dt = wr_type_prim(WR_T_DOUBLE);
                wr_datum dd, bd;
                keep = cast_datum(&cc, it->type, dt, &it->val, &dd) == 0 &&
                       !dd.null && cast_datum(&cc, dt, pt, &dd, &d) == 0 &&
                       !d.null && cast_datum(&cc, pt, dt, &d, &bd) == 0 &&
                       !bd.null && bd.u.f64 == dd.u.f64;
            }
            if (keep && it->type->kind != WR_T_STRING &&
                wr_type_is_primitive(pt)) {
                rc = cast_datum(&cc, pt, it->type, &d, &back);
                keep = rc == 0 && !back.null &&
                       wr_datum_cmp(it->type, &back, &it->val) == 0;
            }
            wr_buf_fini(&cc.buf);
            if (cc.oom) {
                nomem(c->st);
                return NULL;
            }
            if (keep)
                x->consts[x->nconst++] = d;
            continue;
        }
        dyn[ndyn] = mk_cmp(c, WR_OP_EQ, a, it);
        if (!dyn[ndyn++])
            return NULL;
    }
    wr_xexpr **kids = wr_arena_alloc(c->ar, sizeof *kids * (size_t)(ndyn + 1));
    if (!kids) {
        nomem(c->st);
        return NULL;
    }
    kids[0] = a;
    for (int i = 0; i < ndyn; i++)
        kids[i + 1] = dyn[i];
    x->kids = kids;
    x->nkids = ndyn + 1;
    x->cmpt = pt;
    return x;
}

static wr_xexpr *comp_case(comp *c, const wr_expr *e)
{
    int nw = e->list->n;
    wr_xexpr *x = xnew(c, X_CASE, e->type, 2 * nw + (e->c ? 1 : 0));
    if (!x)
        return NULL;
    x->has_else = e->c != NULL;
    wr_xexpr *operand = NULL;
    if (e->a && !(operand = comp_expr(c, e->a)))
        return NULL;
    for (int i = 0; i < nw; i++) {
        const wr_expr *w = e->list->item[i];
        wr_xexpr *cond = comp_expr(c, w->a);
        if (!cond)
            return NULL;
        if (operand)
            cond = mk_cmp(c, WR_OP_EQ, operand, cond);
        else
            cond = coerce(c, cond, wr_type_prim(WR_T_BOOLEAN));
        x->kids[2 * i] = cond;
        x->kids[2 * i + 1] = coerce(c, comp_expr(c, w->b), e->type);
        if (!x->kids[2 * i] || !x->kids[2 * i + 1])
            return NULL;
    }
    if (e->c && !(x->kids[2 * nw] = coerce(c, comp_expr(c, e->c), e->type)))
        return NULL;
    return x;
}

static wr_xexpr *comp_call(comp *c, const wr_expr *e)
{
    const wr_func *f = e->fn;
    if (!f)
        return unsupported(c, e, "an unresolved function call");
    if (f->kind == WR_FN_AGGREGATE) {
        weir_status_set(c->st, WEIR_E_UNSUPPORTED, e->loc,
                        "Aggregate function %s is not allowed here", f->name);
        return NULL;
    }
    const wr_fn_impl *fi = wr_fn_impl_find(f->name);
    if (!fi) {
        weir_status_set(c->st, WEIR_E_UNSUPPORTED, e->loc,
                        "Function %s is not implemented", f->name);
        return NULL;
    }
    int n = e->list ? e->list->n : 0;
    if (n == 1 && ((const wr_expr *)e->list->item[0])->kind == WR_E_STAR)
        n = 0;
    wr_xexpr *x = xnew(c, X_CALL, e->type, n);
    if (!x)
        return NULL;
    x->fn = fi;
    x->argt = wr_arena_alloc(c->ar, sizeof *x->argt * (size_t)(n + 1));
    if (!x->argt) {
        nomem(c->st);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        wr_xexpr *a = comp_expr(c, e->list->item[i]);
        if (!a)
            return NULL;
        const wr_type *to = NULL;
        if (fi->coerce == WR_FN_TO_DOUBLE &&
            (wr_type_is_numeric(a->type) || is_null_t(a->type)))
            to = wr_type_prim(WR_T_DOUBLE);
        else if (fi->coerce == WR_FN_TO_RESULT)
            to = e->type;
        else if (fi->coerce == WR_FN_ARG0_LONG && i == 0 &&
                 (a->type->kind == WR_T_INT || is_null_t(a->type)))
            to = wr_type_prim(WR_T_BIGINT);
        if (to && !(a = coerce(c, a, to)))
            return NULL;
        x->kids[i] = a;
        x->argt[i] = a->type;
    }
    return x;
}

static wr_xexpr *comp_binary(comp *c, const wr_expr *e)
{
    wr_xexpr *a = comp_expr(c, e->a);
    wr_xexpr *b = a ? comp_expr(c, e->b) : NULL;
    if (!a || !b)
        return NULL;
    switch (e->op) {
    case WR_OP_AND:
    case WR_OP_OR: {
        wr_xexpr *x = xnew(c, e->op == WR_OP_AND ? X_AND : X_OR, e->type, 2);
        if (!x)
            return NULL;
        x->kids[0] = coerce(c, a, e->type);
        x->kids[1] = coerce(c, b, e->type);
        return x->kids[0] && x->kids[1] ? x : NULL;
    }
    case WR_OP_EQ:
    case WR_OP_NE:
    case WR_OP_LT:
    case WR_OP_LE:
    case WR_OP_GT:
    case WR_OP_GE:
        return mk_cmp(c, e->op, a, b);
    default:
        break;
    }
    if (e->type->kind == WR_T_STRING || e->type->kind == WR_T_BYTES) {
        wr_xexpr *x = xnew(c, X_SCONCAT, e->type, 2);
        if (!x)
            return NULL;
        x->kids[0] = coerce(c, a, e->type);
        x->kids[1] = coerce(c, b, e->type);
        return x->kids[0] && x->kids[1] ? x : NULL;
    }
    if (!wr_type_is_numeric(e->type))
        return unsupported(c, e, "this operator");
    wr_xexpr *x = xnew(c, X_ARITH, e->type, 2);
    if (!x)
        return NULL;
    x->op = e->op;
    if (e->type->kind == WR_T_DECIMAL) {
        /* Operands keep their own scales; integers become DECIMAL. */
        const wr_type *ta = is_null_t(a->type) ? e->type : a->type;
        const wr_type *tb = is_null_t(b->type) ? e->type : b->type;
        ta = wr_type_to_decimal(c->ar, ta);
        tb = wr_type_to_decimal(c->ar, tb);
        if (!ta || !tb) {
            nomem(c->st);
            return NULL;
        }
        x->kids[0] = coerce(c, a, ta);
        x->kids[1] = coerce(c, b, tb);
    } else {
        x->kids[0] = coerce(c, a, e->type);
        x->kids[1] = coerce(c, b, e->type);
    }
    return x->kids[0] && x->kids[1] ? x : NULL;
}

/* Compiles a list of operands, coercing each to t when t is not NULL. */
static wr_xexpr *comp_list(comp *c, xkind kind, const wr_type *type,
                           const wr_expr *e, const wr_type *t)
{
    int n = e->list ? e->list->n : 0;
    bool entries = kind == X_MAP || kind == X_STRUCT;
    wr_xexpr *x = xnew(c, kind, type, entries && kind == X_MAP ? 2 * n : n);
    if (!x)
        return NULL;
    for (int i = 0; i < n; i++) {
        const wr_expr *it = e->list->item[i];
        if (kind == X_MAP) {
            x->kids[2 * i] = coerce(c, comp_expr(c, it->a), type->key);
            x->kids[2 * i + 1] = coerce(c, comp_expr(c, it->b), type->elem);
            if (!x->kids[2 * i] || !x->kids[2 * i + 1])
                return NULL;
        } else if (kind == X_STRUCT) {
            x->kids[i] = coerce(c, comp_expr(c, it->b), type->fields[i].type);
            if (!x->kids[i])
                return NULL;
        } else if (!(x->kids[i] = coerce(c, comp_expr(c, it), t))) {
            return NULL;
        }
    }
    return x;
}

static wr_xexpr *comp_expr(comp *c, const wr_expr *e)
{
    if (!e) {
        weir_status_set(c->st, WEIR_E_INTERNAL, WEIR_NOLOC, "missing operand");
        return NULL;
    }
    if (c->map) {
        int col = c->map(c->ctx, e);
        if (col >= 0) {
            wr_xexpr *x = xnew(c, X_COL, e->type, 0);
            if (x)
                x->col = col;
            return x;
        }
    }
    wr_xexpr *x;
    switch (e->kind) {
    case WR_E_NULL:
    case WR_E_BOOL:
    case WR_E_INTEGER:
    case WR_E_DECIMAL:
    case WR_E_DOUBLE:
    case WR_E_STRING:
        return comp_literal(c, e);
    case WR_E_COLUMN:
        weir_status_set(c->st, WEIR_E_UNSUPPORTED, e->loc,
                        "Column %s is not available here",
                        e->name.name ? e->name.name : "?");
        return NULL;
    case WR_E_UNARY: {
        wr_xexpr *a = comp_expr(c, e->a);
        if (!a)
            return NULL;
        if (e->op == WR_OP_PLUS)
            return coerce(c, a, e->type);
        x = xnew(c, e->op == WR_OP_NOT ? X_NOT : X_NEG, e->type, 1);
        if (x && !(x->kids[0] = coerce(c, a, e->type)))
            return NULL;
        /* Fold -literal so that -2147483648 stays a constant. */
        if (x && x->kind == X_NEG && x->kids[0]->kind == X_CONST) {
            wr_datum d = x->kids[0]->val;
            if (!d.null) {
                switch (e->type->kind) {
                case WR_T_INT:
                    d.u.i32 = (int32_t)(0u - (uint32_t)d.u.i32);
                    break;
                case WR_T_BIGINT:
                    d.u.i64 = (int64_t)(0u - (uint64_t)d.u.i64);
                    break;
                case WR_T_DOUBLE:
                    d.u.f64 = -d.u.f64;
                    break;
                case WR_T_DECIMAL:
                    d.u.dec = -d.u.dec;
                    break;
                default:
                    return x;
                }
            }
            x->kind = X_CONST;
            x->val = d;
            x->nkids = 0;
        }
        return x;
    }
    case WR_E_BINARY:
        return comp_binary(c, e);
    case WR_E_IS_NULL:
        x = xnew(c, X_ISNULL, e->type, 1);
        if (!x || !(x->kids[0] = comp_expr(c, e->a)))
            return NULL;
        x->negated = e->negated;
        return x;
    case WR_E_DISTINCT: {
        wr_xexpr *a = comp_expr(c, e->a);
        wr_xexpr *b = a ? comp_expr(c, e->b) : NULL;
        if (!b || !(x = xnew(c, X_DISTINCT, e->type, 2)))
            return NULL;
        const wr_type *t = cmp_type(c, a->type, b->type);
        x->negated = e->negated;
        x->kids[0] = coerce(c, a, t);
        x->kids[1] = coerce(c, b, t);
        return x->kids[0] && x->kids[1] ? x : NULL;
    }
    case WR_E_BETWEEN: {
        wr_xexpr *a = comp_expr(c, e->a);
        wr_xexpr *lo = a ? comp_expr(c, e->b) : NULL;
        wr_xexpr *hi = lo ? comp_expr(c, e->c) : NULL;
        if (!hi || !(x = xnew(c, X_BETWEEN, e->type, 3)))
            return NULL;
        const wr_type *t = cmp_type(c, a->type, lo->type);
        t = t ? cmp_type(c, t, hi->type) : NULL;
        if (!t) {
            nomem(c->st);
            return NULL;
        }
        x->negated = e->negated;
        x->kids[0] = coerce(c, a, t);
        x->kids[1] = coerce(c, lo, t);
        x->kids[2] = coerce(c, hi, t);
        return x->kids[0] && x->kids[1] && x->kids[2] ? x : NULL;
    }
    case WR_E_IN:
        return comp_in(c, e);
    case WR_E_LIKE:
        return comp_like(c, e);
    case WR_E_CASE:
        return comp_case(c, e);
    case WR_E_CAST: {
        wr_xexpr *a = comp_expr(c, e->a);
        if (!a)
            return NULL;
        if (wr_type_equal(a->type, e->type))
            return a;
        x = xnew(c, X_CAST, e->type, 1);
        if (x)
            x->kids[0] = a;
        return x;
    }
    case WR_E_CALL:
        return comp_call(c, e);
    case WR_E_DEREF:
        x = xnew(c, X_DEREF, e->type, 1);
        if (!x || !(x->kids[0] = comp_expr(c, e->a)))
            return NULL;
        x->col = e->col;
        return x;
    case WR_E_SUBSCRIPT:
        x = xnew(c, X_SUBSCRIPT, e->type, 2);
        if (!x || !(x->kids[0] = comp_expr(c, e->a)) ||
            !(x->kids[1] = comp_expr(c, e->b)))
            return NULL;
        return x;
    case WR_E_ARRAY:
        return comp_list(c, X_ARRAY, e->type, e, e->type->elem);
    case WR_E_MAP:
        return comp_list(c, X_MAP, e->type, e, NULL);
    case WR_E_STRUCT:
        return comp_list(c, X_STRUCT, e->type, e, NULL);
    default:
        return unsupported(c, e, "this expression");
    }
}

wr_xexpr *wr_expr_compile(wr_arena *ar, const wr_expr *e, wr_expr_map_fn map,
                          void *ctx, weir_status *st)
{
    comp c = {ar, map, ctx, st};
    return comp_expr(&c, e);
}

wr_xexpr *wr_expr_column(wr_arena *ar, int col, const wr_type *t)
{
    wr_xexpr *x = wr_arena_zalloc(ar, sizeof *x);
    if (!x)
        return NULL;
    x->kind = X_COL;
    x->type = t;
    x->col = col;
    x->esc = -1;
    return x;
}

const wr_type *wr_xexpr_type(const wr_xexpr *x)
{
    return x->type;
}

int wr_xexpr_column(const wr_xexpr *x)
{
    return x->kind == X_COL ? x->col : -1;
}

/* ---- evaluation ------------------------------------------------------------
 */

static weir_rc eval(const wr_xexpr *x, wr_batch *b, wr_col *out,
                    wr_eval_ctx *cx, weir_status *st);

static bool scratch(wr_col *c, wr_batch *b, const wr_type *t)
{
    return wr_col_init(c, b->ar, t, b->n > 0 ? b->n : 1);
}

#define NEED(ok)                                                               \
    do {                                                                       \
        if (!(ok))                                                             \
            return nomem(st);                                                  \
    } while (0)

#define TRYR(call)                                                             \
    do {                                                                       \
        weir_rc rc_ = (call);                                                  \
        if (rc_ != WEIR_OK)                                                    \
            return rc_;                                                        \
    } while (0)

/* out's null bit = a's | c's (c may be NULL) over the selected rows. */
static void or_nulls(wr_col *out, const wr_col *a, const wr_col *c,
                     const wr_batch *b)
{
    if (!b->sel) {
        int words = (b->n + 63) / 64;
        for (int w = 0; w < words; w++)
            out->nulls[w] = a->nulls[w] | (c ? c->nulls[w] : 0);
        return;
    }
    WR_FOR_SEL(b, i)
    wr_col_set_null(out, i,
                    wr_col_is_null(a, i) || (c && wr_col_is_null(c, i)));
}

/* Copies row i of src into out (same representation). */
static inline void copy_row(wr_col *out, const wr_col *src, int i, size_t sz)
{
    bool null = wr_col_is_null(src, i);
    wr_col_set_null(out, i, null);
    if (!null)
        memcpy((char *)out->data + (size_t)i * sz,
               (const char *)src->data + (size_t)i * sz, sz);
}

static weir_rc eval_const(const wr_xexpr *x, wr_batch *b, wr_col *out,
                          weir_status *st)
{
    NEED(scratch(out, b, x->type));
    if (x->val.null || x->type->kind == WR_T_NULL)
        return WEIR_OK;
    switch (x->type->kind) {
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME: {
        int32_t v = x->val.u.i32, *o = WR_COL_I32(out);
        WR_FOR_SEL(b, i) o[i] = v;
        break;
    }
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP: {
        int64_t v = x->val.u.i64, *o = WR_COL_I64(out);
        WR_FOR_SEL(b, i) o[i] = v;
        break;
    }
    case WR_T_DOUBLE: {
        double v = x->val.u.f64, *o = WR_COL_F64(out);
        WR_FOR_SEL(b, i) o[i] = v;
        break;
    }
    default:
        WR_FOR_SEL(b, i) wr_col_put(out, i, &x->val);
        return WEIR_OK;
    }
    if (!b->sel) {
        memset(out->nulls, 0, sizeof(uint64_t) * (size_t)((b->n + 63) / 64));
    } else {
        WR_FOR_SEL(b, i) wr_col_set_null(out, i, false);
    }
    return WEIR_OK;
}

/* Vectorized conversion of column a to type t. */
static weir_rc eval_cast(const wr_xexpr *x, wr_batch *b, wr_col *out,
                         wr_eval_ctx *cx, weir_status *st)
{
    wr_col a;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    const wr_type *t = x->type;
    NEED(scratch(out, b, t));
    wr_type_kind f = a.type->kind;
    if (f == WR_T_NULL)
        return WEIR_OK;
    /* Fast paths: the implicit widenings of arithmetic and comparison. */
    if (f == WR_T_INT && t->kind == WR_T_BIGINT) {
        const int32_t *s = WR_COL_I32(&a);
        int64_t *o = WR_COL_I64(out);
        WR_FOR_SEL(b, i) o[i] = s[i];
        or_nulls(out, &a, NULL, b);
        return WEIR_OK;
    }
    if ((f == WR_T_INT || f == WR_T_BIGINT) && t->kind == WR_T_DOUBLE) {
        double *o = WR_COL_F64(out);
        if (f == WR_T_INT) {
            const int32_t *s = WR_COL_I32(&a);
            WR_FOR_SEL(b, i) o[i] = s[i];
        } else {
            const int64_t *s = WR_COL_I64(&a);
            WR_FOR_SEL(b, i) o[i] = (double)s[i];
        }
        or_nulls(out, &a, NULL, b);
        return WEIR_OK;
    }
    if ((f == WR_T_INT || f == WR_T_BIGINT) && t->kind == WR_T_DECIMAL &&
        t->precision - t->scale >= (f == WR_T_INT ? 10 : 19)) {
        wr_i128 m = wr_dec_pow10(t->scale);
        wr_i128 *o = WR_COL_DEC(out);
        if (f == WR_T_INT) {
            const int32_t *s = WR_COL_I32(&a);
            WR_FOR_SEL(b, i) o[i] = (wr_i128)s[i] * m;
        } else {
            const int64_t *s = WR_COL_I64(&a);
            WR_FOR_SEL(b, i) o[i] = (wr_i128)s[i] * m;
        }
        or_nulls(out, &a, NULL, b);
        return WEIR_OK;
    }
    castctx cc = {cx, b->ar, WR_BUF_INIT, false};
    WR_FOR_SEL(b, i)
    {
        wr_datum d, r;
        wr_col_get(&a, i, &d);
        if (d.null)
            continue;
        if (cast_datum(&cc, a.type, t, &d, &r) < 0)
            break;
        wr_col_put(out, i, &r);
    }
    wr_buf_fini(&cc.buf);
    if (cc.oom)
        return nomem(st);
    return WEIR_OK;
}

static weir_rc eval_neg(const wr_xexpr *x, wr_batch *b, wr_col *out,
                        wr_eval_ctx *cx, weir_status *st)
{
    wr_col a;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    NEED(scratch(out, b, x->type));
    switch (x->type->kind) {
    case WR_T_INT: {
        const int32_t *s = WR_COL_I32(&a);
        int32_t *o = WR_COL_I32(out);
        WR_FOR_SEL(b, i) o[i] = (int32_t)(0u - (uint32_t)s[i]);
        break;
    }
    case WR_T_BIGINT: {
        const int64_t *s = WR_COL_I64(&a);
        int64_t *o = WR_COL_I64(out);
        WR_FOR_SEL(b, i) o[i] = (int64_t)(0u - (uint64_t)s[i]);
        break;
    }
    case WR_T_DOUBLE: {
        const double *s = WR_COL_F64(&a);
        double *o = WR_COL_F64(out);
        WR_FOR_SEL(b, i) o[i] = -s[i];
        break;
    }
    case WR_T_DECIMAL: {
        const wr_i128 *s = WR_COL_DEC(&a);
        wr_i128 *o = WR_COL_DEC(out);
        WR_FOR_SEL(b, i) o[i] = (wr_i128)(0u - (wr_u128)s[i]);
        break;
    }
    default:
        return WEIR_OK;
    }
    or_nulls(out, &a, NULL, b);
    return WEIR_OK;
}

/* Integer + - * with Java's wrap-around, / % with Java's truncation; a
 * zero divisor makes the row NULL with an error. */
#define INT_ARITH(T, UT, GET, MIN)                                             \
    do {                                                                       \
        const T *x_ = GET(&a), *y_ = GET(&c);                                  \
        T *o_ = GET(out);                                                      \
        switch (op) {                                                          \
        case WR_OP_ADD:                                                        \
            WR_FOR_SEL(b, i) o_[i] = (T)((UT)x_[i] + (UT)y_[i]);               \
            break;                                                             \
        case WR_OP_SUB:                                                        \
            WR_FOR_SEL(b, i) o_[i] = (T)((UT)x_[i] - (UT)y_[i]);               \
            break;                                                             \
        case WR_OP_MUL:                                                        \
            WR_FOR_SEL(b, i) o_[i] = (T)((UT)x_[i] * (UT)y_[i]);               \
            break;                                                             \
        default:                                                               \
            WR_FOR_SEL(b, i)                                                   \
            {                                                                  \
                if (wr_col_is_null(out, i))                                    \
                    continue;                                                  \
                T d_ = y_[i];                                                  \
                if (d_ == 0) {                                                 \
                    wr_col_set_null(out, i, true);                             \
                    wr_eval_error(cx, "/ by zero");                            \
                } else if (d_ == -1) {                                         \
                    o_[i] = op == WR_OP_DIV ? (T)(0 - (UT)x_[i]) : 0;          \
                } else {                                                       \
                    o_[i] = op == WR_OP_DIV ? x_[i] / d_ : x_[i] % d_;         \
                }                                                              \
            }                                                                  \
            break;                                                             \
        }                                                                      \
    } while (0)

static weir_rc eval_arith(const wr_xexpr *x, wr_batch *b, wr_col *out,
                          wr_eval_ctx *cx, weir_status *st)
{
    wr_col a, c;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    TRYR(eval(x->kids[1], b, &c, cx, st));
    NEED(scratch(out, b, x->type));
    if (a.type->kind == WR_T_NULL || c.type->kind == WR_T_NULL)
        return WEIR_OK;
    or_nulls(out, &a, &c, b);
    wr_op op = x->op;
    switch (x->type->kind) {
    case WR_T_INT:
        INT_ARITH(int32_t, uint32_t, WR_COL_I32, INT32_MIN);
        break;
    case WR_T_BIGINT:
        INT_ARITH(int64_t, uint64_t, WR_COL_I64, INT64_MIN);
        break;
    case WR_T_DOUBLE: {
        const double *p = WR_COL_F64(&a), *q = WR_COL_F64(&c);
        double *o = WR_COL_F64(out);
        switch (op) {
        case WR_OP_ADD:
            WR_FOR_SEL(b, i) o[i] = p[i] + q[i];
            break;
        case WR_OP_SUB:
            WR_FOR_SEL(b, i) o[i] = p[i] - q[i];
            break;
        case WR_OP_MUL:
            WR_FOR_SEL(b, i) o[i] = p[i] * q[i];
            break;
        case WR_OP_DIV:
            WR_FOR_SEL(b, i) o[i] = p[i] / q[i];
            break;
        default:
            WR_FOR_SEL(b, i) o[i] = fmod(p[i], q[i]);
            break;
        }
        break;
    }
    case WR_T_DECIMAL: {
        const wr_i128 *p = WR_COL_DEC(&a), *q = WR_COL_DEC(&c);
        wr_i128 *o = WR_COL_DEC(out);
        int sa = a.type->scale, sb = c.type->scale;
        char ch = op == WR_OP_ADD   ? '+'
                  : op == WR_OP_SUB ? '-'
                  : op == WR_OP_MUL ? '*'
                  : op == WR_OP_DIV ? '/'
                                    : '%';
        if ((ch == '+' || ch == '-') && sa == sb && sa == x->type->scale) {
            /* Same scales: exact in 128 bits (|operands| < 10^38). */
            wr_i128 lim = wr_dec_pow10(x->type->precision);
            WR_FOR_SEL(b, i)
            {
                if (wr_col_is_null(out, i))
                    continue;
                o[i] = ch == '+' ? p[i] + q[i] : p[i] - q[i];
                if (o[i] >= lim || o[i] <= -lim) {
                    wr_col_set_null(out, i, true);
                    wr_eval_error(cx, "Numeric overflow: DECIMAL(%d, %d)",
                                  x->type->precision, x->type->scale);
                }
            }
            break;
        }
        WR_FOR_SEL(b, i)
        {
            if (wr_col_is_null(out, i))
                continue;
            if (!wr_dec_arith(ch, p[i], sa, q[i], sb, x->type, &o[i])) {
                wr_col_set_null(out, i, true);
                if ((ch == '/' || ch == '%') && q[i] == 0)
                    wr_eval_error(cx, "Division by zero");
                else
                    wr_eval_error(cx, "Numeric overflow: DECIMAL(%d, %d)",
                                  x->type->precision, x->type->scale);
            }
        }
        break;
    }
    default:
        break;
    }
    return WEIR_OK;
}

static weir_rc eval_sconcat(const wr_xexpr *x, wr_batch *b, wr_col *out,
                            wr_eval_ctx *cx, weir_status *st)
{
    wr_col a, c;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    TRYR(eval(x->kids[1], b, &c, cx, st));
    NEED(scratch(out, b, x->type));
    if (a.type->kind == WR_T_NULL || c.type->kind == WR_T_NULL)
        return WEIR_OK;
    const wr_str *p = WR_COL_STR(&a), *q = WR_COL_STR(&c);
    WR_FOR_SEL(b, i)
    {
        if (wr_col_is_null(&a, i) || wr_col_is_null(&c, i))
            continue;
        size_t n = (size_t)p[i].len + (size_t)q[i].len;
        char *s = wr_arena_alloc(b->ar, n ? n : 1);
        NEED(s);
        if (p[i].len)
            memcpy(s, p[i].p, (size_t)p[i].len);
        if (q[i].len)
            memcpy(s + p[i].len, q[i].p, (size_t)q[i].len);
        wr_fn_put_str(out, i, s, n);
    }
    return WEIR_OK;
}

/* res[op][cmp + 1]: whether a comparison result satisfies op. */
static const uint8_t cmp_tab[WR_OP_GE + 1][3] = {
    [WR_OP_EQ] = {0, 1, 0}, [WR_OP_NE] = {1, 0, 1}, [WR_OP_LT] = {1, 0, 0},
    [WR_OP_LE] = {1, 1, 0}, [WR_OP_GT] = {0, 0, 1}, [WR_OP_GE] = {0, 1, 1},
};

static inline int str_cmp(wr_str x, wr_str y)
{
    int32_t n = x.len < y.len ? x.len : y.len;
    int c = n ? memcmp(x.p, y.p, (size_t)n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return (x.len > y.len) - (x.len < y.len);
}

#define CMP_LOOP(T, GET)                                                       \
    do {                                                                       \
        const T *x_ = GET(a), *y_ = GET(c);                                    \
        WR_FOR_SEL(b, i)                                                       \
        o[i] = t[(x_[i] > y_[i]) - (x_[i] < y_[i]) + 1];                       \
    } while (0)

/* Compares a and c (same type) over the selected rows into the BOOLEAN out
 * (already allocated). */
static void cmp_cols(wr_op op, const wr_col *a, const wr_col *c,
                     const wr_batch *b, wr_col *out)
{
    const uint8_t *t = cmp_tab[op];
    uint8_t *o = WR_COL_BOOL(out);
    if (a->type->kind == WR_T_NULL || c->type->kind == WR_T_NULL)
        return;
    or_nulls(out, a, c, b);
    switch (a->type->kind) {
    case WR_T_BOOLEAN:
        CMP_LOOP(uint8_t, WR_COL_BOOL);
        break;
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        CMP_LOOP(int32_t, WR_COL_I32);
        break;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        CMP_LOOP(int64_t, WR_COL_I64);
        break;
    case WR_T_DOUBLE: {
        const double *x = WR_COL_F64(a), *y = WR_COL_F64(c);
        WR_FOR_SEL(b, i)
        o[i] = (x[i] != x[i] || y[i] != y[i])
                   ? op == WR_OP_NE
                   : t[(x[i] > y[i]) - (x[i] < y[i]) + 1];
        break;
    }
    case WR_T_DECIMAL:
        CMP_LOOP(wr_i128, WR_COL_DEC);
        break;
    case WR_T_STRING:
    case WR_T_BYTES: {
        const wr_str *x = WR_COL_STR(a), *y = WR_COL_STR(c);
        WR_FOR_SEL(b, i)
        {
            if (!wr_col_is_null(out, i))
                o[i] = t[str_cmp(x[i], y[i]) + 1];
        }
        break;
    }
    default:
        WR_FOR_SEL(b, i)
        {
            if (wr_col_is_null(out, i))
                continue;
            wr_datum p, q;
            wr_col_get(a, i, &p);
            wr_col_get(c, i, &q);
            bool eq = wr_datum_equal(a->type, &p, &q);
            o[i] = op == WR_OP_NE ? !eq : eq;
        }
        break;
    }
}

static weir_rc eval_cmp(const wr_xexpr *x, wr_batch *b, wr_col *out,
                        wr_eval_ctx *cx, weir_status *st)
{
    wr_col a, c;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    TRYR(eval(x->kids[1], b, &c, cx, st));
    NEED(scratch(out, b, x->type));
    cmp_cols(x->op, &a, &c, b, out);
    /* ksqlDB: a comparison with a NULL operand is FALSE, not NULL. */
    WR_FOR_SEL(b, i)
    {
        if (wr_col_is_null(out, i)) {
            wr_col_set_null(out, i, false);
            WR_COL_BOOL(out)[i] = 0;
        }
    }
    return WEIR_OK;
}

/* 3VL value of a BOOLEAN column row: 0 false, 1 true, 2 NULL. */
static inline int tv(const wr_col *c, int i)
{
    return wr_col_is_null(c, i) ? 2 : WR_COL_BOOL(c)[i] != 0;
}

/* Three-valued AND and OR of 3VL values (0 false, 1 true, 2 NULL). */
static inline int and3(int p, int q)
{
    return (p == 0 || q == 0) ? 0 : (p == 1 && q == 1) ? 1 : 2;
}

static inline int or3(int p, int q)
{
    return (p == 1 || q == 1) ? 1 : (p == 0 && q == 0) ? 0 : 2;
}

static inline void put_tv(wr_col *out, int i, int v)
{
    wr_col_set_null(out, i, v == 2);
    WR_COL_BOOL(out)[i] = v == 1;
}

/* AND (is_and) or OR: the right operand only on rows the left leaves
 * undecided. */
static weir_rc eval_andor(const wr_xexpr *x, bool is_and, wr_batch *b,
                          wr_col *out, wr_eval_ctx *cx, weir_status *st)
{
    wr_col a, c;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    NEED(scratch(out, b, x->type));
    int decided = is_and ? 0 : 1; /* the left value that decides */
    int left = 0;
    WR_FOR_SEL(b, i) left += tv(&a, i) != decided;
    uint32_t *sel = NULL;
    uint32_t *saved = b->sel;
    int nsaved = b->nsel;
    if (left > 0) {
        if (left < b->nsel) {
            sel = wr_arena_alloc(b->ar, sizeof *sel * (size_t)left);
            NEED(sel);
            int k = 0;
            WR_FOR_SEL(b, i)
            {
                if (tv(&a, i) != decided)
                    sel[k++] = (uint32_t)i;
            }
            b->sel = sel;
            b->nsel = left;
        }
        weir_rc rc = eval(x->kids[1], b, &c, cx, st);
        b->sel = saved;
        b->nsel = nsaved;
        TRYR(rc);
    }
    WR_FOR_SEL(b, i)
    {
        int p = tv(&a, i);
        if (p == decided) {
            put_tv(out, i, decided);
            continue;
        }
        int q = tv(&c, i);
        put_tv(out, i, is_and ? and3(p, q) : or3(p, q));
    }
    return WEIR_OK;
}

static weir_rc eval_not(const wr_xexpr *x, wr_batch *b, wr_col *out,
                        wr_eval_ctx *cx, weir_status *st)
{
    wr_col a;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    NEED(scratch(out, b, x->type));
    if (a.type->kind == WR_T_NULL)
        return WEIR_OK;
    const uint8_t *s = WR_COL_BOOL(&a);
    uint8_t *o = WR_COL_BOOL(out);
    WR_FOR_SEL(b, i) o[i] = !s[i];
    or_nulls(out, &a, NULL, b);
    return WEIR_OK;
}

static weir_rc eval_isnull(const wr_xexpr *x, wr_batch *b, wr_col *out,
                           wr_eval_ctx *cx, weir_status *st)
{
    wr_col a;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    NEED(scratch(out, b, x->type));
    uint8_t *o = WR_COL_BOOL(out);
    bool neg = x->negated;
    WR_FOR_SEL(b, i)
    {
        o[i] = wr_col_is_null(&a, i) != neg;
        wr_col_set_null(out, i, false);
    }
    return WEIR_OK;
}

static weir_rc eval_distinct(const wr_xexpr *x, wr_batch *b, wr_col *out,
                             wr_eval_ctx *cx, weir_status *st)
{
    wr_col a, c, eq;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    TRYR(eval(x->kids[1], b, &c, cx, st));
    NEED(scratch(out, b, x->type));
    NEED(scratch(&eq, b, x->type));
    cmp_cols(WR_OP_EQ, &a, &c, b, &eq);
    uint8_t *o = WR_COL_BOOL(out);
    WR_FOR_SEL(b, i)
    {
        bool na = wr_col_is_null(&a, i), nc = wr_col_is_null(&c, i);
        bool distinct = (na || nc) ? na != nc : !WR_COL_BOOL(&eq)[i];
        o[i] = distinct != x->negated;
        wr_col_set_null(out, i, false);
    }
    return WEIR_OK;
}

static weir_rc eval_between(const wr_xexpr *x, wr_batch *b, wr_col *out,
                            wr_eval_ctx *cx, weir_status *st)
{
    wr_col a, lo, hi, ge, le;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    TRYR(eval(x->kids[1], b, &lo, cx, st));
    TRYR(eval(x->kids[2], b, &hi, cx, st));
    NEED(scratch(out, b, x->type));
    NEED(scratch(&ge, b, x->type));
    NEED(scratch(&le, b, x->type));
    cmp_cols(WR_OP_GE, &a, &lo, b, &ge);
    cmp_cols(WR_OP_LE, &a, &hi, b, &le);
    WR_FOR_SEL(b, i)
    {
        int r = and3(tv(&ge, i), tv(&le, i));
        if (x->negated && r != 2)
            r = !r;
        put_tv(out, i, r);
    }
    return WEIR_OK;
}

static weir_rc eval_in(const wr_xexpr *x, wr_batch *b, wr_col *out,
                       wr_eval_ctx *cx, weir_status *st)
{
    wr_col a;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    NEED(scratch(out, b, x->type));
    int ndyn = x->nkids - 1;
    wr_col *dyn = NULL;
    if (ndyn > 0) {
        dyn = wr_arena_alloc(b->ar, sizeof *dyn * (size_t)ndyn);
        NEED(dyn);
        for (int k = 0; k < ndyn; k++)
            TRYR(eval(x->kids[k + 1], b, &dyn[k], cx, st));
    }
    const wr_type *t = x->cmpt;
    WR_FOR_SEL(b, i)
    {
        int r;
        if (wr_col_is_null(&a, i) || is_null_t(t)) {
            r = 2;
        } else {
            wr_datum d;
            wr_col_get(&a, i, &d);
            bool found = false;
            for (int k = 0; k < x->nconst && !found; k++)
                found = wr_datum_cmp(t, &d, &x->consts[k]) == 0 &&
                        (wr_type_is_primitive(t) ||
                         wr_datum_equal(t, &d, &x->consts[k]));
            bool unknown = x->const_null;
            for (int k = 0; k < ndyn && !found; k++) {
                int v = tv(&dyn[k], i);
                found = v == 1;
                unknown = unknown || v == 2;
            }
            r = found ? 1 : unknown ? 2 : 0;
        }
        if (x->negated && r != 2)
            r = !r;
        put_tv(out, i, r);
    }
    return WEIR_OK;
}

static weir_rc eval_like(const wr_xexpr *x, wr_batch *b, wr_col *out,
                         wr_eval_ctx *cx, weir_status *st)
{
    wr_col a, p;
    TRYR(eval(x->kids[0], b, &a, cx, st));
    if (!x->like)
        TRYR(eval(x->kids[1], b, &p, cx, st));
    NEED(scratch(out, b, x->type));
    if (a.type->kind == WR_T_NULL)
        return WEIR_OK;
    const wr_str *s = WR_COL_STR(&a);
    uint8_t *o = WR_COL_BOOL(out);
    WR_FOR_SEL(b, i)
    {
        if (wr_col_is_null(&a, i))
            continue;
        const like_pat *lp = x->like;
        if (!lp) {
            if (p.type->kind == WR_T_NULL || wr_col_is_null(&p, i))
                continue;
            wr_str ps = WR_COL_STR(&p)[i];
            lp = like_compile(b->ar, ps.p, ps.len, x->esc);
            NEED(lp);
        }
        o[i] = like_match(lp, s[i].p, s[i].len) != x->negated;
        wr_col_set_null(out, i, false);
    }
    return WEIR_OK;
}

static weir_rc eval_case(const wr_xexpr *x, wr_batch *b, wr_col *out,
                         wr_eval_ctx *cx, weir_status *st)
{
    NEED(scratch(out, b, x->type));
    size_t sz = wr_value_size(x->type->kind);
    uint32_t *saved = b->sel;
    int nsaved = b->nsel;
    /* rest: rows no WHEN has taken yet; take: rows of the current arm. */
    uint32_t *rest = wr_arena_alloc(b->ar, sizeof *rest * (size_t)(nsaved + 1));
    uint32_t *take = wr_arena_alloc(b->ar, sizeof *take * (size_t)(nsaved + 1));
    NEED(rest && take);
    int nrest = 0;
    WR_FOR_SEL(b, i) rest[nrest++] = (uint32_t)i;
    int nw = (x->nkids - (x->has_else ? 1 : 0)) / 2;
    weir_rc rc = WEIR_OK;
    for (int w = 0; w < nw && nrest > 0 && rc == WEIR_OK; w++) {
        wr_col cond, val;
        b->sel = rest;
        b->nsel = nrest;
        if ((rc = eval(x->kids[2 * w], b, &cond, cx, st)) != WEIR_OK)
            break;
        int ntake = 0, nleft = 0;
        for (int k = 0; k < nrest; k++) {
            int i = (int)rest[k];
            if (tv(&cond, i) == 1)
                take[ntake++] = (uint32_t)i;
            else
                rest[nleft++] = (uint32_t)i;
        }
        nrest = nleft;
        if (ntake == 0)
            continue;
        b->sel = take;
        b->nsel = ntake;
        if ((rc = eval(x->kids[2 * w + 1], b, &val, cx, st)) != WEIR_OK)
            break;
        if (val.type->kind != WR_T_NULL && sz)
            for (int k = 0; k < ntake; k++)
                copy_row(out, &val, (int)take[k], sz);
    }
    if (rc == WEIR_OK && x->has_else && nrest > 0) {
        wr_col val;
        b->sel = rest;
        b->nsel = nrest;
        rc = eval(x->kids[x->nkids - 1], b, &val, cx, st);
        if (rc == WEIR_OK && val.type->kind != WR_T_NULL && sz)
            for (int k = 0; k < nrest; k++)
                copy_row(out, &val, (int)rest[k], sz);
    }
    b->sel = saved;
    b->nsel = nsaved;
    return rc;
}

static weir_rc eval_call(const wr_xexpr *x, wr_batch *b, wr_col *out,
                         wr_eval_ctx *cx, weir_status *st)
{
    wr_col argv[8];
    wr_col *args = argv;
    if (x->nkids > 8) {
        args = wr_arena_alloc(b->ar, sizeof *args * (size_t)x->nkids);
        NEED(args);
    }
    for (int k = 0; k < x->nkids; k++)
        TRYR(eval(x->kids[k], b, &args[k], cx, st));
    NEED(scratch(out, b, x->type));
    wr_fnctx f = {cx, b->ar, x->type, x->argt, false};
    x->fn->kernel(&f, args, x->nkids, b, out);
    if (f.oom)
        return nomem(st);
    return WEIR_OK;
}

static weir_rc eval_nested(const wr_xexpr *x, wr_batch *b, wr_col *out,
                           wr_eval_ctx *cx, weir_status *st)
{
    wr_col *kids = wr_arena_alloc(b->ar, sizeof *kids * (size_t)(x->nkids + 1));
    NEED(kids);
    for (int k = 0; k < x->nkids; k++)
        TRYR(eval(x->kids[k], b, &kids[k], cx, st));
    NEED(scratch(out, b, x->type));
    if (x->kind == X_DEREF) {
        WR_FOR_SEL(b, i)
        {
            wr_datum d;
            wr_col_get(&kids[0], i, &d);
            if (d.null || x->col < 0 || x->col >= d.u.nest->n)
                continue;
            wr_col_put(out, i, &d.u.nest->items[x->col]);
        }
        return WEIR_OK;
    }
    if (x->kind == X_SUBSCRIPT) {
        WR_FOR_SEL(b, i)
        {
            wr_datum d, k;
            wr_col_get(&kids[0], i, &d);
            wr_col_get(&kids[1], i, &k);
            if (d.null || k.null || kids[1].type->kind == WR_T_NULL)
                continue;
            const wr_val *v = d.u.nest;
            if (kids[0].type->kind == WR_T_ARRAY) {
                int64_t ix = kids[1].type->kind == WR_T_INT ? k.u.i32 : k.u.i64;
                ix = ix > 0 ? ix - 1 : v->n + ix;
                if (ix >= 0 && ix < v->n)
                    wr_col_put(out, i, &v->items[ix]);
            } else {
                for (int e = v->n - 1; e >= 0; e--) {
                    const wr_datum *key = &v->items[2 * e];
                    if (!key->null && str_cmp(key->u.str, k.u.str) == 0) {
                        wr_col_put(out, i, &v->items[2 * e + 1]);
                        break;
                    }
                }
            }
        }
        return WEIR_OK;
    }
    /* Constructors: a new value per row in the batch arena. */
    WR_FOR_SEL(b, i)
    {
        wr_val *v = wr_arena_alloc(b->ar, sizeof *v);
        wr_datum *items =
            wr_arena_alloc(b->ar, sizeof *items * (size_t)(x->nkids + 1));
        NEED(v && items);
        int m = 0;
        for (int k = 0; k < x->nkids; k++) {
            wr_col_get(&kids[k], i, &items[m]);
            if (x->kind == X_MAP && k % 2 == 1) {
                /* A repeated key keeps the last value (a Java map). */
                for (int j = 0; j < m - 1; j += 2)
                    if (!items[j].null && !items[m - 1].null &&
                        str_cmp(items[j].u.str, items[m - 1].u.str) == 0) {
                        items[j + 1] = items[m];
                        m -= 2;
                        break;
                    }
            }
            m++;
        }
        v->type = x->type;
        v->n = x->kind == X_MAP ? m / 2 : m;
        v->items = items;
        wr_datum d = {false, {.nest = v}};
        wr_col_put(out, i, &d);
    }
    return WEIR_OK;
}

static weir_rc eval(const wr_xexpr *x, wr_batch *b, wr_col *out,
                    wr_eval_ctx *cx, weir_status *st)
{
    switch (x->kind) {
    case X_COL:
        if (x->col < 0 || x->col >= b->ncols)
            return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                                   "expression column %d out of range", x->col);
        *out = b->cols[x->col];
        return WEIR_OK;
    case X_CONST:
        return eval_const(x, b, out, st);
    case X_CAST:
        return eval_cast(x, b, out, cx, st);
    case X_NEG:
        return eval_neg(x, b, out, cx, st);
    case X_NOT:
        return eval_not(x, b, out, cx, st);
    case X_ARITH:
        return eval_arith(x, b, out, cx, st);
    case X_SCONCAT:
        return eval_sconcat(x, b, out, cx, st);
    case X_CMP:
        return eval_cmp(x, b, out, cx, st);
    case X_AND:
        return eval_andor(x, true, b, out, cx, st);
    case X_OR:
        return eval_andor(x, false, b, out, cx, st);
    case X_ISNULL:
        return eval_isnull(x, b, out, cx, st);
    case X_DISTINCT:
        return eval_distinct(x, b, out, cx, st);
    case X_BETWEEN:
        return eval_between(x, b, out, cx, st);
    case X_IN:
        return eval_in(x, b, out, cx, st);
    case X_LIKE:
        return eval_like(x, b, out, cx, st);
    case X_CASE:
        return eval_case(x, b, out, cx, st);
    case X_CALL:
        return eval_call(x, b, out, cx, st);
    default:
        return eval_nested(x, b, out, cx, st);
    }
}

weir_rc wr_expr_eval(const wr_xexpr *x, wr_batch *b, wr_col *out,
                     wr_eval_ctx *cx, weir_status *st)
{
    if (!b->sel)
        b->nsel = b->n;
    return eval(x, b, out, cx, st);
}

weir_rc wr_expr_filter(const wr_xexpr *x, wr_batch *b, wr_eval_ctx *cx,
                       weir_status *st)
{
    if (!b->sel)
        b->nsel = b->n;
    if (b->nsel == 0)
        return WEIR_OK;
    if (x->kind == X_AND) {
        /* Each conjunct narrows the rows the next one sees. */
        TRYR(wr_expr_filter(x->kids[0], b, cx, st));
        return wr_expr_filter(x->kids[1], b, cx, st);
    }
    wr_col c;
    TRYR(eval(x, b, &c, cx, st));
    uint32_t *sel = wr_arena_alloc(b->ar, sizeof *sel * (size_t)(b->nsel + 1));
    NEED(sel);
    int k = 0;
    if (c.type->kind != WR_T_NULL) {
        const uint8_t *v = WR_COL_BOOL(&c);
        WR_FOR_SEL(b, i)
        {
            sel[k] = (uint32_t)i;
            k += !wr_col_is_null(&c, i) && v[i];
        }
    }
    b->sel = sel;
    b->nsel = k;
    return WEIR_OK;
}

/* Maps nothing: constant expressions have no columns. */
static int no_columns(void *ctx, const wr_expr *e)
{
    (void)ctx;
    (void)e;
    return -1;
}

weir_rc wr_expr_const(wr_arena *ar, const wr_expr *e, wr_datum *out,
                      weir_status *st)
{
    wr_arena *tmp = wr_arena_new(0);
    if (!tmp)
        return nomem(st);
    weir_status local;
    weir_rc rc;
    wr_xexpr *x = wr_expr_compile(tmp, e, no_columns, NULL, &local);
    if (!x) {
        rc = local.code == WEIR_E_NOMEM
                 ? nomem(st)
                 : weir_status_set(st, WEIR_E_TYPE, e->loc,
                                   "Expected a constant expression: %s",
                                   local.msg);
        wr_arena_free(tmp);
        return rc;
    }
    wr_batch b;
    const wr_type *none = wr_type_prim(WR_T_INT);
    if (!wr_batch_init(&b, tmp, 1, &none, 1)) {
        wr_arena_free(tmp);
        return nomem(st);
    }
    b.n = 1;
    b.nsel = 1;
    wr_eval_ctx cx = {0, {0}};
    wr_col c;
    rc = eval(x, &b, &c, &cx, st);
    if (rc == WEIR_OK) {
        wr_datum d;
        wr_col_get(&c, 0, &d);
        if (!wr_datum_copy(ar, x->type, &d, out))
            rc = nomem(st);
    }
    wr_arena_free(tmp);
    return rc;
}
