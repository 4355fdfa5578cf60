/*
 * sqlite_sink.c: the SQLite sink (sqlite_sink.h): a query result as an
 * SQLite table, committed once per batch together with the batch's source
 * offsets.
 *
 * Durability. The database runs in WAL mode: the writer appends to the
 * log and never blocks readers (a dashboard or `sqlite3` reading the
 * results while the query runs), and a commit is one sequential append.
 * synchronous=FULL fsyncs the log at every COMMIT, i.e. once per batch,
 * not per row: when wr_sqsink_commit returns, the batch and its offsets
 * survive a power loss. NORMAL would keep results and offsets consistent
 * with each other too (a lost tail of batches is simply re-read), but the
 * driver acts after a commit (the state checkpoint, the consumer group's
 * offsets), and those later steps must never get ahead of the sink; one
 * fsync per micro-batch is cheap. A database where WAL cannot be enabled
 * (some network file systems) keeps its rollback journal: commits stay
 * atomic, only readers then block the writer.
 *
 * Statements. Everything is prepared once at open (SQLITE_PREPARE_PERSISTENT)
 * and only rebound per row: identifiers are always double-quoted (quotes
 * doubled) in the SQL text, which never contains data; every value is bound
 * with sqlite3_bind_*. Strings and blobs are bound SQLITE_STATIC (they
 * outlive the step that reads them; every parameter is rebound before each
 * step); decimals and nested values are formatted into a buffer and bound
 * SQLITE_TRANSIENT.
 *
 * Parameters. The insert statement's parameters follow the table's column
 * order: keys ?1..?k, then WINDOWSTART ?k+1 and WINDOWEND ?k+2 when
 * windowed, then the values. The delete statement uses the same numbers
 * for keys and window bounds, so one binder serves both.
 *
 * Tables. Upsert is INSERT ... ON CONFLICT (primary key) DO UPDATE. SQLite
 * lets NULL into a primary key column (and NULLs never conflict), so a row
 * whose key has a NULL is written as delete-by-`IS` then insert, which keeps
 * one row per key there too. A table result without key and window (a
 * global aggregate) is a single row: every put replaces the table's rows.
 *
 * Memory: the sink owns its connection, statements, an arena with the
 * copied names and layout, and one text buffer. Rows are borrowed for the
 * duration of a put.
 */
#include "connectors/sqlite_sink.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/decimal.h"
#include "formats/format.h"

#define BUSY_TIMEOUT_MS 10000 /* waiting for another writer's lock */

/* One column of the SQLite table. */
typedef struct sq_col {
    const char *name; /* as in the table (the sink column's name) */
    const char *decl; /* declared type: INTEGER, REAL, TEXT or BLOB */
    int pk;           /* position in the primary key (1-based), 0: none */
} sq_col;

struct wr_sqsink {
    sqlite3 *db;            /* the connection */
    wr_arena *ar;           /* owns the strings and arrays below */
    const char *path;       /* database path, for messages */
    const char *table;      /* result table name (unquoted) */
    const char *query_id;   /* this query's rows of weir_offsets */
    bool upsert;            /* a table result: upsert and delete */
    bool windowed;          /* WINDOWSTART/WINDOWEND columns */
    bool single;            /* a table without key and window: one row */
    int nkeys;              /* key columns (sink columns 0..nkeys-1) */
    int ncols;              /* sink columns */
    int *param;             /* per sink column: insert parameter, 0: none */
    int wparam;             /* WINDOWSTART's parameter (WINDOWEND's + 1) */
    int nsq;                /* columns of the SQLite table */
    sq_col *sq;             /* them, in table order */
    sqlite3_stmt *ins;      /* INSERT or upsert of one row */
    sqlite3_stmt *del;      /* tables: DELETE by key and window */
    sqlite3_stmt *off_put;  /* upsert of one weir_offsets row */
    sqlite3_stmt *off_get;  /* next_offset of one source partition */
    sqlite3_stmt *last;     /* max(batch) of the query */
    sqlite3_stmt *begin;    /* BEGIN IMMEDIATE */
    sqlite3_stmt *commit;   /* COMMIT */
    sqlite3_stmt *rollback; /* ROLLBACK */
    int64_t batch;          /* id of the open batch */
    wr_buf text;            /* nested values as JSON; error details */
};

static weir_rc nomem(weir_status *st)
{
    return weir_status_set(st, WEIR_E_NOMEM, WEIR_NOLOC, "out of memory");
}

static bool busy(int rc)
{
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/* Fails with WEIR_E_IO: "SQLite <path>: <what>: <sqlite's message>", with
 * SQLite's generic text for rc added when the message differs from it;
 * retriable when the database was busy. Call right after the failing call
 * (the message is the connection's latest). */
static weir_rc sq_fail(const wr_sqsink *s, sqlite3 *db, int rc, weir_status *st,
                       const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static weir_rc sq_fail(const wr_sqsink *s, sqlite3 *db, int rc, weir_status *st,
                       const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    const char *gen = sqlite3_errstr(rc);
    if (strcmp(msg, gen) != 0)
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "SQLite %s: %s: %s (%s)",
                        s->path, what, msg, gen);
    else
        weir_status_set(st, WEIR_E_IO, WEIR_NOLOC, "SQLite %s: %s: %s", s->path,
                        what, msg);
    if (st)
        st->retriable = busy(rc);
    return WEIR_E_IO;
}

/* ---- layout ------------------------------------------------------------ */

/* The declared SQLite type of a weir type (see sqlite_sink.h). */
static const char *decl_of(const wr_type *t)
{
    switch (t->kind) {
    case WR_T_BOOLEAN:
    case WR_T_INT:
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
    case WR_T_DATE:
    case WR_T_TIME:
        return "INTEGER";
    case WR_T_DOUBLE:
        return "REAL";
    case WR_T_DECIMAL: /* exact: REAL or NUMERIC would round */
    case WR_T_STRING:
    case WR_T_ARRAY: /* JSON */
    case WR_T_MAP:
    case WR_T_STRUCT:
        return "TEXT";
    case WR_T_BYTES:
    case WR_T_NULL:
    default:
        return "BLOB";
    }
}

/* Case-insensitive (ASCII) substring test, for affinity(). */
static bool has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if (sqlite3_strnicmp(s, w, (int)n) == 0)
            return true;
    return false;
}

/* The column affinity SQLite gives a declared type (the rules of "Datatypes
 * In SQLite", 3.1): 'I'nteger, 'T'ext, 'B'lob, 'R'eal or 'N'umeric. An
 * existing table matches when its affinities do, so a table created by hand
 * with BIGINT or VARCHAR(20) columns is accepted. */
static char affinity(const char *decl)
{
    if (!decl)
        decl = "";
    if (has_word(decl, "INT"))
        return 'I';
    if (has_word(decl, "CHAR") || has_word(decl, "CLOB") ||
        has_word(decl, "TEXT"))
        return 'T';
    if (has_word(decl, "BLOB") || !*decl)
        return 'B';
    if (has_word(decl, "REAL") || has_word(decl, "FLOA") ||
        has_word(decl, "DOUB"))
        return 'R';
    return 'N';
}

/* Appends name as an SQL identifier: double-quoted, quotes doubled. */
static void put_ident(wr_buf *b, const char *name)
{
    wr_buf_putc(b, '"');
    for (const char *c = name; *c; c++) {
        if (*c == '"')
            wr_buf_putc(b, '"');
        wr_buf_putc(b, *c);
    }
    wr_buf_putc(b, '"');
}

/* True for the sink columns that are the window bounds themselves (a
 * windowed result selecting WINDOWSTART or WINDOWEND): their value is the
 * bound, already written to the bound's own column. */
static bool is_bound_copy(const wr_sqsink *s, const char *name)
{
    return s->windowed &&
           (!strcmp(name, "WINDOWSTART") || !strcmp(name, "WINDOWEND"));
}

/* Builds s->sq (the table's columns) and s->param from the schema. */
static bool build_layout(wr_sqsink *s, const wr_psink *schema)
{
    s->nsq = 0;
    s->sq = wr_arena_zalloc(s->ar, sizeof *s->sq * (size_t)(schema->ncols + 2));
    s->param =
        wr_arena_zalloc(s->ar, sizeof(int) * (size_t)(schema->ncols + 1));
    if (!s->sq || !s->param)
        return false;
    int pk = 0;
    for (int i = 0; i < s->ncols; i++) {
        if (i == s->nkeys && s->windowed) {
            s->wparam = s->nsq + 1;
            s->sq[s->nsq++] =
                (sq_col){"WINDOWSTART", "INTEGER", s->upsert ? ++pk : 0};
            s->sq[s->nsq++] =
                (sq_col){"WINDOWEND", "INTEGER", s->upsert ? ++pk : 0};
        }
        if (i >= s->nkeys && is_bound_copy(s, schema->names[i]))
            continue;
        const char *name = wr_arena_strdup(s->ar, schema->names[i]);
        if (!name)
            return false;
        s->param[i] = s->nsq + 1;
        s->sq[s->nsq++] = (sq_col){name, decl_of(schema->types[i]),
                                   s->upsert && i < s->nkeys ? ++pk : 0};
    }
    if (s->windowed && s->ncols == s->nkeys) { /* no value column */
        s->wparam = s->nsq + 1;
        s->sq[s->nsq++] =
            (sq_col){"WINDOWSTART", "INTEGER", s->upsert ? ++pk : 0};
        s->sq[s->nsq++] =
            (sq_col){"WINDOWEND", "INTEGER", s->upsert ? ++pk : 0};
    }
    s->single = s->upsert && pk == 0;
    return true;
}

/* Appends "(A, B)" (the primary key of cols[0..n)), or "none". */
static void put_pk(wr_buf *b, const sq_col *cols, int n)
{
    int npk = 0;
    for (int i = 0; i < n; i++)
        npk += cols[i].pk > 0;
    if (!npk) {
        wr_buf_puts(b, "none");
        return;
    }
    wr_buf_putc(b, '(');
    for (int k = 1; k <= npk; k++)
        for (int i = 0; i < n; i++)
            if (cols[i].pk == k) {
                if (k > 1)
                    wr_buf_puts(b, ", ");
                wr_buf_puts(b, cols[i].name);
            }
    wr_buf_putc(b, ')');
}

/* ---- opening ----------------------------------------------------------- */

static int exec_sql(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **q)
{
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, q, NULL);
}

/* Compares the existing table's columns (from pragma_table_info) with the
 * layout; WEIR_E_BIND naming the first difference. */
static weir_rc check_table(wr_sqsink *s, weir_status *st)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(
        s->db, "SELECT name, type, pk FROM pragma_table_info(?1, 'main')", -1,
        &q, NULL);
    if (rc != SQLITE_OK)
        return sq_fail(s, s->db, rc, st, "reading table \"%s\"", s->table);
    sqlite3_bind_text(q, 1, s->table, -1, SQLITE_STATIC);
    wr_arena *tmp = wr_arena_new(0);
    if (!tmp) {
        sqlite3_finalize(q);
        return nomem(st);
    }
    int n = 0, cap = 16;
    sq_col *have = wr_arena_alloc(tmp, sizeof *have * (size_t)cap);
    while (have && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            sq_col *more = wr_arena_alloc(tmp, sizeof *have * (size_t)cap * 2);
            if (more)
                memcpy(more, have, sizeof *have * (size_t)cap);
            have = more;
            cap *= 2;
            if (!have)
                break;
        }
        const char *name = (const char *)sqlite3_column_text(q, 0);
        const char *decl = (const char *)sqlite3_column_text(q, 1);
        have[n].name = wr_arena_strdup(tmp, name ? name : "");
        have[n].decl = wr_arena_strdup(tmp, decl ? decl : "");
        have[n].pk = sqlite3_column_int(q, 2);
        if (!have[n].name || !have[n].decl)
            have = NULL;
        else
            n++;
    }
    weir_rc r = WEIR_OK;
    if (!have)
        r = nomem(st);
    else if (rc != SQLITE_DONE)
        r = sq_fail(s, s->db, rc, st, "reading table \"%s\"", s->table);
    sqlite3_finalize(q);
    if (r != WEIR_OK) {
        wr_arena_free(tmp);
        return r;
    }
    wr_buf diff = WR_BUF_INIT;
    if (n != s->nsq) {
        wr_buf_printf(&diff, "it has %d columns, the query writes %d (", n,
                      s->nsq);
        for (int i = 0; i < s->nsq; i++)
            wr_buf_printf(&diff, "%s%s %s", i ? ", " : "", s->sq[i].name,
                          s->sq[i].decl);
        wr_buf_putc(&diff, ')');
    }
    for (int i = 0; !diff.len && i < n; i++)
        if (sqlite3_stricmp(have[i].name, s->sq[i].name) != 0 ||
            affinity(have[i].decl) != affinity(s->sq[i].decl))
            wr_buf_printf(&diff,
                          "column %d is \"%s\" %s, the query writes "
                          "\"%s\" %s",
                          i + 1, have[i].name,
                          *have[i].decl ? have[i].decl : "(untyped)",
                          s->sq[i].name, s->sq[i].decl);
    for (int i = 0; !diff.len && i < n; i++)
        if (have[i].pk != s->sq[i].pk) {
            wr_buf_puts(&diff, "its primary key is ");
            put_pk(&diff, have, n);
            wr_buf_printf(&diff, ", a %s result needs ",
                          s->upsert ? "table" : "stream");
            put_pk(&diff, s->sq, s->nsq);
        }
    wr_arena_free(tmp);
    if (diff.oom) {
        wr_buf_fini(&diff);
        return nomem(st);
    }
    if (diff.len)
        r = weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                            "SQLite table \"%s\" in %s does not match the "
                            "query: %s; drop it or choose another "
                            "SQLITE_TABLE",
                            s->table, s->path, diff.s);
    wr_buf_fini(&diff);
    return r;
}

/* Appends " (a, b, ..." : every column, quoted, with its declared type
 * when decl (the closing parenthesis is the caller's). */
static void put_columns(wr_buf *sql, const wr_sqsink *s, bool decl)
{
    wr_buf_puts(sql, " (");
    for (int i = 0; i < s->nsq; i++) {
        if (i)
            wr_buf_puts(sql, ", ");
        put_ident(sql, s->sq[i].name);
        if (decl)
            wr_buf_printf(sql, " %s", s->sq[i].decl);
    }
}

/* Creates the result table, or checks the existing one (inside the open's
 * transaction). */
static weir_rc make_table(wr_sqsink *s, wr_buf *sql, weir_status *st)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(
        s->db,
        "SELECT type FROM main.sqlite_master WHERE name = ?1 "
        "COLLATE NOCASE",
        -1, &q, NULL);
    if (rc != SQLITE_OK)
        return sq_fail(s, s->db, rc, st, "reading the schema");
    sqlite3_bind_text(q, 1, s->table, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    char type[32] = "";
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0);
        snprintf(type, sizeof type, "%s", t ? t : "");
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_fail(s, s->db, rc, st, "reading the schema");
    if (rc == SQLITE_ROW && strcmp(type, "table") != 0)
        return weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                               "\"%s\" in %s is an SQLite %s, not a table; "
                               "choose another SQLITE_TABLE",
                               s->table, s->path, type);
    if (rc == SQLITE_ROW)
        return check_table(s, st);

    wr_buf_reset(sql);
    wr_buf_puts(sql, "CREATE TABLE ");
    put_ident(sql, s->table);
    put_columns(sql, s, true);
    int npk = 0;
    for (int i = 0; i < s->nsq; i++)
        npk += s->sq[i].pk > 0;
    for (int k = 1; k <= npk; k++)
        for (int i = 0; i < s->nsq; i++)
            if (s->sq[i].pk == k) {
                wr_buf_puts(sql, k == 1 ? ", PRIMARY KEY (" : ", ");
                put_ident(sql, s->sq[i].name);
            }
    wr_buf_puts(sql, npk ? "))" : ")");
    if (sql->oom)
        return nomem(st);
    rc = exec_sql(s->db, sql->s);
    if (rc != SQLITE_OK)
        return sq_fail(s, s->db, rc, st, "cannot create table \"%s\"",
                       s->table);
    return WEIR_OK;
}

/* Prepares the row statements. */
static weir_rc prepare_rows(wr_sqsink *s, wr_buf *sql, weir_status *st)
{
    wr_buf_reset(sql);
    wr_buf_puts(sql, "INSERT INTO ");
    put_ident(sql, s->table);
    put_columns(sql, s, false);
    wr_buf_puts(sql, ") VALUES (");
    for (int i = 0; i < s->nsq; i++)
        wr_buf_printf(sql, "%s?%d", i ? ", " : "", i + 1);
    wr_buf_putc(sql, ')');
    if (s->upsert && !s->single) {
        wr_buf_puts(sql, " ON CONFLICT (");
        int k = 0;
        for (int i = 0; i < s->nsq; i++)
            if (s->sq[i].pk) {
                if (k++)
                    wr_buf_puts(sql, ", ");
                put_ident(sql, s->sq[i].name);
            }
        wr_buf_puts(sql, ") DO ");
        int v = 0;
        for (int i = 0; i < s->nsq; i++)
            if (!s->sq[i].pk) {
                wr_buf_puts(sql, v++ ? ", " : "UPDATE SET ");
                put_ident(sql, s->sq[i].name);
                wr_buf_puts(sql, " = excluded.");
                put_ident(sql, s->sq[i].name);
            }
        if (!v)
            wr_buf_puts(sql, "NOTHING");
    }
    if (sql->oom)
        return nomem(st);
    int rc = prepare(s->db, sql->s, &s->ins);
    if (rc != SQLITE_OK)
        return sq_fail(s, s->db, rc, st, "preparing the insert into \"%s\"",
                       s->table);
    if (!s->upsert)
        return WEIR_OK;

    wr_buf_reset(sql);
    wr_buf_puts(sql, "DELETE FROM ");
    put_ident(sql, s->table);
    for (int i = 0, k = 0; i < s->nsq; i++)
        if (s->sq[i].pk) {
            wr_buf_puts(sql, k++ ? " AND " : " WHERE ");
            put_ident(sql, s->sq[i].name);
            wr_buf_printf(sql, " IS ?%d", i + 1); /* keys come first */
        }
    if (sql->oom)
        return nomem(st);
    rc = prepare(s->db, sql->s, &s->del);
    if (rc != SQLITE_OK)
        return sq_fail(s, s->db, rc, st, "preparing the delete from \"%s\"",
                       s->table);
    return WEIR_OK;
}

/* Prepares the offset and transaction statements. */
static weir_rc prepare_fixed(wr_sqsink *s, weir_status *st)
{
    static const struct {
        size_t off;
        const char *sql;
    } fixed[] = {
        {offsetof(wr_sqsink, off_put),
         "INSERT INTO weir_offsets (query_id, source, partition, "
         "next_offset, batch) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT "
         "(query_id, source, partition) DO UPDATE SET next_offset = "
         "excluded.next_offset, batch = excluded.batch"},
        {offsetof(wr_sqsink, off_get),
         "SELECT next_offset FROM weir_offsets WHERE query_id = ?1 AND "
         "source = ?2 AND partition = ?3"},
        {offsetof(wr_sqsink, last),
         "SELECT max(batch) FROM weir_offsets WHERE query_id = ?1"},
        {offsetof(wr_sqsink, begin), "BEGIN IMMEDIATE"},
        {offsetof(wr_sqsink, commit), "COMMIT"},
        {offsetof(wr_sqsink, rollback), "ROLLBACK"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        sqlite3_stmt **q = (sqlite3_stmt **)((char *)s + fixed[i].off);
        int rc = prepare(s->db, fixed[i].sql, q);
        if (rc != SQLITE_OK)
            return sq_fail(s, s->db, rc, st, "preparing \"%.40s\"",
                           fixed[i].sql);
    }
    return WEIR_OK;
}

static weir_rc open_db(wr_sqsink *s, weir_status *st)
{
    int rc = sqlite3_open_v2(s->path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK)
        return sq_fail(s, s->db, rc, st, "cannot open the database");
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* Not inside a transaction: journal_mode cannot change there. The
     * result row ("wal", or the mode kept) is ignored, see the header. */
    if ((rc = exec_sql(s->db, "PRAGMA journal_mode = WAL")) != SQLITE_OK ||
        (rc = exec_sql(s->db, "PRAGMA synchronous = FULL")) != SQLITE_OK)
        return sq_fail(s, s->db, rc, st, "cannot set up the database");
    /* The check and the creation in one write transaction: two queries
     * starting on the same file cannot both create, or create twice. */
    if ((rc = exec_sql(s->db, "BEGIN IMMEDIATE")) != SQLITE_OK)
        return sq_fail(s, s->db, rc, st, "cannot set up the database");
    rc = exec_sql(s->db,
                  "CREATE TABLE IF NOT EXISTS weir_offsets (query_id TEXT, "
                  "source TEXT, partition INTEGER, next_offset INTEGER, "
                  "batch INTEGER, PRIMARY KEY (query_id, source, partition))");
    if (rc != SQLITE_OK) {
        sq_fail(s, s->db, rc, st, "cannot create table weir_offsets");
        exec_sql(s->db, "ROLLBACK");
        return WEIR_E_IO;
    }
    wr_buf sql = WR_BUF_INIT;
    weir_rc r = make_table(s, &sql, st);
    if (r == WEIR_OK && (rc = exec_sql(s->db, "COMMIT")) != SQLITE_OK)
        r = sq_fail(s, s->db, rc, st, "cannot set up the database");
    if (r != WEIR_OK)
        exec_sql(s->db, "ROLLBACK");
    if (r == WEIR_OK)
        r = prepare_rows(s, &sql, st);
    wr_buf_fini(&sql);
    if (r == WEIR_OK)
        r = prepare_fixed(s, st);
    return r;
}

wr_sqsink *wr_sqsink_open(const char *path, const char *table,
                          const wr_psink *schema, const char *query_id,
                          weir_status *st)
{
    if (!table || !*table) {
        weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                        "SQLITE_TABLE must name a table");
        return NULL;
    }
    if (!sqlite3_stricmp(table, "weir_offsets")) {
        weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                        "SQLITE_TABLE '%s' is reserved for weir's offsets; "
                        "choose another name",
                        table);
        return NULL;
    }
    if (schema->ncols < 1 || schema->nkeys > schema->ncols) {
        weir_status_set(st, WEIR_E_BIND, WEIR_NOLOC,
                        "SQLite table \"%s\": the query has no columns", table);
        return NULL;
    }
    wr_sqsink *s = wr_malloc(sizeof *s);
    if (!s) {
        nomem(st);
        return NULL;
    }
    memset(s, 0, sizeof *s);
    s->text = (wr_buf)WR_BUF_INIT;
    s->ar = wr_arena_new(0);
    s->upsert = schema->table;
    s->windowed = schema->window.kind != 0;
    s->nkeys = schema->nkeys;
    s->ncols = schema->ncols;
    s->batch = -1;
    if (!s->ar || !(s->path = wr_arena_strdup(s->ar, path)) ||
        !(s->table = wr_arena_strdup(s->ar, table)) ||
        !(s->query_id = wr_arena_strdup(s->ar, query_id ? query_id : "")) ||
        !build_layout(s, schema)) {
        wr_sqsink_close(s);
        nomem(st);
        return NULL;
    }
    if (open_db(s, st) != WEIR_OK) {
        wr_sqsink_close(s);
        return NULL;
    }
    return s;
}

/* ---- batches ----------------------------------------------------------- */

/* Binds row `row` of column c to parameter p of q. */
static int bind_col(wr_sqsink *s, sqlite3_stmt *q, int p, const wr_col *c,
                    int row)
{
    wr_datum d;
    wr_col_get(c, row, &d);
    if (d.null)
        return sqlite3_bind_null(q, p);
    switch (c->type->kind) {
    case WR_T_BOOLEAN:
        return sqlite3_bind_int(q, p, d.u.b != 0);
    case WR_T_INT:
    case WR_T_DATE:
    case WR_T_TIME:
        return sqlite3_bind_int64(q, p, d.u.i32);
    case WR_T_BIGINT:
    case WR_T_TIMESTAMP:
        return sqlite3_bind_int64(q, p, d.u.i64);
    case WR_T_DOUBLE: /* NaN is stored as NULL by SQLite */
        return sqlite3_bind_double(q, p, d.u.f64);
    case WR_T_DECIMAL: {
        char buf[64];
        int n = wr_dec_format(d.u.dec, c->type->scale, buf);
        return sqlite3_bind_text(q, p, buf, n, SQLITE_TRANSIENT);
    }
    case WR_T_STRING: /* a NULL pointer would bind NULL, not '' */
        return sqlite3_bind_text(q, p, d.u.str.p ? d.u.str.p : "", d.u.str.len,
                                 SQLITE_STATIC);
    case WR_T_BYTES:
        return sqlite3_bind_blob(q, p, d.u.str.p ? d.u.str.p : "", d.u.str.len,
                                 SQLITE_STATIC);
    case WR_T_ARRAY:
    case WR_T_MAP:
    case WR_T_STRUCT:
        wr_buf_reset(&s->text);
        wr_json_put_datum(&s->text, c->type, &d);
        if (s->text.oom)
            return SQLITE_NOMEM;
        return sqlite3_bind_text(q, p, s->text.s, (int)s->text.len,
                                 SQLITE_TRANSIENT);
    default:
        return sqlite3_bind_null(q, p);
    }
}

/* Binds the key columns and window bounds of o (parameters 1..). */
static int bind_keys(wr_sqsink *s, sqlite3_stmt *q, const wr_out *o)
{
    int rc = SQLITE_OK;
    for (int i = 0; rc == SQLITE_OK && i < s->nkeys; i++)
        rc = bind_col(s, q, s->param[i], &o->cols[i], o->row);
    if (rc == SQLITE_OK && s->windowed)
        rc = sqlite3_bind_int64(q, s->wparam, o->wstart);
    if (rc == SQLITE_OK && s->windowed)
        rc = sqlite3_bind_int64(q, s->wparam + 1, o->wend);
    return rc;
}

/* Binds the value columns of o (NULL for a tombstone). */
static int bind_values(wr_sqsink *s, sqlite3_stmt *q, const wr_out *o)
{
    int rc = SQLITE_OK;
    for (int i = s->nkeys; rc == SQLITE_OK && i < s->ncols; i++) {
        if (!s->param[i])
            continue;
        rc = o->value ? bind_col(s, q, s->param[i], &o->cols[i], o->row)
                      : sqlite3_bind_null(q, s->param[i]);
    }
    return rc;
}

/* Fails a put naming the table and the record's first key column. */
static weir_rc put_fail(wr_sqsink *s, const wr_out *o, int rc, const char *what,
                        weir_status *st)
{
    char key[80] = "";
    if (s->nkeys > 0) {
        wr_datum d;
        wr_col_get(&o->cols[0], o->row, &d);
        wr_buf_reset(&s->text);
        wr_json_put_datum(&s->text, o->cols[0].type, &d);
        if (!s->text.oom)
            snprintf(key, sizeof key, " (key %.60s%s)", wr_buf_str(&s->text),
                     s->text.len > 60 ? "..." : "");
    }
    if (o->windowed && strlen(key) < sizeof key - 30) /* window after key */
        snprintf(key + strlen(key), sizeof key - strlen(key),
                 " window [%lld, %lld)", (long long)o->wstart,
                 (long long)o->wend);
    return sq_fail(s, s->db, rc, st, "%s \"%s\"%s", what, s->table, key);
}

/* Steps q once to completion and resets it; the SQLite result code. */
static int run(sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

weir_rc wr_sqsink_begin(wr_sqsink *s, int64_t batch_id, weir_status *st)
{
    if (!sqlite3_get_autocommit(s->db))
        return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "SQLite %s: batch %lld is still open", s->path,
                               (long long)s->batch);
    int rc = run(s->begin);
    if (rc != SQLITE_OK)
        return sq_fail(s, s->db, rc, st, "cannot begin batch %lld",
                       (long long)batch_id);
    s->batch = batch_id;
    return WEIR_OK;
}

weir_rc wr_sqsink_put(wr_sqsink *s, const wr_out *o, weir_status *st)
{
    /* Also catches a transaction SQLite rolled back on its own after an
     * error (SQLITE_FULL, SQLITE_IOERR): writing on in autocommit mode
     * would split the batch. */
    if (sqlite3_get_autocommit(s->db))
        return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "SQLite %s: write to \"%s\" outside a batch",
                               s->path, s->table);
    if (o->windowed != s->windowed)
        return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "SQLite %s: table \"%s\" is %s but the "
                               "record is %s",
                               s->path, s->table,
                               s->windowed ? "windowed" : "not windowed",
                               o->windowed ? "windowed" : "not windowed");
    int rc;
    if (s->upsert) {
        /* A tombstone deletes; a key with a NULL (which never conflicts)
         * or the single row of a keyless table is replaced by hand. */
        bool null_key = s->single;
        for (int i = 0; !null_key && i < s->nkeys; i++)
            null_key = wr_col_is_null(&o->cols[i], o->row);
        if (!o->value || null_key) {
            if ((rc = bind_keys(s, s->del, o)) != SQLITE_OK ||
                (rc = run(s->del)) != SQLITE_OK)
                return put_fail(s, o, rc, "delete from", st);
            if (!o->value)
                return WEIR_OK;
        }
    }
    if ((rc = bind_keys(s, s->ins, o)) != SQLITE_OK ||
        (rc = bind_values(s, s->ins, o)) != SQLITE_OK ||
        (rc = run(s->ins)) != SQLITE_OK)
        return put_fail(s, o, rc, "insert into", st);
    return WEIR_OK;
}

void wr_sqsink_rollback(wr_sqsink *s)
{
    if (!s || !s->db || sqlite3_get_autocommit(s->db))
        return;
    if (!s->rollback || run(s->rollback) != SQLITE_OK)
        exec_sql(s->db, "ROLLBACK");
}

weir_rc wr_sqsink_commit(wr_sqsink *s, int n, const char *const *sources,
                         const int32_t *partitions, const int64_t *next_offsets,
                         weir_status *st)
{
    if (sqlite3_get_autocommit(s->db))
        return weir_status_set(st, WEIR_E_INTERNAL, WEIR_NOLOC,
                               "SQLite %s: commit of batch %lld, which is "
                               "not open (never begun, or rolled back after "
                               "an error)",
                               s->path, (long long)s->batch);
    int rc = SQLITE_OK;
    for (int i = 0; i < n; i++) {
        sqlite3_stmt *q = s->off_put;
        if ((rc = sqlite3_bind_text(q, 1, s->query_id, -1, SQLITE_STATIC)) ||
            (rc = sqlite3_bind_text(q, 2, sources[i], -1, SQLITE_STATIC)) ||
            (rc = sqlite3_bind_int(q, 3, partitions[i])) ||
            (rc = sqlite3_bind_int64(q, 4, next_offsets[i])) ||
            (rc = sqlite3_bind_int64(q, 5, s->batch)) ||
            (rc = run(q)) != SQLITE_OK) {
            sq_fail(s, s->db, rc, st, "batch %lld: offsets of %s[%d]",
                    (long long)s->batch, sources[i], (int)partitions[i]);
            wr_sqsink_rollback(s);
            return WEIR_E_IO;
        }
    }
    if ((rc = run(s->commit)) != SQLITE_OK) {
        sq_fail(s, s->db, rc, st, "cannot commit batch %lld",
                (long long)s->batch);
        wr_sqsink_rollback(s);
        return WEIR_E_IO;
    }
    return WEIR_OK;
}

weir_rc wr_sqsink_offsets(wr_sqsink *s, const char *source, int32_t partition,
                          int64_t *next, weir_status *st)
{
    sqlite3_stmt *q = s->off_get;
    *next = -1;
    sqlite3_bind_text(q, 1, s->query_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 3, partition);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
        *next = sqlite3_column_int64(q, 0);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sq_fail(s, s->db, rc, st, "reading the offsets of %s[%d]", source,
                (int)partition);
        sqlite3_reset(q);
        return WEIR_E_IO;
    }
    sqlite3_reset(q);
    return WEIR_OK;
}

weir_rc wr_sqsink_last_batch(wr_sqsink *s, int64_t *batch, weir_status *st)
{
    sqlite3_stmt *q = s->last;
    *batch = -1;
    sqlite3_bind_text(q, 1, s->query_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
        *batch = sqlite3_column_int64(q, 0);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sq_fail(s, s->db, rc, st, "reading the last batch of %s", s->query_id);
        sqlite3_reset(q);
        return WEIR_E_IO;
    }
    sqlite3_reset(q);
    return WEIR_OK;
}

void wr_sqsink_close(wr_sqsink *s)
{
    if (!s)
        return;
    wr_sqsink_rollback(s);
    sqlite3_stmt *all[] = {s->ins,  s->del,   s->off_put, s->off_get,
                           s->last, s->begin, s->commit,  s->rollback};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    if (s->db)
        sqlite3_close_v2(s->db);
    wr_buf_fini(&s->text);
    wr_arena_free(s->ar);
    wr_free(s);
}
