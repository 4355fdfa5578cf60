/*
 * fn_int.h: the scalar function kernels behind WR_E_CALL, private to
 * src/exec.
 *
 * Each scalar function of the registry (common/func.c) has one kernel here,
 * found by name when an expression is compiled (wr_fn_impl_find) and stored
 * in the compiled node, so nothing is looked up per row. A kernel computes
 * its result column over the selected rows of a batch from argument columns
 * that the evaluator has already computed; it never fails the batch: a row
 * whose call "throws" in ksqlDB gets NULL and is counted with wr_fn_error().
 * Kernels check a row's NULL bits before reading its values (an argument
 * whose type is the NULL literal's has no value storage). Results are
 * written into `out`, which the caller initialized (every row NULL) in the
 * batch arena; strings the kernel makes are allocated there too.
 *
 * The kernels live in fn_math.c, fn_string.c and fn_misc.c, each exporting
 * a table of wr_fn_impl entries ended by a NULL name.
 */
#ifndef WEIR_EXEC_FN_INT_H
#define WEIR_EXEC_FN_INT_H

#include <stdarg.h>

#include "exec/expr.h"

/* What a kernel sees of its call besides the argument columns. */
typedef struct wr_fnctx {
    wr_eval_ctx *cx;            /* error counter of the evaluating task */
    wr_arena *ar;               /* batch arena: owns strings and values made */
    const wr_type *type;        /* result type of the call */
    const wr_type *const *argt; /* argument types (nargs entries) */
    bool oom;                   /* set by a kernel when ar is exhausted */
} wr_fnctx;

/* Computes out over the selected rows of b from args[0..nargs). */
typedef void (*wr_fn_kernel)(wr_fnctx *f, const wr_col *args, int nargs,
                             const wr_batch *b, wr_col *out);

/* How the compiler converts arguments before the kernel sees them. */
typedef enum wr_fn_coerce {
    WR_FN_ASIS,      /* as bound (NULL-typed arguments stay all-NULL) */
    WR_FN_TO_DOUBLE, /* every numeric argument becomes DOUBLE */
    WR_FN_TO_RESULT, /* every argument becomes the result type */
    WR_FN_ARG0_LONG, /* a numeric argument 0 becomes BIGINT (milliseconds) */
} wr_fn_coerce;

typedef struct wr_fn_impl {
    const char *name;    /* upper-case registry name */
    wr_fn_kernel kernel; /* the kernel */
    wr_fn_coerce coerce; /* argument conversion */
} wr_fn_impl;

extern const wr_fn_impl wr_fn_math[];   /* fn_math.c */
extern const wr_fn_impl wr_fn_string[]; /* fn_string.c */
extern const wr_fn_impl wr_fn_misc[];   /* fn_misc.c */

/* The kernel of the scalar function `name`, or NULL when none. */
const wr_fn_impl *wr_fn_impl_find(const char *name);

/* Counts a failed row in f->cx and keeps the formatted message. */
void wr_fn_error(wr_fnctx *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Same for a bare eval context. */
void wr_eval_error(wr_eval_ctx *cx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* n bytes in the batch arena, or NULL with f->oom set. */
void *wr_fn_alloc(wr_fnctx *f, size_t n);

/* Stores the string p[0..n) (already in the arena) as row i of out. */
static inline void wr_fn_put_str(wr_col *out, int i, const char *p, size_t n)
{
    WR_COL_STR(out)[i] = (wr_str){p, (int32_t)n};
    wr_col_set_null(out, i, false);
}

/* Loops over the selected rows of b, binding the row index to i. */
#define WR_FOR_SEL(b, i)                                                       \
    for (int k_ = 0, i = 0;                                                    \
         k_ < (b)->nsel && ((i = wr_batch_row((b), k_)), 1); k_++)

/* Copies a's NULL bits (or-ed with c's when c is not NULL) into out over
 * the selected rows of b. */
static inline void wr_fn_nulls(wr_col *out, const wr_col *a, const wr_col *c,
                               const wr_batch *b)
{
    if (!b->sel) {
        int words = (b->n + 63) / 64;
        for (int w = 0; w < words; w++)
            out->nulls[w] = a->nulls[w] | (c ? c->nulls[w] : 0);
        return;
    }
    WR_FOR_SEL(b, i)
    wr_col_set_null(out, i,
                    wr_col_is_null(a, i) || (c && wr_col_is_null(c, i)));
}

/* ---- UTF-8 ------------------------------------------------------------- */

/* Decodes the code point at s[*pos] (pos < n) and advances *pos; invalid
 * bytes decode as themselves, one byte each. */
static inline uint32_t wr_utf8_next(const char *s, int n, int *pos)
{
    const unsigned char *u = (const unsigned char *)s;
    int p = *pos;
    uint32_t c = u[p];
    int len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len == 1 || p + len > n) {
        *pos = p + 1;
        return c;
    }
    c &= 0x3F >> (len - 1);
    for (int k = 1; k < len; k++)
        c = (c << 6) | (u[p + k] & 0x3F);
    *pos = p + len;
    return c;
}

/* Encodes code point c into out (at least 4 bytes); returns the length. */
static inline int wr_utf8_put(uint32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Number of code points in s[0..n). */
static inline int wr_utf8_count(const char *s, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Byte offset of code point index cp (clamped to n). */
static inline int wr_utf8_offset(const char *s, int n, int cp)
{
    int i = 0;
    while (cp > 0 && i < n) {
        wr_utf8_next(s, n, &i);
        cp--;
    }
    return i;
}

/* ---- dates and times (fn_misc.c) ----------------------------------------
 * ksqlDB's default text forms: TIMESTAMP "yyyy-MM-ddTHH:mm:ss.SSS" (UTC),
 * DATE "yyyy-MM-dd", TIME "HH:mm:ss[.SSS]". */

/* Writes the default text of a TIMESTAMP / DATE / TIME value into buf (at
 * least 40 bytes); returns the length. */
int wr_fmt_timestamp(int64_t ms, char *buf);
int wr_fmt_date(int32_t days, char *buf);
int wr_fmt_time(int32_t ms, char *buf);

/* Parses the ISO-8601 forms ksqlDB accepts for CAST and comparisons
 * ("2020-01-02", "2020-01-02T03:04", "...:05.678", optional zone "Z" or
 * "+hh:mm"); false when malformed. */
bool wr_parse_timestamp(const char *s, int n, int64_t *ms);
bool wr_parse_date(const char *s, int n, int32_t *days);
bool wr_parse_time(const char *s, int n, int32_t *ms);

#endif
