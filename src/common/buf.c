/* buf.c: growable string (see buf.h). Doubling growth; sticky oom flag. */
#include "common/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"

void wr_buf_init(wr_buf *b)
{
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

void wr_buf_fini(wr_buf *b)
{
    wr_free(b->s);
    wr_buf_init(b);
}

void wr_buf_reset(wr_buf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

static bool grow(wr_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = wr_realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void wr_buf_putn(wr_buf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void wr_buf_puts(wr_buf *b, const char *s)
{
    wr_buf_putn(b, s, strlen(s));
}

void wr_buf_putc(wr_buf *b, char c)
{
    wr_buf_putn(b, &c, 1);
}

void wr_buf_indent(wr_buf *b, int n)
{
    for (int i = 0; i < n; i++)
        wr_buf_putc(b, ' ');
}

void wr_buf_printf(wr_buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        wr_buf_putn(b, tmp, (size_t)n);
        return;
    }
    if (!grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *wr_buf_str(const wr_buf *b)
{
    return b->s ? b->s : "";
}

char *wr_buf_take(wr_buf *b)
{
    if (b->oom) {
        wr_buf_fini(b);
        return NULL;
    }
    char *s = b->s;
    if (!s) {
        s = wr_malloc(1);
        if (s)
            s[0] = '\0';
    }
    wr_buf_init(b);
    return s;
}
