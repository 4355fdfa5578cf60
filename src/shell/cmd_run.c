/*
 * cmd_run.c: `weir run`, which runs a file of statements.
 *
 *   weir run [--threads K] [--batch-bytes N] [--batch-interval D] FILE.sql
 *
 * CREATE STREAM/TABLE statements define sources; every persistent query
 * (CREATE ... AS SELECT, INSERT INTO ... SELECT) and push query (SELECT
 * ... EMIT CHANGES) runs over its FILE= source, read once from the start
 * in micro-batches of at most --batch-bytes (default 64 MiB, cut at line
 * ends), one per --batch-interval (or SET 'batch.interval') when one is
 * given, else back to back. A sink with FILE= gets one encoded value per line;
 * push queries and sinks without a file print their rows to stdout as JSON
 * objects (key and value columns; a deleted row as {"KEY": ..., "_deleted":
 * true}). Records that cannot be decoded are skipped, counted and reported on
 * stderr with path:line.
 *
 * The other statements: INSERT INTO ... VALUES writes its record at once
 * (insert.c: to the target's Kafka topic, or a line of its FILE), so the
 * queries after it read it; EXPLAIN prints the explanation, as the shell
 * does, and runs nothing; RUN SCRIPT 'f.sql' runs f.sql's statements in
 * place (a relative path from the directory of the file that says RUN
 * SCRIPT; a script that would run itself, or scripts nested more than 16
 * deep, are errors).
 *
 * Exit status: 0 done, 1 a statement or query failed, 2 usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "connectors/file_source.h"
#include "engine/engine_int.h"
#include "parser/parse.h"
#include "planner/props.h"
#include "shell/diag.h"
#include "shell/insert.h"
#include "shell/shell.h"

weir_rc wr_run_print_row(void *ctx, const wr_qplan *p, const wr_out *o,
                         weir_status *st)
{
    wr_runout *ro = ctx;
    (void)st;
    if (ro->file) {
        if (o->value) {
            fwrite(o->value, 1, (size_t)o->vlen, ro->file);
            fputc('\n', ro->file);
        }
        return WEIR_OK;
    }
    wr_buf *b = &ro->line;
    wr_buf_reset(b);
    wr_buf_putc(b, '{');
    const wr_psink *s = &p->sink;
    int n = o->value ? s->ncols : s->nkeys;
    for (int i = 0; i < n; i++) {
        if (i)
            wr_buf_putc(b, ',');
        wr_datum d;
        wr_col_get(&o->cols[i], o->row, &d);
        wr_buf_putc(b, '"');
        wr_buf_puts(b, s->names[i]);
        wr_buf_puts(b, "\":");
        wr_json_put_datum(b, s->types[i], &d);
    }
    if (o->windowed)
        wr_buf_printf(b, "%s\"WINDOWSTART\":%" PRId64 ",\"WINDOWEND\":%" PRId64,
                      n ? "," : "", o->wstart, o->wend);
    if (!o->value)
        wr_buf_puts(b, ",\"_deleted\":true");
    wr_buf_puts(b, "}\n");
    fwrite(b->s, 1, b->len, stdout);
    return WEIR_OK;
}

int64_t wr_shell_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t wr_shell_epoch_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int wr_run_plan(const wr_qplan *p, int threads, size_t batch_bytes,
                int64_t interval, int64_t idle, wr_out_fn out, void *ctx,
                volatile int *stop)
{
    weir_status st;
    if (p->nscan != 1 || !p->scans[0].file) {
        fprintf(stderr,
                "weir run: %s: only FILE= sources can be run yet (source %s)\n",
                p->id, p->scans[0].name);
        return 1;
    }
    wr_runout ro = {NULL, WR_BUF_INIT};
    wr_file_source *fs = wr_file_source_open(p->scans[0].file, &st);
    if (!fs) {
        fprintf(stderr, "weir run: %s\n", st.msg);
        return 1;
    }
    if (p->sink.name && p->sink.topic && p->sink.file_sink) {
        ro.file = fopen(p->sink.topic, "w");
        if (!ro.file) {
            fprintf(stderr, "weir run: %s: %s\n", p->sink.topic,
                    strerror(errno));
            wr_file_source_close(fs);
            return 1;
        }
    }
    wr_qrun *r = wr_qrun_new(p, threads, out ? out : wr_run_print_row,
                             out ? ctx : &ro, &st);
    int rc = r ? 0 : 1;
    int64_t next = wr_shell_mono_ms();
    /* The batch clock, as Spark's: the first batch is at the next multiple
     * of the interval, the stream starts one interval before. */
    int64_t btime =
        interval > 0 ? (wr_shell_epoch_ms() / interval + 1) * interval : 0;
    if (r && (interval > 0 || p->proc) &&
        wr_qrun_clock(r, btime - interval, interval, idle, &st) != WEIR_OK) {
        fprintf(stderr, "weir run: %s: %s\n", p->id, st.msg);
        rc = 1;
        wr_qrun_free(r);
        r = NULL;
    }
    while (r && !wr_qrun_done(r) && !(stop && *stop)) {
        /* With a batch interval, batch k starts at start + k * interval
         * (Spark's batch clock); a batch that overruns starts the next one
         * at once. */
        if (interval > 0) {
            int64_t wait = next - wr_shell_mono_ms();
            if (wait > 0) {
                struct timespec ts = {wait / 1000, (wait % 1000) * 1000000};
                nanosleep(&ts, NULL);
            }
            next += interval;
        }
        const wr_record *recs;
        int n;
        if (wr_file_source_next(fs, batch_bytes, &recs, &n, &st) != WEIR_OK) {
            fprintf(stderr, "weir run: %s\n", st.msg);
            rc = 1;
            break;
        }
        if (n == 0) {
            /* A file read once is a bounded input: close every window. */
            if (wr_qrun_finish(r, &st) != WEIR_OK) {
                fprintf(stderr, "weir run: %s: %s\n", p->id, st.msg);
                rc = 1;
            }
            break;
        }
        if (wr_qrun_batch(r, 0, recs, n, &st) != WEIR_OK ||
            (interval > 0 && wr_qrun_tick(r, btime, &st) != WEIR_OK)) {
            fprintf(stderr, "weir run: %s: %s\n", p->id, st.msg);
            rc = 1;
            break;
        }
        btime += interval;
    }
    if (r) {
        const wr_qstats *qs = wr_qrun_stats(r);
        if (qs->decode_errors || qs->late || qs->eval_errors)
            fprintf(stderr,
                    "weir run: %s: %" PRId64 " records skipped (bad input), "
                    "%" PRId64 " late, %" PRId64 " expression errors%s%s\n",
                    p->id, qs->decode_errors, qs->late, qs->eval_errors,
                    qs->last_error[0] ? "; last: " : "", qs->last_error);
    }
    fflush(stdout);
    if (ro.file)
        fclose(ro.file);
    wr_buf_fini(&ro.line);
    wr_qrun_free(r);
    wr_file_source_close(fs);
    return rc;
}

/* Whether a query reads a Kafka topic (a source without FILE=), or writes
 * one (a sink without FILE= when the session names Kafka servers). */
bool wr_run_uses_kafka(const wr_catalog *cat, const wr_qplan *p)
{
    for (int i = 0; i < p->nscan; i++)
        if (!p->scans[i].file)
            return true;
    return p->sink.name && !p->sink.file_sink &&
           wr_catalog_get_prop(cat, "kafka.bootstrap.servers");
}

/* Whether a query reads an input that does not end by itself, or ends
 * only when its writer closes it (line_source.h): a followed file, a
 * directory, a socket, stdin or zmq. These run in the streaming loop. */
bool wr_run_unbounded(const wr_qplan *p)
{
    for (int i = 0; i < p->nscan; i++) {
        const wr_pscan *s = &p->scans[i];
        struct stat sb;
        size_t fl = s->file ? strlen(s->file) : 0;
        if (s->follow || s->socket || s->zmq ||
            (s->file &&
             (!strcmp(s->file, "-") || (fl && s->file[fl - 1] == '/') ||
              (stat(s->file, &sb) == 0 && S_ISDIR(sb.st_mode)))))
            return true;
    }
    return false;
}

/* Applies "KEY=VALUE" as SET 'KEY' = 'VALUE' (from where: -c or a file
 * line), reporting a refused property. */
static bool apply_set(weir_engine *e, const char *kv, const char *where)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) { /* not echoed: it may hold a secret */
        fprintf(stderr, "weir run: %s: not KEY=VALUE\n", where);
        return false;
    }
    char key[256];
    size_t kl = (size_t)(eq - kv);
    while (kl && (kv[kl - 1] == ' ' || kv[kl - 1] == '\t'))
        kl--;
    if (kl >= sizeof key) {
        fprintf(stderr, "weir run: %s: key too long\n", where);
        return false;
    }
    memcpy(key, kv, kl);
    key[kl] = '\0';
    const char *v = eq + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    weir_status st;
    if (!wr_props_session_known(key)) {
        fprintf(stderr,
                "weir run: %s: unknown property '%s' (librdkafka properties "
                "are kafka.<name>)\n",
                where, key);
        return false;
    }
    if (wr_catalog_set_prop(wr_engine_catalog(e), key, v, &st) != WEIR_OK) {
        fprintf(stderr, "weir run: %s: %s\n", where, st.msg);
        return false;
    }
    return true;
}

/* Reads a .properties file of KEY=VALUE lines into the session. Returns
 * 0, or non-zero after reporting. */
static int apply_config(weir_engine *e, const char *path)
{
    size_t len;
    char *text = wr_shell_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "weir run: --config %s: %s\n", path, strerror(errno));
        return 1;
    }
    int rc = 0, line = 0;
    for (char *p = text, *nl; rc == 0 && p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strlen(p);
        while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
            p[--n] = '\0';
        if (!*p || *p == '#' || *p == '!')
            continue;
        char where[300];
        snprintf(where, sizeof where, "%s:%d", path, line);
        rc = apply_set(e, p, where) ? 0 : 1;
    }
    free(text);
    return rc;
}

/* Scripts run by RUN SCRIPT nest this deep at most (as in the shell). */
enum { MAX_DEPTH = 16 };

/* The state of `weir run` over its file and the scripts that file runs. */
typedef struct runner {
    weir_engine *e;
    int threads;
    size_t batch_bytes;
    int64_t interval; /* --batch-interval (0: none given) */
    int nq;           /* queries so far: their ids */
    /* Queries that read Kafka or unbounded inputs: they run together
     * after the whole file. */
    wr_qplan **streaming;
    weir_stmt **sstmts; /* their statements (the plans borrow them) */
    char **defs;        /* each one's text (checkpoints) */
    int nstream;
    /* A UNION ALL statement comes back once per branch, its text known
     * whole with the last: the first of its branches still without it. */
    int union_first;
    char **texts; /* the texts of the scripts run (statements borrow
                     them until the end) */
    int ntexts;
    /* The files being run, outermost first (RUN SCRIPT refuses one of
     * them: a script that would run itself). */
    dev_t dev[MAX_DEPTH + 1];
    ino_t ino[MAX_DEPTH + 1];
    int depth;
} runner;

static int run_text(runner *rn, const char *file, const char *sql, size_t len);

/* RUN SCRIPT 'path' of statement s in file (whose text is sql[0..len),
 * for errors): runs the script's statements in place. A relative path is
 * taken from the directory of file, as the shell does for a script's
 * scripts. Borrows s, file and sql; the script's text goes to rn->texts
 * (freed at the end of the run). Returns 0, or 1 after reporting why. */
static int run_script(runner *rn, const char *file, const char *sql, size_t len,
                      const weir_stmt *s)
{
    const wr_stmt *ast = wr_stmt_ast(s);
    weir_status st;
    char *path = wr_shell_script_path(file, ast->str);
    if (!path) {
        weir_status_set(&st, WEIR_E_NOMEM, ast->loc, "out of memory");
        wr_diag_print(stderr, file, sql, len, &st);
        return 1;
    }
    size_t slen;
    char *text = NULL;
    struct stat sb;
    if (rn->depth >= MAX_DEPTH) {
        weir_status_set(&st, WEIR_E_USAGE, ast->str_loc,
                        "%s: scripts nested too deep (%d at most)", path,
                        MAX_DEPTH);
    } else if (stat(path, &sb) != 0 ||
               !(text = wr_shell_read_file(path, &slen))) {
        weir_status_set(&st, WEIR_E_IO, ast->str_loc, "cannot read %s: %s",
                        path, strerror(errno));
    } else {
        for (int i = 0; i <= rn->depth; i++)
            if (rn->dev[i] == sb.st_dev && rn->ino[i] == sb.st_ino) {
                weir_status_set(&st, WEIR_E_USAGE, ast->str_loc,
                                "%s: the script is already running (a "
                                "script cannot run itself, directly or "
                                "through other scripts)",
                                path);
                free(text);
                text = NULL;
                break;
            }
    }
    char **nt =
        text ? realloc(rn->texts, sizeof *nt * (size_t)(rn->ntexts + 1)) : NULL;
    if (!nt) {
        if (text)
            weir_status_set(&st, WEIR_E_NOMEM, ast->loc, "out of memory");
        wr_diag_print(stderr, file, sql, len, &st);
        free(text);
        free(path);
        return 1;
    }
    rn->texts = nt;
    rn->texts[rn->ntexts++] = text;
    rn->depth++;
    rn->dev[rn->depth] = sb.st_dev;
    rn->ino[rn->depth] = sb.st_ino;
    int rc = run_text(rn, path, text, slen);
    rn->depth--;
    free(path);
    return rc;
}

/* Runs the statements of file, whose text is sql[0..len) (sql[len] is
 * NUL; borrowed until the end of the run, as the kept statements refer to
 * it): each is applied in order; a query over a file read once runs at
 * once, one over Kafka or an unbounded input joins rn->streaming.
 * Returns 0, or 1 after reporting the first failure. */
static int run_text(runner *rn, const char *file, const char *sql, size_t len)
{
    weir_engine *e = rn->e;
    weir_status st;
    int rc = 0;
    size_t pos = 0;
    while (rc == 0 && pos < len) {
        weir_stmt *s = NULL;
        size_t from = pos;
        if (weir_engine_prepare(e, sql, len, &pos, &s, &st) != WEIR_OK) {
            wr_diag_print(stderr, file, sql, len, &st);
            rc = 1;
            break;
        }
        if (!s)
            break;
        const wr_stmt *ast = wr_stmt_ast(s);
        if (ast->kind == WR_S_EXPLAIN) {
            /* The explanation, as the shell prints it; nothing runs. */
            char *out = weir_stmt_explain(s);
            if (out)
                fputs(out, stdout);
            weir_free(out);
            weir_stmt_free(s);
            if (!out) {
                fprintf(stderr, "weir run: out of memory\n");
                rc = 1;
            }
            continue;
        }
        if (ast->kind == WR_S_RUN_SCRIPT) {
            rc = run_script(rn, file, sql, len, s);
            weir_stmt_free(s);
            continue;
        }
        if (ast->kind == WR_S_INSERT_VALUES) {
            if (wr_insert_run(e, s, NULL, &st) != WEIR_OK) {
                wr_diag_print(stderr, file, sql, len, &st);
                rc = 1;
            }
            weir_stmt_free(s);
            continue;
        }
        const wr_bound *b = wr_stmt_bound(s);
        wr_qplan *plan = NULL;
        if (b->query) {
            const wr_source *sink =
                b->create ? b->create
                : b->sink_name
                    ? wr_catalog_get(wr_engine_catalog(e), b->sink_name)
                    : NULL;
            char id[300];
            /* ksqlDB's query ids (CSAS_<SINK>_<n>): they also name the
             * query's consumer group, so they differ between sinks. */
            if (b->query_id) /* INSERT INTO ... WITH (QUERY_ID=...) */
                snprintf(id, sizeof id, "%s", b->query_id);
            else if (b->sink_name)
                snprintf(id, sizeof id, "%s_%s_%d", b->query_kind, b->sink_name,
                         rn->nq++);
            else
                snprintf(id, sizeof id, "PUSH_%d", rn->nq++);
            plan = wr_plan_lower(wr_engine_catalog(e), b->query, sink, id, &st);
            if (!plan) {
                if (st.loc.off < 0)
                    st.loc = ast->loc;
                wr_diag_print(stderr, file, sql, len, &st);
                rc = 1;
            }
        }
        if (rc == 0 && weir_stmt_apply(s, &st) != WEIR_OK) {
            wr_diag_print(stderr, file, sql, len, &st);
            rc = 1;
        }
        if (rc == 0 && plan &&
            (wr_run_uses_kafka(wr_engine_catalog(e), plan) ||
             wr_run_unbounded(plan) || plan->sink.sqlite ||
             plan->sink.file_dir)) {
            int n = rn->nstream + 1;
            wr_qplan **np = realloc(rn->streaming, sizeof *np * (size_t)n);
            if (np)
                rn->streaming = np;
            weir_stmt **ns = realloc(rn->sstmts, sizeof *ns * (size_t)n);
            if (ns)
                rn->sstmts = ns;
            char **nd = realloc(rn->defs, sizeof *nd * (size_t)n);
            if (nd)
                rn->defs = nd;
            char *def = np && ns && nd
                            ? wr_parse_normalize(sql + from, pos - from)
                            : NULL;
            /* Every branch of a UNION ALL is defined by the whole
             * statement (pos stays at its start until the last). */
            if (def && pos == from && rn->union_first < 0)
                rn->union_first = rn->nstream;
            for (int k = rn->union_first;
                 def && pos > from && k >= 0 && k < rn->nstream; k++) {
                free(rn->defs[k]);
                rn->defs[k] = strdup(def);
                if (!rn->defs[k])
                    rc = 1;
            }
            if (pos > from)
                rn->union_first = -1;
            if (!def || rc != 0) {
                free(def);
                rc = 1;
            } else { /* the plan borrows the statement: keep both */
                rn->defs[rn->nstream] = def;
                rn->streaming[rn->nstream] = plan;
                rn->sstmts[rn->nstream++] = s;
                continue;
            }
        }
        if (rc == 0 && plan) {
            /* SET 'batch.interval' applies unless given on the command
             * line. */
            const char *bi =
                wr_catalog_get_prop(wr_engine_catalog(e), "batch.interval");
            int64_t iv = rn->interval ? rn->interval
                         : bi         ? wr_props_duration_ms(bi)
                                      : 0;
            const char *it =
                wr_catalog_get_prop(wr_engine_catalog(e), "idle.timeout");
            int64_t idle = it ? wr_props_duration_ms(it) : 0;
            rc =
                wr_run_plan(plan, rn->threads, rn->batch_bytes, iv > 0 ? iv : 0,
                            idle > 0 ? idle : 0, NULL, NULL, NULL);
        }
        wr_plan_free(plan);
        weir_stmt_free(s);
    }
    return rc;
}

int wr_cmd_run(int argc, char **argv)
{
    int threads = 1;
    size_t batch_bytes = 64u << 20;
    int64_t interval = 0, snapshot_ms = -1;
    const char *file = NULL, *config = NULL;
    bool until_caught_up = false, reset_checkpoint = false;
    const char *checkpoint = NULL, *metrics = NULL;
    const char **sets = calloc((size_t)argc + 1, sizeof(char *));
    const char **gens = calloc((size_t)argc + 1, sizeof(char *));
    int nsets = 0, ngens = 0;
    if (!sets || !gens) {
        free(sets);
        free(gens);
        return 1;
    }
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            const char *v = argv[++i];
            threads = !strcmp(v, "*") || !strcmp(v, "local[*]")
                          ? (int)sysconf(_SC_NPROCESSORS_ONLN)
                          : atoi(v);
            if (threads < 1 || threads > 256) {
                fprintf(stderr, "weir run: --threads wants 1..256\n");
                free(sets);
                free(gens);
                return 2;
            }
        } else if (!strcmp(argv[i], "--batch-bytes") && i + 1 < argc) {
            batch_bytes = (size_t)atoll(argv[++i]);
        } else if (!strcmp(argv[i], "--batch-interval") && i + 1 < argc) {
            interval = wr_props_duration_ms(argv[++i]);
            if (interval < 0) {
                fprintf(stderr, "weir run: bad --batch-interval '%s'\n",
                        argv[i]);
                free(sets);
                free(gens);
                return 2;
            }
        } else if (!strcmp(argv[i], "--datagen") && i + 1 < argc) {
            gens[ngens++] = argv[++i];
        } else if (!strcmp(argv[i], "--until-caught-up")) {
            until_caught_up = true;
        } else if (!strcmp(argv[i], "--checkpoint") && i + 1 < argc) {
            checkpoint = argv[++i];
        } else if (!strcmp(argv[i], "--checkpoint-interval") && i + 1 < argc) {
            snapshot_ms = wr_props_duration_ms(argv[++i]);
            if (snapshot_ms < 0) {
                fprintf(stderr, "weir run: bad --checkpoint-interval '%s'\n",
                        argv[i]);
                free(sets);
                free(gens);
                return 2;
            }
        } else if (!strcmp(argv[i], "--metrics") && i + 1 < argc) {
            metrics = argv[++i];
        } else if (!strcmp(argv[i], "--reset-checkpoint")) {
            reset_checkpoint = true;
        } else if (!strcmp(argv[i], "-c") && i + 1 < argc) {
            sets[nsets++] = argv[++i];
        } else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            config = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(
                stderr,
                "usage: weir run [--threads K] [--batch-bytes N] "
                "[--batch-interval D] [--until-caught-up] [--checkpoint DIR] "
                "[--checkpoint-interval D] [--reset-checkpoint] [--metrics "
                "FILE] [-c KEY=VALUE]... "
                "[--config FILE.properties] "
                "[--datagen TOPIC=QUICKSTART[:COUNT[:RATE]]]... FILE.sql\n");
            free(sets);
            free(gens);
            return 2;
        } else if (file) {
            fprintf(stderr,
                    "weir run: one statements file, not '%s' and '%s' "
                    "(put the statements in one file)\n",
                    file, argv[i]);
            free(sets);
            free(gens);
            return 2;
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        fprintf(stderr, "weir run: no statements file\n");
        free(sets);
        free(gens);
        return 2;
    }
    size_t len;
    char *sql = wr_shell_read_file(file, &len);
    if (!sql) {
        fprintf(stderr, "weir run: %s: %s\n", file, strerror(errno));
        free(sets);
        free(gens);
        return 2;
    }
    weir_status st;
    runner rn;
    memset(&rn, 0, sizeof rn);
    rn.union_first = -1;
    rn.threads = threads;
    rn.batch_bytes = batch_bytes;
    rn.interval = interval;
    struct stat sb;
    if (strcmp(file, "-") != 0 && stat(file, &sb) == 0) {
        rn.dev[0] = sb.st_dev;
        rn.ino[0] = sb.st_ino;
    }
    weir_engine *e = rn.e = weir_engine_new(&st);
    int rc = e ? 0 : 1;
    /* Properties from --config (KEY=VALUE lines, # comments; Java's
     * .properties without continuations) then -c, as SET statements. */
    if (rc == 0 && config && (rc = apply_config(e, config)) != 0)
        rc = 2;
    for (int i = 0; rc == 0 && i < nsets; i++)
        rc = apply_set(e, sets[i], "-c") ? 0 : 2;
    free(sets);
    if (rc == 0)
        rc = run_text(&rn, file, sql, len);
    /* Queries that read Kafka run together after the whole file. */
    if (rc == 0 && rn.nstream) {
        const char *bi =
            wr_catalog_get_prop(wr_engine_catalog(e), "batch.interval");
        const char *it =
            wr_catalog_get_prop(wr_engine_catalog(e), "idle.timeout");
        int64_t idle = it ? wr_props_duration_ms(it) : 0;
        const char *ci =
            wr_catalog_get_prop(wr_engine_catalog(e), "checkpoint.interval");
        if (snapshot_ms < 0)
            snapshot_ms = ci ? wr_props_duration_ms(ci) : 10000;
        wr_runopts o = {
            .threads = threads,
            .interval = interval ? interval
                        : bi     ? wr_props_duration_ms(bi)
                                 : 0,
            .idle = idle > 0 ? idle : 0,
            .until_caught_up = until_caught_up,
            .datagen = gens,
            .ndatagen = ngens,
            .checkpoint = checkpoint ? checkpoint
                                     : wr_catalog_get_prop(wr_engine_catalog(e),
                                                           "checkpoint.dir"),
            .definitions = (const char *const *)rn.defs,
            .reset_checkpoint = reset_checkpoint,
            .snapshot_ms = snapshot_ms < 0 ? 10000 : snapshot_ms,
            .metrics = metrics ? metrics
                               : wr_catalog_get_prop(wr_engine_catalog(e),
                                                     "metrics.file"),
            .batch_bytes = batch_bytes};
        if (o.interval < 0)
            o.interval = 0;
        rc = wr_run_stream(e, rn.streaming, rn.nstream, &o);
    }
    for (int i = 0; i < rn.nstream; i++) {
        wr_plan_free(rn.streaming[i]);
        weir_stmt_free(rn.sstmts[i]);
        free(rn.defs[i]);
    }
    free(rn.defs);
    free(rn.streaming);
    free(rn.sstmts);
    for (int i = 0; i < rn.ntexts; i++)
        free(rn.texts[i]);
    free(rn.texts);
    free(gens);
    weir_engine_free(e);
    free(sql);
    return rc;
}
