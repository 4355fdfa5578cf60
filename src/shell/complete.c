/*
 * complete.c: Tab completion of the interactive shell.
 *
 * The word before the cursor (letters, digits, '_', and '.' inside a
 * quoted property name) is completed from what fits where it stands:
 *   - a meta command (".mo" -> ".mode") at the start of an input;
 *   - a session property inside the quotes after SET or UNSET;
 *   - otherwise SQL keywords (the parser's table), stream and table names
 *     from the catalog, the columns of the streams and tables the
 *     statement names so far, and function names (the registry).
 * The case of the typed prefix is kept: "sel" completes to "select",
 * "SEL" to "SELECT". One candidate is inserted (with a space after a
 * whole word); several insert their common prefix, and a second Tab
 * lists them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/func.h"
#include "parser/parse.h"
#include "planner/props.h"
#include "shell/repl_int.h"

/* Offered after SET: the session properties weir knows
 * (wr_props_session_key), then these common kafka.* ones (kafka.* and
 * ksql.* are free). */
static const char *const kafka_props[] = {
    "kafka.bootstrap.servers", "kafka.security.protocol",
    "kafka.sasl.mechanisms",   "kafka.sasl.username",
    "kafka.sasl.password",     "kafka.max.rate.per.partition",
    "kafka.group.id",
};

static const char *const metas[] = {".help", ".mode",    ".timer",
                                    ".read", ".datagen", ".quit"};

typedef struct cands {
    const char *prefix; /* the typed word */
    size_t plen;
    bool lower; /* the prefix is lower case: offer lower case */
    wr_buf *out;
    int n;
} cands;

/* Adds name when it starts with the prefix (case-insensitively) and is
 * not already there. */
static void offer(cands *c, const char *name)
{
    if (strncasecmp(name, c->prefix, c->plen) != 0)
        return;
    wr_buf_printf(c->out, "%s%s\n", c->prefix, name + c->plen);
    /* Replace the part after the prefix with the chosen case. */
    size_t start = c->out->len - strlen(name) - 1;
    for (size_t i = start + c->plen; i + 1 < c->out->len; i++)
        c->out->s[i] = (char)(c->lower ? tolower((unsigned char)c->out->s[i])
                                       : toupper((unsigned char)c->out->s[i]));
    /* Drop a duplicate (the list is short). */
    const char *line = c->out->s + start;
    size_t ll = c->out->len - start;
    for (const char *p = c->out->s; p < line; p = strchr(p, '\n') + 1)
        if (!strncmp(p, line, ll)) {
            c->out->len = start;
            c->out->s[start] = '\0';
            return;
        }
    c->n++;
}

static bool word_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

/* Whether text (a statement so far) names source name as a word. */
static bool mentions(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; *p; p++)
        if (!strncasecmp(p, name, n) && (p == text || !word_char(p[-1])) &&
            !word_char(p[n]))
            return true;
    return false;
}

/* The last word of text before its end, upper-cased into w[n] ("" when
 * none). */
static void last_word(const char *text, size_t end, char *w, size_t n)
{
    size_t e = end;
    while (e > 0 && strchr(" \t\r\n'", text[e - 1]))
        e--;
    size_t b = e;
    while (b > 0 && word_char(text[b - 1]))
        b--;
    size_t k = 0;
    for (; b < e && k + 1 < n; b++)
        w[k++] = (char)toupper((unsigned char)text[b]);
    w[k] = '\0';
}

void wr_shell_complete_list(wr_shell *sh, const char *before, const char *line,
                            wr_buf *out, size_t *word)
{
    size_t ll = strlen(line), ws = ll;
    bool in_quote = false;
    for (size_t i = 0; i < ll; i++)
        if (line[i] == '\'')
            in_quote = !in_quote;
    while (ws > 0 && (word_char(line[ws - 1]) ||
                      ((in_quote || ws == 1 + strspn(line, " \t")) &&
                       line[ws - 1] == '.')))
        ws--;
    *word = ll - ws;
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%.*s", (int)(ll - ws), line + ws);
    bool lower = false;
    for (const char *p = prefix; *p; p++)
        if (islower((unsigned char)*p))
            lower = true;
    cands c = {prefix, strlen(prefix), lower, out, 0};

    /* A meta command. */
    if (!*before && prefix[0] == '.') {
        c.lower = true;
        for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++)
            offer(&c, metas[i]);
        return;
    }
    wr_buf all = WR_BUF_INIT;
    wr_buf_puts(&all, before);
    wr_buf_putn(&all, line, ws);
    const char *text = wr_buf_str(&all);
    char prev[64];
    last_word(text, all.len, prev, sizeof prev);
    /* A property name after SET / UNSET. */
    if (in_quote && (!strcmp(prev, "SET") || !strcmp(prev, "UNSET"))) {
        c.lower = true;
        for (int i = 0; wr_props_session_key(i); i++)
            offer(&c, wr_props_session_key(i));
        for (size_t i = 0; i < sizeof kafka_props / sizeof kafka_props[0]; i++)
            offer(&c, kafka_props[i]);
        const wr_catalog *cat = wr_engine_catalog(sh->e);
        for (int i = 0; i < wr_catalog_prop_count(cat); i++)
            offer(&c, wr_catalog_prop_at(cat, i)->key);
        wr_buf_fini(&all);
        return;
    }
    if (in_quote) {
        wr_buf_fini(&all);
        return;
    }
    const wr_catalog *cat = wr_engine_catalog(sh->e);
    bool after_source_word = !strcmp(prev, "FROM") || !strcmp(prev, "JOIN") ||
                             !strcmp(prev, "DESCRIBE") || !strcmp(prev, "INTO");
    /* Names first: after FROM, JOIN, INTO, DESCRIBE only names. */
    for (int i = 0; i < wr_catalog_count(cat); i++)
        offer(&c, wr_catalog_at(cat, i)->name);
    if (!after_source_word && *prefix) {
        for (int i = 0; i < wr_catalog_count(cat); i++) {
            const wr_source *s = wr_catalog_at(cat, i);
            if (!mentions(text, s->name))
                continue;
            for (int k = 0; k < s->ncols; k++)
                offer(&c, s->cols[k].name);
        }
        for (int i = 0; i < wr_keyword_count(); i++)
            offer(&c, wr_keyword_at(i));
        for (int i = 0; i < wr_func_count(); i++)
            offer(&c, wr_func_at(i)->name);
    }
    wr_buf_fini(&all);
}

/* The libedit function bound to Tab. */
static unsigned char complete(EditLine *el, int ch)
{
    (void)ch;
    void *ctx = NULL;
    el_get(el, EL_CLIENTDATA, &ctx);
    wr_shell *sh = ctx;
    const LineInfo *li = el_line(el);
    size_t n = (size_t)(li->cursor - li->buffer);
    char *line = strndup(li->buffer, n);
    if (!line)
        return CC_ERROR;
    bool quoted = false; /* the word is inside quotes (a property) */
    for (size_t i = 0; i < n; i++)
        quoted ^= line[i] == '\'';
    wr_buf out = WR_BUF_INIT;
    size_t word = 0;
    /* The statement's earlier lines, without statements that ran. */
    wr_shell_complete_list(sh, wr_buf_str(&sh->pending) + sh->pending_done,
                           line, &out, &word);
    free(line);
    int count = 0;
    for (size_t i = 0; i < out.len; i++)
        count += out.s[i] == '\n';
    unsigned char rc = CC_REFRESH;
    if (count == 0) {
        rc = CC_ERROR; /* beep */
    } else if (count == 1) {
        out.s[out.len - 1] = '\0';
        el_deletestr(el, (int)word);
        el_insertstr(el, out.s);
        if (quoted) /* a whole property name: close its quotes */
            el_insertstr(el, "'");
        else if (out.s[0] != '.' || !strchr(out.s, ' '))
            el_insertstr(el, " ");
    } else {
        /* The common prefix of all candidates. */
        size_t common = strcspn(out.s, "\n");
        for (const char *p = out.s; *p; p = strchr(p, '\n') + 1) {
            size_t k = 0;
            while (k < common && p[k] == out.s[k])
                k++;
            common = k;
        }
        if (common > word) {
            char *ins = strndup(out.s, common);
            if (ins) {
                el_deletestr(el, (int)word);
                el_insertstr(el, ins);
            }
            free(ins);
        } else {
            /* List them under the line, then redraw the prompt. */
            fputc('\n', stdout);
            int col = 0;
            for (const char *p = out.s; *p; p = strchr(p, '\n') + 1) {
                int w = (int)strcspn(p, "\n");
                if (col && col + w + 2 > 78) {
                    fputc('\n', stdout);
                    col = 0;
                }
                printf("%.*s  ", w, p);
                col += w + 2;
            }
            fputc('\n', stdout);
            fflush(stdout);
            rc = CC_REDISPLAY;
        }
    }
    wr_buf_fini(&out);
    return rc;
}

void wr_shell_complete_init(EditLine *el, wr_shell *sh)
{
    (void)sh;
    el_set(el, EL_ADDFN, "weir-complete", "complete a word", complete);
    el_set(el, EL_BIND, "^I", "weir-complete", NULL);
}
