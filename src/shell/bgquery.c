/*
 * bgquery.c: persistent queries started from the interactive shell,
 * each running wr_run_stream (run_stream.c) in a thread of its own.
 *
 * Isolation: the shell's engine keeps changing (CREATE, DROP, SET) while
 * a query runs, and a plan borrows its catalog. So a background query
 * gets an engine of its own, rebuilt from the statements the shell
 * logged (sh->log: every statement that shaped the catalog, in order,
 * the query's own statement last). A UNION ALL statement is logged once
 * per branch the shell ran, and replayed branch by branch from one copy
 * of its text, as the shell's engine ran it (replay), so that the query
 * of its branch k is the INSERT INTO of that branch, after the CREATE
 * of branch 0. The thread owns that engine, the statement and the plan;
 * the shell thread only sets `stop` and reads the statistics under
 * `mu`.
 *
 * Stopping: wr_runopts.stop points at the query's own flag, so the loop
 * neither installs signal handlers nor reacts to the shell's ^C; its
 * Kafka sources and sinks watch that flag too (not the foreground push
 * query's, kafka.h). TERMINATE sets the flag and joins the thread; the
 * loop finishes its batch first, unless the batch is stuck waiting for
 * Kafka (brokers away), which then gives up, leaving it uncommitted.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/kafka.h"
#include "planner/plan.h"
#include "planner/props.h"
#include "shell/repl_int.h"

struct wr_bgq {
    char id[300];       /* the shell's query id */
    weir_engine *e;     /* the query's own engine (owned) */
    char *text;         /* logged statements + the query (owned) */
    weir_stmt *s;       /* the query's statement (owned; the plan borrows) */
    wr_qplan *p;        /* its plan (owned) */
    wr_runopts o;       /* loop options; o.stop = &stop */
    volatile int stop;  /* set by TERMINATE */
    pthread_t thread;   /* runs wr_run_stream */
    pthread_mutex_t mu; /* guards what follows */
    bool finished;      /* the loop returned */
    int rc;             /* its status */
    int64_t batches;    /* batches that read records */
    int64_t last_in;    /* records of the last such batch */
    int64_t last_ms;    /* its processing time */
    int64_t last_sched; /* its scheduling delay */
    wr_qstats qs;       /* the query's counters after it */
};

/* The batch callback of the loop (runs on the query's thread). */
static void on_batch(void *ctx, const char *id, int64_t in, int64_t ms,
                     int64_t sched, const wr_qstats *qs)
{
    (void)id;
    wr_bgq *q = ctx;
    pthread_mutex_lock(&q->mu);
    q->batches++;
    q->last_in = in;
    q->last_ms = ms;
    q->last_sched = sched;
    q->qs = *qs;
    pthread_mutex_unlock(&q->mu);
}

static void *run_thread(void *arg)
{
    wr_bgq *q = arg;
    int rc = wr_run_stream(q->e, &q->p, 1, &q->o);
    pthread_mutex_lock(&q->mu);
    q->finished = true;
    q->rc = rc;
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

static void bgq_free(wr_bgq *q)
{
    wr_plan_free(q->p);
    weir_stmt_free(q->s);
    weir_engine_free(q->e);
    free(q->text);
    pthread_mutex_destroy(&q->mu);
    free(q);
}

static int64_t prop_ms(weir_engine *e, const char *key)
{
    const char *v = wr_catalog_get_prop(wr_engine_catalog(e), key);
    int64_t ms = v ? wr_props_duration_ms(v) : 0;
    return ms > 0 ? ms : 0;
}

/* Whether log entry l continues the UNION ALL statement of entry prev:
 * the next branches the shell ran of the same text. */
static bool same_stmt(const wr_logged *prev, const wr_logged *l)
{
    return l->branch > prev->branch && !strcmp(l->sql, prev->sql);
}

/* Builds q's engine from sh->log and prepares the query, the last logged
 * entry, into q->s. The text of each statement is written once into
 * q->text (off[i]: where entry i's statement starts), so that the
 * branches of a UNION ALL statement are prepared in turn from one
 * offset, as the shell prepared them: the engine returns branch k + 1
 * of a text prepared again at the offset of its branch k. Branches the
 * shell did not run (their query failed to start) are prepared but not
 * applied. Returns false with st set. */
static bool replay(wr_bgq *q, const wr_logged *log, int n, weir_status *st)
{
    size_t *off = malloc(sizeof *off * (size_t)(n ? n : 1));
    wr_buf b = WR_BUF_INIT;
    for (int i = 0; off && i < n; i++) {
        if (i && same_stmt(&log[i - 1], &log[i])) {
            off[i] = off[i - 1];
            continue;
        }
        off[i] = b.len;
        wr_buf_puts(&b, log[i].sql);
        wr_buf_puts(&b, ";\n");
    }
    size_t len = b.len;
    q->text = wr_buf_take(&b);
    if (!off || !q->text) {
        free(off);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return false;
    }
    q->e = weir_engine_new(st);
    if (!q->e) {
        free(off);
        return false;
    }
    int next = 0; /* the branch the engine returns next at off[i] */
    weir_status_clear(st);
    for (int i = 0; i < n; i++) {
        if (!i || off[i] != off[i - 1])
            next = 0;
        weir_status_clear(st); /* only the query's own errors count */
        weir_stmt *s = NULL;
        while (next <= log[i].branch) {
            size_t pos = off[i];
            if (weir_engine_prepare(q->e, q->text, len, &pos, &s, st) !=
                    WEIR_OK ||
                !s || wr_stmt_ast(s)->union_k != next) {
                /* A statement that no longer holds: skip the rest of
                 * it. */
                weir_stmt_free(s);
                s = NULL;
                next = INT_MAX;
                break;
            }
            if (next++ == log[i].branch)
                break;
            weir_stmt_free(s); /* a branch the shell did not run */
            s = NULL;
        }
        if (i + 1 == n) {
            q->s = s;
        } else if (s) {
            weir_stmt_apply(s, st);
            weir_stmt_free(s);
        }
    }
    free(off);
    if (!q->s && st->code == WEIR_OK)
        weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC, "no query");
    return q->s != NULL;
}

bool wr_bgq_start(wr_shell *sh, const char *id, weir_status *st)
{
    wr_bgq *q = calloc(1, sizeof *q);
    wr_bgq **nb = realloc(sh->bg, sizeof *nb * (size_t)(sh->nbg + 1));
    if (!q || !nb) {
        free(q);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return false;
    }
    sh->bg = nb;
    pthread_mutex_init(&q->mu, NULL);
    snprintf(q->id, sizeof q->id, "%s", id);
    if (!replay(q, sh->log, sh->nlog, st)) {
        bgq_free(q);
        return false;
    }
    const wr_bound *bd = wr_stmt_bound(q->s);
    wr_catalog *cat = wr_engine_catalog(q->e);
    const wr_source *sink = bd->create      ? bd->create
                            : bd->sink_name ? wr_catalog_get(cat, bd->sink_name)
                                            : NULL;
    q->p = wr_plan_lower(cat, bd->query, sink, q->id, st);
    if (!q->p) {
        bgq_free(q);
        return false;
    }
    /* Start the process's embedded broker here, not in two threads. */
    const char *bs = wr_catalog_get_prop(cat, "kafka.bootstrap.servers");
    if ((!bs || !strcasecmp(bs, "embedded")) && !wr_kbroker_embedded(st)) {
        bgq_free(q);
        return false;
    }
    const char *th = wr_catalog_get_prop(cat, "threads");
    q->o.threads = th && atoi(th) >= 1 && atoi(th) <= 256 ? atoi(th) : 1;
    q->o.interval = prop_ms(q->e, "batch.interval");
    q->o.idle = prop_ms(q->e, "idle.timeout");
    q->o.stop = &q->stop;
    q->o.on_batch = on_batch;
    q->o.batch_ctx = q;
    if (pthread_create(&q->thread, NULL, run_thread, q) != 0) {
        weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                        "cannot start a thread");
        bgq_free(q);
        return false;
    }
    sh->bg[sh->nbg++] = q;
    return true;
}

static wr_bgq *find(wr_shell *sh, const char *id)
{
    for (int i = 0; i < sh->nbg; i++)
        if (!strcasecmp(sh->bg[i]->id, id))
            return sh->bg[i];
    return NULL;
}

const char *wr_bgq_state(wr_shell *sh, const char *id, char *buf, size_t n)
{
    wr_bgq *q = find(sh, id);
    if (!q)
        return NULL;
    pthread_mutex_lock(&q->mu);
    snprintf(buf, n, "%s",
             !q->finished ? "RUNNING"
             : q->rc      ? "ERROR (see the messages above)"
                          : "DONE");
    pthread_mutex_unlock(&q->mu);
    return buf;
}

void wr_bgq_stats(wr_shell *sh, const char *id, wr_buf *out)
{
    wr_bgq *q = find(sh, id);
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    wr_buf_printf(out, "batches\t%lld\n", (long long)q->batches);
    wr_buf_printf(out, "input rate\t%.0f/s\n",
                  q->last_ms > 0 ? (double)q->last_in * 1000.0 / q->last_ms
                                 : (double)q->last_in);
    wr_buf_printf(out, "processing time\t%lld ms\n", (long long)q->last_ms);
    wr_buf_printf(out, "scheduling delay\t%lld ms\n", (long long)q->last_sched);
    wr_buf_printf(out, "records in\t%lld\n", (long long)q->qs.records_in);
    wr_buf_printf(out, "records out\t%lld\n", (long long)q->qs.records_out);
    wr_buf_printf(out, "dropped (bad input)\t%lld\n",
                  (long long)q->qs.decode_errors);
    wr_buf_printf(out, "late\t%lld\n", (long long)q->qs.late);
    pthread_mutex_unlock(&q->mu);
}

bool wr_bgq_explain(wr_shell *sh, const char *id, wr_buf *out)
{
    wr_bgq *q = find(sh, id);
    if (!q)
        return false;
    wr_buf_puts(out, "DAG:\n");
    wr_plan_print_dag(out, q->p, false); /* the plan is read-only */
    return true;
}

void wr_bgq_stop(wr_shell *sh, const char *id)
{
    for (int i = 0; i < sh->nbg;) {
        wr_bgq *q = sh->bg[i];
        if (id && strcasecmp(q->id, id)) {
            i++;
            continue;
        }
        q->stop = 1;
        pthread_join(q->thread, NULL);
        bgq_free(q);
        sh->bg[i] = sh->bg[--sh->nbg];
    }
}

void wr_bgq_free_all(wr_shell *sh)
{
    wr_bgq_stop(sh, NULL);
    free(sh->bg);
    sh->bg = NULL;
}
