/*
 * fuzz_exec.c: the executor end to end on arbitrary records.
 *
 * The first input byte picks one of a fixed set of queries (windowed
 * aggregates of every kind, HAVING, a stream-table join, a projection over
 * DELIMITED values); the rest is split into lines, each a record value (a
 * line starting with '!' is a tombstone, one starting with '#' goes to the
 * second source). Record timestamps come from a running clock moved by each
 * line's first byte, so records arrive out of order and late. Batches have
 * sizes from the second input byte. Nothing may crash, leak or trip a
 * sanitizer, whatever the bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "exec/exec.h"

static const char *const queries[] = {
    "CREATE STREAM s (k STRING KEY, v INT, w DOUBLE, t STRING) WITH "
    "(KAFKA_TOPIC='s', VALUE_FORMAT='JSON');"
    "SELECT k, COUNT(*), SUM(v), AVG(w), COLLECT_LIST(t), MIN(t) FROM s "
    "WINDOW HOPPING (SIZE 30 MILLISECONDS, ADVANCE BY 10 MILLISECONDS, "
    "GRACE PERIOD 20 MILLISECONDS) GROUP BY k HAVING COUNT(*) > 1 EMIT "
    "CHANGES;",
    "CREATE STREAM s (k STRING KEY, v INT, w DOUBLE, t STRING) WITH "
    "(KAFKA_TOPIC='s', VALUE_FORMAT='JSON');"
    "SELECT k, COUNT(*), LATEST_BY_OFFSET(t), TOPK(v, 2) FROM s "
    "WINDOW SESSION (15 MILLISECONDS) GROUP BY k EMIT CHANGES;",
    "CREATE STREAM s (k STRING KEY, v INT, w DOUBLE, t STRING) WITH "
    "(KAFKA_TOPIC='s', VALUE_FORMAT='JSON');"
    "SELECT t, COUNT(DISTINCT v), MAX(w) FROM s WINDOW TUMBLING (SIZE 3 "
    "ROWS) WHERE v > 0 OR t LIKE 'a%' GROUP BY t EMIT FINAL;",
    "CREATE STREAM s (k STRING KEY, v INT, w DOUBLE, t STRING) WITH "
    "(KAFKA_TOPIC='s', VALUE_FORMAT='JSON');"
    "CREATE TABLE u (k STRING PRIMARY KEY, n STRING) WITH "
    "(KAFKA_TOPIC='u', VALUE_FORMAT='JSON');"
    "SELECT s.k, v, n, CASE WHEN w > 1.5 THEN UCASE(n) ELSE t END FROM s "
    "LEFT JOIN u ON s.k = u.k EMIT CHANGES;",
    "CREATE STREAM s (k INT KEY, v INT, d DECIMAL(6, 2), t STRING) WITH "
    "(KAFKA_TOPIC='s', VALUE_FORMAT='DELIMITED');"
    "SELECT k, v / 2, d * d, SUBSTRING(t, v), CAST(t AS INT) FROM s "
    "WHERE d BETWEEN -5 AND 5 EMIT CHANGES;",
    "CREATE STREAM s (k STRING KEY, v INT, w DOUBLE, t STRING) WITH "
    "(KAFKA_TOPIC='s', VALUE_FORMAT='JSON');"
    "CREATE STREAM r (k STRING KEY, x INT) WITH (KAFKA_TOPIC='r', "
    "VALUE_FORMAT='JSON');"
    "SELECT s.k, v, x FROM s FULL OUTER JOIN r WITHIN 5 MILLISECONDS "
    "GRACE PERIOD 5 MILLISECONDS ON s.k = r.k EMIT CHANGES;",
};

static weir_rc sink(void *ctx, const wr_qplan *p, const wr_out *o,
                    weir_status *st)
{
    (void)p;
    (void)st;
    (*(size_t *)ctx) += (size_t)o->vlen + (size_t)o->klen;
    return WEIR_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *sql = queries[data[0] % (sizeof queries / sizeof *queries)];
    int bsz = 1 + data[1] % 7;
    weir_status st;
    weir_engine *e = weir_engine_new(&st);
    if (!e)
        return 0;
    weir_stmt *keep = NULL;
    wr_qplan *plan = wr_engine_plan_first_query(e, sql, "f", &keep, &st);
    if (!plan) {
        weir_engine_free(e);
        return 0;
    }
    size_t out = 0;
    wr_qrun *q = wr_qrun_new(plan, 1, sink, &out, &st);
    wr_record recs[8];
    int n = 0, cur = -1;
    int64_t clock = 100, seq = 0;
    const char *p = (const char *)data + 2, *end = (const char *)data + size;
    static const char keys[] = "abc";
    while (q && p < end && !wr_qrun_done(q)) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        int si = 0;
        wr_record r;
        memset(&r, 0, sizeof r);
        if (p < le && *p == '#' && plan->nscan > 1) {
            si = 1;
            p++;
        }
        if (p < le)
            clock += (int64_t)((unsigned char)*p % 13) - 4;
        r.key = &keys[(size_t)(le - p) % 3];
        r.klen = plan->scans[si].key_format == WR_FMT_DELIMITED ? 0 : 1;
        if (plan->scans[si].key_format == WR_FMT_DELIMITED) {
            r.key = "7";
            r.klen = 1;
        }
        if (p < le && *p == '!') {
            r.value = NULL;
        } else {
            r.value = p;
            r.vlen = (int32_t)(le - p);
        }
        r.ts = clock < 0 ? -clock : clock;
        r.offset = r.seq = seq++;
        r.topic = "fuzz";
        if (n && (si != cur || n == bsz)) {
            wr_qrun_batch(q, cur, recs, n, &st);
            n = 0;
        }
        cur = si;
        recs[n++] = r;
        p = nl ? nl + 1 : end;
    }
    if (q && n)
        wr_qrun_batch(q, cur, recs, n, &st);
    if (q)
        wr_qrun_finish(q, &st);
    wr_qrun_free(q);
    wr_plan_free(plan);
    weir_stmt_free(keep);
    weir_engine_free(e);
    return 0;
}
