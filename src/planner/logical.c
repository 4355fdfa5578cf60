/*
 * logical.c: printing of logical plans (`weir explain`).
 *
 * One node per line, children indented by two spaces, the root first:
 *
 *   Sink: TABLE OUTPUT (topic OUTPUT, key KAFKA, value JSON)
 *     Project: ID INTEGER KEY := ID, TOTAL BIGINT := COUNT(*)
 *       Aggregate: GROUP BY ID; COUNT(*); window TUMBLING size 30 s
 *         Scan: STREAM INPUT (topic input, key KAFKA, value JSON)
 *
 * The format is for people and golden tests; nothing parses it.
 */
#include "planner/logical.h"

#include <inttypes.h>
#include <string.h>

static void print_ms(wr_buf *b, int64_t ms, bool rows)
{
    if (rows)
        wr_buf_printf(b, "%" PRId64 " rows", ms);
    else if (ms % 86400000 == 0 && ms)
        wr_buf_printf(b, "%" PRId64 " d", ms / 86400000);
    else if (ms % 3600000 == 0 && ms)
        wr_buf_printf(b, "%" PRId64 " h", ms / 3600000);
    else if (ms % 60000 == 0 && ms)
        wr_buf_printf(b, "%" PRId64 " min", ms / 60000);
    else if (ms % 1000 == 0 && ms)
        wr_buf_printf(b, "%" PRId64 " s", ms / 1000);
    else
        wr_buf_printf(b, "%" PRId64 " ms", ms);
}

static void print_source(wr_buf *b, const wr_source *s)
{
    wr_buf_printf(b, "%s %s (topic %s, key %s, value %s",
                  s->table ? "TABLE" : "STREAM", s->name,
                  s->topic ? s->topic : "?", wr_format_name(s->key_format),
                  wr_format_name(s->value_format));
    if (s->timestamp)
        wr_buf_printf(b, ", timestamp %s", s->timestamp);
    if (s->partitions)
        wr_buf_printf(b, ", partitions %d", s->partitions);
    wr_buf_putc(b, ')');
}

static void print_list(wr_buf *b, const wr_list *l)
{
    for (int i = 0; l && i < l->n; i++) {
        if (i)
            wr_buf_puts(b, ", ");
        wr_ast_expr_sql(b, l->item[i]);
    }
}

static void print_cols(wr_buf *b, const wr_lnode *n, bool exprs)
{
    char t[160];
    for (int i = 0; i < n->ncols; i++) {
        const wr_out_col *c = &n->cols[i];
        wr_buf_printf(b, "%s%s %s%s", i ? ", " : "", c->name,
                      wr_type_format(c->type, t, sizeof t),
                      c->key ? " KEY" : "");
        if (exprs && c->expr) {
            wr_buf_puts(b, " := ");
            wr_ast_expr_sql(b, c->expr);
        }
    }
}

static void print_node(wr_buf *b, const wr_query *q, const wr_lnode *n, int ind)
{
    static const char *const jt[] = {"INNER", "LEFT OUTER", "RIGHT OUTER",
                                     "FULL OUTER"};
    static const char *const wk[] = {"", "TUMBLING", "HOPPING", "SESSION"};
    static const char *const em[] = {"CHANGES", "CHANGES", "FINAL"};
    wr_buf_indent(b, ind);
    switch (n->kind) {
    case WR_L_SCAN: {
        const wr_scope_src *s = &q->srcs[n->src];
        wr_buf_puts(b, "Scan: ");
        print_source(b, s->src);
        if (s->aliased)
            wr_buf_printf(b, " AS %s", s->alias);
        wr_buf_putc(b, '\n');
        return;
    }
    case WR_L_JOIN:
        wr_buf_printf(b, "Join: %s %s ON ", n->join_desc, jt[n->join_type]);
        wr_ast_expr_sql(b, n->left_key);
        wr_buf_puts(b, " = ");
        wr_ast_expr_sql(b, n->right_key);
        if (n->windowed_join) {
            wr_buf_puts(b, " WITHIN ");
            if (n->within_before == n->within_after) {
                print_ms(b, n->within_before, false);
            } else {
                wr_buf_puts(b, "(");
                print_ms(b, n->within_before, false);
                wr_buf_puts(b, " before, ");
                print_ms(b, n->within_after, false);
                wr_buf_puts(b, " after)");
            }
        }
        if (n->join_grace >= 0) {
            wr_buf_puts(b, " GRACE ");
            print_ms(b, n->join_grace, false);
        }
        wr_buf_putc(b, '\n');
        print_node(b, q, n->input, ind + 2);
        print_node(b, q, n->right, ind + 2);
        return;
    case WR_L_FILTER:
        wr_buf_printf(b, "Filter (%s): ", n->what);
        wr_ast_expr_sql(b, n->pred);
        wr_buf_putc(b, '\n');
        break;
    case WR_L_REPARTITION:
        wr_buf_puts(b, "Repartition: PARTITION BY ");
        print_list(b, n->partition);
        wr_buf_putc(b, '\n');
        break;
    case WR_L_WINDOW:
        wr_buf_printf(b, "WindowScan: window %s size ", wk[n->window.kind]);
        print_ms(b, n->window.size, false);
        if (n->window.kind == 2) {
            wr_buf_puts(b, " advance ");
            print_ms(b, n->window.advance, false);
        }
        wr_buf_puts(b, "; emit FINAL\n");
        break;
    case WR_L_AGGREGATE:
        wr_buf_puts(b, "Aggregate:");
        if (n->group) {
            wr_buf_puts(b, " GROUP BY ");
            print_list(b, n->group);
            wr_buf_puts(b, ";");
        }
        wr_buf_puts(b, " aggregates ");
        print_list(b, n->aggs);
        if (n->window.kind) {
            wr_buf_printf(b, "; window %s size ", wk[n->window.kind]);
            print_ms(b, n->window.size, n->window.rows);
            if (n->window.kind == 2) {
                wr_buf_puts(b, " advance ");
                print_ms(b, n->window.advance, n->window.rows);
            }
            if (n->window.grace >= 0) {
                wr_buf_puts(b, " grace ");
                print_ms(b, n->window.grace, false);
            }
            if (n->window.retention >= 0) {
                wr_buf_puts(b, " retention ");
                print_ms(b, n->window.retention, false);
            }
        }
        wr_buf_printf(b, "; emit %s\n", em[n->emit]);
        break;
    case WR_L_PROJECT:
        wr_buf_puts(b, "Project: ");
        print_cols(b, n, true);
        wr_buf_putc(b, '\n');
        break;
    case WR_L_SINK:
        wr_buf_printf(b, "Sink: %s", n->create ? "CREATE " : "INSERT INTO ");
        print_source(b, n->sink);
        if (n->sink->window.kind) {
            wr_buf_printf(b, " windowed %s", wk[n->sink->window.kind]);
        }
        wr_buf_putc(b, '\n');
        break;
    }
    if (n->input)
        print_node(b, q, n->input, ind + 2);
}

void wr_plan_print(wr_buf *b, const wr_query *q)
{
    if (!q || !q->plan)
        return;
    if (q->plan->kind != WR_L_SINK)
        wr_buf_printf(b, "Push query: %s%s%s\n",
                      q->result_table ? "TABLE" : "STREAM",
                      q->limit ? " LIMIT " : "", q->limit ? q->limit : "");
    print_node(b, q, q->plan, q->plan->kind != WR_L_SINK ? 2 : 0);
}
