/*
 * rowmap.h: operator state indexed by key: a hash table from a key (one or
 * more datums) to the rows kept under it, in arrival order. Joins keep
 * their buffered stream rows and their tables here, and the table
 * materializer the latest row of each source key, so that a probe costs
 * the rows of one key, not the whole state.
 *
 * Memory: the map owns its entries (each with a private copy of its key,
 * strings and nested values included) and the arrays of row pointers; the
 * rows themselves are the caller's (the map only stores the pointers, and
 * fini hands each to a free function). Not synchronized: one thread owns
 * a map.
 */
#ifndef WEIR_EXEC_ROWMAP_H
#define WEIR_EXEC_ROWMAP_H

#include "common/value.h"

typedef struct wr_rment {
    struct wr_rment *next; /* hash chain */
    uint64_t hash;
    wr_datum *key; /* nk datums, owned */
    void **rows;   /* rows under this key, oldest first */
    int n, cap;
} wr_rment;

typedef struct wr_rowmap {
    int nk;                   /* key datums */
    const wr_type *const *kt; /* their types (borrowed) */
    wr_rment **b;             /* buckets (NULL: none yet) */
    uint32_t nb;              /* bucket count, a power of two */
    uint32_t n;               /* entries */
} wr_rowmap;

/* An empty map of keys of nk datums of types kt (borrowed: they must
 * outlive the map). Allocates nothing until the first insert. */
void wr_rowmap_init(wr_rowmap *m, int nk, const wr_type *const *kt);

/* Frees every entry, calling free_row (if not NULL) on every row. */
void wr_rowmap_fini(wr_rowmap *m, void (*free_row)(void *row));

/* The entry of key, or NULL (a key with a NULL datum is never found). */
wr_rment *wr_rowmap_find(const wr_rowmap *m, const wr_datum *key);

/* Appends row under key (the key is copied when the entry is new).
 * Returns false when out of memory (the map is unchanged). */
bool wr_rowmap_add(wr_rowmap *m, const wr_datum *key, void *row);

/* Removes row i of entry e (later rows move up); the entry goes when it
 * runs empty, so e must not be used after its last row is removed. Does
 * not free the row. */
void wr_rowmap_remove(wr_rowmap *m, wr_rment *e, int i);

/* Calls keep(row, arg) for every row and removes those it returns false
 * for (keep frees them as it likes); rows keep their order. Entries that
 * run empty go. Returns the rows left. */
size_t wr_rowmap_filter(wr_rowmap *m, bool (*keep)(void *row, void *arg),
                        void *arg);

/* Copies the n datums d (types[i] their types; a NULL type is copied as
 * is) into dst[0..n), laying out their strings and nested values (deep)
 * from base + off (wr_datum_place); with base NULL it only measures (dst
 * is then not touched). Borrows everything; the copies belong to the
 * owner of base, and nested copies point at their types, which must
 * outlive them. Returns the offset after the last byte used. base must be
 * 16-aligned (as wr_malloc's blocks are). */
size_t wr_row_place(int n, const wr_type *const *types, const wr_datum *d,
                    wr_datum *dst, char *base, size_t off);

/* A wr_malloc'd copy of the n datums d (types[i] their types; a NULL type
 * is copied as is) with their strings and nested values (deep copies) in
 * the same block, so that one wr_free frees the row. Borrows types and d;
 * the caller owns the copy, whose nested values point at types[i] (which
 * must outlive it). NULL when out of memory. */
wr_datum *wr_row_copy(int n, const wr_type *const *types, const wr_datum *d);

#endif
