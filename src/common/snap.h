/*
 * snap.h: the binary form of operator state in checkpoint snapshots
 * (wr_qrun_save / wr_qrun_load).
 *
 * Integers are zigzag LEB128 varints, doubles their 8 bytes little-endian,
 * byte strings a varint length and the bytes, a datum a null flag and its
 * value by type (nested values recursively). The format carries no types:
 * the reader knows them from the plan, which the checkpoint guarantees is
 * the one that wrote the snapshot (a changed query is refused).
 *
 * Writing appends to a wr_buf (out of memory sets its oom flag: check it
 * once at the end). Reading never runs past the end: a short or malformed
 * snapshot sets r->bad and yields zeros, so a loader checks r->bad once
 * after reading, and a damaged snapshot is an error, not a crash.
 */
#ifndef WEIR_COMMON_SNAP_H
#define WEIR_COMMON_SNAP_H

#include "common/arena.h"
#include "common/buf.h"
#include "common/value.h"

void wr_snap_int(wr_buf *b, int64_t v);
void wr_snap_f64(wr_buf *b, double v);
void wr_snap_bytes(wr_buf *b, const void *p, size_t n);
/* A datum of type t (NULL included). Borrows d. */
void wr_snap_datum(wr_buf *b, const wr_type *t, const wr_datum *d);

typedef struct wr_snapr {
    const unsigned char *p, *end; /* what is left to read (borrowed) */
    wr_arena *ar; /* where nested values read are built (borrowed) */
    bool bad;     /* ran past the end, read a malformed value, or (oom)
                     ran out of memory */
    bool oom;
} wr_snapr;

int64_t wr_snapr_int(wr_snapr *r);
/* An integer in [lo, hi]; outside it, r->bad and lo. */
int64_t wr_snapr_range(wr_snapr *r, int64_t lo, int64_t hi);
double wr_snapr_f64(wr_snapr *r);
/* A byte string: points into the snapshot (borrowed), *n its length. */
const char *wr_snapr_bytes(wr_snapr *r, int32_t *n);
/* A datum of type t into *d: strings point into the snapshot, nested
 * values are built in r->ar. Returns !r->bad. */
bool wr_snapr_datum(wr_snapr *r, const wr_type *t, wr_datum *d);

#endif
