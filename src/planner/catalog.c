/*
 * catalog.c: the engine's streams, tables and persistent queries.
 *
 * Sources are kept in a growable array in creation order (a catalog holds
 * tens of sources, so lookups scan it); each source owns an arena with all of
 * its data, so dropping one frees exactly its memory. Query definitions are
 * kept in the catalog's own arena: they are few and live as long as it.
 */
#include "planner/catalog.h"

#include <string.h>
#include <strings.h>

struct wr_catalog {
    wr_source **src; /* sources in creation order */
    int n;           /* number of sources */
    int cap;         /* allocated slots */
    wr_query_def *q; /* persistent queries */
    int nq;          /* number of queries */
    int qcap;        /* allocated query slots */
    int qseq;        /* next query number */
    wr_arena *ar;    /* query definitions' strings */
    wr_kv *props;    /* session properties (heap strings) */
    int nprops;      /* number of properties */
    int propcap;     /* allocated slots */
};

static const char *const format_names[WR_FMT_COUNT] = {
    [WR_FMT_NONE] = "NONE",           [WR_FMT_JSON] = "JSON",
    [WR_FMT_DELIMITED] = "DELIMITED", [WR_FMT_KAFKA] = "KAFKA",
    [WR_FMT_AVRO] = "AVRO",           [WR_FMT_PROTOBUF] = "PROTOBUF",
    [WR_FMT_JSON_SR] = "JSON_SR",
};

const char *wr_format_name(wr_format f)
{
    return (unsigned)f < WR_FMT_COUNT ? format_names[f] : "?";
}

wr_format wr_format_by_name(const char *name)
{
    for (int i = 0; i < WR_FMT_COUNT; i++)
        if (strcasecmp(name, format_names[i]) == 0)
            return (wr_format)i;
    if (strcasecmp(name, "PROTOBUF_NOSR") == 0)
        return WR_FMT_PROTOBUF;
    return WR_FMT_COUNT;
}

wr_catalog *wr_catalog_new(void)
{
    wr_catalog *cat = wr_malloc(sizeof *cat);
    if (!cat)
        return NULL;
    memset(cat, 0, sizeof *cat);
    cat->ar = wr_arena_new(1024);
    if (!cat->ar) {
        wr_free(cat);
        return NULL;
    }
    return cat;
}

void wr_catalog_free(wr_catalog *cat)
{
    if (!cat)
        return;
    for (int i = 0; i < cat->n; i++)
        wr_source_free(cat->src[i]);
    wr_free(cat->src);
    wr_free(cat->q);
    for (int i = 0; i < cat->nprops; i++) {
        wr_free((char *)cat->props[i].key);
        wr_free((char *)cat->props[i].value);
    }
    wr_free(cat->props);
    wr_arena_free(cat->ar);
    wr_free(cat);
}

wr_source *wr_source_new(const char *name)
{
    wr_arena *ar = wr_arena_new(2048);
    if (!ar)
        return NULL;
    wr_source *src = wr_arena_zalloc(ar, sizeof *src);
    if (!src || !(src->name = wr_arena_strdup(ar, name))) {
        wr_arena_free(ar);
        return NULL;
    }
    src->ar = ar;
    src->window.retention = src->window.grace = -1;
    return src;
}

void wr_source_free(wr_source *src)
{
    if (src)
        wr_arena_free(src->ar); /* src itself lives in its arena */
}

const wr_source *wr_catalog_get(const wr_catalog *cat, const char *name)
{
    for (int i = 0; i < cat->n; i++)
        if (strcmp(cat->src[i]->name, name) == 0)
            return cat->src[i];
    return NULL;
}

weir_rc wr_catalog_put(wr_catalog *cat, wr_source *src, weir_status *st)
{
    for (int i = 0; i < cat->n; i++) {
        if (strcmp(cat->src[i]->name, src->name) == 0) {
            wr_source_free(cat->src[i]);
            cat->src[i] = src;
            return WEIR_OK;
        }
    }
    if (cat->n == cat->cap) {
        int cap = cat->cap ? cat->cap * 2 : 16;
        wr_source **s = wr_realloc(cat->src, sizeof *s * (size_t)cap);
        if (!s) {
            wr_source_free(src);
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        }
        cat->src = s;
        cat->cap = cap;
    }
    cat->src[cat->n++] = src;
    return WEIR_OK;
}

void wr_catalog_drop(wr_catalog *cat, const char *name)
{
    for (int i = 0; i < cat->n; i++) {
        if (strcmp(cat->src[i]->name, name) == 0) {
            wr_source_free(cat->src[i]);
            memmove(cat->src + i, cat->src + i + 1,
                    sizeof *cat->src * (size_t)(cat->n - i - 1));
            cat->n--;
            return;
        }
    }
}

int wr_catalog_count(const wr_catalog *cat)
{
    return cat->n;
}

const wr_source *wr_catalog_at(const wr_catalog *cat, int i)
{
    return i >= 0 && i < cat->n ? cat->src[i] : NULL;
}

const char *wr_catalog_add_query(wr_catalog *cat, const char *kind,
                                 const char *id, const char *sink,
                                 const char *sql, const char *const *reads,
                                 int nreads)
{
    if (cat->nq == cat->qcap) {
        int cap = cat->qcap ? cat->qcap * 2 : 8;
        wr_query_def *q = wr_realloc(cat->q, sizeof *q * (size_t)cap);
        if (!q)
            return NULL;
        cat->q = q;
        cat->qcap = cap;
    }
    wr_query_def *q = &cat->q[cat->nq];
    if (id)
        q->id = wr_arena_strdup(cat->ar, id);
    else if (strcmp(kind, "INSERTQUERY") == 0)
        q->id = wr_arena_printf(cat->ar, "INSERTQUERY_%d", cat->qseq);
    else
        q->id = wr_arena_printf(cat->ar, "%s_%s_%d", kind, sink, cat->qseq);
    q->sink = wr_arena_strdup(cat->ar, sink);
    q->sql = wr_arena_strdup(cat->ar, sql ? sql : "");
    q->reads = nreads > 0
                   ? wr_arena_alloc(cat->ar, sizeof *q->reads * (size_t)nreads)
                   : NULL;
    q->nreads = 0;
    if (!q->id || !q->sink || !q->sql || (nreads > 0 && !q->reads))
        return NULL;
    for (int i = 0; i < nreads; i++) {
        bool seen = false;
        for (int k = 0; k < q->nreads && !seen; k++)
            seen = !strcmp(q->reads[k], reads[i]);
        if (seen)
            continue;
        if (!(q->reads[q->nreads] = wr_arena_strdup(cat->ar, reads[i])))
            return NULL;
        q->nreads++;
    }
    cat->nq++;
    if (!id)
        cat->qseq++;
    return q->id;
}

int wr_catalog_drop_query(wr_catalog *cat, const char *id)
{
    int removed = 0;
    for (int i = 0; i < cat->nq;) {
        if (!id || !strcasecmp(cat->q[i].id, id)) {
            memmove(cat->q + i, cat->q + i + 1,
                    sizeof *cat->q * (size_t)(cat->nq - i - 1));
            cat->nq--;
            removed++;
        } else {
            i++;
        }
    }
    return removed;
}

int wr_catalog_query_count(const wr_catalog *cat)
{
    return cat->nq;
}

const wr_query_def *wr_catalog_query_at(const wr_catalog *cat, int i)
{
    return i >= 0 && i < cat->nq ? &cat->q[i] : NULL;
}

int wr_catalog_next_query_seq(const wr_catalog *cat)
{
    return cat->qseq;
}

static char *heap_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = wr_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

weir_rc wr_catalog_set_prop(wr_catalog *cat, const char *key, const char *value,
                            weir_status *st)
{
    char *v = heap_strdup(value);
    if (!v)
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    for (int i = 0; i < cat->nprops; i++) {
        if (!strcmp(cat->props[i].key, key)) {
            wr_free((char *)cat->props[i].value);
            cat->props[i].value = v;
            return WEIR_OK;
        }
    }
    char *k = heap_strdup(key);
    if (!k || cat->nprops == cat->propcap) {
        int cap = cat->propcap ? cat->propcap * 2 : 8;
        wr_kv *p = k ? wr_realloc(cat->props, sizeof *p * (size_t)cap) : NULL;
        if (!p) {
            wr_free(k);
            wr_free(v);
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        }
        cat->props = p;
        cat->propcap = cap;
    }
    cat->props[cat->nprops].key = k;
    cat->props[cat->nprops].value = v;
    cat->nprops++;
    return WEIR_OK;
}

void wr_catalog_unset_prop(wr_catalog *cat, const char *key)
{
    for (int i = 0; i < cat->nprops; i++) {
        if (!strcmp(cat->props[i].key, key)) {
            wr_free((char *)cat->props[i].key);
            wr_free((char *)cat->props[i].value);
            memmove(cat->props + i, cat->props + i + 1,
                    sizeof *cat->props * (size_t)(cat->nprops - i - 1));
            cat->nprops--;
            return;
        }
    }
}

const char *wr_catalog_get_prop(const wr_catalog *cat, const char *key)
{
    for (int i = 0; i < cat->nprops; i++)
        if (!strcmp(cat->props[i].key, key))
            return cat->props[i].value;
    return NULL;
}

int wr_catalog_prop_count(const wr_catalog *cat)
{
    return cat->nprops;
}

const wr_kv *wr_catalog_prop_at(const wr_catalog *cat, int i)
{
    return i >= 0 && i < cat->nprops ? &cat->props[i] : NULL;
}

const char *wr_source_prop(const wr_source *src, const char *key)
{
    for (int i = 0; src && i < src->nprops; i++)
        if (!strcasecmp(src->props[i].key, key))
            return src->props[i].value;
    return NULL;
}
