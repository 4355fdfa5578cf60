/*
 * diag.h: rendering of positioned errors for people and tools:
 *
 *   FILE:LINE:COL: error: MESSAGE
 *     3 | CREATE STREAM s (id INTEGR) WITH (...);
 *       |                     ^~~~~~
 *
 * The first line is the format gcc, editors and CI annotators understand.
 * Columns count characters (UTF-8 code points), from 1.
 */
#ifndef WEIR_SHELL_DIAG_H
#define WEIR_SHELL_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "weir/status.h"

/* Line and column (both from 1) of byte offset off in text[0..len). */
void wr_diag_linecol(const char *text, size_t len, size_t off, int *line,
                     int *col);

/* Prints st as a diagnostic for file (a display name) whose contents are
 * text[0..len). Without a position (st->loc.off < 0) prints only the first
 * line, without LINE:COL. Borrows everything. */
void wr_diag_print(FILE *out, const char *file, const char *text, size_t len,
                   const weir_status *st);

/* The same for a piece of a longer input: text[0..len) starts at the
 * beginning of line line0 (from 1) of file, so LINE counts from the start
 * of the input (the shell's piped stdin runs it a statement at a time).
 * Borrows everything. */
void wr_diag_print_at(FILE *out, const char *file, int line0, const char *text,
                      size_t len, const weir_status *st);

#endif
