/*
 * lower.c: from a bound query (logical plan) to the physical plan of
 * plan.h.
 *
 * Steps:
 *  1. Scans: the scan batch of each source is its scope (declared columns,
 *     then pseudo-columns). Every expression of the query is walked once to
 *     mark the columns it uses; the value decoder is built with only those
 *     columns mapped (projection pushdown), the rest are skipped unread.
 *  2. WHERE compiles over the scan batch and runs before any projection.
 *  3. Aggregation: GROUP BY expressions and aggregate arguments compile over
 *     the scan batch; the accumulators are laid out in one state block per
 *     pane. SELECT and HAVING expressions of an aggregating query are
 *     written over the pre-aggregation scope (see bind.c), so they compile
 *     with a map that replaces each GROUP BY expression, aggregate call and
 *     window bound by its column of the aggregate batch (wr_expr_equal).
 *  4. Hopping windows get panes of gcd(size, advance); tumbling windows a
 *     pane of their size; grace defaults to ksqlDB's legacy 24 hours.
 *
 * Memory: the plan owns an arena with everything lowered; it borrows the
 * bound query's AST (for spans) and catalog types.
 */
#include "planner/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <strings.h>

#include "planner/props.h"

#define LEGACY_GRACE_MS (24LL * 3600 * 1000)

typedef struct lower {
    const wr_query *q;
    wr_qplan *p;
    wr_arena *ar;
    weir_status *st;
    const wr_lnode *agg_node; /* AGGREGATE or NULL */
    bool proc;                /* SET 'processing.time' = 'true' */
} lower;

static weir_rc oom(lower *l)
{
    return weir_status_set(l->st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

static const wr_lnode *find_node(const wr_lnode *n, wr_lnode_kind k)
{
    for (; n; n = n->input)
        if (n->kind == k)
            return n;
    return NULL;
}

static char delim_of(const wr_source *s)
{
    return wr_props_delimiter(wr_source_prop(s, "VALUE_DELIMITER"));
}

/* ---- column usage ---------------------------------------------------------
 */

static void mark_used(lower *l, const wr_expr *e)
{
    if (!e)
        return;
    if (e->kind == WR_E_COLUMN && e->src >= 0 && e->src < l->p->nscan) {
        wr_pscan *s = &l->p->scans[e->src];
        if (e->col >= 0 && e->col < s->ncols)
            s->used[e->col] = true;
        return;
    }
    mark_used(l, e->a);
    mark_used(l, e->b);
    mark_used(l, e->c);
    if (e->list)
        for (int i = 0; i < e->list->n; i++)
            mark_used(l, e->list->item[i]);
}

static void mark_list(lower *l, const wr_list *list)
{
    if (list)
        for (int i = 0; i < list->n; i++)
            mark_used(l, list->item[i]);
}

/* ---- scans ----------------------------------------------------------------
 */

static weir_rc lower_scan(lower *l, int si)
{
    const wr_scope_src *ss = &l->q->srcs[si];
    const wr_source *src = ss->src;
    wr_pscan *s = &l->p->scans[si];
    s->name = wr_arena_strdup(l->ar, ss->name);
    s->topic = wr_arena_strdup(l->ar, src->topic);
    s->table = ss->table;
    s->ncols = ss->ncols;
    s->types = wr_arena_zalloc(l->ar, sizeof *s->types * (size_t)s->ncols);
    s->names = wr_arena_zalloc(l->ar, sizeof *s->names * (size_t)s->ncols);
    s->used = wr_arena_zalloc(l->ar, (size_t)s->ncols);
    if (!s->name || !s->types || !s->names || !s->used)
        return oom(l);
    for (int i = 0; i < s->ncols; i++) {
        s->types[i] = ss->cols[i].type;
        s->names[i] = ss->cols[i].name;
    }
    s->nkeys = 0;
    for (int i = 0; i < src->ncols; i++)
        s->nkeys += src->cols[i].key;
    s->key_format = src->key_format;
    s->value_format = src->value_format;
    s->nvalue = src->ncols - s->nkeys;
    s->col_rowtime = src->ncols;
    s->col_partition = src->ncols + 1;
    s->col_offset = src->ncols + 2;
    s->col_topic = src->ncols + 3;
    s->col_wstart = src->window.kind ? src->ncols + 4 : -1;
    s->col_wend = src->window.kind ? src->ncols + 5 : -1;
    s->ts_col = -1;
    if (src->timestamp)
        for (int i = 0; i < src->ncols; i++)
            if (!strcmp(src->cols[i].name, src->timestamp))
                s->ts_col = i;
    const char *pt = wr_source_prop(src, "PROCESSING_TIME");
    s->proc = (pt && !strcasecmp(pt, "true")) || l->proc;
    if (s->proc)
        s->ts_col = -1;
    s->file = wr_source_prop(src, "FILE");
    if (s->file)
        s->file = wr_arena_strdup(l->ar, s->file);
    /* The sources other than Kafka (line_source.h); props.c has refused
     * bad combinations. */
    const char *fo = wr_source_prop(src, "FOLLOW");
    s->follow = fo && !strcasecmp(fo, "true");
    s->socket = wr_source_prop(src, "SOCKET");
    s->zmq = wr_source_prop(src, "ZMQ");
    s->zmq_topic = wr_source_prop(src, "ZMQ_TOPIC");
    if ((s->socket && !(s->socket = wr_arena_strdup(l->ar, s->socket))) ||
        (s->zmq && !(s->zmq = wr_arena_strdup(l->ar, s->zmq))) ||
        (s->zmq_topic &&
         !(s->zmq_topic = wr_arena_strdup(l->ar, s->zmq_topic))))
        return oom(l);
    s->delim = delim_of(src);
    if (s->nkeys > 1) { /* JSON or DELIMITED keys (KAFKA is one column) */
        wr_field_map *fm =
            wr_arena_zalloc(l->ar, sizeof *fm * (size_t)s->nkeys);
        if (!fm)
            return oom(l);
        for (int i = 0; i < s->nkeys; i++)
            fm[i] = (wr_field_map){src->cols[i].name, src->cols[i].type, i};
        s->kdec =
            wr_decoder_new(l->ar, s->key_format, fm, s->nkeys, ',', l->st);
        if (!s->kdec)
            return l->st->code;
    }
    return WEIR_OK;
}

/* WRAP_SINGLE_VALUE=false on a JSON source or sink with one value column:
 * the value is that column's value alone. */
static bool wraps(const wr_source *src)
{
    const char *w = wr_source_prop(src, "WRAP_SINGLE_VALUE");
    return !w || strcasecmp(w, "false") != 0;
}

static weir_rc build_decoder(lower *l, int si)
{
    wr_pscan *s = &l->p->scans[si];
    const wr_source *src = l->q->srcs[si].src;
    if (s->ts_col >= 0)
        s->used[s->ts_col] = true;
    if (s->table || l->p->nscan > 1)
        for (int i = 0; i < s->nkeys; i++)
            s->used[i] = true;
    wr_field_map *fm = wr_arena_zalloc(
        l->ar, sizeof *fm * (size_t)(s->nvalue ? s->nvalue : 1));
    if (!fm)
        return oom(l);
    int k = 0;
    for (int i = 0; i < src->ncols; i++) {
        if (src->cols[i].key)
            continue;
        fm[k].name = src->cols[i].name;
        fm[k].type = src->cols[i].type;
        fm[k].col = s->used[i] ? i : -1;
        k++;
    }
    if (s->value_format != WR_FMT_JSON && s->value_format != WR_FMT_DELIMITED)
        return weir_status_set(l->st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                               "VALUE_FORMAT %s of %s is not supported by the "
                               "executor yet (JSON and DELIMITED are)",
                               wr_format_name(s->value_format), s->name);
    s->dec = wr_decoder_new(l->ar, s->value_format, fm, k, s->delim, l->st);
    if (!s->dec)
        return l->st->code;
    if (!wraps(src))
        wr_decoder_unwrap(s->dec);
    return WEIR_OK;
}

/* ---- expression maps ------------------------------------------------------
 */

/* Scan-batch map: a column of source 0 is its scope index; with joins, the
 * wide row's column. */
static int map_scan(void *ctx, const wr_expr *e)
{
    lower *l = ctx;
    if (e->kind != WR_E_COLUMN)
        return -1;
    if (l->p->njoin) {
        if (e->src >= 0 && e->src < l->p->nscan)
            return l->p->scan_off[e->src] + e->col;
        if (e->src == WR_SRC_JOINKEY)
            return l->p->joinkey_col;
        if (e->src == WR_SRC_WINDOW && l->p->wscan)
            return l->p->wscan->wcol + e->col;
        return -2;
    }
    if (e->src == WR_SRC_WINDOW && l->p->wscan)
        return l->p->wscan->wcol + e->col;
    if (e->src == 0)
        return e->col;
    if (e->src == WR_SRC_WINDOW && l->p->scans[0].col_wstart >= 0)
        return e->col == 0 ? l->p->scans[0].col_wstart
                           : l->p->scans[0].col_wend;
    return -2; /* not mappable: compile reports it */
}

/* Aggregate-batch map: GROUP BY expressions, aggregate calls, window
 * bounds. */
static int map_agg(void *ctx, const wr_expr *e)
{
    lower *l = ctx;
    const wr_lnode *a = l->agg_node;
    int ng = a->group ? a->group->n : 0;
    int na = a->aggs ? a->aggs->n : 0;
    if (e->kind == WR_E_COLUMN && e->src == WR_SRC_WINDOW)
        return ng + na + (e->col ? 1 : 0);
    for (int i = 0; i < ng; i++)
        if (wr_expr_equal(e, a->group->item[i]))
            return i;
    if (e->kind == WR_E_CALL && e->fn && e->fn->kind == WR_FN_AGGREGATE)
        for (int i = 0; i < na; i++)
            if (wr_expr_equal(e, a->aggs->item[i]))
                return ng + i;
    if (e->kind == WR_E_COLUMN)
        return -2;
    return -1;
}

static wr_xexpr *compile(lower *l, const wr_expr *e, wr_expr_map_fn map)
{
    return wr_expr_compile(l->ar, e, map, l, l->st);
}

/* ---- aggregation ------------------------------------------------------------
 */

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The grace period of a time window: as written, else 0 for processing
 * time and ksqlDB's legacy 24 hours for event time. False (st set) when a
 * processing-time window is given one: it closes at its end. */
static bool effective_grace(lower *l, const wr_window_spec *w, bool proc,
                            int64_t *grace)
{
    if (proc && w->grace > 0) {
        weir_status_set(
            l->st, WEIR_E_BIND, WEIR_NOLOC,
            "GRACE PERIOD does not apply to processing-time windows: they "
            "close at their end, when the batch of that time has run");
        return false;
    }
    *grace = w->grace >= 0 ? w->grace : proc ? 0 : LEGACY_GRACE_MS;
    return true;
}

static weir_rc lower_agg(lower *l, const wr_lnode *n)
{
    wr_pagg *g = wr_arena_zalloc(l->ar, sizeof *g);
    if (!g)
        return oom(l);
    l->p->agg = g;
    g->ngroup = n->group ? n->group->n : 0;
    g->nagg = n->aggs ? n->aggs->n : 0;
    g->ncols = g->ngroup + g->nagg + 2;
    g->group = wr_arena_zalloc(l->ar, sizeof(void *) * (size_t)(g->ngroup + 1));
    g->gtypes =
        wr_arena_zalloc(l->ar, sizeof(void *) * (size_t)(g->ngroup + 1));
    g->aggs = wr_arena_zalloc(l->ar, sizeof(void *) * (size_t)(g->nagg + 1));
    g->nargs = wr_arena_zalloc(l->ar, sizeof(int) * (size_t)(g->nagg + 1));
    g->args = wr_arena_zalloc(l->ar, sizeof(void *) * (size_t)(g->nagg + 1));
    g->state_off =
        wr_arena_zalloc(l->ar, sizeof(size_t) * (size_t)(g->nagg + 1));
    g->types = wr_arena_zalloc(l->ar, sizeof(void *) * (size_t)g->ncols);
    if (!g->group || !g->gtypes || !g->aggs || !g->nargs || !g->args ||
        !g->state_off || !g->types)
        return oom(l);
    g->state_align = 8;
    for (int i = 0; i < g->ngroup; i++) {
        const wr_expr *e = n->group->item[i];
        g->group[i] = compile(l, e, map_scan);
        if (!g->group[i])
            return l->st->code;
        g->gtypes[i] = e->type;
        g->types[i] = e->type;
    }
    size_t off = 0;
    for (int j = 0; j < g->nagg; j++) {
        const wr_expr *call = n->aggs->item[j];
        int na = call->list ? call->list->n : 0;
        if (na == 1 && ((wr_expr *)call->list->item[0])->kind == WR_E_STAR)
            na = 0;
        const wr_type *argt[16];
        wr_datum lits[16];
        int nlit = 0, nvar = 0;
        if (na > 16)
            return weir_status_set(l->st, WEIR_E_UNSUPPORTED, call->loc,
                                   "too many arguments");
        g->args[j] = wr_arena_zalloc(l->ar, sizeof(void *) * (size_t)(na + 1));
        if (!g->args[j])
            return oom(l);
        for (int i = 0; i < na; i++) {
            const wr_expr *a = call->list->item[i];
            if (i > 0 && (call->fn->literal_args >> i & 1u)) {
                weir_rc rc = wr_expr_const(l->ar, a, &lits[nlit], l->st);
                if (rc != WEIR_OK)
                    return rc;
                nlit++;
                continue;
            }
            g->args[j][nvar] = compile(l, a, map_scan);
            if (!g->args[j][nvar])
                return l->st->code;
            argt[nvar] = a->type;
            nvar++;
        }
        g->nargs[j] = nvar;
        g->aggs[j] = wr_agg_new(l->ar, call->fn, argt, nvar, lits, nlit,
                                call->distinct, call->type, l->st);
        if (!g->aggs[j]) {
            if (l->st && l->st->loc.off < 0)
                l->st->loc = call->loc;
            return l->st->code;
        }
        size_t al = wr_agg_state_align(g->aggs[j]);
        if (al > g->state_align)
            g->state_align = al;
        off = (off + al - 1) & ~(al - 1);
        g->state_off[j] = off;
        off += wr_agg_state_size(g->aggs[j]);
        g->types[g->ngroup + j] = call->type;
    }
    g->state_size = (off + g->state_align - 1) & ~(g->state_align - 1);
    g->types[g->ngroup + g->nagg] = wr_type_prim(WR_T_BIGINT);
    g->types[g->ngroup + g->nagg + 1] = wr_type_prim(WR_T_BIGINT);
    g->window = n->window;
    g->emit = n->emit == WR_EMIT_FINAL ? WR_EMIT_FINAL : WR_EMIT_CHANGES;
    g->emit_all = n->emit_all;
    g->snapshot = n->emit_snapshot;
    g->proc = l->p->proc;
    if (g->window.kind && !effective_grace(l, &g->window, g->proc, &g->grace))
        return l->st->code;
    if (g->window.kind == WR_W_TUMBLING)
        g->pane = g->window.size;
    else if (g->window.kind == WR_W_HOPPING)
        g->pane = gcd64(g->window.size, g->window.advance);
    else
        g->pane = g->window.size;
    return WEIR_OK;
}

/* ---- joins ------------------------------------------------------------------
 */

static weir_rc lower_joins(lower *l, const wr_lnode *top)
{
    wr_qplan *p = l->p;
    p->njoin = p->nscan - 1;
    p->joins = wr_arena_zalloc(l->ar, sizeof *p->joins * (size_t)p->njoin);
    p->scan_off = wr_arena_zalloc(l->ar, sizeof(int) * (size_t)p->nscan);
    if (!p->joins || !p->scan_off)
        return oom(l);
    int w = 0;
    for (int i = 0; i < p->nscan; i++) {
        p->scan_off[i] = w;
        w += p->scans[i].ncols;
    }
    p->joinkey_col = w;
    p->wide_ncols = w + 2;
    p->ts_col = w + 1;
    p->wide_types =
        wr_arena_zalloc(l->ar, sizeof(void *) * (size_t)p->wide_ncols);
    if (!p->wide_types)
        return oom(l);
    for (int i = 0; i < p->nscan; i++)
        for (int c = 0; c < p->scans[i].ncols; c++)
            p->wide_types[p->scan_off[i] + c] = p->scans[i].types[c];
    p->wide_types[w + 1] = wr_type_prim(WR_T_BIGINT);
    /* Joins from the bottom of the left-deep tree. */
    const wr_lnode *js[64];
    int nj = 0;
    for (const wr_lnode *n = top; n; n = n->input)
        if (n->kind == WR_L_JOIN && nj < 64)
            js[nj++] = n;
    if (nj != p->njoin)
        return weir_status_set(l->st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "join tree does not match its sources");
    for (int j = 0; j < nj; j++) {
        const wr_lnode *n = js[nj - 1 - j];
        wr_pjoin *pj = &p->joins[j];
        pj->type = n->join_type;
        pj->right_scan = n->right ? n->right->src : j + 1;
        pj->right_table = p->scans[pj->right_scan].table;
        /* The left side is a table: a table source, or the result of a
         * join of tables (joins of tables give tables). */
        pj->left_table =
            j == 0 ? p->scans[0].table
                   : p->joins[j - 1].left_table && p->joins[j - 1].right_table;
        pj->windowed = n->windowed_join;
        pj->before = n->within_before;
        pj->after = n->within_after;
        pj->grace = n->join_grace;
        pj->lkey = compile(l, n->left_key, map_scan);
        pj->rkey = pj->lkey ? compile(l, n->right_key, map_scan) : NULL;
        if (!pj->rkey)
            return l->st->code;
        /* The result's key is the last join's (ksqlDB: the key of the
         * top join node), and so is its type: the executor puts the last
         * join's key in this column (as the binder types ROWKEY). */
        p->wide_types[w] = n->left_key->type->kind == WR_T_NULL
                               ? n->right_key->type
                               : n->left_key->type;
        /* The join keys are read from both sides. */
        mark_used(l, n->left_key);
        mark_used(l, n->right_key);
    }
    if (!p->wide_types[w])
        p->wide_types[w] = wr_type_prim(WR_T_STRING);
    return WEIR_OK;
}

/* True when e is one side of the criterion of the last join (the one
 * whose key the result rows carry). */
static bool is_join_key(const wr_lnode *top, const wr_expr *e)
{
    /* The class of expressions equated with the last join's criterion,
     * through the criteria of the joins below it. */
    const wr_expr *cls[128];
    int n = 0;
    cls[n++] = top->left_key;
    cls[n++] = top->right_key;
    for (bool grew = true; grew;) {
        grew = false;
        for (const wr_lnode *j = top->input; j; j = j->input) {
            if (j->kind != WR_L_JOIN)
                continue;
            bool l = false, r = false;
            for (int i = 0; i < n; i++) {
                l = l || wr_expr_equal(cls[i], j->left_key);
                r = r || wr_expr_equal(cls[i], j->right_key);
            }
            if (l != r && n < 128) {
                cls[n++] = l ? j->right_key : j->left_key;
                grew = true;
            }
        }
    }
    for (int i = 0; i < n; i++)
        if (wr_expr_equal(e, cls[i]))
            return true;
    return false;
}

/* ---- the plan ---------------------------------------------------------------
 */

static weir_rc lower_sink(lower *l, const wr_lnode *proj, const wr_source *sk)
{
    wr_psink *s = &l->p->sink;
    s->ncols = proj->ncols;
    s->names = wr_arena_zalloc(l->ar, sizeof(void *) * (size_t)(s->ncols + 1));
    s->types = wr_arena_zalloc(l->ar, sizeof(void *) * (size_t)(s->ncols + 1));
    if (!s->names || !s->types)
        return oom(l);
    for (int i = 0; i < s->ncols; i++) {
        s->names[i] = proj->cols[i].name;
        s->types[i] = proj->cols[i].type;
        s->nkeys += proj->cols[i].key;
    }
    s->ts_col = -1;
    s->table = l->q->result_table;
    if (l->p->agg)
        s->window = l->p->agg->window;
    if (!sk) {
        s->key_format = WR_FMT_JSON;
        s->value_format = WR_FMT_JSON;
        s->delim = ',';
        return WEIR_OK;
    }
    s->name = wr_arena_strdup(l->ar, sk->name);
    s->topic = wr_arena_strdup(l->ar, sk->topic);
    s->key_format = sk->key_format;
    s->value_format = sk->value_format;
    s->delim = delim_of(sk);
    s->unwrap = !wraps(sk) && s->value_format == WR_FMT_JSON &&
                s->ncols - s->nkeys == 1;
    const char *file = wr_source_prop(sk, "FILE");
    s->file_sink = file != NULL;
    if (file) { /* a file sink writes its FILE, not a topic */
        struct stat sb;
        size_t fl = strlen(file);
        s->topic = wr_arena_strdup(l->ar, file);
        s->file_dir = (fl && file[fl - 1] == '/') ||
                      (stat(file, &sb) == 0 && S_ISDIR(sb.st_mode));
        const char *rb = wr_source_prop(sk, "FILE_ROLL_BYTES");
        const char *rm = wr_source_prop(sk, "FILE_ROLL_MS");
        s->roll_bytes = rb ? atoll(rb) : 0;
        s->roll_ms = rm ? atoll(rm) : 0;
    }
    const char *sq = wr_source_prop(sk, "SQLITE");
    if (sq) {
        const char *tb = wr_source_prop(sk, "SQLITE_TABLE");
        s->sqlite = wr_arena_strdup(l->ar, sq);
        s->sqlite_table = wr_arena_strdup(l->ar, tb ? tb : sk->name);
    }
    if (sk->timestamp)
        for (int i = 0; i < s->ncols; i++)
            if (!strcmp(s->names[i], sk->timestamp))
                s->ts_col = i;
    if (s->nkeys > 1 && s->key_format != WR_FMT_JSON &&
        s->key_format != WR_FMT_DELIMITED)
        return weir_status_set(l->st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                               "%d key columns in KEY_FORMAT %s: multi-column "
                               "keys are JSON or DELIMITED",
                               s->nkeys, wr_format_name(s->key_format));
    return WEIR_OK;
}

/* A window scan: rows of the batch reaching the projection (the scan's or
 * the joined wide row), plus the two window bounds. */
static weir_rc lower_wscan(lower *l, const wr_lnode *n)
{
    wr_qplan *p = l->p;
    wr_pwscan *w = wr_arena_zalloc(l->ar, sizeof *w);
    if (!w)
        return oom(l);
    w->window = n->window;
    w->proc = p->proc;
    if (!effective_grace(l, &w->window, w->proc, &w->grace))
        return l->st->code;
    w->ncols = p->njoin ? p->wide_ncols : p->scans[0].ncols;
    const wr_type **bt = p->njoin ? p->wide_types : p->scans[0].types;
    w->types = wr_arena_zalloc(l->ar, sizeof(void *) * (size_t)(w->ncols + 2));
    if (!w->types)
        return oom(l);
    for (int i = 0; i < w->ncols; i++)
        w->types[i] = bt[i];
    w->wcol = w->ncols;
    w->types[w->wcol] = wr_type_prim(WR_T_BIGINT);
    w->types[w->wcol + 1] = wr_type_prim(WR_T_BIGINT);
    w->ts_col = p->ts_col;
    p->wscan = w;
    return WEIR_OK;
}

/* Aggregation over a table (a table source, or a join of tables): the
 * rows are keyed by the table's key for TableChanges (op_table.c). */
static weir_rc lower_table_agg(lower *l)
{
    wr_qplan *p = l->p;
    wr_pagg *g = p->agg;
    bool tt = p->njoin && p->joins[p->njoin - 1].left_table &&
              p->joins[p->njoin - 1].right_table;
    if (!(p->njoin ? tt : p->scans[0].table))
        return WEIR_OK;
    g->table = true;
    for (int j = 0; j < g->nagg; j++)
        if (!wr_agg_invertible(g->aggs[j]))
            return weir_status_set(l->st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                                   "aggregate %d of the query cannot be "
                                   "applied to a table: only COUNT, SUM and "
                                   "AVG can be taken back",
                                   j + 1);
    const wr_pscan *s = &p->scans[0];
    g->ntkey = p->njoin ? 1 : s->nkeys;
    g->tkey = wr_arena_zalloc(l->ar, sizeof(int) * (size_t)(g->ntkey + 1));
    if (!g->tkey)
        return oom(l);
    if (p->njoin) {
        g->tkey[0] = p->joinkey_col;
        g->tncols = p->wide_ncols;
        g->ttypes = p->wide_types;
        g->tts_col = p->ts_col;
    } else {
        for (int i = 0; i < s->nkeys; i++)
            g->tkey[i] = i;
        g->tncols = s->ncols;
        g->ttypes = s->types;
        g->tts_col = s->col_rowtime;
    }
    return WEIR_OK;
}

wr_qplan *wr_plan_lower(const wr_catalog *cat, const wr_query *q,
                        const wr_source *sink, const char *id, weir_status *st)
{
    wr_arena *ar = wr_arena_new(0);
    wr_qplan *p = ar ? wr_arena_zalloc(ar, sizeof *p) : NULL;
    if (!p) {
        wr_arena_free(ar);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    p->ar = ar;
    p->id = wr_arena_strdup(ar, id ? id : "push");
    p->limit = q->limit ? atoll(q->limit) : -1;
    const char *ptp = cat ? wr_catalog_get_prop(cat, "processing.time") : NULL;
    lower l = {q, p, ar, st, NULL, ptp && !strcasecmp(ptp, "true")};
    weir_rc rc = WEIR_OK;
    const wr_lnode *proj = q->plan;
    if (proj->kind == WR_L_SINK)
        proj = proj->input;
    const wr_lnode *join = find_node(proj, WR_L_JOIN);
    /* PARTITION BY (a Repartition node) needs no operator of its own: the
     * projection computes the new key columns, and one process has no
     * partitions to move rows between. */
    p->nscan = q->nsrc;
    p->scans = wr_arena_zalloc(ar, sizeof *p->scans * (size_t)p->nscan);
    if (!p->scans)
        goto nomem;
    for (int i = 0; i < p->nscan; i++)
        if ((rc = lower_scan(&l, i)) != WEIR_OK)
            goto fail;
    for (int i = 1; i < p->nscan; i++)
        if (p->scans[i].proc != p->scans[0].proc) {
            weir_status_set(
                st, WEIR_E_UNSUPPORTED, WEIR_NOLOC,
                "%s uses processing time and %s event time: a "
                "query reads sources of one kind of time",
                p->scans[0].proc ? p->scans[0].name : p->scans[i].name,
                p->scans[0].proc ? p->scans[i].name : p->scans[0].name);
            goto fail;
        }
    p->proc = p->scans[0].proc;
    p->source_table = q->srcs[0].table;
    p->ts_col = p->scans[0].col_rowtime;
    if (join && (rc = lower_joins(&l, proj)) != WEIR_OK)
        goto fail;

    /* Column usage over every expression of the query. */
    const wr_lnode *agg = find_node(proj, WR_L_AGGREGATE);
    l.agg_node = agg;
    for (const wr_lnode *n = proj; n; n = n->input) {
        if (n->kind == WR_L_FILTER)
            mark_used(&l, n->pred);
        if (n->kind == WR_L_AGGREGATE) {
            mark_list(&l, n->group);
            mark_list(&l, n->aggs);
        }
    }
    for (int i = 0; i < proj->ncols; i++)
        mark_used(&l, proj->cols[i].expr);
    for (int i = 0; i < p->nscan; i++)
        if ((rc = build_decoder(&l, i)) != WEIR_OK)
            goto fail;

    /* WHERE: the filter below the aggregate (or the only filter). */
    for (const wr_lnode *n = agg ? agg->input : proj->input; n; n = n->input)
        if (n->kind == WR_L_FILTER) {
            p->where = compile(&l, n->pred, map_scan);
            if (!p->where)
                goto fail;
        }
    if (agg) {
        if ((rc = lower_agg(&l, agg)) != WEIR_OK ||
            (rc = lower_table_agg(&l)) != WEIR_OK)
            goto fail;
        for (const wr_lnode *n = proj->input; n && n != agg; n = n->input)
            if (n->kind == WR_L_FILTER) {
                p->agg->having = compile(&l, n->pred, map_agg);
                if (!p->agg->having)
                    goto fail;
            }
    }
    const wr_lnode *wn = find_node(proj, WR_L_WINDOW);
    if (wn && (rc = lower_wscan(&l, wn)) != WEIR_OK)
        goto fail;
    p->nout = proj->ncols;
    p->out = wr_arena_zalloc(ar, sizeof(void *) * (size_t)(p->nout + 1));
    if (!p->out)
        goto nomem;
    for (int i = 0; i < p->nout; i++) {
        if (p->njoin && !agg && proj->cols[i].key &&
            is_join_key(join, proj->cols[i].expr)) {
            /* A key column equal to a join key is the join key, whichever
             * side is present (outer joins). */
            p->out[i] =
                wr_expr_column(ar, p->joinkey_col, proj->cols[i].expr->type);
            if (!p->out[i])
                goto nomem;
            continue;
        }
        p->out[i] = compile(&l, proj->cols[i].expr, agg ? map_agg : map_scan);
        if (!p->out[i])
            goto fail;
    }
    if ((rc = lower_sink(&l, proj, sink)) != WEIR_OK)
        goto fail;
    return p;
nomem:
    weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
fail:
    wr_arena_free(ar);
    return NULL;
}

void wr_plan_free(wr_qplan *p)
{
    if (p)
        wr_arena_free(p->ar);
}

/* ---- printing ---------------------------------------------------------------
 */

static const char *const wkind[] = {"", "TUMBLING", "HOPPING", "SESSION"};

static void dag_nodes(wr_buf *b, const wr_qplan *p, bool dot)
{
    const wr_pscan *s = &p->scans[0];
    int used = 0;
    for (int i = 0; i < s->ncols; i++)
        used += s->used[i];
    const char *sep = dot ? "\\n" : " ";
    char n0[256], n1[256], n2[256], n3[256];
    snprintf(n0, sizeof n0, "Scan %s%sdecode %s, %d of %d columns", s->name,
             sep, wr_format_name(s->value_format), used, s->ncols);
    snprintf(n1, sizeof n1, "Filter%sWHERE", sep);
    if (p->agg)
        snprintf(n2, sizeof n2, "PartialAggregate%s%d keys, %d aggregates", sep,
                 p->agg->ngroup, p->agg->nagg);
    else
        snprintf(n2, sizeof n2, "Project%s%d columns", sep, p->nout);
    snprintf(n3, sizeof n3, "Sink %s%s%s",
             p->sink.name ? p->sink.name : "stdout", sep,
             wr_format_name(p->sink.value_format));
    if (!dot) {
        wr_buf_puts(b, "Stage 0 (narrow, one task per input slice chunk):\n");
        wr_buf_printf(b, "  %s%s\n", s->table ? "TableSource " : "", n0);
        static const char *const jk[] = {"INNER", "LEFT", "RIGHT", "FULL"};
        for (int j = 0; j < p->njoin; j++) {
            const wr_pjoin *pj = &p->joins[j];
            const wr_pscan *rs = &p->scans[pj->right_scan];
            wr_buf_printf(b, "  -> Join %s %s with %sScan %s%s\n",
                          pj->left_table    ? "table-table"
                          : pj->right_table ? "stream-table"
                                            : "stream-stream",
                          (unsigned)pj->type < 4 ? jk[pj->type] : "?",
                          rs->table ? "TableSource " : "", rs->name,
                          pj->windowed ? " (windowed)" : "");
        }
        if (p->agg && p->agg->table)
            wr_buf_printf(b,
                          "  -> TableChanges by %d key column%s (retract "
                          "the old row, add the new)\n",
                          p->agg->ntkey, p->agg->ntkey == 1 ? "" : "s");
        if (p->where)
            wr_buf_printf(b, "  -> %s\n", n1);
        if (p->wscan)
            wr_buf_printf(b,
                          "  -> WindowScan %s size=%lldms advance=%lldms "
                          "(rows kept until their windows close)\n",
                          wkind[p->wscan->window.kind],
                          (long long)p->wscan->window.size,
                          (long long)(p->wscan->window.kind == WR_W_HOPPING
                                          ? p->wscan->window.advance
                                          : p->wscan->window.size));
        wr_buf_printf(b, "  -> %s\n", n2);
        if (p->agg) {
            wr_buf_printf(b, "Shuffle: hash of the %d group key%s\n",
                          p->agg->ngroup, p->agg->ngroup == 1 ? "" : "s");
            wr_buf_puts(b, "Stage 1 (stateful, one task per key partition):\n");
            if (p->agg->window.kind)
                wr_buf_printf(
                    b,
                    "  WindowAggregate %s size=%lldms%s pane=%lld "
                    "grace=%lldms emit=%s\n",
                    wkind[p->agg->window.kind], (long long)p->agg->window.size,
                    p->agg->window.rows ? "(rows)" : "",
                    (long long)p->agg->pane, (long long)p->agg->grace,
                    p->agg->emit == WR_EMIT_FINAL ? "FINAL" : "CHANGES");
            else
                wr_buf_puts(b, "  Aggregate (final) emit=CHANGES\n");
            if (p->agg->having)
                wr_buf_puts(b, "  -> Filter HAVING\n");
            wr_buf_printf(b, "  -> Project %d columns\n", p->nout);
        }
        wr_buf_printf(b, "  -> %s\n", n3);
        return;
    }
    wr_buf_puts(b, "digraph weir {\n  rankdir=LR;\n  node [shape=box];\n");
    wr_buf_puts(b, "  subgraph cluster_0 { label=\"stage 0\";\n");
    wr_buf_printf(b, "    scan [label=\"%s\"];\n", n0);
    if (p->where)
        wr_buf_printf(b, "    filter [label=\"%s\"];\n", n1);
    wr_buf_printf(b, "    narrow [label=\"%s\"];\n  }\n", n2);
    if (p->agg) {
        wr_buf_puts(b, "  subgraph cluster_1 { label=\"stage 1\";\n");
        wr_buf_printf(b, "    agg [label=\"%sAggregate\"];\n",
                      p->agg->window.kind ? "Window" : "");
        if (p->agg->having)
            wr_buf_puts(b, "    having [label=\"Filter\\nHAVING\"];\n");
        wr_buf_puts(b, "    project [label=\"Project\"];\n  }\n");
    }
    wr_buf_printf(b, "  sink [label=\"%s\"];\n", n3);
    wr_buf_printf(b, "  scan -> %s;\n", p->where ? "filter" : "narrow");
    if (p->where)
        wr_buf_puts(b, "  filter -> narrow;\n");
    if (p->agg) {
        wr_buf_puts(b, "  narrow -> agg [label=\"shuffle\", style=dashed];\n");
        wr_buf_printf(b, "  agg -> %s;\n",
                      p->agg->having ? "having" : "project");
        if (p->agg->having)
            wr_buf_puts(b, "  having -> project;\n");
        wr_buf_puts(b, "  project -> sink;\n");
    } else {
        wr_buf_puts(b, "  narrow -> sink;\n");
    }
    wr_buf_puts(b, "}\n");
}

void wr_plan_print_dag(wr_buf *b, const wr_qplan *p, bool dot)
{
    dag_nodes(b, p, dot);
}
