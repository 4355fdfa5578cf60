/*
 * repl.c: the interactive shell: `weir` with no command.
 *
 *   weir [--output table|json|csv] [-e 'SQL']
 *
 * On a terminal, lines are read with libedit (Emacs keys, ^R reverse
 * search, history in $WEIR_HISTORY or ~/.weir_history, Tab completion
 * from complete.c). A statement ends with ';' outside quotes and
 * comments (stmt_end), so it may span lines (the prompt becomes "   -> ")
 * and a line may hold several. A line starting with '.' when no
 * statement is pending is a meta command (.help, .mode, .timer, .read,
 * .datagen, .quit). Not on a terminal, the same input is read without
 * prompts; results go to stdout, errors to stderr, and the exit status
 * is 1 when any statement failed. `-e SQL` runs one string.
 *
 * Statements go through the engine one at a time (prepare, then act on
 * the kind): push queries run in the foreground, their rows rendered by
 * render.c as they come (Ctrl-C or LIMIT ends them); persistent queries
 * over Kafka or unbounded inputs run in background threads
 * (bgquery.c); INSERT INTO ... VALUES writes its record at once
 * (insert.c); SHOW and DESCRIBE are rendered from the catalog here.
 * Errors print with the caret under the typed text (diag.c) and never
 * end the shell. The unfinished statement is kept with the start of its
 * first line and that line's number, so piped input's errors give the
 * input's line, column and whole line (a terminal's count from the
 * statement's first line); a script's count its own lines.
 *
 * Signals: SIGINT sets `interrupted`; the query loops watch it (the
 * Kafka loop wr_run_stream installs its own handler, so the shell's is
 * put back after it returns; its Kafka clients watch that run's flag
 * only, never a background query's). At the prompt, ^C clears the line.
 *
 * Memory: the text of each input lives until its statements are done; a
 * background query gets copies of the statements it needs.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "common/func.h"
#include "connectors/datagen.h"
#include "connectors/kafka.h"
#include "engine/engine_int.h"
#include "formats/format.h"
#include "planner/plan.h"
#include "planner/props.h"
#include "shell/diag.h"
#include "shell/insert.h"
#include "shell/repl_int.h"

static volatile int interrupted;

#if defined(__SANITIZE_ADDRESS__)
/* libedit copies the name and help of an EL_ADDFN function (wcsdup) and
 * never frees them; weir itself does not call wcsdup. */
__attribute__((visibility("default"))) const char *
__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:wcsdup\n";
}
#endif

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* SIGINT sets `interrupted` and interrupts blocking reads (no
 * SA_RESTART), so a prompt can be cleared and a query stopped. */
static void install_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

/* ---- statement boundaries ----------------------------------------------
 */

/* The offset just past the first ';' of text[from..len) that is outside
 * quotes ('...', "...", `...`) and comments (-- and / * * /), or -1 when
 * the statement has not ended. */
static long stmt_end(const char *text, size_t len, size_t from)
{
    for (size_t i = from; i < len; i++) {
        char c = text[i];
        if (c == '\'' || c == '"' || c == '`') {
            for (i++; i < len; i++)
                if (text[i] == c) {
                    if (i + 1 < len && text[i + 1] == c)
                        i++; /* a doubled quote */
                    else
                        break;
                }
            if (i >= len)
                return -1;
        } else if (c == '-' && i + 1 < len && text[i + 1] == '-') {
            while (i < len && text[i] != '\n')
                i++;
        } else if (c == '/' && i + 1 < len && text[i + 1] == '*') {
            const char *e = NULL;
            for (size_t k = i + 2; k + 1 < len; k++)
                if (text[k] == '*' && text[k + 1] == '/') {
                    e = text + k;
                    break;
                }
            if (!e)
                return -1;
            i = (size_t)(e - text) + 1;
        } else if (c == ';') {
            return (long)(i + 1);
        }
    }
    return -1;
}

/* Skips blanks and comments of text[pos..len). */
static size_t skip_blank(const char *text, size_t len, size_t pos)
{
    for (;;) {
        while (pos < len && strchr(" \t\r\n", text[pos]))
            pos++;
        if (pos + 1 < len && text[pos] == '-' && text[pos + 1] == '-') {
            while (pos < len && text[pos] != '\n')
                pos++;
        } else if (pos + 1 < len && text[pos] == '/' && text[pos + 1] == '*') {
            const char *e = strstr(text + pos + 2, "*/");
            pos = e ? (size_t)(e - text) + 2 : len;
        } else {
            return pos;
        }
    }
}

/* Whether only blanks and comments are in text (an input with nothing to
 * run). */
static bool blank(const char *text)
{
    return skip_blank(text, strlen(text), 0) >= strlen(text);
}

char *wr_shell_stmt_text(const char *sql, const weir_stmt *s)
{
    weir_loc l = weir_stmt_loc(s);
    char *t = malloc((size_t)l.len + 1);
    if (t) {
        memcpy(t, sql + l.off, (size_t)l.len);
        t[l.len] = '\0';
    }
    return t;
}

/* ---- output helpers ---------------------------------------------------- */

/* Prints a result of ncols columns and nrows rows of plain texts
 * (cells[r * ncols + c]), buffered so the columns fit. */
static void print_rows(wr_shell *sh, int ncols, const char *const *names,
                       int nrows, const char *const *cells)
{
    wr_render r;
    wr_render_begin(&r, sh->mode, stdout, sh->spool, true, ncols, names);
    for (int i = 0; i < nrows; i++)
        wr_render_row_text(&r, cells + (size_t)i * (size_t)ncols);
    wr_render_end(&r, false);
}

/* A growing list of plain-text cells. */
typedef struct cellv {
    const char **v;
    char **own; /* the cells this list allocated */
    int n, cap, nown;
} cellv;

static void cells_add(cellv *c, const char *s)
{
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 64;
        const char **nv = realloc(c->v, sizeof *nv * (size_t)cap);
        if (!nv)
            return;
        c->v = nv;
        c->cap = cap;
    }
    c->v[c->n++] = s;
}

/* Adds a printf-formatted cell (kept until cells_fini). */
static void cells_addf(cellv *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void cells_addf(cellv *c, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    char *s = strdup(tmp);
    char **no = realloc(c->own, sizeof *no * (size_t)(c->nown + 1));
    if (!s || !no) {
        free(s);
        if (no)
            c->own = no;
        cells_add(c, "?");
        return;
    }
    c->own = no;
    c->own[c->nown++] = s;
    cells_add(c, s);
}

static void cells_fini(cellv *c)
{
    for (int i = 0; i < c->nown; i++)
        free(c->own[i]);
    free(c->own);
    free(c->v);
}

/* ---- SHOW, DESCRIBE ----------------------------------------------------- */

static void show_sources(wr_shell *sh, bool tables)
{
    const wr_catalog *cat = wr_engine_catalog(sh->e);
    static const char *const names[] = {"Name", "Kafka Topic", "Key Format",
                                        "Value Format", "Windowed"};
    cellv c = {0};
    int n = 0;
    for (int i = 0; i < wr_catalog_count(cat); i++) {
        const wr_source *s = wr_catalog_at(cat, i);
        if (s->table != tables)
            continue;
        cells_add(&c, s->name);
        cells_add(&c, s->topic ? s->topic : "");
        cells_add(&c, wr_format_name(s->key_format));
        cells_add(&c, wr_format_name(s->value_format));
        cells_add(&c, s->window.kind ? "true" : "false");
        n++;
    }
    const char *hdr[5] = {tables ? "Table Name" : "Stream Name", names[1],
                          names[2], names[3], names[4]};
    print_rows(sh, 5, hdr, n, c.v);
    cells_fini(&c);
}

static void show_properties(wr_shell *sh)
{
    const wr_catalog *cat = wr_engine_catalog(sh->e);
    static const char *const names[] = {"Property", "Value"};
    cellv c = {0};
    int n = wr_catalog_prop_count(cat);
    for (int i = 0; i < n; i++) {
        const wr_kv *kv = wr_catalog_prop_at(cat, i);
        cells_add(&c, kv->key);
        cells_add(&c, wr_kafka_prop_shown(kv->key, kv->value));
    }
    print_rows(sh, 2, names, n, c.v);
    cells_fini(&c);
}

static void show_functions(wr_shell *sh)
{
    static const char *const names[] = {"Function Name", "Type", "Synopsis"};
    cellv c = {0};
    int n = wr_func_count();
    for (int i = 0; i < n; i++) {
        const wr_func *f = wr_func_at(i);
        cells_add(&c, f->name);
        cells_add(&c, f->kind == WR_FN_AGGREGATE ? "AGGREGATE" : "SCALAR");
        cells_add(&c, f->synopsis ? f->synopsis : "");
    }
    print_rows(sh, 3, names, n, c.v);
    cells_fini(&c);
}

/* SHOW TOPICS: the topics of the session's Kafka cluster (the embedded
 * one when none is set), from a metadata request. */
static bool show_topics(wr_shell *sh, weir_status *st)
{
    rd_kafka_conf_t *conf = wr_kafka_conf(wr_engine_catalog(sh->e), true, st);
    if (!conf)
        return false;
    char err[256];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "%s", err);
        return false;
    }
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, NULL, &md, 5000);
    if (e) {
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "cannot list the topics: %s",
                        rd_kafka_err2str(e));
        rd_kafka_destroy(rk);
        return false;
    }
    static const char *const names[] = {"Kafka Topic", "Partitions",
                                        "Partition Replicas"};
    cellv c = {0};
    int n = 0;
    for (int i = 0; i < md->topic_cnt; i++) {
        const rd_kafka_metadata_topic_t *t = &md->topics[i];
        if (t->topic[0] == '_')
            continue; /* internal topics */
        cells_add(&c, t->topic);
        cells_addf(&c, "%d", t->partition_cnt);
        cells_addf(&c, "%d",
                   t->partition_cnt ? t->partitions[0].replica_cnt : 0);
        n++;
    }
    print_rows(sh, 3, names, n, c.v);
    cells_fini(&c);
    rd_kafka_metadata_destroy(md);
    rd_kafka_destroy(rk);
    return true;
}

static void show_queries(wr_shell *sh)
{
    const wr_catalog *cat = wr_engine_catalog(sh->e);
    static const char *const names[] = {"Query ID", "State", "Sink",
                                        "Statistics", "Query"};
    cellv c = {0};
    int n = wr_catalog_query_count(cat);
    for (int i = 0; i < n; i++) {
        const wr_query_def *q = wr_catalog_query_at(cat, i);
        char state[400];
        const char *s = wr_bgq_state(sh, q->id, state, sizeof state);
        cells_add(&c, q->id);
        cells_addf(&c, "%s", s ? s : "REGISTERED");
        cells_add(&c, q->sink ? q->sink : "");
        wr_buf b = WR_BUF_INIT;
        wr_bgq_stats(sh, q->id, &b);
        /* One line: "key value, key value". */
        for (size_t k = 0; k < b.len; k++)
            if (b.s[k] == '\t')
                b.s[k] = ' ';
            else if (b.s[k] == '\n')
                b.s[k] = k + 1 < b.len ? ';' : '\0';
        cells_addf(&c, "%s", b.len ? b.s : "");
        wr_buf_fini(&b);
        cells_addf(&c, "%s", q->sql);
    }
    print_rows(sh, 5, names, n, c.v);
    cells_fini(&c);
}

static void describe(wr_shell *sh, const wr_stmt *ast)
{
    const wr_catalog *cat = wr_engine_catalog(sh->e);
    if (ast->str) { /* DESCRIBE FUNCTION f */
        const wr_func *f =
            wr_func_lookup(ast->name.name, strlen(ast->name.name));
        static const char *const names[] = {"Function", "Type", "Synopsis",
                                            "Description"};
        const char *row[] = {
            f->name, f->kind == WR_FN_AGGREGATE ? "AGGREGATE" : "SCALAR",
            f->synopsis ? f->synopsis : "",
            f->description ? f->description : ""};
        print_rows(sh, 4, names, 1, row);
        return;
    }
    const wr_source *s = wr_catalog_get(cat, ast->name.name);
    wr_render_say(stdout, sh->spool, "Name: %s (%s)\n", s->name,
                  s->table ? "TABLE" : "STREAM");
    static const char *const names[] = {"Field", "Type", "Key"};
    cellv c = {0};
    for (int i = 0; i < s->ncols; i++) {
        char ty[128];
        cells_add(&c, s->cols[i].name);
        cells_addf(&c, "%s", wr_type_format(s->cols[i].type, ty, sizeof ty));
        cells_add(&c, s->cols[i].key ? (s->table ? "PRIMARY KEY" : "KEY") : "");
    }
    print_rows(sh, 3, names, s->ncols, c.v);
    cells_fini(&c);
    if (!ast->extended)
        return;
    static const char *const kv[] = {"Property", "Value"};
    cellv d = {0};
    int n = 0;
    wr_buf b = WR_BUF_INIT; /* the query's statistics: labels the cells
                               borrow until they are printed */
#define ROW(k, ...)                                                            \
    do {                                                                       \
        cells_add(&d, k);                                                      \
        cells_addf(&d, __VA_ARGS__);                                           \
        n++;                                                                   \
    } while (0)
    ROW("Kafka topic", "%s", s->topic ? s->topic : "");
    ROW("Key format", "%s", wr_format_name(s->key_format));
    ROW("Value format", "%s", wr_format_name(s->value_format));
    if (s->partitions)
        ROW("Partitions", "%d", s->partitions);
    if (s->timestamp)
        ROW("Timestamp column", "%s", s->timestamp);
    for (int i = 0; i < s->nprops; i++)
        ROW(s->props[i].key, "%s",
            wr_kafka_prop_shown(s->props[i].key, s->props[i].value));
    if (s->query_id) {
        char state[300];
        const char *st = wr_bgq_state(sh, s->query_id, state, sizeof state);
        ROW("Written by", "%s (%s)", s->query_id, st ? st : "REGISTERED");
        wr_bgq_stats(sh, s->query_id, &b);
        for (char *l = b.len ? b.s : NULL, *nl; l && *l; l = nl + 1) {
            nl = strchr(l, '\n');
            char *tab = strchr(l, '\t');
            if (!nl || !tab)
                break;
            *nl = *tab = '\0';
            ROW(l, "%s", tab + 1);
        }
    }
#undef ROW
    print_rows(sh, 2, kv, n, d.v);
    cells_fini(&d);
    wr_buf_fini(&b);
}

/* ---- push queries ------------------------------------------------------ */

typedef struct pushq {
    wr_shell *sh;
    wr_render r;
    wr_buf cell; /* scratch */
} pushq;

/* The output callback of a push query: one rendered row per output. */
static weir_rc push_row(void *ctx, const wr_qplan *p, const wr_out *o,
                        weir_status *st)
{
    (void)st;
    pushq *pq = ctx;
    const wr_psink *s = &p->sink;
    int n = pq->r.ncols;
    const char *cells[256];
    size_t lens[256], offs[256];
    wr_buf_reset(&pq->cell);
    for (int i = 0; i < n && i < 256; i++) {
        offs[i] = pq->cell.len;
        if (i < s->ncols && (o->value || i < s->nkeys)) {
            wr_datum d;
            wr_col_get(&o->cols[i], o->row, &d);
            wr_json_put_datum(&pq->cell, s->types[i], &d);
        } else if (i >= s->ncols && o->windowed) {
            wr_buf_printf(&pq->cell, "%" PRId64,
                          i == s->ncols ? o->wstart : o->wend);
        } else {
            wr_buf_puts(&pq->cell, "null");
        }
        lens[i] = pq->cell.len - offs[i];
    }
    if (pq->cell.oom)
        return WEIR_OK;
    for (int i = 0; i < n && i < 256; i++)
        cells[i] = pq->cell.s + offs[i];
    wr_render_row(&pq->r, cells, lens);
    return WEIR_OK;
}

/* Session property key as a duration in ms (0 when unset or bad). */
static int64_t prop_ms(wr_shell *sh, const char *key)
{
    const char *v = wr_catalog_get_prop(wr_engine_catalog(sh->e), key);
    int64_t ms = v ? wr_props_duration_ms(v) : 0;
    return ms > 0 ? ms : 0;
}

static int threads_of(wr_shell *sh)
{
    const char *v = wr_catalog_get_prop(wr_engine_catalog(sh->e), "threads");
    int t = v ? atoi(v) : 1;
    return t >= 1 && t <= 256 ? t : 1;
}

/* The batch callback of a push query: the shell prints no batch lines
 * between the rows. */
static void quiet_batch(void *ctx, const char *id, int64_t in, int64_t ms,
                        int64_t sched, const wr_qstats *qs)
{
    (void)ctx;
    (void)id;
    (void)in;
    (void)ms;
    (void)sched;
    (void)qs;
}

/* Runs push query plan p in the foreground until its input ends, its
 * LIMIT is reached or ^C. Returns 0 or 1. */
static int run_push(wr_shell *sh, wr_qplan *p)
{
    pushq pq = {sh, {0}, WR_BUF_INIT};
    const char *names[258];
    int n = p->sink.ncols < 256 ? p->sink.ncols : 256;
    for (int i = 0; i < n; i++)
        names[i] = p->sink.names[i];
    if (p->sink.window.kind) {
        names[n++] = "WINDOWSTART";
        names[n++] = "WINDOWEND";
    }
    wr_render_begin(&pq.r, sh->mode, stdout, sh->spool, false, n, names);
    int rc;
    interrupted = 0;
    const wr_catalog *cat = wr_engine_catalog(sh->e);
    if (wr_run_uses_kafka(cat, p) || wr_run_unbounded(p)) {
        wr_runopts o = {0};
        o.threads = threads_of(sh);
        o.interval = prop_ms(sh, "batch.interval");
        o.idle = prop_ms(sh, "idle.timeout");
        o.out = push_row;
        o.out_ctx = &pq;
        o.on_batch = quiet_batch;
        rc = wr_run_stream(sh->e, &p, 1, &o);
        install_sigint(); /* wr_run_stream installed its own */
        /* Without LIMIT such a query ends only by ^C (or a closed
         * input), which wr_run_stream's handler caught. */
        if (!(p->limit > 0 && pq.r.nrows >= p->limit))
            interrupted = 1;
    } else {
        rc = wr_run_plan(
            p, threads_of(sh), 64u << 20, prop_ms(sh, "batch.interval"),
            prop_ms(sh, "idle.timeout"), push_row, &pq, &interrupted);
    }
    int64_t rows = pq.r.nrows;
    wr_render_end(&pq.r, false);
    if (sh->mode == WR_RMODE_TABLE)
        wr_render_say(stdout, sh->spool, "%" PRId64 " row%s%s\n", rows,
                      rows == 1 ? "" : "s",
                      p->limit > 0 && rows >= p->limit ? " (limit reached)"
                      : interrupted                    ? " (query cancelled)"
                                                       : "");
    wr_buf_fini(&pq.cell);
    interrupted = 0;
    return rc;
}

/* ---- statements -------------------------------------------------------- */

/* Appends statement s (of text sql) to sh->log, with its UNION ALL
 * branch. Returns false when out of memory (nothing logged). */
static bool log_stmt(wr_shell *sh, const char *sql, const weir_stmt *s)
{
    wr_logged *nl = realloc(sh->log, sizeof *nl * (size_t)(sh->nlog + 1));
    if (!nl)
        return false;
    sh->log = nl;
    char *t = wr_shell_stmt_text(sql, s);
    if (!t)
        return false;
    sh->log[sh->nlog++] = (wr_logged){t, wr_stmt_ast(s)->union_k};
    return true;
}

/* A text whose statements run, and where it comes from, for errors. */
typedef struct input {
    const char *name; /* "<stdin>", "<input>", "-e" or a script's path */
    char *text;       /* whole lines of it (run_text NUL-ends the piece it
                         parses while it parses, then puts the byte back) */
    size_t len;       /* text's length: an error shows its line up to here */
    int line0;        /* the line of the input text[0] begins */
} input;

/* Prints st, an error of a statement of in, with its input line number,
 * column and caret (diag.c). Borrows both. */
static void report(const input *in, const weir_status *st)
{
    wr_diag_print_at(stderr, in->name, in->line0, in->text, in->len, st);
}

static int run_text(wr_shell *sh, const input *in, size_t from, size_t to,
                    int depth);

/* Reads and runs a file of statements: .read FILE (from NULL: path as
 * given), or RUN SCRIPT 'path' of input from (a relative path is taken
 * from the directory of the script that says RUN SCRIPT; from the current
 * one for typed or piped input), whose errors point at the path's span
 * at in from. Borrows everything. Returns the number of failures. */
static int run_script(wr_shell *sh, const char *path, int depth,
                      const input *from, weir_loc at)
{
    char *file = wr_shell_script_path(from ? from->name : NULL, path);
    weir_status st;
    char *text = NULL;
    size_t len = 0;
    struct stat sb;
    if (!file)
        weir_status_set(&st, WEIR_E_NOMEM, at, "out of memory");
    else if (depth > 16)
        weir_status_set(&st, WEIR_E_USAGE, at,
                        "%s: scripts nested too deep (16 at most)", file);
    else if (stat(file, &sb) != 0 || !(text = wr_shell_read_file(file, &len)))
        weir_status_set(&st, WEIR_E_IO, at, "cannot read %s: %s", file,
                        strerror(errno));
    for (int i = 0; text && i < depth; i++)
        if (sh->sdev[i] == sb.st_dev && sh->sino[i] == sb.st_ino) {
            weir_status_set(&st, WEIR_E_USAGE, at,
                            "%s: the script is already running (a script "
                            "cannot run itself, directly or through other "
                            "scripts)",
                            file);
            free(text);
            text = NULL;
        }
    if (!text) {
        if (from)
            report(from, &st);
        else
            fprintf(stderr, "weir: %s\n", st.msg);
        free(file);
        return 1;
    }
    sh->sdev[depth] = sb.st_dev;
    sh->sino[depth] = sb.st_ino;
    input in = {file, text, len, 1};
    int rc = run_text(sh, &in, 0, len, depth + 1);
    free(text);
    free(file);
    return rc;
}

/* SPOOL 'file' | SPOOL OFF (a shell command, not SQL): the statement is
 * text[0..n). */
static int spool(wr_shell *sh, const char *text, size_t n)
{
    const char *a = text + 5;
    while (a < text + n && strchr(" \t\r\n", *a))
        a++;
    size_t al = (size_t)(text + n - a);
    while (al && strchr(" \t\r\n;", a[al - 1]))
        al--;
    if (sh->spool) {
        fclose(sh->spool);
        sh->spool = NULL;
    }
    if (al == 3 && !strncasecmp(a, "OFF", 3))
        return 0;
    if (al < 2 || a[0] != '\'' || a[al - 1] != '\'') {
        fprintf(stderr, "weir: usage: SPOOL 'file'; or SPOOL OFF;\n");
        return 1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%.*s", (int)(al - 2), a + 1);
    sh->spool = fopen(path, "a");
    if (!sh->spool) {
        fprintf(stderr, "weir: SPOOL %s: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

/* Runs prepared statement s of in (borrowed; errors point into it).
 * Returns 0 or 1. Takes ownership of s. */
static int run_stmt(wr_shell *sh, const input *in, weir_stmt *s, int depth)
{
    const char *sql = in->text;
    weir_status st;
    const wr_stmt *ast = wr_stmt_ast(s);
    const wr_bound *b = wr_stmt_bound(s);
    wr_catalog *cat = wr_engine_catalog(sh->e);
    int rc = 0;
    switch (ast->kind) {
    case WR_S_SELECT: {
        char id[64];
        snprintf(id, sizeof id, "PUSH_%d", sh->nq++);
        wr_qplan *p = wr_plan_lower(cat, b->query, NULL, id, &st);
        if (!p) {
            if (st.loc.off < 0)
                st.loc = ast->loc;
            report(in, &st);
            rc = 1;
        } else {
            rc = run_push(sh, p);
        }
        wr_plan_free(p);
        break;
    }
    case WR_S_CREATE_AS:
    case WR_S_INSERT_SELECT: {
        const wr_source *sink = b->create ? b->create
                                : b->sink_name
                                    ? wr_catalog_get(cat, b->sink_name)
                                    : NULL;
        char id[300];
        if (b->query_id) /* INSERT INTO ... WITH (QUERY_ID=...) */
            snprintf(id, sizeof id, "%s", b->query_id);
        else
            snprintf(id, sizeof id, "%s_%s_%d", b->query_kind, b->sink_name,
                     wr_catalog_next_query_seq(cat));
        wr_qplan *p = wr_plan_lower(cat, b->query, sink, id, &st);
        if (!p) {
            if (st.loc.off < 0)
                st.loc = ast->loc;
            report(in, &st);
            rc = 1;
            break;
        }
        bool background = wr_run_uses_kafka(cat, p) || wr_run_unbounded(p);
        if (!background) { /* a file read once: run it now */
            rc = wr_run_plan(
                p, threads_of(sh), 64u << 20, prop_ms(sh, "batch.interval"),
                prop_ms(sh, "idle.timeout"), NULL, NULL, &interrupted);
        }
        wr_plan_free(p);
        if (rc == 0 && weir_stmt_apply(s, &st) != WEIR_OK) {
            report(in, &st);
            rc = 1;
        }
        if (rc)
            break;
        bool logged = log_stmt(sh, sql, s);
        const wr_query_def *q =
            wr_catalog_query_at(cat, wr_catalog_query_count(cat) - 1);
        if (background && (!logged || !wr_bgq_start(sh, q->id, &st))) {
            fprintf(stderr, "weir: %s: %s\n", q->id,
                    logged ? st.msg : "out of memory");
            rc = 1;
        }
        if (rc == 0)
            wr_render_say(stdout, sh->spool, "Created query with ID %s%s\n",
                          q->id, background ? " (running)" : " (done)");
        break;
    }
    case WR_S_SHOW:
        switch (ast->show) {
        case WR_SHOW_STREAMS:
        case WR_SHOW_TABLES:
            show_sources(sh, ast->show == WR_SHOW_TABLES);
            break;
        case WR_SHOW_PROPERTIES:
            show_properties(sh);
            break;
        case WR_SHOW_FUNCTIONS:
            show_functions(sh);
            break;
        case WR_SHOW_QUERIES:
            show_queries(sh);
            break;
        case WR_SHOW_TOPICS:
            if (!show_topics(sh, &st)) {
                fprintf(stderr, "weir: %s\n", st.msg);
                rc = 1;
            }
            break;
        }
        break;
    case WR_S_DESCRIBE:
        describe(sh, ast);
        break;
    case WR_S_EXPLAIN: {
        char *out = weir_stmt_explain(s);
        if (out)
            wr_render_say(stdout, sh->spool, "%s", out);
        weir_free(out);
        wr_buf dag = WR_BUF_INIT;
        if (!ast->inner && ast->str && wr_bgq_explain(sh, ast->str, &dag))
            wr_render_say(stdout, sh->spool, "%s", wr_buf_str(&dag));
        wr_buf_fini(&dag);
        break;
    }
    case WR_S_RUN_SCRIPT:
        rc = run_script(sh, ast->str, depth, in, ast->str_loc);
        break;
    case WR_S_INSERT_VALUES:
        /* Written at once (insert.c); as in ksqlDB's CLI, nothing is
         * printed when it is in. ^C gives up waiting for Kafka. */
        interrupted = 0;
        if (wr_insert_run(sh->e, s, &interrupted, &st) != WEIR_OK) {
            report(in, &st);
            rc = 1;
        }
        interrupted = 0;
        break;
    case WR_S_TERMINATE:
        wr_bgq_stop(sh, ast->all ? NULL : ast->str);
        if (weir_stmt_apply(s, &st) != WEIR_OK) {
            report(in, &st);
            rc = 1;
        } else {
            /* Logged, so that the engines of later background queries
             * unregister it too before a DROP of what it read. */
            log_stmt(sh, sql, s);
            wr_render_say(stdout, sh->spool, "Terminated %s\n",
                          ast->all ? "all queries" : ast->str);
        }
        break;
    default: {
        bool noop = b->create_noop;
        if (weir_stmt_apply(s, &st) != WEIR_OK) {
            report(in, &st);
            rc = 1;
            break;
        }
        log_stmt(sh, sql, s);
        const char *what =
            ast->kind == WR_S_CREATE_SOURCE
                ? (ast->table ? "Table created" : "Stream created")
            : ast->kind == WR_S_DROP  ? "Dropped"
            : ast->kind == WR_S_SET   ? "Property set"
            : ast->kind == WR_S_UNSET ? "Property unset"
                                      : NULL;
        if (what && !noop && sh->tty)
            wr_render_say(stdout, sh->spool, "%s\n", what);
        break;
    }
    }
    weir_stmt_free(s);
    return rc;
}

/* Runs every statement of in->text[from..to) (to <= in->len; from and
 * to are statement boundaries). Borrows in; its text is NUL-ended at to
 * while a statement is parsed (the parser wants it) and restored before
 * the statement runs, so that an error shows its whole line. Returns the
 * number of statements that failed. */
static int run_text(wr_shell *sh, const input *in, size_t from, size_t to,
                    int depth)
{
    char *text = in->text;
    size_t len = to;
    int failed = 0;
    size_t pos = from;
    while (pos < len) {
        size_t at = skip_blank(text, len, pos);
        if (at >= len)
            break;
        if (len - at >= 5 && !strncasecmp(text + at, "SPOOL", 5) &&
            (at + 5 == len || strchr(" \t\r\n;'", text[at + 5]))) {
            long end = stmt_end(text, len, at);
            size_t e = end < 0 ? len : (size_t)end;
            failed += spool(sh, text + at, e - at);
            pos = e;
            continue;
        }
        int64_t t0 = wr_shell_mono_ms();
        weir_stmt *s = NULL;
        weir_status st;
        char end = text[len];
        text[len] = '\0';
        weir_rc prc = weir_engine_prepare(sh->e, text, len, &pos, &s, &st);
        text[len] = end;
        if (prc != WEIR_OK) {
            report(in, &st);
            failed++;
            continue;
        }
        if (!s)
            break;
        failed += run_stmt(sh, in, s, depth);
        if (sh->timer)
            wr_render_say(stdout, sh->spool, "Run Time: %.3f s\n",
                          (double)(wr_shell_mono_ms() - t0) / 1000.0);
        fflush(stdout);
    }
    return failed;
}

/* ---- meta commands ----------------------------------------------------- */

static const char help_text[] =
    "Statements end with ';' and may span lines. Meta commands:\n"
    "  .help                      this text\n"
    "  .mode table|json|csv       how results are printed\n"
    "  .timer on|off              print how long each statement took\n"
    "  .read FILE                 run the statements of FILE\n"
    "  .datagen TOPIC QUICKSTART [COUNT]\n"
    "                             produce COUNT (100) sample records "
    "(pageviews,\n"
    "                             users, orders) to TOPIC of the session's\n"
    "                             Kafka (the embedded broker by default)\n"
    "  .quit                      leave (also Ctrl-D)\n"
    "Shell statements: SHOW STREAMS|TABLES|QUERIES|TOPICS|PROPERTIES|"
    "FUNCTIONS;\n"
    "  DESCRIBE name [EXTENDED]; EXPLAIN query|id; TERMINATE id|ALL;\n"
    "  RUN SCRIPT 'file'; SPOOL 'file'; SPOOL OFF; SET 'key'='value';\n"
    "A push query (SELECT ... EMIT CHANGES) prints rows as they come: "
    "Ctrl-C\n"
    "stops it, LIMIT n ends it after n rows. CREATE ... AS SELECT over "
    "Kafka\n"
    "runs in the background (SHOW QUERIES, TERMINATE id).\n";

/* .datagen TOPIC QUICKSTART [COUNT]: produces sample records now. */
static int datagen(wr_shell *sh, const char *args)
{
    char topic[256], qs[64];
    long long count = 100;
    if (sscanf(args, "%255s %63s %lld", topic, qs, &count) < 2 || count < 0) {
        fprintf(stderr,
                "weir: usage: .datagen TOPIC QUICKSTART [COUNT] "
                "(quickstarts: %s)\n",
                wr_datagen_quickstarts());
        return 1;
    }
    weir_status st;
    const wr_catalog *cat = wr_engine_catalog(sh->e);
    wr_datagen *g =
        wr_datagen_new(qs, WR_FMT_JSON, 1, wr_shell_epoch_ms(), &st);
    if (!g) {
        fprintf(stderr, "weir: .datagen: %s\n", st.msg);
        return 1;
    }
    const char *bs = wr_catalog_get_prop(cat, "kafka.bootstrap.servers");
    if (!bs || !strcasecmp(bs, "embedded")) {
        wr_kbroker *kb = wr_kbroker_embedded(&st);
        if (!kb || wr_kbroker_topic(kb, topic, 1, &st) != WEIR_OK) {
            fprintf(stderr, "weir: .datagen: %s\n", st.msg);
            wr_datagen_free(g);
            return 1;
        }
    }
    rd_kafka_conf_t *conf = wr_kafka_conf(cat, true, &st);
    wr_ksink *k = conf ? wr_ksink_open(conf, topic, &st) : NULL;
    wr_buf kb = WR_BUF_INIT, vb = WR_BUF_INIT;
    long long made = 0;
    int rc = k ? 0 : 1;
    for (; rc == 0 && made < count; made++) {
        int64_t ts;
        if (!wr_datagen_next(g, &kb, &vb, &ts) ||
            wr_ksink_put_raw(k, kb.s, kb.len, vb.s, vb.len, ts, NULL, 0, &st) !=
                WEIR_OK)
            rc = 1;
    }
    if (rc == 0 && wr_ksink_flush(k, &st) != WEIR_OK)
        rc = 1;
    if (rc)
        fprintf(stderr, "weir: .datagen: %s\n", st.msg);
    else
        printf("%lld %s records to %s\n", made, wr_datagen_quickstart(qs),
               topic);
    wr_ksink_close(k);
    wr_buf_fini(&kb);
    wr_buf_fini(&vb);
    wr_datagen_free(g);
    return rc;
}

/* Runs meta command line (starting with '.'). Returns 0, 1 on failure,
 * or -1 for .quit. */
static int meta(wr_shell *sh, const char *line, int depth)
{
    char cmd[32] = "", arg[4096] = "";
    sscanf(line, "%31s %4095[^\n]", cmd, arg);
    size_t al = strlen(arg);
    while (al && strchr(" \t\r;", arg[al - 1]))
        arg[--al] = '\0';
    if (!strcmp(cmd, ".quit") || !strcmp(cmd, ".exit") || !strcmp(cmd, ".q"))
        return -1;
    if (!strcmp(cmd, ".help")) {
        fputs(help_text, stdout);
        return 0;
    }
    if (!strcmp(cmd, ".mode")) {
        if (!*arg) {
            printf("%s\n", wr_rmode_name(sh->mode));
            return 0;
        }
        if (!wr_rmode_parse(arg, &sh->mode)) {
            fprintf(stderr, "weir: .mode table|json|csv\n");
            return 1;
        }
        return 0;
    }
    if (!strcmp(cmd, ".timer")) {
        if (strcasecmp(arg, "on") && strcasecmp(arg, "off")) {
            fprintf(stderr, "weir: .timer on|off\n");
            return 1;
        }
        sh->timer = !strcasecmp(arg, "on");
        return 0;
    }
    if (!strcmp(cmd, ".read")) {
        if (!*arg) {
            fprintf(stderr, "weir: .read FILE\n");
            return 1;
        }
        return run_script(sh, arg, depth, NULL, WEIR_NOLOC) ? 1 : 0;
    }
    if (!strcmp(cmd, ".datagen"))
        return datagen(sh, arg);
    fprintf(stderr, "weir: unknown command '%s' (.help lists them)\n", cmd);
    return 1;
}

/* ---- the loop ---------------------------------------------------------- */

static const char *prompt(EditLine *el)
{
    void *ctx = NULL;
    el_get(el, EL_CLIENTDATA, &ctx);
    wr_shell *sh = ctx;
    return sh && sh->pending.len ? "   -> " : "weir> ";
}

/* Opens libedit on the terminal, with history and completion. */
static void open_editor(wr_shell *sh)
{
    sh->el = el_init("weir", stdin, stdout, stderr);
    if (!sh->el)
        return;
    el_set(sh->el, EL_CLIENTDATA, sh);
    el_set(sh->el, EL_PROMPT, prompt);
    el_set(sh->el, EL_EDITOR, "emacs");
    sh->hist = history_init();
    if (sh->hist) {
        HistEvent ev;
        history(sh->hist, &ev, H_SETSIZE, 2000);
        history(sh->hist, &ev, H_SETUNIQUE, 1);
        el_set(sh->el, EL_HIST, history, sh->hist);
        const char *hf = getenv("WEIR_HISTORY");
        const char *home = getenv("HOME");
        if (hf && *hf) {
            sh->histfile = strdup(hf);
        } else if (home && *home) {
            size_t n = strlen(home) + 32;
            sh->histfile = malloc(n);
            if (sh->histfile)
                snprintf(sh->histfile, n, "%s/.weir_history", home);
        }
        if (sh->histfile)
            history(sh->hist, &ev, H_LOAD, sh->histfile);
    }
    el_set(sh->el, EL_BIND, "^R", "em-inc-search-prev", NULL);
    wr_shell_complete_init(sh->el, sh);
    el_source(sh->el, NULL); /* ~/.editrc */
}

/* Adds a meta command line, or a whole statement (its lines joined by
 * one space, so that the up arrow recalls it as one line, as psql does),
 * to the history. Borrows line. */
static void add_history(wr_shell *sh, const char *line)
{
    if (!sh->hist || blank(line))
        return;
    HistEvent ev;
    size_t n = strlen(line), k = 0;
    char *l = malloc(n + 1);
    if (!l)
        return;
    for (size_t i = 0; i < n; i++) {
        if (line[i] == '\n' || line[i] == '\r') {
            while (i + 1 < n && strchr(" \t\r\n", line[i + 1]))
                i++;
            if (k && i + 1 < n)
                l[k++] = ' ';
            continue;
        }
        l[k++] = line[i];
    }
    l[k] = '\0';
    history(sh->hist, &ev, H_ENTER, l);
    if (sh->histfile)
        history(sh->hist, &ev, H_SAVE, sh->histfile);
    free(l);
}

/* Reads the next line (with its '\n' when it had one) into *buf. Returns
 * 1, 0 at the end of input, or -1 when ^C interrupted the prompt. */
static int read_line(wr_shell *sh, char **buf, size_t *cap)
{
    if (sh->el) {
        int n = 0;
        interrupted = 0;
        const char *l = el_gets(sh->el, &n);
        if (interrupted || (!l && n < 0 && errno == EINTR)) {
            interrupted = 0;
            el_reset(sh->el);
            return -1;
        }
        if (!l || n <= 0)
            return 0;
        size_t len = strlen(l);
        if (len + 1 > *cap) {
            char *nb = realloc(*buf, len + 1);
            if (!nb)
                return 0;
            *buf = nb;
            *cap = len + 1;
        }
        memcpy(*buf, l, len + 1);
        return 1;
    }
    ssize_t n = getline(buf, cap, stdin);
    return n < 0 ? 0 : 1;
}

/* Forgets the unfinished statement. */
static void pending_reset(wr_shell *sh)
{
    wr_buf_reset(&sh->pending);
    sh->pending_done = 0;
}

/* Runs the statements of sh->pending[pending_done..cut) (cut: just past a
 * ';', or the end of the input) with the lines they are on, numbered from
 * the start of the input when it is piped (from the statement's first
 * line on a terminal); keeps the unfinished statement after cut with the
 * start of its line. Runs them from a copy it frees (pending changes);
 * borrows name. Returns the number of statements that failed. */
static int run_pending(wr_shell *sh, const char *name, size_t cut)
{
    char *text = strdup(wr_buf_str(&sh->pending));
    if (!text) {
        pending_reset(sh);
        return 1;
    }
    size_t len = sh->pending.len, from = sh->pending_done;
    input in = {name, text, len, sh->tty ? 1 : sh->pending_line};
    /* History: the statements, without what ran before them. */
    char end = text[cut];
    text[cut] = '\0';
    add_history(sh, text + from + strspn(text + from, " \t\r\n"));
    text[cut] = end;
    /* Keep the rest from the start of its line (a line at a time comes
     * in, so pending ends with a whole line): its errors then show the
     * right column and the whole line. */
    if (blank(text + cut)) {
        pending_reset(sh); /* the next line sets pending_line */
    } else {
        size_t bol = cut;
        while (bol > 0 && text[bol - 1] != '\n')
            bol--;
        for (size_t i = 0; i < bol; i++)
            sh->pending_line += text[i] == '\n';
        wr_buf_reset(&sh->pending);
        wr_buf_puts(&sh->pending, text + bol);
        sh->pending_done = cut - bol;
    }
    int failed = run_text(sh, &in, from, cut, 0);
    free(text);
    return failed;
}

/* The read-run loop over stdin. Returns the exit status. */
static int loop(wr_shell *sh)
{
    char *line = NULL;
    size_t cap = 0;
    const char *name = sh->tty ? "<input>" : "<stdin>";
    int lineno = 0; /* lines read */
    for (;;) {
        int r = read_line(sh, &line, &cap);
        if (r < 0) { /* ^C at the prompt: drop what was typed */
            pending_reset(sh);
            fputc('\n', stdout);
            continue;
        }
        if (r == 0)
            break;
        lineno++;
        if (!sh->pending.len && line[strspn(line, " \t")] == '.') {
            add_history(sh, line);
            int m = meta(sh, line + strspn(line, " \t"), 0);
            if (m < 0)
                break;
            sh->failed += m;
            continue;
        }
        if (!sh->pending.len) /* a statement starts on this line */
            sh->pending_line = lineno;
        wr_buf_puts(&sh->pending, line);
        if (sh->pending.oom) {
            fprintf(stderr, "weir: out of memory\n");
            pending_reset(sh);
            sh->failed++;
            continue;
        }
        /* Run every complete statement; keep an unfinished tail. */
        const char *t = wr_buf_str(&sh->pending);
        size_t len = sh->pending.len, cut = sh->pending_done;
        for (long e; (e = stmt_end(t, len, cut)) >= 0;)
            cut = (size_t)e;
        if (cut == sh->pending_done) {
            if (blank(t + cut))
                pending_reset(sh);
            continue;
        }
        sh->failed += run_pending(sh, name, cut);
    }
    /* Input ended inside a statement: run what is there. */
    if (sh->pending.len && !blank(wr_buf_str(&sh->pending) + sh->pending_done))
        sh->failed += run_pending(sh, name, sh->pending.len);
    if (sh->el)
        fputc('\n', stdout);
    free(line);
    /* A session at a terminal ends well; a script reports failures. */
    return sh->failed && !sh->tty ? 1 : 0;
}

int wr_cmd_shell(int argc, char **argv)
{
    wr_shell sh;
    memset(&sh, 0, sizeof sh);
    sh.pending = (wr_buf)WR_BUF_INIT;
    const char *cmd = NULL;
    for (int i = 0; i < argc; i++) {
        if ((!strcmp(argv[i], "--output") || !strcmp(argv[i], "-o")) &&
            i + 1 < argc) {
            if (!wr_rmode_parse(argv[++i], &sh.mode)) {
                fprintf(stderr, "weir: --output table|json|csv\n");
                return 2;
            }
        } else if (!strncmp(argv[i], "--output=", 9)) {
            if (!wr_rmode_parse(argv[i] + 9, &sh.mode)) {
                fprintf(stderr, "weir: --output table|json|csv\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "-e") && i + 1 < argc) {
            cmd = argv[++i];
        } else {
            fprintf(stderr, "usage: weir [--output table|json|csv] "
                            "[-e 'SQL']\n");
            return 2;
        }
    }
    weir_status st;
    sh.e = weir_engine_new(&st);
    if (!sh.e) {
        fprintf(stderr, "weir: %s\n", st.msg);
        return 1;
    }
    install_sigint();
    signal(SIGPIPE, SIG_IGN);
    int rc;
    if (cmd) {
        size_t len = strlen(cmd);
        long e = stmt_end(cmd, len, 0);
        (void)e;
        if (cmd[strspn(cmd, " \t")] == '.') {
            rc = meta(&sh, cmd + strspn(cmd, " \t"), 0) > 0 ? 1 : 0;
        } else {
            char *text = strdup(cmd);
            input in = {"-e", text, len, 1};
            rc = !text || run_text(&sh, &in, 0, len, 0) ? 1 : 0;
            free(text);
        }
    } else {
        sh.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
        if (sh.tty) {
            open_editor(&sh);
            printf("weir %s interactive shell. Statements end with ';'; "
                   ".help for help, Ctrl-D to quit.\n",
                   weir_version());
        }
        rc = loop(&sh);
    }
    wr_bgq_free_all(&sh);
    if (sh.spool)
        fclose(sh.spool);
    if (sh.el)
        el_end(sh.el);
    if (sh.hist)
        history_end(sh.hist);
    free(sh.histfile);
    wr_buf_fini(&sh.pending);
    for (int i = 0; i < sh.nlog; i++)
        free(sh.log[i].sql);
    free(sh.log);
    weir_engine_free(sh.e);
    return rc;
}
