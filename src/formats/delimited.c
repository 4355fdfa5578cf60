/*
 * delimited.c: the DELIMITED (CSV) codec, as ksqlDB's delimited serde does
 * it on top of Apache Commons CSV's DEFAULT format with a configurable
 * delimiter.
 *
 * Decoding reads the first record of the value: fields split on the
 * delimiter, a field that starts with '"' is quoted (doubled quotes inside,
 * only whitespace allowed between the closing quote and the delimiter),
 * leading empty lines are skipped and the record ends at CR or LF. The
 * field count must equal the declared column count ("Unexpected field
 * count, csvFields:2 schemaFields:3"). An empty field is NULL; the others
 * parse with Java's rules (Integer.parseInt, Long.parseLong,
 * Double.parseDouble, exact BigDecimal, Boolean.parseBoolean, base64 for
 * BYTES). Fields mapped to column -1 are not converted. Strings point into
 * the input when `borrow` allows and the field has no doubled quotes, else
 * they are copied into b->ar.
 *
 * Encoding writes one record with Commons CSV's minimal quoting and no
 * record separator: a field is quoted when it is empty and starts the
 * record, starts with a character <= '#', contains the delimiter, a quote,
 * CR or LF, or ends with a character <= ' '. NULL is an empty, unquoted
 * field.
 */
#include "formats/formats_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One field of a parsed record: a slice of the input plus a flag saying
 * the slice still holds doubled quotes. */
typedef struct cfield {
    const char *p; /* first byte (inside the quotes when quoted) */
    size_t len;    /* length */
    bool dquote;   /* contains "" pairs to collapse */
} cfield;

/*
 * Splits the first record of p[0..n) into fields, calling fn for each (in
 * order, index i). Returns the field count, or -1 with a message in err when
 * the record is malformed. At most `max` fields are passed to fn; counting
 * continues past it.
 */
static int split(const char *p, size_t n, char delim, cfield *out, int max,
                 char *err, size_t errlen)
{
    const char *s = p;
    const char *e = p + n;
    while (s < e && (*s == '\r' || *s == '\n'))
        s++; /* Commons CSV skips empty lines */
    if (s >= e) {
        wr_fmt_err(err, errlen, "No fields in record");
        return -1;
    }
    int count = 0;
    for (;;) {
        cfield f = {s, 0, false};
        if (s < e && *s == '"') {
            const char *q = ++s;
            for (;;) {
                while (q < e && *q != '"')
                    q++;
                if (q >= e) {
                    wr_fmt_err(err, errlen,
                               "EOF reached before encapsulated token "
                               "finished (field %d)",
                               count + 1);
                    return -1;
                }
                if (q + 1 < e && q[1] == '"') {
                    f.dquote = true;
                    q += 2;
                    continue;
                }
                break;
            }
            f.p = s;
            f.len = (size_t)(q - s);
            s = q + 1;
            while (s < e && *s != delim && *s != '\r' && *s != '\n') {
                if (*s != ' ' && *s != '\t' && *s != '\f') {
                    wr_fmt_err(err, errlen,
                               "invalid char between encapsulated token and "
                               "delimiter at byte %zu",
                               (size_t)(s - p));
                    return -1;
                }
                s++;
            }
        } else {
            while (s < e && *s != delim && *s != '\r' && *s != '\n')
                s++;
            f.len = (size_t)(s - f.p);
        }
        if (count < max)
            out[count] = f;
        count++;
        if (s < e && *s == delim) {
            s++;
            continue;
        }
        return count;
    }
}

/* The text of a field: borrowed, or with "" collapsed into ar. */
static bool field_text(const cfield *f, bool borrow, wr_arena *ar, wr_str *out)
{
    if (f->len == 0) {
        out->p = "";
        out->len = 0;
        return true;
    }
    if (!f->dquote && borrow) {
        out->p = f->p;
        out->len = (int32_t)f->len;
        return true;
    }
    char *c = wr_arena_alloc(ar, f->len);
    if (!c)
        return false;
    size_t m = 0;
    for (size_t i = 0; i < f->len; i++) {
        c[m++] = f->p[i];
        if (f->p[i] == '"' && f->dquote)
            i++;
    }
    out->p = c;
    out->len = (int32_t)m;
    return true;
}

/*
 * Converts field text s[0..n) (not empty) to type t. Strings are stored as
 * given (the caller decided about borrowing). Returns false with a message.
 */
static bool convert(const wr_type *t, const char *name, wr_str s, wr_arena *ar,
                    wr_datum *out, char *err, size_t errlen)
{
    size_t n = (size_t)s.len;
    int64_t v;
    out->null = false;
    switch (t->kind) {
    case WR_T_STRING:
        out->u.str = s;
        return true;
    case WR_T_BOOLEAN:
        out->u.b = n == 4 && strncasecmp(s.p, "true", 4) == 0;
        return true;
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        if (!wr_fmt_parse_int(s.p, n, INT32_MIN, INT32_MAX, &v))
            goto bad_number;
        out->u.i32 = (int32_t)v;
        return true;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        if (!wr_fmt_parse_int(s.p, n, INT64_MIN, INT64_MAX, &v))
            goto bad_number;
        out->u.i64 = v;
        return true;
    case WR_T_DOUBLE:
        if (!wr_fmt_parse_double(s.p, n, &out->u.f64))
            goto bad_number;
        return true;
    case WR_T_DECIMAL: {
        char msg[200];
        if (!wr_fmt_parse_decimal(s.p, n, t, &out->u.dec, msg, sizeof msg)) {
            wr_fmt_err(err, errlen, "field %s: %s", name, msg);
            return false;
        }
        return true;
    }
    case WR_T_BYTES:
        if (!wr_fmt_base64_decode(ar, s.p, n, &out->u.str)) {
            wr_fmt_err(err, errlen,
                       "field %s: Value is not a valid base64 encoded string",
                       name);
            return false;
        }
        return true;
    default:
        out->null = true;
        return true;
    }
bad_number:
    wr_fmt_err(err, errlen, "field %s: For input string: \"%.*s\"", name,
               (int)(n > 64 ? 64 : n), s.p);
    return false;
}

weir_rc wr_delim_decode_row(const wr_decoder *d, const char *p, size_t n,
                            bool borrow, wr_batch *b, int row, char *err,
                            size_t errlen)
{
    for (int i = 0; i < d->ntarget; i++)
        wr_col_set_null(&b->cols[d->targets[i]], row, true);
    if (!p) {
        if (b->tomb)
            b->tomb[row] = 1;
        return WEIR_OK;
    }
    cfield stack[64];
    cfield *fs = d->n <= 64
                     ? stack
                     : wr_arena_alloc(b->ar, sizeof(cfield) * (size_t)d->n);
    if (!fs) {
        wr_fmt_err(err, errlen, "out of memory");
        return WEIR_E_NOMEM;
    }
    int count = split(p, n, d->delim, fs, d->n, err, errlen);
    if (count < 0)
        return WEIR_E_DATA;
    if (count != d->n) {
        wr_fmt_err(err, errlen,
                   "Unexpected field count, csvFields:%d schemaFields:%d",
                   count, d->n);
        return WEIR_E_DATA;
    }
    for (int i = 0; i < d->n; i++) {
        const wr_dfield *f = &d->f[i];
        if (f->col < 0 || fs[i].len == 0)
            continue;
        wr_str s;
        wr_datum dt;
        weir_rc rc = WEIR_OK;
        if (!field_text(&fs[i], borrow || f->type->kind != WR_T_STRING, b->ar,
                        &s)) {
            wr_fmt_err(err, errlen, "out of memory");
            rc = WEIR_E_NOMEM;
        } else if (!convert(f->type, f->name, s, b->ar, &dt, err, errlen)) {
            rc = WEIR_E_DATA;
        }
        if (rc != WEIR_OK) {
            for (int j = 0; j < d->ntarget; j++)
                wr_col_set_null(&b->cols[d->targets[j]], row, true);
            return rc;
        }
        wr_col_put(&b->cols[f->col], row, &dt);
    }
    return WEIR_OK;
}

weir_rc wr_delim_decode_key(const wr_type *t, const char *p, size_t n,
                            wr_datum *out, wr_arena *ar, char *err,
                            size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->null = true;
    if (!p)
        return WEIR_OK;
    if (t->kind == WR_T_ARRAY || t->kind == WR_T_MAP ||
        t->kind == WR_T_STRUCT) {
        wr_fmt_err(err, errlen,
                   "The 'DELIMITED' format does not support "
                   "nested key types");
        return WEIR_E_DATA;
    }
    cfield f;
    int count = split(p, n, ',', &f, 1, err, errlen);
    if (count < 0)
        return WEIR_E_DATA;
    if (count != 1) {
        wr_fmt_err(err, errlen,
                   "Unexpected field count, csvFields:%d schemaFields:1",
                   count);
        return WEIR_E_DATA;
    }
    if (f.len == 0)
        return WEIR_OK;
    wr_str s;
    wr_datum dt;
    if (!field_text(&f, false, ar, &s)) {
        wr_fmt_err(err, errlen, "out of memory");
        return WEIR_E_NOMEM;
    }
    if (!convert(t, "ROWKEY", s, ar, &dt, err, errlen))
        return WEIR_E_DATA;
    *out = dt;
    return WEIR_OK;
}

void wr_delim_put_field(wr_buf *b, char delim, bool first, bool null,
                        const char *s, size_t n)
{
    if (!first)
        wr_buf_putc(b, delim);
    if (null)
        return;
    bool quote = false;
    if (n == 0) {
        quote = first;
    } else {
        unsigned char c = (unsigned char)s[0];
        if (c <= '#' || (first && c == (unsigned char)delim)) {
            quote = true;
        } else {
            for (size_t i = 0; i < n && !quote; i++)
                quote = s[i] == '\n' || s[i] == '\r' || s[i] == '"' ||
                        s[i] == delim;
            if (!quote && (unsigned char)s[n - 1] <= ' ')
                quote = true;
        }
    }
    if (!quote) {
        wr_buf_putn(b, s, n);
        return;
    }
    wr_buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            wr_buf_putn(b, s + run, i + 1 - run);
            run = i; /* the quote is written again: doubled */
        }
    }
    wr_buf_putn(b, s + run, n - run);
    wr_buf_putc(b, '"');
}

void wr_delim_encode_row(char delim, const wr_col *cols, int n, int row,
                         wr_buf *out)
{
    wr_buf text = WR_BUF_INIT;
    for (int i = 0; i < n; i++) {
        wr_datum d;
        wr_col_get(&cols[i], row, &d);
        const wr_type *t = cols[i].type;
        if (d.null || t->kind == WR_T_NULL) {
            wr_delim_put_field(out, delim, i == 0, true, NULL, 0);
        } else if (t->kind == WR_T_STRING) {
            wr_delim_put_field(out, delim, i == 0, false, d.u.str.p,
                               (size_t)d.u.str.len);
        } else {
            wr_buf_reset(&text);
            wr_fmt_put_text(&text, t, &d);
            if (text.oom)
                out->oom = true;
            wr_delim_put_field(out, delim, i == 0, false, wr_buf_str(&text),
                               text.len);
        }
    }
    wr_buf_fini(&text);
}
