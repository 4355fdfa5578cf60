/*
 * file_source.h: a file read once as a sequence of records, one per line
 * (JSON lines or CSV without a header), cut into micro-batches.
 *
 * The driver plans each batch as a byte slice [from, until) of the file,
 * fixed before any record of it is read: until is the end of the last
 * complete line within `max_bytes` of from (or the end of the file). The
 * slice is then read into a buffer owned by the source and split into
 * records that borrow it until the next call.
 *
 * This is the read-once API `weir run` uses for a lone file; the same
 * source, followed as it grows or with a position, is a line source
 * (line_source.h, FILE= with FOLLOW=true).
 */
#ifndef WEIR_CONNECTORS_FILE_SOURCE_H
#define WEIR_CONNECTORS_FILE_SOURCE_H

#include "exec/exec.h"

typedef struct wr_file_source wr_file_source;

/* Opens path. NULL with st set (WEIR_E_IO naming the file) on failure. */
wr_file_source *wr_file_source_open(const char *path, weir_status *st);
void wr_file_source_close(wr_file_source *f);

/* Plans and reads the next batch of at most max_bytes (0: the rest of the
 * file): *recs gets n records (borrowed until the next call), the offset of
 * each is its line number. Returns WEIR_OK with n == 0 at the end. */
weir_rc wr_file_source_next(wr_file_source *f, size_t max_bytes,
                            const wr_record **recs, int *n, weir_status *st);

#endif
