/*
 * arena.h: bump allocator with one owner and one free.
 *
 * A wr_arena hands out memory from chunks it owns; nothing it hands out is
 * freed on its own. wr_arena_reset() forgets everything but keeps the first
 * chunk for reuse; wr_arena_free() releases all of it. Query arenas hold a
 * statement's tokens, AST and plan; batch arenas hold one micro-batch. In
 * debug builds (WEIR_ARENA_POISON) reset memory is poisoned and, under ASan,
 * marked unaddressable so stale pointers into a reset arena are caught.
 *
 * Allocation failure returns NULL (never aborts); wr_fault_sim() lets tests
 * fail the Nth allocation made through the arena or wr_malloc().
 */
#ifndef WEIR_COMMON_ARENA_H
#define WEIR_COMMON_ARENA_H

#include <stddef.h>

typedef struct wr_arena wr_arena;

/* Returns a new empty arena, or NULL when out of memory. Caller frees it
 * with wr_arena_free(). chunk is the preferred chunk size (0: 8 KiB). */
wr_arena *wr_arena_new(size_t chunk);

/* Frees the arena and everything allocated from it. NULL is a no-op. */
void wr_arena_free(wr_arena *ar);

/* Forgets every allocation, keeping one chunk for reuse. */
void wr_arena_reset(wr_arena *ar);

/* Returns n bytes aligned to 16, owned by ar, or NULL when out of memory. */
void *wr_arena_alloc(wr_arena *ar, size_t n);

/* Like wr_arena_alloc but zero-filled. */
void *wr_arena_zalloc(wr_arena *ar, size_t n);

/* Copies n bytes of s into ar and adds a NUL. Returns NULL on failure. */
char *wr_arena_strndup(wr_arena *ar, const char *s, size_t n);

/* Copies the NUL-terminated s into ar. Returns NULL on failure. */
char *wr_arena_strdup(wr_arena *ar, const char *s);

/* printf into ar. Returns NULL on failure. */
char *wr_arena_printf(wr_arena *ar, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Total bytes handed out since creation or the last reset. */
size_t wr_arena_used(const wr_arena *ar);

/* malloc/realloc/free that honour wr_fault_sim(). */
void *wr_malloc(size_t n);
void *wr_realloc(void *p, size_t n);
void wr_free(void *p);

/* n bytes (a multiple of WR_HUGE_PAGE) aligned to WR_HUGE_PAGE, backed by
 * transparent huge pages where the kernel offers them: one page fault and
 * one TLB entry per 2 MiB for big, densely used state. Freed with
 * wr_free(). */
#define WR_HUGE_PAGE ((size_t)2 << 20)
void *wr_malloc_huge(size_t n);

/*
 * Fault injection for tests: after n more successful allocations, every
 * allocation fails until wr_fault_sim(-1) turns injection off. Not
 * thread-safe; tests call it from one thread.
 */
void wr_fault_sim(long n);

#endif
