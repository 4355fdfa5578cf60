/*
 * rowmap.c: key -> rows hash table of operator state (rowmap.h).
 *
 * Chained buckets, doubled when the entries outnumber them. An entry is one
 * allocation: the entry, its key datums and the key's strings and nested
 * values (wr_row_place).
 */
#include "exec/rowmap.h"

#include <string.h>

#include "common/arena.h"

void wr_rowmap_init(wr_rowmap *m, int nk, const wr_type *const *kt)
{
    memset(m, 0, sizeof *m);
    m->nk = nk;
    m->kt = kt;
}

static void entry_free(wr_rment *e, void (*free_row)(void *row))
{
    for (int i = 0; free_row && i < e->n; i++)
        free_row(e->rows[i]);
    wr_free(e->rows);
    wr_free(e);
}

void wr_rowmap_fini(wr_rowmap *m, void (*free_row)(void *row))
{
    for (uint32_t i = 0; i < m->nb; i++)
        for (wr_rment *e = m->b[i], *nx; e; e = nx) {
            nx = e->next;
            entry_free(e, free_row);
        }
    wr_free(m->b);
    m->b = NULL;
    m->nb = m->n = 0;
}

/* Hash of a key; false when a datum is NULL (such keys are never kept). */
static bool key_hash(const wr_rowmap *m, const wr_datum *key, uint64_t *h)
{
    uint64_t x = 0x9ae16a3b2f90404fULL;
    for (int i = 0; i < m->nk; i++) {
        if (key[i].null)
            return false;
        x = (x ^ wr_datum_hash(m->kt[i], &key[i])) * 0x9e3779b97f4a7c15ULL;
    }
    *h = x ^ (x >> 29);
    return true;
}

static bool key_equal(const wr_rowmap *m, const wr_datum *a, const wr_datum *b)
{
    for (int i = 0; i < m->nk; i++)
        if (!wr_datum_equal(m->kt[i], &a[i], &b[i]))
            return false;
    return true;
}

wr_rment *wr_rowmap_find(const wr_rowmap *m, const wr_datum *key)
{
    uint64_t h;
    if (!m->nb || !key_hash(m, key, &h))
        return NULL;
    for (wr_rment *e = m->b[h & (m->nb - 1)]; e; e = e->next)
        if (e->hash == h && key_equal(m, e->key, key))
            return e;
    return NULL;
}

static bool grow(wr_rowmap *m)
{
    uint32_t nb = m->nb ? m->nb * 2 : 64;
    wr_rment **b = wr_malloc(sizeof(void *) * nb);
    if (!b)
        return false;
    memset(b, 0, sizeof(void *) * nb);
    for (uint32_t i = 0; i < m->nb; i++)
        for (wr_rment *e = m->b[i], *nx; e; e = nx) {
            nx = e->next;
            e->next = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
        }
    wr_free(m->b);
    m->b = b;
    m->nb = nb;
    return true;
}

/* A new entry for key (copied with its strings and nested values into
 * the entry's block), not yet linked. Borrows key. */
static wr_rment *entry_new(const wr_rowmap *m, const wr_datum *key, uint64_t h)
{
    /* The key datums hold __int128s: 16-aligned after the entry. */
    size_t hdr = (sizeof(wr_rment) + 15) & ~(size_t)15;
    size_t off = hdr + sizeof(wr_datum) * (size_t)m->nk;
    wr_rment *e = wr_malloc(wr_row_place(m->nk, m->kt, key, NULL, NULL, off));
    if (!e)
        return NULL;
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->key = (wr_datum *)((char *)e + hdr);
    wr_row_place(m->nk, m->kt, key, e->key, (char *)e, off);
    return e;
}

bool wr_rowmap_add(wr_rowmap *m, const wr_datum *key, void *row)
{
    uint64_t h;
    if (!key_hash(m, key, &h))
        return true; /* a NULL key is never kept (nor found) */
    wr_rment *e = wr_rowmap_find(m, key);
    bool fresh = !e;
    if (fresh && !(e = entry_new(m, key, h)))
        return false;
    if (e->n == e->cap) {
        int nc = e->cap ? e->cap * 2 : 1;
        void **r = wr_realloc(e->rows, sizeof(void *) * (size_t)nc);
        if (!r) {
            if (fresh)
                wr_free(e);
            return false;
        }
        e->rows = r;
        e->cap = nc;
    }
    e->rows[e->n++] = row;
    if (fresh) {
        if (m->n >= m->nb && !grow(m)) {
            entry_free(e, NULL);
            return false;
        }
        e->next = m->b[h & (m->nb - 1)];
        m->b[h & (m->nb - 1)] = e;
        m->n++;
    }
    return true;
}

static void unlink_entry(wr_rowmap *m, wr_rment *e)
{
    wr_rment **pp = &m->b[e->hash & (m->nb - 1)];
    while (*pp != e)
        pp = &(*pp)->next;
    *pp = e->next;
    m->n--;
    entry_free(e, NULL);
}

void wr_rowmap_remove(wr_rowmap *m, wr_rment *e, int i)
{
    memmove(&e->rows[i], &e->rows[i + 1],
            sizeof(void *) * (size_t)(e->n - i - 1));
    if (--e->n == 0)
        unlink_entry(m, e);
}

size_t wr_rowmap_filter(wr_rowmap *m, bool (*keep)(void *row, void *arg),
                        void *arg)
{
    size_t left = 0;
    for (uint32_t i = 0; i < m->nb; i++)
        for (wr_rment *e = m->b[i], *nx; e; e = nx) {
            nx = e->next;
            int k = 0;
            for (int j = 0; j < e->n; j++)
                if (keep(e->rows[j], arg))
                    e->rows[k++] = e->rows[j];
            e->n = k;
            left += (size_t)k;
            if (k == 0)
                unlink_entry(m, e);
        }
    return left;
}

size_t wr_row_place(int n, const wr_type *const *types, const wr_datum *d,
                    wr_datum *dst, char *base, size_t off)
{
    for (int i = 0; i < n; i++) {
        if (base)
            dst[i] = d[i];
        off = wr_datum_place(types[i], &d[i], base ? &dst[i] : NULL, base, off);
    }
    return off;
}

wr_datum *wr_row_copy(int n, const wr_type *const *types, const wr_datum *d)
{
    size_t hdr = sizeof(wr_datum) * (size_t)(n ? n : 1);
    wr_datum *r = wr_malloc(wr_row_place(n, types, d, NULL, NULL, hdr));
    if (!r)
        return NULL;
    wr_row_place(n, types, d, r, (char *)r, hdr);
    return r;
}
