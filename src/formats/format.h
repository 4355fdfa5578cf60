/*
 * format.h: codecs between record bytes and columnar batches: JSON and
 * DELIMITED values; KAFKA, JSON and DELIMITED keys; serialized exactly as
 * ksqlDB does.
 *
 * Decoders are schema-directed: built once per query from the declared
 * value columns, each mapped to a target batch column or to -1 when the
 * query does not use it (projection pushdown: unused fields are skipped
 * without being converted). JSON field names match case-insensitively,
 * preferring an exact-case match; DELIMITED fields match by position.
 * A malformed record is reported with its position and leaves the row's
 * cells NULL; it never fails the batch.
 *
 * Encoders write one row's columns as ksqlDB would: JSON objects with every
 * value column (explicit nulls), DOUBLE as Java's Double.toString, DECIMAL as
 * BigDecimal.toPlainString with the type's scale; DELIMITED as Commons CSV
 * with minimal quoting; KAFKA keys as big-endian binary.
 *
 * Decoders and encoders are read-only after creation and shared by threads.
 */
#ifndef WEIR_FORMATS_FORMAT_H
#define WEIR_FORMATS_FORMAT_H

#include "common/batch.h"
#include "common/buf.h"
#include "planner/catalog.h"

/* A declared column as a codec sees it. */
typedef struct wr_field_map {
    const char *name;    /* column name as declared (normalized) */
    const wr_type *type; /* declared type */
    int col;             /* decoder: target batch column, -1: skip */
} wr_field_map;

typedef struct wr_decoder wr_decoder;

/*
 * Builds a value decoder for fmt (JSON or DELIMITED) over the declared value
 * columns fields[0..n) (copied into ar; names and types borrowed). delim is
 * the DELIMITED separator (0: ','). NULL with st set when fmt has no
 * decoder.
 */
wr_decoder *wr_decoder_new(wr_arena *ar, wr_format fmt,
                           const wr_field_map *fields, int n, char delim,
                           weir_status *st);

/* JSON with one declared field: the value is that field's value alone
 * (`42`, not `{"V":42}`): ksqlDB's WRAP_SINGLE_VALUE=false. Call right
 * after wr_decoder_new, before the decoder is shared. */
void wr_decoder_unwrap(wr_decoder *d);

/*
 * Decodes the record value p[0..n) into row `row` of b (columns named by the
 * field map; strings are copied into b->ar or point into p when the caller
 * says p outlives the batch with `borrow`). On malformed input returns
 * WEIR_E_DATA with a message naming the position/field in err and the row's
 * target cells NULL.
 */
weir_rc wr_decode_value(const wr_decoder *d, const char *p, size_t n,
                        bool borrow, wr_batch *b, int row, char *err,
                        size_t errlen);

/*
 * Decodes a key p[0..n) of format fmt (KAFKA, JSON, DELIMITED) holding one
 * primitive column of type t into row `row` of out (strings copied into ar).
 * WEIR_E_DATA with a message when malformed.
 */
weir_rc wr_decode_key(wr_format fmt, const wr_type *t, const char *p, size_t n,
                      wr_col *out, int row, wr_arena *ar, char *err,
                      size_t errlen);

/*
 * Encodes row `row` of cols[0..n) (value columns, names in names[]) as a
 * record value of format fmt (JSON object, DELIMITED line) appended to out.
 * delim as for wr_decoder_new.
 */
void wr_encode_value(wr_format fmt, char delim, const char *const *names,
                     const wr_col *cols, int n, int row, wr_buf *out);

/* Encodes row `row` of one value column unwrapped (WRAP_SINGLE_VALUE=
 * false): a bare JSON value, or the DELIMITED field. */
void wr_encode_value_unwrapped(wr_format fmt, const wr_col *col, int row,
                               wr_buf *out);

/* Encodes one key column's row as fmt (KAFKA binary, JSON, DELIMITED). */
void wr_encode_key(wr_format fmt, const wr_col *col, int row, wr_buf *out);

/*
 * Appends one datum of type t as ksqlDB's JSON writer would ("1.0E7",
 * "10.0000", "\"a\"", "[1,2]", "{\"A\":1}", "null").
 */
void wr_json_put_datum(wr_buf *out, const wr_type *t, const wr_datum *d);

/* Appends a double as Java's Double.toString ("1.0", "1.0E7", "NaN"). */
void wr_put_java_double(wr_buf *out, double d);

#endif
