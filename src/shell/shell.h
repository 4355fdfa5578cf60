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

/* The file that RUN SCRIPT 'path' names when it is written in file from
 * (NULL, "-" or a name in angle brackets such as "<stdin>": not a file):
 * path itself when it is absolute or from has no directory, else path
 * taken from from's directory ("sql/main.sql" and "x.sql" give
 * "sql/x.sql"). Borrows both. Caller frees; NULL when out of memory. */
char *wr_shell_script_path(const char *from, const char *path);

/* `weir test ...` and `weir run ...`: argv after the command word. Return
 * the process exit status. */
int wr_cmd_test(int argc, char **argv);
int wr_cmd_run(int argc, char **argv);
int wr_cmd_broker(int argc, char **argv);
int wr_cmd_datagen(int argc, char **argv);
/* The interactive shell (`weir`, `weir -e SQL`, `weir --output MODE`):
 * argv after the program name. */
int wr_cmd_shell(int argc, char **argv);

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
    /* Optional, for the interactive shell (zero: as `weir run`). */
    wr_out_fn out;      /* push queries' rows go here instead of stdout */
    void *out_ctx;      /* its ctx */
    volatile int *stop; /* set: the loop stops when *stop becomes
                           non-zero and installs no signal handlers (a
                           query running in a background thread); its
                           Kafka clients' waits watch *stop instead of
                           the signal handlers' flag */
    /* Called after every batch that read records, instead of printing
     * the batch line on stderr (in: records read, ms: processing time,
     * sched: scheduling delay; qs borrowed for the call). */
    void (*on_batch)(void *ctx, const char *id, int64_t in, int64_t ms,
                     int64_t sched, const wr_qstats *qs);
    void *batch_ctx;
    /* Checkpoints (`--checkpoint DIR`, SET 'checkpoint.dir'): the
     * directory, or NULL; the definition (SQL text) of each plan, to
     * detect a changed query; reset_checkpoint forgets a changed query's
     * progress instead of refusing it. */
    size_t batch_bytes; /* a line source's batch at most (0: 64 MiB) */
    const char *checkpoint;
    const char *const *definitions;
    bool reset_checkpoint;
    /* A snapshot of each query's state (which compacts the checkpoint) at
     * most every snapshot_ms of processing (`--checkpoint-interval`, SET
     * 'checkpoint.interval'; 0: after every batch), and at the end of a
     * run. */
    int64_t snapshot_ms;
    /* `--metrics FILE`, SET 'metrics.file': one JSON object per batch
     * (weir run's metrics), appended; NULL: none. */
    const char *metrics;
} wr_runopts;

/* wr_run_stream's exit status when the checkpoint is in use by another
 * process. */
#define WR_EXIT_RUNNING 3

/* Runs one query over its FILE= source the way `weir run` does (read
 * once, in batches of batch_bytes, one per interval ms or back to back),
 * its rows to out(ctx) (NULL: as `weir run` prints them); stops early
 * when stop (may be NULL) becomes non-zero or the LIMIT is reached.
 * Borrows everything. Returns 0, or 1 after printing why on stderr. */
int wr_run_plan(const wr_qplan *p, int threads, size_t batch_bytes,
                int64_t interval, int64_t idle, wr_out_fn out, void *ctx,
                volatile int *stop);

/* Whether a query reads or writes Kafka (cat: the session), or reads an
 * input that does not end by itself (a followed file, a directory, a
 * socket, stdin, zmq): such queries run in wr_run_stream. */
bool wr_run_uses_kafka(const wr_catalog *cat, const wr_qplan *p);
bool wr_run_unbounded(const wr_qplan *p);

/* Runs the plans (queries reading Kafka) together, one batch after the
 * other, until SIGINT/SIGTERM (or, until_caught_up, the ends of the
 * sources as they were at start). Borrows e and the plans. Returns the
 * exit status (0, or 1 when a query failed). */
int wr_run_stream(weir_engine *e, wr_qplan *const *plans, int n,
                  const wr_runopts *o);

#endif
