/*
 * format.c: the entry points of format.h (decoder construction and the
 * per-format dispatch) and the helpers every codec shares: Java's number
 * grammars, exact DECIMAL parsing, base64 and the toString text of a datum.
 *
 * The decoder is built once per query in the caller's arena and is
 * read-only afterwards, so threads may share it. The format-specific work
 * lives in json_codec.c, delimited.c and kafka.c.
 */
#include "formats/formats_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/json.h"

void wr_fmt_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* True when t (or anything nested in it) is ARRAY, MAP or STRUCT. */
static bool is_nested(const wr_type *t)
{
    return t->kind == WR_T_ARRAY || t->kind == WR_T_MAP ||
           t->kind == WR_T_STRUCT;
}

wr_decoder *wr_decoder_new(wr_arena *ar, wr_format fmt,
                           const wr_field_map *fields, int n, char delim,
                           weir_status *st)
{
    if (fmt != WR_FMT_JSON && fmt != WR_FMT_DELIMITED) {
        weir_status_set(st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                        "no value decoder for format %s", wr_format_name(fmt));
        return NULL;
    }
    if (fmt == WR_FMT_DELIMITED) {
        for (int i = 0; i < n; i++) {
            if (is_nested(fields[i].type)) {
                char tb[128];
                weir_status_set(st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                                "The 'DELIMITED' format does not support "
                                "type '%s' (column %s)",
                                wr_type_format(fields[i].type, tb, sizeof tb),
                                fields[i].name);
                return NULL;
            }
        }
    }
    wr_decoder *d = wr_arena_zalloc(ar, sizeof(*d));
    wr_dfield *f = wr_arena_zalloc(ar, sizeof(*f) * (size_t)(n ? n : 1));
    int *targets = wr_arena_alloc(ar, sizeof(int) * (size_t)(n ? n : 1));
    if (!d || !f || !targets) {
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, NULL);
        return NULL;
    }
    d->fmt = fmt;
    d->delim = delim ? delim : ',';
    d->n = n;
    d->f = f;
    d->targets = targets;
    for (int i = 0; i < n; i++) {
        f[i].name = fields[i].name;
        f[i].len = (int32_t)strlen(fields[i].name);
        f[i].type = fields[i].type;
        f[i].col = fields[i].col;
        if (f[i].col >= 0)
            targets[d->ntarget++] = f[i].col;
        f[i].lname = NULL;
        bool lower = false, upper = false;
        for (int k = 0; k < f[i].len; k++) {
            lower = lower || (f[i].name[k] >= 'a' && f[i].name[k] <= 'z');
            upper = upper || (f[i].name[k] >= 'A' && f[i].name[k] <= 'Z');
        }
        if (upper && !lower) {
            char *l = wr_arena_strdup(ar, f[i].name);
            if (!l) {
                weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
                return NULL;
            }
            for (char *c = l; *c; c++)
                if (*c >= 'A' && *c <= 'Z')
                    *c = (char)(*c + 32);
            f[i].lname = l;
        }
    }
    /* A member name can match two declared fields only when one declared
     * name upper-cases to another ("user" and "USER"); otherwise the first
     * hit is the only one and lookups may stop there. */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            if (i == j || f[i].len != f[j].len)
                continue;
            int k = 0;
            while (k < f[i].len) {
                char c = f[i].name[k];
                if (c >= 'a' && c <= 'z')
                    c = (char)(c - 32);
                if (c != f[j].name[k])
                    break;
                k++;
            }
            if (k == f[i].len)
                d->mixed = true;
        }
    return d;
}

void wr_decoder_unwrap(wr_decoder *d)
{
    d->unwrapped = d->fmt == WR_FMT_JSON && d->n == 1;
}

/* An unwrapped JSON value: the one field's value (JSON null: a null
 * record, as ksqlDB reads it). */
static weir_rc decode_unwrapped(const wr_decoder *d, const char *p, size_t n,
                                wr_batch *b, int row, char *err, size_t errlen)
{
    wr_datum dt;
    weir_rc rc =
        wr_json_decode_key(d->f[0].type, p, n, &dt, b->ar, err, errlen);
    int c = d->f[0].col;
    if (rc != WEIR_OK || dt.null) {
        if (c >= 0)
            wr_col_set_null(&b->cols[c], row, true);
        if (rc == WEIR_OK && b->tomb)
            b->tomb[row] = 1;
        return rc;
    }
    if (c >= 0)
        wr_col_put(&b->cols[c], row, &dt);
    return WEIR_OK;
}

weir_rc wr_decode_value(const wr_decoder *d, const char *p, size_t n,
                        bool borrow, wr_batch *b, int row, char *err,
                        size_t errlen)
{
    if (d->unwrapped && p)
        return decode_unwrapped(d, p, n, b, row, err, errlen);
    if (d->fmt == WR_FMT_JSON)
        return wr_json_decode_row(d, p, n, borrow, b, row, err, errlen);
    return wr_delim_decode_row(d, p, n, borrow, b, row, err, errlen);
}

weir_rc wr_decode_key(wr_format fmt, const wr_type *t, const char *p, size_t n,
                      wr_col *out, int row, wr_arena *ar, char *err,
                      size_t errlen)
{
    wr_datum dt;
    weir_rc rc;
    memset(&dt, 0, sizeof dt);
    switch (fmt) {
    case WR_FMT_KAFKA:
        rc = wr_kafka_decode_key(t, p, n, &dt, ar, err, errlen);
        break;
    case WR_FMT_JSON:
        rc = wr_json_decode_key(t, p, n, &dt, ar, err, errlen);
        break;
    case WR_FMT_DELIMITED:
        rc = wr_delim_decode_key(t, p, n, &dt, ar, err, errlen);
        break;
    default:
        wr_fmt_err(err, errlen, "no key decoder for format %s",
                   wr_format_name(fmt));
        rc = WEIR_E_UNSUPPORTED;
        break;
    }
    if (rc != WEIR_OK)
        dt.null = true;
    wr_col_put(out, row, &dt);
    return rc;
}

void wr_encode_value(wr_format fmt, char delim, const char *const *names,
                     const wr_col *cols, int n, int row, wr_buf *out)
{
    if (fmt == WR_FMT_DELIMITED) {
        wr_delim_encode_row(delim ? delim : ',', cols, n, row, out);
        return;
    }
    wr_buf_putc(out, '{');
    for (int i = 0; i < n; i++) {
        wr_datum d;
        if (i)
            wr_buf_putc(out, ',');
        wr_json_write_str(out, names[i], strlen(names[i]));
        wr_buf_putc(out, ':');
        wr_col_get(&cols[i], row, &d);
        wr_json_put_datum(out, cols[i].type, &d);
    }
    wr_buf_putc(out, '}');
}

void wr_encode_value_unwrapped(wr_format fmt, const wr_col *col, int row,
                               wr_buf *out)
{
    if (fmt == WR_FMT_JSON) {
        wr_datum d;
        wr_col_get(col, row, &d);
        wr_json_put_datum(out, col->type, &d);
        return;
    }
    wr_encode_value(fmt, ',', NULL, col, 1, row, out);
}

void wr_encode_key(wr_format fmt, const wr_col *col, int row, wr_buf *out)
{
    wr_datum d;
    wr_col_get(col, row, &d);
    if (fmt == WR_FMT_KAFKA) {
        wr_kafka_encode_key(col->type, &d, out);
    } else if (fmt == WR_FMT_DELIMITED) {
        if (d.null)
            return;
        wr_buf text = WR_BUF_INIT;
        wr_fmt_put_text(&text, col->type, &d);
        wr_delim_put_field(out, ',', true, false, wr_buf_str(&text), text.len);
        if (text.oom)
            out->oom = true;
        wr_buf_fini(&text);
    } else {
        wr_json_put_datum(out, col->type, &d);
    }
}

/* ---- Java number grammars ---------------------------------------------- */

bool wr_fmt_parse_int(const char *s, size_t n, int64_t lo, int64_t hi,
                      int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (n > 0 && (s[0] == '+' || s[0] == '-'))
        neg = s[i++] == '-';
    if (i == n)
        return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        unsigned c = (unsigned char)s[i] - '0';
        if (c > 9)
            return false;
        if (v > (UINT64_MAX - c) / 10)
            return false;
        v = v * 10 + c;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        int64_t x = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
        if (x < lo)
            return false;
        *out = x;
    } else {
        if (v > (uint64_t)INT64_MAX || (int64_t)v > hi)
            return false;
        *out = (int64_t)v;
    }
    return true;
}

bool wr_fmt_parse_double(const char *s, size_t n, double *out)
{
    while (n > 0 && (unsigned char)*s <= ' ') {
        s++;
        n--;
    }
    while (n > 0 && (unsigned char)s[n - 1] <= ' ')
        n--;
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (n - i == 3 && memcmp(s + i, "NaN", 3) == 0) {
        *out = NAN;
        return true;
    }
    if (n - i == 8 && memcmp(s + i, "Infinity", 8) == 0) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    size_t digits = 0;
    size_t j = i;
    while (j < n && s[j] >= '0' && s[j] <= '9')
        j++, digits++;
    if (j < n && s[j] == '.') {
        j++;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++, digits++;
    }
    if (digits == 0)
        return false;
    if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        j++;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        size_t ed = 0;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++, ed++;
        if (ed == 0)
            return false;
    }
    size_t end = j;
    if (j < n && strchr("fFdD", s[j]) && s[j] != '\0')
        j++;
    if (j != n)
        return false;
    char stack[64];
    char *buf = end < sizeof stack ? stack : malloc(end + 1);
    if (!buf)
        return false;
    memcpy(buf, s, end);
    buf[end] = '\0';
    *out = strtod(buf, NULL);
    if (buf != stack)
        free(buf);
    return true;
}

bool wr_fmt_parse_decimal(const char *s, size_t n, const wr_type *t,
                          wr_i128 *out, char *err, size_t errlen)
{
    int prec = t->precision;
    int scale = t->scale;
    int shown = (int)(n > 64 ? 64 : n);
    /* BigDecimal's grammar: [+-] digits [. digits] [e [+-] digits]. */
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t m0 = i;
    size_t dot = SIZE_MAX;
    size_t digits = 0;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] == '.' && dot == SIZE_MAX)
            dot = i;
        else
            break;
    }
    size_t m1 = i;
    long exp = 0;
    bool ok = digits > 0;
    if (ok && i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        ok = i < n;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (exp < 100000000L)
                exp = exp * 10 + (s[i] - '0');
        if (eneg)
            exp = -exp;
    }
    if (!ok || i != n) {
        wr_fmt_err(err, errlen, "Cannot convert '%.*s' to DECIMAL(%d, %d)",
                   shown, s, prec, scale);
        return false;
    }
    /* Exact: no nonzero digit beyond the scale. */
    if (dot == SIZE_MAX)
        dot = m1;
    for (size_t k = m0; k < m1; k++) {
        if (s[k] < '1' || s[k] > '9')
            continue;
        long place = k < dot ? -(long)(dot - k - 1) : (long)(k - dot);
        if (place - exp > scale) {
            wr_fmt_err(err, errlen,
                       "Cannot fit decimal '%.*s' into DECIMAL(%d, %d) "
                       "without rounding.",
                       shown, s, prec, scale);
            return false;
        }
    }
    if (!wr_dec_parse(s, n, prec, scale, out)) {
        wr_fmt_err(err, errlen,
                   "Numeric field overflow: A field with precision %d and "
                   "scale %d must round to an absolute value less than "
                   "10^%d. Got %.*s",
                   prec, scale, prec - scale, shown, s);
        return false;
    }
    return true;
}

/* ---- base64 ------------------------------------------------------------ */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool wr_fmt_base64_decode(wr_arena *ar, const char *s, size_t n, wr_str *out)
{
    while (n > 0 && s[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return false;
    char *p = wr_arena_alloc(ar, n / 4 * 3 + 3);
    if (!p)
        return false;
    size_t len = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0)
            return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            p[len++] = (char)((acc >> bits) & 0xff);
        }
    }
    out->p = len ? p : "";
    out->len = (int32_t)len;
    return true;
}

void wr_fmt_base64_put(wr_buf *b, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    char q[4];
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)u[i] << 16 | (uint32_t)u[i + 1] << 8 | u[i + 2];
        q[0] = b64[v >> 18];
        q[1] = b64[(v >> 12) & 63];
        q[2] = b64[(v >> 6) & 63];
        q[3] = b64[v & 63];
        wr_buf_putn(b, q, 4);
    }
    if (i < n) {
        uint32_t v = (uint32_t)u[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)u[i + 1] << 8;
        q[0] = b64[v >> 18];
        q[1] = b64[(v >> 12) & 63];
        q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        q[3] = '=';
        wr_buf_putn(b, q, 4);
    }
}

/* ---- toString text ----------------------------------------------------- */

void wr_fmt_put_text(wr_buf *b, const wr_type *t, const wr_datum *d)
{
    char buf[64];
    switch (t->kind) {
    case WR_T_BOOLEAN:
        wr_buf_puts(b, d->u.b ? "true" : "false");
        break;
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        wr_buf_printf(b, "%d", (int)d->u.i32);
        break;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        wr_buf_printf(b, "%lld", (long long)d->u.i64);
        break;
    case WR_T_DOUBLE:
        wr_put_java_double(b, d->u.f64);
        break;
    case WR_T_DECIMAL:
        wr_buf_putn(b, buf, (size_t)wr_dec_format(d->u.dec, t->scale, buf));
        break;
    case WR_T_STRING:
        wr_buf_putn(b, d->u.str.p, (size_t)d->u.str.len);
        break;
    case WR_T_BYTES:
        wr_fmt_base64_put(b, d->u.str.p, (size_t)d->u.str.len);
        break;
    default:
        wr_json_put_datum(b, t, d);
        break;
    }
}

void wr_json_put_datum(wr_buf *out, const wr_type *t, const wr_datum *d)
{
    if (d->null || t->kind == WR_T_NULL) {
        wr_buf_putn(out, "null", 4);
        return;
    }
    switch (t->kind) {
    case WR_T_DOUBLE:
        if (!isfinite(d->u.f64)) {
            /* Jackson quotes non-numeric numbers by default. */
            wr_buf_putc(out, '"');
            wr_put_java_double(out, d->u.f64);
            wr_buf_putc(out, '"');
        } else {
            wr_put_java_double(out, d->u.f64);
        }
        break;
    case WR_T_STRING:
        wr_json_write_str(out, d->u.str.p, (size_t)d->u.str.len);
        break;
    case WR_T_BYTES:
        wr_buf_putc(out, '"');
        wr_fmt_base64_put(out, d->u.str.p, (size_t)d->u.str.len);
        wr_buf_putc(out, '"');
        break;
    case WR_T_ARRAY: {
        const wr_val *v = d->u.nest;
        wr_buf_putc(out, '[');
        for (int i = 0; i < v->n; i++) {
            if (i)
                wr_buf_putc(out, ',');
            wr_json_put_datum(out, t->elem, &v->items[i]);
        }
        wr_buf_putc(out, ']');
        break;
    }
    case WR_T_MAP: {
        const wr_val *v = d->u.nest;
        wr_buf_putc(out, '{');
        for (int i = 0; i < v->n; i++) {
            const wr_datum *k = &v->items[2 * i];
            if (i)
                wr_buf_putc(out, ',');
            if (k->null) {
                wr_buf_puts(out, "\"null\"");
            } else if (t->key && t->key->kind != WR_T_STRING) {
                wr_buf text = WR_BUF_INIT;
                wr_fmt_put_text(&text, t->key, k);
                wr_json_write_str(out, wr_buf_str(&text), text.len);
                wr_buf_fini(&text);
            } else {
                wr_json_write_str(out, k->u.str.p, (size_t)k->u.str.len);
            }
            wr_buf_putc(out, ':');
            wr_json_put_datum(out, t->elem, &v->items[2 * i + 1]);
        }
        wr_buf_putc(out, '}');
        break;
    }
    case WR_T_STRUCT: {
        const wr_val *v = d->u.nest;
        wr_buf_putc(out, '{');
        for (int i = 0; i < t->nfields && i < v->n; i++) {
            if (i)
                wr_buf_putc(out, ',');
            wr_json_write_str(out, t->fields[i].name,
                              strlen(t->fields[i].name));
            wr_buf_putc(out, ':');
            wr_json_put_datum(out, t->fields[i].type, &v->items[i]);
        }
        wr_buf_putc(out, '}');
        break;
    }
    default:
        wr_fmt_put_text(out, t, d);
        break;
    }
}
