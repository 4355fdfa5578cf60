/*
 * run_stream.c: the streaming loop of `weir run`: the queries that read
 * Kafka run together, one micro-batch after the other (Spark Streaming's
 * JobGenerator), until SIGINT or SIGTERM (or, in cron mode, until every
 * source has been read up to where it ended at start).
 *
 * One batch of one query: plan every source's offset ranges (the
 * direct API: decided before reading, capped by the rate limits), fetch
 * exactly them, run them through the query (the records of several
 * sources merged by timestamp), tick the clock, wait for every delivery
 * of the sink, then commit the sources' offsets. A sink that fails to
 * deliver stops the query with the reason and leaves the batch
 * uncommitted, so a restart reads it again (at least once; exactly once
 * comes with checkpoints). The next batch is planned only when this one
 * has been handed off: a slow sink slows the reading, memory stays flat.
 *
 * Memory: the loop owns its query runs, sources and sinks; records borrow
 * the sources' buffers for one batch.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "checkpoint/checkpoint.h"
#include "connectors/datagen.h"
#include "connectors/file_sink.h"
#include "connectors/line_source.h"
#include "connectors/kafka.h"
#include "connectors/rate.h"
#include "connectors/sqlite_sink.h"
#include "formats/json.h"
#include "planner/props.h"
#include "shell/shell.h"

static volatile int stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Whether the loop of a run with options o is to stop: its own flag
 * (a background run), or the signal handlers'. */
static bool stopping(const wr_runopts *o)
{
    return o->stop ? *o->stop != 0 : stop_requested != 0;
}

/* The flag that stops a run with options o: its own (a background
 * run's, borrowed from o), or the signal handlers' (this file's). The
 * run's Kafka sources and sinks watch it in their waits, so that stopping
 * one run never interrupts another run's clients (kafka.h). */
static volatile int *run_flag(const wr_runopts *o)
{
    return o->stop ? o->stop : &stop_requested;
}

typedef struct runner runner;

typedef struct rscan {
    wr_ksource *ks; /* a Kafka source, or */
    wr_lsource *fs; /* a file, followed file, directory, socket, stdin
                       or zmq source (line_source.h) */
    bool eof;       /* that source has ended (a file read once, stdin) */
    const wr_record *recs;
    int n;
    const wr_krange *ranges; /* a Kafka source's plan of this batch */
    int nranges;
    /* A line source under a checkpoint: this batch's slice (its positions
     * before and after, read_lines), and whether it read. */
    wr_buf pos;
    bool read;
    /* Flow control of a Kafka source (Spark's RateController): the PID
     * estimator, fed after every batch, and the limits it gives. */
    wr_pid pid;
    wr_rate_opts rate;
} rscan;

typedef struct rquery {
    wr_qplan *p;
    wr_qrun *r;
    rscan *sc;      /* p->nscan */
    wr_runout out;  /* FILE= sink or stdout */
    wr_ksink *sink; /* Kafka sink, or NULL */
    wr_sqsink *sq;  /* SQLite sink (exactly once), or NULL */
    wr_fsink *fsk;  /* directory FILE sink (exactly once), or NULL */
    wr_out_fn emit; /* where other rows go (stdout, FILE=, the shell) */
    void *emit_ctx;
    bool suppress;        /* replaying a batch whose output is already out */
    bool open_txn;        /* an exactly-once sink's batch is open */
    bool ktxn;            /* the Kafka sink's transaction is open */
    int64_t next_batch;   /* id of the next batch (checkpoint, sinks) */
    int64_t sink_last;    /* the exactly-once sink's last committed batch */
    int64_t replayed;     /* batches replayed from the checkpoint */
    int64_t snap_batch;   /* the batch of the latest state snapshot */
    int64_t snap_at;      /* when it was taken (monotonic ms) */
    bool torn;            /* a batch failed half-way: the state is not
                             one to snapshot */
    bool batch_has_input; /* the batch being run reads something */
    bool async;           /* delivery.mode 'async': do not wait per batch */
    bool done;
    int64_t batches;
    /* The error policy for records that cannot be decoded. */
    enum { POLICY_SKIP, POLICY_STOP, POLICY_DEAD_LETTER } policy;
    bool stop; /* stop: a bad record came (stop_err says which) */
    char stop_err[400];
    wr_ksink *dlq;  /* dead letters to a topic, or */
    FILE *dlqf;     /* to a file of JSON lines */
    weir_rc dlq_rc; /* the first failure to write a dead letter */
    char dlq_err[400];
    /* Merge of several sources' records by timestamp. */
    int *ord;
    int cord;
    wr_record *fixed; /* a batch reordered by thread (PreferFixed) */
} rquery;

struct runner {
    weir_engine *e;
    const wr_catalog *cat;
    const wr_runopts *o;
    wr_ckpt *ck;   /* the checkpoint, or NULL */
    FILE *metrics; /* the metrics file, or NULL */
};

static bool embedded(const wr_catalog *cat)
{
    const char *bs = wr_catalog_get_prop(cat, "kafka.bootstrap.servers");
    return !bs || !strcasecmp(bs, "embedded");
}

/* The embedded broker creates the topics a query uses, with the
 * PARTITIONS of their stream or table (1 by default). */
static weir_rc ensure_topic(runner *rn, const char *topic, const char *src,
                            weir_status *st)
{
    if (!embedded(rn->cat))
        return WEIR_OK;
    wr_kbroker *b = wr_kbroker_embedded(st);
    if (!b)
        return st->code;
    const wr_source *s = src ? wr_catalog_get(rn->cat, src) : NULL;
    return wr_kbroker_topic(b, topic, s && s->partitions ? s->partitions : 1,
                            st);
}

/* Per-partition caps of one batch (Spark's maxMessagesPerPartition):
 * ctx is the source's rscan. */
static void rate_caps(void *ctx, int n, const int64_t *from,
                      const int64_t *high, int64_t *limit)
{
    rscan *s = ctx;
    if (s->rate.backpressure)
        s->rate.latest_rate = wr_pid_latest_rate(&s->pid);
    if (!wr_rate_limits(&s->rate, n, from, high, limit))
        for (int i = 0; i < n; i++)
            limit[i] = -1;
}

static double prop_num(const wr_catalog *cat, const char *key, double dflt)
{
    const char *v = wr_catalog_get_prop(cat, key);
    return v ? strtod(v, NULL) : dflt;
}

/* Flow control of source s from the session: kafka.max/min.rate.per.
 * partition, backpressure.* (the first batch of a run is capped too, by
 * backpressure.initial.rate, 1000 records/s unless set: a restart after a
 * long stop does not pull the whole backlog into one batch). */
static weir_rc init_rate(runner *rn, rscan *s, weir_status *st)
{
    const wr_catalog *cat = rn->cat;
    int64_t iv = rn->o->interval > 0 ? rn->o->interval : 1000;
    wr_rate_opts_init(&s->rate, iv);
    const char *bp = wr_catalog_get_prop(cat, "backpressure.enabled");
    s->rate.backpressure = bp && !strcasecmp(bp, "true");
    s->rate.max_rate =
        (int64_t)prop_num(cat, "kafka.max.rate.per.partition", 0);
    s->rate.min_rate = (int64_t)prop_num(cat, "kafka.min.rate.per.partition",
                                         WR_RATE_DEFAULT_MIN_PER_PARTITION);
    s->rate.initial_rate = (int64_t)prop_num(cat, "backpressure.initial.rate",
                                             s->rate.backpressure ? 1000 : 0);
    return wr_pid_init(
        &s->pid, iv,
        prop_num(cat, "backpressure.pid.proportional", WR_PID_DEFAULT_KP),
        prop_num(cat, "backpressure.pid.integral", WR_PID_DEFAULT_KI),
        prop_num(cat, "backpressure.pid.derived", WR_PID_DEFAULT_KD),
        prop_num(cat, "backpressure.pid.min.rate", WR_PID_DEFAULT_MIN_RATE),
        st);
}

/* Every output row of query q (ctx): dropped while a replayed batch's
 * output is already out, else to the query's sink. */
static weir_rc query_out(void *ctx, const wr_qplan *p, const wr_out *o,
                         weir_status *st)
{
    rquery *q = ctx;
    if (q->suppress)
        return WEIR_OK;
    if (q->sq)
        return wr_sqsink_put(q->sq, o, st);
    if (q->fsk)
        return wr_fsink_put(q->fsk, o, st);
    if (q->sink)
        return wr_ksink_put(q->sink, o, st);
    return q->emit(q->emit_ctx, p, o, st);
}

static const char *prop_of(const wr_catalog *cat, const char *src,
                           const char *key)
{
    return wr_source_prop(wr_catalog_get(cat, src), key);
}

/* "topic[partition]@offset" (or "path:line") of a record. */
static void origin_of(const wr_record *r, char *out, size_t n)
{
    if (r->partition < 0)
        snprintf(out, n, "%s:%lld", r->topic ? r->topic : "?",
                 (long long)r->offset);
    else
        snprintf(out, n, "%s[%d]@%lld", r->topic ? r->topic : "?",
                 (int)r->partition, (long long)r->offset);
}

/* The error policy (wr_qrun_on_bad): stop at the first bad record, or
 * send it as it came, with the reason, to the dead-letter topic or file. */
static void on_bad(void *ctx, const wr_record *r, const char *why)
{
    rquery *q = ctx;
    char origin[300];
    origin_of(r, origin, sizeof origin);
    if (q->policy == POLICY_STOP) {
        if (!q->stop)
            snprintf(q->stop_err, sizeof q->stop_err,
                     "stopped by error.policy 'stop' at %s: %s", origin, why);
        q->stop = true;
        return;
    }
    if (q->policy != POLICY_DEAD_LETTER || q->dlq_rc != WEIR_OK)
        return;
    if (q->dlqf) {
        wr_buf b = WR_BUF_INIT;
        wr_buf_puts(&b, "{\"origin\":");
        wr_json_write_str(&b, origin, strlen(origin));
        wr_buf_puts(&b, ",\"error\":");
        wr_json_write_str(&b, why, strlen(why));
        wr_buf_puts(&b, ",\"key\":");
        if (r->key)
            wr_json_write_str(&b, r->key, (size_t)r->klen);
        else
            wr_buf_puts(&b, "null");
        wr_buf_puts(&b, ",\"value\":");
        if (r->value)
            wr_json_write_str(&b, r->value, (size_t)r->vlen);
        else
            wr_buf_puts(&b, "null");
        wr_buf_printf(&b, ",\"timestamp\":%lld}\n", (long long)r->ts);
        if (b.oom || fwrite(b.s, 1, b.len, q->dlqf) != b.len) {
            q->dlq_rc = WEIR_E_IO;
            snprintf(q->dlq_err, sizeof q->dlq_err,
                     "cannot write the dead-letter file: %s",
                     b.oom ? "out of memory" : strerror(errno));
        }
        wr_buf_fini(&b);
        return;
    }
    const char *hdr[] = {"weir.error", why, "weir.origin", origin};
    weir_status st;
    if (wr_ksink_put_raw(q->dlq, r->key, r->key ? (size_t)r->klen : 0, r->value,
                         r->value ? (size_t)r->vlen : 0, r->ts, hdr, 2,
                         &st) != WEIR_OK) {
        q->dlq_rc = st.code;
        snprintf(q->dlq_err, sizeof q->dlq_err, "%s", st.msg);
    }
}

/* Sets up q's error policy from error.policy (skip, stop, dead_letter)
 * and error.dead.letter.file / error.dead.letter.topic. */
static weir_rc open_policy(runner *rn, rquery *q, weir_status *st)
{
    const char *pol = wr_catalog_get_prop(rn->cat, "error.policy");
    if (!pol || !strcasecmp(pol, "skip"))
        return WEIR_OK;
    if (!strcasecmp(pol, "stop")) {
        q->policy = POLICY_STOP;
    } else {
        q->policy = POLICY_DEAD_LETTER;
        const char *f = wr_catalog_get_prop(rn->cat, "error.dead.letter.file");
        if (f) {
            q->dlqf = fopen(f, "a");
            if (!q->dlqf)
                return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                                       "error.dead.letter.file %s: %s", f,
                                       strerror(errno));
        } else {
            const char *t =
                wr_catalog_get_prop(rn->cat, "error.dead.letter.topic");
            char name[300];
            snprintf(name, sizeof name, "%s", t ? t : "weir_dead_letters");
            weir_rc rc = ensure_topic(rn, name, NULL, st);
            rd_kafka_conf_t *conf =
                rc == WEIR_OK ? wr_kafka_conf(rn->cat, true, st) : NULL;
            if (!conf)
                return st->code;
            q->dlq = wr_ksink_open(conf, name, st);
            if (!q->dlq)
                return st->code;
        }
    }
    wr_qrun_on_bad(q->r, on_bad, q);
    return WEIR_OK;
}

/* Opens query q's sources and sink. */
static weir_rc open_query(runner *rn, rquery *q, weir_status *st)
{
    const wr_qplan *p = q->p;
    q->sc = calloc((size_t)p->nscan, sizeof *q->sc);
    if (!q->sc)
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    const char *reset = wr_catalog_get_prop(rn->cat, "auto.offset.reset");
    if (!reset)
        reset = wr_catalog_get_prop(rn->cat, "kafka.auto.offset.reset");
    for (int i = 0; i < p->nscan; i++) {
        const wr_pscan *s = &p->scans[i];
        if (s->file || s->socket || s->zmq) {
            wr_lsource_opts lo = {s->file, s->follow,    s->socket,
                                  s->zmq,  s->zmq_topic, rn->o->until_caught_up,
                                  0};
            q->sc[i].fs = wr_lsource_open(&lo, st);
            if (!q->sc[i].fs)
                return st->code;
            continue;
        }
        const char *pat = prop_of(rn->cat, s->name, "TOPIC_PATTERN");
        bool pattern = pat && !strcasecmp(pat, "true");
        if (!pattern) {
            weir_rc rc = ensure_topic(rn, s->topic, s->name, st);
            if (rc != WEIR_OK)
                return rc;
        }
        int32_t parts[256];
        int np = 0;
        const char *pl = prop_of(rn->cat, s->name, "KAFKA_PARTITIONS");
        for (const char *c = pl; c && *c && np < 256;) {
            char *end;
            long v = strtol(c, &end, 10);
            if (end == c || v < 0)
                return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                                       "%s: KAFKA_PARTITIONS '%s' is not a "
                                       "list of partition numbers",
                                       s->name, pl);
            parts[np++] = (int32_t)v;
            c = end;
            while (*c == ',' || *c == ' ')
                c++;
        }
        /* One consumer group per query (ksqlDB's query application id):
         * the group's committed offsets are that query's progress. */
        char group[300];
        const char *g = wr_catalog_get_prop(rn->cat, "kafka.group.id");
        snprintf(group, sizeof group, "%s-%s", g ? g : "weir", p->id);
        wr_ksource_opts ko = {s->topic,
                              pattern,
                              np ? parts : NULL,
                              np,
                              reset && !strcasecmp(reset, "latest"),
                              group,
                              0};
        rd_kafka_conf_t *conf = wr_kafka_conf(rn->cat, false, st);
        if (!conf)
            return st->code;
        q->sc[i].ks = wr_ksource_open(conf, &ko, st);
        if (!q->sc[i].ks || init_rate(rn, &q->sc[i], st) != WEIR_OK)
            return st->code;
        if (rn->o->until_caught_up)
            wr_ksource_stop_at_end(q->sc[i].ks);
    }
    q->emit = wr_run_print_row;
    q->emit_ctx = &q->out;
    q->out.line = (wr_buf)WR_BUF_INIT;
    q->sink_last = -1;
    if (!p->sink.name && rn->o->out) { /* the shell's renderer */
        q->emit = rn->o->out;
        q->emit_ctx = rn->o->out_ctx;
    }
    if (p->sink.name && p->sink.sqlite) {
        q->sq = wr_sqsink_open(p->sink.sqlite, p->sink.sqlite_table, &p->sink,
                               p->id, st);
        if (!q->sq || wr_sqsink_last_batch(q->sq, &q->sink_last, st))
            return st->code;
    } else if (p->sink.name && p->sink.file_dir) {
        wr_fsink_opts fo = {.roll_bytes = p->sink.roll_bytes,
                            .roll_ms = p->sink.roll_ms};
        q->fsk = wr_fsink_open(p->sink.topic, &p->sink, p->id, &fo, st);
        if (!q->fsk || wr_fsink_last_batch(q->fsk, &q->sink_last, st))
            return st->code;
    } else if (p->sink.name && p->sink.file_sink) {
        q->out.file = fopen(p->sink.topic, "w");
        if (!q->out.file)
            return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s: %s",
                                   p->sink.topic, strerror(errno));
    } else if (p->sink.name) {
        weir_rc rc = ensure_topic(rn, p->sink.topic, p->sink.name, st);
        if (rc != WEIR_OK)
            return rc;
        rd_kafka_conf_t *conf = wr_kafka_conf(rn->cat, true, st);
        if (!conf)
            return st->code;
        /* processing.guarantee 'exactly_once': a transactional producer
         * whose id is the query's (a restarted query fences the old one),
         * committing each batch's output with its source offsets. */
        const char *pg = wr_catalog_get_prop(rn->cat, "processing.guarantee");
        if (pg && !strncasecmp(pg, "exactly_once", 12)) {
            char tid[300], err[256];
            const char *g = wr_catalog_get_prop(rn->cat, "kafka.group.id");
            snprintf(tid, sizeof tid, "%s-%s", g ? g : "weir", p->id);
            if (rd_kafka_conf_set(conf, "transactional.id", tid, err,
                                  sizeof err) != RD_KAFKA_CONF_OK) {
                rd_kafka_conf_destroy(conf);
                return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                                       "transactional.id: %s", err);
            }
        }
        q->sink = wr_ksink_open(conf, p->sink.topic, st);
        if (!q->sink)
            return st->code;
        const char *dm = wr_catalog_get_prop(rn->cat, "delivery.mode");
        q->async = dm && !strcasecmp(dm, "async");
    }
    /* Batch ids continue the exactly-once sink's (the checkpoint's, when
     * there is one, replace them). */
    q->next_batch = q->sink_last + 1 > 1 ? q->sink_last + 1 : 1;
    q->r = wr_qrun_new(p, rn->o->threads, query_out, q, st);
    return q->r ? open_policy(rn, q, st) : st->code;
}

static void close_query(rquery *q)
{
    for (int i = 0; q->sc && i < q->p->nscan; i++) {
        wr_ksource_close(q->sc[i].ks);
        wr_lsource_close(q->sc[i].fs);
        wr_buf_fini(&q->sc[i].pos);
    }
    free(q->sc);
    wr_qrun_free(q->r);
    wr_ksink_close(q->sink);
    wr_sqsink_close(q->sq);
    wr_fsink_close(q->fsk);
    wr_ksink_close(q->dlq);
    if (q->dlqf)
        fclose(q->dlqf);
    if (q->out.file)
        fclose(q->out.file);
    wr_buf_fini(&q->out.line);
    free(q->ord);
    free(q->fixed);
}

/* Spreads a Kafka batch's partitions over the worker threads (Spark's
 * location strategies): whole partitions per thread, balanced by records
 * (PreferConsistent), or as `kafka.partition.threads` says
 * ('PARTITION:THREAD,...', PreferFixed; unlisted partitions go by
 * PreferConsistent's rule). The records are reordered into one run per
 * thread in q->fixed when pinned. */
static void plan_chunks(runner *rn, rquery *q, rscan *s)
{
    int k = rn->o->threads;
    if (k < 2 || s->n < 2)
        return;
    int cut[257];
    const char *pin = wr_catalog_get_prop(rn->cat, "kafka.partition.threads");
    if (pin && k <= 256) {
        /* thread of each record's partition, then a stable reorder */
        int *th = malloc(sizeof(int) * (size_t)s->n);
        wr_record *re = realloc(q->fixed, sizeof(wr_record) * (size_t)s->n);
        if (!th || !re) {
            free(th);
            if (re)
                q->fixed = re;
            return;
        }
        q->fixed = re;
        for (int i = 0; i < s->n; i++) {
            int32_t part = s->recs[i].partition;
            th[i] = part % k; /* unlisted: round robin */
            for (const char *c = pin; c && *c;) {
                char *e;
                long pp = strtol(c, &e, 10);
                if (e == c || *e != ':')
                    break;
                long t = strtol(e + 1, &e, 10);
                if (pp == part && t >= 0)
                    th[i] = (int)(t % k);
                c = *e == ',' ? e + 1 : NULL;
            }
        }
        int m = 0;
        for (int t = 0; t < k; t++) {
            cut[t] = m;
            for (int i = 0; i < s->n; i++)
                if (th[i] == t)
                    re[m++] = s->recs[i];
        }
        cut[k] = m;
        free(th);
        s->recs = re;
        wr_qrun_cut(q->r, cut);
        return;
    }
    /* PreferConsistent: cut at the partition boundary nearest each even
     * share. */
    cut[0] = 0;
    int t = 1;
    for (int i = 1; i < s->n && t < k && t <= 256; i++)
        if (s->recs[i].partition != s->recs[i - 1].partition &&
            (int64_t)i * k >= (int64_t)s->n * t)
            cut[t++] = i;
    while (t <= k && t <= 256)
        cut[t++] = s->n;
    cut[k] = s->n;
    wr_qrun_cut(q->r, cut);
}

/* Runs the records of every source of q (fetched) through the query:
 * one source as it came, several merged by timestamp (then source order,
 * then arrival) in runs of one source. */
static weir_rc feed(rquery *q, weir_status *st)
{
    const wr_qplan *p = q->p;
    if (p->nscan == 1)
        return q->sc[0].n
                   ? wr_qrun_batch(q->r, 0, q->sc[0].recs, q->sc[0].n, st)
                   : WEIR_OK;
    int total = 0;
    for (int i = 0; i < p->nscan; i++)
        total += q->sc[i].n;
    if (total > q->cord) {
        int *o = realloc(q->ord, sizeof(int) * 2 * (size_t)total);
        if (!o)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        q->ord = o;
        q->cord = total;
    }
    /* k-way merge: the next record is the earliest head. */
    int pos[64] = {0};
    for (int done = 0; done < total;) {
        int best = -1;
        for (int i = 0; i < p->nscan && i < 64; i++)
            if (pos[i] < q->sc[i].n &&
                (best < 0 ||
                 q->sc[i].recs[pos[i]].ts < q->sc[best].recs[pos[best]].ts))
                best = i;
        /* The run of `best` while it stays the earliest. */
        int from = pos[best];
        do {
            pos[best]++;
            done++;
        } while (pos[best] < q->sc[best].n && ({
                     bool earliest = true;
                     int64_t t = q->sc[best].recs[pos[best]].ts;
                     for (int i = 0; i < p->nscan && i < 64; i++)
                         if (i != best && pos[i] < q->sc[i].n &&
                             q->sc[i].recs[pos[i]].ts < t)
                             earliest = false;
                     earliest;
                 }));
        weir_rc rc = wr_qrun_batch(q->r, best, q->sc[best].recs + from,
                                   pos[best] - from, st);
        if (rc != WEIR_OK)
            return rc;
    }
    return WEIR_OK;
}

static weir_rc record_plan(runner *rn, rquery *q, int64_t b, int64_t btime,
                           weir_status *st);

/* Plans batch b of every Kafka source of q: the recorded slices fix[0..nfix)
 * when replaying, else up to the rate limits; then, with a checkpoint,
 * records the plan before anything is read (a replayed batch is already
 * recorded). */
static weir_rc plan_sources(runner *rn, rquery *q, int64_t b, int64_t btime,
                            const wr_ckslice *fix, int nfix, bool replay,
                            weir_status *st)
{
    const wr_qplan *p = q->p;
    int total = 0;
    /* A batch without input changes nothing (an event-time query's tick
     * does nothing without rows): it is neither recorded nor committed.
     * Processing time and idle timeouts act on empty batches too. */
    q->batch_has_input = p->proc || rn->o->idle > 0;
    bool lines = false; /* line sources: recorded once they have read */
    for (int i = 0; i < p->nscan; i++) {
        rscan *s = &q->sc[i];
        lines = lines || s->fs;
        s->read = false;
        s->ranges = NULL;
        s->nranges = 0;
        if (!s->ks)
            continue;
        weir_rc rc;
        if (replay) {
            wr_krange *want = calloc((size_t)nfix + 1, sizeof *want);
            int nw = 0;
            if (!want)
                return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                       "out of memory");
            for (int j = 0; j < nfix; j++)
                if (fix[j].source == i)
                    want[nw++] =
                        (wr_krange){fix[j].topic, fix[j].partition, fix[j].from,
                                    fix[j].until, fix[j].until};
            rc = wr_ksource_plan_fixed(s->ks, want, nw, &s->ranges, &s->nranges,
                                       st);
            free(want);
        } else {
            rc = wr_ksource_plan(s->ks, rate_caps, s, &s->ranges, &s->nranges,
                                 st);
        }
        if (rc != WEIR_OK)
            return rc;
        total += s->nranges;
        for (int j = 0; j < s->nranges; j++)
            if (s->ranges[j].until > s->ranges[j].from)
                q->batch_has_input = true;
    }
    (void)total;
    if (lines || !rn->ck || replay || !q->batch_has_input)
        return WEIR_OK;
    return record_plan(rn, q, b, btime, st);
}

/* Records batch b of q in the checkpoint: every Kafka source's non-empty
 * ranges and, for a file source that read (or ended), the position it
 * read from and the bytes [from, until) it read. */
static weir_rc record_plan(runner *rn, rquery *q, int64_t b, int64_t btime,
                           weir_status *st)
{
    const wr_qplan *p = q->p;
    int total = 0;
    for (int i = 0; i < p->nscan; i++)
        total += q->sc[i].nranges + 1;
    wr_ckslice *sl = calloc((size_t)total + 1, sizeof *sl);
    if (!sl)
        return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    int n = 0;
    for (int i = 0; i < p->nscan; i++) {
        rscan *s = &q->sc[i];
        for (int j = 0; j < s->nranges; j++) {
            const wr_krange *r = &s->ranges[j];
            if (r->until > r->from) /* empty ranges need no replay */
                sl[n++] =
                    (wr_ckslice){i, r->topic, r->partition, r->from, r->until};
        }
        if (s->fs && s->read)
            sl[n++] = (wr_ckslice){i, s->pos.s, -1, 0, 0};
    }
    weir_rc rc = wr_ckpt_plan(rn->ck, p->id, b, btime, sl, n, st);
    free(sl);
    return rc;
}

/* Commits the open batch of q's exactly-once sink with the next offsets
 * of every Kafka source's ranges. */
static weir_rc commit_sink(rquery *q, int64_t b, weir_status *st)
{
    int total = 0;
    for (int i = 0; i < q->p->nscan; i++)
        total += q->sc[i].nranges;
    const char **src = calloc((size_t)total + 1, sizeof *src);
    int32_t *part = calloc((size_t)total + 1, sizeof *part);
    int64_t *next = calloc((size_t)total + 1, sizeof *next);
    weir_rc rc = WEIR_OK;
    if (!src || !part || !next) {
        rc = weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
    } else {
        int n = 0;
        for (int i = 0; i < q->p->nscan; i++)
            for (int j = 0; j < q->sc[i].nranges; j++, n++) {
                src[n] = q->sc[i].ranges[j].topic;
                part[n] = q->sc[i].ranges[j].partition;
                next[n] = q->sc[i].ranges[j].until;
            }
        rc = q->sq ? wr_sqsink_commit(q->sq, n, src, part, next, st)
                   : wr_fsink_commit(q->fsk, n, src, part, next, st);
        if (rc == WEIR_OK)
            q->sink_last = b;
    }
    q->open_txn = false;
    free(src);
    free(part);
    free(next);
    return rc;
}

/* Whether the output of the batch just planned is already in Kafka: a
 * transactional sink committed it with offsets at or past every range's
 * end (the consumer group's offsets when the run started). */
static bool in_kafka(const rquery *q)
{
    for (int i = 0; i < q->p->nscan; i++)
        for (int j = 0; q->sc[i].ks && j < q->sc[i].nranges; j++) {
            const wr_krange *r = &q->sc[i].ranges[j];
            if (r->until > r->from &&
                wr_ksource_committed(q->sc[i].ks, r->topic, r->partition) <
                    r->until)
                return false;
        }
    return true;
}

/* Commits the Kafka sink's transaction with the batch's source offsets
 * (for the consumer group of the query's first Kafka source). */
static weir_rc commit_ktxn(rquery *q, weir_status *st)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
    const wr_ksource *ks = NULL;
    for (int i = 0; i < q->p->nscan; i++)
        for (int j = 0; q->sc[i].ks && j < q->sc[i].nranges; j++) {
            const wr_krange *r = &q->sc[i].ranges[j];
            ks = ks ? ks : q->sc[i].ks;
            rd_kafka_topic_partition_list_add(l, r->topic, r->partition)
                ->offset = r->until;
        }
    rd_kafka_consumer_group_metadata_t *g =
        ks ? wr_ksource_group_metadata(ks) : NULL;
    weir_rc rc = wr_ksink_commit(q->sink, g ? l : NULL, g, st);
    if (g)
        rd_kafka_consumer_group_metadata_destroy(g);
    rd_kafka_topic_partition_list_destroy(l);
    q->ktxn = false;
    return rc;
}

/* Abandons the batch of q after rc: the exactly-once sink's transaction
 * is rolled back (the batch is recomputed after a restart). */
static weir_rc abandon(rquery *q, weir_rc rc)
{
    if (q->ktxn) {
        wr_ksink_abort(q->sink);
        q->ktxn = false;
    }
    if (q->open_txn) {
        if (q->sq)
            wr_sqsink_rollback(q->sq);
        else
            wr_fsink_rollback(q->fsk);
        q->open_txn = false;
    }
    return rc;
}

/* Opens batch b of q's transactional or exactly-once sink, unless its
 * output is dropped or the batch reads nothing. */
static weir_rc open_output(rquery *q, int64_t b, weir_status *st)
{
    weir_rc rc;
    if (q->suppress || !q->batch_has_input)
        return WEIR_OK;
    if (q->sink && wr_ksink_transactional(q->sink)) {
        if ((rc = wr_ksink_begin(q->sink, st)) != WEIR_OK)
            return rc;
        q->ktxn = true;
    }
    if (q->sq || q->fsk) {
        rc = q->sq ? wr_sqsink_begin(q->sq, b, st)
                   : wr_fsink_begin(q->fsk, b, st);
        if (rc != WEIR_OK)
            return rc;
        q->open_txn = true;
    }
    return WEIR_OK;
}

/* Between a line source batch's two positions in its checkpoint slice. */
#define AFTER_SEP "\nafter\n"

/* Reads the next batch of line source i of q. Under a checkpoint the
 * source keeps the position it read from and, once it has read, appends
 * the position it reached (s->pos: "BEFORE\nafter\nAFTER", the batch's
 * slice); a replayed batch reads again exactly what lies between the two
 * (nothing when the batch has no slice for it). */
static weir_rc read_lines(runner *rn, rquery *q, int i, const wr_ckslice *fix,
                          int nfix, bool replay, weir_status *st)
{
    rscan *s = &q->sc[i];
    weir_rc rc;
    if (replay) {
        const wr_ckslice *x = NULL;
        for (int j = 0; j < nfix; j++)
            if (fix[j].source == i)
                x = &fix[j];
        if (!x)
            return WEIR_OK; /* it read nothing in this batch */
        const char *sep = strstr(x->topic, AFTER_SEP);
        char *before = sep ? strndup(x->topic, (size_t)(sep - x->topic)) : NULL;
        if (!before)
            return sep ? weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                         "out of memory")
                       : weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                                         "%s: a damaged checkpoint slice",
                                         q->p->scans[i].topic);
        rc = wr_lsource_replay(s->fs, before, sep + strlen(AFTER_SEP), &s->recs,
                               &s->n, st);
        free(before);
        if (rc != WEIR_OK)
            return rc;
        s->eof = wr_lsource_at_end(s->fs);
        q->batch_has_input = true; /* it was recorded: it read */
        s->read = true;
        return WEIR_OK;
    }
    if (rn->ck) {
        wr_buf_reset(&s->pos);
        wr_lsource_position(s->fs, &s->pos);
    }
    rc = wr_lsource_next(s->fs,
                         rn->o->batch_bytes ? rn->o->batch_bytes : 64u << 20,
                         &s->recs, &s->n, st);
    if (rc != WEIR_OK)
        return rc;
    s->eof = wr_lsource_at_end(s->fs);
    if (s->n > 0 || s->eof) {
        q->batch_has_input = true;
        s->read = true;
    }
    if (rn->ck && s->read) {
        wr_buf_puts(&s->pos, AFTER_SEP);
        wr_lsource_position(s->fs, &s->pos);
        if (s->pos.oom)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
    }
    return WEIR_OK;
}

/* The metrics line of a batch of q (batch id b, in records read, ms of
 * processing, sched ms of scheduling delay): one JSON object, flushed. */
static void put_metrics(FILE *f, const rquery *q, int64_t b, int64_t in,
                        int64_t ms, int64_t sched)
{
    const wr_qstats *qs = wr_qrun_stats(q->r);
    wr_buf id = WR_BUF_INIT;
    wr_datum d = {.null = false};
    d.u.str = (wr_str){q->p->id, (int32_t)strlen(q->p->id)};
    wr_json_put_datum(&id, wr_type_prim(WR_T_STRING), &d);
    fprintf(f,
            "{\"time\":%" PRId64 ",\"query\":%s,\"batch\":%" PRId64
            ",\"checkpoint_batch\":%" PRId64 ",\"records_in\":%" PRId64
            ",\"input_rate\":%.1f,\"processing_ms\":%" PRId64
            ",\"scheduling_delay_ms\":%" PRId64 ",\"records_out\":%" PRId64
            ",\"skipped\":%" PRId64 ",\"late\":%" PRId64
            ",\"expression_errors\":%" PRId64 ",\"snapshot_batch\":%" PRId64
            "}\n",
            wr_shell_epoch_ms(), wr_buf_str(&id), q->batches, b, in,
            ms > 0 ? (double)in * 1000.0 / (double)ms : 0.0, ms, sched,
            qs->records_out, qs->decode_errors, qs->late, qs->eval_errors,
            q->snap_batch);
    fflush(f);
    wr_buf_fini(&id);
}

/* Takes a snapshot of q's state after its last complete batch, which
 * compacts the checkpoint (wr_ckpt_snapshot). */
static weir_rc snapshot(runner *rn, rquery *q, weir_status *st)
{
    wr_buf b = WR_BUF_INIT;
    int64_t batch = q->next_batch - 1;
    weir_rc rc = wr_qrun_save(q->r, &b, st);
    if (rc == WEIR_OK)
        rc = wr_ckpt_snapshot(rn->ck, q->p->id, batch, b.s, b.len, st);
    wr_buf_fini(&b);
    if (rc == WEIR_OK) {
        q->snap_batch = batch;
        q->snap_at = wr_shell_mono_ms();
    }
    return rc;
}

/* One batch of query q at batch time btime: planned as usual, or, when
 * replay, the recorded batch fix[0..nfix) (done: it completed before),
 * whose output is dropped when it is already out (the exactly-once sink
 * committed it, or it completed). */
static weir_rc run_batch(runner *rn, rquery *q, int64_t btime, int64_t sched,
                         const wr_ckslice *fix, int nfix, bool replay,
                         bool done, weir_status *st)
{
    const wr_qplan *p = q->p;
    int64_t t0 = wr_shell_mono_ms();
    int64_t in = 0;
    int64_t b = q->next_batch;
    bool any_file = false, files_done = true;
    weir_rc rc = plan_sources(rn, q, b, btime, fix, nfix, replay, st);
    if (rc != WEIR_OK)
        return rc;
    q->suppress =
        replay && (q->sq || q->fsk ? b <= q->sink_last
                   : q->sink && wr_ksink_transactional(q->sink) ? in_kafka(q)
                                                                : done);
    bool by_part = p->nscan == 1 && q->sc[0].ks;
    if (by_part && (rc = open_output(q, b, st)) != WEIR_OK)
        return rc;
    /* One Kafka source: feed the query a few partitions at a time, in
     * partition order, so that it works on them while librdkafka fetches
     * the next ones (and their messages are freed as soon as done). On
     * one thread a chunk is one partition; with more, whole partitions
     * adding up to CHUNK_RECORDS or more, cut over the threads (Spark's
     * location strategies, plan_chunks). */
    enum { CHUNK_RECORDS = 32768 };
    wr_qrun_begin(q->r); /* one batch, however many calls feed it */
    for (int i = 0; i < p->nscan && by_part; i++) {
        rscan *s = &q->sc[i];
        const wr_krange *r = s->ranges;
        int nr = s->nranges;
        int64_t total = 0;
        for (int k = 0, j; rc == WEIR_OK && k < nr; k = j) {
            int64_t want = 0;
            for (j = k; j < nr && (j == k || (rn->o->threads > 1 &&
                                              want < CHUNK_RECORDS));
                 j++)
                want += r[j].until - r[j].from;
            rc = wr_ksource_fetch_parts(s->ks, k, j, &s->recs, &s->n, st);
            if (rc == WEIR_OK && s->n) {
                plan_chunks(rn, q, s);
                rc = wr_qrun_batch(q->r, 0, s->recs, s->n, st);
            }
            total += s->n;
        }
        if (rc != WEIR_OK)
            return abandon(q, rc);
        s->n = (int)total; /* for the rate controller */
        s->recs = NULL;
        in += total;
    }
    for (int i = 0; i < p->nscan && !by_part; i++) {
        rscan *s = &q->sc[i];
        s->n = 0;
        s->recs = NULL;
        if (s->fs) {
            any_file = true;
            if (!s->eof) {
                rc = read_lines(rn, q, i, fix, nfix, replay, st);
                const char *say = wr_lsource_notice(s->fs);
                if (say) /* a rotation, a reconnect */
                    fprintf(stderr, "weir: %s: %s\n", p->id, say);
                if (rc != WEIR_OK)
                    return abandon(q, rc);
            }
            files_done = files_done && s->eof;
        } else {
            rc = wr_ksource_fetch(s->ks, &s->recs, &s->n, st);
            if (rc != WEIR_OK)
                return abandon(q, rc);
        }
        in += s->n;
    }
    /* Sources read line by line are recorded once read, before the
     * query sees their records. */
    if (!by_part && rn->ck && !replay && q->batch_has_input &&
        (rc = record_plan(rn, q, b, btime, st)) != WEIR_OK)
        return rc;
    if (!by_part && (rc = open_output(q, b, st)) != WEIR_OK)
        return rc;
    rc = by_part ? WEIR_OK : feed(q, st);
    if (rc == WEIR_OK)
        rc = wr_qrun_end(q->r, st);
    if (rc == WEIR_OK && rn->o->interval > 0)
        rc = wr_qrun_tick(q->r, btime, st);
    if (rc == WEIR_OK && any_file && files_done && p->nscan == 1) {
        /* A file read once is bounded: close every window. */
        rc = wr_qrun_finish(q->r, st);
        q->done = true;
    }
    if (rc == WEIR_OK && q->ktxn) {
        rc = commit_ktxn(q, st);
    } else if (rc == WEIR_OK && q->sink) {
        rc =
            q->async ? wr_ksink_poll(q->sink, st) : wr_ksink_flush(q->sink, st);
    }
    if (rc == WEIR_OK && q->dlq)
        rc = wr_ksink_flush(q->dlq, st);
    if (rc == WEIR_OK && q->dlqf && fflush(q->dlqf) != 0)
        rc = weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                             "cannot write the dead-letter file: %s",
                             strerror(errno));
    if (rc == WEIR_OK && q->dlq_rc != WEIR_OK)
        rc = weir_status_set(st, q->dlq_rc, WEIR_NOLOC, "%s", q->dlq_err);
    /* error.policy 'stop': the batch is not committed, a restart after
     * the fix reads it again. */
    if (rc == WEIR_OK && q->stop)
        rc = weir_status_set(st, WEIR_E_DATA, WEIR_NOLOC, "%s", q->stop_err);
    if (rc != WEIR_OK)
        return abandon(q, rc);
    /* Results and offsets together (exactly once), then the checkpoint's
     * record that the batch is complete. */
    if (q->open_txn && (rc = commit_sink(q, b, st)) != WEIR_OK)
        return rc;
    if (rn->ck && !(replay && done) && q->batch_has_input &&
        (rc = wr_ckpt_done(rn->ck, p->id, b, st)) != WEIR_OK)
        return rc;
    if (q->batch_has_input)
        q->next_batch = b + 1;
    q->suppress = false;
    if (rn->ck && !replay && q->batch_has_input &&
        wr_shell_mono_ms() - q->snap_at >= rn->o->snapshot_ms &&
        (rc = snapshot(rn, q, st)) != WEIR_OK)
        return rc;
    if (q->out.file)
        fflush(q->out.file);
    else
        fflush(stdout);
    for (int i = 0; i < p->nscan; i++)
        if (q->sc[i].ks && (rc = wr_ksource_done(q->sc[i].ks, st)) != WEIR_OK)
            return rc;
    q->batches++;
    /* The rate controllers learn from the batch (Spark's
     * onBatchCompleted: end time, records, processing time, delay). */
    int64_t end = wr_shell_epoch_ms(), proc = wr_shell_mono_ms() - t0;
    for (int i = 0; i < p->nscan; i++)
        if (q->sc[i].ks && q->sc[i].rate.backpressure)
            wr_pid_compute(&q->sc[i].pid, end, q->sc[i].n, proc, sched, NULL);
    if (replay) {
        q->replayed++;
    } else if (in > 0 && rn->o->on_batch) {
        rn->o->on_batch(rn->o->batch_ctx, p->id, in, wr_shell_mono_ms() - t0,
                        sched, wr_qrun_stats(q->r));
    } else if (in > 0) {
        const wr_qstats *qs = wr_qrun_stats(q->r);
        int64_t ms = wr_shell_mono_ms() - t0;
        if (rn->metrics)
            put_metrics(rn->metrics, q, b, in, ms, sched);
        fprintf(stderr,
                "weir: %s batch %" PRId64 ": %" PRId64 " records in "
                "(%.0f/s), processing %" PRId64 " ms, scheduling delay "
                "%" PRId64 " ms; total %" PRId64 " out, %" PRId64
                " skipped, %" PRId64 " late\n",
                p->id, q->batches, in, ms > 0 ? (double)in * 1000.0 / ms : 0.0,
                ms, sched, qs->records_out, qs->decode_errors, qs->late);
    }
    return WEIR_OK;
}

static bool caught_up(const rquery *q)
{
    for (int i = 0; i < q->p->nscan; i++) {
        if (q->sc[i].ks && !wr_ksource_at_end(q->sc[i].ks))
            return false;
        if (q->sc[i].fs && !wr_lsource_caught_up(q->sc[i].fs))
            return false;
    }
    return true;
}

/* ---- sample generators (--datagen) ------------------------------------
 */

typedef struct gen {
    char topic[256];
    char quickstart[64];
    int64_t count, rate; /* 0: unbounded / at once */
    wr_ksink *sink;
    wr_datagen *g;
    int64_t made;
    pthread_t thread;
    bool started;
    weir_rc rc;
    char err[400];
} gen;

/* Produces up to `upto` records of g (flushing every 1000 and at the
 * end), paced at g->rate per second when set, until stop is requested. */
static void gen_run(gen *g, int64_t upto)
{
    wr_buf k = WR_BUF_INIT, v = WR_BUF_INIT;
    weir_status st;
    int64_t t0 = wr_shell_mono_ms();
    while (g->rc == WEIR_OK && (upto == 0 || g->made < upto) &&
           !stop_requested) {
        int64_t ts;
        if (!wr_datagen_next(g->g, &k, &v, &ts)) {
            g->rc = WEIR_E_NOMEM;
            snprintf(g->err, sizeof g->err, "out of memory");
            break;
        }
        if (wr_ksink_put_raw(g->sink, k.s, k.len, v.s, v.len, ts, NULL, 0,
                             &st) != WEIR_OK ||
            ((++g->made % 1000 == 0) && wr_ksink_flush(g->sink, &st))) {
            g->rc = st.code;
            snprintf(g->err, sizeof g->err, "%s", st.msg);
            break;
        }
        if (g->rate > 0) { /* pace: record i at t0 + i / rate */
            int64_t due = t0 + g->made * 1000 / g->rate - wr_shell_mono_ms();
            if (due > 0) {
                struct timespec ts2 = {due / 1000, (due % 1000) * 1000000};
                nanosleep(&ts2, NULL);
            }
        }
    }
    if (g->rc == WEIR_OK && wr_ksink_flush(g->sink, &st) != WEIR_OK) {
        g->rc = st.code;
        snprintf(g->err, sizeof g->err, "%s", st.msg);
    }
    wr_buf_fini(&k);
    wr_buf_fini(&v);
}

static void *gen_thread(void *arg)
{
    gen *g = arg;
    gen_run(g, g->count);
    return NULL;
}

/* Parses "TOPIC=QUICKSTART[:COUNT[:RATE]]" and opens its producer. */
static weir_rc gen_open(runner *rn, const char *spec, gen *g, weir_status *st)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof g->topic)
        return weir_status_set(st, WEIR_E_USAGE, WEIR_NOLOC,
                               "--datagen '%s': expected "
                               "TOPIC=QUICKSTART[:COUNT[:RATE]]",
                               spec);
    memcpy(g->topic, spec, (size_t)(eq - spec));
    g->topic[eq - spec] = '\0';
    long long c = 0, r = 0;
    if (sscanf(eq + 1, "%63[^:]:%lld:%lld", g->quickstart, &c, &r) < 1 ||
        c < 0 || r < 0)
        return weir_status_set(st, WEIR_E_USAGE, WEIR_NOLOC,
                               "--datagen '%s': expected "
                               "TOPIC=QUICKSTART[:COUNT[:RATE]]",
                               spec);
    g->count = c;
    g->rate = r;
    g->g =
        wr_datagen_new(g->quickstart, WR_FMT_JSON, 1, wr_shell_epoch_ms(), st);
    if (!g->g)
        return st->code;
    weir_rc rc = ensure_topic(rn, g->topic, NULL, st);
    rd_kafka_conf_t *conf =
        rc == WEIR_OK ? wr_kafka_conf(rn->cat, true, st) : NULL;
    if (!conf)
        return st->code;
    g->sink = wr_ksink_open(conf, g->topic, st);
    if (g->sink)
        wr_ksink_set_interrupt(g->sink, run_flag(rn->o));
    return g->sink ? WEIR_OK : st->code;
}

/* Makes flag (borrowed for the run) interrupt the Kafka waits of the
 * sources, sinks and dead-letter sinks of queries qs[0..n). */
static void set_interrupts(rquery *qs, int n, volatile int *flag)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; qs[i].sc && j < qs[i].p->nscan; j++)
            if (qs[i].sc[j].ks)
                wr_ksource_set_interrupt(qs[i].sc[j].ks, flag);
        if (qs[i].sink)
            wr_ksink_set_interrupt(qs[i].sink, flag);
        if (qs[i].dlq)
            wr_ksink_set_interrupt(qs[i].dlq, flag);
    }
}

/* Replays one recorded batch of a query (wr_ckpt_batches callback). */
typedef struct replay_ctx {
    runner *rn;
    rquery *q;
    int64_t redone; /* incomplete batches recomputed */
} replay_ctx;

static weir_rc replay_one(void *ctx, int64_t b, int64_t btime, bool done,
                          const wr_ckslice *sl, int n, weir_status *st)
{
    replay_ctx *x = ctx;
    if (stopping(x->rn->o))
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "interrupted");
    x->q->next_batch = b;
    x->redone += !done;
    weir_rc rc = run_batch(x->rn, x->q, btime, 0, sl, n, true, done, st);
    x->q->torn = x->q->torn || rc != WEIR_OK;
    return rc;
}

/* Puts the sources of a query at the positions of its snapshot (batch b;
 * wr_ckpt_snapshot_get callback): a Kafka source plans an empty batch
 * there, a line source resumes after its last slice. */
static weir_rc seek_one(void *ctx, int64_t b, int64_t btime, bool done,
                        const wr_ckslice *sl, int n, weir_status *st)
{
    rquery *q = ctx;
    (void)b;
    (void)btime;
    (void)done;
    weir_rc rc = WEIR_OK;
    for (int i = 0; rc == WEIR_OK && i < q->p->nscan; i++) {
        rscan *s = &q->sc[i];
        wr_krange *at = calloc((size_t)n + 1, sizeof *at);
        int na = 0;
        if (!at)
            return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                   "out of memory");
        for (int j = 0; j < n; j++) {
            if (sl[j].source != i)
                continue;
            if (s->ks) {
                at[na++] = (wr_krange){sl[j].topic, sl[j].partition,
                                       sl[j].until, sl[j].until, sl[j].until};
            } else if (s->fs) {
                const char *after = strstr(sl[j].topic, AFTER_SEP);
                rc = after ? wr_lsource_restore(s->fs,
                                                after + strlen(AFTER_SEP), st)
                           : weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                                             "%s: a damaged checkpoint "
                                             "position",
                                             q->p->scans[i].topic);
            }
        }
        if (rc == WEIR_OK && s->ks && na)
            rc = wr_ksource_plan_fixed(s->ks, at, na, &s->ranges, &s->nranges,
                                       st);
        s->ranges = NULL;
        s->nranges = 0;
        free(at);
    }
    return rc;
}

/* Loads q's state snapshot, if its checkpoint has one, and puts its
 * sources where the snapshot's batch left them. */
static weir_rc restore_snapshot(runner *rn, rquery *q, weir_status *st)
{
    int64_t batch;
    void *state;
    size_t n;
    weir_rc rc = wr_ckpt_snapshot_get(rn->ck, q->p->id, &batch, &state, &n,
                                      seek_one, q, st);
    if (rc != WEIR_OK || !batch)
        return rc;
    rc = wr_qrun_load(q->r, state, n, st);
    free(state);
    q->next_batch = batch + 1;
    q->snap_batch = batch;
    q->snap_at = wr_shell_mono_ms();
    return rc;
}

/* Opens the checkpoint of the run, registers query q in it (refusing a
 * changed one unless reset), and gives the recorded batch clock's zero
 * in *zero (unchanged when nothing is recorded). */
static weir_rc ckpt_query(runner *rn, rquery *q, const char *def, int64_t *zero,
                          weir_status *st)
{
    for (int i = 0; i < q->p->nscan; i++) {
        const char *kind = q->sc[i].fs ? wr_lsource_kind(q->sc[i].fs) : NULL;
        if (kind && strcmp(kind, "file") != 0 && strcmp(kind, "follow") != 0 &&
            strcmp(kind, "directory") != 0)
            return weir_status_set(st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                                   "checkpoints replay Kafka topics, files "
                                   "and directories; %s reads %s (%s), "
                                   "which cannot be read twice",
                                   q->p->id, kind, q->p->scans[i].topic);
        q->sc[i].pos = (wr_buf)WR_BUF_INIT;
    }
    weir_rc rc = wr_ckpt_query(rn->ck, q->p->id, def ? def : q->p->id,
                               rn->o->reset_checkpoint, st);
    int64_t first = 0;
    if (rc == WEIR_OK)
        rc = wr_ckpt_first_btime(rn->ck, q->p->id, &first, st);
    if (rc == WEIR_OK && first > 0 && rn->o->interval > 0)
        *zero = first - rn->o->interval;
    return rc;
}

int wr_run_stream(weir_engine *e, wr_qplan *const *plans, int n,
                  const wr_runopts *o)
{
    runner rn = {e, wr_engine_catalog(e), o, NULL, NULL};
    rquery *qs = calloc((size_t)n, sizeof *qs);
    if (!qs)
        return 1;
    weir_status st;
    int rc = 0;
    int64_t btime = o->interval > 0
                        ? (wr_shell_epoch_ms() / o->interval + 1) * o->interval
                        : 0;
    if (o->metrics && !(rn.metrics = fopen(o->metrics, "a"))) {
        fprintf(stderr, "weir run: metrics file %s: %s\n", o->metrics,
                strerror(errno));
        free(qs);
        return 1;
    }
    if (o->checkpoint) {
        bool busy;
        rn.ck = wr_ckpt_open(o->checkpoint, &busy, &st);
        if (!rn.ck) {
            fprintf(stderr, "weir run: %s\n", st.msg);
            free(qs);
            return busy ? WR_EXIT_RUNNING : 1;
        }
    }
    /* The embedded broker's topics die with the process: a checkpoint
     * would replay offsets of records that no longer exist. */
    for (int i = 0; i < n && rn.ck && embedded(rn.cat); i++)
        for (int j = 0; j < plans[i]->nscan && rc == 0; j++)
            if (!plans[i]->scans[j].file && !plans[i]->scans[j].socket &&
                !plans[i]->scans[j].zmq) {
                fprintf(stderr,
                        "weir run: %s: --checkpoint needs a Kafka cluster "
                        "that outlives the run: the embedded broker's "
                        "records are gone when weir exits (start `weir "
                        "broker` and SET 'kafka.bootstrap.servers')\n",
                        plans[i]->id);
                rc = 1;
            }
    for (int i = 0; i < n && rc == 0; i++) {
        qs[i].p = plans[i];
        int64_t zero = btime - o->interval;
        if (open_query(&rn, &qs[i], &st) != WEIR_OK ||
            (rn.ck &&
             ckpt_query(&rn, &qs[i], o->definitions ? o->definitions[i] : NULL,
                        &zero, &st) != WEIR_OK) ||
            ((o->interval > 0 || plans[i]->proc) &&
             wr_qrun_clock(qs[i].r, zero, o->interval, o->idle, &st) !=
                 WEIR_OK)) {
            fprintf(stderr, "weir run: %s: %s\n", plans[i]->id, st.msg);
            rc = 1;
        }
    }
    bool kafka = false; /* no broker for line sources to file sinks */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < plans[i]->nscan; j++)
            kafka = kafka || !qs[i].sc || !qs[i].sc[j].fs;
    for (int i = 0; i < n; i++)
        kafka = kafka || qs[i].sink || qs[i].dlq;
    if (rc == 0 && kafka && embedded(rn.cat)) {
        wr_kbroker *b = wr_kbroker_embedded(&st);
        if (b)
            fprintf(stderr,
                    "weir: using the embedded Kafka broker at %s (SET "
                    "'kafka.bootstrap.servers' to use another)\n",
                    wr_kbroker_bootstrap(b));
    }
    if (!o->stop) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        stop_requested = 0;
    }
    /* The Kafka clients' waits give up on this run's own flag only. */
    set_interrupts(qs, n, run_flag(o));
    gen *gens = o->ndatagen ? calloc((size_t)o->ndatagen, sizeof *gens) : NULL;
    for (int i = 0; rc == 0 && i < o->ndatagen; i++) {
        gen *g = &gens[i];
        if (gen_open(&rn, o->datagen[i], g, &st) != WEIR_OK) {
            fprintf(stderr, "weir run: %s\n", st.msg);
            rc = 1;
        } else if (g->count > 0 && g->rate == 0) {
            gen_run(g, g->count); /* all of it before the first batch */
            fprintf(stderr, "weir: datagen: %lld %s records to %s\n",
                    (long long)g->made, g->quickstart, g->topic);
        } else {
            g->started = pthread_create(&g->thread, NULL, gen_thread, g) == 0;
        }
    }
    /* Recovery: every recorded batch again, from the same slices; the
     * state is rebuilt, the output already out is not repeated, and a
     * planned-but-incomplete batch is recomputed. */
    for (int i = 0; rc == 0 && rn.ck && i < n; i++) {
        replay_ctx x = {&rn, &qs[i], 0};
        qs[i].snap_at = wr_shell_mono_ms();
        if (restore_snapshot(&rn, &qs[i], &st) != WEIR_OK ||
            wr_ckpt_batches(rn.ck, qs[i].p->id, replay_one, &x, &st) !=
                WEIR_OK) {
            if (stopping(o))
                break;
            fprintf(stderr, "weir run: %s: recovering from checkpoint %s: %s\n",
                    qs[i].p->id, o->checkpoint, st.msg);
            rc = 1;
        } else if (qs[i].replayed || qs[i].snap_batch) {
            fprintf(stderr,
                    "weir: %s: recovered from checkpoint %s: state of batch "
                    "%" PRId64 " loaded, %" PRId64 " batches replayed, "
                    "%" PRId64 " of them recomputed\n",
                    qs[i].p->id, o->checkpoint, qs[i].snap_batch,
                    qs[i].replayed, x.redone);
        }
    }
    int64_t next = wr_shell_mono_ms();
    while (rc == 0 && !stopping(o)) {
        int64_t sched = 0;
        if (o->interval > 0) {
            int64_t wait = next - wr_shell_mono_ms();
            if (wait > 0) {
                struct timespec ts = {wait / 1000, (wait % 1000) * 1000000};
                nanosleep(&ts, NULL);
                if (stopping(o))
                    break;
            } else {
                sched = -wait;
            }
            next += o->interval;
        }
        bool running = false, all_caught_up = true;
        int64_t before = 0, after = 0;
        for (int i = 0; i < n && rc == 0; i++) {
            rquery *q = &qs[i];
            if (q->done)
                continue;
            before += wr_qrun_stats(q->r)->records_in;
            if (run_batch(&rn, q, btime, sched, NULL, 0, false, false, &st) !=
                WEIR_OK) {
                q->torn = true;
                if (stopping(o)) /* stopped while reading: uncommitted */
                    break;
                fprintf(stderr, "weir run: %s: %s\n", q->p->id, st.msg);
                rc = 1;
                break;
            }
            after += wr_qrun_stats(q->r)->records_in;
            if (wr_qrun_done(q->r)) /* a push query's LIMIT */
                q->done = true;
            running = running || !q->done;
            all_caught_up = all_caught_up && caught_up(q);
        }
        btime += o->interval;
        if (!running || (o->until_caught_up && all_caught_up))
            break;
        if (o->interval <= 0 && after == before) {
            /* Back to back and nothing came: do not spin. */
            struct timespec ts = {0, 50 * 1000000};
            nanosleep(&ts, NULL);
        }
    }
    /* A last snapshot, so that the next run starts from it (a cron run
     * replays nothing). Not after a batch that failed half-way. */
    for (int i = 0; rn.ck && i < n; i++)
        if (qs[i].r && !qs[i].torn && qs[i].next_batch - 1 > qs[i].snap_batch &&
            snapshot(&rn, &qs[i], &st) != WEIR_OK) {
            fprintf(stderr, "weir run: %s: %s\n", qs[i].p->id, st.msg);
            rc = 1;
        }
    if (!o->stop)
        stop_requested = 1; /* the generators stop too */
    for (int i = 0; i < o->ndatagen; i++) {
        if (gens[i].started)
            pthread_join(gens[i].thread, NULL);
        if (gens[i].rc != WEIR_OK) {
            fprintf(stderr, "weir run: datagen %s: %s\n", gens[i].topic,
                    gens[i].err);
            rc = 1;
        }
        wr_ksink_close(gens[i].sink);
        wr_datagen_free(gens[i].g);
    }
    free(gens);
    for (int i = 0; i < n; i++) {
        if (qs[i].r) {
            const wr_qstats *s = wr_qrun_stats(qs[i].r);
            if (s->decode_errors || s->late || s->eval_errors)
                fprintf(stderr,
                        "weir run: %s: %" PRId64 " records skipped (bad "
                        "input), %" PRId64 " late, %" PRId64
                        " expression errors%s%s\n",
                        qs[i].p->id, s->decode_errors, s->late, s->eval_errors,
                        s->last_error[0] ? "; last: " : "", s->last_error);
        }
        close_query(&qs[i]);
    }
    free(qs);
    wr_ckpt_close(rn.ck);
    if (rn.metrics)
        fclose(rn.metrics);
    fflush(stdout);
    return rc;
}
