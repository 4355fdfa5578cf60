/*
 * checkpoint.c: the checkpoint store (checkpoint.h) on SQLite.
 *
 * Every write is one transaction with synchronous=FULL: a batch's plan is
 * durable before the batch reads anything, its completion before the
 * next batch is planned. The schema version lives in weir_meta; a
 * database without it, or with another version, is refused.
 */
#include "checkpoint/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common/arena.h"

#define VERSION "1"

struct wr_ckpt {
    sqlite3 *db;
    char *path; /* DIR/weir.ckpt, for messages */
    int lockfd;
};

static weir_rc dberr(wr_ckpt *ck, const char *what, weir_status *st)
{
    return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "checkpoint %s: %s: %s",
                           ck->path, what, sqlite3_errmsg(ck->db));
}

static weir_rc exec(wr_ckpt *ck, const char *sql, weir_status *st)
{
    char *err = NULL;
    if (sqlite3_exec(ck->db, sql, NULL, NULL, &err) == SQLITE_OK)
        return WEIR_OK;
    weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "checkpoint %s: %s", ck->path,
                    err ? err : sqlite3_errmsg(ck->db));
    sqlite3_free(err);
    return st->code;
}

/* Takes DIR/weir.lock with a write lock; *busy when another process has
 * it (its pid in the message). */
static weir_rc lock_dir(wr_ckpt *ck, const char *dir, bool *busy,
                        weir_status *st)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/weir.lock", dir);
    ck->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (ck->lockfd < 0)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "checkpoint %s: %s",
                               p, strerror(errno));
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(ck->lockfd, F_SETLK, &fl) == 0) {
        char pid[32];
        int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        if (ftruncate(ck->lockfd, 0) == 0 &&
            pwrite(ck->lockfd, pid, (size_t)n, 0) != n)
            (void)0; /* the pid is only for the message */
        return WEIR_OK;
    }
    if (errno != EACCES && errno != EAGAIN)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "checkpoint %s: %s",
                               p, strerror(errno));
    struct flock who = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    long pid = fcntl(ck->lockfd, F_GETLK, &who) == 0 ? (long)who.l_pid : 0;
    *busy = true;
    return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                           "checkpoint %s is in use: weir is already running "
                           "with it (pid %ld)",
                           dir, pid);
}

/* Creates the schema in a new database, or checks an existing one. */
/* The tables of state snapshots (added to version 1 without changing
 * it: older checkpoints get them when opened). */
static weir_rc snapshot_tables(wr_ckpt *ck, weir_status *st)
{
    return exec(ck,
                "CREATE TABLE IF NOT EXISTS weir_snapshots (query_id TEXT "
                "PRIMARY KEY, batch INTEGER, origin INTEGER, state BLOB);"
                "CREATE TABLE IF NOT EXISTS weir_positions (query_id TEXT, "
                "source INTEGER, topic TEXT, partition INTEGER, from_offset "
                "INTEGER, until_offset INTEGER);",
                st);
}

static weir_rc setup(wr_ckpt *ck, weir_status *st)
{
    if (exec(ck, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", st))
        return st->code;
    sqlite3_stmt *q;
    int n = 0;
    if (sqlite3_prepare_v2(ck->db,
                           "SELECT count(*) FROM sqlite_master WHERE "
                           "type = 'table'",
                           -1, &q, NULL) != SQLITE_OK)
        return dberr(ck, "not a weir checkpoint", st);
    if (sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (n == 0 &&
        exec(ck,
             "BEGIN;"
             "CREATE TABLE weir_meta (key TEXT PRIMARY KEY, value "
             "TEXT);"
             "INSERT INTO weir_meta VALUES ('version', '" VERSION "');"
             "CREATE TABLE weir_queries (query_id TEXT PRIMARY KEY, "
             "definition TEXT);"
             "CREATE TABLE weir_batches (query_id TEXT, batch "
             "INTEGER, btime INTEGER, done INTEGER, PRIMARY KEY "
             "(query_id, batch));"
             "CREATE TABLE weir_slices (query_id TEXT, batch INTEGER, "
             "source INTEGER, topic TEXT, partition INTEGER, "
             "from_offset INTEGER, until_offset INTEGER);"
             "CREATE INDEX weir_slices_batch ON weir_slices "
             "(query_id, batch);"
             "COMMIT;",
             st) != WEIR_OK)
        return st->code;
    const char *v = NULL;
    if (sqlite3_prepare_v2(ck->db,
                           "SELECT value FROM weir_meta WHERE key = "
                           "'version'",
                           -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        v = (const char *)sqlite3_column_text(q, 0);
    bool ok = v && !strcmp(v, VERSION);
    sqlite3_finalize(q);
    if (!ok)
        return weir_status_set(st, WEIR_E_IO, WEIR_NOLOC,
                               "checkpoint %s: not a weir checkpoint (version "
                               "%s expected)",
                               ck->path, VERSION);
    return snapshot_tables(ck, st);
}

wr_ckpt *wr_ckpt_open(const char *dir, bool *busy, weir_status *st)
{
    *busy = false;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "checkpoint %s: %s", dir,
                        strerror(errno));
        return NULL;
    }
    wr_ckpt *ck = wr_malloc(sizeof *ck);
    size_t pl = strlen(dir) + 16;
    char *path = wr_malloc(pl);
    if (!ck || !path) {
        wr_free(ck);
        wr_free(path);
        weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        return NULL;
    }
    memset(ck, 0, sizeof *ck);
    ck->lockfd = -1;
    snprintf(path, pl, "%s/weir.ckpt", dir);
    ck->path = path;
    if (lock_dir(ck, dir, busy, st) != WEIR_OK) {
        wr_ckpt_close(ck);
        return NULL;
    }
    if (sqlite3_open_v2(path, &ck->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK) {
        dberr(ck, "cannot open", st);
        wr_ckpt_close(ck);
        return NULL;
    }
    sqlite3_busy_timeout(ck->db, 5000);
    if (setup(ck, st) != WEIR_OK) {
        wr_ckpt_close(ck);
        return NULL;
    }
    return ck;
}

void wr_ckpt_close(wr_ckpt *ck)
{
    if (!ck)
        return;
    if (ck->db)
        sqlite3_close(ck->db);
    if (ck->lockfd >= 0)
        close(ck->lockfd); /* releases the lock */
    wr_free(ck->path);
    wr_free(ck);
}

/* Prepares sql, binding text/integer arguments from a format: 't' text,
 * 'i' int64. */
static sqlite3_stmt *prep(wr_ckpt *ck, const char *sql, weir_status *st,
                          const char *fmt, ...)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(ck->db, sql, -1, &q, NULL) != SQLITE_OK) {
        dberr(ck, "prepare", st);
        return NULL;
    }
    va_list ap;
    va_start(ap, fmt);
    for (int i = 0; fmt[i]; i++) {
        if (fmt[i] == 't')
            sqlite3_bind_text(q, i + 1, va_arg(ap, const char *), -1,
                              SQLITE_TRANSIENT);
        else
            sqlite3_bind_int64(q, i + 1, va_arg(ap, int64_t));
    }
    va_end(ap);
    return q;
}

/* Runs a prepared write to its end and finalizes it. */
static weir_rc run(wr_ckpt *ck, sqlite3_stmt *q, weir_status *st)
{
    if (!q)
        return st->code;
    int r = sqlite3_step(q);
    sqlite3_finalize(q);
    return r == SQLITE_DONE || r == SQLITE_ROW ? WEIR_OK
                                               : dberr(ck, "write", st);
}

weir_rc wr_ckpt_query(wr_ckpt *ck, const char *id, const char *definition,
                      bool reset, weir_status *st)
{
    sqlite3_stmt *q =
        prep(ck, "SELECT definition FROM weir_queries WHERE query_id = ?", st,
             "t", id);
    if (!q)
        return st->code;
    int r = sqlite3_step(q);
    bool known = r == SQLITE_ROW;
    bool same = known && sqlite3_column_text(q, 0) &&
                !strcmp((const char *)sqlite3_column_text(q, 0), definition);
    sqlite3_finalize(q);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return dberr(ck, "read", st);
    if (same && !reset)
        return WEIR_OK;
    if (known && !reset)
        return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                               "query %s differs from the one recorded in "
                               "checkpoint %s; run with --reset-checkpoint to "
                               "start it over (its progress and state are "
                               "forgotten)",
                               id, ck->path);
    if (exec(ck, "BEGIN IMMEDIATE", st) != WEIR_OK)
        return st->code;
    weir_rc rc = run(
        ck, prep(ck, "DELETE FROM weir_slices WHERE query_id = ?", st, "t", id),
        st);
    if (rc == WEIR_OK)
        rc = run(ck,
                 prep(ck, "DELETE FROM weir_batches WHERE query_id = ?", st,
                      "t", id),
                 st);
    if (rc == WEIR_OK)
        rc = run(ck,
                 prep(ck, "DELETE FROM weir_snapshots WHERE query_id = ?", st,
                      "t", id),
                 st);
    if (rc == WEIR_OK)
        rc = run(ck,
                 prep(ck, "DELETE FROM weir_positions WHERE query_id = ?", st,
                      "t", id),
                 st);
    if (rc == WEIR_OK)
        rc = run(ck,
                 prep(ck, "INSERT OR REPLACE INTO weir_queries VALUES (?, ?)",
                      st, "tt", id, definition),
                 st);
    if (rc == WEIR_OK)
        return exec(ck, "COMMIT", st);
    exec(ck, "ROLLBACK", &(weir_status){0});
    return rc;
}

weir_rc wr_ckpt_plan(wr_ckpt *ck, const char *id, int64_t batch, int64_t btime,
                     const wr_ckslice *sl, int n, weir_status *st)
{
    if (exec(ck, "BEGIN IMMEDIATE", st) != WEIR_OK)
        return st->code;
    weir_rc rc = run(ck,
                     prep(ck,
                          "DELETE FROM weir_slices WHERE query_id = ? AND "
                          "batch = ?",
                          st, "ti", id, batch),
                     st);
    if (rc == WEIR_OK)
        rc = run(ck,
                 prep(ck,
                      "INSERT OR REPLACE INTO weir_batches VALUES (?, ?, ?, "
                      "0)",
                      st, "tii", id, batch, btime),
                 st);
    sqlite3_stmt *q = NULL;
    if (rc == WEIR_OK && n > 0 &&
        !(q = prep(ck, "INSERT INTO weir_slices VALUES (?, ?, ?, ?, ?, ?, ?)",
                   st, "ti", id, batch)))
        rc = st->code;
    for (int i = 0; rc == WEIR_OK && i < n; i++) {
        sqlite3_bind_int(q, 3, sl[i].source);
        sqlite3_bind_text(q, 4, sl[i].topic, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 5, sl[i].partition);
        sqlite3_bind_int64(q, 6, sl[i].from);
        sqlite3_bind_int64(q, 7, sl[i].until);
        if (sqlite3_step(q) != SQLITE_DONE)
            rc = dberr(ck, "write", st);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    if (rc == WEIR_OK)
        return exec(ck, "COMMIT", st);
    exec(ck, "ROLLBACK", &(weir_status){0});
    return rc;
}

weir_rc wr_ckpt_done(wr_ckpt *ck, const char *id, int64_t batch,
                     weir_status *st)
{
    return run(ck,
               prep(ck,
                    "UPDATE weir_batches SET done = 1 WHERE query_id = ? AND "
                    "batch = ?",
                    st, "ti", id, batch),
               st);
}

weir_rc wr_ckpt_first_btime(wr_ckpt *ck, const char *id, int64_t *btime,
                            weir_status *st)
{
    *btime = 0;
    sqlite3_stmt *q = prep(ck,
                           "SELECT origin FROM weir_snapshots WHERE query_id "
                           "= ?1 UNION ALL SELECT * FROM (SELECT btime FROM "
                           "weir_batches WHERE query_id = ?1 ORDER BY batch "
                           "LIMIT 1)",
                           st, "t", id);
    if (!q)
        return st->code;
    int r = sqlite3_step(q);
    if (r == SQLITE_ROW)
        *btime = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return r == SQLITE_ROW || r == SQLITE_DONE ? WEIR_OK
                                               : dberr(ck, "read", st);
}

/* Calls fn per batch of the rows of q (batch, btime, done, then a slice or
 * NULLs), which come ordered by batch; finalizes q. */
static weir_rc each_batch(wr_ckpt *ck, sqlite3_stmt *q, wr_ckpt_batch_fn fn,
                          void *ctx, weir_status *st)
{
    if (!q)
        return st->code;
    wr_ckslice *sl = NULL;
    char **topics = NULL;
    int n = 0, cap = 0;
    int64_t cur = -1, btime = 0;
    bool done = false, have = false;
    weir_rc rc = WEIR_OK;
    for (;;) {
        int r = sqlite3_step(q);
        if (r != SQLITE_ROW && r != SQLITE_DONE) {
            rc = dberr(ck, "read", st);
            break;
        }
        int64_t b = r == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
        if (have && (r == SQLITE_DONE || b != cur)) {
            rc = fn(ctx, cur, btime, done, sl, n, st);
            for (int i = 0; i < n; i++)
                wr_free(topics[i]);
            n = 0;
            if (rc != WEIR_OK)
                break;
        }
        if (r == SQLITE_DONE)
            break;
        cur = b;
        have = true;
        btime = sqlite3_column_int64(q, 1);
        done = sqlite3_column_int(q, 2) != 0;
        if (sqlite3_column_type(q, 3) == SQLITE_NULL)
            continue; /* a batch without slices */
        if (n == cap) {
            int nc = cap ? 2 * cap : 64;
            wr_ckslice *ns = wr_realloc(sl, sizeof *ns * (size_t)nc);
            char **nt = ns ? wr_realloc(topics, sizeof *nt * (size_t)nc) : NULL;
            if (ns)
                sl = ns;
            if (nt)
                topics = nt;
            if (!ns || !nt) {
                rc = weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC,
                                     "out of memory");
                break;
            }
            cap = nc;
        }
        const char *t = (const char *)sqlite3_column_text(q, 4);
        size_t tl = t ? strlen(t) : 0;
        topics[n] = wr_malloc(tl + 1);
        if (!topics[n]) {
            rc = weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
            break;
        }
        memcpy(topics[n], t ? t : "", tl + 1);
        sl[n] = (wr_ckslice){
            sqlite3_column_int(q, 3), topics[n], sqlite3_column_int(q, 5),
            sqlite3_column_int64(q, 6), sqlite3_column_int64(q, 7)};
        n++;
    }
    for (int i = 0; i < n; i++)
        wr_free(topics[i]);
    wr_free(topics);
    wr_free(sl);
    sqlite3_finalize(q);
    return rc;
}

weir_rc wr_ckpt_batches(wr_ckpt *ck, const char *id, wr_ckpt_batch_fn fn,
                        void *ctx, weir_status *st)
{
    return each_batch(
        ck,
        prep(ck,
             "SELECT b.batch, b.btime, b.done, s.source, s.topic, s.partition, "
             "s.from_offset, s.until_offset FROM weir_batches b LEFT JOIN "
             "weir_slices s ON s.query_id = b.query_id AND s.batch = b.batch "
             "WHERE b.query_id = ? ORDER BY b.batch, s.source, s.topic, "
             "s.partition",
             st, "t", id),
        fn, ctx, st);
}

weir_rc wr_ckpt_snapshot(wr_ckpt *ck, const char *id, int64_t batch,
                         const void *state, size_t n, weir_status *st)
{
    if (exec(ck, "BEGIN IMMEDIATE", st) != WEIR_OK)
        return st->code;
    /* The positions: the last slice of each source partition (a line
     * source has one, partition -1, whatever its text). */
    sqlite3_stmt *q = prep(ck,
                           "SELECT source, topic, partition, from_offset, "
                           "until_offset FROM weir_slices WHERE query_id = ? "
                           "AND batch <= ? ORDER BY batch",
                           st, "ti", id, batch);
    sqlite3_stmt *del = prep(ck,
                             "DELETE FROM weir_positions WHERE query_id = ?1 "
                             "AND source = ?2 AND partition = ?4 AND "
                             "(partition = -1 OR topic = ?3)",
                             st, "t", id);
    sqlite3_stmt *ins = prep(ck,
                             "INSERT INTO weir_positions VALUES (?1, ?2, ?3, "
                             "?4, ?5, ?6)",
                             st, "t", id);
    weir_rc rc = q && del && ins ? WEIR_OK : st->code;
    int r = SQLITE_DONE;
    while (rc == WEIR_OK && (r = sqlite3_step(q)) == SQLITE_ROW) {
        for (int i = 0; i < 5; i++) {
            sqlite3_bind_value(del, i + 2, sqlite3_column_value(q, i));
            sqlite3_bind_value(ins, i + 2, sqlite3_column_value(q, i));
        }
        if (sqlite3_step(del) != SQLITE_DONE ||
            sqlite3_step(ins) != SQLITE_DONE)
            rc = dberr(ck, "write", st);
        sqlite3_reset(del);
        sqlite3_reset(ins);
    }
    if (rc == WEIR_OK && r != SQLITE_DONE)
        rc = dberr(ck, "read", st);
    sqlite3_finalize(q);
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    /* The clock's origin outlives the batches that gave it. */
    int64_t origin = 0;
    if (rc == WEIR_OK)
        rc = wr_ckpt_first_btime(ck, id, &origin, st);
    if (rc == WEIR_OK && (q = prep(ck,
                                   "INSERT OR REPLACE INTO weir_snapshots "
                                   "VALUES (?, ?, ?, ?)",
                                   st, "tii", id, batch, origin))) {
        sqlite3_bind_blob64(q, 4, n ? state : "", n, SQLITE_STATIC);
        rc = run(ck, q, st);
    } else if (rc == WEIR_OK) {
        rc = st->code;
    }
    if (rc == WEIR_OK)
        rc = run(ck,
                 prep(ck,
                      "DELETE FROM weir_slices WHERE query_id = ? AND batch "
                      "<= ?",
                      st, "ti", id, batch),
                 st);
    if (rc == WEIR_OK)
        rc = run(ck,
                 prep(ck,
                      "DELETE FROM weir_batches WHERE query_id = ? AND batch "
                      "<= ?",
                      st, "ti", id, batch),
                 st);
    if (rc == WEIR_OK)
        return exec(ck, "COMMIT", st);
    exec(ck, "ROLLBACK", &(weir_status){0});
    return rc;
}

weir_rc wr_ckpt_snapshot_get(wr_ckpt *ck, const char *id, int64_t *batch,
                             void **state, size_t *n, wr_ckpt_batch_fn fn,
                             void *ctx, weir_status *st)
{
    *batch = 0;
    *state = NULL;
    *n = 0;
    sqlite3_stmt *q = prep(ck,
                           "SELECT batch, state FROM weir_snapshots WHERE "
                           "query_id = ?",
                           st, "t", id);
    if (!q)
        return st->code;
    int r = sqlite3_step(q);
    weir_rc rc = WEIR_OK;
    if (r == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(q, 1);
        const void *blob = sqlite3_column_blob(q, 1);
        *state = malloc(len ? len : 1);
        if (!*state) {
            rc = weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
        } else {
            if (len)
                memcpy(*state, blob, len);
            *n = len;
            *batch = sqlite3_column_int64(q, 0);
        }
    } else if (r != SQLITE_DONE) {
        rc = dberr(ck, "read", st);
    }
    sqlite3_finalize(q);
    if (rc != WEIR_OK || !*batch)
        return rc;
    rc = each_batch(ck,
                    prep(ck,
                         "SELECT s.batch, 0, 1, p.source, p.topic, "
                         "p.partition, p.from_offset, p.until_offset FROM "
                         "weir_snapshots s LEFT JOIN weir_positions p ON "
                         "p.query_id = s.query_id WHERE s.query_id = ? "
                         "ORDER BY p.source, p.topic, p.partition",
                         st, "t", id),
                    fn, ctx, st);
    if (rc != WEIR_OK) {
        free(*state);
        *state = NULL;
    }
    return rc;
}
