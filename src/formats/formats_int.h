/*
 * formats_int.h: declarations shared by the codec files of src/formats and
 * private to them: the decoder structure, text-to-number helpers with Java's
 * grammars, base64, and the per-format entry points that format.c
 * dispatches to.
 */
#ifndef WEIR_FORMATS_FORMATS_INT_H
#define WEIR_FORMATS_FORMATS_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/decimal.h"
#include "formats/format.h"

/* One declared value column as the decoder keeps it. */
typedef struct wr_dfield {
    const char *name;    /* declared name (borrowed) */
    int32_t len;         /* strlen(name) */
    const char *lname;   /* name in lower case when that differs and the
                            name has no lower-case letter (a lower-case
                            key then matches it upper-cased), else NULL */
    const wr_type *type; /* declared type (borrowed) */
    int col;             /* target batch column, -1: skip */
} wr_dfield;

struct wr_decoder {
    wr_format fmt;  /* JSON or DELIMITED */
    char delim;     /* DELIMITED separator */
    int n;          /* number of declared fields */
    wr_dfield *f;   /* n fields, in declaration order (in the build arena) */
    bool mixed;     /* a declared name upper-cases to another one */
    bool unwrapped; /* JSON, one field: the value is that field's value
                       alone, not an object (WRAP_SINGLE_VALUE=false) */
    int ntarget;    /* fields with col >= 0 */
    int *targets;   /* their batch columns */
};

/* Longest text wr_fmt_java_double writes, NUL included. */
#define WR_JAVA_DOUBLE_MAX 32

/* Writes d as Java's Double.toString into out (NUL-terminated, at least
 * WR_JAVA_DOUBLE_MAX bytes); returns the length. */
int wr_fmt_java_double(double d, char *out);

/* snprintf into err[errlen] when err is not NULL. */
void wr_fmt_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Parses s[0..n) as Java's Long.parseLong would ([+-]digits, nothing else)
 * and checks lo <= value <= hi. Returns false when malformed or out of
 * range.
 */
bool wr_fmt_parse_int(const char *s, size_t n, int64_t lo, int64_t hi,
                      int64_t *out);

/*
 * Parses s[0..n) as Java's Double.parseDouble would: surrounding
 * whitespace, sign, decimal or exponent notation, an optional f/F/d/D
 * suffix, "NaN" and "Infinity". Returns false when malformed.
 */
bool wr_fmt_parse_double(const char *s, size_t n, double *out);

/*
 * Parses decimal text into DECIMAL type t exactly, as ksqlDB's
 * DecimalUtil.ensureFit does: no rounding is allowed and the value must fit
 * the precision. On failure returns false with a message in err.
 */
bool wr_fmt_parse_decimal(const char *s, size_t n, const wr_type *t,
                          wr_i128 *out, char *err, size_t errlen);

/*
 * Decodes standard base64 s[0..n) into ar. Returns false when malformed or
 * out of memory. *out points into ar (or is {"" , 0}).
 */
bool wr_fmt_base64_decode(wr_arena *ar, const char *s, size_t n, wr_str *out);

/* Appends p[0..n) base64-encoded (standard alphabet, padded) to b. */
void wr_fmt_base64_put(wr_buf *b, const char *p, size_t n);

/*
 * Appends a primitive non-NULL datum of type t as Java's toString would
 * (the DELIMITED text of a field, unquoted): DOUBLE as Double.toString,
 * DECIMAL as toPlainString, BYTES as base64, nested types as JSON.
 */
void wr_fmt_put_text(wr_buf *b, const wr_type *t, const wr_datum *d);

/*
 * json.c: unescapes the JSON string body raw[0..n) into dst (room for n
 * bytes). Returns the unescaped length, or -1 with *bad set to the offset of
 * the invalid escape (lone surrogates are invalid).
 */
long wr_json_unescape(const char *raw, size_t n, char *dst, size_t *bad);

/* json.c: length of the valid JSON number at p (before e); 0 if none. */
size_t wr_json_scan_number(const char *p, const char *e);

/* JSON (json_codec.c). Arguments as for wr_decode_value / wr_decode_key. */
weir_rc wr_json_decode_row(const wr_decoder *d, const char *p, size_t n,
                           bool borrow, wr_batch *b, int row, char *err,
                           size_t errlen);
weir_rc wr_json_decode_key(const wr_type *t, const char *p, size_t n,
                           wr_datum *out, wr_arena *ar, char *err,
                           size_t errlen);

/* DELIMITED (delimited.c). */
weir_rc wr_delim_decode_row(const wr_decoder *d, const char *p, size_t n,
                            bool borrow, wr_batch *b, int row, char *err,
                            size_t errlen);
weir_rc wr_delim_decode_key(const wr_type *t, const char *p, size_t n,
                            wr_datum *out, wr_arena *ar, char *err,
                            size_t errlen);
/* Appends one field with Commons CSV minimal quoting; first: it starts the
 * record; null: a SQL NULL (written empty, never quoted). */
void wr_delim_put_field(wr_buf *b, char delim, bool first, bool null,
                        const char *s, size_t n);
void wr_delim_encode_row(char delim, const wr_col *cols, int n, int row,
                         wr_buf *out);

/* KAFKA (kafka.c). */
weir_rc wr_kafka_decode_key(const wr_type *t, const char *p, size_t n,
                            wr_datum *out, wr_arena *ar, char *err,
                            size_t errlen);
void wr_kafka_encode_key(const wr_type *t, const wr_datum *d, wr_buf *out);

#endif
