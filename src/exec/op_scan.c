/*
 * Operator: Scan
 * Inputs:   the records of one input slice (wr_record, borrowed).
 * Output:   a scan batch: the source's declared columns (keys first) then
 *           ROWTIME, ROWPARTITION, ROWOFFSET, ROWTOPIC (and WINDOWSTART,
 *           WINDOWEND of windowed sources); only the columns the query uses
 *           are decoded (the decoder skips the others).
 * State:    none.
 * Time:     ROWTIME is the record timestamp, or the TIMESTAMP='col' column.
 * Errors:   a record whose key or value cannot be decoded, or whose
 *           TIMESTAMP column is NULL, is skipped and counted with its
 *           origin topic[partition]@offset (ksqlDB's processing log); a
 *           table record with a null key is dropped, as in ksqlDB.
 */
#include "exec/exec_int.h"

#include <stdio.h>

void wr_stats_error(wr_qstats *stats, const wr_badsink *bad,
                    const wr_record *rec, const char *msg)
{
    if (bad && bad->fn) {
        pthread_mutex_lock(bad->mu);
        bad->fn(bad->ctx, rec, msg);
        pthread_mutex_unlock(bad->mu);
    }
    if (rec->partition < 0) /* a file: path:line */
        snprintf(stats->last_error, sizeof stats->last_error, "%s:%lld: %s",
                 rec->topic ? rec->topic : "?", (long long)rec->offset, msg);
    else
        snprintf(stats->last_error, sizeof stats->last_error, "%s[%d]@%lld: %s",
                 rec->topic ? rec->topic : "?", (int)rec->partition,
                 (long long)rec->offset, msg);
}

/* Decodes recs[0..n) into b (set up with the scan's types and capacity at
 * least n) and writes each kept row's seq. Returns the number of rows. */
int wr_op_scan(const wr_pscan *s, const wr_record *recs, int n, wr_batch *b,
               int64_t *seq, wr_qstats *stats, const wr_badsink *bad)
{
    char err[256];
    int row = 0;
    wr_col *rt = &b->cols[s->col_rowtime];
    for (int i = 0; i < n; i++) {
        const wr_record *r = &recs[i];
        stats->records_in++;
        if (s->kdec) { /* several key columns: an object or fields */
            bool ok = true;
            if (r->key) {
                weir_rc rc = wr_decode_value(s->kdec, r->key, (size_t)r->klen,
                                             true, b, row, err, sizeof err);
                if (rc != WEIR_OK) {
                    stats->decode_errors++;
                    wr_stats_error(stats, bad, r, err);
                    continue;
                }
            } else {
                for (int c = 0; c < s->nkeys; c++)
                    wr_col_set_null(&b->cols[c], row, true);
            }
            for (int c = 0; c < s->nkeys; c++)
                ok = ok && !wr_col_is_null(&b->cols[c], row);
            if (!ok && s->table) /* a table row needs its whole key */
                continue;
        } else if (s->nkeys == 1) {
            if (r->key) {
                weir_rc rc = wr_decode_key(s->key_format, s->types[0], r->key,
                                           (size_t)r->klen, &b->cols[0], row,
                                           b->ar, err, sizeof err);
                if (rc != WEIR_OK) {
                    stats->decode_errors++;
                    wr_stats_error(stats, bad, r, err);
                    continue;
                }
            } else {
                wr_col_set_null(&b->cols[0], row, true);
                if (s->table)
                    continue;
            }
        }
        if (r->value) {
            /* Strings borrow the record: records outlive the batch (the
             * caller keeps them for the whole wr_qrun_batch call), and
             * state copies what it keeps. */
            weir_rc rc = wr_decode_value(s->dec, r->value, (size_t)r->vlen,
                                         true, b, row, err, sizeof err);
            if (rc != WEIR_OK) {
                stats->decode_errors++;
                wr_stats_error(stats, bad, r, err);
                continue;
            }
            b->tomb[row] = 0;
        } else {
            for (int c = s->nkeys; c < s->col_rowtime; c++)
                wr_col_set_null(&b->cols[c], row, true);
            b->tomb[row] = 1;
        }
        int64_t ts = r->ts;
        if (s->ts_col >= 0 && r->value) {
            wr_datum d;
            wr_col_get(&b->cols[s->ts_col], row, &d);
            if (d.null) {
                stats->decode_errors++;
                wr_stats_error(stats, bad, r, "the TIMESTAMP column is NULL");
                continue;
            }
            ts = s->types[s->ts_col]->kind == WR_T_INT ? d.u.i32 : d.u.i64;
        }
        wr_col_set_null(rt, row, false);
        WR_COL_I64(rt)[row] = ts;
        /* Pseudo-columns only when the query reads them. */
        wr_col *c;
        if (s->used[s->col_partition]) {
            c = &b->cols[s->col_partition];
            wr_col_set_null(c, row, false);
            WR_COL_I32(c)[row] = r->partition;
        }
        if (s->used[s->col_offset]) {
            c = &b->cols[s->col_offset];
            wr_col_set_null(c, row, false);
            WR_COL_I64(c)[row] = r->offset;
        }
        if (s->used[s->col_topic] && r->topic) {
            c = &b->cols[s->col_topic];
            wr_col_set_null(c, row, false);
            WR_COL_STR(c)[row] = (wr_str){r->topic, (int32_t)strlen(r->topic)};
        }
        if (s->col_wstart >= 0 && r->windowed) {
            c = &b->cols[s->col_wstart];
            wr_col_set_null(c, row, false);
            WR_COL_I64(c)[row] = r->wstart;
            c = &b->cols[s->col_wend];
            wr_col_set_null(c, row, false);
            WR_COL_I64(c)[row] = r->wend;
        }
        seq[row] = r->seq;
        row++;
    }
    b->n = row;
    b->sel = NULL;
    b->nsel = row;
    return row;
}
