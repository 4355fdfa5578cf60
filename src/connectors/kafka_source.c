/*
 * kafka_source.c: the direct Kafka source (kafka.h): offset ranges planned
 * by the driver, fetched exactly.
 *
 * Planning asks the brokers for every partition's high watermark (one
 * ListOffsets round per plan, rd_kafka_offsets_for_times with "latest")
 * and cuts [next, min(high, next + limit)). Fetching reads the consumer
 * queue (librdkafka keeps fetching every assigned partition in the
 * background, bounded by its queue limits), routing each message to its
 * partition, until the partition being read has its range complete: its
 * last offset was seen, its end was reported at or past `until`
 * (compacted gaps, transaction markers), or a message at or past `until`
 * arrived. Messages of other partitions, and those past a range, wait in
 * their partition's held list, in order. Nothing is read twice and nothing
 * is skipped: a partition's next batch starts exactly where its last one
 * ended.
 *
 * Memory: the source owns the consumer, the messages of the current batch
 * (records borrow their key and value bytes until the next plan or
 * partition), the held messages, and the range and record arrays.
 */
#include "connectors/kafka.h"

#include <regex.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>

#include "common/arena.h"

#define TIMEOUT_MS 10000 /* one broker round; retried while waiting */

typedef struct kpart {
    char *topic;
    int32_t partition;
    int64_t next; /* where the next batch starts */
    int64_t from; /* the current plan */
    int64_t until;
    int64_t high;
    int64_t eof; /* the partition's end as last reported, -1: none */
    int64_t end; /* cron mode: read up to here, -1: not set yet */
    rd_kafka_message_t **held; /* read past `until`: the next batch's, */
    int nheld, cheld;          /* in offset order */
    int64_t last;              /* the last offset received, -1: none */
    int64_t committed;         /* the group's offset when found, -1: none */
    bool complete;
    bool paused; /* outside the fetch window (fetch_window) */
} kpart;

struct wr_ksource {
    rd_kafka_t *rk;
    char *topic; /* topic or pattern */
    bool pattern;
    regex_t re;     /* compiled pattern */
    int32_t *parts; /* Assign: the partitions, or NULL */
    int nparts;
    bool latest;          /* start at the end when nothing is committed */
    bool planned_once;    /* partitions found later start at their beginning */
    bool stop_at_end;     /* cron mode (wr_ksource_stop_at_end) */
    bool incomplete;      /* the last metadata left something unknown */
    rd_kafka_queue_t *cq; /* the consumer queue every partition feeds */
    int64_t max_pp;       /* default per-partition cap, 0: none */
    kpart *p;
    int np, cap;
    bool reassign; /* the partition set changed: assign again */
    wr_krange *ranges;
    rd_kafka_message_t **msgs; /* this batch's messages */
    int nmsg, cmsg;
    wr_record *recs;
    int crec;
    int64_t seq;        /* records handed out so far */
    volatile int *intr; /* the owning query's interrupt flag, or NULL */
};

/* Whether the query that owns s asked its Kafka waits to give up. */
static bool interrupted(const wr_ksource *s)
{
    return s->intr && *s->intr;
}

static char *dupstr(const char *s)
{
    char *d = wr_malloc(strlen(s) + 1);
    if (d)
        strcpy(d, s);
    return d;
}

static weir_rc nomem(weir_status *st)
{
    return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

wr_ksource *wr_ksource_open(rd_kafka_conf_t *conf, const wr_ksource_opts *o,
                            weir_status *st)
{
    char err[512];
    const char *group = o->group ? o->group : "weir";
    static const char *const kv[][2] = {{"enable.auto.commit", "false"},
                                        {"enable.auto.offset.store", "false"},
                                        {"enable.partition.eof", "true"}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        rd_kafka_conf_set(conf, kv[i][0], kv[i][1], err, sizeof err);
    if (rd_kafka_conf_set(conf, "group.id", group, err, sizeof err) !=
        RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC, "group.id: %s", err);
        return NULL;
    }
    wr_ksource *s = wr_malloc(sizeof *s);
    if (!s) {
        rd_kafka_conf_destroy(conf);
        nomem(st);
        return NULL;
    }
    memset(s, 0, sizeof *s);
    s->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!s->rk) {
        wr_free(s);
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                        "cannot create a Kafka consumer: %s", err);
        return NULL;
    }
    /* No rd_kafka_poll_set_consumer: partitions are read from their own
     * queues, and rd_kafka_poll serves the error and log callbacks. */
    s->topic = dupstr(o->topic);
    s->pattern = o->pattern;
    s->latest = o->latest;
    s->max_pp = o->max_per_partition;
    if (!s->topic) {
        wr_ksource_close(s);
        nomem(st);
        return NULL;
    }
    if (s->pattern) {
        int rc = regcomp(&s->re, s->topic, REG_EXTENDED | REG_NOSUB);
        if (rc) {
            regerror(rc, &s->re, err, sizeof err);
            s->pattern = false; /* nothing to free */
            wr_ksource_close(s);
            weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                            "topic pattern '%s': %s", o->topic, err);
            return NULL;
        }
        /* regexec matches anywhere: anchor as Java's matches() does. */
        regfree(&s->re);
        size_t n = strlen(o->topic);
        char *anch = wr_malloc(n + 7);
        if (!anch) {
            s->pattern = false;
            wr_ksource_close(s);
            nomem(st);
            return NULL;
        }
        snprintf(anch, n + 7, "^(%s)$", o->topic);
        regcomp(&s->re, anch, REG_EXTENDED | REG_NOSUB);
        wr_free(anch);
    }
    if (o->nparts) {
        s->parts = wr_malloc(sizeof(int32_t) * (size_t)o->nparts);
        if (!s->parts) {
            wr_ksource_close(s);
            nomem(st);
            return NULL;
        }
        memcpy(s->parts, o->parts, sizeof(int32_t) * (size_t)o->nparts);
        s->nparts = o->nparts;
    }
    return s;
}

static void release_batch(wr_ksource *s)
{
    for (int i = 0; i < s->nmsg; i++)
        rd_kafka_message_destroy(s->msgs[i]);
    s->nmsg = 0;
}

void wr_ksource_set_interrupt(wr_ksource *s, volatile int *flag)
{
    s->intr = flag;
}

void wr_ksource_close(wr_ksource *s)
{
    if (!s)
        return;
    release_batch(s);
    for (int i = 0; i < s->np; i++) {
        for (int h = 0; h < s->p[i].nheld; h++)
            rd_kafka_message_destroy(s->p[i].held[h]);
        wr_free(s->p[i].held);
        wr_free(s->p[i].topic);
    }
    if (s->cq)
        rd_kafka_queue_destroy(s->cq);
    if (s->rk) {
        rd_kafka_assign(s->rk, NULL);
        rd_kafka_consumer_close(s->rk);
        rd_kafka_destroy(s->rk);
    }
    if (s->pattern)
        regfree(&s->re);
    wr_free(s->p);
    wr_free(s->parts);
    wr_free(s->topic);
    wr_free(s->ranges);
    wr_free(s->msgs);
    wr_free(s->recs);
    wr_free(s);
}

static kpart *find_part(wr_ksource *s, const char *topic, int32_t partition)
{
    for (int i = 0; i < s->np; i++)
        if (s->p[i].partition == partition && !strcmp(s->p[i].topic, topic))
            return &s->p[i];
    return NULL;
}

static bool wanted(const wr_ksource *s, const char *topic, int32_t partition)
{
    if (s->pattern ? regexec(&s->re, topic, 0, NULL, 0) != 0
                   : strcmp(topic, s->topic) != 0)
        return false;
    if (!s->nparts)
        return true;
    for (int i = 0; i < s->nparts; i++)
        if (s->parts[i] == partition)
            return true;
    return false;
}

static int cmp_part(const void *a, const void *b)
{
    const kpart *x = a, *y = b;
    int c = strcmp(x->topic, y->topic);
    return c ? c
             : (x->partition > y->partition) - (x->partition < y->partition);
}

/* Adds the partitions of the wanted topics that are new since the last
 * plan, with their starting offsets: the group's committed offset, else
 * the beginning (or the end with `latest`, for partitions known at the
 * first plan). */
static weir_rc discover(wr_ksource *s, weir_status *st)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_topic_t *rkt = NULL;
    if (!s->pattern)
        rkt = rd_kafka_topic_new(s->rk, s->topic, NULL);
    rd_kafka_resp_err_t e;
    /* Until the brokers answer: an outage is waited out (and reported),
     * unless the run is being stopped. */
    char fatal[512];
    for (int tries = 0;; tries++) {
        /* Short rounds, so that a stop or a fatal error is seen soon. */
        e = rd_kafka_metadata(s->rk, s->pattern, rkt, &md, 2000);
        rd_kafka_poll(s->rk, 0); /* errors: authentication, fatal */
        if (!e || s->np || interrupted(s) ||
            wr_kafka_fatal(fatal, sizeof fatal))
            break;
        if (tries % 5 != 4)
            continue;
        fprintf(stderr,
                "weir: Kafka: metadata for '%s': %s (retry %d; waiting for "
                "the brokers)\n",
                s->topic, rd_kafka_err2str(e), tries + 1);
    }
    if (rkt)
        rd_kafka_topic_destroy(rkt);
    if (e) {
        if (wr_kafka_fatal(fatal, sizeof fatal))
            return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s", fatal);
        if (s->np) /* keep the partitions we know; try again next batch */
            return WEIR_OK;
        return weir_status_set(
            st, WEIR_E_IO, WEIR_NOLOC, "Kafka metadata for '%s': %s", s->topic,
            interrupted(s) ? "interrupted" : rd_kafka_err2str(e));
    }
    rd_kafka_topic_partition_list_t *fresh =
        rd_kafka_topic_partition_list_new(8);
    /* A topic or partition the metadata reports with a transient error
     * (no leader yet, ...) is looked at again at the next plan; until then
     * the source is not at its end (cron mode). */
    s->incomplete = false;
    for (int t = 0; t < md->topic_cnt; t++) {
        const struct rd_kafka_metadata_topic *mt = &md->topics[t];
        if (mt->err) {
            if (mt->err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
                s->incomplete = true;
            continue;
        }
        for (int i = 0; i < mt->partition_cnt; i++) {
            int32_t pid = mt->partitions[i].id;
            if (!wanted(s, mt->topic, pid) || find_part(s, mt->topic, pid))
                continue;
            if (mt->partitions[i].err || mt->partitions[i].leader < 0) {
                s->incomplete = true;
                continue;
            }
            rd_kafka_topic_partition_list_add(fresh, mt->topic, pid);
        }
    }
    rd_kafka_metadata_destroy(md);
    if (fresh->cnt == 0) {
        rd_kafka_topic_partition_list_destroy(fresh);
        return WEIR_OK;
    }
    /* Committed offsets of the group, where there are some. */
    e = rd_kafka_committed(s->rk, fresh, TIMEOUT_MS);
    weir_rc rc = WEIR_OK;
    for (int i = 0; i < fresh->cnt && rc == WEIR_OK; i++) {
        rd_kafka_topic_partition_t *tp = &fresh->elems[i];
        int64_t lo = 0, hi = 0;
        rd_kafka_resp_err_t we = rd_kafka_query_watermark_offsets(
            s->rk, tp->topic, tp->partition, &lo, &hi, TIMEOUT_MS);
        if (we) { /* not reachable now: found again at the next plan */
            fprintf(stderr,
                    "weir: Kafka: offsets of %s[%d]: %s (retrying next "
                    "batch)\n",
                    tp->topic, (int)tp->partition, rd_kafka_err2str(we));
            s->incomplete = true;
            continue;
        }
        int64_t start = !e && tp->offset >= 0           ? tp->offset
                        : s->latest && !s->planned_once ? hi
                                                        : lo;
        if (start < lo)
            start = lo; /* deleted by retention: the earliest left */
        if (s->np == s->cap) {
            int nc = s->cap ? s->cap * 2 : 16;
            kpart *np = wr_realloc(s->p, sizeof(kpart) * (size_t)nc);
            if (!np) {
                rc = nomem(st);
                break;
            }
            s->p = np;
            s->cap = nc;
        }
        kpart *k = &s->p[s->np];
        memset(k, 0, sizeof *k);
        k->topic = dupstr(tp->topic);
        if (!k->topic) {
            rc = nomem(st);
            break;
        }
        k->partition = tp->partition;
        k->next = start;
        k->committed = !e && tp->offset >= 0 ? tp->offset : -1;
        k->eof = -1;
        /* Cron mode: this partition's end, from the same (per-partition,
         * authoritative) watermark query as its start. */
        k->end = s->stop_at_end ? hi : -1;
        if (getenv("WEIR_KAFKA_DEBUG"))
            fprintf(stderr,
                    "weir: Kafka: %s[%d] found: committed %lld (%s), low "
                    "%lld, high %lld, start %lld, end %lld\n",
                    tp->topic, (int)tp->partition, (long long)tp->offset,
                    e ? rd_kafka_err2str(e) : "ok", (long long)lo,
                    (long long)hi, (long long)start, (long long)k->end);
        s->np++;
        s->reassign = true;
    }
    rd_kafka_topic_partition_list_destroy(fresh);
    qsort(s->p, (size_t)s->np, sizeof(kpart), cmp_part);
    return rc;
}

/* High watermarks of every partition, in one ListOffsets round. */
static weir_rc high_marks(wr_ksource *s, weir_status *st)
{
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new(s->np ? s->np : 1);
    for (int i = 0; i < s->np; i++)
        rd_kafka_topic_partition_list_add(l, s->p[i].topic, s->p[i].partition)
            ->offset = RD_KAFKA_OFFSET_END;
    rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(s->rk, l, TIMEOUT_MS);
    weir_rc rc = WEIR_OK;
    for (int i = 0; i < s->np && rc == WEIR_OK; i++) {
        kpart *k = &s->p[i];
        const rd_kafka_topic_partition_t *tp = &l->elems[i];
        int64_t lo, hi = tp->offset;
        if (e || tp->err || hi < 0) {
            rd_kafka_resp_err_t we = rd_kafka_query_watermark_offsets(
                s->rk, k->topic, k->partition, &lo, &hi, TIMEOUT_MS);
            if (we) {
                /* Unreachable partition: an empty range this batch. */
                fprintf(stderr,
                        "weir: Kafka: high watermark of %s[%d]: %s "
                        "(retrying next batch)\n",
                        k->topic, (int)k->partition, rd_kafka_err2str(we));
                hi = k->next;
            }
        }
        k->high = hi;
    }
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

/* Assigns every partition at its next offset, with its own queue; held
 * messages are dropped (they will be fetched again). */
static weir_rc assign(wr_ksource *s, weir_status *st)
{
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new(s->np ? s->np : 1);
    for (int i = 0; i < s->np; i++) {
        kpart *k = &s->p[i];
        rd_kafka_topic_partition_list_add(l, k->topic, k->partition)->offset =
            k->next;
        for (int h = 0; h < k->nheld; h++)
            rd_kafka_message_destroy(k->held[h]);
        k->nheld = 0;
        k->eof = -1;
        k->last = k->next - 1;
        k->paused = false; /* a new assignment fetches every partition */
    }
    rd_kafka_resp_err_t e = rd_kafka_assign(s->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "Kafka assign: %s",
                               rd_kafka_err2str(e));
    /* Every partition's messages come through the consumer queue, routed
     * here by partition (per-partition queues cannot be taken over
     * without a race: the fetcher forwards to the consumer queue when it
     * starts, after assign returns). */
    if (!s->cq && !(s->cq = rd_kafka_queue_get_consumer(s->rk)))
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                               "Kafka: no consumer queue");
    s->reassign = false;
    return WEIR_OK;
}

weir_rc wr_ksource_plan(wr_ksource *s, wr_klimit_fn limit_fn, void *ctx,
                        const wr_krange **ranges, int *n, weir_status *st)
{
    release_batch(s);
    if (getenv("WEIR_KAFKA_DEBUG")) {
        int64_t held = 0, paused = 0;
        for (int i = 0; i < s->np; i++) {
            held += s->p[i].nheld;
            paused += s->p[i].paused;
        }
        fprintf(stderr,
                "weir: Kafka: plan: %lld messages held for later batches, "
                "%lld of %d partitions paused\n",
                (long long)held, (long long)paused, s->np);
    }
    weir_rc rc = discover(s, st);
    if (rc == WEIR_OK)
        rc = high_marks(s, st);
    if (rc != WEIR_OK)
        return rc;
    s->planned_once = true;
    wr_krange *r =
        wr_realloc(s->ranges, sizeof(wr_krange) * (size_t)(s->np ? s->np : 1));
    if (!r)
        return nomem(st);
    s->ranges = r;
    int64_t *lim = NULL;
    if (limit_fn && s->np) {
        lim = wr_malloc(sizeof(int64_t) * 3 * (size_t)s->np);
        if (!lim)
            return nomem(st);
        for (int i = 0; i < s->np; i++) {
            lim[s->np + i] = s->p[i].next;
            lim[2 * s->np + i] = s->p[i].high;
            lim[i] = -1;
        }
        limit_fn(ctx, s->np, lim + s->np, lim + 2 * s->np, lim);
    }
    for (int i = 0; i < s->np; i++) {
        kpart *k = &s->p[i];
        int64_t cap = lim ? lim[i] : s->max_pp > 0 ? s->max_pp : -1;

        k->from = k->next;
        k->until = k->high > k->from ? k->high : k->from;
        if (k->end >= 0 && k->until > k->end)
            k->until = k->end > k->from ? k->end : k->from;
        if (cap >= 0 && k->until - k->from > cap)
            k->until = k->from + cap;
        k->complete = k->until <= k->from;
        r[i] = (wr_krange){k->topic, k->partition, k->from, k->until, k->high};
    }
    wr_free(lim);
    *ranges = r;
    *n = s->np;
    return WEIR_OK;
}

static bool keep_msg(wr_ksource *s, rd_kafka_message_t *m)
{
    if (s->nmsg == s->cmsg) {
        int nc = s->cmsg ? s->cmsg * 2 : 1024;
        rd_kafka_message_t **n =
            wr_realloc(s->msgs, sizeof(void *) * (size_t)nc);
        if (!n)
            return false;
        s->msgs = n;
        s->cmsg = nc;
    }
    s->msgs[s->nmsg++] = m;
    return true;
}

/* Keeps m in k's held list (for when k is read: this batch or the
 * next), in arrival order. */
static weir_rc hold(kpart *k, rd_kafka_message_t *m, weir_status *st)
{
    if (k->nheld == k->cheld) {
        int nc = k->cheld ? k->cheld * 2 : 16;
        rd_kafka_message_t **h =
            wr_realloc(k->held, sizeof(void *) * (size_t)nc);
        if (!h) {
            rd_kafka_message_destroy(m);
            return nomem(st);
        }
        k->held = h;
        k->cheld = nc;
    }
    k->held[k->nheld++] = m;
    return WEIR_OK;
}

/* Takes one message of partition k: into the batch, held for the next
 * batch, or dropped (before the range: already processed). */
static weir_rc take(wr_ksource *s, kpart *k, rd_kafka_message_t *m,
                    weir_status *st)
{
    if (m->offset < k->from) {
        rd_kafka_message_destroy(m);
        return WEIR_OK;
    }
    if (m->offset >= k->until) {
        k->complete = true;
        return hold(k, m, st);
    }
    if (!keep_msg(s, m)) {
        rd_kafka_message_destroy(m);
        return nomem(st);
    }
    if (m->offset >= k->until - 1)
        k->complete = true;
    return WEIR_OK;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

weir_rc wr_ksource_plan_fixed(wr_ksource *s, const wr_krange *want, int nwant,
                              const wr_krange **ranges, int *n, weir_status *st)
{
    release_batch(s);
    /* The partitions are asked for only when one listed is not known yet
     * (replaying many small batches stays quick). */
    bool known = s->planned_once;
    for (int i = 0; known && i < nwant; i++)
        known = find_part(s, want[i].topic, want[i].partition) != NULL;
    weir_rc rc = known ? WEIR_OK : discover(s, st);
    if (rc != WEIR_OK)
        return rc;
    wr_krange *r =
        wr_realloc(s->ranges, sizeof(wr_krange) * (size_t)(s->np ? s->np : 1));
    if (!r)
        return nomem(st);
    s->ranges = r;
    for (int i = 0; i < nwant; i++)
        if (!find_part(s, want[i].topic, want[i].partition))
            return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                                   "%s[%d] of a recorded batch is no longer "
                                   "in the cluster",
                                   want[i].topic, (int)want[i].partition);
    for (int i = 0; i < s->np; i++) {
        kpart *k = &s->p[i];
        k->from = k->until = k->next;
        for (int j = 0; j < nwant; j++) {
            if (want[j].partition != k->partition ||
                strcmp(want[j].topic, k->topic) != 0)
                continue;
            if (k->next != want[j].from) { /* read from there: seek */
                k->next = want[j].from;
                s->reassign = true;
            }
            k->from = want[j].from;
            k->until = want[j].until;
        }
        if (k->high < k->until)
            k->high = k->until;
        k->complete = k->until <= k->from;
        r[i] = (wr_krange){k->topic, k->partition, k->from, k->until, k->high};
    }
    s->planned_once = true;
    *ranges = r;
    *n = s->np;
    return WEIR_OK;
}

/* Records the fetch window may hold beyond the partition being read. */
#define WINDOW_RECORDS 100000
/* Messages a partition may hold for later batches beyond two batches'
 * worth (fetch_window). */
#define HELD_MIN 4096

/* How many messages partition k may hold for later batches. */
static int64_t held_room(const kpart *k)
{
    int64_t room = 2 * (k->until - k->from);
    return room < HELD_MIN ? HELD_MIN : room;
}

/* Pauses partition k now (its held list is full). */
static void pause_one(wr_ksource *s, kpart *k)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, k->topic, k->partition);
    rd_kafka_pause_partitions(s->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    k->paused = true;
}

/* Moves the fetch window to partition i: librdkafka fetches only the
 * partitions from i on whose planned ranges add up to about
 * WINDOW_RECORDS (at least i and the next one with records to read);
 * the others are paused. So the partitions of a large batch arrive about
 * in the order they are read, the query works on one while the next ones
 * are fetched, and what is held stays bounded, also for partitions
 * already complete (which a backlog would otherwise keep filling while
 * the batch is read). A paused partition resumes at the message after
 * the last one taken from the queue (librdkafka drops what it had queued
 * for it); the `last` check in fill drops anything fetched twice. */
static void fetch_window(wr_ksource *s, int i)
{
    rd_kafka_topic_partition_list_t *pause = NULL, *resume = NULL;
    int64_t budget = WINDOW_RECORDS, total = 0;
    int wanted = 0; /* partitions in the window that have records to read */
    /* A batch that fits in the window fetches every partition: a resumed
     * partition's first fetch can wait for librdkafka's next round (up to
     * a second), which small batches should not pay for. */
    for (int j = 0; j < s->np; j++)
        total += s->p[j].complete ? 0 : s->p[j].until - s->p[j].from;
    bool all = total <= WINDOW_RECORDS;
    for (int j = 0; j < s->np; j++) {
        kpart *k = &s->p[j];
        int64_t want = k->complete ? 0 : k->until - k->from - k->nheld;
        bool in = all || (j >= i && want > 0 && (wanted < 2 || budget > 0));
        /* What a partition holds for later batches stays bounded: about
         * two batches' worth (a backlog read at a capped rate would
         * otherwise end up in memory, whole). */
        if (in && want <= 0 && k->nheld >= held_room(k))
            in = false;
        if (in) {
            budget -= want;
            wanted++;
        }
        if (in == !k->paused)
            continue;
        rd_kafka_topic_partition_list_t **l = in ? &resume : &pause;
        if (!*l)
            *l = rd_kafka_topic_partition_list_new(s->np);
        rd_kafka_topic_partition_list_add(*l, k->topic, k->partition);
        k->paused = !in;
    }
    if (pause) {
        rd_kafka_pause_partitions(s->rk, pause);
        rd_kafka_topic_partition_list_destroy(pause);
    }
    if (resume) {
        rd_kafka_resume_partitions(s->rk, resume);
        rd_kafka_topic_partition_list_destroy(resume);
    }
}

/* Reads partition k until its range is complete. */
static weir_rc fill(wr_ksource *s, kpart *k, weir_status *st)
{
    if (k->nheld) { /* what the last batch read past its range first */
        int nh = k->nheld;
        rd_kafka_message_t *first[64], **was = first;
        if (nh > 64 && !(was = wr_malloc(sizeof(void *) * (size_t)nh)))
            return nomem(st);
        memcpy(was, k->held, sizeof(void *) * (size_t)nh);
        k->nheld = 0;
        weir_rc rc = WEIR_OK;
        for (int h = 0; h < nh; h++) {
            if (rc == WEIR_OK)
                rc = take(s, k, was[h], st);
            else
                rd_kafka_message_destroy(was[h]);
        }
        if (was != first)
            wr_free(was);
        if (rc != WEIR_OK)
            return rc;
    }
    if (k->eof >= k->until)
        k->complete = true;
    fetch_window(s, (int)(k - s->p));
    int64_t t0 = mono_ms(), said = t0;
    while (!k->complete) {
        char fatal[512];
        if (interrupted(s))
            return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                                   "interrupted while fetching %s[%d]",
                                   k->topic, (int)k->partition);
        if (wr_kafka_fatal(fatal, sizeof fatal))
            return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s", fatal);
        /* Many messages per call: one call per message costs a clock
         * read and a lock each. */
        rd_kafka_message_t *ms[512];
        /* What is there now (a batch call with a timeout waits for a full
         * array), else wait for the next one. */
        ssize_t got = rd_kafka_consume_batch_queue(s->cq, 0, ms, 512);
        if (got <= 0 && (ms[0] = rd_kafka_consume_queue(s->cq, 200)))
            got = 1;
        if (got <= 0) {
            rd_kafka_poll(s->rk, 0); /* errors while waiting */
            int64_t now = mono_ms();
            if (now - said >= 5000) {
                fprintf(stderr,
                        "weir: Kafka: waiting %llds for %s[%d] offsets "
                        "%lld..%lld (broker unreachable?)\n",
                        (long long)((now - t0) / 1000), k->topic,
                        (int)k->partition, (long long)k->from,
                        (long long)k->until);
                said = now;
            }
            continue;
        }
        weir_rc rc = WEIR_OK;
        for (ssize_t i = 0; i < got; i++) {
            rd_kafka_message_t *m = ms[i];
            /* The message's partition: k, or one read later (its messages
             * wait in its held list, in order). */
            kpart *kp = k;
            if (m->rkt && (m->partition != k->partition ||
                           strcmp(rd_kafka_topic_name(m->rkt), k->topic)))
                kp = find_part(s, rd_kafka_topic_name(m->rkt), m->partition);
            if (rc != WEIR_OK || !kp || (!m->err && m->offset <= kp->last)) {
                rd_kafka_message_destroy(m); /* or fetched again */
            } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                if (m->offset > kp->eof)
                    kp->eof = m->offset;
                rd_kafka_message_destroy(m);
                if (kp == k && k->eof >= k->until)
                    k->complete = true;
            } else if (!m->err && kp != k) {
                kp->last = m->offset;
                rc = hold(kp, m, st);
                if (!kp->paused && kp->nheld >= held_room(kp))
                    pause_one(s, kp); /* enough for later batches */
            } else if (m->err) {
                /* Transient errors are retried by librdkafka. */
                fprintf(stderr, "weir: Kafka: %s[%d]: %s\n", k->topic,
                        (int)k->partition, rd_kafka_message_errstr(m));
                rd_kafka_message_destroy(m);
            } else {
                k->last = m->offset;
                rc = take(s, k, m, st);
            }
        }
        if (rc != WEIR_OK)
            return rc;
    }
    return WEIR_OK;
}

/* Turns the messages held (s->msgs) into records; k: their partition
 * when they are all of one (else looked up per message). */
static weir_rc make_records(wr_ksource *s, kpart *k, const wr_record **recs,
                            int *n, weir_status *st)
{
    if (s->nmsg > s->crec) {
        wr_record *r = wr_realloc(s->recs, sizeof(wr_record) * (size_t)s->nmsg);
        if (!r)
            return nomem(st);
        s->recs = r;
        s->crec = s->nmsg;
    }
    for (int i = 0; i < s->nmsg; i++) {
        const rd_kafka_message_t *m = s->msgs[i];
        if (!k || k->partition != m->partition ||
            strcmp(k->topic, rd_kafka_topic_name(m->rkt)) != 0)
            k = find_part(s, rd_kafka_topic_name(m->rkt), m->partition);
        wr_record *r = &s->recs[i];
        memset(r, 0, sizeof *r);
        r->key = m->key;
        r->klen = (int32_t)m->key_len;
        r->value = m->payload;
        r->vlen = (int32_t)m->len;
        r->ts = rd_kafka_message_timestamp(m, NULL);
        if (r->ts < 0)
            r->ts = 0;
        r->partition = m->partition;
        r->offset = m->offset;
        r->seq = s->seq++;
        r->topic = k ? k->topic : s->topic;
    }
    *recs = s->recs;
    *n = s->nmsg;
    return WEIR_OK;
}

weir_rc wr_ksource_fetch(wr_ksource *s, const wr_record **recs, int *n,
                         weir_status *st)
{
    *recs = NULL;
    *n = 0;
    if (s->reassign) {
        weir_rc rc = assign(s, st);
        if (rc != WEIR_OK)
            return rc;
    }
    for (int i = 0; i < s->np; i++) {
        weir_rc rc = fill(s, &s->p[i], st);
        if (rc != WEIR_OK)
            return rc;
    }
    /* Messages arrived partition by partition, each in offset order. */
    return make_records(s, s->np ? s->p : NULL, recs, n, st);
}

weir_rc wr_ksource_fetch_parts(wr_ksource *s, int i, int j,
                               const wr_record **recs, int *n, weir_status *st)
{
    *recs = NULL;
    *n = 0;
    release_batch(s); /* the previous partitions' records are done */
    if (s->reassign) {
        weir_rc rc = assign(s, st);
        if (rc != WEIR_OK)
            return rc;
    }
    if (i < 0)
        i = 0;
    if (j > s->np)
        j = s->np;
    for (int k = i; k < j; k++) {
        weir_rc rc = fill(s, &s->p[k], st);
        if (rc != WEIR_OK)
            return rc;
    }
    return i < j ? make_records(s, &s->p[i], recs, n, st) : WEIR_OK;
}

weir_rc wr_ksource_done(wr_ksource *s, weir_status *st)
{
    (void)st;
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new(s->np ? s->np : 1);
    for (int i = 0; i < s->np; i++) {
        kpart *k = &s->p[i];
        k->next = k->until;
        rd_kafka_topic_partition_list_add(l, k->topic, k->partition)->offset =
            k->until;
    }
    release_batch(s);
    /* Asynchronous: the lag tools see progress; recovery uses the
     * checkpoint, not these. */
    if (s->np)
        rd_kafka_commit(s->rk, l, 1);
    rd_kafka_topic_partition_list_destroy(l);
    return WEIR_OK;
}

int64_t wr_ksource_committed(const wr_ksource *s, const char *topic,
                             int32_t partition)
{
    kpart *k = find_part((wr_ksource *)s, topic, partition);
    return k ? k->committed : -1;
}

rd_kafka_consumer_group_metadata_t *
wr_ksource_group_metadata(const wr_ksource *s)
{
    return rd_kafka_consumer_group_metadata(s->rk);
}

int64_t wr_ksource_lag(const wr_ksource *s)
{
    int64_t lag = 0;
    for (int i = 0; i < s->np; i++)
        if (s->p[i].high > s->p[i].next)
            lag += s->p[i].high - s->p[i].next;
    return lag;
}

void wr_ksource_stop_at_end(wr_ksource *s)
{
    s->stop_at_end = true;
}

bool wr_ksource_at_end(const wr_ksource *s)
{
    if (s->incomplete)
        return false;
    for (int i = 0; i < s->np; i++)
        if (s->p[i].end < 0 || s->p[i].next < s->p[i].end)
            return false;
    return true;
}
