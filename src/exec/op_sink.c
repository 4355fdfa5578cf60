/*
 * Operator: Sink
 * Inputs:   one row of the output columns (keys first, then values) and its
 *           metadata (timestamp, tombstone, window).
 * Output:   an encoded record (key in the sink's key format, value in its
 *           value format, exactly as ksqlDB serializes them) handed to the
 *           output callback (a topic, a file, stdout, the test runner).
 * State:    none; the key and value buffers are the caller's, reused.
 * Time:     the record timestamp is the row's, or the sink's TIMESTAMP
 *           column when one is set.
 * Errors:   whatever the output callback returns fails the batch.
 */
#include "exec/exec_int.h"

bool wr_sink_encode(const wr_psink *s, const wr_col *cols, int row, bool tomb,
                    wr_buf *kbuf, wr_buf *vbuf, wr_out *o)
{
    wr_buf_reset(kbuf);
    wr_buf_reset(vbuf);
    if (s->nkeys == 1 && s->key_format != WR_FMT_NONE &&
        !wr_col_is_null(&cols[0], row)) {
        wr_encode_key(s->key_format, &cols[0], row, kbuf);
        o->key = kbuf->s ? kbuf->s : "";
        o->klen = (int32_t)kbuf->len;
    } else if (s->nkeys > 1) { /* a JSON object, or DELIMITED fields */
        wr_encode_value(s->key_format, ',', s->names, cols, s->nkeys, row,
                        kbuf);
        o->key = kbuf->s ? kbuf->s : "";
        o->klen = (int32_t)kbuf->len;
    }
    if (!tomb && s->unwrap) {
        wr_encode_value_unwrapped(s->value_format, &cols[s->nkeys], row, vbuf);
        o->value = vbuf->s ? vbuf->s : "";
        o->vlen = (int32_t)vbuf->len;
    } else if (!tomb) {
        wr_encode_value(s->value_format, s->delim, s->names + s->nkeys,
                        cols + s->nkeys, s->ncols - s->nkeys, row, vbuf);
        o->value = vbuf->s ? vbuf->s : "";
        o->vlen = (int32_t)vbuf->len;
    }
    return !kbuf->oom && !vbuf->oom;
}

weir_rc wr_op_sink(const wr_qplan *p, const wr_col *cols, int row,
                   const wr_sink_row *meta, wr_buf *kbuf, wr_buf *vbuf,
                   wr_out_fn out, void *ctx, weir_status *st)
{
    const wr_psink *s = &p->sink;
    wr_out o;
    memset(&o, 0, sizeof o);
    if (s->value_format == WR_FMT_NONE) {
        /* A null sink (benchmarks): the row, not serialized. */
        o.value = meta->tomb ? NULL : "";
        o.ts = meta->ts;
        o.cols = cols;
        o.row = row;
        return out(ctx, p, &o, st);
    }
    if (!wr_sink_encode(s, cols, row, meta->tomb, kbuf, vbuf, &o))
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    o.ts = meta->ts;
    if (s->ts_col >= 0 && !meta->tomb) {
        wr_datum d;
        wr_col_get(&cols[s->ts_col], row, &d);
        if (!d.null)
            o.ts = s->types[s->ts_col]->kind == WR_T_INT ? d.u.i32 : d.u.i64;
    }
    if (o.ts < 0)
        return WEIR_OK; /* Kafka rejects negative timestamps: ksqlDB skips */
    o.windowed = meta->windowed;
    o.wstart = meta->wstart;
    o.wend = meta->wend;
    o.session = meta->session;
    o.cols = cols;
    o.row = row;
    return out(ctx, p, &o, st);
}
