/*
 * batch.c: columnar batch storage (see batch.h) and datum helpers of
 * value.h: hashing, equality, ordering and deep copy.
 */
#include "common/batch.h"

#include <math.h>

size_t wr_value_size(wr_type_kind k)
{
    switch (k) {
    case WR_T_NULL:
        return 0;
    case WR_T_BOOLEAN:
        return sizeof(uint8_t);
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        return sizeof(int32_t);
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        return sizeof(int64_t);
    case WR_T_DOUBLE:
        return sizeof(double);
    case WR_T_DECIMAL:
        return sizeof(wr_i128);
    case WR_T_STRING:
    case WR_T_BYTES:
        return sizeof(wr_str);
    default:
        return sizeof(const wr_val *);
    }
}

bool wr_col_init(wr_col *c, wr_arena *ar, const wr_type *t, int cap)
{
    size_t words = ((size_t)cap + 63) / 64;
    size_t sz = wr_value_size(t->kind);
    c->type = t;
    c->cap = cap;
    c->nulls = wr_arena_alloc(ar, (words ? words : 1) * sizeof(uint64_t));
    c->data = wr_arena_alloc(ar, sz * (size_t)(cap ? cap : 1) + 16);
    if (!c->nulls || !c->data)
        return false;
    memset(c->nulls, 0xff, (words ? words : 1) * sizeof(uint64_t));
    return true;
}

void wr_col_get(const wr_col *c, int i, wr_datum *d)
{
    memset(d, 0, sizeof(*d));
    d->null = wr_col_is_null(c, i);
    if (d->null)
        return;
    switch (c->type->kind) {
    case WR_T_NULL:
        d->null = true;
        break;
    case WR_T_BOOLEAN:
        d->u.b = WR_COL_BOOL(c)[i];
        break;
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        d->u.i32 = WR_COL_I32(c)[i];
        break;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        d->u.i64 = WR_COL_I64(c)[i];
        break;
    case WR_T_DOUBLE:
        d->u.f64 = WR_COL_F64(c)[i];
        break;
    case WR_T_DECIMAL:
        d->u.dec = WR_COL_DEC(c)[i];
        break;
    case WR_T_STRING:
    case WR_T_BYTES:
        d->u.str = WR_COL_STR(c)[i];
        break;
    default:
        d->u.nest = WR_COL_NEST(c)[i];
        break;
    }
}

void wr_col_put(wr_col *c, int i, const wr_datum *d)
{
    if (d->null || c->type->kind == WR_T_NULL) {
        wr_col_set_null(c, i, true);
        return;
    }
    wr_col_set_null(c, i, false);
    switch (c->type->kind) {
    case WR_T_BOOLEAN:
        WR_COL_BOOL(c)[i] = d->u.b;
        break;
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        WR_COL_I32(c)[i] = d->u.i32;
        break;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        WR_COL_I64(c)[i] = d->u.i64;
        break;
    case WR_T_DOUBLE:
        WR_COL_F64(c)[i] = d->u.f64;
        break;
    case WR_T_DECIMAL:
        WR_COL_DEC(c)[i] = d->u.dec;
        break;
    case WR_T_STRING:
    case WR_T_BYTES:
        WR_COL_STR(c)[i] = d->u.str;
        break;
    default:
        WR_COL_NEST(c)[i] = d->u.nest;
        break;
    }
}

bool wr_batch_init(wr_batch *b, wr_arena *ar, int ncols,
                   const wr_type *const *types, int cap)
{
    memset(b, 0, sizeof(*b));
    b->ar = ar;
    b->cap = cap;
    b->ncols = ncols;
    b->cols = wr_arena_zalloc(ar, sizeof(wr_col) * (size_t)(ncols ? ncols : 1));
    b->tomb = wr_arena_zalloc(ar, (size_t)(cap ? cap : 1));
    if (!b->cols || !b->tomb)
        return false;
    for (int i = 0; i < ncols; i++)
        if (!wr_col_init(&b->cols[i], ar, types[i], cap))
            return false;
    return true;
}

bool wr_batch_drop_tombstones(wr_batch *b)
{
    int ntomb = 0;
    for (int k = 0; k < b->nsel; k++)
        ntomb += b->tomb[wr_batch_row(b, k)];
    if (!ntomb)
        return true;
    uint32_t *sel =
        wr_arena_alloc(b->ar, sizeof(uint32_t) * (size_t)(b->nsel + 1));
    if (!sel)
        return false;
    int m = 0;
    for (int k = 0; k < b->nsel; k++) {
        int r = wr_batch_row(b, k);
        if (!b->tomb[r])
            sel[m++] = (uint32_t)r;
    }
    b->sel = sel;
    b->nsel = m;
    return true;
}

void wr_batch_select_all(wr_batch *b)
{
    b->sel = NULL;
    b->nsel = b->n;
}

/* ---- datum helpers ------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = mix64(h ^ w) * 0x100000001b3ULL;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    return mix64(h ^ w);
}

uint64_t wr_datum_hash(const wr_type *t, const wr_datum *d)
{
    if (d->null)
        return 0x9e3779b97f4a7c15ULL;
    switch (t->kind) {
    case WR_T_BOOLEAN:
        return mix64(d->u.b + 1);
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        return mix64((uint64_t)(int64_t)d->u.i32);
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        return mix64((uint64_t)d->u.i64);
    case WR_T_DOUBLE: {
        double x = d->u.f64 == 0.0 ? 0.0 : d->u.f64;
        uint64_t w;
        memcpy(&w, &x, 8);
        return mix64(w);
    }
    case WR_T_DECIMAL:
        return mix64((uint64_t)d->u.dec ^ mix64((uint64_t)(d->u.dec >> 64)));
    case WR_T_STRING:
    case WR_T_BYTES:
        return hash_bytes(d->u.str.p, (size_t)d->u.str.len);
    default: {
        const wr_val *v = d->u.nest;
        uint64_t h = mix64((uint64_t)v->n);
        int m = t->kind == WR_T_MAP ? 2 * v->n : v->n;
        for (int i = 0; i < m; i++) {
            const wr_type *et = t->kind == WR_T_ARRAY ? t->elem
                                : t->kind == WR_T_MAP
                                    ? (i % 2 ? t->elem : t->key)
                                    : t->fields[i].type;
            h = mix64(h ^ wr_datum_hash(et, &v->items[i]));
        }
        return h;
    }
    }
}

int wr_datum_cmp(const wr_type *t, const wr_datum *a, const wr_datum *b)
{
    switch (t->kind) {
    case WR_T_BOOLEAN:
        return (int)a->u.b - (int)b->u.b;
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        return (a->u.i32 > b->u.i32) - (a->u.i32 < b->u.i32);
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        return (a->u.i64 > b->u.i64) - (a->u.i64 < b->u.i64);
    case WR_T_DOUBLE:
        if (isnan(a->u.f64) || isnan(b->u.f64))
            return isnan(a->u.f64) - isnan(b->u.f64);
        return (a->u.f64 > b->u.f64) - (a->u.f64 < b->u.f64);
    case WR_T_DECIMAL:
        return (a->u.dec > b->u.dec) - (a->u.dec < b->u.dec);
    case WR_T_STRING:
    case WR_T_BYTES: {
        int32_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
        int c = n ? memcmp(a->u.str.p, b->u.str.p, (size_t)n) : 0;
        if (c)
            return c;
        return (a->u.str.len > b->u.str.len) - (a->u.str.len < b->u.str.len);
    }
    default:
        return 0;
    }
}

bool wr_datum_equal(const wr_type *t, const wr_datum *a, const wr_datum *b)
{
    if (a->null || b->null)
        return a->null == b->null;
    switch (t->kind) {
    case WR_T_ARRAY:
    case WR_T_MAP:
    case WR_T_STRUCT: {
        const wr_val *x = a->u.nest, *y = b->u.nest;
        if (x->n != y->n)
            return false;
        int m = t->kind == WR_T_MAP ? 2 * x->n : x->n;
        for (int i = 0; i < m; i++) {
            const wr_type *et = t->kind == WR_T_ARRAY ? t->elem
                                : t->kind == WR_T_MAP
                                    ? (i % 2 ? t->elem : t->key)
                                    : t->fields[i].type;
            if (!wr_datum_equal(et, &x->items[i], &y->items[i]))
                return false;
        }
        return true;
    }
    case WR_T_DOUBLE:
        return a->u.f64 == b->u.f64 || (isnan(a->u.f64) && isnan(b->u.f64));
    default:
        return wr_datum_cmp(t, a, b) == 0;
    }
}

bool wr_datum_copy(wr_arena *ar, const wr_type *t, const wr_datum *d,
                   wr_datum *out)
{
    if (out != d)
        *out = *d;
    if (d->null)
        return true;
    switch (t->kind) {
    case WR_T_STRING:
    case WR_T_BYTES: {
        if (d->u.str.len == 0) {
            out->u.str.p = "";
            return true;
        }
        char *p = wr_arena_alloc(ar, (size_t)d->u.str.len);
        if (!p)
            return false;
        memcpy(p, d->u.str.p, (size_t)d->u.str.len);
        out->u.str.p = p;
        return true;
    }
    case WR_T_ARRAY:
    case WR_T_MAP:
    case WR_T_STRUCT: {
        const wr_val *v = d->u.nest;
        int m = t->kind == WR_T_MAP ? 2 * v->n : v->n;
        wr_val *c = wr_arena_alloc(ar, sizeof(*c));
        wr_datum *items =
            wr_arena_alloc(ar, sizeof(wr_datum) * (size_t)(m ? m : 1));
        if (!c || !items)
            return false;
        c->type = v->type;
        c->n = v->n;
        c->items = items;
        for (int i = 0; i < m; i++) {
            const wr_type *et = t->kind == WR_T_ARRAY ? t->elem
                                : t->kind == WR_T_MAP
                                    ? (i % 2 ? t->elem : t->key)
                                    : t->fields[i].type;
            if (!wr_datum_copy(ar, et, &v->items[i], &items[i]))
                return false;
        }
        out->u.nest = c;
        return true;
    }
    default:
        return true;
    }
}

/* ---- kept values: deep copies in one block -------------------------- */

static bool is_var(wr_type_kind k)
{
    return k == WR_T_STRING || k == WR_T_BYTES || k == WR_T_ARRAY ||
           k == WR_T_MAP || k == WR_T_STRUCT;
}

static size_t align16(size_t x)
{
    return (x + 15) & ~(size_t)15;
}

const wr_type *wr_val_item_type(const wr_type *t, int i)
{
    if (t->kind == WR_T_ARRAY)
        return t->elem;
    if (t->kind == WR_T_MAP)
        return i % 2 ? t->elem : t->key;
    return t->fields[i].type;
}

/*
 * Lays out the variable part of the non-NULL datum d (of type t) at
 * base + off and points *out at it; with base NULL it only measures.
 * Returns the offset after the last byte used. Nested values get their
 * wr_val and item array 16-aligned; strings are packed.
 */
static size_t place(const wr_type *t, const wr_datum *d, wr_datum *out,
                    char *base, size_t off)
{
    switch (t->kind) {
    case WR_T_STRING:
    case WR_T_BYTES:
        if (base) {
            if (d->u.str.len > 0)
                memcpy(base + off, d->u.str.p, (size_t)d->u.str.len);
            out->u.str.p = base + off;
            out->u.str.len = d->u.str.len;
        }
        return off + (size_t)d->u.str.len;
    case WR_T_ARRAY:
    case WR_T_MAP:
    case WR_T_STRUCT: {
        const wr_val *v = d->u.nest;
        int m = t->kind == WR_T_MAP ? 2 * v->n : v->n;
        off = align16(off);
        wr_val *c = base ? (wr_val *)(void *)(base + off) : NULL;
        off += align16(sizeof(wr_val));
        wr_datum *items = base ? (wr_datum *)(void *)(base + off) : NULL;
        off += sizeof(wr_datum) * (size_t)m;
        if (c) {
            c->type = t;
            c->n = v->n;
            c->items = items;
            out->u.nest = c;
        }
        for (int i = 0; i < m; i++) {
            const wr_type *et = wr_val_item_type(t, i);
            if (items)
                items[i] = v->items[i];
            if (!v->items[i].null && is_var(et->kind))
                off = place(et, &v->items[i], items ? &items[i] : NULL, base,
                            off);
        }
        return off;
    }
    default:
        return off;
    }
}

size_t wr_datum_place(const wr_type *t, const wr_datum *d, wr_datum *out,
                      char *base, size_t off)
{
    if (d->null || !t || !is_var(t->kind))
        return off;
    return place(t, d, out, base, off);
}

bool wr_datum_keep(const wr_type *t, const wr_datum *src, wr_datum *dst)
{
    *dst = *src;
    if (src->null || !is_var(t->kind))
        return true;
    if ((t->kind == WR_T_STRING || t->kind == WR_T_BYTES) &&
        src->u.str.len == 0) {
        dst->u.str.p = "";
        return true;
    }
    size_t n = place(t, src, NULL, NULL, 0);
    char *b = wr_malloc(n ? n : 1);
    if (!b) {
        dst->null = true;
        return false;
    }
    place(t, src, dst, b, 0);
    return true;
}

void wr_datum_drop(const wr_type *t, wr_datum *d)
{
    if (d->null)
        return;
    switch (t->kind) {
    case WR_T_STRING:
    case WR_T_BYTES:
        if (d->u.str.len > 0)
            wr_free((void *)d->u.str.p);
        break;
    case WR_T_ARRAY:
    case WR_T_MAP:
    case WR_T_STRUCT:
        wr_free((void *)d->u.nest);
        break;
    default:
        break;
    }
    d->null = true;
}
