/*
 * types.c: construction, comparison, printing and widening of SQL types.
 *
 * Primitive singletons live in a static table indexed by kind. Everything
 * else is allocated in the arena the caller passes and is never freed on its
 * own. The widening rules are ksqlDB's: INT < BIGINT < DECIMAL < DOUBLE, with
 * an integer meeting a DECIMAL widened to DECIMAL(10, 0) or DECIMAL(19, 0)
 * and two DECIMALs meeting at enough integer digits and scale for both.
 */
#include "common/types.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const wr_type prims[WR_T_KIND_COUNT] = {
    [WR_T_NULL] = {.kind = WR_T_NULL},
    [WR_T_BOOLEAN] = {.kind = WR_T_BOOLEAN},
    [WR_T_INT] = {.kind = WR_T_INT},
    [WR_T_BIGINT] = {.kind = WR_T_BIGINT},
    [WR_T_DOUBLE] = {.kind = WR_T_DOUBLE},
    [WR_T_DECIMAL] = {.kind = WR_T_DECIMAL, .precision = 38, .scale = 0},
    [WR_T_STRING] = {.kind = WR_T_STRING},
    [WR_T_BYTES] = {.kind = WR_T_BYTES},
    [WR_T_TIMESTAMP] = {.kind = WR_T_TIMESTAMP},
    [WR_T_DATE] = {.kind = WR_T_DATE},
    [WR_T_TIME] = {.kind = WR_T_TIME},
};

static const char *const kind_names[WR_T_KIND_COUNT] = {
    [WR_T_NULL] = "NULL",
    [WR_T_BOOLEAN] = "BOOLEAN",
    [WR_T_INT] = "INTEGER",
    [WR_T_BIGINT] = "BIGINT",
    [WR_T_DOUBLE] = "DOUBLE",
    [WR_T_DECIMAL] = "DECIMAL",
    [WR_T_STRING] = "STRING",
    [WR_T_BYTES] = "BYTES",
    [WR_T_TIMESTAMP] = "TIMESTAMP",
    [WR_T_DATE] = "DATE",
    [WR_T_TIME] = "TIME",
    [WR_T_ARRAY] = "ARRAY",
    [WR_T_MAP] = "MAP",
    [WR_T_STRUCT] = "STRUCT",
};

const wr_type *wr_type_prim(wr_type_kind kind)
{
    if ((unsigned)kind >= WR_T_KIND_COUNT || kind == WR_T_ARRAY ||
        kind == WR_T_MAP || kind == WR_T_STRUCT)
        return NULL;
    return &prims[kind];
}

const char *wr_type_kind_name(wr_type_kind kind)
{
    if ((unsigned)kind >= WR_T_KIND_COUNT)
        return "?";
    return kind_names[kind];
}

bool wr_type_decimal_valid(int precision, int scale)
{
    return precision >= 1 && precision <= WR_DECIMAL_MAX_PRECISION &&
           scale >= 0 && scale <= precision;
}

const wr_type *wr_type_decimal(wr_arena *ar, int precision, int scale)
{
    wr_type *t = wr_arena_zalloc(ar, sizeof *t);
    if (!t)
        return NULL;
    t->kind = WR_T_DECIMAL;
    t->precision = precision;
    t->scale = scale;
    return t;
}

const wr_type *wr_type_array(wr_arena *ar, const wr_type *elem)
{
    wr_type *t = wr_arena_zalloc(ar, sizeof *t);
    if (!t)
        return NULL;
    t->kind = WR_T_ARRAY;
    t->elem = elem;
    return t;
}

const wr_type *wr_type_map(wr_arena *ar, const wr_type *key,
                           const wr_type *value)
{
    wr_type *t = wr_arena_zalloc(ar, sizeof *t);
    if (!t)
        return NULL;
    t->kind = WR_T_MAP;
    t->key = key;
    t->elem = value;
    return t;
}

const wr_type *wr_type_struct(wr_arena *ar, const wr_field *fields, int n)
{
    wr_type *t = wr_arena_zalloc(ar, sizeof *t);
    wr_field *f = wr_arena_alloc(ar, sizeof *f * (size_t)(n > 0 ? n : 1));
    if (!t || !f)
        return NULL;
    if (n > 0)
        memcpy(f, fields, sizeof *f * (size_t)n);
    t->kind = WR_T_STRUCT;
    t->nfields = n;
    t->fields = f;
    return t;
}

const wr_type *wr_type_dup(wr_arena *ar, const wr_type *t)
{
    if (!t)
        return NULL;
    switch (t->kind) {
    case WR_T_DECIMAL:
        return wr_type_decimal(ar, t->precision, t->scale);
    case WR_T_ARRAY: {
        const wr_type *e = wr_type_dup(ar, t->elem);
        return e ? wr_type_array(ar, e) : NULL;
    }
    case WR_T_MAP: {
        const wr_type *k = wr_type_dup(ar, t->key);
        const wr_type *v = wr_type_dup(ar, t->elem);
        return k && v ? wr_type_map(ar, k, v) : NULL;
    }
    case WR_T_STRUCT: {
        wr_field *f = wr_arena_alloc(
            ar, sizeof *f * (size_t)(t->nfields ? t->nfields : 1));
        if (!f)
            return NULL;
        for (int i = 0; i < t->nfields; i++) {
            f[i].name = wr_arena_strdup(ar, t->fields[i].name);
            f[i].type = wr_type_dup(ar, t->fields[i].type);
            if (!f[i].name || !f[i].type)
                return NULL;
        }
        return wr_type_struct(ar, f, t->nfields);
    }
    default:
        return wr_type_prim(t->kind);
    }
}

bool wr_type_equal(const wr_type *a, const wr_type *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case WR_T_DECIMAL:
        return a->precision == b->precision && a->scale == b->scale;
    case WR_T_ARRAY:
        return wr_type_equal(a->elem, b->elem);
    case WR_T_MAP:
        return wr_type_equal(a->key, b->key) && wr_type_equal(a->elem, b->elem);
    case WR_T_STRUCT:
        if (a->nfields != b->nfields)
            return false;
        for (int i = 0; i < a->nfields; i++)
            if (strcmp(a->fields[i].name, b->fields[i].name) != 0 ||
                !wr_type_equal(a->fields[i].type, b->fields[i].type))
                return false;
        return true;
    default:
        return true;
    }
}

/* Appends to buf at *pos, keeping it NUL-terminated and never overflowing. */
static void put(char *buf, size_t n, size_t *pos, const char *s)
{
    size_t l = strlen(s);
    if (*pos + 1 >= n)
        return;
    size_t room = n - *pos - 1;
    if (l > room)
        l = room;
    memcpy(buf + *pos, s, l);
    *pos += l;
    buf[*pos] = '\0';
}

static void format_into(const wr_type *t, char *buf, size_t n, size_t *pos)
{
    char tmp[48];
    if (!t) {
        put(buf, n, pos, "?");
        return;
    }
    switch (t->kind) {
    case WR_T_DECIMAL:
        snprintf(tmp, sizeof tmp, "DECIMAL(%d, %d)", t->precision, t->scale);
        put(buf, n, pos, tmp);
        break;
    case WR_T_ARRAY:
        put(buf, n, pos, "ARRAY<");
        format_into(t->elem, buf, n, pos);
        put(buf, n, pos, ">");
        break;
    case WR_T_MAP:
        put(buf, n, pos, "MAP<");
        format_into(t->key, buf, n, pos);
        put(buf, n, pos, ", ");
        format_into(t->elem, buf, n, pos);
        put(buf, n, pos, ">");
        break;
    case WR_T_STRUCT:
        put(buf, n, pos, "STRUCT<");
        for (int i = 0; i < t->nfields; i++) {
            if (i)
                put(buf, n, pos, ", ");
            put(buf, n, pos, "`");
            put(buf, n, pos, t->fields[i].name);
            put(buf, n, pos, "` ");
            format_into(t->fields[i].type, buf, n, pos);
        }
        put(buf, n, pos, ">");
        break;
    default:
        put(buf, n, pos, wr_type_kind_name(t->kind));
        break;
    }
}

char *wr_type_format(const wr_type *t, char *buf, size_t n)
{
    size_t pos = 0;
    if (n == 0)
        return buf;
    buf[0] = '\0';
    format_into(t, buf, n, &pos);
    return buf;
}

bool wr_type_is_numeric(const wr_type *t)
{
    return t && (t->kind == WR_T_INT || t->kind == WR_T_BIGINT ||
                 t->kind == WR_T_DOUBLE || t->kind == WR_T_DECIMAL);
}

bool wr_type_is_primitive(const wr_type *t)
{
    return t && t->kind != WR_T_ARRAY && t->kind != WR_T_MAP &&
           t->kind != WR_T_STRUCT;
}

const wr_type *wr_type_to_decimal(wr_arena *ar, const wr_type *t)
{
    if (!t)
        return NULL;
    switch (t->kind) {
    case WR_T_INT:
        return wr_type_decimal(ar, 10, 0);
    case WR_T_BIGINT:
        return wr_type_decimal(ar, 19, 0);
    case WR_T_DECIMAL:
        return t;
    default:
        return NULL;
    }
}

int wr_type_numeric_rank(wr_type_kind k)
{
    switch (k) {
    case WR_T_INT:
        return 1;
    case WR_T_BIGINT:
        return 2;
    case WR_T_DECIMAL:
        return 3;
    case WR_T_DOUBLE:
        return 4;
    default:
        return 0;
    }
}

const wr_type *wr_type_numeric_common(wr_arena *ar, const wr_type *a,
                                      const wr_type *b)
{
    if (a && a->kind == WR_T_NULL)
        return wr_type_is_numeric(b) ? b : NULL;
    if (b && b->kind == WR_T_NULL)
        return wr_type_is_numeric(a) ? a : NULL;
    if (!wr_type_is_numeric(a) || !wr_type_is_numeric(b))
        return NULL;
    int ra = wr_type_numeric_rank(a->kind), rb = wr_type_numeric_rank(b->kind);
    if (ra == 4 || rb == 4)
        return wr_type_prim(WR_T_DOUBLE);
    if (ra == 3 || rb == 3) {
        const wr_type *da = wr_type_to_decimal(ar, a);
        const wr_type *db = wr_type_to_decimal(ar, b);
        if (!da || !db)
            return NULL;
        int ia = da->precision - da->scale, ib = db->precision - db->scale;
        int s = da->scale > db->scale ? da->scale : db->scale;
        int p = (ia > ib ? ia : ib) + s;
        if (p > WR_DECIMAL_MAX_PRECISION) {
            /* Keep the integer digits; give up fraction digits instead. */
            s -= p - WR_DECIMAL_MAX_PRECISION;
            if (s < 0)
                s = 0;
            p = WR_DECIMAL_MAX_PRECISION;
        }
        if (da->precision == p && da->scale == s)
            return da;
        return wr_type_decimal(ar, p, s);
    }
    return ra >= rb ? a : b;
}

bool wr_type_widens_to(const wr_type *from, const wr_type *to)
{
    if (!from || !to)
        return false;
    if (from->kind == WR_T_NULL)
        return true;
    if (wr_type_equal(from, to))
        return true;
    int rf = wr_type_numeric_rank(from->kind),
        rt = wr_type_numeric_rank(to->kind);
    if (!rf || !rt)
        return false;
    if (to->kind == WR_T_DECIMAL) {
        int ip, is;
        if (from->kind == WR_T_DECIMAL) {
            ip = from->precision - from->scale;
            is = from->scale;
        } else if (from->kind == WR_T_INT) {
            ip = 10;
            is = 0;
        } else if (from->kind == WR_T_BIGINT) {
            ip = 19;
            is = 0;
        } else {
            return false;
        }
        return ip <= to->precision - to->scale && is <= to->scale;
    }
    return rf < rt;
}

bool wr_type_castable(const wr_type *from, const wr_type *to)
{
    if (!from || !to)
        return false;
    if (from->kind == WR_T_NULL || wr_type_equal(from, to))
        return true;
    wr_type_kind f = from->kind, t = to->kind;
    if (t == WR_T_STRING)
        return true;
    if (f == WR_T_STRING)
        return t != WR_T_ARRAY && t != WR_T_MAP && t != WR_T_STRUCT;
    if (wr_type_is_numeric(from) && wr_type_is_numeric(to))
        return true;
    if (f == WR_T_BOOLEAN || t == WR_T_BOOLEAN)
        return false;
    if (f == WR_T_TIMESTAMP && (t == WR_T_DATE || t == WR_T_TIME))
        return true;
    if (f == WR_T_DATE && t == WR_T_TIMESTAMP)
        return true;
    if (f == WR_T_ARRAY && t == WR_T_ARRAY)
        return wr_type_castable(from->elem, to->elem);
    if (f == WR_T_MAP && t == WR_T_MAP)
        return wr_type_castable(from->key, to->key) &&
               wr_type_castable(from->elem, to->elem);
    if (f == WR_T_STRUCT && t == WR_T_STRUCT) {
        if (from->nfields != to->nfields)
            return false;
        for (int i = 0; i < to->nfields; i++)
            if (!wr_type_castable(from->fields[i].type, to->fields[i].type))
                return false;
        return true;
    }
    return false;
}

wr_type_kind wr_type_kind_by_name(const char *name, size_t len)
{
    static const struct {
        const char *name;
        wr_type_kind kind;
    } names[] = {
        {"BOOLEAN", WR_T_BOOLEAN},     {"INT", WR_T_INT},
        {"INTEGER", WR_T_INT},         {"BIGINT", WR_T_BIGINT},
        {"DOUBLE", WR_T_DOUBLE},       {"VARCHAR", WR_T_STRING},
        {"STRING", WR_T_STRING},       {"BYTES", WR_T_BYTES},
        {"TIMESTAMP", WR_T_TIMESTAMP}, {"DATE", WR_T_DATE},
        {"TIME", WR_T_TIME},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == len &&
            strncasecmp(names[i].name, name, len) == 0)
            return names[i].kind;
    return WR_T_KIND_COUNT;
}
