/*
 * buf.h: a growable NUL-terminated string on the heap.
 *
 * Used for dumps, plans and messages that can be longer than a status line.
 * Out of memory sets `oom` and turns later appends into no-ops, so callers
 * check once at the end. The caller owns the storage: wr_buf_fini() frees it,
 * wr_buf_take() hands it over (free with free()).
 */
#ifndef WEIR_COMMON_BUF_H
#define WEIR_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct wr_buf {
    char *s;    /* contents, NUL-terminated when len > 0 or cap > 0 */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
    bool oom;   /* an append failed for lack of memory */
} wr_buf;

#define WR_BUF_INIT                                                            \
    {                                                                          \
        NULL, 0, 0, false                                                      \
    }

void wr_buf_init(wr_buf *b);
void wr_buf_fini(wr_buf *b);
void wr_buf_reset(wr_buf *b);
void wr_buf_putn(wr_buf *b, const char *s, size_t n);
void wr_buf_puts(wr_buf *b, const char *s);
void wr_buf_putc(wr_buf *b, char c);
void wr_buf_printf(wr_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends n spaces. */
void wr_buf_indent(wr_buf *b, int n);
/* The contents; "" when empty. Borrowed: valid until the next append. */
const char *wr_buf_str(const wr_buf *b);
/* Transfers the contents to the caller (free with free()); b is emptied.
 * Returns NULL when b ran out of memory. */
char *wr_buf_take(wr_buf *b);

#endif
