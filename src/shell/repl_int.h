/*
 * repl_int.h: declarations shared by the files of the interactive shell:
 * repl.c (the loop, statements, meta commands), complete.c (Tab
 * completion) and bgquery.c (persistent queries in background threads).
 */
#ifndef WEIR_SHELL_REPL_INT_H
#define WEIR_SHELL_REPL_INT_H

#include <histedit.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/buf.h"
#include "shell/render.h"
#include "shell/shell.h"
#include "weir/weir.h"

typedef struct wr_bgq wr_bgq;

/* A statement that shaped the catalog (sh->log). A UNION ALL statement is
 * run as one statement per branch (engine.c): each branch the shell ran
 * is logged with the statement's whole text and its branch number, so
 * that a replay can prepare the branches in turn from one text. */
typedef struct wr_logged {
    char *sql;  /* the statement's text (owned) */
    int branch; /* its UNION ALL branch (0..n-1); 0 for other statements */
} wr_logged;

typedef struct wr_shell {
    weir_engine *e;      /* the session's catalog and properties */
    wr_rmode mode;       /* .mode / --output */
    bool timer;          /* .timer on */
    bool tty;            /* stdin is a terminal: prompts and libedit */
    FILE *spool;         /* SPOOL 'file': a copy of the results, or NULL */
    int failed;          /* statements that failed */
    int nq;              /* push queries run (their ids) */
    EditLine *el;        /* line editor (tty only) */
    History *hist;       /* its history */
    char *histfile;      /* where the history is kept, or NULL */
    wr_buf pending;      /* lines of a statement not yet ended by ';', from
                            the start of its first line */
    size_t pending_done; /* pending[0..done): statements that ran */
    int pending_line;    /* the input line pending starts (piped input's
                            errors count lines from the start) */
    wr_bgq **bg;         /* persistent queries started here */
    int nbg;             /* their count */
    wr_logged *log;      /* statements that shaped the catalog, in order, so
                            that a background query gets its own engine */
    int nlog;            /* their count */
    dev_t sdev[17];      /* the scripts being run (.read, RUN SCRIPT),
                            outermost first, by device and inode: a script
                            cannot run itself */
    ino_t sino[17];      /* (their inodes) */
} wr_shell;

/* The text of statement s (without ';'), copied. Caller frees. */
char *wr_shell_stmt_text(const char *sql, const weir_stmt *s);

/* Installs Tab completion (complete.c) on el; sh is borrowed for el's
 * lifetime. */
void wr_shell_complete_init(EditLine *el, wr_shell *sh);

/* Appends the completions of the word that ends at the end of line
 * (text typed so far: before, the previous lines of the statement, then
 * line), one per line, to out. For tests and the completion function. */
void wr_shell_complete_list(wr_shell *sh, const char *before, const char *line,
                            wr_buf *out, size_t *word);

/* ---- background queries (bgquery.c) ------------------------------------
 */

/* Starts the persistent query of the statement logged last in sh->log
 * (CREATE ... AS SELECT, INSERT INTO ... SELECT, or a branch of a UNION
 * ALL one, already applied in sh's engine as query id) in a thread with
 * an engine of its own, built by replaying the statements logged before
 * it. Borrows sh and id. Returns false with st set. */
bool wr_bgq_start(wr_shell *sh, const char *id, weir_status *st);

/* The state of a query started here: "RUNNING", "DONE", "ERROR: ...",
 * or NULL when id was not started here. Copies into buf[n]. */
const char *wr_bgq_state(wr_shell *sh, const char *id, char *buf, size_t n);

/* Appends the statistics of query id (rates, processing time, scheduling
 * delay, late and dropped records) as "key\tvalue\n" lines. */
void wr_bgq_stats(wr_shell *sh, const char *id, wr_buf *out);

/* Appends query id's DAG; false when it was not started here. */
bool wr_bgq_explain(wr_shell *sh, const char *id, wr_buf *out);

/* Stops query id (NULL: all) and waits for its thread. */
void wr_bgq_stop(wr_shell *sh, const char *id);

/* Stops every query and frees them (at exit). */
void wr_bgq_free_all(wr_shell *sh);

#endif
