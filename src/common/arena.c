/*
 * arena.c: chunked bump allocator (see arena.h for lifetimes).
 *
 * Chunks form a singly linked list, newest first. A request larger than a
 * quarter of the chunk size gets a chunk of its own so that big blocks do not
 * waste the tail of the current chunk. Reset keeps only the oldest chunk
 * (the last in the list), which is the common size, and frees the others.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "common/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WR_HAVE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define WR_HAVE_ASAN 1
#endif
#ifdef WR_HAVE_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ALIGN 16

typedef struct chunk {
    struct chunk *next; /* older chunk */
    size_t size;        /* usable bytes in data[] */
    size_t used;        /* bytes handed out */
    _Alignas(ALIGN) unsigned char data[];
} chunk;

struct wr_arena {
    chunk *head;     /* current chunk, newest first; NULL when empty */
    size_t chunk_sz; /* preferred chunk size */
    size_t total;    /* bytes handed out since the last reset */
};

static long fault_countdown = -1; /* <0: no injection */

void wr_fault_sim(long n)
{
    fault_countdown = n;
}

static int fault_hit(void)
{
    if (fault_countdown < 0)
        return 0;
    if (fault_countdown == 0)
        return 1;
    fault_countdown--;
    return 0;
}

void *wr_malloc(size_t n)
{
    if (fault_hit())
        return NULL;
    return malloc(n ? n : 1);
}

void *wr_realloc(void *p, size_t n)
{
    if (fault_hit())
        return NULL;
    return realloc(p, n ? n : 1);
}

void *wr_malloc_huge(size_t n)
{
    void *p;
    if (fault_hit() || posix_memalign(&p, WR_HUGE_PAGE, n ? n : 1) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    /* Advice only: without transparent huge pages this is 4 KiB pages. */
    (void)madvise(p, n, MADV_HUGEPAGE);
#endif
    return p;
}

void wr_free(void *p)
{
    free(p);
}

wr_arena *wr_arena_new(size_t chunk_sz)
{
    wr_arena *ar = wr_malloc(sizeof *ar);
    if (!ar)
        return NULL;
    ar->head = NULL;
    ar->chunk_sz = chunk_sz ? chunk_sz : 8192;
    ar->total = 0;
    return ar;
}

void wr_arena_free(wr_arena *ar)
{
    if (!ar)
        return;
    chunk *c = ar->head;
    while (c) {
        chunk *next = c->next;
        UNPOISON(c->data, c->size);
        free(c);
        c = next;
    }
    free(ar);
}

void wr_arena_reset(wr_arena *ar)
{
    if (!ar || !ar->head)
        return;
    chunk *c = ar->head;
    if (c->next) {
        /* Several chunks: replace them by one of their total size, so that
         * the next cycle (batch arenas are reset once per vector) fits in a
         * single retained chunk instead of mallocing (and page-faulting)
         * the same big blocks again. */
        size_t total = 0;
        for (chunk *x = c; x; x = x->next)
            total += x->size;
        chunk *one = fault_hit() ? NULL : malloc(sizeof(chunk) + total);
        if (one) {
            one->size = total;
            one->next = NULL;
            while (c) {
                chunk *next = c->next;
                UNPOISON(c->data, c->size);
                free(c);
                c = next;
            }
            c = one;
        } else {
            while (c->next) {
                chunk *next = c->next;
                UNPOISON(c->data, c->size);
                free(c);
                c = next;
            }
        }
    }
    ar->head = c;
#ifdef WEIR_ARENA_POISON
    UNPOISON(c->data, c->size);
    memset(c->data, 0xA5, c->size);
#endif
    POISON(c->data, c->size);
    c->used = 0;
    ar->total = 0;
}

void *wr_arena_alloc(wr_arena *ar, size_t n)
{
    if (!ar)
        return NULL;
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / 2)
        return NULL;
    size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    chunk *c = ar->head;
    if (!c || c->size - c->used < need) {
        size_t sz = ar->chunk_sz;
        if (need > sz / 4)
            sz = need;
        if (fault_hit())
            return NULL;
        chunk *nc = malloc(sizeof(chunk) + sz);
        if (!nc)
            return NULL;
        nc->size = sz;
        nc->used = 0;
        POISON(nc->data, sz);
        if (c && need == sz && c->size - c->used >= ALIGN) {
            /* Big block: keep filling the current chunk afterwards. */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            ar->head = nc;
        }
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += need;
    ar->total += need;
    UNPOISON(p, n);
    return p;
}

void *wr_arena_zalloc(wr_arena *ar, size_t n)
{
    void *p = wr_arena_alloc(ar, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *wr_arena_strndup(wr_arena *ar, const char *s, size_t n)
{
    char *p = wr_arena_alloc(ar, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *wr_arena_strdup(wr_arena *ar, const char *s)
{
    return wr_arena_strndup(ar, s, strlen(s));
}

char *wr_arena_printf(wr_arena *ar, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = wr_arena_alloc(ar, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

size_t wr_arena_used(const wr_arena *ar)
{
    return ar ? ar->total : 0;
}
