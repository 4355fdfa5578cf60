/*
 * render.c: result printing of the interactive shell (see render.h).
 *
 * Cells arrive as JSON text and are turned, once, into what the mode
 * prints: the display text (table, CSV: strings unquoted, escapes
 * decoded) or the JSON text itself. Table widths count UTF-8 code points,
 * so a column of accented names stays aligned. A buffered result keeps
 * its converted cells in r->cells until wr_render_end prints them.
 */
#include "shell/render.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"

bool wr_rmode_parse(const char *s, wr_rmode *m)
{
    static const char *const names[] = {"table", "json", "csv"};
    for (int i = 0; i < 3; i++)
        if (!strcasecmp(s, names[i])) {
            *m = (wr_rmode)i;
            return true;
        }
    return false;
}

const char *wr_rmode_name(wr_rmode m)
{
    return m == WR_RMODE_JSON ? "json" : m == WR_RMODE_CSV ? "csv" : "table";
}

void wr_render_say(FILE *out, FILE *spool, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    if (spool) {
        va_start(ap, fmt);
        vfprintf(spool, fmt, ap);
        va_end(ap);
    }
}

/* Writes s[0..n) to out and the spool. */
static void emit(wr_render *r, const char *s, size_t n)
{
    if (!n)
        return;
    fwrite(s, 1, n, r->out);
    if (r->spool)
        fwrite(s, 1, n, r->spool);
}

static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void put_utf8(wr_buf *b, unsigned cp)
{
    if (cp < 0x80) {
        wr_buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        wr_buf_putc(b, (char)(0xC0 | cp >> 6));
        wr_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        wr_buf_putc(b, (char)(0xE0 | cp >> 12));
        wr_buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
        wr_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        wr_buf_putc(b, (char)(0xF0 | cp >> 18));
        wr_buf_putc(b, (char)(0x80 | (cp >> 12 & 0x3F)));
        wr_buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
        wr_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/* Appends the display text of JSON cell j[0..n) to b: a string literal
 * decoded (control characters as spaces when one_line), other JSON as it
 * is, NULL as null_text. */
static void display(wr_buf *b, const char *j, size_t n, const char *null_text,
                    bool one_line)
{
    if (!j || (n == 4 && !memcmp(j, "null", 4))) {
        wr_buf_puts(b, null_text);
        return;
    }
    if (n < 2 || j[0] != '"' || j[n - 1] != '"') {
        wr_buf_putn(b, j, n);
        return;
    }
    for (size_t i = 1; i + 1 < n; i++) {
        unsigned char c = (unsigned char)j[i];
        if (c == '\\' && i + 2 < n) {
            char e = j[++i];
            unsigned cp = (unsigned char)e;
            switch (e) {
            case 'n':
                cp = '\n';
                break;
            case 't':
                cp = '\t';
                break;
            case 'r':
                cp = '\r';
                break;
            case 'b':
                cp = '\b';
                break;
            case 'f':
                cp = '\f';
                break;
            case 'u':
                if (i + 4 < n) {
                    char hex[5] = {j[i + 1], j[i + 2], j[i + 3], j[i + 4], 0};
                    cp = (unsigned)strtoul(hex, NULL, 16);
                    i += 4;
                }
                break;
            default:
                break;
            }
            if (one_line && cp < 0x20)
                cp = ' ';
            put_utf8(b, cp);
        } else {
            wr_buf_putc(b, (char)(one_line && c < 0x20 ? ' ' : c));
        }
    }
}

/* Appends s as a JSON string literal. */
static void json_str(wr_buf *b, const char *s)
{
    wr_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            wr_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            wr_buf_puts(b, "\\n");
        else if (c == '\t')
            wr_buf_puts(b, "\\t");
        else if (c < 0x20)
            wr_buf_printf(b, "\\u%04x", c);
        else
            wr_buf_putc(b, (char)c);
    }
    wr_buf_putc(b, '"');
}

/* Appends s as a CSV field, quoted when it holds , " or a line break. */
static void csv_field(wr_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        wr_buf_puts(b, s);
        return;
    }
    wr_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            wr_buf_putc(b, '"');
        wr_buf_putc(b, *s);
    }
    wr_buf_putc(b, '"');
}

bool wr_render_begin(wr_render *r, wr_rmode mode, FILE *out, FILE *spool,
                     bool buffered, int ncols, const char *const *names)
{
    memset(r, 0, sizeof *r);
    r->mode = mode;
    r->out = out;
    r->spool = spool;
    r->buffered = buffered;
    r->names = calloc((size_t)ncols + 1, sizeof *r->names);
    r->width = calloc((size_t)ncols + 1, sizeof *r->width);
    if (!r->names || !r->width) {
        r->oom = true;
        return false;
    }
    r->ncols = ncols;
    for (int i = 0; i < ncols; i++) {
        r->names[i] = strdup(names[i]);
        if (!r->names[i]) {
            r->oom = true;
            return false;
        }
        r->width[i] = text_width(names[i]);
    }
    return true;
}

static void border(wr_render *r, wr_buf *b)
{
    for (int i = 0; i < r->ncols; i++) {
        wr_buf_putc(b, '+');
        for (int k = 0; k < r->width[i] + 2; k++)
            wr_buf_putc(b, '-');
    }
    wr_buf_puts(b, "+\n");
}

/* Appends one table line of cells (display texts). */
static void table_line(wr_render *r, wr_buf *b, char *const *cells)
{
    for (int i = 0; i < r->ncols; i++) {
        wr_buf_puts(b, "| ");
        wr_buf_puts(b, cells[i]);
        for (int k = text_width(cells[i]); k < r->width[i] + 1; k++)
            wr_buf_putc(b, ' ');
    }
    wr_buf_puts(b, "|\n");
}

static void header(wr_render *r, wr_buf *b)
{
    if (r->mode == WR_RMODE_TABLE) {
        border(r, b);
        table_line(r, b, r->names);
        border(r, b);
    } else if (r->mode == WR_RMODE_CSV) {
        for (int i = 0; i < r->ncols; i++) {
            if (i)
                wr_buf_putc(b, ',');
            csv_field(b, r->names[i]);
        }
        wr_buf_putc(b, '\n');
    }
}

/* Appends one row of converted cells as the mode prints it. */
static void row_out(wr_render *r, wr_buf *b, char *const *cells)
{
    if (r->mode == WR_RMODE_TABLE) {
        table_line(r, b, cells);
    } else if (r->mode == WR_RMODE_CSV) {
        for (int i = 0; i < r->ncols; i++) {
            if (i)
                wr_buf_putc(b, ',');
            csv_field(b, cells[i]);
        }
        wr_buf_putc(b, '\n');
    } else {
        wr_buf_putc(b, '{');
        for (int i = 0; i < r->ncols; i++) {
            if (i)
                wr_buf_putc(b, ',');
            json_str(b, r->names[i]);
            wr_buf_putc(b, ':');
            wr_buf_puts(b, cells[i]);
        }
        wr_buf_puts(b, "}\n");
    }
}

/* Takes a row of converted cells (ownership of the strings). */
static void add_row(wr_render *r, char **cells)
{
    bool wider = false;
    for (int i = 0; i < r->ncols; i++) {
        int w = text_width(cells[i]);
        if (w > r->width[i]) {
            r->width[i] = w;
            wider = true;
        }
    }
    if (r->buffered) {
        if (r->nrows == r->ncap) {
            int64_t cap = r->ncap ? r->ncap * 2 : 16;
            char **nc =
                realloc(r->cells, sizeof *nc * (size_t)(cap * r->ncols + 1));
            if (!nc) {
                r->oom = true;
                for (int i = 0; i < r->ncols; i++)
                    free(cells[i]);
                return;
            }
            r->cells = nc;
            r->ncap = cap;
        }
        memcpy(r->cells + r->nrows * r->ncols, cells,
               sizeof *cells * (size_t)r->ncols);
        r->nrows++;
        return;
    }
    wr_buf b = WR_BUF_INIT;
    if (!r->started || (wider && r->mode == WR_RMODE_TABLE)) {
        if (r->started) /* close the narrower table, start a wider one */
            border(r, &b);
        header(r, &b);
        r->started = true;
    }
    row_out(r, &b, cells);
    emit(r, b.s, b.len);
    fflush(r->out);
    if (r->spool)
        fflush(r->spool);
    wr_buf_fini(&b);
    r->nrows++;
    for (int i = 0; i < r->ncols; i++)
        free(cells[i]);
}

void wr_render_row(wr_render *r, const char *const *cells, const size_t *lens)
{
    if (r->oom)
        return;
    char **conv = calloc((size_t)r->ncols + 1, sizeof *conv);
    if (!conv) {
        r->oom = true;
        return;
    }
    for (int i = 0; i < r->ncols; i++) {
        wr_buf b = WR_BUF_INIT;
        if (r->mode == WR_RMODE_JSON)
            wr_buf_putn(&b, cells[i] ? cells[i] : "null",
                        cells[i] ? lens[i] : 4);
        else
            display(&b, cells[i], cells[i] ? lens[i] : 0,
                    r->mode == WR_RMODE_CSV ? "" : "null",
                    r->mode == WR_RMODE_TABLE);
        conv[i] = b.oom ? NULL : wr_buf_take(&b);
        if (!conv[i])
            conv[i] = strdup("");
        if (!conv[i])
            r->oom = true;
    }
    if (!r->oom)
        add_row(r, conv);
    else
        for (int i = 0; i < r->ncols; i++)
            free(conv[i]);
    free(conv);
}

void wr_render_row_text(wr_render *r, const char *const *cells)
{
    char **json = calloc((size_t)r->ncols + 1, sizeof *json);
    size_t *lens = calloc((size_t)r->ncols + 1, sizeof *lens);
    if (!json || !lens) {
        free(json);
        free(lens);
        r->oom = true;
        return;
    }
    for (int i = 0; i < r->ncols; i++) {
        if (!cells[i])
            continue;
        wr_buf b = WR_BUF_INIT;
        json_str(&b, cells[i]);
        lens[i] = b.len;
        json[i] = wr_buf_take(&b);
    }
    wr_render_row(r, (const char *const *)json, lens);
    for (int i = 0; i < r->ncols; i++)
        free(json[i]);
    free(json);
    free(lens);
}

void wr_render_end(wr_render *r, bool footer)
{
    wr_buf b = WR_BUF_INIT;
    if (r->buffered && r->names) {
        header(r, &b);
        for (int64_t k = 0; k < r->nrows; k++)
            row_out(r, &b, r->cells + k * r->ncols);
    } else if (!r->started && r->names && r->mode != WR_RMODE_JSON) {
        header(r, &b); /* no rows: still show the columns */
    }
    if (r->mode == WR_RMODE_TABLE && r->names)
        border(r, &b);
    if (footer && r->mode == WR_RMODE_TABLE)
        wr_buf_printf(&b, "%lld row%s\n", (long long)r->nrows,
                      r->nrows == 1 ? "" : "s");
    if (r->out)
        emit(r, b.s, b.len);
    wr_buf_fini(&b);
    for (int64_t k = 0; r->cells && k < r->nrows * r->ncols; k++)
        free(r->cells[k]);
    free(r->cells);
    for (int i = 0; r->names && i < r->ncols; i++)
        free(r->names[i]);
    free(r->names);
    free(r->width);
    if (r->out)
        fflush(r->out);
    memset(r, 0, sizeof *r);
}
