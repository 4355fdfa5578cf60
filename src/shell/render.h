/*
 * render.h: how the interactive shell prints results: an aligned table
 * (the default), JSON lines or CSV.
 *
 * A result is a header (column names) and rows of cells. Every cell is
 * given as JSON text ("abc" quoted, 12, null, [1,2], {...}), the form
 * the executor's rows are encoded in; the table and CSV modes show
 * strings unquoted and NULL as "null" (table) or an empty field (CSV).
 *
 * Two ways to print:
 *   - streaming (push queries): each row is printed when it comes; a
 *     table's columns start as wide as the first row and widen when a
 *     later row needs it (the header is printed again, wider);
 *   - buffered (SHOW, DESCRIBE): rows are kept until the end, so the
 *     columns fit every row from the start.
 * Everything printed goes to `out` and, when set, to `spool` too (the
 * SPOOL command). The renderer owns copies of names and buffered cells.
 */
#ifndef WEIR_SHELL_RENDER_H
#define WEIR_SHELL_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum wr_rmode {
    WR_RMODE_TABLE,
    WR_RMODE_JSON,
    WR_RMODE_CSV,
} wr_rmode;

/* Parses "table", "json" or "csv"; returns false for anything else. */
bool wr_rmode_parse(const char *s, wr_rmode *m);
const char *wr_rmode_name(wr_rmode m);

typedef struct wr_render {
    wr_rmode mode; /* output format */
    FILE *out;     /* where results go (borrowed) */
    FILE *spool;   /* a copy of everything printed, or NULL (borrowed) */
    bool buffered; /* keep rows until wr_render_end */
    int ncols;     /* columns */
    char **names;  /* ncols copies */
    int *width;    /* table: display width of each column */
    bool started;  /* streaming: the header has been printed */
    char **cells;  /* buffered: nrows * ncols display texts (owned) */
    int64_t nrows; /* rows given so far */
    int64_t ncap;  /* buffered: capacity of cells, in rows */
    bool oom;      /* an allocation failed; rows were dropped */
} wr_render;

/* Starts a result of ncols columns named names (copied). out and spool
 * are borrowed until wr_render_end. Returns false when out of memory
 * (r is then still safe to end). */
bool wr_render_begin(wr_render *r, wr_rmode mode, FILE *out, FILE *spool,
                     bool buffered, int ncols, const char *const *names);

/* Adds a row of ncols cells, each JSON text of length lens[i] (NULL
 * cell: SQL NULL). Borrows the cells for the call. */
void wr_render_row(wr_render *r, const char *const *cells, const size_t *lens);

/* The same with NUL-terminated plain strings (not JSON): they are
 * printed as strings (quoted in JSON mode). NULL: SQL NULL. */
void wr_render_row_text(wr_render *r, const char *const *cells);

/* Ends the result: prints what is buffered, the table's last border and,
 * when footer is true, "N rows" in table mode. Frees r's memory. */
void wr_render_end(wr_render *r, bool footer);

/* Prints a message line (not a result) to out and the spool. */
void wr_render_say(FILE *out, FILE *spool, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
