/*
 * kafka.c: the KAFKA key format: Kafka's primitive serializers, as ksqlDB
 * uses them for single-column keys.
 *
 * INT is 4 bytes and BIGINT 8 bytes big-endian two's complement, DOUBLE the
 * 8 big-endian bytes of its IEEE-754 bits, STRING raw UTF-8 and BYTES raw
 * bytes. ksqlDB's KAFKA format has no BOOLEAN, DECIMAL or nested types; the
 * decoder rejects them with a message. The encoder cannot fail: for the
 * temporal types it writes the underlying integer (DATE and TIME 4 bytes,
 * TIMESTAMP 8) and for unsupported kinds nothing. A NULL key encodes as
 * nothing (the caller sends a null key). Decoded strings are copied into the
 * caller's arena.
 */
#include "formats/formats_int.h"

#include <string.h>

/* Reads n (<= 8) big-endian bytes. */
static uint64_t get_be(const char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | (unsigned char)p[i];
    return v;
}

/* Appends the low n bytes of v big-endian. */
static void put_be(wr_buf *b, uint64_t v, size_t n)
{
    char buf[8];
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(v >> (8 * (n - 1 - i)));
    wr_buf_putn(b, buf, n);
}

weir_rc wr_kafka_decode_key(const wr_type *t, const char *p, size_t n,
                            wr_datum *out, wr_arena *ar, char *err,
                            size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->null = true;
    if (!p)
        return WEIR_OK;
    switch (t->kind) {
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        if (n != 4) {
            wr_fmt_err(err, errlen,
                       "Size of data received by IntegerDeserializer is not "
                       "4 (got %zu)",
                       n);
            return WEIR_E_DATA;
        }
        out->u.i32 = (int32_t)(uint32_t)get_be(p, 4);
        break;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        if (n != 8) {
            wr_fmt_err(err, errlen,
                       "Size of data received by LongDeserializer is not 8 "
                       "(got %zu)",
                       n);
            return WEIR_E_DATA;
        }
        out->u.i64 = (int64_t)get_be(p, 8);
        break;
    case WR_T_DOUBLE: {
        if (n != 8) {
            wr_fmt_err(err, errlen,
                       "Size of data received by DoubleDeserializer is not 8 "
                       "(got %zu)",
                       n);
            return WEIR_E_DATA;
        }
        uint64_t bits = get_be(p, 8);
        memcpy(&out->u.f64, &bits, 8);
        break;
    }
    case WR_T_STRING:
    case WR_T_BYTES: {
        char *c = n ? wr_arena_alloc(ar, n) : (char *)"";
        if (!c) {
            wr_fmt_err(err, errlen, "out of memory");
            return WEIR_E_NOMEM;
        }
        if (n)
            memcpy(c, p, n);
        out->u.str.p = c;
        out->u.str.len = (int32_t)n;
        break;
    }
    default: {
        char tb[128];
        wr_fmt_err(err, errlen, "The 'KAFKA' format does not support type '%s'",
                   wr_type_format(t, tb, sizeof tb));
        return WEIR_E_DATA;
    }
    }
    out->null = false;
    return WEIR_OK;
}

void wr_kafka_encode_key(const wr_type *t, const wr_datum *d, wr_buf *out)
{
    if (d->null)
        return;
    switch (t->kind) {
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        put_be(out, (uint32_t)d->u.i32, 4);
        break;
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        put_be(out, (uint64_t)d->u.i64, 8);
        break;
    case WR_T_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &d->u.f64, 8);
        put_be(out, bits, 8);
        break;
    }
    case WR_T_STRING:
    case WR_T_BYTES:
        wr_buf_putn(out, d->u.str.p, (size_t)d->u.str.len);
        break;
    default:
        break;
    }
}
