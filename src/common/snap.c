/*
 * snap.c: the binary form of snapshot state (snap.h).
 */
#include "common/snap.h"

#include <string.h>

void wr_snap_int(wr_buf *b, int64_t v)
{
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); /* zigzag */
    char out[10];
    size_t n = 0;
    do {
        out[n++] = (char)((z & 0x7f) | (z >= 0x80 ? 0x80 : 0));
        z >>= 7;
    } while (z);
    wr_buf_putn(b, out, n);
}

void wr_snap_f64(wr_buf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    char out[8];
    for (int i = 0; i < 8; i++)
        out[i] = (char)(u >> (8 * i));
    wr_buf_putn(b, out, 8);
}

void wr_snap_bytes(wr_buf *b, const void *p, size_t n)
{
    wr_snap_int(b, (int64_t)n);
    if (n)
        wr_buf_putn(b, p, n);
}

void wr_snap_datum(wr_buf *b, const wr_type *t, const wr_datum *d)
{
    bool null = d->null || !t || t->kind == WR_T_NULL;
    wr_buf_putc(b, null ? 0 : 1);
    if (null)
        return;
    switch (t->kind) {
    case WR_T_BOOLEAN:
        wr_snap_int(b, d->u.b);
        break;
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        wr_snap_int(b, d->u.i32);
        break;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        wr_snap_int(b, d->u.i64);
        break;
    case WR_T_DOUBLE:
        wr_snap_f64(b, d->u.f64);
        break;
    case WR_T_DECIMAL:
        wr_snap_int(b, (int64_t)(uint64_t)((wr_u128)d->u.dec >> 64));
        wr_snap_int(b, (int64_t)(uint64_t)d->u.dec);
        break;
    case WR_T_STRING:
    case WR_T_BYTES:
        wr_snap_bytes(b, d->u.str.p, (size_t)d->u.str.len);
        break;
    case WR_T_ARRAY:
    case WR_T_MAP:
    case WR_T_STRUCT: {
        const wr_val *v = d->u.nest;
        int m = t->kind == WR_T_MAP ? 2 * v->n : v->n;
        wr_snap_int(b, v->n);
        for (int i = 0; i < m; i++)
            wr_snap_datum(b, wr_val_item_type(t, i), &v->items[i]);
        break;
    }
    default:
        break;
    }
}

/* Marks r damaged; returns 0 for the callers' convenience. */
static int64_t damaged(wr_snapr *r)
{
    r->bad = true;
    r->p = r->end;
    return 0;
}

int64_t wr_snapr_int(wr_snapr *r)
{
    uint64_t z = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (r->p >= r->end)
            return damaged(r);
        unsigned c = *r->p++;
        z |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    }
    return damaged(r);
}

int64_t wr_snapr_range(wr_snapr *r, int64_t lo, int64_t hi)
{
    int64_t v = wr_snapr_int(r);
    if (v < lo || v > hi) {
        damaged(r);
        return lo;
    }
    return v;
}

double wr_snapr_f64(wr_snapr *r)
{
    if (r->end - r->p < 8)
        return (double)damaged(r);
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u |= (uint64_t)r->p[i] << (8 * i);
    r->p += 8;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

const char *wr_snapr_bytes(wr_snapr *r, int32_t *n)
{
    int64_t len = wr_snapr_range(r, 0, INT32_MAX);
    if (r->bad || len > r->end - r->p) {
        damaged(r);
        *n = 0;
        return "";
    }
    const char *p = (const char *)r->p;
    r->p += len;
    *n = (int32_t)len;
    return p;
}

bool wr_snapr_datum(wr_snapr *r, const wr_type *t, wr_datum *d)
{
    memset(d, 0, sizeof *d);
    d->null = true;
    if (r->p >= r->end) {
        damaged(r);
        return false;
    }
    unsigned flag = *r->p++;
    if (flag > 1 || (flag && (!t || t->kind == WR_T_NULL))) {
        damaged(r);
        return false;
    }
    if (!flag)
        return true;
    d->null = false;
    switch (t->kind) {
    case WR_T_BOOLEAN:
        d->u.b = (uint8_t)wr_snapr_range(r, 0, 1);
        break;
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        d->u.i32 = (int32_t)wr_snapr_range(r, INT32_MIN, INT32_MAX);
        break;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        d->u.i64 = wr_snapr_int(r);
        break;
    case WR_T_DOUBLE:
        d->u.f64 = wr_snapr_f64(r);
        break;
    case WR_T_DECIMAL: {
        uint64_t hi = (uint64_t)wr_snapr_int(r);
        uint64_t lo = (uint64_t)wr_snapr_int(r);
        d->u.dec = (wr_i128)(((wr_u128)hi << 64) | lo);
        break;
    }
    case WR_T_STRING:
    case WR_T_BYTES:
        d->u.str.p = wr_snapr_bytes(r, &d->u.str.len);
        break;
    case WR_T_ARRAY:
    case WR_T_MAP:
    case WR_T_STRUCT: {
        /* Each item takes at least one byte: a count beyond what is left
         * is damage, not a reason to allocate. */
        int64_t n = wr_snapr_range(r, 0, r->end - r->p);
        int m = (int)(t->kind == WR_T_MAP ? 2 * n : n);
        if (t->kind == WR_T_STRUCT && n != t->nfields)
            damaged(r);
        if (r->bad)
            break;
        wr_val *v = wr_arena_alloc(r->ar, sizeof *v);
        wr_datum *items =
            wr_arena_alloc(r->ar, sizeof(wr_datum) * (size_t)(m ? m : 1));
        if (!v || !items) {
            r->oom = true;
            damaged(r);
            break;
        }
        v->type = t;
        v->n = (int)n;
        v->items = items;
        for (int i = 0; i < m && !r->bad; i++)
            wr_snapr_datum(r, wr_val_item_type(t, i), &items[i]);
        d->u.nest = v;
        break;
    }
    default:
        damaged(r);
        break;
    }
    if (r->bad)
        d->null = true;
    return !r->bad;
}
