/*
 * shell.h: the weir program's commands (one file each) and shared helpers.
 */
#ifndef WEIR_SHELL_SHELL_H
#define WEIR_SHELL_SHELL_H

#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"
#include "engine/engine_int.h"
#include "exec/exec.h"

/* Reads a whole file (or stdin for "-") into a NUL-terminated heap buffer;
 * *len gets its length. NULL with errno set on failure. Caller frees. */
char *wr_shell_read_file(const char *path, size_t *len);

/* `weir test ...` and `weir run ...`: argv after the command word. Return
 * the process exit status. */
int wr_cmd_test(int argc, char **argv);
int wr_cmd_run(int argc, char **argv);
int wr_cmd_broker(int argc, char **argv);
int wr_cmd_datagen(int argc, char **argv);

/* Milliseconds of the monotonic clock, and since the epoch. */
int64_t wr_shell_mono_ms(void);
int64_t wr_shell_epoch_ms(void);

/* Where `weir run` writes a query's rows: a FILE= sink's file (one value
 * per line), or stdout as JSON objects (file NULL). */
typedef struct wr_runout {
    FILE *file;
    wr_buf line; /* scratch */
} wr_runout;

/* The output callback of `weir run` (ctx: a wr_runout). */
weir_rc wr_run_print_row(void *ctx, const wr_qplan *p, const wr_out *o,
                         weir_status *st);

/* Options of the streaming loop of `weir run`. */
typedef struct wr_runopts {
    int threads;
    int64_t interval;     /* batch interval in ms; 0: back to back */
    int64_t idle;         /* idle timeout of event-time windows, 0: none */
    bool until_caught_up; /* stop at the sources' ends taken at start */
    /* Sample generators: "TOPIC=QUICKSTART[:COUNT[:RATE]]" (weir datagen
     * inside the run: COUNT records, 0 = until the run stops, RATE per
     * second, 0 = at once; a COUNT at once is written before the first
     * batch). */
    const char *const *datagen;
    int ndatagen;
} wr_runopts;

/* Runs the plans (queries reading Kafka) together, one batch after the
 * other, until SIGINT/SIGTERM (or, until_caught_up, the ends of the
 * sources as they were at start). Borrows e and the plans. Returns the
 * exit status (0, or 1 when a query failed). */
int wr_run_stream(weir_engine *e, wr_qplan *const *plans, int n,
                  const wr_runopts *o);

#endif
