/*
 * diag.c: positioned error rendering (see diag.h). Spans are byte offsets;
 * this file is the only place that turns them into lines and columns.
 */
#include "shell/diag.h"

#include <string.h>

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

void wr_diag_linecol(const char *text, size_t len, size_t off, int *line,
                     int *col)
{
    int l = 1, c = 1;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else if (!is_cont((unsigned char)text[i])) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

void wr_diag_print(FILE *out, const char *file, const char *text, size_t len,
                   const weir_status *st)
{
    wr_diag_print_at(out, file, 1, text, len, st);
}

void wr_diag_print_at(FILE *out, const char *file, int line0, const char *text,
                      size_t len, const weir_status *st)
{
    if (st->loc.off < 0 || (size_t)st->loc.off > len) {
        fprintf(out, "%s: error: %s\n", file, st->msg);
        return;
    }
    size_t off = (size_t)st->loc.off;
    int line, col;
    wr_diag_linecol(text, len, off, &line, &col);
    line += line0 - 1;
    fprintf(out, "%s:%d:%d: error: %s\n", file, line, col, st->msg);

    size_t bol = off;
    while (bol > 0 && text[bol - 1] != '\n')
        bol--;
    size_t eol = off;
    while (eol < len && text[eol] != '\n' && text[eol] != '\0')
        eol++;
    /* Show at most WIDTH bytes of a long line, around the error. */
    enum { WIDTH = 120, BEFORE = 60 };
    size_t from = bol, to = eol;
    if (eol - bol > WIDTH) {
        if (off > bol + BEFORE)
            from = off - BEFORE;
        while (from > bol && is_cont((unsigned char)text[from]))
            from--;
        to = from + WIDTH < eol ? from + WIDTH : eol;
        while (to < eol && is_cont((unsigned char)text[to]))
            to++;
    }
    const char *pre = from > bol ? "..." : "";
    char num[16];
    int w = snprintf(num, sizeof num, "%d", line);
    fprintf(out, " %s | %s", num, pre);
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)text[i];
        fputc(c == '\r' ? ' ' : (c < 0x20 && c != '\t') ? '?' : c, out);
    }
    fputs(to < eol ? "...\n" : "\n", out);
    fprintf(out, " %*s | %s", w, "", *pre ? "   " : "");
    for (size_t i = from; i < off; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\t')
            fputc('\t', out);
        else if (!is_cont(c))
            fputc(' ', out);
    }
    fputc('^', out);
    /* Underline the rest of the span on the shown part of the line. */
    size_t end = off + (st->loc.len > 0 ? (size_t)st->loc.len : 1);
    if (end > to)
        end = to;
    for (size_t i = off + 1; i < end; i++)
        if (!is_cont((unsigned char)text[i]))
            fputc('~', out);
    fputc('\n', out);
}
